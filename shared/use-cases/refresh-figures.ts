// use case: bring the figures of every changed cell, and of each ancestor up to the
// root, up to date. (adapter) functions/figures --> use case --> domain/figures
//
// Why recount and merge, not ADD deltas: a stream batch can be delivered again, and a
// delta applied twice is wrong for good; a recount from the records is right however
// often it runs. Each write states the version it read, so of two concurrent writers
// to one org the slower one finds the version moved, reads again and redoes the merge
// with what the faster one wrote: the last successful write has seen every child.
import { countCellCurrent, countCellYear, mergeSubtree, normalizeFigures, type OrgFigures, type OrgTree } from '../domain/figures/index.js';
import type { DossierRecord, MemberRecord, TransferRecord } from '../domain/records.js';
import type { Expectation, Stale, StaleCell } from '../data/changes.js';
import { ConcurrentUpdateError, IndexLaggingError } from './errors.js';
import { figuresId, type FiguresStore } from './ports.js';
import { mergeOrgAsOf, recountCellAsOf, writeContributions } from './refresh-as-of.js';

export { IndexLaggingError };

const MAX_CONFLICTS = 20;

/**
 * @throws IndexLaggingError when index byCell has not caught up yet (the batch is retried).
 * @throws ConcurrentUpdateError when an org's figures kept being written by others.
 */
export async function refreshFigures(store: FiguresStore, stale: Stale): Promise<{ cells: number; orgs: number }> {
  if (stale.cells.size === 0 && stale.orgs.size === 0 && stale.records.size === 0) return { cells: 0, orgs: 0 };
  const tree = await store.currentOrgTree();
  const asOfCells = await writeContributions(store, stale.records.values());
  await Promise.all([
    ...[...stale.cells].map(([cellId, what]) => recountCell(store, cellId, what)),
    ...[...asOfCells].map(([cellId, years]) => recountCellAsOf(store, cellId, years)),
  ]);
  const touched = new Set<string>();
  /** Per org, the as-of years its subtree items must be merged for; `all` when its subtree changed shape. */
  const asOfYears = new Map<string, { years: Set<number>; all: boolean }>();
  const mark = (id: string, years: Iterable<number>, all: boolean) => {
    const entry = asOfYears.get(id) ?? { years: new Set<number>(), all: false };
    for (const y of years) entry.years.add(y);
    entry.all ||= all;
    asOfYears.set(id, entry);
  };
  for (const id of [...stale.cells.keys(), ...stale.orgs, ...asOfCells.keys()]) {
    if (!tree.has(id)) continue;
    const years = asOfCells.get(id) ?? [];
    const all = stale.orgs.has(id);
    for (const org of [id, ...tree.ancestors(id).map((a) => a.orgId)]) {
      touched.add(org);
      mark(org, years, all);
    }
  }
  // Deepest first: an org is merged after all of its children that changed.
  const depth = (id: string) => tree.ancestors(id).length;
  const levels = new Map<number, string[]>();
  for (const id of touched) levels.set(depth(id), [...(levels.get(depth(id)) ?? []), id]);
  for (const d of [...levels.keys()].sort((a, b) => b - a)) {
    await Promise.all(
      levels.get(d)!.flatMap((id) => {
        const asOf = asOfYears.get(id)!;
        const children = tree.children(id).map((c) => c.orgId);
        return [mergeOrg(store, tree, id), mergeOrgAsOf(store, id, children, asOf.years, asOf.all)];
      }),
    );
  }
  return { cells: stale.cells.size, orgs: touched.size };
}

async function recountCell(store: FiguresStore, cellId: string, what: StaleCell): Promise<void> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const stored = (await store.readFigures([{ orgId: cellId, kind: 'own' }])).get(figuresId(cellId, 'own'));
    const figures: OrgFigures = normalizeFigures(stored?.figures);
    if (what.current) figures.current = countCellCurrent({ cellId, ...(await cellHoldings(store, cellId, what.expectations)) });
    for (const year of what.years) figures.years[String(year)] = countCellYear(await store.queryFacts(cellId, year));
    if (await store.writeFigures(cellId, 'own', normalizeFigures(figures), stored?.version)) return;
  }
  throw new ConcurrentUpdateError(`figures ${figuresId(cellId, 'own')}`, MAX_CONFLICTS);
}

/** The cell's records now, checked against the changes that triggered the recount. */
async function cellHoldings(store: FiguresStore, cellId: string, expectations: Expectation[]) {
  const holdings = await store.queryCellItems(cellId);
  const byPk = new Map(holdings.map((h) => [h.pk, h.stored.record.version]));
  for (const e of expectations) {
    const seen = byPk.get(e.pk);
    const upToDate = e.inCell ? seen !== undefined && seen >= e.version : seen === undefined || seen > e.version;
    // A record that changed again since is recounted again when that change's stream
    // record comes; only a lag behind this change's own version must wait.
    if (!upToDate && (await store.currentVersion(e)) <= e.version) throw new IndexLaggingError(cellId);
  }
  const held = { members: [] as MemberRecord[], dossiers: [] as DossierRecord[], transfers: [] as TransferRecord[] };
  for (const { stored } of holdings) {
    if (stored.entity === 'member') held.members.push(stored.record);
    else if (stored.entity === 'dossier') held.dossiers.push(stored.record);
    else if (stored.entity === 'transfer') held.transfers.push(stored.record);
  }
  return held;
}

async function mergeOrg(store: FiguresStore, tree: OrgTree, orgId: string): Promise<void> {
  const children = tree.children(orgId).map((c) => c.orgId);
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const read = await store.readFigures([
      { orgId, kind: 'own' },
      { orgId, kind: 'subtree' },
      ...children.map((id) => ({ orgId: id, kind: 'subtree' as const })),
    ]);
    const merged = mergeSubtree(
      orgId,
      read.get(figuresId(orgId, 'own'))?.figures,
      children.map((id) => read.get(figuresId(id, 'subtree'))?.figures),
      (other) => tree.isInSubtree(orgId, other),
    );
    if (await store.writeFigures(orgId, 'subtree', merged, read.get(figuresId(orgId, 'subtree'))?.version)) return;
  }
  throw new ConcurrentUpdateError(`figures ${figuresId(orgId, 'subtree')}`, MAX_CONFLICTS);
}
