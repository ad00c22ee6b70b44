// domain: the event contract (CONTRACT §1–§6) as zod schemas, and the one parser that
// every entry point uses, so that the queue, the CLI and the JSON Schema files agree.
// Pure: no AWS import, no logging. Messages built here never carry a field's value,
// because they are stored with rejected events and shown to operators (personal data).

import { createHash } from 'node:crypto';
import * as z from 'zod';
import type {
  DossierOutcome,
  DossierStep,
  Education,
  ExitReason,
  MemberStatus,
  Occupation,
  OrgLevel,
  Profile,
  Rating,
  Sex,
  TransferKind,
} from './records.js';

// ---------------------------------------------------------------------------
// Compile-time guards that the enums below list exactly the union in records.ts:
// a value added on one side only would otherwise pass silently.

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertSame<_T extends true>(): void {}

// ---------------------------------------------------------------------------
// Scalars

/** The character set of every id (CONTRACT §1): safe in keys, URLs and log lines. */
const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * An id (event id, orgId, memberId, dossierId, personId, transferId): 1–128 chars of
 * `[A-Za-z0-9._:-]`. The contract fixes this only for the envelope `id`; the same rule
 * is used for every id because they all end up in keys and MessageGroupIds.
 */
export const IdSchema = z.string().regex(ID_PATTERN, { error: 'not an id (1-128 characters of A-Z a-z 0-9 . _ : -)' });

/**
 * A business date `YYYY-MM-DD` that exists in the calendar (2021-02-30 is rejected):
 * zod's ISO date check validates month lengths and leap years, not just the shape.
 */
export const BusinessDateSchema = z.iso
  .date()
  // CONTRACT §1: a business date lies between 1900-01-01 and 2199-12-31. Beyond that
  // a date is a typo (`0000-01-01`, `9999-…`) and derived dates would leave the range
  // date arithmetic can represent. A pattern, so that the JSON Schema says it too.
  .regex(/^(?:19|20|21)\d{2}-/, { error: 'date out of range (1900-01-01 to 2199-12-31)' });

/** The first and last business dates the contract allows (CONTRACT §1). */
export const FIRST_BUSINESS_DATE = '1900-01-01';
export const LAST_BUSINESS_DATE = '2199-12-31';

/**
 * An instant, ISO-8601 with an offset (`Z` counts as one). A local time without an
 * offset is rejected: it would be ambiguous between Vietnam time and UTC.
 */
export const InstantSchema = z.iso.datetime({ offset: true });

/**
 * Free text normalised to NFC *before* its length is checked: the same Vietnamese name
 * arrives in NFC and NFD (NFD is longer), and the limit is about the stored text.
 * `.normalize()` rather than `.transform()` keeps it a string schema, so the limits
 * still apply after normalising and the JSON Schema export can represent it.
 */
function text(max: number) {
  return z.string().normalize('NFC').min(1).max(max).regex(SAFE_TEXT, { error: UNSAFE_TEXT_MESSAGE });
}

/**
 * Text that no field may hold (CONTRACT §1): C0 and C1 control characters
 * (U+0000–U+001F, U+007F–U+009F), bidirectional controls (U+202A–U+202E,
 * U+2066–U+2069), zero-width characters (U+200B–U+200D, U+FEFF) and unpaired
 * surrogates. With the `u` flag a surrogate range matches only a lone surrogate (a
 * pair is one code point), so emoji and other astral characters pass.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the class lists the forbidden control characters on purpose (CONTRACT §1)
export const SAFE_TEXT = /^[^\u0000-\u001F\u007F-\u009F\u200B-\u200D\u202A-\u202E\u2066-\u2069\uFEFF\uD800-\uDFFF]*$/u;
const UNSAFE_TEXT_MESSAGE = 'holds a control, bidirectional or zero-width character or an unpaired surrogate';

/** A name (a person's fullName, an org's name): text that is not blank (CONTRACT §1). */
function name(max: number) {
  return text(max).regex(/\S/u, { error: 'must not be blank' });
}

