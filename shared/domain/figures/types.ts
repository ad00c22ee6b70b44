// domain/figures: the shape of the figures stored per org (own and whole-subtree).
// Pure data: no AWS import, no I/O, no clock.

import type { BusinessDate } from '../records.js';

/** A histogram: key → count. Zero entries are dropped by `normalizeFigures`. */
export type Counts = Record<string, number>;

/** Active members now (docs/report.md `members`). */
/** The names of `members.*`, in the report's order: the one list the schema, the as-of items and `emptyMembers` use. */
export const MEMBER_FIGURES = [
  'total',
  'official',
  'probationary',
  'female',
  'youthUnion',
  'ethnicMinority',
  'religious',
  'exempted',
  'inTransit',
  'temporaryAttendees',
] as const satisfies ReadonlyArray<keyof MemberFigures>;

export interface MemberFigures {
  /** official + probationary (exempted included; in-transit and exited excluded). */
  total: number;
  official: number;
  probationary: number;
  female: number;
  youthUnion: number;
  ethnicMinority: number;
  religious: number;
  exempted: number;
  /** Official transfers issued from here to an org of this system, not yet received or cancelled. */
  inTransit: number;
  /** Temporary transfers received here, not yet returned or cancelled. */
  temporaryAttendees: number;
}

export interface DossierStepFigures {
  received: number;
  processing: number;
  reported: number;
  reviewed: number;
}

/** Open dossiers now. */
export interface DossierFigures {
  open: number;
  byStep: DossierStepFigures;
  /** Open dossiers by their deadline (`dueOn` → count): dueSoon/overdue are judged at read time. */
  dueOn: Record<BusinessDate, number>;
}

/** Figures that describe "now" (they are not attributed to a year). */
export interface CurrentFigures {
  members: MemberFigures;
  dossiers: DossierFigures;
  /**
   * Transfers sent from here to an org of this system, not yet received or cancelled,
   * by their receipt deadline (`dueOn` → count). `late` on a date = deadlines before it.
   */
  pendingTransfers: Record<BusinessDate, number>;
}

export interface AdmissionFigures {
  total: number;
  female: number;
  youthUnion: number;
  student: number;
  privateEnterprise: number;
  enterpriseOwner: number;
  contractFreelance: number;
  readmitted: number;
}

/** Transfers by the org at the other end (`counterpart orgId` → count). */
export interface TransferFigures {
  officialOut: Counts;
  officialIn: Counts;
  temporaryOut: Counts;
  temporaryIn: Counts;
}

export interface ExitFigures {
  expelled: number;
  struckOff: number;
  resigned: number;
  deceased: number;
}

export interface RatingFigures {
  excellent: number;
  good: number;
  completed: number;
  notCompleted: number;
}

/** The figures of one calendar year (events whose business date falls in it). */
export interface YearFigures {
  admissions: AdmissionFigures;
  recognitions: number;
  transfers: TransferFigures;
  exits: ExitFigures;
  /** Dossiers closed in the year, any outcome, by days from `receivedOn` to closing. */
  dossiersClosed: Counts;
  ratings: RatingFigures;
  badges: number;
}

/** The figures of one org: own (a cell's, recounted from its records) or whole-subtree. */
export interface OrgFigures {
  current: CurrentFigures;
  /** Keyed by the year as a string (`"2021"`). A missing year is all zeros. */
  years: Record<string, YearFigures>;
}

export const TRANSFER_MAPS = ['officialOut', 'officialIn', 'temporaryOut', 'temporaryIn'] as const;

export function emptyMembers(): MemberFigures {
  return Object.fromEntries(MEMBER_FIGURES.map((f) => [f, 0])) as unknown as MemberFigures;
}

export function emptyCurrent(): CurrentFigures {
  return {
    members: emptyMembers(),
    dossiers: { open: 0, byStep: { received: 0, processing: 0, reported: 0, reviewed: 0 }, dueOn: {} },
    pendingTransfers: {},
  };
}

export function emptyAdmissions(): AdmissionFigures {
  return {
    total: 0,
    female: 0,
    youthUnion: 0,
    student: 0,
    privateEnterprise: 0,
    enterpriseOwner: 0,
    contractFreelance: 0,
    readmitted: 0,
  };
}

export function emptyYear(): YearFigures {
  return {
    admissions: emptyAdmissions(),
    recognitions: 0,
    transfers: { officialOut: {}, officialIn: {}, temporaryOut: {}, temporaryIn: {} },
    exits: { expelled: 0, struckOff: 0, resigned: 0, deceased: 0 },
    dossiersClosed: {},
    ratings: { excellent: 0, good: 0, completed: 0, notCompleted: 0 },
    badges: 0,
  };
}

/** Figures of an org with nothing in it. */
export function emptyFigures(): OrgFigures {
  return { current: emptyCurrent(), years: {} };
}

/** `counts[key] += n`. */
export function bump(counts: Counts, key: string, n = 1): void {
  counts[key] = (counts[key] ?? 0) + n;
}

/** The sum of a histogram's counts. */
export function sumCounts(counts: Counts): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v;
  return n;
}
