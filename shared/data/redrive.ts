// data: what an operator does with events that did not apply: list them with their
// reasons, and send them again after a fix (CONTRACT §1, §10).
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { sqsClient } from './clients.js';
import { config } from './config.js';
import { batchGetAll } from './dynamo-toolkit.js';
import { idempotencyKey, type EventKey } from '../domain/ingest/idempotency.js';
import { deleteRejected, listDeferred, listRejected, type RejectedEvent, type WaitingEvent } from './ingest-store.js';
import { eventKey } from './keys.js';
import { LOCAL_SENDER_ATTRIBUTE, outgoing, REDRIVE_ATTRIBUTE, sendBatches } from './queue-sender.js';
import { grantRedrive } from './redrive-grant.js';
import { NO_BODY } from '../use-cases/ports.js';

export { listRejected };

/**
 * Sends the stored bodies of these rejected events to the ingest queue again, then
 * forgets those that were sent: the stored item is the only copy of a body, so it goes
 * only once the queue holds the event again. A send that fails half-way leaves the rest
 * listed, and a resent event rejected again meanwhile keeps its new rejection.
 *
 * Each is re-sent under a redrive grant for the identity that first sent it (redrive-grant.ts),
 * so that it is applied as what that producer may write, not as the operator. An id is a
 * listed rejection's `id`, or an event id that names exactly one listed rejection.
 */
export async function redriveRejected(
  ids: string[],
  queueUrl: string,
): Promise<{ redriven: string[]; unknown: string[]; failed: string[] }> {
  const all = await listRejected();
  const lookup = (id: string) => {
    const exact = all.find((r) => r.id === id);
    if (exact) return exact;
    const byEvent = all.filter((r) => r.eventId === id);
    return byEvent.length === 1 ? byEvent[0] : undefined;
  };
  const listed = ids.map(lookup).filter((r): r is RejectedEvent => r !== undefined);
  // A rejection that kept no body (an unknown or out-of-scope sender) has nothing to send.
  const found = listed.filter((r) => r.body !== NO_BODY);
  const items = [];
  // A rejection stored before senders were kept has none to keep: it goes as the operator.
  for (const r of found) items.push({ ...outgoing(r.body), ...(r.senderId ? { redrive: await grantRedrive(r.senderId, r.body) } : {}) });
  const outcomes = await sendBatches(queueUrl, items, { fresh: true });
  const sent = found.filter((_, i) => outcomes[i]?.ok);
  for (const r of sent) await deleteRejected(r.id, r.rejectedAt);
  return {
    redriven: sent.map((r) => r.id),
    unknown: ids.filter((id) => lookup(id) === undefined),
    failed: [...found.filter((_, i) => !outcomes[i]?.ok), ...listed.filter((r) => r.body === NO_BODY)].map((r) => r.id),
  };
}

/** Events still waiting for a predecessor (retrying or in the DLQ), without those applied since. */
export async function listWaiting(): Promise<WaitingEvent[]> {
  const [deferred, rejected] = await Promise.all([listDeferred(), listRejected()]);
  // A wait kept before waits were kept per sender has no source: known by its id alone.
  const keyOf = (d: WaitingEvent) => (d.source === undefined ? undefined : idempotencyKey(d.source, d.eventId));
  const applied = await appliedKeys(deferred.flatMap((d) => (d.source === undefined ? [] : [{ source: d.source, eventId: d.eventId }])));
  // An event rejected once its predecessor came (a rule, out-of-scope) waits no longer
  // either — the rejection of the same key from the same sender, not someone else's.
  const done = new Set(rejected.flatMap((r) => (r.key && r.reason !== 'conflict' ? [`${r.key}@${r.senderId ?? ''}`] : [])));
  return deferred.filter((d) => {
    const key = keyOf(d);
    return key === undefined || (!applied.has(key) && !done.has(`${key}@${d.senderId ?? ''}`));
  });
}

/** Which of these idempotency keys have been applied, as `<source>/<id>` (domain/ingest/idempotency.ts). */
export async function appliedKeys(keys: readonly EventKey[]): Promise<Set<string>> {
  const unique = [...new Map(keys.map((k) => [idempotencyKey(k.source, k.eventId), k])).values()];
  const items = await batchGetAll(
    config.recordsTable(),
    unique.map((k) => eventKey(k.source, k.eventId)),
    { projection: 'pk' },
  );
  return new Set(items.map((item) => String(item.pk).slice('EVENT#'.length)));
}

/**
 * Moves every message of the DLQ back to the ingest queue (fauxqs has no
 * StartMessageMoveTask). Each goes under a redrive grant for its first sender: the
 * `SenderId` SQS set when the producer sent it (a system attribute no producer can set),
 * or, for a message that was itself a redrive, the grant it already carries. On the local
 * stack (`localSenders`), where fauxqs gives every message the same SenderId, the sender
 * is the one `send --sender` named. (The AWS console's "start DLQ redrive" would send as
 * the operator: use this command instead.)
 */
export async function redriveDlq(dlqUrl: string, queueUrl: string, opts: { localSenders?: boolean } = {}): Promise<number> {
  let moved = 0;
  for (;;) {
    const out = await sqsClient().send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
        VisibilityTimeout: 30,
        MessageSystemAttributeNames: ['SenderId'],
        MessageAttributeNames: [LOCAL_SENDER_ATTRIBUTE, REDRIVE_ATTRIBUTE],
      }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return moved;
    const items = [];
    for (const m of messages) items.push({ ...outgoing(m.Body ?? ''), redrive: await dlqGrant(m, opts.localSenders === true) });
    const outcomes = await sendBatches(queueUrl, items, { fresh: true });
    // Only what the ingest queue took leaves the DLQ; the rest comes back after 30 s.
    const sent = messages.filter((_, i) => outcomes[i]?.ok);
    if (sent.length > 0) {
      await sqsClient().send(
        new DeleteMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: sent.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
        }),
      );
    }
    moved += sent.length;
    if (sent.length < messages.length)
      throw new Error(`the ingest queue refused ${messages.length - sent.length} messages; they stay in the DLQ`);
  }
}

/** The grant a DLQ message goes back under: the one it carries, else a new one for its SenderId. */
async function dlqGrant(message: Message, localSenders: boolean): Promise<string> {
  const carried = message.MessageAttributes?.[REDRIVE_ATTRIBUTE]?.StringValue;
  if (carried) return carried;
  const local = localSenders ? message.MessageAttributes?.[LOCAL_SENDER_ATTRIBUTE]?.StringValue : undefined;
  return grantRedrive(local ?? message.Attributes?.SenderId ?? 'unknown', message.Body ?? '');
}
