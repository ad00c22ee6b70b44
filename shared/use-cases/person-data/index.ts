// use case: what is held about a person, and its erasure (docs/personal-data.md).
// (adapter) cli/person --> use case --> PersonDataStore (port.ts; data/person-store.ts)
//
// A person is found by id in every role they had: an applicant (`personId` of a
// dossier), a member (`memberId`), a temporary attendee, the subject of audit-trail
// events and of rejected events. An admission links the two ids (the dossier keeps the
// member it became, the member the dossier it came from), so either id reaches both.
//
// Erasure first leaves a tombstone (from then on an event about the person that occurred
// before is refused), then destroys the person's keys (every sealed copy becomes
// unreadable at once: records, rejected bodies, the audit trail's hashes, stream
// records), then rewrites what stays under a pseudonym: the records without their
// profiles, the facts named after the person, the audit trail, each with every id of the
// person replaced (domain/pseudonyms.ts); the rejected events and what only points at the
// person are forgotten. What stays is what the figures and the audit trail need, named
// by no id of the person: dates, statuses, cells, the four traits the figures count
// (personal-data.ts), the events' ids, types and dates. Every figure, and `recompute
// --check`, stay as they were. Each step can be done again: an erasure that stopped
// half-way is finished by running it again.
import { UseCaseError } from '../errors.js';
import type { HeldFact, HeldMarker, HeldRecord, ItemKey, PersonDataStore, PersonHoldings, Pseudonyms } from './port.js';

export type { HeldFact, HeldMarker, HeldRecord, ItemKey, PersonDataStore, PersonHoldings, Pseudonyms };

/** Erasure refused: the person is or was a member (docs/personal-data.md), and `--force` was not given. */
export class RetentionError extends UseCaseError {
  readonly reason = 'retention';
  constructor(
    readonly personId: string,
    why: string,
  ) {
    super(`person ${personId} ${why}: the party's records keep members; erase with --force to remove the personal data anyway`);
    this.name = 'RetentionError';
  }
}

/** What `person show` prints. */
export interface PersonReport {
  personId: string;
  /** The ids this person has in other roles (applicant ↔ member). */
  linkedIds: string[];
  records: Array<{ entity: string; record: unknown }>;
  auditTrail: Array<{ eventId: string; type: string; source: string; occurredAt: string; appliedAt: string; event: unknown }>;
  rejected: Array<{ id: string; reason: string; message: string; rejectedAt: string; body: string }>;
}

/** Everything held about a person, as JSON (records, audit trail, rejected events). */
export async function showPerson(store: PersonDataStore, personId: string): Promise<PersonReport> {
  const { ids, holdings } = await gather(store, personId);
  return {
    personId,
    linkedIds: ids.filter((id) => id !== personId),
    records: holdings.flatMap((h) => h.records.map((r) => ({ entity: r.stored.entity, record: r.stored.record }))),
    auditTrail: holdings.flatMap((h) =>
      h.auditTrail.map((m) => ({
        eventId: m.eventId,
        type: m.type,
        source: m.source,
        occurredAt: m.occurredAt,
        appliedAt: m.appliedAt,
        event: JSON.parse(m.audit) as unknown,
      })),
    ),
    // An expired rejection is no longer kept (an erasure still deletes it, below).
    rejected: holdings.flatMap((h) =>
      h.rejected
        .filter((r) => !r.expired)
        .map((r) => ({ id: r.id, reason: r.reason, message: r.message, rejectedAt: r.rejectedAt, body: r.body })),
    ),
  };
}

export interface ErasureSummary {
  personId: string;
  linkedIds: string[];
  keysDestroyed: number;
  /** Records whose profile was removed. */
  recordsCleared: number;
  /** Records kept under the person's pseudonym (the figures count them). */
  recordsPseudonymized: number;
  /** Facts named after the person, renamed. */
  factsPseudonymized: number;
  rejectedForgotten: number;
  /** Audit-trail entries kept: ids, types and dates, the person's ids replaced by the pseudonym, no personal data. */
  auditTrailKept: number;
}

/**
 * Erases a person's personal data everywhere. A person who is or was a member is kept
 * (`RetentionError`) unless `force`.
 */
