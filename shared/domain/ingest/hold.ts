// domain: which events may pass a message group held behind an event in the dead-letter
// queue (docs/architecture.md "A group held behind the dead-letter queue"). An event that
// went to the DLQ has left its group: its person's later events would overtake it, and a
// dossier step redriven after the admission that closed its dossier could never apply.
// So the group is held: its later events wait behind the dead-lettered one, in order, until
// it is redriven. A plain hold deadlocks when the record the held event waits for is created
// by an event sent later in the same group (a dossier step before its dossier.received): so
// an event passes when it creates that record, or when it touches nothing the held event
// or the events already held behind it touch (nothing it does can depend on their order).
// Pure: the ingest (use-cases/ingest-event) asks it for every event of a held group.
import type { DomainEvent } from '../events/index.js';
import type { RetryReason } from './decision-types.js';

/** A record an event reads or writes, as `kind:id`; `orgs` stands for the whole org tree. */
export type RecordRef = string;

/** What a held group remembers of the events it holds: what the first waits for, what all of them touch. */
export interface HeldChain {
  /** Why the dead-lettered event waited, and the records of that kind it names (one of them is missing). */
  waitsFor: { reason: RetryReason; records: RecordRef[] };
  /** What the dead-lettered event and every event held behind it read or write. */
  touches: RecordRef[];
}

/** What the hold does with an event of its group. */
export type HoldDecision =
  /** Applied now: it creates what the held event waits for, or touches nothing the held events touch. */
  | { outcome: 'pass'; why: 'creates-missing' | 'independent' }
  /** Kept behind the held events, in order. */
  | { outcome: 'hold' };

const MISSING_KIND: Record<RetryReason, string> = {
  'missing-org': 'org',
  'missing-member': 'person',
  'missing-dossier': 'dossier',
  'missing-transfer': 'transfer',
  'missing-candidate': 'candidate',
};

const ref = (kind: string, id: string): RecordRef => `${kind}:${id}`;

/**
 * The records `event` reads or writes that order can matter for. A person's member and
 * candidate records share the person's id (`person:`; docs/events.md asks for the
 * applicant's personId as the new member's memberId), a dossier and a transfer are their
 * own records. Cells a person event is counted in are not: figures are sums, and the
 * org records only change in the `orgs` group. Every org event touches the whole tree
 * (a move or a dissolution changes what any other org event finds).
 */
export function recordsTouched(event: DomainEvent): RecordRef[] {
  switch (event.type) {
    case 'org.registered':
    case 'org.renamed':
    case 'org.moved':
    case 'org.dissolved':
    case 'target.set':
    case 'org.updated':
    case 'org.evaluated':
      return ['orgs'];
    case 'candidate.listed':
    case 'candidate.classCompleted':
    case 'candidate.dropped':
      return [ref('person', event.data.personId)];
    case 'dossier.received':
      return [ref('dossier', event.data.dossierId), ref('person', event.data.personId)];
    case 'dossier.stepCompleted':
    case 'dossier.closed':
      return [ref('dossier', event.data.dossierId), ...(event.data.personId ? [ref('person', event.data.personId)] : [])];
    case 'member.admitted':
      return [ref('person', event.data.memberId), ...(event.data.dossierId ? [ref('dossier', event.data.dossierId)] : [])];
    case 'member.imported':
    case 'member.recognized':
    case 'member.updated':
    case 'member.exempted':
    case 'member.exited':
    case 'member.evaluated':
    case 'member.badgeAwarded':
    case 'member.ceremonyHeld':
    case 'member.recordsFiled':
    case 'member.cardIssued':
      return [ref('person', event.data.memberId)];
    case 'transfer.issued':
      return [ref('transfer', event.data.transferId), ref('person', event.data.memberId)];
    case 'transfer.received': {
      const member = event.data.member?.memberId ?? event.data.memberId;
      return [ref('transfer', event.data.transferId), ...(member ? [ref('person', member)] : [])];
    }
    case 'transfer.cancelled':
    case 'transfer.returned':
      return [ref('transfer', event.data.transferId), ...(event.data.memberId ? [ref('person', event.data.memberId)] : [])];
  }
}

/** The records `event` brings into being when it applies (the predecessors other events wait for). */
export function recordsCreated(event: DomainEvent): RecordRef[] {
  switch (event.type) {
    case 'org.registered':
      return [ref('org', event.data.orgId)];
    case 'candidate.listed':
      return [ref('candidate', event.data.personId)];
    case 'dossier.received':
      return [ref('dossier', event.data.dossierId)];
    case 'member.admitted':
    case 'member.imported':
      return [ref('person', event.data.memberId)];
    case 'transfer.issued':
      return [ref('transfer', event.data.transferId)];
    case 'transfer.received':
      // An arrival from outside brings its transfer and its member.
      return event.data.member ? [ref('transfer', event.data.transferId), ref('person', event.data.member.memberId)] : [];
    default:
      return [];
  }
}

/** The records of the kind `reason` is missing that `event` names: one of them is the one it waits for. */
export function recordsWaitedFor(event: DomainEvent, reason: RetryReason): RecordRef[] {
  const kind = MISSING_KIND[reason];
  if (kind === 'org') return orgsNamed(event).map((id) => ref('org', id));
  if (kind === 'candidate') {
    const person = 'personId' in event.data ? event.data.personId : 'memberId' in event.data ? event.data.memberId : undefined;
    return typeof person === 'string' ? [ref('candidate', person)] : [];
  }
  return recordsTouched(event).filter((r) => r.startsWith(`${kind}:`));
}

function orgsNamed(event: DomainEvent): string[] {
  const data = event.data as Record<string, unknown>;
  const ids = ['orgId', 'parentId', 'mergedInto', 'fromOrgId', 'toOrgId'].map((k) => data[k]);
  return ids.filter((id): id is string => typeof id === 'string');
}

/** The chain of a group held behind `event`, which waited for `reason` until it went to the DLQ. */
export function heldChainOf(event: DomainEvent, reason: RetryReason): HeldChain {
  return { waitsFor: { reason, records: recordsWaitedFor(event, reason) }, touches: recordsTouched(event) };
}

/**
 * Whether `event`, arriving in a group held by `chain`, passes or is held behind it. It
 * passes when it creates a record the dead-lettered event waits for (held, the two would
 * wait for each other for ever), or when none of the records it touches is touched by the
 * dead-lettered event or any event held behind it (applied before or after them, it gives
 * the same). Everything else is held, so that the person's events apply in the order sent.
 */
export function holdDecision(event: DomainEvent, chain: HeldChain): HoldDecision {
  const created = recordsCreated(event);
  if (created.some((r) => chain.waitsFor.records.includes(r))) return { outcome: 'pass', why: 'creates-missing' };
  const touched = new Set(chain.touches);
  if (recordsTouched(event).every((r) => !touched.has(r))) return { outcome: 'pass', why: 'independent' };
  return { outcome: 'hold' };
}
