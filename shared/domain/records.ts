// domain: the records the ingest writes and every other part reads.
// Pure types: no AWS import. Keys live in shared/data/keys.ts. The vocabularies their
// fields take come from the event contract (events/vocabulary.ts), written once there.
import type { Profile } from './events/payloads.js';
import type {
  AdmissionException,
  CandidateDropReason,
  DossierOutcome,
  DossierStep,
  Education,
  ExitReason,
  MemberStatus,
  Nominator,
  Occupation,
  OrgLevel,
  OrgSector,
  Rating,
  Sex,
  TransferKind,
} from './events/vocabulary.js';

export { CELL_LEVELS, DOSSIER_STEPS } from './events/vocabulary.js';
export type {
  AdmissionException,
  CandidateDropReason,
  DossierOutcome,
  DossierStep,
  Education,
  ExitReason,
  MemberStatus,
  Nominator,
  Occupation,
  OrgLevel,
  OrgSector,
  Profile,
  Rating,
  Sex,
  TransferKind,
};

/** A business date `YYYY-MM-DD` in Vietnam time. */
export type BusinessDate = string;

/** What the figures count of a member's profile (docs/report.md `members.*`), kept in the clear (personal-data.ts). */
export interface Traits {
  female: boolean;
  youthUnion: boolean;
  ethnicMinority: boolean;
  religious: boolean;
}

/** Every stored record carries a version for optimistic concurrency. */
export interface Versioned {
  version: number;
}

export interface OrgRecord extends Versioned {
  orgId: string;
  parentId: string | null;
  name: string;
  level: OrgLevel;
  status: 'active' | 'dissolved';
  dissolvedOn?: BusinessDate;
  mergedInto?: string;
  /**
   * Admission targets by year (chỉ tiêu kết nạp) as records written before `plans` kept
   * them: the org's own, read as an own year plan unless `plans` holds one for that year.
   */
  targets: Record<string, number>;
  /** When it was founded (thành lập), for `organizations.newInYear`. */
  establishedOn?: BusinessDate;
  /** What kind of body it is in, for `organizations.privateSector`. */
  sector?: OrgSector;
  /** Its annual ratings by year (đánh giá, xếp loại tổ chức đảng); a later one for a year replaces it. */
  orgRatings?: Record<string, Rating>;
  /** Admission plans by year or term, own or assigned (docs/events.md#targets); absent on older records. */
  plans?: AdmissionPlan[];
}

/** Whose plan a target is: the org's own (kế hoạch, nghị quyết đại hội) or assigned from above (cấp trên giao). */
export type PlanKind = 'own' | 'assigned';

/** One admission plan of an org: for a year (`fromYear` = `toYear`, not a term) or for a congress term. */
export interface AdmissionPlan {
  kind: PlanKind;
  /** A term (nhiệm kỳ) rather than one year. */
  term: boolean;
  fromYear: number;
  toYear: number;
  admissions: number;
  /** The least admissions from private enterprises (workers and owners) within the target. */
  privateSector?: number;
  /** The least admissions of students within the target. */
  student?: number;
}

