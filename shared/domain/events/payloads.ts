// domain/events: the `data` of each event type (docs/events.md) as zod schemas, and the
// profile (docs/events.md#the-profile) several of them carry. Parsing yields NFC text.
import * as z from 'zod';
import { BusinessDateSchema, IdSchema, name, text, YearSchema } from './scalars.js';
import {
  AdmissionExceptionSchema,
  ArrivingStatusSchema,
  BADGE_YEARS,
  CandidateDropReasonSchema,
  ClosingOutcomeSchema,
  CompletableStepSchema,
  EducationSchema,
  ExitReasonSchema,
  NominatorSchema,
  OccupationSchema,
  OrgLevelSchema,
  OrgSectorSchema,
  RatingSchema,
  SexSchema,
  TransferKindSchema,
} from './vocabulary.js';

/**
 * A full profile, as carried when a person first appears (dossier, admission, import,
 * arrival from outside). `fullName` and `religion` may be absent; `religion: null`
 * means "none", which is different from "not given".
 */
export const ProfileSchema = z.strictObject({
  fullName: name(200).optional(),
  sex: SexSchema,
  birthDate: BusinessDateSchema,
  ethnicity: text(100),
  religion: text(100).nullable().optional(),
  education: EducationSchema,
  occupation: OccupationSchema,
  youthUnion: z.boolean(),
});

/**
 * A correction to a profile (`member.updated`): any subset of the fields, but not
 * none, because an empty correction is almost certainly a producer bug.
 */
export const ProfilePatchSchema = ProfileSchema.partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'must change at least one field' })
  .meta({ minProperties: 1 });

/** docs/events.md#the-profile: a full profile as events carry it after parsing (NFC text). `fullName` and `birthDate` are personal data: never logged. */
export type Profile = z.output<typeof ProfileSchema>;

// ---------------------------------------------------------------------------
// Payloads (docs/events.md)

/** Adds an issue at `path` when `later` is before `earlier` (ISO dates compare as text). */
function notBefore(ctx: z.RefinementCtx, later: string | undefined, earlier: string, path: string, what: string): void {
  if (later !== undefined && later < earlier) {
    ctx.addIssue({ code: 'custom', path: [path], message: `must not be before ${what}` });
  }
}

/**
 * `recognizedOn` exists exactly for official members: a probationary member with a
 * recognition date, or an official one without, would put the figures out of step.
 */
function recognitionMatchesStatus(
  ctx: z.RefinementCtx,
  m: { status: 'probationary' | 'official'; recognizedOn?: string | undefined; admittedOn: string },
  prefix: (string | number)[] = [],
): void {
  if (m.status === 'official' && m.recognizedOn === undefined) {
    ctx.addIssue({ code: 'custom', path: [...prefix, 'recognizedOn'], message: 'required for an official member' });
  }
  if (m.status === 'probationary' && m.recognizedOn !== undefined) {
    ctx.addIssue({ code: 'custom', path: [...prefix, 'recognizedOn'], message: 'not allowed for a probationary member' });
  }
  if (m.recognizedOn !== undefined && m.recognizedOn < m.admittedOn) {
    ctx.addIssue({ code: 'custom', path: [...prefix, 'recognizedOn'], message: 'must not be before admittedOn' });
  }
}

/** Whole days from `a` to `b` (business dates of the contract's range, read as UTC midnights: no time zone moves them). */
function daysFrom(a: string, b: string): number {
  return Math.round((Date.parse(b) - Date.parse(a)) / 86_400_000);
}

/**
 * Party age (docs/events.md#party-age): `firstAdmittedOn` is an earlier admission than
 * `admittedOn`, and the time out of the party (`interruptedDays`) lies between the two,
 * so it can neither come without the first admission nor exceed the span.
 */
function partyAgeFits(
  ctx: z.RefinementCtx,
  d: { admittedOn: string; firstAdmittedOn?: string | undefined; interruptedDays?: number | undefined },
): void {
  if (d.firstAdmittedOn !== undefined && d.firstAdmittedOn >= d.admittedOn) {
    ctx.addIssue({ code: 'custom', path: ['firstAdmittedOn'], message: 'must be before admittedOn' });
  }
  if (d.interruptedDays === undefined) return;
  if (d.firstAdmittedOn === undefined) {
    ctx.addIssue({ code: 'custom', path: ['interruptedDays'], message: 'only with firstAdmittedOn' });
  } else if (d.firstAdmittedOn < d.admittedOn && d.interruptedDays > daysFrom(d.firstAdmittedOn, d.admittedOn)) {
    ctx.addIssue({ code: 'custom', path: ['interruptedDays'], message: 'longer than the time from firstAdmittedOn to admittedOn' });
  }
}

