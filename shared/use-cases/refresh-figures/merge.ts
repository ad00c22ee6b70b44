// use case refreshFigures, step 3: an org's subtree month items = its own (a cell's) plus
// its children's, brought up to date with what changed below it: per item, the delta its
// sources report when that is exact, else their sum again (domain/figures/delta.ts).
import {
  applyDeltas,
  mergeSources,
  OWN_SOURCE,
  planMerge,
  sameAbsorbed,
  sameChanges,
  type Absorbed,
  type DatedChanges,
  type MergePlan,
  type Month,
  type OrgTree,
  type SourceReport,
} from '../../domain/figures/index.js';
import { CELL_LEVELS } from '../../domain/records.js';
import { mapLimit } from '../../map-limit.js';
import { ConcurrentUpdateError } from '../errors.js';
import type { MonthReports } from './cells.js';
import { monthId, type FiguresKind, type FiguresStore, type StoredMonth } from './port.js';

const MAX_CONFLICTS = 20;
/** Month items of one org merged at once (a restructuring re-merges every month of its history). */
const PARTS_IN_FLIGHT = 16;

/** The items that stand for an org in its parent's merge and in reports: its subtree's when it has children, else its own. */
export const totalKind = (tree: OrgTree, orgId: string): FiguresKind => (tree.children(orgId).length > 0 ? 'subtree' : 'own');

/** Whether an org keeps own items (a cell: its records and facts). */
export const hasOwnItems = (tree: OrgTree, orgId: string): boolean => {
  const level = tree.get(orgId)?.level;
  return level !== undefined && CELL_LEVELS.includes(level);
};

interface Source {
  key: string;
  orgId: string;
  kind: FiguresKind;
}

/** The sources of an org's subtree items: its own items (a cell's), then each child's total. */
export function sourcesOf(tree: OrgTree, orgId: string): Source[] {
  return [
    ...(hasOwnItems(tree, orgId) ? [{ key: OWN_SOURCE, orgId, kind: 'own' as const }] : []),
    ...tree.children(orgId).map((c) => ({ key: c.orgId, orgId: c.orgId, kind: totalKind(tree, c.orgId) })),
  ];
}

/** What to write for one merged month: its changes and bookkeeping, or nothing (with the version it stays at). */
type Merged = { unchanged: number } | { changes: DatedChanges; absorbed: Absorbed; treeVersion?: number };

/**
 * A full merge of one month from its sources' items. Nothing is written when the stored
 * item already holds these changes and either records these source versions, or was merged
 * under another tree (then every later change of it is merged in full again anyway, so its
 * record of the sources is never used for a delta). Merges read no records, so a skipped
 * write cannot hide a newer one; nor is an empty item created.
 */
function fullMerge(
  stored: StoredMonth | undefined,
  treeVersion: number | undefined,
  sources: readonly Source[],
  items: ReadonlyArray<StoredMonth | undefined>,
  isInside: (orgId: string) => boolean,
): Merged {
  const changes = mergeSources(
    items.map((i) => i?.changes),
    isInside,
  );
  const absorbed: Absorbed = Object.fromEntries(sources.map((s, i) => [s.key, items[i]?.version ?? 0]));
  if (!stored && Object.keys(changes).length === 0) return { unchanged: 0 };
  if (stored && sameChanges(stored.changes, changes)) {
    const bookkeepingUnused = stored.absorbed === undefined || stored.treeVersion !== treeVersion || treeVersion === undefined;
    if (bookkeepingUnused || (stored.treeVersion === treeVersion && sameAbsorbed(stored.absorbed, absorbed)))
      return { unchanged: stored.version };
  }
  return { changes, absorbed, ...(treeVersion === undefined ? {} : { treeVersion }) };
}

function merged(
  plan: MergePlan<DatedChanges>,
  stored: StoredMonth | undefined,
  isInside: (orgId: string) => boolean,
  full: () => Merged,
): Merged {
  if (plan.kind === 'none') return { unchanged: stored!.version };
  if (plan.kind === 'full') return full();
  return {
    changes: applyDeltas(stored!.changes, plan.changes, isInside),
    absorbed: plan.absorbed,
    ...(stored!.treeVersion === undefined ? {} : { treeVersion: stored!.treeVersion }),
  };
}

