// use case: apply one message from the ingest queue exactly once.
// (adapter) functions/ingest --> use case --> domain/ingest; storage through IngestStore (port.ts)
import { decide, needsFor } from '../../domain/ingest/decide.js';
import { emptyState, reject, type Decision, type LoadedState } from '../../domain/ingest/decision-types.js';
import {
  bodyHash,
  envelopeKeyOf,
  eventHash,
  idempotencyKey,
  messageKey,
  rejectionId,
  senderOf,
  waitingId,
} from '../../domain/ingest/idempotency.js';
import { copyIsBehind, orgsTouched, outsideScope, type OrgLookup, type Producer } from '../../domain/ingest/scope.js';
import { envelopeIdOf, parseEvent, type DomainEvent } from '../../domain/events/index.js';
import { personAbout, personNamedBy, personNamedByBody, personsAbout } from '../../domain/personal-data.js';
import { appliedEvent } from '../../domain/ingest/applied-event.js';
import { ConcurrentUpdateError, PredecessorMissingError } from '../errors.js';
import { NO_BODY, type IngestStore, type RejectedEvent } from './port.js';

export { PredecessorMissingError };

export type IngestOutcome =
  | { outcome: 'applied'; eventId: string; type: string }
  | { outcome: 'duplicate'; eventId: string; type: string }
  | { outcome: 'rejected'; eventId?: string; reason: string };

/**
 * What the handler knows of a message beyond its body: who sent it, and what its batch
 * shares (the producer registry's lookup, the copy of the org tree the scope checks use).
 */
export interface IngestContext {
  /** The SQS SenderId (locally: what `send --sender` hands the runner). */
  senderId?: string;
  /** The redrive token the message carries, if any: the sender recorded with it stands (§11). */
  redrive?: string;
  /** The producer registry's lookup; absent when producer scoping is off. */
  producers?: (senderId: string | undefined) => Producer | undefined;
  /** The copy of the org tree the batch's scope checks share; without one, each event reads its own. */
  orgTree?: BatchOrgTree;
}

/**
 * The org tree the scope checks of one batch share (README "Who may write what"): the
 * ORGTREE counter read once, the tree reloaded only when it moved since the last copy,
 * read again only when an event shows the copy is behind what it read.
 */
export interface BatchOrgTree {
  /** The batch's copy. */
  current(): Promise<OrgLookup>;
  /** A copy at least as new as this call; the batch's later events get it too. */
  refresh(): Promise<OrgLookup>;
  /** This batch wrote an org: its next scope check reads the counter again. */
  orgWritten(): void;
}

export function batchOrgTree(store: Pick<IngestStore, 'currentOrgTree'>): BatchOrgTree {
  let copy: Promise<OrgLookup> | undefined;
  return {
    current: () => {
      copy ??= store.currentOrgTree();
      return copy;
    },
    refresh: () => {
      copy = store.currentOrgTree();
      return copy;
    },
    orgWritten: () => {
      copy = undefined;
    },
  };
}

const MAX_STALE_RETRIES = 5;

/**
 * Parse → check the marker → load → decide → one transaction. A rejected event is stored
 * with its reason and the message is done; a missing predecessor throws so that the
 * queue retries it and, after maxReceiveCount, moves it to the DLQ.
 * @throws PredecessorMissingError to have the message retried later.
 * @throws ConcurrentUpdateError when the records kept changing underneath.
 */
