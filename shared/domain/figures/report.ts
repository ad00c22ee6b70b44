// domain/figures: the report of docs/report.md, rendered from stored figures.

import type { BusinessDate, OrgLevel, OrgRecord } from '../records.js';
import { daysBetween } from '../dates.js';
import { normalizeFigures, type DeepPartial } from './merge.js';
import type { OrganizationCounts, OrgTree } from './tree.js';
import type { FiguresOnDate } from './as-of.js';
import {
  emptyYear,
  sumCounts,
  type AdmissionFigures,
  type Counts,
  type DossierStepFigures,
  type ExitFigures,
  type MemberFigures,
  type OrgFigures,
  type RatingFigures,
} from './types.js';

export interface ReportAdmissions extends AdmissionFigures {
  /** The org's own target for the year (chỉ tiêu), null when none. */
  target: number | null;
  /** round(100 × total / target, 1); null when there is no target or it is 0. */
  achievementPct: number | null;
}

export interface ReportChild {
  orgId: string;
  name: string;
  level: OrgLevel;
  members: MemberFigures;
  admissions: ReportAdmissions;
}

/** docs/report.md, keys in the contract's order. */
export interface Report {
  orgId: string;
  name: string;
  level: OrgLevel;
  asOf: BusinessDate;
  year: number;
  organizations: OrganizationCounts;
  members: MemberFigures;
  admissions: ReportAdmissions;
  recognitions: { total: number };
  transfers: { officialIn: number; officialOut: number; temporaryIn: number; temporaryOut: number; late: number };
  exits: ExitFigures;
  dossiers: {
    open: number;
    byStep: DossierStepFigures;
    dueSoon: number;
    overdue: number;
    closedInYear: number;
    /** null when no dossier closed in the year. */
    medianDaysToClose: number | null;
  };
  ratings: RatingFigures;
  badges: { awarded: number };
  children: ReportChild[];
}

export interface ReportInput {
  org: OrgRecord;
  tree: OrgTree;
  /** The org's whole-subtree figures. */
  figures: DeepPartial<OrgFigures> | null | undefined;
  /** Its members and open dossiers at the end of `date` (absent: those of now, from `figures`). */
  onDate?: FiguresOnDate;
  /** Its children with their subtree figures; dissolved ones are left out of the list. */
  children: readonly { org: OrgRecord; figures: DeepPartial<OrgFigures> | null | undefined; onDate?: FiguresOnDate }[];
  year: number;
  /** The day `asOf`, `dueSoon`, `overdue` and `late` are judged on. */
  date: BusinessDate;
  /** The largest dossier reminder threshold (15 by default): `dueSoon` is 0 < daysLeft ≤ this. */
  dueSoonDays: number;
}

/** round(100 × total / target, 1), half up; null when there is no target or it is 0. */
export function achievementPct(total: number, target: number | null | undefined): number | null {
  if (target === null || target === undefined || target === 0) return null;
  // 1000 × total is exact, so a true half (e.g. 1/16 → 6.25) rounds up, not by float luck.
  return Math.round((1000 * total) / target) / 10;
}

/**
 * The median of a `days → count` histogram: the middle value, or the mean of the two
 * middle values for an even count (so it may end in .5). **null when the histogram is
 * empty** (no dossier closed in the year): no median, not a median of 0 days.
 */
export function medianOfCounts(counts: Counts): number | null {
  const entries = Object.entries(counts)
    .map(([k, n]) => [Number(k), n] as const)
    .filter(([k, n]) => n > 0 && Number.isFinite(k))
    .sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  // The values at 0-based positions lo and hi of the sorted list (equal for an odd count).
  const lo = Math.floor((total - 1) / 2);
  const hi = Math.floor(total / 2);
  const at = (pos: number): number => {
    let seen = 0;
    for (const [k, n] of entries) {
      seen += n;
      if (pos < seen) return k;
    }
    return 0; // unreachable: pos < total
  };
  return (at(lo) + at(hi)) / 2;
}

