// domain/figures: merging into a subtree item only what changed below it (the delta merge).
// Pure: no AWS import, no I/O.
//
// A subtree item (one month of an org's subtree) is a sum of source items: the org's own
// item of that month and its children's. It records the version of each source it holds
// (`absorbed`) and the org tree it was merged under (`treeVersion`), so that it always
// equals the merge of exactly those source versions. A writer that moved a source from
// version b to a (and knows its content at both) may then add (after − before) when the
// item holds version b of that source: the sum stays the merge of the sources at the
// versions it records. Whatever else — another version, another tree, no record at all —
// the item is merged in full again.
import { sumChanges, withoutInside, type DatedChanges } from './catalogue.js';

/** The key of the org's own item in `absorbed` (children are keyed by their orgId). */
export const OWN_SOURCE = '@own';

/** Source → the version of it a subtree item holds (0: the source was absent). */
export type Absorbed = Record<string, number>;

/** What a subtree item records about what it sums (absent on items written by `recompute`). */
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

/**
 * The subtree's changes from its sources' (its own, its children's): their sum, without the
 * boundary entries whose organization lies inside the subtree (`isInside`).
 */
export function mergeSources(sources: ReadonlyArray<DatedChanges | null | undefined>, isInside: (orgId: string) => boolean): DatedChanges {
  return withoutInside(sumChanges(sources), isInside);
}

/**
 * A subtree item's changes after the changes of some of its sources: stored + Σ(after −
 * before), filtered as {@link mergeSources} does (the filter drops entries by key, so it is
 * linear: filtering the sum = summing the filtered parts).
 */
export function applyDeltas(
  stored: DatedChanges | null | undefined,
  changes: ReadonlyArray<{ before: DatedChanges | null | undefined; after: DatedChanges | null | undefined }>,
  isInside: (orgId: string) => boolean,
): DatedChanges {
  const terms = changes.flatMap((c) => [c.after, sumChanges([c.before], -1)]);
  return sumChanges([stored, withoutInside(sumChanges(terms), isInside)]);
}

/** Whether two absorbed maps record the same versions. */
export function sameAbsorbed(a: Absorbed | undefined, b: Absorbed | undefined): boolean {
  const ka = Object.keys(a ?? {});
  if (ka.length !== Object.keys(b ?? {}).length) return false;
  return ka.every((k) => a?.[k] === b?.[k]);
}
