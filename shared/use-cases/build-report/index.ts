// use case: the report of docs/report.md for one org, from its month and nets items.
// (adapter) CLI `report` / functions/report-api --> use case --> domain/figures; storage through ReportReader (port.ts)
import {
  figuresAt,
  monthsToRead,
  renderReport,
  termToCount,
  type DatedChanges,
  type FiguresQuery,
  type Month,
  type OrgTree,
  type Report,
} from '../../domain/figures/index.js';
import { todayInVietnam, yearOf } from '../../domain/dates.js';
import { reportText } from '../../domain/report-text.js';
import type { BusinessDate } from '../../domain/records.js';
import { dossierThresholds } from '../../domain/rules/index.js';
import { mayRead } from '../../domain/read-scope.js';
import { ReadOutOfScopeError, UnknownOrgError } from '../errors.js';
import { netsId } from '../refresh-figures/port.js';
import type { ReportReader } from './port.js';

export { ReadOutOfScopeError, UnknownOrgError };
export type { ReportReader };

export interface ReportOptions {
  /** Defaults to the year of `date`. */
  year?: number;
  /**
   * The day the figures are as of; defaults to today in Vietnam, or, when only a past
   * `year` is given, to 31 December of that year (its year-end report).
   */
  date?: string;
  /** Today in Vietnam (tests pass it; the default reads the clock). */
  today?: BusinessDate;
  /**
   * The orgs whose subtrees the caller may read (its registry entry's `orgs`); undefined
   * for everything (scoping off, or the operator's CLI).
   */
  readable?: readonly string[];
}

/** The day and year a report is for, from what was asked (docs/report.md#asking-for-a-report). */
export function reportPeriod(opts: ReportOptions): { date: BusinessDate; year: number } {
  const today = opts.today ?? todayInVietnam(new Date());
  if (opts.date !== undefined) return { date: opts.date, year: opts.year ?? yearOf(opts.date) };
  if (opts.year !== undefined && opts.year < yearOf(today)) return { date: `${opts.year}-12-31`, year: opts.year };
  return { date: today, year: opts.year ?? yearOf(today) };
}

/** The items that stand for an org: its subtree's when it has children, else its own. */
const kindOf = (tree: OrgTree, orgId: string) => (tree.children(orgId).length > 0 ? ('subtree' as const) : ('own' as const));

/**
 * The org tree, once the caller is known to may read `orgId`'s report: out of its scope
 * is told before "not registered", so that neither says whether the org exists.
 */
async function treeFor(store: ReportReader, orgId: string, readable: readonly string[] | undefined): Promise<OrgTree> {
  const tree = await store.currentOrgTree();
  if (readable !== undefined && !mayRead(readable, orgId, tree)) throw new ReadOutOfScopeError();
  if (!tree.get(orgId)) throw new UnknownOrgError(orgId);
  return tree;
}

/**
 * The report of `orgId` and its active children on a date.
 * @throws ReadOutOfScopeError when `opts.readable` does not reach `orgId`; UnknownOrgError for an org that is not registered.
 */
export async function buildReport(store: ReportReader, orgId: string, opts: ReportOptions = {}): Promise<Report> {
  const tree = await treeFor(store, orgId, opts.readable);
  return reportFrom(store, tree, orgId, opts);
}

/**
 * The report as the committee's paragraph in Vietnamese (docs/report.md#the-committees-text),
 * the assigned plans said to come from the org's parent, by its name.
 * @throws ReadOutOfScopeError when `opts.readable` does not reach `orgId`; UnknownOrgError for an org that is not registered.
 */
export async function buildReportText(store: ReportReader, orgId: string, opts: ReportOptions = {}): Promise<string> {
  const tree = await treeFor(store, orgId, opts.readable);
  const org = tree.get(orgId)!;
  const report = await reportFrom(store, tree, orgId, opts);
  const parent = org.parentId === null ? undefined : tree.get(org.parentId);
  return reportText(report, { assignedBy: parent?.name });
}

async function reportFrom(store: ReportReader, tree: OrgTree, orgId: string, opts: ReportOptions): Promise<Report> {
  const { date, year } = reportPeriod(opts);
  const children = tree.children(orgId).filter((c) => c.status === 'active');
  const ids = [orgId, ...children.map((c) => c.orgId)];
  const [records, read] = await Promise.all([
    store.readOrgs(ids),
    store.readItems({ nets: ids.map((id) => ({ orgId: id, kind: kindOf(tree, id) })) }, false),
  ]);
  const dueSoonDays = Math.max(...dossierThresholds(date));
  /** The figures of `id` for a query, from its nets and the months they do not cover. */
  const readFigures = async (id: string, q: FiguresQuery) => {
    const kind = kindOf(tree, id);
    const nets = read.nets.get(netsId(id, kind));
    const months = new Map<Month, DatedChanges>();
    for (const range of monthsToRead(q, nets)) {
      for (const m of await store.queryMonths(id, kind, range, false)) months.set(m.month, m.changes);
    }
    return figuresAt({ ...q, dueSoonDays: q.keyed ? dueSoonDays : 0 }, nets, months);
  };
  const figuresOf = (id: string, keyed: boolean) => readFigures(id, { date, year, keyed });
  /** The yearly figures of `y` from 1 January to `to`, as the report reads a year. */
  const yearlyOf = async (id: string, y: number, to: BusinessDate) => (await readFigures(id, { date: to, year: y, keyed: false })).yearly;
  // A record the tree has but the read missed (removed since?) falls back to the tree's copy.
  const recordOf = (id: string) => records.get(id) ?? tree.get(id)!;
  /** The admissions of the term a term plan covers `year` with, from its first 1 January to `date` (docs/report.md#targets-and-terms). */
  const termAdmittedOf = async (id: string): Promise<number | undefined> => {
    const term = termToCount(recordOf(id), year, date);
    if (!term) return undefined;
    const years = [];
    for (let y = term.fromYear; y <= yearOf(term.to); y++) years.push(y);
    const tallies = await Promise.all(years.map((y) => yearlyOf(id, y, y === yearOf(term.to) ? term.to : `${y}-12-31`)));
    return tallies.reduce((n, t) => n + (t['admissions.total'] ?? 0), 0);
  };
  const childrenRead = Promise.all(
    children.map(async (c) => ({ figures: await figuresOf(c.orgId, false), termAdmitted: await termAdmittedOf(c.orgId) })),
  );
  const [figures, previousYear, termAdmitted, childFigures] = await Promise.all([
    figuresOf(orgId, true),
    yearlyOf(orgId, year - 1, `${year - 1}-12-31`),
    termAdmittedOf(orgId),
    childrenRead,
  ]);
  return renderReport({
    org: recordOf(orgId),
    tree,
    figures,
    previousYear,
    termAdmitted,
    children: children.map((c, i) => ({
      org: { ...recordOf(c.orgId), status: c.status },
      figures: childFigures[i]!.figures,
      termAdmitted: childFigures[i]!.termAdmitted,
    })),
    year,
    date,
  });
}