/**
 * A year of a business figure (targets, ratings). Bounded so that a typo (`20211`)
 * fails here rather than creating a figure no report will ever show; 1930 is the
 * founding of the Party.
 */
const YearSchema = z.int().min(1930).max(2199);

// ---------------------------------------------------------------------------
// Enumerations (CONTRACT §2–§6)

/** Org levels, top down (CONTRACT §2). */
export const ORG_LEVELS = [
  'province',
  'upper-grassroots',
  'grassroots-committee',
  'sub-committee',
  'grassroots-cell',
  'cell',
] as const satisfies readonly OrgLevel[];
assertSame<Same<(typeof ORG_LEVELS)[number], OrgLevel>>();

const SEXES = ['female', 'male'] as const satisfies readonly Sex[];
assertSame<Same<(typeof SEXES)[number], Sex>>();

const EDUCATIONS = [
  'lower-secondary',
  'upper-secondary',
  'vocational',
  'college',
  'university',
  'postgraduate',
] as const satisfies readonly Education[];
assertSame<Same<(typeof EDUCATIONS)[number], Education>>();

const OCCUPATIONS = [
  'student',
  'private-enterprise',
  'enterprise-owner',
  'state-sector',
  'armed-forces',
  'farmer',
  'contract-freelance',
  'retired',
  'other',
] as const satisfies readonly Occupation[];
assertSame<Same<(typeof OCCUPATIONS)[number], Occupation>>();

/** The steps a `dossier.stepCompleted` may report; `received` is the dossier's start. */
const COMPLETABLE_STEPS = ['processing', 'reported', 'reviewed'] as const satisfies readonly DossierStep[];
assertSame<Same<(typeof COMPLETABLE_STEPS)[number], Exclude<DossierStep, 'received'>>>();

/** `admitted` is not here: admission closes a dossier through `member.admitted`. */
const CLOSING_OUTCOMES = ['rejected', 'withdrawn'] as const satisfies readonly DossierOutcome[];
assertSame<Same<(typeof CLOSING_OUTCOMES)[number], Exclude<DossierOutcome, 'admitted'>>>();

/** The statuses a member may arrive with (import, transfer from outside). */
const ARRIVING_STATUSES = ['probationary', 'official'] as const satisfies readonly MemberStatus[];

const EXIT_REASONS = ['expelled', 'struck-off', 'resigned', 'deceased'] as const satisfies readonly ExitReason[];
assertSame<Same<(typeof EXIT_REASONS)[number], ExitReason>>();

const RATINGS = ['excellent', 'good', 'completed', 'not-completed'] as const satisfies readonly Rating[];
assertSame<Same<(typeof RATINGS)[number], Rating>>();

const TRANSFER_KINDS = ['official', 'temporary'] as const satisfies readonly TransferKind[];
assertSame<Same<(typeof TRANSFER_KINDS)[number], TransferKind>>();

/** Badge milestones in years of membership (Huy hiệu Đảng, CONTRACT §5). */
export const BADGE_YEARS = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90] as const;

// ---------------------------------------------------------------------------
// The profile (CONTRACT §3)

/**
 * A full profile, as carried when a person first appears (dossier, admission, import,
 * arrival from outside). `fullName` and `religion` may be absent; `religion: null`
 * means "none", which is different from "not given".
 */
export const ProfileSchema = z.strictObject({
  fullName: name(200).optional(),
  sex: z.enum(SEXES),
  birthDate: BusinessDateSchema,
  ethnicity: text(100),
  religion: text(100).nullable().optional(),
  education: z.enum(EDUCATIONS),
  occupation: z.enum(OCCUPATIONS),
  youthUnion: z.boolean(),
});

/**
 * A correction to a profile (`member.updated`): any subset of the fields, but not
 * none, because an empty correction is almost certainly a producer bug.
 */
