// data: which figures a batch of record changes makes stale, read off the stream images.
// Coalesced: a batch of a hundred changes to one cell recounts that cell once.
import { isDeepStrictEqual } from 'node:util';
import type { StoredRecord } from '../domain/records.js';
import { recordCurrentFigures } from '../domain/figures/index.js';
import { storedRecordOf } from './keys.js';

/** A stream record's images, unmarshalled. */
export interface Change {
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
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

const CELL_PREFIX = 'CELL#';
const cellFrom = (image?: Record<string, unknown>) =>
  typeof image?.cellKey === 'string' && image.cellKey.startsWith(CELL_PREFIX) ? image.cellKey.slice(CELL_PREFIX.length) : undefined;

/** Index attributes the reminders job moves on without touching the record (no figure depends on them). */
const REMINDER_INDEX_ATTRIBUTES = ['remindOn', 'remindMonth'];

const withoutReminderIndex = (image: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(image).filter(([name]) => !REMINDER_INDEX_ATTRIBUTES.includes(name)));

/**
 * Whether a change only moved the record's place in index byRemindOn (the reminders job
 * does that without bumping the version): then nothing is stale.
 */
function onlyReminderIndexMoved({ oldImage, newImage }: Change): boolean {
  if (oldImage === undefined || newImage === undefined) return false;
  const moved = REMINDER_INDEX_ATTRIBUTES.some((name) => !isDeepStrictEqual(oldImage[name], newImage[name]));
  return moved && isDeepStrictEqual(withoutReminderIndex(oldImage), withoutReminderIndex(newImage));
}

/**
 * Whether a change of a record that stays in the cell leaves what the record adds to the
 * cell's figures now as it was (an evaluation, a badge): then its recount can be skipped.
 * Its figures as of a date are decided apart, from its contribution (refresh-as-of.ts).
 */
function countsTheSameNow(cellId: string, before: StoredRecord | undefined, after: StoredRecord | undefined): boolean {
  if (!before || !after) return false;
  return isDeepStrictEqual(recordCurrentFigures(before, cellId), recordCurrentFigures(after, cellId));
}

export function staleFrom(changes: Change[]): Stale {
  const stale: Stale = { cells: new Map(), records: new Map(), orgs: new Set() };
  const cell = (id: string) => {
    let s = stale.cells.get(id);
    if (!s) {
      s = { current: false, years: new Set(), expectations: [] };
      stale.cells.set(id, s);
    }
    return s;
  };
  for (const change of changes) {
    if (onlyReminderIndexMoved(change)) continue;
    const { oldImage, newImage } = change;
    const image = newImage ?? oldImage;
    const entity = image?.entity;
    if (entity === 'member' || entity === 'dossier' || entity === 'transfer') {
      const before = cellFrom(oldImage);
      const after = cellFrom(newImage);
      const pk = String(image?.pk);
      const sk = String(image?.sk);
      const version = Number(newImage?.version ?? oldImage?.version ?? 0);
      const [was, now] = [oldImage, newImage].map((i) => (i ? storedRecordOf(i) : undefined));
      noteRecord(stale.records, pk, version, was, now);
      for (const id of new Set([before, after])) {
        if (!id || (before === after && countsTheSameNow(id, was, now))) continue;
        const s = cell(id);
        s.current = true;
        // Only the latest change of a record in this batch says where it is now.
        const expectation = { pk, sk, version, inCell: after === id && newImage !== undefined };
        const earlier = s.expectations.findIndex((e) => e.pk === pk);
        if (earlier < 0) s.expectations.push(expectation);
        else if (s.expectations[earlier]!.version <= version) s.expectations[earlier] = expectation;
      }
    } else if (entity === 'fact') {
      const { cellId, year } = image as { cellId: string; year: number };
      cell(cellId).years.add(Number(year));
    } else if (entity === 'org') {
      for (const img of [oldImage, newImage]) {
        if (typeof img?.parentId === 'string') stale.orgs.add(img.parentId);
      }
      stale.orgs.add(String(image?.orgId));
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
