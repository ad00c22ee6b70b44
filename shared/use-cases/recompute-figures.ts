// use case: rebuild every figure from the records (`dangvien recompute`), or only
// compare (`--check`). It reads the whole Records table once: an operator's tool.
import { countCellFigures, diffFigures, mergeSubtree, OrgTree, type OrgFigures } from '../domain/figures/index.js';
import type { DossierRecord, FactRecord, MemberRecord, OrgRecord, TransferRecord } from '../domain/records.js';
import { readAllFigures, writeFigures, type FiguresKind } from '../data/figures-store.js';
import { scanRecords } from '../data/records-scan.js';

export interface Difference {
  orgId: string;
  kind: FiguresKind;
  lines: string[];
}

/** Every figure recounted from the records alone. */
export async function recountEverything(): Promise<Map<string, { orgId: string; kind: FiguresKind; figures: OrgFigures }>> {
  const orgs: OrgRecord[] = [];
  const holdings = new Map<
    string,
    { members: MemberRecord[]; dossiers: DossierRecord[]; transfers: TransferRecord[]; facts: FactRecord[] }
  >();
  const of = (cellId: string) => {
    let h = holdings.get(cellId);
    if (!h) {
      h = { members: [], dossiers: [], transfers: [], facts: [] };
      holdings.set(cellId, h);
    }
    return h;
  };
  await scanRecords((stored, cellId) => {
    if (stored.entity === 'org') orgs.push(stored.record);
    else if (stored.entity === 'fact') of(stored.record.cellId).facts.push(stored.record);
    else if (cellId && stored.entity === 'member') of(cellId).members.push(stored.record);
    else if (cellId && stored.entity === 'dossier') of(cellId).dossiers.push(stored.record);
    else if (cellId && stored.entity === 'transfer') of(cellId).transfers.push(stored.record);
  });
  const tree = new OrgTree(orgs);
  const out = new Map<string, { orgId: string; kind: FiguresKind; figures: OrgFigures }>();
  for (const [cellId, h] of holdings) out.set(`own:${cellId}`, { orgId: cellId, kind: 'own', figures: countCellFigures({ cellId, ...h }) });
  for (const id of tree.bottomUp()) {
    const figures = mergeSubtree(
      id,
      out.get(`own:${id}`)?.figures,
      tree.children(id).map((c) => out.get(`subtree:${c.orgId}`)?.figures),
      (other) => tree.isInSubtree(id, other),
    );
    out.set(`subtree:${id}`, { orgId: id, kind: 'subtree', figures });
  }
  return out;
}

/** Compares the stored figures with a recount; with `write`, replaces the ones that differ. */
export async function recomputeFigures(opts: { write: boolean }): Promise<Difference[]> {
  const [recounted, stored] = await Promise.all([recountEverything(), readAllFigures()]);
  const storedById = new Map(stored.map((s) => [`${s.kind}:${s.orgId}`, s]));
  const differences: Difference[] = [];
  for (const [id, fresh] of recounted) {
    const lines = diffFigures(storedById.get(id)?.figures, fresh.figures);
    if (lines.length === 0) continue;
    differences.push({ orgId: fresh.orgId, kind: fresh.kind, lines });
    if (opts.write) await writeFigures(fresh.orgId, fresh.kind, fresh.figures, storedById.get(id)?.version);
  }
  for (const s of stored) {
    const id = `${s.kind}:${s.orgId}`;
    if (recounted.has(id)) continue;
    const lines = diffFigures(s.figures, undefined);
    if (lines.length > 0) differences.push({ orgId: s.orgId, kind: s.kind, lines });
  }
  // The scans come back in no particular order; operators compare what --check prints.
  return differences.sort((a, b) => a.orgId.localeCompare(b.orgId) || a.kind.localeCompare(b.kind));
}