export const ProfilePatchSchema = ProfileSchema.partial()
  .refine((p) => Object.keys(p).length > 0, { message: 'must change at least one field' })
  .meta({ minProperties: 1 });

/** A full profile as events carry it after parsing (NFC text). */
export type ProfileInput = z.output<typeof ProfileSchema>;
assertSame<ProfileInput extends Profile ? (Profile extends ProfileInput ? true : false) : false>();

// ---------------------------------------------------------------------------
// Payloads (CONTRACT §2–§6)

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
    level: z.enum(ORG_LEVELS),
  })
  .superRefine((d, ctx) => {
    if (d.parentId === d.orgId) ctx.addIssue({ code: 'custom', path: ['parentId'], message: 'must differ from orgId' });
  });

const orgRenamed = z.strictObject({ orgId: IdSchema, name: name(300) });

// A move always has a parent: no restructuring so far has made a subtree a new root,
// and allowing null would let a typo detach a whole district from its province.
const orgMoved = z.strictObject({ orgId: IdSchema, parentId: IdSchema }).superRefine((d, ctx) => {
  if (d.parentId === d.orgId) ctx.addIssue({ code: 'custom', path: ['parentId'], message: 'must differ from orgId' });
});

const orgDissolved = z.strictObject({ orgId: IdSchema, on: BusinessDateSchema, mergedInto: IdSchema.optional() }).superRefine((d, ctx) => {
  if (d.mergedInto === d.orgId) ctx.addIssue({ code: 'custom', path: ['mergedInto'], message: 'must differ from orgId' });
});

const targetSet = z.strictObject({ orgId: IdSchema, year: YearSchema, admissions: z.int().min(0) });

const dossierReceived = z.strictObject({
  dossierId: IdSchema,
  personId: IdSchema,
  orgId: IdSchema,
  receivedOn: BusinessDateSchema,
  profile: ProfileSchema,
});

// `personId` / `memberId` on the events that do not otherwise name the person: only
// for the message group (CONTRACT §1); the ingest checks them against the record.
const dossierStepCompleted = z.strictObject({
  dossierId: IdSchema,
  step: z.enum(COMPLETABLE_STEPS),
  on: BusinessDateSchema,
  personId: IdSchema.optional(),
});

const dossierClosed = z.strictObject({
  dossierId: IdSchema,
  outcome: z.enum(CLOSING_OUTCOMES),
  on: BusinessDateSchema,
  note: text(1000).optional(),
  personId: IdSchema.optional(),
});

const memberAdmitted = z
  .strictObject({
    memberId: IdSchema,
    orgId: IdSchema,
    admittedOn: BusinessDateSchema,
    ceremonyOn: BusinessDateSchema.optional(),
    profile: ProfileSchema,
    dossierId: IdSchema.optional(),
    readmitted: z.boolean().optional(),
  })
  .superRefine((d, ctx) => notBefore(ctx, d.ceremonyOn, d.admittedOn, 'ceremonyOn', 'admittedOn'));

const memberImported = z
  .strictObject({
    memberId: IdSchema,
    orgId: IdSchema,
    status: z.enum(ARRIVING_STATUSES),
    admittedOn: BusinessDateSchema,
    recognizedOn: BusinessDateSchema.optional(),
    profile: ProfileSchema,
  })
  .superRefine((d, ctx) => recognitionMatchesStatus(ctx, d));

const memberRecognized = z.strictObject({ memberId: IdSchema, recognizedOn: BusinessDateSchema });

const memberUpdated = z.strictObject({ memberId: IdSchema, profile: ProfilePatchSchema });

const memberExempted = z.strictObject({ memberId: IdSchema, on: BusinessDateSchema });

const memberExited = z.strictObject({ memberId: IdSchema, reason: z.enum(EXIT_REASONS), on: BusinessDateSchema });

const memberEvaluated = z.strictObject({ memberId: IdSchema, year: YearSchema, rating: z.enum(RATINGS) });

