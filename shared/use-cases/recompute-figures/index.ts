// use case: rebuild every figure from the records (`dangvien recompute`), or only compare
// (`--check`). It reads the whole Records table and the whole Figures table once: an
// operator's tool. (adapter) CLI `recompute` --> use case --> domain/figures; storage
// through RecomputeStore (port.ts).
//
// The comparison is a recount in memory, sharing the domain's contribution and merge rules
// with the refresh. The repair writes nothing computed from that scan but the record
// versions' own contributions (each put only over an older version): it recounts the cells
// and merges the orgs through the refresh's own steps, each write conditional on the version
// it read, so that a recompute running while events flow never writes over a newer figure.
import {
  byMonth,
  diffChanges,
  factChanges,
  lastClosableYear,
  mergeSources,
  monthsTouched,
  netOf,
  OrgTree,
  recordChanges,
  sumChanges,
  type DatedChanges,
  type Month,
} from '../../domain/figures/index.js';
import { refreshedDeadline, type DeadlineRefresh } from '../../domain/deadline-refresh.js';
import { todayInVietnam } from '../../domain/dates.js';
import { CELL_LEVELS, type FactRecord, type OrgRecord, type StoredRecord } from '../../domain/records.js';
import { mapLimit } from '../../map-limit.js';
import { mergeOrg, recountCell, syncNets } from '../refresh-figures/index.js';
import { monthId, netsId, type FiguresKind, type StoredContribution } from '../refresh-figures/port.js';
import type { RecomputeStore } from './port.js';

export type { RecomputeStore };

export interface Difference {
  orgId: string;
  kind: FiguresKind;
  /** The item: a month `YYYY-MM`, `nets`, `changes:<record>` for a record's contribution, `deadline:<record>`, or a leftover's key. */
  part?: string;
  lines: string[];
}

/** A provisional deadline the rule sets of now compute otherwise, with its record's partition key. */
interface PendingDeadline {
  refresh: DeadlineRefresh;
  recordPk: string;
}

/** What a dossier or transfer holds of its deadline (and where it counts). */
type DeadlineHolder = { dueOn?: string; dueOnProvisional?: boolean; cellId?: string; fromOrgId?: string };

/** Every figure recounted from the records alone. */
export interface Recount {
  tree: OrgTree;
  /** Keyed `cellId|recordPk`. */
  contributions: Map<string, StoredContribution>;
  /** The months every org's items should hold, keyed {@link monthId}: own for cells, subtree for orgs with children. */
  months: Map<string, { orgId: string; kind: FiguresKind; month: Month; changes: DatedChanges }>;
  deadlines: PendingDeadline[];
}

const CELLS = new Set<string>(CELL_LEVELS);

/** Every figure recounted from the records alone (the refreshed deadlines counted as `refreshed` says). */
export async function recountEverything(
  store: Pick<RecomputeStore, 'scanRecords'>,
  refreshed: ReadonlyMap<string, StoredRecord> = new Map(),
): Promise<Recount> {
  const deadlines: PendingDeadline[] = [];
  const orgs: OrgRecord[] = [];
  const facts = new Map<string, FactRecord[]>();
  const contributions = new Map<string, StoredContribution>();
  await store.scanRecords((read, { pk }) => {
    const refresh = refreshedDeadline(read);
    if (refresh) deadlines.push({ refresh, recordPk: pk });
    const stored = refreshed.get(pk) ?? read;
    if (stored.entity === 'member' || stored.entity === 'dossier' || stored.entity === 'transfer' || stored.entity === 'candidate') {
      for (const [cell, changes] of recordChanges(stored)) {
        contributions.set(`${cell}|${pk}`, { cellId: cell, recordPk: pk, version: stored.record.version, changes });
      }
    } else if (stored.entity === 'org') orgs.push(stored.record);
    else if (stored.entity === 'fact') facts.set(stored.record.cellId, [...(facts.get(stored.record.cellId) ?? []), stored.record]);
  });
  const tree = new OrgTree(orgs);
  const own = new Map<string, DatedChanges[]>();
  for (const c of contributions.values()) own.set(c.cellId, [...(own.get(c.cellId) ?? []), c.changes]);
  for (const [cellId, list] of facts) own.set(cellId, [...(own.get(cellId) ?? []), ...list.map((f) => factChanges(f).changes)]);
  const months: Recount['months'] = new Map();
  const put = (orgId: string, kind: FiguresKind, changes: DatedChanges) => {
    for (const [month, m] of byMonth(changes)) months.set(monthId(orgId, kind, month), { orgId, kind, month, changes: m });
  };
  const totals = new Map<string, DatedChanges>();
  for (const [cellId, list] of own) {
    const changes = sumChanges(list);
    put(cellId, 'own', changes);
    totals.set(cellId, changes);
  }
  for (const id of tree.bottomUp()) {
    const children = tree.children(id);
    if (children.length === 0) continue;
    const changes = mergeSources([totals.get(id), ...children.map((c) => totals.get(c.orgId))], (other) => tree.isInSubtree(id, other));
    put(id, 'subtree', changes);
    totals.set(id, changes);
  }
  return { tree, contributions, months, deadlines };
}

