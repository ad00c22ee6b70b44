// use case: bring the figures of every changed cell, and of each ancestor up to the
// root, up to date. (adapter) functions/figures --> use case --> domain/figures;
// storage through FiguresStore (port.ts).
//
// A cell's own figures are recounted from its records, never adjusted: a stream batch can
// be delivered again, and a recount is right however often it runs. Each write states the
// version it read, so of two concurrent recounts the slower one finds the version moved,
// reads again and redoes it: the last successful write has seen every record. A recount
// always writes (a new version even with the same figures): skipping it would let a slower
// recount that read the records earlier write over it unnoticed.
//
// An ancestor's subtree item is then merged with what changed (domain/figures/delta.ts):
// each write here knows the figures and version before and after it and passes them up;
// the parent reads only its own item, and adds (after − before) when it holds exactly the
// `before` version of that child, else reads all its sources again (a full merge, as
// before). It holds, per source, the version it summed, so redelivery (that version is
// already there: nothing to do), races (the write states the version it read) and
// restructuring (another tree version: full merge) keep it the exact merge of its sources.
import {
  applyFiguresDeltas,
  countCellCurrent,
  countCellYear,
  mergeSubtree,
  normalizeFigures,
  OWN_SOURCE,
  planMerge,
  sameAbsorbed,
  stableEquals,
  type Absorbed,
  type OrgFigures,
  type OrgTree,
  type Expectation,
  type SourceReport,
  type Stale,
  type StaleCell,
} from '../../domain/figures/index.js';
import type { DossierRecord, MemberRecord, TransferRecord } from '../../domain/records.js';
import { ConcurrentUpdateError, IndexLaggingError } from '../errors.js';
import { mergeOrgAsOf, recountCellAsOf, writeContributions, type AsOfReports } from './as-of.js';
import { figuresId, type FiguresStore } from './port.js';

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
  /** What each source item of a subtree item became in this refresh, by org: its own item… */
  const own = new Map<string, SourceReport<OrgFigures>>();
  const ownAsOf = new Map<string, AsOfReports>();
  /** …and its subtree item (what its parent takes in). */
  const subtree = new Map<string, SourceReport<OrgFigures>>();
  const subtreeAsOf = new Map<string, AsOfReports>();
  await Promise.all([
    ...[...stale.cells].map(async ([cellId, what]) => own.set(cellId, await recountCell(store, cellId, what))),
    ...[...asOfCells].map(async ([cellId, years]) => ownAsOf.set(cellId, await recountCellAsOf(store, cellId, years))),
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
        const reports = sourceReports(id, children, own, subtree);
        const asOfReports = sourceReports(id, children, ownAsOf, subtreeAsOf);
        return [
          mergeOrg(store, tree, id, reports, asOf.all).then((r) => subtree.set(id, r)),
          mergeOrgAsOf(store, { orgId: id, children, treeVersion: tree.version }, asOf.years, asOf.all, asOfReports).then((r) =>
            subtreeAsOf.set(id, r),
          ),
        ];
      }),
    );
  }
  return { cells: stale.cells.size, orgs: touched.size };
}

/** Recounts a cell's own figures; returns the item's version after, with its figures before and after. */
async function recountCell(store: FiguresStore, cellId: string, what: StaleCell): Promise<SourceReport<OrgFigures>> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const stored = (await store.readFigures([{ orgId: cellId, kind: 'own' }])).get(figuresId(cellId, 'own'));
    const before = normalizeFigures(stored?.figures);
    const figures: OrgFigures = normalizeFigures(stored?.figures);
    if (what.current) figures.current = countCellCurrent({ cellId, ...(await cellHoldings(store, cellId, what.expectations)) });
    for (const year of what.years) figures.years[String(year)] = countCellYear(await store.queryFacts(cellId, year));
    const after = normalizeFigures(figures);
    const beforeVersion = stored?.version ?? 0;
    if (await store.writeFigures(cellId, 'own', after, stored?.version)) {
      return { version: beforeVersion + 1, change: { beforeVersion, before, after } };
    }
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

/** The reports of an org's sources that this refresh touched, keyed as in `absorbed`. */
function sourceReports<V>(
  orgId: string,
  children: readonly string[],
  own: ReadonlyMap<string, V>,
  subtree: ReadonlyMap<string, V>,
): Map<string, V> {
  const reports = new Map<string, V>();
  if (own.has(orgId)) reports.set(OWN_SOURCE, own.get(orgId)!);
  for (const c of children) if (subtree.has(c)) reports.set(c, subtree.get(c)!);
  return reports;
}

/**
 * Brings an org's subtree item up to date with the `reports` of its sources: a delta when
 * it can be exact, else a full merge. Returns what the item became, for the parent.
 */
async function mergeOrg(
  store: FiguresStore,
  tree: OrgTree,
  orgId: string,
  reports: ReadonlyMap<string, SourceReport<OrgFigures>>,
  restructured: boolean,
): Promise<SourceReport<OrgFigures>> {
  const children = tree.children(orgId).map((c) => c.orgId);
  const isInSubtree = (other: string) => tree.isInSubtree(orgId, other);
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const stored = (await store.readFigures([{ orgId, kind: 'subtree' }])).get(figuresId(orgId, 'subtree'));
    const plan = planMerge(stored, { treeVersion: tree.version, restructured }, reports);
    if (plan.kind === 'none') return { version: stored!.version };
    let figures: OrgFigures;
    let absorbed: Absorbed;
    let treeVersion: number | undefined;
    if (plan.kind === 'delta') {
      figures = applyFiguresDeltas(orgId, stored!.figures, plan.changes, isInSubtree);
      absorbed = plan.absorbed;
      treeVersion = stored!.treeVersion;
    } else {
      // Read after the item itself: every source version it records was written before it,
      // so these reads see that version or a later one, never an earlier one.
      const read = await store.readFigures([{ orgId, kind: 'own' }, ...children.map((id) => ({ orgId: id, kind: 'subtree' as const }))]);
      const ownItem = read.get(figuresId(orgId, 'own'));
      const childItems = children.map((id) => read.get(figuresId(id, 'subtree')));
      figures = mergeSubtree(
        orgId,
        ownItem?.figures,
        childItems.map((c) => c?.figures),
        isInSubtree,
      );
      absorbed = { [OWN_SOURCE]: ownItem?.version ?? 0 };
      children.forEach((id, i) => {
        absorbed[id] = childItems[i]?.version ?? 0;
      });
      treeVersion = tree.version;
      // Nothing to record: the item is already this merge (merges read no records, so
      // skipping a write here cannot hide a newer one).
      if (
        stored &&
        stored.treeVersion === treeVersion &&
        sameAbsorbed(stored.absorbed, absorbed) &&
        stableEquals(stored.figures, figures)
      ) {
        return { version: stored.version };
      }
    }
    const beforeVersion = stored?.version ?? 0;
    if (
      await store.writeFigures(orgId, 'subtree', figures, stored?.version, {
        absorbed,
        ...(treeVersion === undefined ? {} : { treeVersion }),
      })
    ) {
      return { version: beforeVersion + 1, change: { beforeVersion, before: normalizeFigures(stored?.figures), after: figures } };
    }
  }
  throw new ConcurrentUpdateError(`figures ${figuresId(orgId, 'subtree')}`, MAX_CONFLICTS);
}
