// domain/figures: what a batch of record changes makes stale. Coalesced: a batch of a
// hundred changes to one cell recounts that cell once. The changes come from the Records
// stream, read by the data layer (shared/data/stream-changes.ts).
import type { OrgRecord, StoredRecord } from '../records.js';
import { monthOf, type Month } from './months.js';

/** A record as one side of a change shows it: the record, and the cell it counts for then (index byCell). */
export interface RecordImage {
  stored: StoredRecord;
  cellId: string | undefined;
}

/** One change of one record: its key, the version it reached, and the record before and after (absent: created, deleted). */
export interface RecordChange {
  pk: string;
  sk: string;
  version: number;
  before?: RecordImage;
  after?: RecordImage;
}

/**
 * A record changed in the batch: every image the batch showed of it (each may have counted
 * somewhere) and the latest one (absent: deleted).
 */
export interface ChangedRecord {
  pk: string;
  version: number;
  /**
   * The lowest version a change of the batch brought it to: a stored contribution older
   * than this was put by an earlier batch, one at it or later possibly by an earlier
   * attempt at this one (a retry may carry more of the record's changes than the first).
   */
  firstVersion: number;
  images: StoredRecord[];
  latest?: StoredRecord;
}

export interface Stale {
  /** Members, dossiers and transfers that changed, by partition key. */
  records: Map<string, ChangedRecord>;
  /** Per cell, the months whose facts changed (a fact is its own contribution: it is recounted from its partition). */
  factMonths: Map<string, Set<Month>>;
  /** Orgs whose subtree changed shape (a move, a dissolution): they and their ancestors are merged again in full. */
  orgs: Set<string>;
}

export const emptyStale = (): Stale => ({ records: new Map(), factMonths: new Map(), orgs: new Set() });

/** Whether an org change moves figures between subtrees: a new parent, a dissolution, a merger (not a name or a target). */
function reshapes(before: OrgRecord, after: OrgRecord): boolean {
  return (
    before.parentId !== after.parentId ||
    before.status !== after.status ||
    before.mergedInto !== after.mergedInto ||
    before.level !== after.level
  );
}

/** The records, fact months and orgs whose figures a batch of changes makes stale. */
export function staleFrom(changes: readonly RecordChange[]): Stale {
  const stale = emptyStale();
  for (const { pk, version, before, after } of changes) {
    const latest = (after ?? before)?.stored;
    if (latest?.entity === 'member' || latest?.entity === 'dossier' || latest?.entity === 'transfer' || latest?.entity === 'candidate') {
      noteRecord(stale.records, pk, version, before?.stored, after?.stored);
    } else if (latest?.entity === 'fact') {
      for (const image of [before?.stored, after?.stored]) {
        if (image?.entity !== 'fact') continue;
        const months = stale.factMonths.get(image.record.cellId) ?? new Set<Month>();
        months.add(monthOf(image.record.on));
        stale.factMonths.set(image.record.cellId, months);
      }
    } else if (latest?.entity === 'org') {
      const [was, now] = [before?.stored, after?.stored];
      // A new org holds nothing yet: the next merge above it is a full one (the tree's version moved).
      if (was?.entity !== 'org' || now?.entity !== 'org' || !reshapes(was.record, now.record)) continue;
      for (const parentId of [was.record.parentId, now.record.parentId]) if (typeof parentId === 'string') stale.orgs.add(parentId);
      stale.orgs.add(now.record.orgId);
    }
  }
  return stale;
}

/** Adds a change's images (as records) to what the batch knows of the record; the highest version is the latest. */
function noteRecord(
  records: Map<string, ChangedRecord>,
  pk: string,
  version: number,
  was: StoredRecord | undefined,
  now: StoredRecord | undefined,
): void {
  const images = [was, now].filter((i): i is StoredRecord => i !== undefined);
  const known = records.get(pk);
  if (!known) {
    records.set(pk, { pk, version, firstVersion: version, images, ...(now ? { latest: now } : {}) });
    return;
  }
  known.images.push(...images);
  known.firstVersion = Math.min(known.firstVersion, version);
  if (version >= known.version) {
    known.version = version;
    if (now) known.latest = now;
    else delete known.latest;
  }
}