/** Compares the stored figures with a recount; with `write`, repairs what differs. */
export async function recomputeFigures(store: RecomputeStore, opts: { write: boolean; today?: string }): Promise<Difference[]> {
  // Deadlines first: a record written with a refreshed deadline is counted as written.
  const refreshed = new Map<string, StoredRecord>();
  const deadlineDifferences: Difference[] = [];
  const scanned = await recountEverything(store);
  // A calendar extended since a provisional deadline was stored moves it (docs/reminders.md#deadlines).
  for (const { refresh, recordPk } of scanned.deadlines) {
    const { before, after } = refresh as { before: { record: DeadlineHolder }; after: { record: DeadlineHolder } };
    deadlineDifferences.push({
      orgId: before.record.cellId ?? before.record.fromOrgId ?? '',
      kind: 'own',
      part: `deadline:${recordPk}`,
      lines: [`dueOn ${before.record.dueOn} → ${after.record.dueOn}${after.record.dueOnProvisional ? ' (still provisional)' : ''}`],
    });
    if (opts.write && (await store.writeRefreshedDeadline(refresh))) refreshed.set(recordPk, refresh.after);
  }
  const recount = refreshed.size > 0 ? await recountEverything(store, refreshed) : scanned;
  const stored = await store.readAllFigureItems();
  const differences: Difference[] = [...deadlineDifferences];
  const { tree } = recount;

  // Contributions.
  const storedContributions = new Map(stored.contributions.map((c) => [`${c.cellId}|${c.recordPk}`, c]));
  const contributionFixes: StoredContribution[] = [];
  const cellMonths = new Map<string, Set<Month>>();
  const touch = (cellId: string, months: Iterable<Month>) => {
    const set = cellMonths.get(cellId) ?? new Set<Month>();
    for (const m of months) set.add(m);
    cellMonths.set(cellId, set);
  };
  for (const id of new Set([...recount.contributions.keys(), ...storedContributions.keys()])) {
    const fresh = recount.contributions.get(id);
    const old = storedContributions.get(id);
    const lines = diffChanges(old?.changes, fresh?.changes);
    if (lines.length === 0) continue;
    const { cellId, recordPk } = (fresh ?? old)!;
    differences.push({ orgId: cellId, kind: 'own', part: `changes:${recordPk}`, lines });
    contributionFixes.push(fresh ?? { ...old!, changes: {} });
    touch(cellId, [...monthsTouched(old?.changes), ...monthsTouched(fresh?.changes)]);
  }

  // Months: what each org's items should hold, and items that should not be there.
  const storedMonths = new Map(stored.months.map((m) => [monthId(m.orgId, m.kind, m.month), m]));
  const expected = (orgId: string, kind: FiguresKind) =>
    kind === 'own' ? CELLS.has(tree.get(orgId)?.level ?? '') : tree.children(orgId).length > 0;
  const monthsOf = new Map<string, Map<Month, DatedChanges>>();
  for (const m of recount.months.values()) {
    const id = netsId(m.orgId, m.kind);
    monthsOf.set(id, (monthsOf.get(id) ?? new Map()).set(m.month, m.changes));
  }
  const mergeAgain = new Set<string>();
  for (const id of new Set([...recount.months.keys(), ...storedMonths.keys()])) {
    const fresh = recount.months.get(id);
    const old = storedMonths.get(id);
    const lines = diffChanges(old?.changes, fresh?.changes);
    if (lines.length === 0) continue;
    const { orgId, kind, month } = (fresh ?? old)!;
    differences.push({ orgId, kind, part: month, lines });
    if (kind === 'own') touch(orgId, [month]);
    else mergeAgain.add(orgId);
  }

  // Nets: each year they hold must be the sum of that year's months.
  const netsToFix = new Map<string, { orgId: string; kind: FiguresKind; years: number[] }>();
  for (const n of stored.nets) {
    const fresh = monthsOf.get(netsId(n.orgId, n.kind)) ?? new Map<Month, DatedChanges>();
    const years = new Set([...Object.keys(n.years).map(Number), ...[...fresh.keys()].map((m) => Number(m.slice(0, 4)))]);
    const wrong: number[] = [];
    for (const y of [...years].sort((a, b) => a - b)) {
      if (n.through === undefined || y > n.through) continue;
      const net = netOf(sumChanges([...fresh].filter(([m]) => Number(m.slice(0, 4)) === y).map(([, c]) => c)));
      const lines = diffChanges({ [String(y)]: n.years[String(y)] ?? {} }, { [String(y)]: net });
      if (lines.length === 0) continue;
      differences.push({ orgId: n.orgId, kind: n.kind, part: 'nets', lines: lines.map((l) => `nets ${l}`) });
      wrong.push(y);
    }
    if (wrong.length > 0) netsToFix.set(netsId(n.orgId, n.kind), { orgId: n.orgId, kind: n.kind, years: wrong });
  }

  // Items of an earlier layout, and subtree items of an org without children.
  for (const l of stored.leftovers)
    differences.push({ orgId: l.orgId, kind: 'own', part: l.sk, lines: ['left over from an earlier version'] });
  const childless = new Set(
    [...stored.months, ...stored.nets].filter((i) => i.kind === 'subtree' && !expected(i.orgId, 'subtree')).map((i) => i.orgId),
  );

  if (opts.write) {
    await repair(store, {
      contributionFixes,
      cellMonths,
      mergeAgain,
      netsToFix,
      childless,
      leftovers: stored.leftovers,
      today: opts.today ?? todayInVietnam(new Date()),
    });
  }
  // The scans come back in no particular order; operators compare what --check prints.
  return differences.sort(
    (a, b) => a.orgId.localeCompare(b.orgId) || a.kind.localeCompare(b.kind) || (a.part ?? '').localeCompare(b.part ?? ''),
  );
}

