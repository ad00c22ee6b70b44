// domain: what an erasure leaves of a person (docs/personal-data.md#what-an-erasure-leaves). Every
// figure must stay exact, so the records the figures count stay, with their dates,
// statuses, cells and traits; what goes is the profile and every id that names the person
// (an applicant's `personId`, a member's `memberId`: the party card number). Each such id
// is replaced by the person's pseudonym, the same one everywhere, which nobody without the
// master secret can compute from a guessed id. Nothing kept then says "this card number:
// these traits".
//
// These functions are the one place that knows where a person's ids sit in a record, a
// fact's id and an audit-trail entry. A change of those layouts changes them too: the
// property to keep is that after `pseudonymized…` no field or key names an id of `names`.
import type { FactRecord, StoredRecord } from './records.js';

/** Each erased id and the pseudonym that replaces it. */
export type Pseudonyms = ReadonlyMap<string, string>;

const renamed = (id: string, names: Pseudonyms): string => names.get(id) ?? id;

/** The record with the person's ids replaced and no profile. */
export function pseudonymizedRecord(stored: StoredRecord, names: Pseudonyms): StoredRecord {
  switch (stored.entity) {
    case 'member': {
      const { profile: _profile, ...record } = stored.record;
      return { entity: 'member', record: { ...record, memberId: renamed(record.memberId, names) } };
    }
    case 'dossier': {
      const { profile: _profile, ...record } = stored.record;
      return {
        entity: 'dossier',
        record: {
          ...record,
          personId: renamed(record.personId, names),
          ...(record.memberId === undefined ? {} : { memberId: renamed(record.memberId, names) }),
        },
      };
    }
    case 'transfer': {
      const { attendee, ...record } = stored.record;
      return {
        entity: 'transfer',
        record: {
          ...record,
          memberId: renamed(record.memberId, names),
          ...(attendee === undefined ? {} : { attendee: { status: attendee.status } }),
        },
      };
    }
    case 'candidate': {
      // The pool's dates and cells stay (the pool is counted); the person's ids do not.
      const { profile: _profile, admission, ...record } = stored.record;
      return {
        entity: 'candidate',
        record: {
          ...record,
          personId: renamed(record.personId, names),
          ...(admission === undefined ? {} : { admission: { ...admission, memberId: renamed(admission.memberId, names) } }),
        },
      };
    }
    default:
      return stored;
  }
}

/**
 * A fact's id with the person's ids replaced: member facts are named `<kind>#<memberId>#…`
 * (domain/ingest/members.ts), the others by a dossier or transfer id.
 */
export function pseudonymizedFactId(factId: string, names: Pseudonyms): string {
  return factId
    .split('#')
    .map((part) => renamed(part, names))
    .join('#');
}

/** The fact, renamed. */
export function pseudonymizedFact(fact: FactRecord, names: Pseudonyms): FactRecord {
  return { ...fact, factId: pseudonymizedFactId(fact.factId, names) };
}

/** Whether a fact's id names one of these ids. */
export const factNames = (factId: string, names: Pseudonyms): boolean => factId.split('#').some((part) => names.has(part));

/**
 * An audit-trail entry (an event as JSON, without its personal fields: applied-event.ts)
 * with the person's ids replaced: the ids of the person an event names (`personId`,
 * `memberId`, an arriving `member.memberId`).
 */
export function pseudonymizedAudit(audit: string, names: Pseudonyms): string {
  const event = JSON.parse(audit) as { data?: Record<string, unknown> };
  const data = event.data;
  if (!data || typeof data !== 'object') return audit;
  const fixed: Record<string, unknown> = { ...data };
  for (const field of ['personId', 'memberId'] as const) {
    if (typeof fixed[field] === 'string') fixed[field] = renamed(fixed[field], names);
  }
  const member = fixed.member as Record<string, unknown> | undefined;
  if (member && typeof member === 'object' && typeof member.memberId === 'string') {
    fixed.member = { ...member, memberId: renamed(member.memberId, names) };
  }
  return JSON.stringify({ ...event, data: fixed });
}
