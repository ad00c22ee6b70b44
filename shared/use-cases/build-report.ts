// use case: the report of CONTRACT §9 for one org, from the stored subtree figures.
// (adapter) CLI `report` / functions/report-api --> use case --> domain/figures
import { figuresOn, renderReport, type Report } from '../domain/figures/index.js';
import { todayInVietnam, yearOf } from '../domain/dates.js';
import { dossierThresholds } from '../domain/rules/index.js';
import { dynamoFiguresStore } from '../data/figures-store.js';
import { asOfId, figuresId, type AsOfStore, type FiguresReader } from './ports.js';
import { NETS } from './refresh-as-of.js';
import { UnknownOrgError } from './errors.js';

export { UnknownOrgError };

export interface ReportOptions {
  /** Defaults to the year of `date`. */
  year?: number;
  /** The day members, open dossiers, dueSoon, overdue, late and asOf are judged on; defaults to today in Vietnam. */
  date?: string;
}

/** What the report reads: the tree, the subtree figures and the as-of items. */
export type ReportReader = FiguresReader & Pick<AsOfStore, 'readAsOf'>;

export async function buildReport(orgId: string, opts: ReportOptions = {}, store: ReportReader = dynamoFiguresStore): Promise<Report> {
  const tree = await store.currentOrgTree();
  const org = tree.get(orgId);
  if (!org) throw new UnknownOrgError(orgId);
  const date = opts.date ?? todayInVietnam(new Date());
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
