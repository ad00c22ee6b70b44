// data: putting events on the ingest queue the way producers must (CONTRACT §1):
// MessageGroupId = the event's subject, deduplication id = the event id.
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { subjectOf, type DomainEvent } from '../domain/events.js';
import { sqsClient } from './clients.js';

/** A body to send; `event` is set when it parsed, so that its subject can be the group. */
export interface Outgoing {
  body: string;
  event?: Pick<DomainEvent, 'id' | 'type' | 'data'>;
}

/** Group of a body that does not parse: its own, so that it blocks nothing else. */
function fallbackGroup(body: string): string {
  return `unparsed:${createHash('sha256').update(body).digest('hex').slice(0, 16)}`;
}

function safeSubject(event: Outgoing['event']): string | undefined {
  try {
    const subject = subjectOf(event as DomainEvent);
    return typeof subject === 'string' && subject.length > 0 && subject.length <= 128 ? subject : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Sends in batches of ten. `dedupe: false` gives each send a fresh deduplication id,
 * for a redrive within SQS's 5-minute deduplication window.
 */
export async function sendEvents(queueUrl: string, items: Outgoing[], opts: { dedupe?: boolean } = {}): Promise<void> {
  for (let i = 0; i < items.length; i += 10) {
    const chunk = items.slice(i, i + 10);
    const out = await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: chunk.map((item, j) => {
          const group = (item.event && safeSubject(item.event)) || fallbackGroup(item.body);
          const dedup =
            opts.dedupe === false || !item.event
              ? createHash('sha256')
                  .update(`${item.body}:${Date.now()}:${i + j}`)
                  .digest('hex')
              : item.event.id;
          return { Id: String(j), MessageBody: item.body, MessageGroupId: group, MessageDeduplicationId: dedup.slice(0, 128) };
        }),
      }),
    );
    if (out.Failed?.length) throw new Error(`the queue refused ${out.Failed.length} messages: ${out.Failed[0]?.Message ?? ''}`);
  }
}

/** The outgoing form of a raw body: parsed enough to know its id and subject. */
export function outgoing(body: string): Outgoing {
  try {
    const value = JSON.parse(body) as { id?: unknown; type?: unknown; data?: unknown };
    if (typeof value?.id === 'string' && typeof value.type === 'string' && value.data && typeof value.data === 'object') {
      return { body, event: { id: value.id, type: value.type as DomainEvent['type'], data: value.data as DomainEvent['data'] } };
    }
  } catch {
    // Not JSON: still sent, and the ingest stores it as rejected with its reason.
  }
  return { body };
}
