// use case: what is held about a person, and its erasure (docs/personal-data.md).
// (adapter) cli/person --> use case --> PersonDataStore (port.ts; data/person-store.ts)
//
// A person is found by id in every role they had: an applicant (`personId` of a
// dossier), a member (`memberId`), a temporary attendee, the subject of audit-trail
// events and of rejected events. An admission links the two ids (the dossier keeps the
// member it became, the member the dossier it came from), so either id reaches both.
//
// Erasure destroys the person's keys (every sealed copy becomes unreadable at once:
// records, rejected bodies, stream records, backups), then removes the sealed blobs
// from the records and the rejected events themselves. What stays is what the figures
// and the audit trail need and is not readable personal data: ids, dates, statuses,
// the four traits the figures count (personal-data.ts), the events' ids, types, dates
// and hashes. Every figure, and `recompute --check`, stay as they were.
import { UseCaseError } from '../errors.js';
import type { HeldRecord, PersonDataStore, PersonHoldings } from './port.js';

export type { HeldRecord, PersonDataStore, PersonHoldings };

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
    rejected: holdings.flatMap((h) =>
      h.rejected.map((r) => ({ id: r.id, reason: r.reason, message: r.message, rejectedAt: r.rejectedAt, body: r.body })),
    ),
  };
}

export interface ErasureSummary {
  personId: string;
  linkedIds: string[];
  keysDestroyed: number;
  recordsCleared: number;
  rejectedForgotten: number;
  /** Audit-trail entries kept: ids, types, dates and hashes, no personal data. */
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
  let keysDestroyed = 0;
  for (const id of ids) if (await store.destroyKey(id)) keysDestroyed += 1;
  let recordsCleared = 0;
  for (const record of holdings.flatMap((h) => h.records).filter((r) => r.sealed)) {
    // A record changed since it was read was rewritten by the ingest; with the key gone,
    // what it wrote is unreadable, and the next erasure clears it.
    if (await store.dropSealedProfile(record)) recordsCleared += 1;
  }
  const rejected = holdings.flatMap((h) => h.rejected);
  for (const r of rejected) await store.forgetRejected(r);
  return {
    personId,
    linkedIds: ids.filter((id) => id !== personId),
    keysDestroyed,
    recordsCleared,
    rejectedForgotten: rejected.length,
    auditTrailKept: holdings.reduce((n, h) => n + h.auditTrail.length, 0),
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
      auditTrail: held.auditTrail.filter(unseen((m) => `event/${m.eventId}`)),
      rejected: held.rejected.filter(unseen((r) => `rejected/${r.id}`)),
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
