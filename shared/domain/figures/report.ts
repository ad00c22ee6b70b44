// domain/figures: the report of docs/report.md, rendered from the figures read for it.

import type { BusinessDate, OrgLevel, OrgRecord } from '../records.js';
import type { Tally } from './catalogue.js';
import { seriesOf, type FiguresAt } from './reading.js';
import type { OrganizationCounts, OrgTree } from './tree.js';
import {
  ADMISSION_FIGURES,
  MEMBER_FIGURES,
  MEMBER_WORK_FIGURES,
  sumCounts,
  type AdmissionFigures,
  type CandidateFigures,
  type Counts,
  type DossierStepFigures,
  type ExitFigures,
  type MemberFigures,
  type MemberWorkFigures,
  type RatingFigures,
} from './types.js';

/** `members` in the report: on the rolls, then the admission work after the decision. */
export type ReportMembers = MemberFigures & MemberWorkFigures;

export interface ReportAdmissions extends AdmissionFigures {
  /** The org's own target for the year (chỉ tiêu), null when none. */
  target: number | null;
  /** round(100 × total / target, 1); null when there is no target or it is 0. */
  achievementPct: number | null;
  /** The year's admissions whose party file was filed by the day asked. */
  recordsFiled: number;
  /** round(100 × recordsFiled / total, 2); null when `total` is 0. */
  recordsFiledPct: number | null;
}

export interface ReportChild {
  orgId: string;
  name: string;
  level: OrgLevel;
  members: ReportMembers;
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
  members: ReportMembers;
  admissions: ReportAdmissions;
  candidates: CandidateFigures;
  recognitions: { total: number };
  transfers: {
    officialIn: number;
    officialOut: number;
    temporaryIn: number;
    temporaryOut: number;
    late: number;
    /** Temporary transfers from the subtree open on the day and issued 12 months or more before it. */
    temporaryTooLong: number;
  };
  exits: ExitFigures;
  dossiers: {
    open: number;
    byStep: DossierStepFigures;
    dueSoon: number;
    overdue: number;
    closedInYear: number;
    medianDaysToClose: number | null;
  };
  ratings: RatingFigures;
  badges: { awarded: number };
  children: ReportChild[];
}

export interface ReportInput {
  /** The org's record as it is now (its name and targets). */
  org: OrgRecord;
  tree: OrgTree;
  /** Its whole-subtree figures, keyed series included. */
  figures: FiguresAt;
  /** Its active children, with the records as they are now and their subtree figures. */
  children: readonly { org: OrgRecord; figures: FiguresAt }[];
  year: number;
  /** The day `asOf` is: members, open dossiers, dueSoon, overdue and late are those of its end. */
  date: BusinessDate;
}

/** round(100 × total / target, 1), half up; null when there is no target or it is 0. */
export function achievementPct(total: number, target: number | null | undefined): number | null {
  if (target === null || target === undefined || target === 0) return null;
  // 1000 × total is exact, so a true half (e.g. 1/16 → 6.25) rounds up, not by float luck.
  return Math.round((1000 * total) / target) / 10;
}

/**
 * The median of a `days → count` histogram: the middle value, or the mean of the two
 * middle values for an even count (so it may end in .5); null when it is empty (no
 * dossier closed).
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

/** round(100 × part / whole, 2), half up; null when `whole` is 0. */
export function sharePct(part: number, whole: number): number | null {
  if (whole === 0) return null;
  // 10000 × part is exact, so a true half rounds up, not by float luck.
  return Math.round((10000 * part) / whole) / 100;
}

/** The fields of one group of a tally (`members.total` → `total`), every one of `names` present. */
function group<K extends string>(t: Tally, prefix: string, names: readonly K[]): Record<K, number> {
  return Object.fromEntries(names.map((n) => [n, t[`${prefix}.${n}`] ?? 0])) as Record<K, number>;
}