/** A list that names each value once: a repeated one is almost certainly a producer bug. */
function distinctEntries(ctx: z.RefinementCtx, list: readonly string[] | undefined, path: string): void {
  if (list !== undefined && new Set(list).size !== list.length) {
    ctx.addIssue({ code: 'custom', path: [path], message: 'lists a value twice' });
  }
}

/** A transfer between an org and itself is no transfer; catching it here names the field. */
function distinctEnds(ctx: z.RefinementCtx, d: { fromOrgId?: string | undefined; toOrgId?: string | undefined }): void {
  if (d.fromOrgId !== undefined && d.fromOrgId === d.toOrgId) {
    ctx.addIssue({ code: 'custom', path: ['toOrgId'], message: 'must differ from fromOrgId' });
  }
}

const orgRegistered = z
  .strictObject({
    orgId: IdSchema,
    parentId: IdSchema.nullable(),
    name: name(300),
    level: OrgLevelSchema,
    establishedOn: BusinessDateSchema.optional(),
    sector: OrgSectorSchema.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.parentId === d.orgId) ctx.addIssue({ code: 'custom', path: ['parentId'], message: 'must differ from orgId' });
  });

const orgRenamed = z.strictObject({ orgId: IdSchema, name: name(300) });

// An update with nothing to change is a producer bug, not a no-op to record.
const orgUpdated = z
  .strictObject({
    orgId: IdSchema,
    name: name(300).optional(),
    sector: OrgSectorSchema.optional(),
    establishedOn: BusinessDateSchema.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.name === undefined && d.sector === undefined && d.establishedOn === undefined) {
      ctx.addIssue({ code: 'custom', path: [], message: 'names none of name, sector, establishedOn' });
    }
  });

const orgEvaluated = z.strictObject({ orgId: IdSchema, year: YearSchema, rating: RatingSchema });

// A move always has a parent: no restructuring so far has made a subtree a new root,
// and allowing null would let a typo detach a whole district from its province.
const orgMoved = z.strictObject({ orgId: IdSchema, parentId: IdSchema }).superRefine((d, ctx) => {
  if (d.parentId === d.orgId) ctx.addIssue({ code: 'custom', path: ['parentId'], message: 'must differ from orgId' });
});

const orgDissolved = z.strictObject({ orgId: IdSchema, on: BusinessDateSchema, mergedInto: IdSchema.optional() }).superRefine((d, ctx) => {
  if (d.mergedInto === d.orgId) ctx.addIssue({ code: 'custom', path: ['mergedInto'], message: 'must differ from orgId' });
});

/** The longest congress term (nhiệm kỳ) a target may cover: `toYear` − `fromYear` ≤ 10 (docs/events.md#targets). */
export const MAX_TERM_YEARS = 10;

const TermSchema = z.strictObject({ fromYear: YearSchema, toYear: YearSchema }).superRefine((t, ctx) => {
  if (t.toYear < t.fromYear) ctx.addIssue({ code: 'custom', path: ['toYear'], message: 'must not be before fromYear' });
  else if (t.toYear - t.fromYear > MAX_TERM_YEARS)
    ctx.addIssue({ code: 'custom', path: ['toYear'], message: `a term spans at most ${MAX_TERM_YEARS} years after fromYear` });
});

// A plan for a year or for a term, the org's own or assigned from above; a sub-target is
// the least number of the admissions from a group, so it cannot exceed the target itself.
const targetSet = z
  .strictObject({
    orgId: IdSchema,
    year: YearSchema.optional(),
    term: TermSchema.optional(),
    kind: z.enum(['own', 'assigned']).optional(),
    admissions: z.int().min(0),
    privateSector: z.int().min(0).optional(),
    student: z.int().min(0).optional(),
  })
  .superRefine((d, ctx) => {
    if ((d.year === undefined) === (d.term === undefined))
      ctx.addIssue({ code: 'custom', path: ['year'], message: 'give either year or term, not both and not neither' });
    for (const group of ['privateSector', 'student'] as const) {
      const n = d[group];
      if (n !== undefined && n > d.admissions)
        ctx.addIssue({ code: 'custom', path: [group], message: 'a sub-target cannot exceed the target (admissions)' });
    }
  });

const dossierReceived = z.strictObject({
  dossierId: IdSchema,
  personId: IdSchema,
  orgId: IdSchema,
  receivedOn: BusinessDateSchema,
  profile: ProfileSchema,
});