/**
 * Writes what the comparison found through the refresh's own steps: contributions at their
 * record's version (never over a later one), the cells recounted from the store, every org
 * with children merged again in full deepest first (each write conditional on the version
 * read, an unchanged month left alone), the nets summed again where they differ.
 */
async function repair(
  store: RecomputeStore,
  work: {
    contributionFixes: StoredContribution[];
    cellMonths: Map<string, Set<Month>>;
    mergeAgain: Set<string>;
    netsToFix: Map<string, { orgId: string; kind: FiguresKind; years: number[] }>;
    childless: Set<string>;
    leftovers: Array<{ pk: string; sk: string }>;
    today: string;
  },
): Promise<void> {
  const closable = lastClosableYear(work.today);
  await mapLimit(work.contributionFixes, 16, (c) => store.putContribution(c));
  const tree = await store.currentOrgTree();
  await mapLimit([...work.cellMonths], 16, async ([cellId, months]) => {
    const reports = await recountCell(store, cellId, months);
    const fix = work.netsToFix.get(netsId(cellId, 'own'));
    work.netsToFix.delete(netsId(cellId, 'own'));
    await syncNets(store, { orgId: cellId, kind: 'own' }, reports, closable, undefined, fix?.years);
  });
  // Every org with children, merged again in full from its sources, deepest first: what
  // changed below reaches the root whatever the comparison saw.
  const depth = (id: string) => tree.ancestors(id).length;
  const withChildren = tree.all().filter((o) => tree.children(o.orgId).length > 0);
  const levels = new Map<number, string[]>();
  for (const o of withChildren) levels.set(depth(o.orgId), [...(levels.get(depth(o.orgId)) ?? []), o.orgId]);
  for (const d of [...levels.keys()].sort((a, b) => b - a)) {
    await mapLimit(levels.get(d)!, 8, async (orgId) => {
      const reports = await mergeOrg(store, tree, orgId, new Map(), true);
      const fix = work.netsToFix.get(netsId(orgId, 'subtree'));
      work.netsToFix.delete(netsId(orgId, 'subtree'));
      await syncNets(store, { orgId, kind: 'subtree' }, reports, closable, undefined, fix?.years);
    });
  }
  for (const { orgId, kind, years } of work.netsToFix.values())
    await syncNets(store, { orgId, kind }, new Map(), closable, undefined, years);
  for (const orgId of work.childless) if (tree.children(orgId).length === 0) await store.deleteSubtreeItems(orgId);
  for (const l of work.leftovers) await store.deleteFigureItem(l);
}
