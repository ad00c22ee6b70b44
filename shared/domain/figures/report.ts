// domain/figures: the report of docs/report.md, rendered from the figures read for it.

import { termPlans, yearPlan } from '../plans.js';
import type { BusinessDate, OrgLevel, OrgRecord } from '../records.js';
import type { Tally } from './catalogue.js';
import { seriesOf, type FiguresAt } from './reading.js';
import type { OrganizationCounts, OrgTree } from './tree.js';
import { orgFiguresOf, type OrgProfileCounts } from './org-figures.js';
import { hidesSmallCounts, hideFew, type Shown, type SuppressedFigure } from './suppression.js';
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

/** A sub-target of the year's plan and how far the year's admissions meet it. */
export interface SubTargetFigures {
  target: number;
  admitted: number;
  /** round(100 × admitted / target, 1); null when the target is 0. */
  achievementPct: number | null;
}

/** The groups a plan may name a sub-target for (docs/report.md#targets-and-terms). */
export const SUB_TARGET_GROUPS = ['privateSector', 'student'] as const;
export type SubTargetGroup = (typeof SUB_TARGET_GROUPS)[number];

/** The shares of `admissions.sharesPct`, in the report's order. */
export const ADMISSION_SHARES = [
  'female',
  'youthUnion',
  'student',
  'privateSector',
  'contractFreelance',
  'ethnicMinority',
  'religious',
  'readmitted',
] as const;
export type AdmissionShare = (typeof ADMISSION_SHARES)[number];

/** `members` in the report: on the rolls, then the admission work after the decision. */
export type ReportMembers = MemberFigures & MemberWorkFigures;

export interface ReportAdmissions extends AdmissionFigures {
  /** The org's own target for the year (chỉ tiêu), null when none. */
  target: number | null;
  /** round(100 × total / target, 1); null when there is no target or it is 0. */
  achievementPct: number | null;
  /** The target the level above assigned for the year, null when none. */
  targetAssigned: number | null;
  /** round(100 × total / targetAssigned, 1); null when there is none or it is 0. */
  achievementPctAssigned: number | null;
  /** Each group the year's own plan (else the assigned one) names a sub-target for. */
  subTargets: Partial<Record<SubTargetGroup, SubTargetFigures>>;
  /** Each breakdown as a share of `total`: round(100 × n / total, 2); null when total is 0. */
  sharesPct: Record<AdmissionShare, number | null>;
  /** The year's admissions whose party file was filed by the day asked. */
  recordsFiled: number;
  /** round(100 × recordsFiled / total, 2); null when `total` is 0. */
  recordsFiledPct: number | null;
}

/** The congress term a term plan covers `year` with, and the admissions since its start. */
export interface ReportTerm {
  fromYear: number;
  toYear: number;
  /** The own term target, null when only an assigned one covers the year. */
  target: number | null;
  /** The assigned term target of the same term, null when none. */
  targetAssigned: number | null;
  /** Admissions from 1 January of fromYear to asOf, at most to 31 December of toYear. */
  admitted: number;
  achievementPct: number | null;
  achievementPctAssigned: number | null;
}

export interface ReportChild {
  orgId: string;
  name: string;
  level: OrgLevel;
  members: Shown<ReportMembers>;
  admissions: Shown<ReportAdmissions>;
  term: ReportTerm | null;
  /** Its pool beside its admissions and plan: what the committee above reads to see a cell short of candidates. */
  candidates: CandidateFigures;
  /** The figures of this row shown as null because they would single people out (suppression.ts). */
  suppressed: SuppressedFigure[];
}

/** docs/report.md, keys in the contract's order. */
export interface Report {
  orgId: string;
  name: string;
  level: OrgLevel;
  asOf: BusinessDate;
  year: number;
  organizations: OrganizationCounts & OrgProfileCounts;
  members: Shown<ReportMembers>;
  admissions: Shown<ReportAdmissions>;
  term: ReportTerm | null;
  /** The previous year's whole admissions, for "tăng … so với năm …". */
  previousYear: { year: number; admissions: Shown<AdmissionFigures> };
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
  /** The subtree's organizations by their own rating for the year (đánh giá, xếp loại tổ chức đảng). */
  orgRatings: RatingFigures;
  badges: { awarded: number };
  /** The figures of the org's own row shown as null because they would single people out (suppression.ts). */
  suppressed: SuppressedFigure[];
  children: ReportChild[];
}

export interface ReportInput {
  /** The org's record as it is now (its name and targets). */
  org: OrgRecord;
  tree: OrgTree;
  /** Its whole-subtree figures, keyed series included. */
  figures: FiguresAt;
  /** Its active children, with the records as they are now and their subtree figures. */
  children: readonly { org: OrgRecord; figures: FiguresAt; termAdmitted?: number | undefined }[];
  /** The admissions of its term so far ({@link termToCount}), when a term plan covers the year. */
  termAdmitted?: number | undefined;
  /** The yearly figures of the previous year, the whole year (none read: zeros). */
  previousYear?: Tally;
  year: number;
  /** The day `asOf` is: members, open dossiers, dueSoon, overdue and late are those of its end. */
  date: BusinessDate;
}

/** round(100 × total / target, 1), half up; null when there is no target or it is 0. */
export function achievementPct(total: number, target: number | null | undefined): number | null {
  return roundedPct(total, target, 1);
}

/** round(100 × n / of, decimals), half up; null when `of` is absent or 0. */
export function roundedPct(n: number, of: number | null | undefined, decimals: 1 | 2): number | null {
  if (of === null || of === undefined || of === 0) return null;
  const scale = 10 ** decimals;
  // 100 × scale × n is exact, so a true half (e.g. 1/16 → 6.25) rounds up, not by float luck.
  return Math.round((100 * scale * n) / of) / scale;
}