// `personId` / `memberId` on the events that do not otherwise name the person: only
// for the message group (docs/events.md); the ingest checks them against the record.
const dossierStepCompleted = z.strictObject({
  dossierId: IdSchema,
  step: CompletableStepSchema,
  on: BusinessDateSchema,
  personId: IdSchema.optional(),
});

const dossierClosed = z.strictObject({
  dossierId: IdSchema,
  outcome: ClosingOutcomeSchema,
  on: BusinessDateSchema,
  note: text(1000).optional(),
  personId: IdSchema.optional(),
});

// The pool before a dossier (docs/events.md#the-candidate-pool): the person is the subject.
const candidateListed = z.strictObject({
  personId: IdSchema,
  orgId: IdSchema,
  on: BusinessDateSchema,
  profile: ProfileSchema,
  nominatedBy: NominatorSchema.optional(),
});

const candidateClassCompleted = z.strictObject({ personId: IdSchema, classId: IdSchema, on: BusinessDateSchema });

const candidateDropped = z.strictObject({ personId: IdSchema, on: BusinessDateSchema, reason: CandidateDropReasonSchema });

/** Number of days out of party activity: bounded by the span check, and by a century here so the JSON Schema says so too. */
const InterruptedDaysSchema = z.int().min(0).max(36_600);

const memberAdmitted = z
  .strictObject({
    memberId: IdSchema,
    orgId: IdSchema,
    admittedOn: BusinessDateSchema,
    ceremonyOn: BusinessDateSchema.optional(),
    profile: ProfileSchema,
    dossierId: IdSchema.optional(),
    readmitted: z.boolean().optional(),
    firstAdmittedOn: BusinessDateSchema.optional(),
    interruptedDays: InterruptedDaysSchema.optional(),
    exceptions: z.array(AdmissionExceptionSchema).optional(),
  })
  .superRefine((d, ctx) => {
    notBefore(ctx, d.ceremonyOn, d.admittedOn, 'ceremonyOn', 'admittedOn');
    // Only a readmission has a first admission before this one.
    if (d.firstAdmittedOn !== undefined && d.readmitted !== true) {
      ctx.addIssue({ code: 'custom', path: ['firstAdmittedOn'], message: 'only for a readmission (readmitted: true)' });
    }
    partyAgeFits(ctx, d);
    distinctEntries(ctx, d.exceptions, 'exceptions');
  });

const memberImported = z
  .strictObject({
    memberId: IdSchema,
    orgId: IdSchema,
    status: ArrivingStatusSchema,
    admittedOn: BusinessDateSchema,
    recognizedOn: BusinessDateSchema.optional(),
    profile: ProfileSchema,
    recordsFiledOn: BusinessDateSchema.optional(),
    cardIssuedOn: BusinessDateSchema.optional(),
    firstAdmittedOn: BusinessDateSchema.optional(),
    interruptedDays: InterruptedDaysSchema.optional(),
  })
  .superRefine((d, ctx) => {
    recognitionMatchesStatus(ctx, d);
    notBefore(ctx, d.recordsFiledOn, d.admittedOn, 'recordsFiledOn', 'admittedOn');
    // The card comes after recognition (docs/events.md#after-the-decision).
    if (d.cardIssuedOn !== undefined && d.status !== 'official') {
      ctx.addIssue({ code: 'custom', path: ['cardIssuedOn'], message: 'only for an official member' });
    }
    if (d.recognizedOn !== undefined) notBefore(ctx, d.cardIssuedOn, d.recognizedOn, 'cardIssuedOn', 'recognizedOn');
    partyAgeFits(ctx, d);
  });

const memberRecognized = z.strictObject({ memberId: IdSchema, recognizedOn: BusinessDateSchema });

const memberUpdated = z.strictObject({ memberId: IdSchema, profile: ProfilePatchSchema });

const memberExempted = z.strictObject({ memberId: IdSchema, on: BusinessDateSchema });

const memberExited = z.strictObject({ memberId: IdSchema, reason: ExitReasonSchema, on: BusinessDateSchema });

const memberEvaluated = z.strictObject({ memberId: IdSchema, year: YearSchema, rating: RatingSchema });

const memberBadgeAwarded = z.strictObject({
  memberId: IdSchema,
  years: z.literal(BADGE_YEARS),
  awardedOn: BusinessDateSchema,
});

// After the decision (docs/events.md#after-the-decision): the ceremony, the party file, the card.
const memberCeremonyHeld = z.strictObject({ memberId: IdSchema, on: BusinessDateSchema });

