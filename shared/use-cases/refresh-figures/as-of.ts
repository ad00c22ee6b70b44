// use case: bring the figures as of a date up to date after a batch of record changes.
// (adapter) functions/figures --> use case refresh-figures (index.ts) --> this --> domain/figures
//
// Three steps, each a recount, so that redelivery and reordering are harmless:
// 1. each changed record's contribution to every cell it ever counted for is put, at the
//    record's version (a later version already there wins): `CHANGES#<cell>/<record>`;
// 2. each cell whose contributions changed sums all of them again into its own items
//    (the year-net item and the items of the years touched);
// 3. each ancestor takes in its children's items of those years (done by index.ts,
//    deepest first, with {@link mergeOrgAsOf}): per item, the delta its sources report when
//    that is exact, else their sum again — as the figures' subtree items (index.ts).
import {
  applyTallyDeltas,
  byYear,
  OWN_SOURCE,
  planMerge,
  recordChanges,
  sameAbsorbed,
  sumChanges,
  type Absorbed,
  type ChangedRecord,
  type DatedChanges,
  type MergePlan,
  type SourceReport,
  type Tally,
  yearsThatDiffer,
} from '../../domain/figures/index.js';
import { yearOf } from '../../domain/dates.js';
import { ConcurrentUpdateError } from '../errors.js';
import { asOfId, NETS, type AsOfStore, type ContributionPut, type StoredAsOf } from './port.js';

const MAX_CONFLICTS = 20;

/** What one source's as-of items became in a refresh, by part (`nets`, a year). */
export type AsOfReports = Map<string, SourceReport<Record<string, Tally>>>;

/** Years a set of changes touches. */
function yearsOf(changes: DatedChanges | undefined): number[] {
  return Object.keys(changes ?? {}).map(yearOf);
}

/**
 * The years of a cell that a contribution's put may have changed. Only a put that replaced
 * a version older than every change of the batch knows exactly — an earlier batch put it
 * and went on to recount — : the years where the two differ (none when the record changed
 * nothing the figures count, e.g. an evaluation). A put that replaced a version of this
 * batch may follow a crash of an earlier attempt before the cell was recounted, and one
 * refused for a later version proves nothing: both recount every year any image holds.
 */
function staleYears(put: ContributionPut, record: ChangedRecord, changes: DatedChanges, imageYears: number[]): number[] {
  const { replaced } = put;
  if (put.written && replaced && replaced.version < record.firstVersion) return yearsThatDiffer(replaced.changes, changes);
  return [...imageYears, ...yearsOf(replaced?.changes)];
}

/**
 * Step 1: puts every changed record's contributions. Returns, per cell, the years whose
 * changes may differ now ({@link staleYears}); a cell none of whose years changed is left out.
 */
export async function writeContributions(store: AsOfStore, records: Iterable<ChangedRecord>): Promise<Map<string, Set<number>>> {
  const stale = new Map<string, Set<number>>();
  const touch = (cellId: string, years: number[]) => {
    if (years.length === 0) return;
    const set = stale.get(cellId) ?? new Set<number>();
    for (const y of years) set.add(y);
    stale.set(cellId, set);
  };
  const puts: Promise<void>[] = [];
  for (const record of records) {
    const latest = record.latest ? recordChanges(record.latest) : new Map<string, DatedChanges>();
    const cells = new Map<string, number[]>();
    for (const image of record.images) {
      for (const [cellId, changes] of recordChanges(image)) cells.set(cellId, [...(cells.get(cellId) ?? []), ...yearsOf(changes)]);
    }
    for (const [cellId, changes] of latest) cells.set(cellId, [...(cells.get(cellId) ?? []), ...yearsOf(changes)]);
    for (const [cellId, years] of cells) {
      // A cell the latest version no longer counts for keeps an empty contribution at that
      // version; a record that no longer exists keeps none, so that no figure item names
      // a key an erasure took away (docs/personal-data.md).
      const changes = latest.get(cellId) ?? {};
      const at = { cellId, recordPk: record.pk, version: record.version };
      puts.push(
        (record.latest ? store.putContribution({ ...at, changes }) : store.dropContribution(at)).then((put) =>
          touch(cellId, staleYears(put, record, changes, years)),
        ),
      );
    }
  }
  await Promise.all(puts);
  return stale;
}

/** Whether two tally maps hold the same numbers. */
function sameTallies(a: Record<string, Tally> | undefined, b: Record<string, Tally> | undefined): boolean {
  return JSON.stringify(sumChanges([a])) === JSON.stringify(sumChanges([b]));
}

/**
 * Step 2: a cell's own as-of items (nets and the stale years), summed from all its
 * contributions. Every part is written, even unchanged (see recountCell in index.ts:
 * a skipped write would let a slower recount that read fewer contributions win). Returns
 * each part's version after, with its data before and after.
 */
export async function recountCellAsOf(store: AsOfStore, cellId: string, years: ReadonlySet<number>): Promise<AsOfReports> {
  let pending = [NETS, ...[...years].map(String)];
  const out: AsOfReports = new Map();
  for (let attempt = 0; attempt < MAX_CONFLICTS && pending.length > 0; attempt++) {
    // Read the items before the contributions: a contribution put after this read is
    // followed by a recount whose write makes ours fail on the version, and redo.
    const read = await store.readAsOf(pending.map((part) => ({ orgId: cellId, kind: 'own' as const, part })));
    const split = byYear(sumChanges((await store.queryContributions(cellId)).map((c) => c.changes)));
    const written = await Promise.all(
      pending.map(async (part) => {
        const stored = read.get(asOfId(cellId, 'own', part));
        const data = sumChanges([part === NETS ? split.nets : split.days[part]]);
        const beforeVersion = stored?.version ?? 0;
        if (!(await store.writeAsOf({ orgId: cellId, kind: 'own', part, data }, stored?.version))) return false;
        out.set(part, { version: beforeVersion + 1, change: { beforeVersion, before: sumChanges([stored?.data]), after: data } });
        return true;
      }),
    );
    pending = pending.filter((_, i) => !written[i]);
  }
  if (pending.length > 0) throw new ConcurrentUpdateError(`figures as of a date of ${cellId}`, MAX_CONFLICTS);
  return out;
}

