// use case: rebuild every figure from the records (`dangvien recompute`), or only
// compare (`--check`). It reads the whole Records table once: an operator's tool.
// (adapter) CLI `recompute` --> use case --> domain/figures; storage through RecomputeStore (port.ts)
import {
  byYear,
  countCellFigures,
  diffFigures,
  diffTallies,
  mergeSubtree,
  OrgTree,
  recordChanges,
  sumChanges,
  type DatedChanges,
  type OrgFigures,
  type Tally,
} from '../../domain/figures/index.js';
import type { DossierRecord, FactRecord, MemberRecord, OrgRecord, TransferRecord } from '../../domain/records.js';
import { refreshedDeadline, type DeadlineRefresh } from '../../domain/deadline-refresh.js';
import { asOfId, NETS, type FiguresKind, type StoredAsOf, type StoredContribution } from '../refresh-figures/port.js';
import type { RecomputeStore } from './port.js';

export type { RecomputeStore };

export interface Difference {
  orgId: string;
  kind: FiguresKind;
  /** For figures as of a date: the item (`nets`, a year, or `changes:<record>` for a record's contribution). */
  part?: string;
  lines: string[];
}

type AsOfItem = Omit<StoredAsOf, 'version'>;

/** A provisional deadline the rule sets of now compute otherwise, with its record's partition key. */
interface PendingDeadline {
  refresh: DeadlineRefresh;
  recordPk: string;
}

/** What a dossier or transfer holds of its deadline (and where it counts). */
type DeadlineHolder = { dueOn?: string; dueOnProvisional?: boolean; cellId?: string; fromOrgId?: string };

/** Every figure as of a date recounted from the records alone: contributions, then own and subtree items. */
export interface AsOfRecount {
  /** Keyed `cellId|recordPk`. */
  contributions: Map<string, StoredContribution>;
  /** Keyed {@link asOfId}. */
  items: Map<string, AsOfItem>;
}

/**
 * Every figure recounted from the records alone. With `refreshDeadlines`, a provisional
 * deadline the rule sets of now compute otherwise is counted as refreshed, and listed.
 */