const memberBadgeAwarded = z.strictObject({
  memberId: IdSchema,
  years: z.literal(BADGE_YEARS),
  awardedOn: BusinessDateSchema,
});

const transferIssued = z
  .strictObject({
    transferId: IdSchema,
    memberId: IdSchema,
    kind: z.enum(TRANSFER_KINDS),
    fromOrgId: IdSchema,
    toOrgId: IdSchema,
    issuedOn: BusinessDateSchema,
  })
  .superRefine((d, ctx) => distinctEnds(ctx, d));

/** The member as an arrival from outside describes them (CONTRACT §6). */
const arrivingMember = z.strictObject({
  memberId: IdSchema,
  status: z.enum(ARRIVING_STATUSES),
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
    /** The member of a transfer issued here, for the message group (CONTRACT §1). */
    memberId: IdSchema.optional(),
    fromOrgId: IdSchema.optional(),
    toOrgId: IdSchema.optional(),
    kind: z.enum(TRANSFER_KINDS).optional(),
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
  'dossier.received': dossierReceived,
  'dossier.stepCompleted': dossierStepCompleted,
  'dossier.closed': dossierClosed,
  'member.admitted': memberAdmitted,
  'member.imported': memberImported,
  'member.recognized': memberRecognized,
  'member.updated': memberUpdated,
  'member.exempted': memberExempted,
  'member.exited': memberExited,
  'member.evaluated': memberEvaluated,
  'member.badgeAwarded': memberBadgeAwarded,
  'transfer.issued': transferIssued,
  'transfer.received': transferReceived,
  'transfer.cancelled': transferCancelled,
  'transfer.returned': transferReturned,
} as const;

/** An event type string (CONTRACT §2–§6). */
export type EventType = keyof typeof dataSchemas;

/** Every event type, in the contract's order. */
export const EVENT_TYPES = [
  'org.registered',
  'org.renamed',
  'org.moved',
  'org.dissolved',
  'target.set',
  'dossier.received',
  'dossier.stepCompleted',
  'dossier.closed',
  'member.admitted',
  'member.imported',
  'member.recognized',
  'member.updated',
  'member.exempted',
  'member.exited',
  'member.evaluated',
  'member.badgeAwarded',
  'transfer.issued',
  'transfer.received',
  'transfer.cancelled',
  'transfer.returned',
] as const satisfies readonly EventType[];
assertSame<Same<(typeof EVENT_TYPES)[number], EventType>>();

// ---------------------------------------------------------------------------
// The envelope (CONTRACT §1)

const envelopeShape = {
  id: IdSchema,
  occurredAt: InstantSchema,
  // CONTRACT §1: the producer's id, 1–64 characters of the id alphabet.
  source: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/, { error: 'not a source (1-64 characters of A-Z a-z 0-9 . _ : -)' }),
};

/**
 * The envelope with an unchecked `data` and any string `type`: what is known about a
 * message before its type is looked up. Strict like the payloads: a misspelt envelope
 * field (`occuredAt`) must not pass as a missing optional one.
 */
export const EnvelopeSchema = z.strictObject({ ...envelopeShape, type: z.string(), data: z.unknown() });

/** An envelope as a producer writes it, before any check: what generators and tools build. */
export type UncheckedEnvelope = Omit<z.input<typeof EnvelopeSchema>, 'data'> & { data: Record<string, unknown> };

/** The full envelope schema of one event type, `data` included. */
function envelopeOf<T extends EventType>(type: T) {
  return z.strictObject({ ...envelopeShape, type: z.literal(type), data: dataSchemas[type] });
}

/** The full envelope schema of each event type (used by the parser and the JSON Schema export). */
export const eventSchemas: { readonly [T in EventType]: ReturnType<typeof envelopeOf<T>> } = Object.fromEntries(
  EVENT_TYPES.map((t) => [t, envelopeOf(t)]),
) as { readonly [T in EventType]: ReturnType<typeof envelopeOf<T>> };