/**
 * Step 3 for one org: its subtree items = its own + its children's subtree items, for the
 * year-net item and `years`; with `restructured`, every year any of them holds (the tree
 * changed shape under it), each merged in full. `reports`: what this refresh made of its
 * sources (keyed as in `absorbed`). Returns what each of its subtree items became.
 */
export async function mergeOrgAsOf(
  store: AsOfStore,
  org: { orgId: string; children: readonly string[]; treeVersion: number | undefined },
  years: ReadonlySet<number>,
  restructured: boolean,
  reports: ReadonlyMap<string, AsOfReports>,
): Promise<AsOfReports> {
  const { orgId, children } = org;
  const parts = new Set([NETS, ...[...years].map(String)]);
  // A part a source reports is one this item must take in, whatever `years` says.
  for (const r of reports.values()) for (const part of r.keys()) parts.add(part);
  if (restructured) {
    const sources = [{ orgId, kind: 'own' as const }, ...children.map((id) => ({ orgId: id, kind: 'subtree' as const }))];
    const nets = await store.readAsOf([...sources, { orgId, kind: 'subtree' as const }].map((s) => ({ ...s, part: NETS })));
    for (const stored of nets.values()) for (const y of Object.keys(stored.data)) parts.add(y);
  }
  const partReports = (part: string) => {
    const out = new Map<string, SourceReport<Record<string, Tally>>>();
    for (const [source, r] of reports) if (r.has(part)) out.set(source, r.get(part)!);
    return out;
  };
  const sources = [
    { key: OWN_SOURCE, orgId, kind: 'own' as const },
    ...children.map((id) => ({ key: id, orgId: id, kind: 'subtree' as const })),
  ];
  const out: AsOfReports = new Map();
  let pending = [...parts];
  for (let attempt = 0; attempt < MAX_CONFLICTS && pending.length > 0; attempt++) {
    // One read for the items, one for the sources of those merged in full, read after the
    // items (as index.ts's mergeOrg does); each item is then written on its own.
    const read = await store.readAsOf(pending.map((part) => ({ orgId, kind: 'subtree' as const, part })));
    const plans = pending.map((part) => {
      const stored = read.get(asOfId(orgId, 'subtree', part));
      return { part, stored, plan: planMerge(stored, { treeVersion: org.treeVersion, restructured }, partReports(part)) };
    });
    const full = plans.filter((p) => p.plan.kind === 'full').map((p) => p.part);
    const sourcesRead =
      full.length === 0
        ? new Map()
        : await store.readAsOf(full.flatMap((part) => sources.map((s) => ({ orgId: s.orgId, kind: s.kind, part }))));
    const done = await Promise.all(
      plans.map(async ({ part, stored, plan }) => {
        const merged = mergedPart(plan, stored, org.treeVersion, (s) => sourcesRead.get(asOfId(s.orgId, s.kind, part)), sources);
        if ('unchanged' in merged) {
          out.set(part, { version: merged.unchanged });
          return true;
        }
        const beforeVersion = stored?.version ?? 0;
        if (!(await store.writeAsOf({ orgId, kind: 'subtree', part, ...merged }, stored?.version))) return false;
        out.set(part, { version: beforeVersion + 1, change: { beforeVersion, before: sumChanges([stored?.data]), after: merged.data } });
        return true;
      }),
    );
    pending = pending.filter((_, i) => !done[i]);
  }
  if (pending.length > 0) throw new ConcurrentUpdateError(`figures as of a date of ${orgId} (subtree)`, MAX_CONFLICTS);
  return out;
}

/**
 * What one subtree as-of item becomes under `plan`: the data and bookkeeping to write, or
 * its version when there is nothing to write (merges read no records, so skipping a write
 * cannot hide a newer one; nor is an empty item created).
 */
function mergedPart(
  plan: MergePlan<Record<string, Tally>>,
  stored: StoredAsOf | undefined,
  treeVersion: number | undefined,
  sourceItem: (s: { orgId: string; kind: 'own' | 'subtree' }) => StoredAsOf | undefined,
  sources: ReadonlyArray<{ key: string; orgId: string; kind: 'own' | 'subtree' }>,
): { unchanged: number } | { data: Record<string, Tally>; absorbed: Absorbed; treeVersion?: number } {
  if (plan.kind === 'none') return { unchanged: stored!.version };
  if (plan.kind === 'delta') {
    return {
      data: applyTallyDeltas(stored!.data, plan.changes),
      absorbed: plan.absorbed,
      ...(stored!.treeVersion === undefined ? {} : { treeVersion: stored!.treeVersion }),
    };
  }
  const items = sources.map(sourceItem);
  const data = sumChanges(items.map((i) => i?.data));
  const absorbed: Absorbed = Object.fromEntries(sources.map((s, i) => [s.key, items[i]?.version ?? 0]));
  if (!stored && Object.keys(data).length === 0) return { unchanged: 0 };
  if (stored && stored.treeVersion === treeVersion && sameAbsorbed(stored.absorbed, absorbed) && sameTallies(stored.data, data)) {
    return { unchanged: stored.version };
  }
  return { data, absorbed, ...(treeVersion === undefined ? {} : { treeVersion }) };
}
