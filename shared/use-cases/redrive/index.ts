// use cases: what an operator does with events that did not apply: see those still
// waiting, and send rejected events and the dead-letter queue again after a fix
// (docs/events.md, §10). Each goes back under a redrive grant for the identity that first
// sent it, so that it is applied as what that producer may write, not as the operator.
// (adapter) CLI `rejected`, `dlq` --> use case --> RedriveStore, EventQueue, DeadLetterQueue (port.ts)
import { outgoing, type Outgoing } from '../../domain/events/outgoing.js';
import { idempotencyKey, senderOf } from '../../domain/ingest/idempotency.js';
import type { EventQueue } from '../event-queue.js';
import { NO_BODY, type RejectedEvent } from '../ingest-event/port.js';
import type { DeadLetter, DeadLetterQueue, RedriveStore, WaitingEvent } from './port.js';

export type { DeadLetter, DeadLetterQueue, RedriveStore, WaitingEvent };

/**
 * Sends the stored bodies of these rejected events to the ingest queue again, then
 * forgets those that were sent: the stored item is the only copy of a body, so it goes
 * only once the queue holds the event again. A send that fails half-way leaves the rest
 * listed, and a resent event rejected again meanwhile keeps its new rejection. An id is a
 * listed rejection's `id`, or an event id that names exactly one listed rejection.
 */
export async function redriveRejected(
  store: RedriveStore,
  queue: EventQueue,
  ids: string[],
): Promise<{ redriven: string[]; unknown: string[]; failed: string[] }> {
  const all = await store.listRejected();
  const lookup = (id: string) => {
    const exact = all.find((r) => r.id === id);
    if (exact) return exact;
    const byEvent = all.filter((r) => r.eventId === id);
    return byEvent.length === 1 ? byEvent[0] : undefined;
  };
  const listed = ids.map(lookup).filter((r): r is RejectedEvent => r !== undefined);
  // A rejection that kept no body (an unknown or out-of-scope sender) has nothing to send.
  const found = listed.filter((r) => r.body !== NO_BODY);
  const items: Outgoing[] = [];
  // A rejection stored before senders were kept has none to keep: it goes as nobody
  // (`unknown`), never as the operator who re-sends it.
  for (const r of found) items.push({ ...outgoing(r.body), redrive: await store.grantRedrive(senderOf(r.senderId), r.body) });
  const outcomes = await queue.send(items, { fresh: true });
  const sent = found.filter((_, i) => outcomes[i]?.ok);
  for (const r of sent) await store.deleteRejected(r);
  return {
    redriven: sent.map((r) => r.id),
    unknown: ids.filter((id) => lookup(id) === undefined),
    failed: [...found.filter((_, i) => !outcomes[i]?.ok), ...listed.filter((r) => r.body === NO_BODY)].map((r) => r.id),
  };
}

/** Events still waiting for a predecessor (retrying or in the DLQ), without those applied since. */
export async function listWaiting(store: RedriveStore): Promise<WaitingEvent[]> {
  const [deferred, rejected] = await Promise.all([store.listDeferred(), store.listRejected()]);
  // A wait kept before waits were kept per sender has no source: known by its id alone.
  const keyOf = (d: WaitingEvent) => (d.source === undefined ? undefined : idempotencyKey(d.source, d.eventId));
  const applied = await store.appliedKeys(
    deferred.flatMap((d) => (d.source === undefined ? [] : [{ source: d.source, eventId: d.eventId }])),
  );
  // An event rejected once its predecessor came (a rule, out-of-scope) waits no longer
  // either — the rejection of the same key from the same sender, not someone else's.
  const done = new Set(rejected.flatMap((r) => (r.key && r.reason !== 'conflict' ? [`${r.key}@${r.senderId ?? ''}`] : [])));
  return deferred.filter((d) => {
    const key = keyOf(d);
    return key === undefined || (!applied.has(key) && !done.has(`${key}@${d.senderId ?? ''}`));
  });
}

/**
 * Moves every message of the DLQ back to the ingest queue, each under a new redrive grant
 * for the producer that sent it. Only what the ingest queue took leaves the DLQ, and the
 * grants the re-sent messages carried are deleted with them. (The AWS console's "start
 * DLQ redrive" would send as the operator: use this instead.)
 * @throws Error when the ingest queue refuses messages; they stay in the DLQ.
 */
export async function redriveDlq(store: RedriveStore, dlq: DeadLetterQueue, queue: EventQueue): Promise<number> {
  let moved = 0;
  for (;;) {
    const messages = await dlq.receive();
    if (messages.length === 0) return moved;
    const senders = await Promise.all(messages.map((m) => senderOfDeadLetter(store, m)));
    const items: Outgoing[] = [];
    // Each back in the group it was in, in the order it was in there.
    for (const [i, m] of messages.entries())
      items.push({
        ...outgoing(m.body),
        ...(m.group ? { person: m.group } : {}),
        redrive: await store.grantRedrive(senders[i]!.senderId, m.body),
      });
    const outcomes = await queue.send(items, { fresh: true });
    // The rest comes back once its visibility runs out.
    const sent = messages.filter((_, i) => outcomes[i]?.ok);
    if (sent.length > 0) await dlq.remove(sent);
    for (const [i, m] of messages.entries()) if (outcomes[i]?.ok && senders[i]!.grant) await store.revokeRedriveGrant(senders[i]!.grant!);
    moved += sent.length;
    if (sent.length < messages.length)
      throw new Error(`the ingest queue refused ${messages.length - sent.length} messages; they stay in the DLQ`);
  }
}

/**
 * Whose a DLQ message is: the producer that sent it — SQS's SenderId of the message (no
 * producer can set it) — or, for a message that was itself a redrive, the sender its grant
 * records, when the table keeps that grant and it vouches for this body. A token the
 * message merely carries is an attribute its producer could have set: alone it proves
 * nothing, and the message stays its SQS sender's.
 */
export async function senderOfDeadLetter(
  store: Pick<RedriveStore, 'grantedSender'>,
  message: DeadLetter,
): Promise<{ senderId: string; grant?: string }> {
  const granted = message.redrive ? await store.grantedSender(message.redrive, message.body) : undefined;
  if (granted !== undefined) return { senderId: granted, grant: message.redrive };
  return { senderId: senderOf(message.firstSender) };
}
