// use case: bring the figures of every changed cell, and of each ancestor up to the root,
// up to date after a batch of record changes (docs/architecture.md#the-figures-one-mechanism).
// (adapter) functions/figures --> use case --> domain/figures; storage through FiguresStore (port.ts).
//
// Three steps, each a recount or an exact merge, so that redelivery and reordering are harmless:
// 1. each changed record's contribution to every cell it ever counted for is put, at the
//    record's version (contributions.ts); a fact is its own contribution, in its partition;
// 2. each cell whose contributions or facts changed sums all of them again into its own
//    month items (cells.ts), and its nets of closed years follow (nets.ts);
// 3. each ancestor, deepest first, takes in its sources' changes month by month — the
//    delta they report when it is exact, else their sum again (merge.ts) — and its nets follow.
import { lastClosableYear, type Month, type OrgTree, type Stale } from '../../domain/figures/index.js';
import type { BusinessDate } from '../../domain/records.js';
import { mapLimit } from '../../map-limit.js';
import { recountCell, type MonthReports } from './cells.js';
import { writeContributions } from './contributions.js';
import { hasOwnItems, mergeOrg, totalKind } from './merge.js';
import { syncNets, type NetsKnown } from './nets.js';
import type { FiguresStore } from './port.js';

export type { MonthReports, NetsKnown };
export { hasOwnItems, mergeOrg, recountCell, syncNets, totalKind, writeContributions };

/** Cells recounted, and orgs merged, at once. */
const IN_FLIGHT = 16;

export interface RefreshOptions {
  /** Today in Vietnam: the years before it are closed, and their nets kept (months.ts `lastClosableYear`). */
  today: BusinessDate;
  /** The warm function's knowledge of the nets it has seen (nets.ts), kept between invocations. */
  netsKnown?: NetsKnown;
}

/** @throws ConcurrentUpdateError when an org's figures kept being written by others (the batch is retried). */
export async function refreshFigures(store: FiguresStore, stale: Stale, opts: RefreshOptions): Promise<{ cells: number; orgs: number }> {
  if (stale.records.size === 0 && stale.factMonths.size === 0 && stale.orgs.size === 0) return { cells: 0, orgs: 0 };
  const tree = await store.currentOrgTree();
  const cellMonths = await writeContributions(store, stale.records.values());
  addMonths(cellMonths, stale.factMonths);
  return recountAndMerge(store, tree, cellMonths, stale.orgs, opts);
}

/** Adds each cell's `months` to `into`. */
export function addMonths(into: Map<string, Set<Month>>, months: ReadonlyMap<string, ReadonlySet<Month>>): void {
  for (const [cellId, set] of months) {
    const all = into.get(cellId) ?? new Set<Month>();
    for (const m of set) all.add(m);
    into.set(cellId, all);
  }
}

/**
 * Steps 2 and 3 alone: recounts these months of these cells (their contributions already
 * put) and merges every ancestor, and every org of `restructured` with its ancestors in
 * full. The bulk import runs them once for a file whose contributions it put chunk by chunk.
 */
export async function recountAndMerge(
  store: FiguresStore,
  tree: OrgTree,
  cellMonths: ReadonlyMap<string, ReadonlySet<Month>>,
  restructuredOrgs: ReadonlySet<string>,
  opts: RefreshOptions,
): Promise<{ cells: number; orgs: number }> {
  const closable = lastClosableYear(opts.today);
  /** What each org's own items became in this refresh, and its total (what its parent takes in). */
  const own = new Map<string, MonthReports>();
  const total = new Map<string, MonthReports>();
  await mapLimit([...cellMonths], IN_FLIGHT, async ([cellId, months]) => {
    const reports = await recountCell(store, cellId, new Set(months));
    own.set(cellId, reports);
    await syncNets(store, { orgId: cellId, kind: 'own' }, reports, closable, opts.netsKnown);
  });
  // Every org above a recounted cell, and every org whose subtree changed shape with its ancestors.
  const touched = new Set<string>();
  const restructured = new Set<string>();
  for (const id of [...own.keys(), ...restructuredOrgs]) {
    if (!tree.has(id)) continue;
    const chain = [id, ...tree.ancestors(id).map((a) => a.orgId)];
    for (const org of chain) touched.add(org);
    if (restructuredOrgs.has(id)) for (const org of chain) restructured.add(org);
  }
  // Deepest first: an org is merged after all of its children that changed.
  const depth = (id: string) => tree.ancestors(id).length;
  const levels = new Map<number, string[]>();
  for (const id of touched) levels.set(depth(id), [...(levels.get(depth(id)) ?? []), id]);
  for (const d of [...levels.keys()].sort((a, b) => b - a)) {
    await mapLimit(levels.get(d)!, IN_FLIGHT, async (orgId) => {
      if (totalKind(tree, orgId) === 'own') {
        // No children: its own items stand for it (a cell's; none for other orgs).
        if (own.has(orgId)) total.set(orgId, own.get(orgId)!);
        if (restructured.has(orgId)) await store.deleteSubtreeItems(orgId);
        return;
      }
      const reports = new Map<string, MonthReports>();
      if (hasOwnItems(tree, orgId) && own.has(orgId)) reports.set('@own', own.get(orgId)!);
      for (const c of tree.children(orgId)) if (total.has(c.orgId)) reports.set(c.orgId, total.get(c.orgId)!);
      const merged = await mergeOrg(store, tree, orgId, reports, restructured.has(orgId));
      total.set(orgId, merged);
      await syncNets(store, { orgId, kind: 'subtree' }, merged, closable, opts.netsKnown);
    });
  }
  return { cells: own.size, orgs: touched.size };
}
