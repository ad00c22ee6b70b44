// use case refreshFigures, step 2: a cell's own month items, summed again from everything
// that ever counted for it — its records' contributions and its facts.
import { byMonth, factChanges, sumChanges, type DatedChanges, type Month, type SourceReport } from '../../domain/figures/index.js';
import { ConcurrentUpdateError } from '../errors.js';
import { monthId, type FiguresStore } from './port.js';

const MAX_CONFLICTS = 20;

/** What an org's month items became in a refresh, by month: the version, and the content before and after when written. */
export type MonthReports = Map<Month, SourceReport<DatedChanges>>;

/** Every change counted for a cell in the years of `months`: its records' contributions and its facts of those years. */
async function cellChanges(store: Pick<FiguresStore, 'queryContributions' | 'queryFacts'>, cellId: string, months: Iterable<Month>) {
  const years = [...new Set([...months].map((m) => Number(m.slice(0, 4))))];
  const [contributions, facts] = await Promise.all([
    store.queryContributions(cellId),
    Promise.all(years.map((y) => store.queryFacts(cellId, y))),
  ]);
  return sumChanges([...contributions.map((c) => c.changes), ...facts.flat().map((f) => factChanges(f).changes)]);
}

/**
 * Recounts a cell's own month items for `months`. Every one is written, even unchanged: a
 * skipped write would let a slower recount that read fewer records win. Returns each
 * month's version after, with its content before and after.
 */
export async function recountCell(
  store: Pick<FiguresStore, 'readItems' | 'writeMonth' | 'queryContributions' | 'queryFacts'>,
  cellId: string,
  months: ReadonlySet<Month>,
): Promise<MonthReports> {
  let pending = [...months].sort();
  const out: MonthReports = new Map();
  for (let attempt = 0; attempt < MAX_CONFLICTS && pending.length > 0; attempt++) {
    // The items before the records: a record put after this read is followed by a recount
    // whose write makes ours fail on the version, and redo.
    const read = await store.readItems({ months: pending.map((month) => ({ orgId: cellId, kind: 'own' as const, month })) });
    const split = byMonth(await cellChanges(store, cellId, pending));
    const written = await Promise.all(
      pending.map(async (month) => {
        const stored = read.months.get(monthId(cellId, 'own', month));
        const changes = split.get(month) ?? {};
        const beforeVersion = stored?.version ?? 0;
        if (!(await store.writeMonth({ orgId: cellId, kind: 'own', month, changes }, stored?.version))) return false;
        out.set(month, { version: beforeVersion + 1, change: { beforeVersion, before: stored?.changes ?? {}, after: changes } });
        return true;
      }),
    );
    pending = pending.filter((_, i) => !written[i]);
  }
  if (pending.length > 0) throw new ConcurrentUpdateError(`figures of ${cellId}`, MAX_CONFLICTS);
  return out;
}