/** Open dossiers with 0 < dueOn − date ≤ dueSoonDays, and with dueOn − date ≤ 0. */
export function dossierDeadlines(dueOn: Counts, date: BusinessDate, dueSoonDays: number): { dueSoon: number; overdue: number } {
  let dueSoon = 0;
  let overdue = 0;
  for (const [due, n] of Object.entries(dueOn)) {
    const daysLeft = daysBetween(date, due);
    if (daysLeft <= 0) overdue += n;
    else if (daysLeft <= dueSoonDays) dueSoon += n;
  }
  return { dueSoon, overdue };
}

/** Pending transfers whose receipt deadline is before `date`. */
export function lateTransfers(pending: Counts, date: BusinessDate): number {
  let late = 0;
  for (const [due, n] of Object.entries(pending)) if (daysBetween(date, due) < 0) late += n;
  return late;
}

function admissionsOf(org: OrgRecord, figures: OrgFigures, year: number): ReportAdmissions {
  const a = figures.years[String(year)]?.admissions ?? emptyYear().admissions;
  const target = org.targets[String(year)] ?? null;
  return { ...a, target, achievementPct: achievementPct(a.total, target) };
}

/**
 * The day a report is judged on when none is asked for: today, but for a past year
 * asked alone its 31 December — the year-end report of that year, not its events beside
 * today's members (docs/report.md "Two dates").
 * @example reportDateFor(2025, '2026-12-06') // '2025-12-31'
 */
export function reportDateFor(year: number | undefined, today: BusinessDate): BusinessDate {
  return year !== undefined && year < Number(today.slice(0, 4)) ? `${year}-12-31` : today;
}

/**
 * The report of docs/report.md for `org`, from its subtree figures. Missing years are zeros;
 * `children` lists the active children only, sorted by orgId, each with its members now
 * and its admissions in `year` (with its own target and achievement).
 */
export function renderReport(input: ReportInput): Report {
  const { org, tree, year, date, dueSoonDays } = input;
  const figures = normalizeFigures(input.figures);
  const y = figures.years[String(year)] ?? emptyYear();
  const cur = figures.current;
  const { dueSoon, overdue } = dossierDeadlines(cur.dossiers.dueOn, date, dueSoonDays);
  const children = input.children
    .filter((c) => c.org.status === 'active')
    .map((c) => ({ org: c.org, figures: normalizeFigures(c.figures), onDate: c.onDate }))
    .sort((a, b) => (a.org.orgId < b.org.orgId ? -1 : a.org.orgId > b.org.orgId ? 1 : 0))
    .map(
      (c): ReportChild => ({
        orgId: c.org.orgId,
        name: c.org.name,
        level: c.org.level,
        members: c.onDate?.members ?? c.figures.current.members,
        admissions: admissionsOf(c.org, c.figures, year),
      }),
    );
  return {
    orgId: org.orgId,
    name: org.name,
    level: org.level,
    asOf: date,
    year,
    organizations: tree.countOrganizations(org.orgId),
    members: input.onDate?.members ?? cur.members,
    admissions: admissionsOf(org, figures, year),
    recognitions: { total: y.recognitions },
    transfers: {
      officialIn: sumCounts(y.transfers.officialIn),
      officialOut: sumCounts(y.transfers.officialOut),
      temporaryIn: sumCounts(y.transfers.temporaryIn),
      temporaryOut: sumCounts(y.transfers.temporaryOut),
      late: lateTransfers(cur.pendingTransfers, date),
    },
    exits: y.exits,
    dossiers: {
      open: input.onDate?.dossiers.open ?? cur.dossiers.open,
      byStep: input.onDate?.dossiers.byStep ?? cur.dossiers.byStep,
      dueSoon,
      overdue,
      closedInYear: sumCounts(y.dossiersClosed),
      medianDaysToClose: medianOfCounts(y.dossiersClosed),
    },
    ratings: y.ratings,
    badges: { awarded: y.badges },
    children,
  };
}