export async function erasePerson(store: PersonDataStore, personId: string, opts: { force: boolean }): Promise<ErasureSummary> {
  const { ids, holdings } = await gather(store, personId);
  const membership = membershipOf(holdings);
  if (membership && !opts.force) throw new RetentionError(personId, membership);
  // The tombstone comes first: an event about the person read after it is refused, and
  // one read before that commits after the key is gone fails and reads it (personal-vault.ts).
  const erasedAt = new Date().toISOString();
  const names = new Map<string, string>();
  for (const id of ids) names.set(id, await store.tombstone(id, erasedAt));
  let keysDestroyed = 0;
  for (const id of ids) if (await store.destroyKey(id)) keysDestroyed += 1;
  const records = holdings.flatMap((h) => h.records);
  let recordsCleared = 0;
  let recordsPseudonymized = 0;
  for (const record of records) {
    // A record changed since it was read was rewritten by the ingest; with the key gone,
    // what it wrote is unreadable, and the next erasure renames it.
    if (!(await store.pseudonymizeRecord(record, names))) continue;
    recordsPseudonymized += 1;
    if (record.sealed) recordsCleared += 1;
  }
  const facts = holdings.flatMap((h) => h.facts);
  for (const fact of facts) await store.pseudonymizeFact(fact, names);
  const auditTrail = holdings.flatMap((h) => h.auditTrail);
  for (const marker of auditTrail) await store.pseudonymizeMarker(marker, names);
  const rejected = holdings.flatMap((h) => h.rejected);
  for (const r of rejected) await store.forgetRejected(r);
  await store.forgetNotes(holdings.flatMap((h) => h.notes));
  await store.forgetReminders(records.flatMap((r) => (r.stored.entity === 'member' ? [r.stored.record.memberId] : [])));
  return {
    personId,
    linkedIds: ids.filter((id) => id !== personId),
    keysDestroyed,
    recordsCleared,
    recordsPseudonymized,
    factsPseudonymized: facts.length,
    rejectedForgotten: rejected.length,
    auditTrailKept: auditTrail.length,
  };
}

/** The holdings of a person id and of the ids linked to it by an admission. */
async function gather(store: PersonDataStore, personId: string): Promise<{ ids: string[]; holdings: PersonHoldings[] }> {
  const ids = [personId];
  const holdings: PersonHoldings[] = [];
  const seen = new Set<string>();
  const unseen =
    <T>(key: (t: T) => string) =>
    (t: T) =>
      !seen.has(key(t)) && seen.add(key(t)) !== undefined;
  for (let i = 0; i < ids.length; i++) {
    const held = await store.holdingsOf(ids[i]!);
    // A record reached from two ids (a member's dossier) is held once.
    holdings.push({
      records: held.records.filter(unseen((r) => `${r.key.pk}/${r.key.sk}`)),
      auditTrail: held.auditTrail.filter(unseen((m) => `${m.key.pk}/${m.key.sk}`)),
      rejected: held.rejected.filter(unseen((r) => `rejected/${r.id}`)),
      facts: held.facts.filter(unseen((f) => `${f.key.pk}/${f.key.sk}`)),
      notes: held.notes.filter(unseen((n) => `${n.pk}/${n.sk}`)),
    });
    for (const linked of linkedIdsOf(held)) if (!ids.includes(linked)) ids.push(linked);
  }
  return { ids, holdings };
}

function linkedIdsOf(held: PersonHoldings): string[] {
  const out: string[] = [];
  for (const { stored } of held.records) {
    if (stored.entity === 'dossier' && stored.record.memberId) out.push(stored.record.memberId);
    if (stored.entity === 'member' && stored.record.dossierId) {
      // The member's own dossier: its applicant id comes with the dossier's holdings.
      const dossier = held.records.find((r) => r.stored.entity === 'dossier' && r.stored.record.dossierId === stored.record.dossierId);
      if (dossier?.stored.entity === 'dossier') out.push(dossier.stored.record.personId);
    }
  }
  return out;
}

/** Why the person counts as one who is or was a member, if they do. */
function membershipOf(holdings: PersonHoldings[]): string | undefined {
  for (const held of holdings) {
    for (const { stored } of held.records) {
      if (stored.entity === 'member') return `is or was a member (${stored.record.memberId}, ${stored.record.status})`;
      if (stored.entity === 'dossier' && stored.record.status === 'admitted') return 'was admitted as a member';
    }
    const memberEvent = held.auditTrail.find((m) => m.type.startsWith('member.') || m.type.startsWith('transfer.'));
    if (memberEvent) return `is the subject of ${memberEvent.type} ${memberEvent.eventId}`;
  }
  return undefined;
}