function admissionsOf(org: OrgRecord, yearly: Tally, year: number): ReportAdmissions {
  const a = group(yearly, 'admissions', ADMISSION_FIGURES);
  const target = org.targets[String(year)] ?? null;
  const recordsFiled = yearly['admissions.recordsFiled'] ?? 0;
  return { ...a, target, achievementPct: achievementPct(a.total, target), recordsFiled, recordsFiledPct: sharePct(recordsFiled, a.total) };
}

function membersOf(state: Tally): ReportMembers {
  const m = group(state, 'members', MEMBER_FIGURES);
  const { recordsFiled, officialWithoutCard, ceremonyPending } = group(state, 'members', MEMBER_WORK_FIGURES);
  return { ...m, recordsFiled, recordsFiledPct: sharePct(recordsFiled, m.total), officialWithoutCard, ceremonyPending };
}

/** The candidates of the report's own org: the pool on the day, the year's certificates and classes, the year's admissions from the pool. */
function candidatesOf(state: Tally, yearly: Tally): CandidateFigures {
  const certificates = seriesOf(yearly, 'candidates.certificatesBy');
  return {
    pool: state['candidates.pool'] ?? 0,
    certified: state['candidates.certified'] ?? 0,
    trained: sumCounts(certificates),
    classes: Object.values(certificates).filter((n) => n > 0).length,
    admitted: yearly['candidates.admitted'] ?? 0,
  };
}

/**
 * The report of docs/report.md for `org` from its figures; `children` lists the active
 * children only, sorted by orgId, each with its members on the day and its admissions in
 * the year to the day (with its own target and achievement).
 */
export function renderReport(input: ReportInput): Report {
  const { org, tree, year, date, figures } = input;
  const { state, yearly } = figures;
  const moves = (series: 'transfers.officialIn' | 'transfers.officialOut' | 'transfers.temporaryIn' | 'transfers.temporaryOut') =>
    sumCounts(seriesOf(yearly, series));
  const children = input.children
    .filter((c) => c.org.status === 'active')
    .sort((a, b) => (a.org.orgId < b.org.orgId ? -1 : a.org.orgId > b.org.orgId ? 1 : 0))
    .map(
      (c): ReportChild => ({
        orgId: c.org.orgId,
        name: c.org.name,
        level: c.org.level,
        members: membersOf(c.figures.state),
        admissions: admissionsOf(c.org, c.figures.yearly, year),
      }),
    );
  return {
    orgId: org.orgId,
    name: org.name,
    level: org.level,
    asOf: date,
    year,
    organizations: tree.countOrganizations(org.orgId),
    members: membersOf(state),
    admissions: admissionsOf(org, yearly, year),
    candidates: candidatesOf(state, yearly),
    recognitions: { total: yearly['recognitions.total'] ?? 0 },
    transfers: {
      officialIn: moves('transfers.officialIn'),
      officialOut: moves('transfers.officialOut'),
      temporaryIn: moves('transfers.temporaryIn'),
      temporaryOut: moves('transfers.temporaryOut'),
      late: state['transfers.late'] ?? 0,
      temporaryTooLong: state['transfers.temporaryTooLong'] ?? 0,
    },
    exits: group(yearly, 'exits', ['expelled', 'struckOff', 'resigned', 'deceased'] as const),
    dossiers: {
      open: state['dossiers.open'] ?? 0,
      byStep: group(state, 'dossiers.byStep', ['received', 'processing', 'reported', 'reviewed'] as const),
      dueSoon: figures.dueSoon,
      overdue: state['dossiers.overdue'] ?? 0,
      closedInYear: yearly['dossiers.closedInYear'] ?? 0,
      medianDaysToClose: medianOfCounts(seriesOf(yearly, 'dossiers.daysToClose')),
    },
    ratings: group(yearly, 'ratings', ['excellent', 'good', 'completed', 'notCompleted'] as const),
    badges: { awarded: yearly['badges.awarded'] ?? 0 },
    children,
  };
}