export interface MemberRecord extends Versioned {
  memberId: string;
  /** The cell whose rolls hold the member (for in-transit: the sending cell). */
  cellId: string;
  status: MemberStatus;
  /**
   * Personal data (docs/personal-data.md): sealed at rest, absent to readers that do not need it
   * (the figures, the reminders) and after an erasure.
   */
  profile?: Profile;
  /** What the figures count of the profile, kept in the clear (personal-data.ts). */
  traits: Traits;
  admittedOn: BusinessDate;
  /** The admission ceremony (lễ kết nạp): probation runs from it (docs/events.md#after-the-decision). */
  ceremonyOn?: BusinessDate;
  /** Set while probationary: the day probation ends. */
  probationEndsOn?: BusinessDate;
  recognizedOn?: BusinessDate;
  /** The day the party file (lý lịch đảng viên, phiếu đảng viên) was complete and entered. */
  recordsFiledOn?: BusinessDate;
  /** The first party card (thẻ đảng viên) issued; a reissue keeps the earliest date. */
  cardIssuedOn?: BusinessDate;
  /**
   * Party age (docs/events.md#party-age): a readmitted or imported member's first
   * admission and the days out of the party since; party age starts on
   * `firstAdmittedOn` + `interruptedDays` (see party-age.ts). Absent: on `admittedOn`.
   */
  firstAdmittedOn?: BusinessDate;
  interruptedDays?: number;
  /** The exceptions the admission was made under (absent: none). */
  exceptions?: AdmissionException[];
  exemptedOn?: BusinessDate;
  exit?: { reason: ExitReason; on: BusinessDate };
  /** The status to return to when an in-transit transfer is cancelled. */
  statusBeforeTransit?: 'probationary' | 'official';
  /** Open official transfer, if any. */
  transferId?: string;
  /**
   * The member's temporary transfers issued here and not yet ended (returned or
   * cancelled), so that `member.exited` can end them (docs/events.md#members). Absent: none.
   */
  temporaryTransferIds?: string[];
  /** year → rating and the cell it was counted in. */
  ratings: Record<string, { rating: Rating; cellId: string }>;
  /** milestone years → award date. */
  badges: Record<string, BusinessDate>;
  dossierId?: string;
  readmitted?: boolean;
  /** How the member came onto our rolls. */
  origin: 'admitted' | 'imported' | 'transferred-in';
  /**
   * Every stay on a cell's rolls, oldest first (docs/report.md#members-at-the-end-of-asof): the ingest
   * starts one at admission, import or receipt and ends it at an official transfer's
   * issue or at the exit. Absent on records written before it existed: see `stintsOf`.
   */
  stints?: MemberStint[];
}

/** One stay of a member on a cell's rolls: `from` included, `until` excluded (absent: still there). */
export interface MemberStint {
  cellId: string;
  from: BusinessDate;
  until?: BusinessDate;
  /**
   * Set on the stays of an earlier membership (before a readmission or a return from
   * another system): that membership's dates, which the record no longer holds.
   */
  earlier?: {
    recognizedOn?: BusinessDate;
    exemptedOn?: BusinessDate;
    /** The admission work of that membership (docs/report.md `members`); absent on stays marked before it was kept. */
    recordsFiledOn?: BusinessDate;
    cardIssuedOn?: BusinessDate;
    ceremonyOn?: BusinessDate;
    /** That membership began with `member.admitted`. */
    byDecision?: true;
  };
}

export interface DossierRecord extends Versioned {
  dossierId: string;
  personId: string;
  cellId: string;
  receivedOn: BusinessDate;
  dueOn: BusinessDate;
  /** The last step completed (`received` when none). */
  step: DossierStep;
  steps: Partial<Record<DossierStep, BusinessDate>>;
  status: 'open' | DossierOutcome;
  closedOn?: BusinessDate;
  /** The applicant's profile while the dossier is open or closed without admission (then the member record has it). */
  profile?: Profile;
  /** For a dossier closed by an admission: the member the applicant became. */
  memberId?: string;
  /** As {@link TransferRecord.dueOnProvisional}, for a rule set that counts the dossier deadline in working days. */
  dueOnProvisional?: boolean;
}

export interface TransferRecord extends Versioned {
  transferId: string;
  memberId: string;
  kind: TransferKind;
  fromOrgId: string;
  toOrgId: string;
  /** Whether each end is an org of this system when the transfer was seen. */
  fromExternal: boolean;
  toExternal: boolean;
  issuedOn?: BusinessDate;
  /** The deadline to be received; only for a destination inside this system. */
  dueOn?: BusinessDate;
  receivedOn?: BusinessDate;
  /**
   * `completed`: nothing here will ever see it received — an official transfer to an
   * external org (complete at issue), or one in transit when its member exited
   * (`endedOn`, `endedBy: 'exit'`).
   */
  status: 'issued' | 'received' | 'cancelled' | 'returned' | 'completed';
  endedOn?: BusinessDate;
  /** Set when the transfer was ended by the member's exit (docs/events.md#members), not by an event of its own. */
  endedBy?: 'exit';
  /**
   * Whether `dueOn` counts working days over a year the holiday calendar does not
   * (yet) confirm (docs/reminders.md#deadlines): recompute it with `transferDueOn` when the calendar
   * is extended. Absent: final.
   */
  dueOnProvisional?: boolean;
  /** For a temporary attendee from outside: not on our rolls, no member record. */
  attendee?: { status: 'probationary' | 'official'; profile?: Profile };
}

