// use case: the report of docs/report.md for one org, from the stored subtree figures.
// (adapter) CLI `report` / functions/report-api --> use case --> domain/figures; storage through ReportReader (port.ts)
import { figuresOn, renderReport, reportDateFor, type Report } from '../../domain/figures/index.js';
import { todayInVietnam, yearOf } from '../../domain/dates.js';
import { dossierThresholds } from '../../domain/rules/index.js';
import { UnknownOrgError } from '../errors.js';
import { asOfId, figuresId, NETS } from '../refresh-figures/port.js';
import type { ReportReader } from './port.js';

export { UnknownOrgError };
export type { ReportReader };

export interface ReportOptions {
  /** Defaults to the year of `date`. */
  year?: number;
  /**
   * The day members, open dossiers, dueSoon, overdue, late and asOf are judged on;
   * defaults to today in Vietnam, or to 31 December of a past `year` (reportDateFor).
   */
  date?: string;
}

/** The report of `orgId` and its active children on a date. @throws UnknownOrgError for an org that is not registered. */
export async function buildReport(store: ReportReader, orgId: string, opts: ReportOptions = {}): Promise<Report> {
  const tree = await store.currentOrgTree();
  const org = tree.get(orgId);
  if (!org) throw new UnknownOrgError(orgId);
  const date = opts.date ?? reportDateFor(opts.year, todayInVietnam(new Date()));
  const year = opts.year ?? yearOf(date);
  const children = tree.children(orgId).filter((c) => c.status === 'active');
  const ids = [orgId, ...children.map((c) => c.orgId)];
  const [stored, asOf] = await Promise.all([
    store.readFigures(
      ids.map((id) => ({ orgId: id, kind: 'subtree' as const })),
      false,
    ),
    // Two items per org: the net change of every year, and the changes of `date`'s year.
    store.readAsOf(
      ids.flatMap((id) => [NETS, String(yearOf(date))].map((part) => ({ orgId: id, kind: 'subtree' as const, part }))),
      false,
    ),
  ]);
  const onDate = (id: string) =>
    figuresOn(date, asOf.get(asOfId(id, 'subtree', NETS))?.data, asOf.get(asOfId(id, 'subtree', String(yearOf(date))))?.data);
  return renderReport({
    org,
    tree,
    figures: stored.get(figuresId(orgId, 'subtree'))?.figures,
    onDate: onDate(orgId),
    children: children.map((c) => ({ org: c, figures: stored.get(figuresId(c.orgId, 'subtree'))?.figures, onDate: onDate(c.orgId) })),
    year,
    date,
    dueSoonDays: Math.max(...dossierThresholds(date)),
  });
}