export async function ingestEvent(
  store: IngestStore,
  body: string,
  meta: { messageId: string; receiveCount: number; context?: IngestContext },
): Promise<IngestOutcome> {
  const parsed = parseEvent(body);
  const now = new Date().toISOString();
  const senderId = await senderOfMessage(store, body, meta.context);
  const producers = meta.context?.producers;
  const producer = producers?.(senderId);
  const orgTree = meta.context?.orgTree ?? batchOrgTree(store);
  if (!parsed.ok) {
    const envelopeKey = envelopeKeyOf(body);
    const key = envelopeKey ? idempotencyKey(envelopeKey.source, envelopeKey.eventId) : messageKey(meta.messageId);
    const eventId = envelopeIdOf(body);
    // What an unknown sender, or one using another's source, sent is not kept (§11); nor
    // a body about an erased person, or one over the cap of bodies kept about a person.
    const sender = producers ? producer !== undefined && (!envelopeKey || producer.sources.includes(envelopeKey.source)) : true;
    const named = sender ? personNamedByBody(body) : undefined;
    const keep = sender && (named === undefined || (await mayKeepBodyAbout(store, [named], senderOf(senderId), undefined)));
    await store.storeRejected({
      id: rejectionId(key, senderId),
      key,
      eventId,
      ...(envelopeKey ? { source: envelopeKey.source } : {}),
      senderId: senderOf(senderId),
      reason: parsed.reason,
      message: parsed.message,
      body: keep ? body : NO_BODY,
      rejectedAt: now,
      ...(keep ? personField(named) : {}),
    });
    return { outcome: 'rejected', eventId, reason: parsed.reason };
  }
  const event = parsed.event;
  const hash = eventHash(event);
  const key = idempotencyKey(event.source, event.id);
  const eventKey = { source: event.source, eventId: event.id };
  const rejected = (reason: string, message: string, keptBody: string, variant?: string): RejectedEvent => ({
    id: rejectionId(key, senderId, variant),
    key,
    eventId: event.id,
    source: event.source,
    senderId: senderOf(senderId),
    type: event.type,
    reason,
    message,
    body: keptBody,
    rejectedAt: now,
  });
  // Who sent it comes before anything is compared or stored: an unknown sender, or one
  // using another producer's source, gets no conflict checked and no body kept (§11).
  const senderRefusal = producers ? senderDecision(event, senderId, producer) : undefined;
  if (senderRefusal?.outcome === 'reject') {
    await store.storeRejected(rejected(senderRefusal.reason, senderRefusal.message, NO_BODY));
    return { outcome: 'rejected', eventId: event.id, reason: senderRefusal.reason };
  }
  for (let attempt = 0; ; attempt++) {
    const applied = await store.findApplied(eventKey);
    if (applied) {
      // Its person was erased: the key its hash was sealed under is gone, so a redelivery
      // cannot be told from another body. The first stands, and nothing of this one is kept.
      if (applied.hash === undefined) return { outcome: 'duplicate', eventId: event.id, type: event.type };
      if (applied.hash === hash) {
        // A redelivery after a crash between the commit and the correction of the copies.
        await correctCopies(store, event);
        return { outcome: 'duplicate', eventId: event.id, type: event.type };
      }
      // Another body under an applied key: a conflict, unless it reaches outside the
      // sender's subtrees — then it is refused as such and nothing of it is kept (§11).
      const outside = producer ? await scopeDecision(store, event, await loadState(store, event), producer, orgTree) : undefined;
      if (outside?.outcome === 'reject') {
        await store.storeRejected(rejected(outside.reason, outside.message, NO_BODY));
        return { outcome: 'rejected', eventId: event.id, reason: outside.reason };
      }
      const message = `event ${key} was already applied with a different body; the first one stands`;
      const named = personNamedBy(event.data);
      const keep = named === undefined || (await mayKeepBodyAbout(store, [named], senderOf(senderId), event.occurredAt));
      await store.storeRejected({
        ...rejected('conflict', message, keep ? body : NO_BODY, `conflict:${hash.slice(0, 12)}`),
        ...(keep ? personField(named) : {}),
      });
      return { outcome: 'rejected', eventId: event.id, reason: 'conflict' };
    }
    const state = await loadState(store, event);
    // An event about an erased person that was sent before the erasure (from a queue, the
    // dead-letter queue, a redrive) would bring back what was erased: refused, nothing kept.
    const persons = personsAbout(event, state);
    const erasedOn = await erasedAfter(store, persons, event.occurredAt);
    if (erasedOn) {
      const message = `the personal data of a person this event is about was erased on ${erasedOn.slice(0, 10)}, after the event occurred; nothing of it is kept`;
      await store.storeRejected(rejected('erased', message, NO_BODY));
      return { outcome: 'rejected', eventId: event.id, reason: 'erased' };
    }
    const decision = producer
      ? ((await scopeDecision(store, event, state, producer, orgTree)) ?? decide(event, state))
      : decide(event, state);
    if (decision.outcome === 'reject') {
      // Another delivery of this very event may have committed since the marker check
      // (a visibility timeout ran out mid-batch): then what we saw is its own effect.
      if ((await store.findApplied(eventKey))?.hash === hash) return { outcome: 'duplicate', eventId: event.id, type: event.type };
      // Out of the sender's subtrees: nothing of what it sent is kept (§11).
      const keep =
        decision.reason !== 'out-of-scope' &&
        (persons.length === 0 || (await mayKeepBodyAbout(store, persons, senderOf(senderId), event.occurredAt)));
      const [about, ...linked] = persons;
      await store.storeRejected({
        ...rejected(decision.reason, decision.message, keep ? body : NO_BODY),
        ...(keep ? { ...personField(about), ...(linked.length > 0 ? { linkedPersonIds: linked } : {}) } : {}),
      });
      return { outcome: 'rejected', eventId: event.id, reason: decision.reason };
    }
    const waiting = {
      id: waitingId(key, senderId),
      eventId: event.id,
      source: event.source,
      senderId: senderOf(senderId),
      ...personField(persons[0]),
    };
    if (decision.outcome === 'retry') {
      await store.storeDeferred({ ...waiting, receiveCount: meta.receiveCount }, decision.reason, decision.message);
      throw new PredecessorMissingError(event.id, decision.reason);
    }
    const marker = appliedEvent(event, hash, now, personAbout(event, state));
    const result = await store.commit(marker, decision.writes, {
      clearDeferred: meta.receiveCount > 1 ? waiting.id : undefined,
      loaded: state,
    });
    if (result === 'committed') {
      if (decision.writes.some((w) => w.entity === 'org')) orgTree.orgWritten();
      await correctCopies(store, event);
      return { outcome: 'applied', eventId: event.id, type: event.type };
    }
    // 'already-applied' loops to the marker check; 'stale' reloads and decides again.
    if (attempt >= MAX_STALE_RETRIES) throw new ConcurrentUpdateError(`event ${event.id}`, attempt + 1);
  }
}

