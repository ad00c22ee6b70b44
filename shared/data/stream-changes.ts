// data: the Records stream's images as record changes (domain/figures/stale.ts decides
// what they make stale). What is storage stays here: the item's attributes, the cell it
// counts for (`cellKey`, index byCell), and the moves of index byRemindOn that the
// reminders job makes without touching the record.
import { isDeepStrictEqual } from 'node:util';
import type { RecordChange, RecordImage } from '../domain/figures/stale.js';
import { FIGURES_BY_IMPORT, storedRecordOf } from './keys.js';

/** A stream record's images, unmarshalled. */
export interface StreamImages {
  oldImage?: Record<string, unknown>;
  newImage?: Record<string, unknown>;
}

const CELL_PREFIX = 'CELL#';
const cellFrom = (image: Record<string, unknown>) =>
  typeof image.cellKey === 'string' && image.cellKey.startsWith(CELL_PREFIX) ? image.cellKey.slice(CELL_PREFIX.length) : undefined;

/** Index attributes the reminders job moves on without touching the record (no figure depends on them). */
const REMINDER_INDEX_ATTRIBUTES = ['remindOn', 'remindMonth'];

const withoutReminderIndex = (image: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(image).filter(([name]) => !REMINDER_INDEX_ATTRIBUTES.includes(name)));

/**
 * Whether a change only moved the record's place in index byRemindOn (the reminders job
 * does that without bumping the version): then it changed no record.
 */
function onlyReminderIndexMoved({ oldImage, newImage }: StreamImages): boolean {
  if (oldImage === undefined || newImage === undefined) return false;
  const moved = REMINDER_INDEX_ATTRIBUTES.some((name) => !isDeepStrictEqual(oldImage[name], newImage[name]));
  return moved && isDeepStrictEqual(withoutReminderIndex(oldImage), withoutReminderIndex(newImage));
}

/**
 * Whether a change is the bulk import's insert of a member whose figures it wrote itself
 * (docs/import.md): counted already, so not again. A later change of that member (an
 * event, an erasure) shows it as the old image and is counted as any other.
 */
const insertedByImport = ({ oldImage, newImage }: StreamImages): boolean =>
  oldImage === undefined && newImage?.figuresBy === FIGURES_BY_IMPORT.figuresBy;

function imageOf(item: Record<string, unknown> | undefined): RecordImage | undefined {
  const stored = item ? storedRecordOf(item) : undefined;
  return item && stored ? { stored, cellId: cellFrom(item) } : undefined;
}

/**
 * The changes of records among a batch of stream images: items that hold no record (a
 * marker, a rejection, the tree's counter), moves in index byRemindOn and the import's
 * inserts of members it counted itself are left out.
 */
export function recordChangesOf(images: readonly StreamImages[]): RecordChange[] {
  const changes: RecordChange[] = [];
  for (const change of images) {
    if (onlyReminderIndexMoved(change) || insertedByImport(change)) continue;
    const item = change.newImage ?? change.oldImage;
    const [before, after] = [imageOf(change.oldImage), imageOf(change.newImage)];
    if (!item || (!before && !after)) continue;
    changes.push({
      pk: String(item.pk),
      sk: String(item.sk),
      version: Number(change.newImage?.version ?? change.oldImage?.version ?? 0),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
    });
  }
  return changes;
}