/**
 * Brings the subtree month items of `orgId` up to date with the `reports` of its sources
 * (keyed as in `absorbed`): each month a source reports, by delta when exact; with
 * `restructured`, every month any source or the item holds, each merged in full. Returns
 * what each of its subtree items became, for its parent and its nets.
 */
export async function mergeOrg(
  store: Pick<FiguresStore, 'readItems' | 'queryMonths' | 'writeMonth'>,
  tree: OrgTree,
  orgId: string,
  reports: ReadonlyMap<string, MonthReports>,
  restructured: boolean,
): Promise<MonthReports> {
  const sources = sourcesOf(tree, orgId);
  const isInside = (other: string) => tree.isInSubtree(orgId, other);
  const out: MonthReports = new Map();
  const record = (month: Month, stored: StoredMonth | undefined, result: Merged) => {
    if ('unchanged' in result) out.set(month, { version: result.unchanged });
    else {
      const beforeVersion = stored?.version ?? 0;
      out.set(month, { version: beforeVersion + 1, change: { beforeVersion, before: stored?.changes ?? {}, after: result.changes } });
    }
  };
  const write = async (month: Month, stored: StoredMonth | undefined, result: Merged): Promise<boolean> => {
    if (!('unchanged' in result) && !(await store.writeMonth({ orgId, kind: 'subtree', month, ...result }, stored?.version))) return false;
    record(month, stored, result);
    return true;
  };

  let pending: Month[];
  if (restructured) {
    // Every month of the item and of its sources, read whole, merged in full.
    const [own, ...fromSources] = await Promise.all([
      store.queryMonths(orgId, 'subtree', undefined, true),
      ...sources.map((s) => store.queryMonths(s.orgId, s.kind, undefined, true)),
    ]);
    const byMonth = (items: StoredMonth[]) => new Map(items.map((i) => [i.month, i]));
    const storedMonths = byMonth(own!);
    const sourceMonths = fromSources.map(byMonth);
    const months = [...new Set([...storedMonths.keys(), ...sourceMonths.flatMap((m) => [...m.keys()])])].sort();
    const done = await mapLimit(months, PARTS_IN_FLIGHT, (month) => {
      const stored = storedMonths.get(month);
      const items = sourceMonths.map((m) => m.get(month));
      return write(month, stored, fullMerge(stored, tree.mergeVersion, sources, items, isInside));
    });
    pending = months.filter((_, i) => !done[i]);
  } else {
    pending = [...new Set([...reports.values()].flatMap((r) => [...r.keys()]))].sort();
  }

  const partReports = (month: Month) => {
    const out = new Map<string, SourceReport<DatedChanges>>();
    for (const [source, r] of reports) if (r.has(month)) out.set(source, r.get(month)!);
    return out;
  };
  for (let attempt = 0; attempt < MAX_CONFLICTS && pending.length > 0; attempt++) {
    // One read for the items, one for the sources of those merged in full, read after the
    // items: every source version an item records was written before it, so these reads
    // see that version or a later one, never an earlier one.
    const read = await store.readItems({ months: pending.map((month) => ({ orgId, kind: 'subtree' as const, month })) });
    const plans = pending.map((month) => {
      const stored = read.months.get(monthId(orgId, 'subtree', month));
      const opts = { treeVersion: tree.mergeVersion, restructured: restructured && attempt === 0 };
      return { month, stored, plan: restructured ? ({ kind: 'full' } as const) : planMerge(stored, opts, partReports(month)) };
    });
    const full = plans.filter((p) => p.plan.kind === 'full').map((p) => p.month);
    const sourcesRead =
      full.length === 0
        ? undefined
        : await store.readItems({ months: full.flatMap((month) => sources.map((s) => ({ orgId: s.orgId, kind: s.kind, month }))) });
    const done = await mapLimit(plans, PARTS_IN_FLIGHT, ({ month, stored, plan }) => {
      const items = () => sources.map((s) => sourcesRead?.months.get(monthId(s.orgId, s.kind, month)));
      return write(
        month,
        stored,
        merged(plan, stored, isInside, () => fullMerge(stored, tree.mergeVersion, sources, items(), isInside)),
      );
    });
    pending = pending.filter((_, i) => !done[i]);
  }
  if (pending.length > 0) throw new ConcurrentUpdateError(`figures of ${orgId} (subtree)`, MAX_CONFLICTS);
  return out;
}
