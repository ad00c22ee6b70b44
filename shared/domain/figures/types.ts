// domain/figures: the shapes of the report's figures (docs/report.md). Pure data.

/** The names of `members.*`, in the report's order: the one list the schema and the rendering use. */
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

/** The counts of `members.*` on the admission work after the decision (docs/report.md `members`), after `recordsFiledPct` the first. */
export const MEMBER_WORK_FIGURES = ['recordsFiled', 'officialWithoutCard', 'ceremonyPending'] as const satisfies ReadonlyArray<
  keyof MemberWorkFigures
>;

/** The admission work after the decision, members at the end of the day asked (docs/report.md `members`). */
export interface MemberWorkFigures {
  /** Members of `total` whose party file was filed on or before the day. */
  recordsFiled: number;
  /** round(100 × recordsFiled / total, 2); null when `total` is 0. */
  recordsFiledPct: number | null;
  /** Official members with no card issued by the day. */
  officialWithoutCard: number;
  /** Probationary members admitted by a decision here, their ceremony not held by the day. */
  ceremonyPending: number;
}

/** The candidate pool and its classes (docs/report.md `candidates`). */
export interface CandidateFigures {
  /** Listed on or before the day, not dropped or admitted by then. */
  pool: number;
  /** Of `pool`, those with a class certificate valid on the day. */
  certified: number;
  /** Class certificates dated in the year to the day. */
  trained: number;
  /** The distinct classes of those certificates. */
  classes: number;
  /** The year's admissions of candidates with a certificate dated on or before their admission. */
  admitted: number;
}

/** Members at the end of the day asked (docs/report.md `members`). */
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

export const ADMISSION_FIGURES = [
  'total',
  'female',
  'youthUnion',
  'student',
  'privateEnterprise',
  'enterpriseOwner',
  'contractFreelance',
  'readmitted',
  'ethnicMinority',
  'religious',
  'populationPolicy',
] as const satisfies ReadonlyArray<keyof AdmissionFigures>;

export interface AdmissionFigures {
  total: number;
  female: number;
  youthUnion: number;
  student: number;
  privateEnterprise: number;
  enterpriseOwner: number;
  contractFreelance: number;
  readmitted: number;
  /** An ethnic minority at admission: every ethnicity but Kinh, as `members.ethnicMinority`. */
  ethnicMinority: number;
  /** A religion at admission, as `members.religious`. */
  religious: number;
  /** Admitted under the population-policy exception (`exceptions` holds `population-policy`). */
  populationPolicy: number;
}

export interface DossierStepFigures {
  received: number;
  processing: number;
  reported: number;
  reviewed: number;
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

/** A histogram: key → count. */
export type Counts = Record<string, number>;

/** The sum of a histogram's counts. */
export function sumCounts(counts: Counts): number {
  let n = 0;
  for (const v of Object.values(counts)) n += v;
  return n;
}
