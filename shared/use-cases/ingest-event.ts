// use case: apply one message from the ingest queue exactly once.
// (adapter) functions/ingest --> use case --> domain/ingest
import { createHash } from 'node:crypto';
import { decide, needsFor } from '../domain/ingest/decide.js';
import { emptyState, reject, type Decision, type LoadedState } from '../domain/ingest/decision-types.js';
import { inScope, orgsTouched, type Producer } from '../domain/ingest/scope.js';
import { envelopeIdOf, parseEvent, type DomainEvent } from '../domain/events.js';
import { personAbout, personNamedBy, personNamedByBody } from '../domain/personal-data.js';
import { appliedEvent } from '../data/event-marker.js';
import { ConcurrentUpdateError, PredecessorMissingError } from './errors.js';
import { NO_BODY, type IngestStore } from './ports.js';

export { PredecessorMissingError };

export type IngestOutcome =
  | { outcome: 'applied'; eventId: string; type: string }
  | { outcome: 'duplicate'; eventId: string; type: string }
  | { outcome: 'rejected'; eventId?: string; reason: string };

/** Who sent the message, when producer scoping is on. */
export type Sender = { scoping: false } | { scoping: true; senderId?: string; producer?: Producer };

export interface IngestHooks {
  /** Called after the idempotency check: lets tests run another delivery in between. */
  afterMarkerCheck?: (event: DomainEvent) => void | Promise<void>;
  /** Called after the decision and before the write: lets tests inject a crash there. */
  beforeWrite?: (event: DomainEvent) => void | Promise<void>;
}

/** The same event delivered as NFC or NFD text has the same hash. */
export function eventHash(event: DomainEvent): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
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
  meta: { messageId: string; receiveCount: number; sender?: Sender },
  hooks: IngestHooks = {},
): Promise<IngestOutcome> {
  const parsed = parseEvent(body);
  const now = new Date().toISOString();
  if (!parsed.ok) {
    const eventId = envelopeIdOf(body);
    await store.storeRejected({
      id: eventId ?? `message:${meta.messageId}`,
      eventId,
      reason: parsed.reason,
      message: parsed.message,
      body,
      rejectedAt: now,
      ...personField(personNamedByBody(body)),
    });
    return { outcome: 'rejected', eventId, reason: parsed.reason };
  }
  const event = parsed.event;
  const hash = eventHash(event);
  // Who sent it comes before anything is compared or stored: an unknown sender, or one
  // using another producer's source, gets no conflict checked and no body kept (§11).
  const senderRefusal = meta.sender?.scoping ? senderDecision(event, meta.sender) : undefined;
  if (senderRefusal?.outcome === 'reject') {
    await store.storeRejected({
      id: event.id,
      eventId: event.id,
      type: event.type,
      reason: senderRefusal.reason,
      message: senderRefusal.message,
      body: NO_BODY,
      rejectedAt: now,
    });
    return { outcome: 'rejected', eventId: event.id, reason: senderRefusal.reason };
  }
  for (let attempt = 0; ; attempt++) {
    const applied = await store.findApplied(event.id);
    if (applied) {
      if (applied.hash === hash) {
        // A redelivery after a crash between the commit and the correction of the copies.
        await correctCopies(store, event);
        return { outcome: 'duplicate', eventId: event.id, type: event.type };
      }
      await store.storeRejected({
        id: `${event.id}#conflict#${hash.slice(0, 12)}`,
        eventId: event.id,
        type: event.type,
        reason: 'conflict',
        message: `event ${event.id} was already applied with a different body; the first one stands`,
        body,
        rejectedAt: now,
        ...personField(personNamedBy(event.data)),
      });
      return { outcome: 'rejected', eventId: event.id, reason: 'conflict' };
    }
    await hooks.afterMarkerCheck?.(event);
    const state = emptyState();
    const scoping = meta.sender?.scoping === true;
    while (await store.loadNeeds({ ...needsFor(event, state), ...(scoping ? { allOrgs: true } : {}) }, state)) {
      // Some needs follow from what was just loaded (a transfer's member): ask again.
    }
    const decision = meta.sender?.scoping ? (scopeDecision(event, state, meta.sender) ?? decide(event, state)) : decide(event, state);
    if (decision.outcome === 'reject') {
      // Another delivery of this very event may have committed since the marker check
      // (a visibility timeout ran out mid-batch): then what we saw is its own effect.
      if ((await store.findApplied(event.id))?.hash === hash) return { outcome: 'duplicate', eventId: event.id, type: event.type };
      await store.storeRejected({
        id: event.id,
        eventId: event.id,
        type: event.type,
        reason: decision.reason,
        message: decision.message,
        // Out of the sender's subtrees: nothing of what it sent is kept (§11).
        body: decision.reason === 'out-of-scope' ? NO_BODY : body,
        rejectedAt: now,
        ...(decision.reason === 'out-of-scope' ? {} : personField(personAbout(event, state))),
      });
      return { outcome: 'rejected', eventId: event.id, reason: decision.reason };
    }
    if (decision.outcome === 'retry') {
      await store.storeDeferred(event.id, decision.reason, decision.message);
      throw new PredecessorMissingError(event.id, decision.reason);
    }
    await hooks.beforeWrite?.(event);
    const marker = appliedEvent(event, hash, now, personAbout(event, state));
    const result = await store.commit(marker, decision.writes, { clearDeferred: meta.receiveCount > 1 });
    if (result === 'committed') {
      await correctCopies(store, event);
      return { outcome: 'applied', eventId: event.id, type: event.type };
    }
    // 'already-applied' loops to the marker check; 'stale' reloads and decides again.
    if (attempt >= MAX_STALE_RETRIES) throw new ConcurrentUpdateError(`event ${event.id}`, attempt + 1);
  }
}

const personField = (personId: string | undefined) => (personId ? { personId } : {});

/**
 * CONTRACT §11: a correction reaches every copy. The member record is corrected by the
 * commit itself; the rejected events kept about the member for a redrive follow here.
 */
async function correctCopies(store: IngestStore, event: DomainEvent): Promise<void> {
  if (event.type !== 'member.updated') return;
  await store.correctRejected(event.data.memberId, event.data.profile);
}

/** An unknown sender, or a source that is not the sender's: refused before anything else. */
function senderDecision(event: DomainEvent, sender: { senderId?: string; producer?: Producer }): Decision | undefined {
  if (!sender.producer) return reject('out-of-scope', `sender ${sender.senderId ?? '(none)'} is not a registered producer`);
  // The idempotency key is (source, id): a producer may only use the sources registered to it.
  if (!sender.producer.sources.includes(event.source))
    return reject('out-of-scope', `producer ${sender.producer.name} may not send as source ${event.source}`);
  return undefined;
}

function scopeDecision(event: DomainEvent, state: LoadedState, sender: { senderId?: string; producer?: Producer }): Decision | undefined {
  if (!sender.producer) return senderDecision(event, sender);
  const touched = orgsTouched(event, state);
  if (inScope(sender.producer, touched, state.orgs)) return undefined;
  return reject('out-of-scope', `producer ${sender.producer.name} may not write ${touched.join(', ')}`);
}
