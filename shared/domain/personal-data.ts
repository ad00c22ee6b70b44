// domain: what is personal data (docs/events.md#the-profile, §11) and what the figures keep of it.
//
// A profile is personal data; the figures need only four yes/no facts of it, its
// *traits*. Records keep the traits in the clear and the profile sealed (shared/data/
// personal-vault.ts), so that counting never reads a name and an erasure, which
// destroys the profile, leaves every figure exact.
import type { DomainEvent } from './events/envelope.js';
import { ProfileSchema } from './events/payloads.js';
import { IdSchema } from './events/scalars.js';
import type { Profile, Traits } from './records.js';

export type { Traits };

/** Text as compared by the figures: NFC, surrounding blanks trimmed, case folded (Vietnamese letters included). */
function folded(text: string): string {
  return text.normalize('NFC').trim().toLocaleLowerCase('vi');
}

/** docs/report.md: every ethnicity but Kinh is an ethnic minority, compared without regard to case (`kinh`, ` KINH `). */
export function isEthnicMinority(profile: Pick<Profile, 'ethnicity'>): boolean {
  return folded(profile.ethnicity) !== 'kinh';
}

/** What counts as "no religion" (docs/report.md), folded: Vietnamese `không` and English `none`. */
const NO_RELIGION: ReadonlySet<string> = new Set(['không', 'none']);

/** docs/report.md: a religion that is not null/absent, blank or "none" (`Không`, `không`, in NFC or NFD). */
export function isReligious(profile: Pick<Profile, 'religion'>): boolean {
  if (typeof profile.religion !== 'string') return false;
  const r = folded(profile.religion);
  return r !== '' && !NO_RELIGION.has(r);
}

/** The traits of a whole profile. */
export function traitsOf(profile: Profile): Traits {
  return {
    female: profile.sex === 'female',
    youthUnion: profile.youthUnion,
    ethnicMinority: isEthnicMinority(profile),
    religious: isReligious(profile),
  };
}

/**
 * The traits after a correction (`member.updated`, a partial profile): each trait
 * follows the one field it comes from, so that a correction applies even when the
 * profile itself is no longer readable (erased).
 */
export function correctedTraits(traits: Traits, correction: Partial<Profile>): Traits {
  return {
    female: correction.sex !== undefined ? correction.sex === 'female' : traits.female,
    youthUnion: correction.youthUnion ?? traits.youthUnion,
    ethnicMinority: correction.ethnicity !== undefined ? isEthnicMinority({ ethnicity: correction.ethnicity }) : traits.ethnicMinority,
    religious: 'religion' in correction ? isReligious(correction) : traits.religious,
  };
}

/**
 * The fields of an event's data that hold personal data beyond ids and dates: the
 * profile, an arriving member's profile, and a dossier's free-text note.
 */
const PERSONAL_DATA_FIELDS = ['profile', 'note'] as const;

/**
 * The event as the audit trail keeps it: ids, type, source, dates and every other field
 * of its data, without the personal fields (docs/personal-data.md: "the audit trail keeps the
 * events' ids, types and dates"). A correction or an erasure then has nothing to follow
 * there, and the event's hash still detects a conflicting redelivery.
 */
export function redactedEvent(event: DomainEvent): DomainEvent {
  const data = withoutPersonalFields(event.data as Record<string, unknown>);
  const member = data.member;
  if (member && typeof member === 'object') data.member = withoutPersonalFields(member as Record<string, unknown>);
  return { ...event, data } as DomainEvent;
}

function withoutPersonalFields(data: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...data };
  for (const field of PERSONAL_DATA_FIELDS) delete copy[field];
  return copy;
}

/**
 * The person an event's data names, if any (docs/events.md subjects): a dossier's
 * `personId`, a member's or transfer's `memberId`, an arriving member's `memberId`.
 * Only a well-formed id counts: a body that failed the schema may name anything (a
 * 200 KB "id" would make a key DynamoDB refuses, and the rejection could never be stored).
 */
export function personNamedBy(data: unknown): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const d = data as Record<string, unknown>;
  for (const candidate of [d.personId, d.memberId, (d.member as Record<string, unknown> | undefined)?.memberId]) {
    if (typeof candidate === 'string' && IdSchema.safeParse(candidate).success) return candidate;
  }
  return undefined;
}

/** Applies a correction to the profiles a stored body carries (a rejected event kept for a redrive). */
export function correctedBody(body: unknown, correction: Partial<Profile>): unknown {
  if (!body || typeof body !== 'object') return body;
  const envelope = body as { data?: Record<string, unknown> };
  const data = envelope.data;
  if (!data || typeof data !== 'object') return body;
  const fixed: Record<string, unknown> = { ...data };
  if (fixed.profile && typeof fixed.profile === 'object') fixed.profile = { ...(fixed.profile as object), ...correction };
  const member = fixed.member as Record<string, unknown> | undefined;
  if (member && typeof member === 'object' && member.profile && typeof member.profile === 'object') {
    fixed.member = { ...member, profile: { ...(member.profile as object), ...correction } };
  }
  return { ...envelope, data: fixed };
}

/**
 * The person an event is about: the one its data names, else the one of the dossier
 * or transfer it acts on (a step, a closing, a receipt without `personId`/`memberId`).
 */
export function personAbout(
  event: DomainEvent,
  known: { dossiers: ReadonlyMap<string, { personId: string }>; transfers: ReadonlyMap<string, { memberId: string }> },
): string | undefined {
  const named = personNamedBy(event.data);
  if (named) return named;
  const data = event.data as { dossierId?: string; transferId?: string };
  if (data.dossierId) return known.dossiers.get(data.dossierId)?.personId;
  if (data.transferId) return known.transfers.get(data.transferId)?.memberId;
  return undefined;
}

/**
 * Every person an event is about: the one {@link personAbout} finds first, and the one of
 * the dossier or transfer it acts on when that is another id (an admission names the
 * member it makes and, through its dossier, the applicant they were).
 */
export function personsAbout(
  event: DomainEvent,
  known: { dossiers: ReadonlyMap<string, { personId: string }>; transfers: ReadonlyMap<string, { memberId: string }> },
): string[] {
  const data = event.data as { dossierId?: string; transferId?: string };
  const ids = [
    personAbout(event, known),
    data.dossierId ? known.dossiers.get(data.dossierId)?.personId : undefined,
    data.transferId ? known.transfers.get(data.transferId)?.memberId : undefined,
  ];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** The person a raw body names, read leniently: a body that fails the schema may still say whose it is. */
export function personNamedByBody(body: string): string | undefined {
  try {
    return personNamedBy((JSON.parse(body) as { data?: unknown } | null)?.data);
  } catch {
    return undefined;
  }
}

/** Every field of a profile (docs/events.md#the-profile): what the logs' data-protection policy masks. */
export const PROFILE_FIELDS = Object.keys(ProfileSchema.shape) as ReadonlyArray<keyof Profile>;
