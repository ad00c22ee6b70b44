// use cases: what an operator does with events that did not apply: see those still
// waiting, and send rejected events and the dead-letter queue again after a fix
// (docs/events.md, §10). Each goes back under a redrive grant for the identity that first
// sent it, so that it is applied as what that producer may write, not as the operator.
// (adapter) CLI `rejected`, `dlq` --> use case --> RedriveStore, EventQueue, DeadLetterQueue (port.ts)
import { outgoing, type Outgoing } from '../../domain/events/outgoing.js';
import { idempotencyKey } from '../../domain/ingest/idempotency.js';
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
  // A rejection stored before senders were kept has none to keep: it goes as the operator.
  for (const r of found)
    items.push({ ...outgoing(r.body), ...(r.senderId ? { redrive: await store.grantRedrive(r.senderId, r.body) } : {}) });
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
 * Moves every message of the DLQ back to the ingest queue, each under a redrive grant for
 * its first sender (or the grant it already carries). Only what the ingest queue took
 * leaves the DLQ. (The AWS console's "start DLQ redrive" would send as the operator: use
 * this instead.)
 * @throws Error when the ingest queue refuses messages; they stay in the DLQ.
 */
export async function redriveDlq(store: RedriveStore, dlq: DeadLetterQueue, queue: EventQueue): Promise<number> {
  let moved = 0;
  for (;;) {
    const messages = await dlq.receive();
    if (messages.length === 0) return moved;
    const items: Outgoing[] = [];
    for (const m of messages) items.push({ ...outgoing(m.body), redrive: await grantOf(store, m) });
    const outcomes = await queue.send(items, { fresh: true });
    // The rest comes back once its visibility runs out.
    const sent = messages.filter((_, i) => outcomes[i]?.ok);
    if (sent.length > 0) await dlq.remove(sent);
    moved += sent.length;
    if (sent.length < messages.length)
      throw new Error(`the ingest queue refused ${messages.length - sent.length} messages; they stay in the DLQ`);
  }
}

/** The grant a DLQ message goes back under: the one it carries, else a new one for its first sender. */
async function grantOf(store: RedriveStore, message: DeadLetter): Promise<string> {
  return message.redrive ?? store.grantRedrive(message.firstSender ?? 'unknown', message.body);
}
