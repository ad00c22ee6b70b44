// domain/figures: merging into a subtree item only what changed below it (the delta merge).
// Pure: no AWS import, no I/O.
//
// A subtree item is a sum of source items: the org's own item and its children's subtree
// items. It records the version of each source it holds (`absorbed`) and the org tree it
// was merged under (`treeVersion`), so that it always equals the merge of exactly those
// source versions. A writer that moved a source from version b to a (and knows its content
// at both) may then add (after − before) when the item holds version b of that source:
// the sum stays the merge of the sources at the versions it records. Whatever else —
// another version, another tree, no record at all — the item is merged in full again.
import { sumChanges, type Tally } from './as-of.js';
import { mergeSubtree, normalizeFigures, type DeepPartial } from './merge.js';
import type { OrgFigures } from './types.js';

/** The key of the org's own item in `absorbed` (children are keyed by their orgId). */
export const OWN_SOURCE = '@own';

/** Source → the version of it a subtree item holds (0: the source was absent). */
export type Absorbed = Record<string, number>;

/** What a subtree item records about what it sums (absent on items written before, or by `recompute`). */
export interface MergeBookkeeping {
  absorbed?: Absorbed;
  /** The org tree's version it was merged under; undefined when that was not known. */
  treeVersion?: number;
}

/** One source item as this refresh left it. */
export interface SourceReport<T> {
  /** Its version now (0: absent). */
  version: number;
  /** Set when this refresh wrote it: its content at `beforeVersion` and at `version`. */
  change?: { beforeVersion: number; before: T; after: T };
}

export type MergePlan<T> =
  /** Read every source and sum them again. */
  | { kind: 'full' }
  /** The item already holds every reported version (or a later one). */
  | { kind: 'none' }
  /** Add (after − before) of each change and record `absorbed`. */
  | { kind: 'delta'; changes: Array<{ before: T; after: T }>; absorbed: Absorbed };

/**
 * How a subtree item takes in the `reports` of its sources (by source key). `stored` is the
 * item as read (undefined: absent); `treeVersion` the tree of this refresh (undefined:
 * unknown); `restructured` when the org's subtree changed shape in this batch.
 */
export function planMerge<T>(
  stored: (MergeBookkeeping & { version: number }) | undefined,
  opts: { treeVersion: number | undefined; restructured: boolean },
  reports: ReadonlyMap<string, SourceReport<T>>,
): MergePlan<T> {
  if (opts.restructured || opts.treeVersion === undefined) return { kind: 'full' };
  if (!stored?.absorbed || stored.treeVersion !== opts.treeVersion) return { kind: 'full' };
  const absorbed: Absorbed = { ...stored.absorbed };
  const changes: Array<{ before: T; after: T }> = [];
  for (const [source, report] of reports) {
    const held = absorbed[source];
    // A source the item never recorded: the record is not about these sources.
    if (held === undefined) return { kind: 'full' };
    if (held >= report.version) continue;
    // Another version than the one this change started from (a write by another refresh,
    // a crash before this item took it in, `recompute`): no known delta leads there.
    if (report.change?.beforeVersion !== held) return { kind: 'full' };
    changes.push({ before: report.change.before, after: report.change.after });
    absorbed[source] = report.version;
  }
  return changes.length === 0 ? { kind: 'none' } : { kind: 'delta', changes, absorbed };
}

/** Every number of normalised figures negated. */
function negate<T>(value: T): T {
  if (typeof value === 'number') return (value === 0 ? 0 : -value) as T;
  if (Array.isArray(value)) return value.map(negate) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, negate(v)])) as T;
  }
  return value;
}

/**
 * The subtree figures of `orgId` after the changes of some of its sources: stored + Σ(after −
 * before), with the transfer maps filtered as {@link mergeSubtree} does (the filter drops
 * entries by key, so it is linear: filtering the sum = summing the filtered parts).
 */
export function applyFiguresDeltas(
  orgId: string,
  stored: DeepPartial<OrgFigures> | null | undefined,
  changes: ReadonlyArray<{ before: DeepPartial<OrgFigures> | null | undefined; after: DeepPartial<OrgFigures> | null | undefined }>,
  isInSubtree: (otherOrgId: string) => boolean,
): OrgFigures {
  const terms = changes.flatMap((c) => [normalizeFigures(c.after), negate(normalizeFigures(c.before))]);
  return mergeSubtree(orgId, stored, terms, isInSubtree);
}

/** An as-of item's data after the changes of some of its sources: stored + Σ(after − before). */
export function applyTallyDeltas(
  stored: Record<string, Tally> | null | undefined,
  changes: ReadonlyArray<{ before: Record<string, Tally> | null | undefined; after: Record<string, Tally> | null | undefined }>,
): Record<string, Tally> {
  return sumChanges([stored, ...changes.flatMap((c) => [c.after, negate(sumChanges([c.before]))])]);
}

/** Whether two absorbed maps record the same versions. */
export function sameAbsorbed(a: Absorbed | undefined, b: Absorbed | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}
