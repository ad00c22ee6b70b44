// data: what an operator does with events that did not apply: list them with their
// reasons, and send them again after a fix (CONTRACT §1, §10).
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from './clients.js';
import { config } from './config.js';
import { batchGetAll } from './dynamo-toolkit.js';
import { deleteRejected, listDeferred, listRejected, type RejectedEvent } from './ingest-store.js';
import { eventKey } from './keys.js';
import { outgoing, sendEvents } from './queue-sender.js';

export { listRejected };

/** Sends the stored bodies of these rejected events to the ingest queue again and forgets them. */
export async function redriveRejected(ids: string[], queueUrl: string): Promise<{ redriven: string[]; unknown: string[] }> {
  const all = await listRejected();
  const byId = new Map(all.map((r) => [r.id, r]));
  const found = ids.map((id) => byId.get(id)).filter((r): r is RejectedEvent => r !== undefined);
  // A rejection stored again after the resend means the fix did not hold: delete first.
  for (const r of found) await deleteRejected(r.id);
  await sendEvents(
    queueUrl,
    found.map((r) => outgoing(r.body)),
    { dedupe: false },
  );
  return { redriven: found.map((r) => r.id), unknown: ids.filter((id) => !byId.has(id)) };
}

/** Events still waiting for a predecessor (retrying or in the DLQ), without those applied since. */
export async function listWaiting(): Promise<Awaited<ReturnType<typeof listDeferred>>> {
  const deferred = await listDeferred();
  const applied = await appliedIds(deferred.map((d) => d.eventId));
  return deferred.filter((d) => !applied.has(d.eventId));
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
    await sendEvents(
      queueUrl,
      messages.map((m) => outgoing(m.Body ?? '')),
      { dedupe: false },
    );
    await sqsClient().send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle ?? '' })),
      }),
    );
    moved += messages.length;
  }
}
