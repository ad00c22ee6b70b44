// data: what an operator does with events that did not apply: list them with their
// reasons, and send them again after a fix (CONTRACT §1, §10).
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from './clients.js';
import { config } from './config.js';
import { batchGetAll } from './dynamo-toolkit.js';
import { deleteRejected, listDeferred, listRejected, type RejectedEvent } from './ingest-store.js';
import { eventKey } from './keys.js';
import { outgoing, sendBatches } from './queue-sender.js';
import { NO_BODY } from '../use-cases/ports.js';

export { listRejected };

/**
 * Sends the stored bodies of these rejected events to the ingest queue again, then
 * forgets those that were sent: the stored item is the only copy of a body, so it goes
 * only once the queue holds the event again. A send that fails half-way leaves the rest
 * listed, and a resent event rejected again meanwhile keeps its new rejection.
 */
export async function redriveRejected(
  ids: string[],
  queueUrl: string,
): Promise<{ redriven: string[]; unknown: string[]; failed: string[] }> {
  const all = await listRejected();
  const byId = new Map(all.map((r) => [r.id, r]));
  const listed = ids.map((id) => byId.get(id)).filter((r): r is RejectedEvent => r !== undefined);
  // A rejection that kept no body (an unknown or out-of-scope sender) has nothing to send.
  const found = listed.filter((r) => r.body !== NO_BODY);
  const outcomes = await sendBatches(
    queueUrl,
    found.map((r) => outgoing(r.body)),
    { fresh: true },
  );
  const sent = found.filter((_, i) => outcomes[i]?.ok);
  for (const r of sent) await deleteRejected(r.id, r.rejectedAt);
  return {
    redriven: sent.map((r) => r.id),
    unknown: ids.filter((id) => !byId.has(id)),
    failed: [...found.filter((_, i) => !outcomes[i]?.ok), ...listed.filter((r) => r.body === NO_BODY)].map((r) => r.id),
  };
}

/** Events still waiting for a predecessor (retrying or in the DLQ), without those applied since. */
export async function listWaiting(): Promise<Awaited<ReturnType<typeof listDeferred>>> {
  // An event rejected once its predecessor came (a rule, out-of-scope) waits no longer either.
  const [deferred, rejected] = await Promise.all([listDeferred(), listRejected()]);
  const applied = await appliedIds(deferred.map((d) => d.eventId));
  const done = new Set(rejected.flatMap((r) => (r.eventId && r.reason !== 'conflict' ? [r.eventId] : [])));
  return deferred.filter((d) => !applied.has(d.eventId) && !done.has(d.eventId));
}

/** Which of these event ids have been applied. */
export async function appliedIds(ids: string[]): Promise<Set<string>> {
  const items = await batchGetAll(config.recordsTable(), [...new Set(ids)].map(eventKey), { projection: 'eventId' });
  return new Set(items.map((item) => item.eventId as string));
}

/**
 * Moves every message of the DLQ back to the ingest queue (fauxqs has no
 * StartMessageMoveTask; in AWS the console's "start DLQ redrive" does the same).
 */
export async function redriveDlq(dlqUrl: string, queueUrl: string): Promise<number> {
  let moved = 0;
  for (;;) {
    const out = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, VisibilityTimeout: 30 }),
    );
    const messages = out.Messages ?? [];
    if (messages.length === 0) return moved;
    const outcomes = await sendBatches(
      queueUrl,
      messages.map((m) => outgoing(m.Body ?? '')),
      { fresh: true },
    );
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
