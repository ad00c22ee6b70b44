// domain/figures: which figures a batch of record changes makes stale. Coalesced: a batch
// of a hundred changes to one cell recounts that cell once. The changes come from the
// Records stream, read by the data layer (shared/data/stream-changes.ts).
import { isDeepStrictEqual } from 'node:util';
import type { StoredRecord } from '../records.js';
import { recordCurrentFigures } from './count.js';

/** A record as one side of a change shows it: the record, and the cell it counted for then (index byCell). */
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

/** A record that moved into or out of a cell: the recount must see it as it is now. */
export interface Expectation {
  pk: string;
  sk: string;
  version: number;
  /** Whether, at `version`, the record counts for the cell. */
  inCell: boolean;
}

export interface StaleCell {
  /** Recount what it holds now (members, dossiers, transfers). */
  current: boolean;
  /** Recount these years' facts. */
  years: Set<number>;
  expectations: Expectation[];
}

/**
 * A record changed in the batch, for its figures as of a date: every image the batch
 * showed of it (each may have counted somewhere) and the latest one (absent: deleted).
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
  cells: Map<string, StaleCell>;
  /** Members, dossiers and transfers that changed, by partition key. */
  records: Map<string, ChangedRecord>;
  /** Orgs whose subtree changed shape: they and their ancestors are merged again. */
  orgs: Set<string>;
}

/**
 * Whether a change of a record that stays in the cell leaves what the record adds to the
 * cell's figures now as it was (an evaluation, a badge): then its recount can be skipped.
 * Its figures as of a date are decided apart, from its contribution (refresh-figures/as-of.ts).
 */
function countsTheSameNow(cellId: string, before: StoredRecord | undefined, after: StoredRecord | undefined): boolean {
  if (!before || !after) return false;
  return isDeepStrictEqual(recordCurrentFigures(before, cellId), recordCurrentFigures(after, cellId));
}

/** The cells, records and orgs whose figures a batch of changes makes stale. */
export function staleFrom(changes: readonly RecordChange[]): Stale {
  const stale: Stale = { cells: new Map(), records: new Map(), orgs: new Set() };
  const cell = (id: string) => {
    let s = stale.cells.get(id);
    if (!s) {
      s = { current: false, years: new Set(), expectations: [] };
      stale.cells.set(id, s);
    }
    return s;
  };
  for (const { pk, sk, version, before, after } of changes) {
    const latest = (after ?? before)?.stored;
    if (latest?.entity === 'member' || latest?.entity === 'dossier' || latest?.entity === 'transfer') {
      const [was, now] = [before?.stored, after?.stored];
      noteRecord(stale.records, pk, version, was, now);
      for (const id of new Set([before?.cellId, after?.cellId])) {
        if (!id || (before?.cellId === after?.cellId && countsTheSameNow(id, was, now))) continue;
        const s = cell(id);
        s.current = true;
        // Only the latest change of a record in this batch says where it is now.
        const expectation = { pk, sk, version, inCell: after?.cellId === id && after !== undefined };
        const earlier = s.expectations.findIndex((e) => e.pk === pk);
        if (earlier < 0) s.expectations.push(expectation);
        else if (s.expectations[earlier]!.version <= version) s.expectations[earlier] = expectation;
      }
    } else if (latest?.entity === 'fact') {
      cell(latest.record.cellId).years.add(Number(latest.record.year));
    } else if (latest?.entity === 'org') {
      for (const image of [before, after]) {
        const parentId = image?.stored.entity === 'org' ? image.stored.record.parentId : undefined;
        if (typeof parentId === 'string') stale.orgs.add(parentId);
      }
      stale.orgs.add(String(latest.record.orgId));
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