/** A parsed event: the envelope with the `data` of its `type`, text in NFC. */
export type DomainEvent = {
  [T in EventType]: {
    id: string;
    type: T;
    occurredAt: string;
    source: string;
    data: z.output<(typeof dataSchemas)[T]>;
  };
}[EventType];

/** The parsed event of one type, e.g. `EventOf<'member.admitted'>`. */
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/** Why a message body can never apply as it is (stored with the rejected event). */
export type ParseFailureReason = 'not-json' | 'unknown-type' | 'schema';

/** The result of {@link parseEvent}. */
export type ParseResult = { ok: true; event: DomainEvent } | { ok: false; reason: ParseFailureReason; message: string };

// ---------------------------------------------------------------------------
// Messages without values

/**
 * Renders zod issues from the schema itself, never from the input: a message may say
 * that `data.profile.birthDate` is not a date, never what it was. Runs per parse, so it
 * wins over any global zod locale someone may configure.
 */
const valueFreeError: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? 'required' : `expected ${iss.expected === 'int' ? 'an integer' : iss.expected}`;
    case 'invalid_value':
      return `expected ${iss.values.length === 1 ? '' : 'one of '}${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return iss.origin === 'string' ? `too long (at most ${String(iss.maximum)} characters)` : `must be at most ${String(iss.maximum)}`;
    case 'too_small':
      return iss.origin === 'string'
        ? iss.minimum === 1
          ? 'must not be empty'
          : `too short (at least ${String(iss.minimum)} characters)`
        : `must be at least ${String(iss.minimum)}`;
    case 'invalid_format':
      if (iss.format === 'date') return 'not a calendar date YYYY-MM-DD';
      if (iss.format === 'datetime') return 'not an ISO-8601 instant with an offset';
      return `invalid format (${iss.format})`;
    case 'unrecognized_keys':
      return 'unknown field';
    default:
      return `invalid (${iss.code})`;
  }
};

/** A field name from the input, shown only if it looks like one (it came from outside). */
function safeKey(key: PropertyKey): string {
  const s = String(key);
  return /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/.test(s) ? s : '<unprintable name>';
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? safeKey(p) : `.${safeKey(p)}`;
  return out === '' ? '(body)' : out;
}

/** At most this many issues are listed: a garbage body should not make a huge message. */
const MAX_ISSUES = 10;

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts: string[] = [];
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys) parts.push(`${formatPath([...iss.path, k])}: unknown field`);
    } else {
      parts.push(`${formatPath(iss.path)}: ${iss.message}`);
    }
  }
  const shown = parts.slice(0, MAX_ISSUES);
  if (parts.length > MAX_ISSUES) shown.push(`and ${String(parts.length - MAX_ISSUES)} more`);
  return shown.join('; ');
}

function isEventType(t: unknown): t is EventType {
  return typeof t === 'string' && Object.hasOwn(dataSchemas, t);
}

/** The largest message body (CONTRACT §1: 256 KiB, SQS's limit), in bytes of UTF-8. */
export const MAX_BODY_BYTES = 262_144;

/** The length of `s` in UTF-8 (a lone surrogate counts 3: it is sent as U+FFFD). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Whether a body is over {@link MAX_BODY_BYTES}. UTF-8 takes at least one and at most
 * three bytes per UTF-16 code unit, so most bodies are decided by their length alone.
 */
function tooLarge(body: string): boolean {
  if (body.length > MAX_BODY_BYTES) return true;
  if (body.length * 3 <= MAX_BODY_BYTES) return false;
  return utf8Length(body) > MAX_BODY_BYTES;
}

/**
 * Parses one message body. Never throws: a body that can never apply is reported with
 * a machine-readable reason and a message naming the failing fields (by path) without
 * any of their values, so it can be stored and listed for operators as it is.
 * A `type` that is absent or not a string is a `schema` failure; a string that is not
 * a known type is `unknown-type` (likely a newer producer, worth telling apart).
 */
export function parseEvent(body: string): ParseResult {
  if (typeof body !== 'string') return { ok: false, reason: 'not-json', message: 'body is not text' };
  if (tooLarge(body)) {
    return { ok: false, reason: 'schema', message: `(body): too large (at most ${String(MAX_BODY_BYTES)} bytes in UTF-8)` };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not-json', message: 'body is not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'schema', message: '(body): expected an object' };
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return { ok: false, reason: 'schema', message: `type: ${type === undefined ? 'required' : 'expected string'}` };
  }
  if (!isEventType(type)) {
    return { ok: false, reason: 'unknown-type', message: 'type: not a known event type' };
  }
  const parsed = eventSchemas[type].safeParse(json, { error: valueFreeError });
  if (!parsed.success) {
    return { ok: false, reason: 'schema', message: formatIssues(parsed.error.issues) };
  }
  return { ok: true, event: parsed.data as DomainEvent };
}

/** SQS's limit on a MessageGroupId (characters). */
/**
 * The envelope id of a body, when it has a usable one (else undefined), without
 * validating the rest: what a log line or a rejection of an unparsable body is keyed by.
 * A body over {@link MAX_BODY_BYTES} is not even parsed.
 */
export function envelopeIdOf(body: string): string | undefined {
  if (utf8Length(body) > MAX_BODY_BYTES) return undefined;
  try {
    const id = (JSON.parse(body) as { id?: unknown } | null)?.id;
    return typeof id === 'string' && ID_PATTERN.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}

export const MAX_GROUP_ID_LENGTH = 128;

/** The characters SQS allows in a MessageGroupId: alphanumerics and ASCII punctuation. */
const GROUP_ID_PATTERN = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/**
 * A subject as a MessageGroupId: unchanged when it is one already (every id of
 * CONTRACT §1 is), else `h:` and the first 64 hex digits of its SHA-256 — the same
 * subject always gives the same group, so a person's events stay in one group.
 */
export function groupIdOf(subject: string): string {
  if (GROUP_ID_PATTERN.test(subject)) return subject;
  return `h:${createHash('sha256').update(subject, 'utf8').digest('hex')}`;
}

/**
 * The SQS FIFO MessageGroupId of an event (CONTRACT §1): `orgs` for structural events,
 * else the person — `personId` of a dossier, `memberId` of a member or transfer —
 * whenever the event names it (on `dossier.stepCompleted`, `dossier.closed`,
 * `transfer.cancelled`, `transfer.returned` and `transfer.received` in the optional
 * field). Only an event that does not name the person falls back to `dossier:<id>` /
 * `transfer:<id>`. Always at most 128 characters SQS accepts: a longer subject is
 * hashed (see {@link groupIdOf}).
 */
export function subjectOf(event: DomainEvent): string {
  return groupIdOf(rawSubjectOf(event));
}

function rawSubjectOf(event: DomainEvent): string {
  switch (event.type) {
    case 'org.registered':
    case 'org.renamed':
    case 'org.moved':
    case 'org.dissolved':
    case 'target.set':
      return 'orgs';
    case 'dossier.received':
      return event.data.personId;
    case 'dossier.stepCompleted':
    case 'dossier.closed':
      return event.data.personId ?? `dossier:${event.data.dossierId}`;
    case 'member.admitted':
    case 'member.imported':
    case 'member.recognized':
    case 'member.updated':
    case 'member.exempted':
    case 'member.exited':
    case 'member.evaluated':
    case 'member.badgeAwarded':
    case 'transfer.issued':
      return event.data.memberId;
    case 'transfer.received':
      return event.data.member?.memberId ?? event.data.memberId ?? `transfer:${event.data.transferId}`;
    case 'transfer.cancelled':
    case 'transfer.returned':
      return event.data.memberId ?? `transfer:${event.data.transferId}`;
  }
}
