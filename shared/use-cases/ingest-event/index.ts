// use case: apply one message from the ingest queue exactly once.
// (adapter) functions/ingest --> use case --> domain/ingest; storage through IngestStore (port.ts)
import { decide, needsFor } from '../../domain/ingest/decide.js';
import { emptyState, reject, type Decision, type LoadedState } from '../../domain/ingest/decision-types.js';
import { envelopeKeyOf, eventHash, idempotencyKey, messageKey, rejectionId, senderOf, waitingId } from '../../domain/ingest/idempotency.js';
import { copyIsBehind, orgsTouched, outsideScope, reservedFor, type OrgLookup, type Producer } from '../../domain/ingest/scope.js';
import { envelopeIdOf, parseEvent, type DomainEvent } from '../../domain/events/index.js';
import { personAbout, personNamedBy, personNamedByBody, personsAbout } from '../../domain/personal-data.js';
import { appliedEvent } from '../../domain/ingest/applied-event.js';
import { groupDecision } from '../../domain/ingest/groups.js';
import { minuteOf, quotaKeyOf, quotasOf, rateDecision, waitingDecision } from '../../domain/ingest/quotas.js';
import { heldChainOf, holdDecision, recordsTouched } from '../../domain/ingest/hold.js';
import { ConcurrentUpdateError, PredecessorMissingError } from '../errors.js';
import { NO_BODY, type GroupHolds, type HeldGroup, type IngestStore, type RejectedEvent, type WaitingRef } from './port.js';

export { PredecessorMissingError };

export type IngestOutcome =
  | { outcome: 'applied'; eventId: string; type: string }
  | { outcome: 'duplicate'; eventId: string; type: string }
  | {
      outcome: 'rejected';
      eventId?: string;
      reason: string;
      /** Its body was not kept: its sender has as many rejected bodies kept as its quota allows. */
      bodyOverQuota?: true;
    }
  /** Parked behind an event of its group that is in the dead-letter queue (domain/ingest/hold.ts). */
  | { outcome: 'held'; eventId: string; type: string; behind: string };

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
  /** Every registered producer (the registry's org grants reserve org ids); with `producers`. */
  registered?: readonly Producer[];
  /** The copy of the org tree the batch's scope checks share; without one, each event reads its own. */
  orgTree?: BatchOrgTree;
  /** The message's SQS FIFO MessageGroupId: it must be its event's subject group (domain/ingest/groups.ts). */
  groupId?: string;
  /**
   * How many events its sender sent in this minute, this one included (eventsThisMinute);
   * absent when not counted (a retry, a redrive, scoping off).
   */
  eventsThisMinute?: number;
  /** The held message groups as the batch sees them; absent: no group is ever held (an event's later ones may overtake it once it is dead-lettered). */
  holds?: BatchHolds;
}

/**
 * The held message groups one batch sees (docs/architecture.md "A group held behind the
 * dead-letter queue"): read once per batch, one query that is usually empty, and kept up
 * to date by the batch's own holds, parks and releases, so that an event later in the
 * batch sees what an earlier one did. A group is held only at an event's last try, and
 * the group's later events come in a later batch (FIFO: a group stops at its failure).
 */
export interface BatchHolds {
  store: GroupHolds;
  /** By group. */
  held: Map<string, HeldGroup>;
}