export async function recountEverything(
  store: Pick<RecomputeStore, 'scanRecords'>,
  opts: { refreshDeadlines?: boolean } = {},
): Promise<{
  figures: Map<string, { orgId: string; kind: FiguresKind; figures: OrgFigures }>;
  asOf: AsOfRecount;
  deadlines: PendingDeadline[];
}> {
  const deadlines: PendingDeadline[] = [];
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
  const contributions = new Map<string, StoredContribution>();
  await store.scanRecords((read, { pk, cellId }) => {
    const refresh = refreshedDeadline(read);
    if (refresh) deadlines.push({ refresh, recordPk: pk });
    const stored = refresh && opts.refreshDeadlines ? refresh.after : read;
    if (stored.entity === 'member' || stored.entity === 'dossier' || stored.entity === 'transfer') {
      for (const [cell, changes] of recordChanges(stored)) {
        contributions.set(`${cell}|${pk}`, { cellId: cell, recordPk: pk, version: stored.record.version, changes });
      }
    }
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
  return { figures: out, asOf: { contributions, items: mergeAsOf(tree, contributions) }, deadlines };
}

/** The own and subtree as-of items of every org from the contributions (the refresh's steps 2 and 3 at once). */
function mergeAsOf(tree: OrgTree, contributions: Map<string, StoredContribution>): Map<string, AsOfItem> {
  const byCell = new Map<string, DatedChanges[]>();
  for (const c of contributions.values()) byCell.set(c.cellId, [...(byCell.get(c.cellId) ?? []), c.changes]);
  const subtree = new Map<string, DatedChanges>();
  const items = new Map<string, AsOfItem>();
  const put = (orgId: string, kind: FiguresKind, changes: DatedChanges) => {
    const split = byYear(changes);
    const parts: Array<[string, Record<string, Tally>]> = [[NETS, split.nets], ...Object.entries(split.days)];
    for (const [part, data] of parts) if (Object.keys(data).length > 0) items.set(asOfId(orgId, kind, part), { orgId, kind, part, data });
  };
  for (const [cellId, all] of byCell) put(cellId, 'own', sumChanges(all));
  for (const id of tree.bottomUp()) {
    const own = sumChanges(byCell.get(id) ?? []);
    const changes = sumChanges([own, ...tree.children(id).map((c) => subtree.get(c.orgId))]);
    subtree.set(id, changes);
    put(id, 'subtree', changes);
  }
  return items;
}

/** Compares the stored figures with a recount; with `write`, replaces the ones that differ. */
export async function recomputeFigures(store: RecomputeStore, opts: { write: boolean }): Promise<Difference[]> {
  const [everything, all] = await Promise.all([recountEverything(store, { refreshDeadlines: opts.write }), store.readAllFigureItems()]);
  const recounted = everything.figures;
  const stored = all.figures;
  const storedById = new Map(stored.map((s) => [`${s.kind}:${s.orgId}`, s]));
  const differences: Difference[] = [];
  for (const [id, fresh] of recounted) {
    const lines = diffFigures(storedById.get(id)?.figures, fresh.figures);
    if (lines.length === 0) continue;
    differences.push({ orgId: fresh.orgId, kind: fresh.kind, lines });
    // Written without the delta merge's record of the sources (`absorbed`), and at a new
    // version: the next refresh of this item and of its parent merges them in full.
    if (opts.write) await store.writeFigures(fresh.orgId, fresh.kind, fresh.figures, storedById.get(id)?.version);
  }
  for (const s of stored) {
    const id = `${s.kind}:${s.orgId}`;
    if (recounted.has(id)) continue;
    const lines = diffFigures(s.figures, undefined);
    if (lines.length > 0) differences.push({ orgId: s.orgId, kind: s.kind, lines });
  }
  differences.push(...(await compareAsOf(store, everything.asOf, all.asOf, all.contributions, opts.write)));
  // A calendar extended since a provisional deadline was stored moves it (docs/reminders.md#deadlines).
  for (const { refresh, recordPk } of everything.deadlines) {
    const { before, after } = refresh as { before: { record: DeadlineHolder }; after: { record: DeadlineHolder } };
    differences.push({
      orgId: before.record.cellId ?? before.record.fromOrgId ?? '',
      kind: 'own',
      part: `deadline:${recordPk}`,
      lines: [`dueOn ${before.record.dueOn} → ${after.record.dueOn}${after.record.dueOnProvisional ? ' (still provisional)' : ''}`],
    });
    if (opts.write) await store.writeRefreshedDeadline(refresh);
  }
  // The scans come back in no particular order; operators compare what --check prints.
  return differences.sort(
    (a, b) => a.orgId.localeCompare(b.orgId) || a.kind.localeCompare(b.kind) || (a.part ?? '').localeCompare(b.part ?? ''),
  );
}

/** Compares the stored as-of items and contributions with a recount; with `write`, replaces the ones that differ. */
async function compareAsOf(
  store: RecomputeStore,
  recount: AsOfRecount,
  storedItems: StoredAsOf[],
  storedContributions: StoredContribution[],
  write: boolean,
): Promise<Difference[]> {
  const differences: Difference[] = [];
  const itemsById = new Map(storedItems.map((s) => [asOfId(s.orgId, s.kind, s.part), s]));
  for (const id of new Set([...recount.items.keys(), ...itemsById.keys()])) {
    const fresh = recount.items.get(id);
    const old = itemsById.get(id);
    const lines = diffTallies(old?.data, fresh?.data);
    if (lines.length === 0) continue;
    const { orgId, kind, part } = (fresh ?? old)!;
    differences.push({ orgId, kind, part, lines });
    if (write) await store.writeAsOf({ orgId, kind, part, data: fresh?.data ?? {} }, old?.version);
  }
  const contributionsById = new Map(storedContributions.map((c) => [`${c.cellId}|${c.recordPk}`, c]));
  for (const id of new Set([...recount.contributions.keys(), ...contributionsById.keys()])) {
    const fresh = recount.contributions.get(id);
    const old = contributionsById.get(id);
    const lines = diffTallies(old?.changes, fresh?.changes);
    if (lines.length === 0) continue;
    const { cellId, recordPk } = (fresh ?? old)!;
    differences.push({ orgId: cellId, kind: 'own', part: `changes:${recordPk}`, lines });
    if (write) await store.putContribution(fresh ?? { ...old!, changes: {} });
  }
  return differences;
}