const memberRecordsFiled = z.strictObject({ memberId: IdSchema, on: BusinessDateSchema });

const memberCardIssued = z.strictObject({ memberId: IdSchema, on: BusinessDateSchema });

const transferIssued = z
  .strictObject({
    transferId: IdSchema,
    memberId: IdSchema,
    kind: TransferKindSchema,
    fromOrgId: IdSchema,
    toOrgId: IdSchema,
    issuedOn: BusinessDateSchema,
  })
  .superRefine((d, ctx) => distinctEnds(ctx, d));

/** The member as an arrival from outside describes them (docs/events.md#transfers). */
const arrivingMember = z.strictObject({
  memberId: IdSchema,
  status: ArrivingStatusSchema,
  admittedOn: BusinessDateSchema,
  recognizedOn: BusinessDateSchema.optional(),
  profile: ProfileSchema,
});

/** The fields that only an arrival from outside carries; all or none of them. */
const ARRIVAL_FIELDS = ['fromOrgId', 'toOrgId', 'kind', 'member'] as const;

// One object with optional arrival fields rather than a union: the producer cannot
// know whether we saw the issue, and a union's error would not say which field is off.
// An arrival from outside always comes from an external org, so it always describes
// the member (for a temporary attendee too): the four fields travel together.
const transferReceived = z
  .strictObject({
    transferId: IdSchema,
    receivedOn: BusinessDateSchema,
    /** The member of a transfer issued here, for the message group (docs/events.md). */
    memberId: IdSchema.optional(),
    fromOrgId: IdSchema.optional(),
    toOrgId: IdSchema.optional(),
    kind: TransferKindSchema.optional(),
    member: arrivingMember.optional(),
  })
  .superRefine((d, ctx) => {
    const present = ARRIVAL_FIELDS.filter((k) => d[k] !== undefined);
    if (present.length > 0 && present.length < ARRIVAL_FIELDS.length) {
      for (const k of ARRIVAL_FIELDS) {
        if (d[k] === undefined) {
          ctx.addIssue({
            code: 'custom',
            path: [k],
            message: `required for an arrival from outside (${ARRIVAL_FIELDS.join(', ')} come together)`,
          });
        }
      }
    }
    distinctEnds(ctx, d);
    if (d.member !== undefined) recognitionMatchesStatus(ctx, d.member, ['member']);
    // An arrival from outside names its member in `member`; two ids could disagree.
    if (d.member !== undefined && d.memberId !== undefined && d.memberId !== d.member.memberId) {
      ctx.addIssue({ code: 'custom', path: ['memberId'], message: 'must equal member.memberId' });
    }
  });

const transferCancelled = z.strictObject({ transferId: IdSchema, on: BusinessDateSchema, memberId: IdSchema.optional() });

const transferReturned = z.strictObject({ transferId: IdSchema, on: BusinessDateSchema, memberId: IdSchema.optional() });

/**
 * The `data` schema of every event type. Parsing yields NFC text; the key order is the
 * contract's, and {@link EVENT_TYPES} follows it.
 */
export const dataSchemas = {
  'org.registered': orgRegistered,
  'org.renamed': orgRenamed,
  'org.moved': orgMoved,
  'org.dissolved': orgDissolved,
  'target.set': targetSet,
  'org.updated': orgUpdated,
  'org.evaluated': orgEvaluated,
  'dossier.received': dossierReceived,
  'dossier.stepCompleted': dossierStepCompleted,
  'dossier.closed': dossierClosed,
  'candidate.listed': candidateListed,
  'candidate.classCompleted': candidateClassCompleted,
  'candidate.dropped': candidateDropped,
  'member.admitted': memberAdmitted,
  'member.imported': memberImported,
  'member.recognized': memberRecognized,
  'member.updated': memberUpdated,
  'member.exempted': memberExempted,
  'member.exited': memberExited,
  'member.evaluated': memberEvaluated,
  'member.badgeAwarded': memberBadgeAwarded,
  'member.ceremonyHeld': memberCeremonyHeld,
  'member.recordsFiled': memberRecordsFiled,
  'member.cardIssued': memberCardIssued,
  'transfer.issued': transferIssued,
  'transfer.received': transferReceived,
  'transfer.cancelled': transferCancelled,
  'transfer.returned': transferReturned,
} as const;

/** An event type string (docs/events.md). */
export type EventType = keyof typeof dataSchemas;

/** Every event type, in the contract's order. */
export const EVENT_TYPES = Object.keys(dataSchemas) as readonly EventType[];