/** What deciding the event needs. */
async function loadState(store: IngestStore, event: DomainEvent): Promise<LoadedState> {
  const state = emptyState();
  while (await store.loadNeeds(needsFor(event, state), state)) {
    // Some needs follow from what was just loaded (a transfer's member): ask again.
  }
  return state;
}

/**
 * The identity a message is processed as: its SQS SenderId, or — for an operator's
 * redrive — the sender recorded in the grant the message names, when that grant exists
 * in the ingest's own table and vouches for this very body. A forged or stale token
 * changes nothing: the message is what its real SenderId may send.
 */
async function senderOfMessage(store: IngestStore, body: string, context: IngestContext | undefined): Promise<string | undefined> {
  if (!context?.redrive) return context?.senderId;
  const grant = await store.findRedriveGrant(context.redrive);
  return grant && grant.bodyHash === bodyHash(body) ? grant.senderId : context.senderId;
}

const personField = (personId: string | undefined) => (personId ? { personId } : {});

/**
 * How many rejected bodies one sender may have kept about one person (docs/personal-data.md).
 * A body that fails the schema may name anyone: without a cap, a producer could tie any
 * number of them to a person, and each correction of that person, which seals them all
 * again, would take longer than a function may run. Past the cap, a rejection is kept
 * with its reason and without its body.
 */
export const REJECTED_BODIES_PER_PERSON = 100;

/**
 * When the first of `persons` that was erased after `occurredAt` was erased (undefined: none
 * was). Without `occurredAt` (a body that failed the schema), any erasure counts.
 */
async function erasedAfter(store: IngestStore, persons: readonly string[], occurredAt: string | undefined): Promise<string | undefined> {
  if (persons.length === 0) return undefined;
  const erasures = await store.erasures(persons);
  const happened = occurredAt === undefined ? undefined : Date.parse(occurredAt);
  for (const person of persons) {
    const erasedAt = erasures.get(person);
    if (erasedAt !== undefined && (happened === undefined || Date.parse(erasedAt) >= happened)) return erasedAt;
  }
  return undefined;
}

/** Whether a rejected body about `persons` from `senderId` is kept: none of them erased since, the first under its cap. */
async function mayKeepBodyAbout(
  store: IngestStore,
  persons: readonly string[],
  senderId: string,
  occurredAt: string | undefined,
): Promise<boolean> {
  if (await erasedAfter(store, persons, occurredAt)) return false;
  return (await store.rejectedBodiesAbout(persons[0]!, senderId, REJECTED_BODIES_PER_PERSON)) < REJECTED_BODIES_PER_PERSON;
}

/**
 * docs/personal-data.md: a correction reaches every copy. The member record is corrected by the
 * commit itself; the person's key is then replaced and every copy sealed again under the
 * new one, the rejected events kept for a redrive corrected on the way.
 */
async function correctCopies(store: IngestStore, event: DomainEvent): Promise<void> {
  if (event.type !== 'member.updated') return;
  await store.followCorrection(event.data.memberId, event.data.profile);
}

/** An unknown sender, or a source that is not the sender's: refused before anything else. */
function senderDecision(event: DomainEvent, senderId: string | undefined, producer: Producer | undefined): Decision | undefined {
  if (!producer) return reject('out-of-scope', `sender ${senderId ?? '(none)'} is not a registered producer`);
  // The idempotency key is (source, id): a producer may only use the sources registered to it.
  if (!producer.sources.includes(event.source))
    return reject('out-of-scope', `producer ${producer.name} may not send as source ${event.source}`);
  return undefined;
}

/**
 * An out-of-scope rejection, or undefined when the producer may write everything the
 * event touches. The touched orgs are read as they are now (the decision has most of
 * them already); the chains above them come from the batch's copy of the tree, or from
 * a newer copy when this one is behind what the event read (README "Who may write
 * what"). Org events load the whole tree themselves: it is used as it is.
 */
async function scopeDecision(
  store: IngestStore,
  event: DomainEvent,
  state: LoadedState,
  producer: Producer,
  orgTree: BatchOrgTree,
): Promise<Decision | undefined> {
  if (producer.orgs.includes('*')) return undefined;
  const touched = orgsTouched(event, state);
  let orgs: OrgLookup = state.orgs;
  if (!state.allOrgsLoaded) {
    await store.loadNeeds({ orgs: touched.filter((id) => id !== '*'), members: [], dossiers: [], transfers: [] }, state);
    orgs = await orgTree.current();
    if (copyIsBehind(touched, state, orgs)) orgs = await orgTree.refresh();
  }
  const outside = outsideScope(producer, touched, orgs);
  if (outside.length === 0) return undefined;
  return reject('out-of-scope', `producer ${producer.name} may not write ${outside.join(', ')}`);
}