/**
 * A person in the candidate pool (tạo nguồn, docs/events.md#the-candidate-pool): listed by a
 * cell, sent to the class on Party awareness, and linked to the dossier and the admission
 * that followed. One record per person, kept after they leave the pool.
 */
export interface CandidateRecord extends Versioned {
  personId: string;
  /** The cell whose pool lists the person (the latest listing's). */
  cellId: string;
  /** Personal data like an applicant's: sealed at rest, dropped when the person is admitted (the member record holds it). */
  profile?: Profile;
  nominatedBy?: Nominator;
  /**
   * Every stay in the pool, oldest first: from a listing to a drop or an admission
   * (absent `until`: still in the pool). Only the last may be open.
   */
  stays: CandidateStay[];
  /** The class certificates (giấy chứng nhận bồi dưỡng nhận thức về Đảng), by `classId`, each dated the day it was issued. */
  certificates: Record<string, BusinessDate>;
  /** The latest dossier received for the person. */
  dossierId?: string;
  /** The admission that took the person out of the pool. */
  admission?: { memberId: string; admittedOn: BusinessDate; cellId: string };
}

/** One stay in a cell's pool: `from` included, `until` excluded. */
export interface CandidateStay {
  cellId: string;
  from: BusinessDate;
  until?: BusinessDate;
  /** How the stay ended. */
  ended?: { by: 'dropped'; reason: CandidateDropReason } | { by: 'admitted' };
}

/**
 * A fact is one event's contribution to a yearly figure, attributed to the cell the
 * member (or dossier) was in at the time and to the year of its business date.
 */
export type Fact =
  | {
      kind: 'admission';
      female: boolean;
      youthUnion: boolean;
      occupation: Occupation;
      readmitted: boolean;
      /** An ethnic minority at admission, as `members.ethnicMinority` counts (absent: not, or a fact written before this was kept). */
      ethnicMinority?: true;
      /** A religion at admission, as `members.religious` counts (absent: none, or a fact written before this was kept). */
      religious?: true;
      /** Admitted under the population-policy exception (absent: not). */
      populationPolicy?: true;
    }
  | { kind: 'recognition' }
  | { kind: 'transferOut'; transferKind: TransferKind; counterpart: string }
  | { kind: 'transferIn'; transferKind: TransferKind; counterpart: string }
  | { kind: 'exit'; reason: ExitReason }
  | { kind: 'dossierClosed'; outcome: DossierOutcome; days: number }
  | { kind: 'rating'; rating: Rating }
  | { kind: 'badge'; years: number };

export interface FactRecord {
  cellId: string;
  year: number;
  /** Stable per fact, so that an undo (transfer.cancelled) or a re-rating replaces it. */
  factId: string;
  /** The business date that places it in `year`. */
  on: BusinessDate;
  fact: Fact;
}

/** A record with the kind of record it is: what the Records table stores, one item each. */
export type StoredRecord =
  | { entity: 'org'; record: OrgRecord }
  | { entity: 'member'; record: MemberRecord }
  | { entity: 'dossier'; record: DossierRecord }
  | { entity: 'transfer'; record: TransferRecord }
  | { entity: 'candidate'; record: CandidateRecord }
  | { entity: 'fact'; record: FactRecord };

export type Entity = StoredRecord['entity'];

/** The records written under optimistic concurrency (a fact is never updated, only put or deleted). */
export type VersionedRecord = Exclude<StoredRecord, { entity: 'fact' }>;
