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
import { currentVersion, figuresId, queryCellItems, queryFacts, readFigures, writeFigures } from '../data/figures-store.js';
import { currentOrgTree } from '../data/org-tree.js';
import { stripStorage } from '../data/keys.js';

/** The index byCell lags the table a little; the stream batch is retried until it has caught up. */
export class IndexLagging extends Error {
  constructor(readonly cellId: string) {
    super(`index byCell does not show the latest changes of cell ${cellId} yet`);
    this.name = 'IndexLagging';
  }
}

const MAX_CONFLICTS = 20;

export async function refreshFigures(stale: Stale): Promise<{ cells: number; orgs: number }> {
  if (stale.cells.size === 0 && stale.orgs.size === 0) return { cells: 0, orgs: 0 };
  const tree = await currentOrgTree();
  await Promise.all([...stale.cells].map(([cellId, what]) => recountCell(cellId, what)));
  const touched = new Set<string>();
  for (const id of [...stale.cells.keys(), ...stale.orgs]) {
    if (!tree.has(id)) continue;
    touched.add(id);
    for (const a of tree.ancestors(id)) touched.add(a.orgId);
  }
  // Deepest first: an org is merged after all of its children that changed.
  const depth = (id: string) => tree.ancestors(id).length;
  const levels = new Map<number, string[]>();
  for (const id of touched) levels.set(depth(id), [...(levels.get(depth(id)) ?? []), id]);
  for (const d of [...levels.keys()].sort((a, b) => b - a)) {
    await Promise.all(levels.get(d)!.map((id) => mergeOrg(tree, id)));
  }
  return { cells: stale.cells.size, orgs: touched.size };
}

async function recountCell(cellId: string, what: StaleCell): Promise<void> {
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const stored = (await readFigures([{ orgId: cellId, kind: 'own' }])).get(figuresId(cellId, 'own'));
    const figures: OrgFigures = normalizeFigures(stored?.figures);
    if (what.current) figures.current = countCellCurrent({ cellId, ...(await cellHoldings(cellId, what.expectations)) });
    for (const year of what.years) figures.years[String(year)] = countCellYear(await queryFacts(cellId, year));
    if (await writeFigures(cellId, 'own', normalizeFigures(figures), stored?.version)) return;
  }
  throw new Error(`figures of cell ${cellId} kept changing underneath`);
}

/** The cell's records now, checked against the changes that triggered the recount. */
async function cellHoldings(cellId: string, expectations: Expectation[]) {
  const items = await queryCellItems(cellId);
  const byPk = new Map(items.map((i) => [String(i.pk), i]));
  for (const e of expectations) {
    const found = byPk.get(e.pk);
    const seen = found ? Number(found.version) : undefined;
    const upToDate = e.inCell ? seen !== undefined && seen >= e.version : seen === undefined || seen > e.version;
    // A record that changed again since is recounted again when that change's stream
    // record comes; only a lag behind this change's own version must wait.
    if (!upToDate && (await currentVersion(e)) <= e.version) throw new IndexLagging(cellId);
  }
  const of = <T>(entity: string) => items.filter((i) => i.entity === entity).map((i) => stripStorage<T>(i));
  return { members: of<MemberRecord>('member'), dossiers: of<DossierRecord>('dossier'), transfers: of<TransferRecord>('transfer') };
}

async function mergeOrg(tree: OrgTree, orgId: string): Promise<void> {
  const children = tree.children(orgId).map((c) => c.orgId);
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const read = await readFigures([
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
    if (await writeFigures(orgId, 'subtree', merged, read.get(figuresId(orgId, 'subtree'))?.version)) return;
  }
  throw new Error(`figures of ${orgId} kept changing underneath`);
}
