// use case: the report of CONTRACT §9 for one org, from the stored subtree figures.
// (adapter) CLI `report` / functions/report-api --> use case --> domain/figures
import { renderReport, type Report } from '../domain/figures/index.js';
import { todayInVietnam, yearOf } from '../domain/dates.js';
import { dossierThresholds } from '../domain/rules/index.js';
import { figuresId, readFigures } from '../data/figures-store.js';
import { UnknownOrgError } from './errors.js';
import { currentOrgTree } from '../data/org-tree.js';

export { UnknownOrgError };

export interface ReportOptions {
  /** Defaults to the year of `date`. */
  year?: number;
  /** The day dueSoon, overdue, late and asOf are judged on; defaults to today in Vietnam. */
  date?: string;
}

export async function buildReport(orgId: string, opts: ReportOptions = {}): Promise<Report> {
  const tree = await currentOrgTree();
  const org = tree.get(orgId);
  if (!org) throw new UnknownOrgError(orgId);
  const date = opts.date ?? todayInVietnam(new Date());
  const year = opts.year ?? yearOf(date);
  const children = tree.children(orgId).filter((c) => c.status === 'active');
  const stored = await readFigures(
    [orgId, ...children.map((c) => c.orgId)].map((id) => ({ orgId: id, kind: 'subtree' as const })),
    false,
  );
  return renderReport({
    org,
    tree,
    figures: stored.get(figuresId(orgId, 'subtree'))?.figures,
    children: children.map((c) => ({ org: c, figures: stored.get(figuresId(c.orgId, 'subtree'))?.figures })),
    year,
    date,
    dueSoonDays: Math.max(...dossierThresholds(date)),
  });
}