/**
 * The term a term plan of `org` covers `year` with, and the last day its admissions count
 * to: `date`, at most 31 December of `toYear`; undefined when no term plan covers the year.
 */
export function termToCount(
  org: OrgRecord,
  year: number,
  date: BusinessDate,
): { fromYear: number; toYear: number; to: BusinessDate } | undefined {
  const term = termPlans(org, year);
  if (!term) return undefined;
  const last = `${term.toYear}-12-31`;
  return { fromYear: term.fromYear, toYear: term.toYear, to: date < last ? date : last };
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
export const sharePct = (part: number, whole: number): number | null => roundedPct(part, whole, 2);

/** The fields of one group of a tally (`members.total` → `total`), every one of `names` present. */
function group<K extends string>(t: Tally, prefix: string, names: readonly K[]): Record<K, number> {
  return Object.fromEntries(names.map((n) => [n, t[`${prefix}.${n}`] ?? 0])) as Record<K, number>;
}

function admissionsOf(org: OrgRecord, yearly: Tally, year: number): ReportAdmissions {
  const a = group(yearly, 'admissions', ADMISSION_FIGURES);
  const own = yearPlan(org, year, 'own');
  const assigned = yearPlan(org, year, 'assigned');
  const target = own?.admissions ?? null;
  const targetAssigned = assigned?.admissions ?? null;
  const inGroup: Record<SubTargetGroup, number> = { privateSector: a.privateEnterprise + a.enterpriseOwner, student: a.student };
  const subTargets: ReportAdmissions['subTargets'] = {};
  for (const g of SUB_TARGET_GROUPS) {
    const sub = own?.[g] ?? assigned?.[g];
    if (sub !== undefined) subTargets[g] = { target: sub, admitted: inGroup[g], achievementPct: achievementPct(inGroup[g], sub) };
  }
  const shareOf: Record<AdmissionShare, number> = {
    female: a.female,
    youthUnion: a.youthUnion,
    student: a.student,
    privateSector: inGroup.privateSector,
    contractFreelance: a.contractFreelance,
    ethnicMinority: a.ethnicMinority,
    religious: a.religious,
    readmitted: a.readmitted,
  };
  const recordsFiled = yearly['admissions.recordsFiled'] ?? 0;
  const sharesPct = Object.fromEntries(ADMISSION_SHARES.map((k) => [k, roundedPct(shareOf[k], a.total, 2)])) as Record<
    AdmissionShare,
    number | null
  >;
  return {
    ...a,
    target,
    achievementPct: achievementPct(a.total, target),
    targetAssigned,
    achievementPctAssigned: achievementPct(a.total, targetAssigned),
    subTargets,
    sharesPct,
    recordsFiled,
    recordsFiledPct: sharePct(recordsFiled, a.total),
  };
}

function termOf(org: OrgRecord, year: number, admitted: number | undefined): ReportTerm | null {
  const term = termPlans(org, year);
  if (!term) return null;
  const n = admitted ?? 0;
  const target = term.own?.admissions ?? null;
  const targetAssigned = term.assigned?.admissions ?? null;
  return {
    fromYear: term.fromYear,
    toYear: term.toYear,
    target,
    targetAssigned,
    admitted: n,
    achievementPct: achievementPct(n, target),
    achievementPctAssigned: achievementPct(n, targetAssigned),
  };
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
 * The members and admissions of an org at `level` as its report shows them: small counts
 * of the sensitive traits hidden below the grassroots level (suppression.ts), with the
 * figures hidden.
 */
function shownAt(level: OrgLevel, members: ReportMembers, admissions: ReportAdmissions) {
  if (!hidesSmallCounts(level)) return { members, admissions, suppressed: [] };
  const [m, a] = [hideFew(members, 'members'), hideFew(admissions, 'admissions')];
  return { members: m.group, admissions: a.group, suppressed: [...m.hidden, ...a.hidden] };
}

/** The previous year's admissions of an org at `level` as its report shows them (shownAt). */
function previousShownAt(level: OrgLevel, previous: AdmissionFigures) {
  if (!hidesSmallCounts(level)) return { group: previous, hidden: [] };
  return hideFew(previous, 'previousYear.admissions');
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
    .map((c): ReportChild => {
      const shown = shownAt(c.org.level, membersOf(c.figures.state), admissionsOf(c.org, c.figures.yearly, year));
      return {
        orgId: c.org.orgId,
        name: c.org.name,
        level: c.org.level,
        members: shown.members,
        admissions: shown.admissions,
        term: termOf(c.org, year, c.termAdmitted),
        candidates: candidatesOf(c.figures.state, c.figures.yearly),
        suppressed: shown.suppressed,
      };
    });
  const own = orgFiguresOf(tree, org.orgId, year, date);
  const shown = shownAt(org.level, membersOf(state), admissionsOf(org, yearly, year));
  const previous = previousShownAt(org.level, group(input.previousYear ?? {}, 'admissions', ADMISSION_FIGURES));
  return {
    orgId: org.orgId,
    name: org.name,
    level: org.level,
    asOf: date,
    year,
    organizations: { ...tree.countOrganizations(org.orgId), ...own.organizations },
    members: shown.members,
    admissions: shown.admissions,
    term: termOf(org, year, input.termAdmitted),
    previousYear: { year: year - 1, admissions: previous.group },
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
    orgRatings: own.orgRatings,
    badges: { awarded: yearly['badges.awarded'] ?? 0 },
    suppressed: [...shown.suppressed, ...previous.hidden],
    children,
  };
}