/** The held groups for one batch: one read of `store`. */
export async function batchHolds(store: GroupHolds): Promise<BatchHolds> {
  return { store, held: new Map((await store.list()).map((h) => [h.group, h])) };
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

/** What the handler passes with each message. */
export interface IngestMeta {
  messageId: string;
  receiveCount: number;
  /** This is the message's last try: if it waits again, it goes to the dead-letter queue (retry-schedule.ts). */
  lastTry?: boolean;
  context?: IngestContext;
}

/**
 * Parse → check the marker → load → decide → one transaction. A rejected event is stored
 * with its reason and the message is done; a missing predecessor throws so that the
 * queue retries it and, after maxReceiveCount, moves it to the DLQ.
 * @throws PredecessorMissingError to have the message retried later.
 * @throws ConcurrentUpdateError when the records kept changing underneath.
 */
export async function ingestEvent(store: IngestStore, body: string, meta: IngestMeta): Promise<IngestOutcome> {
  const who = await senderOfMessage(store, body, meta);
  if (who.refused) return refuseRedrive(store, body, who.senderId);
  const kept = { overQuota: false };
  const seen: HoldSeen = {};
  const outcome = await ingestAs(store, body, meta, who.senderId, kept, seen);
  // The event its group was held behind is done with (applied, a duplicate, rejected), as
  // it comes back from the dead-letter queue: the group's parked events, redriven behind it,
  // apply in order after it. The same event sent again by its producer, while events are
  // parked behind its copy in the dead-letter queue, does not end the hold: they come back first.
  const holds = meta.context?.holds;
  const hold = seen.hold;
  if (
    holds &&
    hold &&
    outcome.outcome !== 'held' &&
    hold.heldKey === seen.key &&
    (hold.parked === 0 || meta.context?.redrive !== undefined)
  ) {
    await holds.store.release(hold.group, hold.heldKey);
    holds.held.delete(hold.group);
  }
  return outcome.outcome === 'rejected' && kept.overQuota ? { ...outcome, bodyOverQuota: true } : outcome;
}

/**
 * The hold `hold` when it holds the events of `producer` (its quota key; undefined: scoping
 * off). A producer's events are held behind its own event only: order across producers is
 * their arrival order anyway, and one district's event that waits for ever must not stop
 * another's about the same person (docs/architecture.md "A group held behind the dead-letter queue").
 */
function heldFor(hold: HeldGroup | undefined, producer: string | undefined): HeldGroup | undefined {
  return hold && (hold.producer === undefined || producer === undefined || hold.producer === producer) ? hold : undefined;
}

/** The hold of the message's group as the ingest found it, and the message's key. */
interface HoldSeen {
  hold?: HeldGroup;
  key?: string;
}

/**
 * For each message counted against its sender's rate, how many events that sender sent in
 * this minute up to and including it (IngestContext.eventsThisMinute): one count per
 * sending identity and batch (docs/security.md "Quotas"). The handler passes the first
 * receives of registered producers' messages that name no redrive grant.
 */
export async function eventsThisMinute(
  store: Pick<IngestStore, 'countEvents'>,
  messages: ReadonlyArray<{ messageId: string; senderId: string }>,
  now = new Date(),
): Promise<Map<string, number>> {
  const bySender = new Map<string, string[]>();
  for (const m of messages) bySender.set(quotaKeyOf(m.senderId), [...(bySender.get(quotaKeyOf(m.senderId)) ?? []), m.messageId]);
  const counted = new Map<string, number>();
  await Promise.all(
    [...bySender].map(async ([quotaKey, ids]) => {
      const total = await store.countEvents(quotaKey, minuteOf(now), ids.length);
      for (const [i, id] of ids.entries()) counted.set(id, total - ids.length + i + 1);
    }),
  );
  return counted;
}

/** {@link ingestEvent} for a message whose sending identity is settled. */
async function ingestAs(
  store: IngestStore,
  body: string,
  meta: IngestMeta,
  senderId: string | undefined,
  kept: { overQuota: boolean },
  seen: HoldSeen,
): Promise<IngestOutcome> {
  const parsed = parseEvent(body);
  const now = new Date().toISOString();
  const producers = meta.context?.producers;
  const producer = producers?.(senderId);
  const orgTree = meta.context?.orgTree ?? batchOrgTree(store);
  const quotas = quotasOf(producer?.quotas);
  /** Stores a rejection, its body only while its sender's quota of bodies kept allows. */
  const storeRejected = async (r: RejectedEvent) => {
    if (!(await storeUnderQuota(store, r, quotas.rejectedKept, now))) kept.overQuota = true;
  };
  if (!parsed.ok) {
    const envelopeKey = envelopeKeyOf(body);
    const key = envelopeKey ? idempotencyKey(envelopeKey.source, envelopeKey.eventId) : messageKey(meta.messageId);
    const eventId = envelopeIdOf(body);
    // What an unknown sender, or one using another's source, sent is not kept (§11); nor
    // a body about an erased person, or one over the cap of bodies kept about a person.
    const sender = producers ? producer !== undefined && (!envelopeKey || producer.sources.includes(envelopeKey.source)) : true;
    const named = sender ? personNamedByBody(body) : undefined;
    const keep = sender && (named === undefined || (await mayKeepBodyAbout(store, [named], senderOf(senderId), undefined)));
    await storeRejected({
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
    await storeRejected(rejected(senderRefusal.reason, senderRefusal.message, NO_BODY));
    return { outcome: 'rejected', eventId: event.id, reason: senderRefusal.reason };
  }
  // Then over its rate (docs/security.md "Quotas"): refused before any work is done for it,
  // without a read, so that a flood costs two writes an event. Nothing of it is kept but
  // its reason (keeping its body would need its persons, their erasures and its scope):
  // its producer sends it again. Kept beside any other rejection of the event, never over it.
  const overRate = producer ? rateDecision(meta.context?.eventsThisMinute, quotas.eventsPerMinute) : undefined;
  if (overRate?.outcome === 'reject') {
    await storeRejected(rejected(overRate.reason, overRate.message, NO_BODY, overRate.reason));
    await store.noteQuotaReached({
      senderId: quotaKeyOf(senderOf(senderId)),
      kind: 'eventsPerMinute',
      limit: quotas.eventsPerMinute,
      at: now,
    });
    return { outcome: 'rejected', eventId: event.id, reason: overRate.reason };
  }
  const waiting = { id: waitingId(key, senderId), eventId: event.id, source: event.source, senderId: senderOf(senderId) };
  // A message received before, or redriven from the dead-letter queue, may have a note of its wait.
  const mayBeWaiting = meta.receiveCount > 1 || meta.context?.redrive !== undefined;
  const holds = meta.context?.holds;
  const groupId = meta.context?.groupId;
  seen.key = key;
  if (holds && groupId !== undefined) seen.hold = holds.held.get(groupId);
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
      const outside = producer
        ? await scopeDecision(store, event, await loadState(store, event), producer, orgTree, meta.context?.registered ?? [])
        : undefined;
      if (outside?.outcome === 'reject') {
        await storeRejected(rejected(outside.reason, outside.message, NO_BODY));
        return { outcome: 'rejected', eventId: event.id, reason: outside.reason };
      }
      const message = `event ${key} was already applied with a different body; the first one stands`;
      const named = personNamedBy(event.data);
      const keep = named === undefined || (await mayKeepBodyAbout(store, [named], senderOf(senderId), event.occurredAt));
      await storeRejected({
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
      await storeRejected(rejected('erased', message, NO_BODY));
      if (mayBeWaiting) await store.clearDeferred(waiting);
      return { outcome: 'rejected', eventId: event.id, reason: 'erased' };
    }
    // Out of scope first (nothing of it is kept), then a wrong group: both before anything can wait.
    const refused =
      (producer ? await scopeDecision(store, event, state, producer, orgTree, meta.context?.registered ?? []) : undefined) ??
      groupDecision(event, meta.context?.groupId, state);
    // Its group is held behind an event in the dead-letter queue: parked behind it, unless it may pass.
    const hold = heldFor(seen.hold, producers ? quotaKeyOf(senderOf(senderId)) : undefined);
    if (!refused && holds && hold && hold.heldKey !== key && holdDecision(event, hold.chain).outcome === 'hold') {
      const overQuota = await waitingQuotaDecision(store, waiting, quotas.waiting, mayBeWaiting);
      if (overQuota?.outcome === 'reject')
        return rejectOverQuota(store, storeRejected, overQuota, waiting, persons, quotas.waiting, event, senderId, now, rejected, body);
      // Noted first, so that it counts against its producer's quota before it is parked; the
      // note says its message is in the dead-letter queue (its tries are over until a redrive).
      await store.storeDeferred(
        { ...waiting, ...personField(persons[0]), receiveCount: meta.receiveCount, inDeadLetterQueue: true },
        'held',
        `held behind event ${hold.heldEventId} of its message group, which is in the dead-letter queue`,
      );
      const touches = recordsTouched(event);
      await holds.store.park(hold.group, body, senderOf(senderId), touches);
      holds.held.set(hold.group, {
        ...hold,
        parked: hold.parked + 1,
        chain: { ...hold.chain, touches: [...new Set([...hold.chain.touches, ...touches])] },
      });
      return { outcome: 'held', eventId: event.id, type: event.type, behind: hold.heldEventId };
    }
    const decision = refused ?? decide(event, state);
    if (decision.outcome === 'reject') {
      // Another delivery of this very event may have committed since the marker check
      // (a visibility timeout ran out mid-batch): then what we saw is its own effect.
      if ((await store.findApplied(eventKey))?.hash === hash) return { outcome: 'duplicate', eventId: event.id, type: event.type };
      // Out of the sender's subtrees: nothing of what it sent is kept (§11).
      const keep =
        decision.reason !== 'out-of-scope' &&
        (persons.length === 0 || (await mayKeepBodyAbout(store, persons, senderOf(senderId), event.occurredAt)));
      await storeRejected({
        ...rejected(decision.reason, decision.message, keep ? body : NO_BODY),
        ...(keep ? bodyIndexedBy(persons) : {}),
      });
      // It waits no longer: its note counts against its producer's quota no more.
      if (mayBeWaiting) await store.clearDeferred(waiting);
      return { outcome: 'rejected', eventId: event.id, reason: decision.reason };
    }
    if (decision.outcome === 'retry') {
      const overQuota = await waitingQuotaDecision(store, waiting, quotas.waiting, mayBeWaiting);
      if (overQuota?.outcome === 'reject')
        return rejectOverQuota(store, storeRejected, overQuota, waiting, persons, quotas.waiting, event, senderId, now, rejected, body);
      await store.storeDeferred(
        { ...waiting, ...personField(persons[0]), receiveCount: meta.receiveCount },
        decision.reason,
        decision.message,
      );
      // Its last try: it goes to the dead-letter queue, and its group's later events are held behind it.
      if (meta.lastTry && holds && groupId !== undefined) {
        const held = {
          group: groupId,
          heldKey: key,
          heldEventId: event.id,
          reason: decision.reason,
          since: now,
          chain: heldChainOf(event, decision.reason),
          ...(producers ? { producer: quotaKeyOf(senderOf(senderId)) } : {}),
        };
        await holds.store.hold(held);
        // A group held already stays behind its first event.
        if (!holds.held.has(groupId)) holds.held.set(groupId, { ...held, parked: 0 });
      }
      throw new PredecessorMissingError(event.id, decision.reason);
    }
    const marker = appliedEvent(event, hash, now, personAbout(event, state));
    const result = await store.commit(marker, decision.writes, {
      clearDeferred: mayBeWaiting ? waiting : undefined,
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

/**
 * An event over its producer's quota of waiting events (domain/ingest/quotas.ts): kept with
 * its body (under the cap of bodies about a person), as any rejection of the producer's own
 * event, to be redriven once its backlog is cleared.
 */
async function rejectOverQuota(
  store: IngestStore,
  storeRejected: (r: RejectedEvent) => Promise<void>,
  overQuota: Extract<Decision, { outcome: 'reject' }>,
  waiting: WaitingRef,
  persons: readonly string[],
  /** The producer's quota of waiting events. */
  limit: number,
  event: DomainEvent,
  senderId: string | undefined,
  now: string,
  rejected: (reason: string, message: string, keptBody: string) => RejectedEvent,
  body: string,
): Promise<IngestOutcome> {
  const keep = persons.length === 0 || (await mayKeepBodyAbout(store, persons, senderOf(senderId), event.occurredAt));
  await storeRejected({
    ...rejected(overQuota.reason, overQuota.message, keep ? body : NO_BODY),
    ...(keep ? bodyIndexedBy(persons) : {}),
  });
  await store.noteQuotaReached({ senderId: quotaKeyOf(waiting.senderId), kind: 'waiting', limit, at: now });
  return { outcome: 'rejected', eventId: event.id, reason: overQuota.reason };
}

/**
 * Whether an event about to wait may (domain/ingest/quotas.ts): one already noted as
 * waiting keeps its place without a count; a new one is counted against its producer's quota.
 */
async function waitingQuotaDecision(
  store: IngestStore,
  waiting: WaitingRef,
  limit: number,
  mayBeWaiting: boolean,
): Promise<Decision | undefined> {
  if (mayBeWaiting && (await store.isDeferred(waiting))) return undefined;
  const count = await store.countWaiting(quotaKeyOf(waiting.senderId));
  return waitingDecision(count, limit, false);
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
 * The identity a message is processed as: its SQS SenderId; or — for an operator's
 * redrive — the sender recorded in the grant the message names, when that grant is kept
 * in the ingest's own table, vouches for this very body and serves this message. A grant
 * serves one message: it is marked used by that message's id before anything is decided,
 * and kept until it expires, so that SQS redelivering the same message (a visibility
 * timeout that ran out, a retry of a wait) finds it again, while another message with
 * the same token does not. A message naming a grant that does not serve it (made up,
 * copied onto another body or message, expired) is `refused`: it is processed as nobody,
 * never as whoever re-sent it, whose rights (an operator's) are not the first sender's.
 */
async function senderOfMessage(
  store: IngestStore,
  body: string,
  meta: IngestMeta,
): Promise<{ senderId: string | undefined; refused?: true }> {
  const context = meta.context;
  if (!context?.redrive) return { senderId: context?.senderId };
  const grant = await store.redriveGrantFor(context.redrive, body, meta.messageId);
  // Marked before the message is processed: of two messages under one token, one only is served.
  if (grant && (await store.useRedriveGrant(context.redrive, meta.messageId))) return { senderId: grant.senderId };
  return { senderId: context.senderId, refused: true };
}

/**
 * A message naming a redrive grant that does not serve it: out of scope, nothing of it
 * kept (docs/security.md) — unless its event is applied already with this very body (a
 * copy of a redriven message), which is a duplicate.
 */
async function refuseRedrive(store: IngestStore, body: string, senderId: string | undefined): Promise<IngestOutcome> {
  const parsed = parseEvent(body);
  if (parsed.ok) {
    const applied = await store.findApplied({ source: parsed.event.source, eventId: parsed.event.id });
    if (applied?.hash === eventHash(parsed.event)) return { outcome: 'duplicate', eventId: parsed.event.id, type: parsed.event.type };
  }
  const envelopeKey = envelopeKeyOf(body);
  // Without a usable key the body is not kept either, so there is nothing to tell apart: one item per sender.
  const key = envelopeKey ? idempotencyKey(envelopeKey.source, envelopeKey.eventId) : 'redrive:unusable';
  const eventId = envelopeIdOf(body);
  const reason = 'out-of-scope';
  await store.storeRejected({
    id: rejectionId(key, senderId),
    key,
    eventId,
    ...(envelopeKey ? { source: envelopeKey.source } : {}),
    senderId: senderOf(senderId),
    ...(parsed.ok ? { type: parsed.event.type } : {}),
    reason,
    message: 'the message names a redrive grant that does not vouch for it (none, expired, for another body, or used by another message)',
    body: NO_BODY,
    rejectedAt: new Date().toISOString(),
  });
  return { outcome: 'rejected', eventId, reason };
}

const personField = (personId: string | undefined) => (personId ? { personId } : {});

/**
 * How a kept rejected body about `persons` (personsAbout) is indexed, so that `person
 * erase` of any of them finds it (docs/personal-data.md): the first is its person, the
 * others are linked to it.
 */
export function bodyIndexedBy(persons: readonly string[]): Pick<RejectedEvent, 'personId' | 'linkedPersonIds'> {
  const [about, ...linked] = persons;
  return { ...personField(about), ...(linked.length > 0 ? { linkedPersonIds: linked } : {}) };
}

/**
 * Every person `event` is about, as the ingest finds them (personsAbout) when it keeps a
 * rejected body: read outside the ingest (a DLQ message an operator discards), only the
 * dossier and the transfer it acts on, whose persons it may not name itself.
 */
export async function personsAboutEvent(store: Pick<IngestStore, 'loadNeeds'>, event: DomainEvent): Promise<string[]> {
  const data = event.data as { dossierId?: string; transferId?: string };
  const state = emptyState();
  await store.loadNeeds(
    { orgs: [], members: [], dossiers: data.dossierId ? [data.dossierId] : [], transfers: data.transferId ? [data.transferId] : [] },
    state,
  );
  return personsAbout(event, state);
}

/**
 * Stores `rejected`; its body only while its sender has fewer than `limit` bodies kept
 * (docs/security.md "Quotas"): past that, the rejection is kept with its reason and
 * without its body (it is counted, the producer can send it again), and the quota noted.
 * False when the body was left out for the quota.
 */
async function storeUnderQuota(store: IngestStore, rejected: RejectedEvent, limit: number, now: string): Promise<boolean> {
  if (rejected.body === NO_BODY || rejected.senderId === undefined) {
    await store.storeRejected(rejected);
    return true;
  }
  const quotaKey = quotaKeyOf(rejected.senderId);
  if ((await store.countRejectedKept(quotaKey)) < limit) {
    await store.storeRejected(rejected);
    return true;
  }
  const { personId: _personId, linkedPersonIds: _linked, ...rest } = rejected;
  await store.storeRejected({
    ...rest,
    body: NO_BODY,
    message: `${rejected.message} (its body is not kept: this producer has ${String(limit)} rejected events kept, its quota)`,
  });
  await store.noteQuotaReached({ senderId: quotaKey, kind: 'rejectedKept', limit, at: now });
  return false;
}

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
async function erasedAfter(
  store: Pick<IngestStore, 'erasures'>,
  persons: readonly string[],
  occurredAt: string | undefined,
): Promise<string | undefined> {
  if (persons.length === 0) return undefined;
  const erasures = await store.erasures(persons);
  const happened = occurredAt === undefined ? undefined : Date.parse(occurredAt);
  for (const person of persons) {
    const erasedAt = erasures.get(person);
    if (erasedAt !== undefined && (happened === undefined || Date.parse(erasedAt) >= happened)) return erasedAt;
  }
  return undefined;
}

/**
 * Whether a rejected body about `persons` from `senderId` is kept: none of them erased
 * since, the first under its cap (the ingest's rejections, and a DLQ message an operator discards).
 */
export async function mayKeepBodyAbout(
  store: Pick<IngestStore, 'erasures' | 'rejectedBodiesAbout'>,
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
 * what"). The org events that load the whole tree (a registration, a move, a
 * dissolution) are judged on it as it is; a rename, a target, an update or a rating
 * loads its org alone, and the chain above it comes from the copy like any event's.
 */
async function scopeDecision(
  store: IngestStore,
  event: DomainEvent,
  state: LoadedState,
  producer: Producer,
  orgTree: BatchOrgTree,
  registered: readonly Producer[],
): Promise<Decision | undefined> {
  if (producer.orgs.includes('*')) return undefined;
  if (event.type === 'org.registered') {
    // Org events load the whole tree: the chains above the other producer's grants are in it.
    const holder = reservedFor(event.data.orgId, producer, registered, state.orgs);
    if (holder) return reject('out-of-scope', `organization ${event.data.orgId} is granted by the producer registry to ${holder.name}`);
  }
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
