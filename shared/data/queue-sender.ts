// data: the ingest queue and its dead-letter queue on SQS. Each event goes in its message
// group with its deduplication id, the way producers must send it (domain/events/outgoing.ts);
// here is what SQS adds: batches of at most ten and 1 MiB, and the message attributes.
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { createHash } from 'node:crypto';
import { deduplicationIdOf, groupOf, type Outgoing } from '../domain/events/outgoing.js';
import type { EventQueue, SendOptions, SendOutcome } from '../use-cases/event-queue.js';
import type { DeadLetter, DeadLetterQueue } from '../use-cases/redrive/port.js';
import type { QueueDepth } from '../use-cases/status/port.js';

/** A queue on SQS and the client to reach it. */
export interface SqsQueue {
  sqs: SQSClient;
  queueUrl: string;
}

/**
 * The message attribute by which `dangvien send --sender ID` tells the LOCAL stack's SQS
 * runner which producer identity sent a message (fauxqs gives every message the same
 * SenderId). Only the local runner reads it, playing SQS's part of setting SenderId from
 * the caller; in AWS the ingest reads the SenderId SQS sets, never an attribute.
 */
export const LOCAL_SENDER_ATTRIBUTE = 'dangvien.localSender';

/**
 * The message attribute by which an operator's redrive names its grant (a REDRIVE item the
 * CLI wrote, redrive-grant.ts): the ingest loads the grant from its own table and, when it
 * vouches for this very body, processes the message as the sender recorded there. Anyone
 * may set the attribute; only a grant in the table gives it meaning.
 */
export const REDRIVE_ATTRIBUTE = 'dangvien.redrive';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** SQS's limits on one SendMessageBatch request: entries, and bytes of all bodies and attributes together. */
export const BATCH_LIMITS = { entries: 10, bytes: 1024 * 1024 } as const;

/** A message's size as SQS counts it against the batch limit: body, attribute names, types and values. */
function messageBytes(entry: { MessageBody: string; MessageAttributes?: Record<string, { DataType: string; StringValue?: string }> }) {
  let bytes = Buffer.byteLength(entry.MessageBody);
  for (const [name, a] of Object.entries(entry.MessageAttributes ?? {}))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(a.DataType) + Buffer.byteLength(a.StringValue ?? '');
  return bytes;
}

/**
 * Consecutive runs of `entries` that each fit in one request: at most ten, and at most
 * 1 MiB together (four 256 KiB bodies already exceed it). Order is kept, so each
 * message group's order is too.
 */
export function batchRequestsOf<T>(entries: readonly T[], bytesOf: (entry: T) => number): T[][] {
  const requests: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = bytesOf(entry);
    if (current.length === BATCH_LIMITS.entries || (current.length > 0 && bytes + size > BATCH_LIMITS.bytes)) {
      requests.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) requests.push(current);
  return requests;
}

function messageAttributes(item: Outgoing, opts: SendOptions) {
  const attributes = {
    ...(opts.localSender ? { [LOCAL_SENDER_ATTRIBUTE]: { DataType: 'String', StringValue: opts.localSender } } : {}),
    ...(item.redrive ? { [REDRIVE_ATTRIBUTE]: { DataType: 'String', StringValue: item.redrive } } : {}),
  };
  return Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {};
}

/**
 * The ingest queue on SQS. `send` goes in batches (ten at most, 1 MiB at most) and
 * answers, per item, its message id or the queue's refusal; `fresh: true` gives each send
 * a new deduplication id: a redrive must not be dropped as a copy of the send it repeats.
 * @example
 * const queue = createSqsEventQueue({ sqs: clients.sqs, queueUrl: 'https://sqs.ap-southeast-1.amazonaws.com/123456789012/dangvien-Ingest.fifo' });
 * const outcomes = await queue.send([outgoing(JSON.stringify(event))]);
 */
export function createSqsEventQueue({ sqs, queueUrl }: SqsQueue): EventQueue {
  return {
    async send(items, opts = {}) {
      const outcomes: SendOutcome[] = [];
      const entries = items.map((item, i) => ({
        MessageBody: item.body,
        MessageGroupId: groupOf(item),
        MessageDeduplicationId:
          opts.fresh || item.resend ? sha256(`${deduplicationIdOf(item)}:${Date.now()}:${i}`) : deduplicationIdOf(item),
        ...messageAttributes(item, opts),
      }));
      for (const chunk of batchRequestsOf(entries, messageBytes)) {
        const out = await sqs.send(
          new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((entry, j) => ({ Id: String(j), ...entry })) }),
        );
        chunk.forEach((_, j) => {
          const ok = out.Successful?.find((s) => s.Id === String(j));
          const failed = out.Failed?.find((f) => f.Id === String(j));
          outcomes.push(ok ? { ok: true, messageId: ok.MessageId ?? '' } : { ok: false, message: failed?.Message ?? 'not sent' });
        });
      }
      return outcomes;
    },
  };
}

/** Sends every item or throws, naming how many the queue refused (the demo city, the bench). */
export async function sendAll(queue: EventQueue, items: readonly Outgoing[], opts: SendOptions = {}): Promise<string[]> {
  const outcomes = await queue.send(items, opts);
  const refused = outcomes.filter((o) => !o.ok);
  if (refused.length > 0)
    throw new Error(`the queue refused ${refused.length} messages: ${refused[0] && !refused[0].ok ? refused[0].message : ''}`);
  return outcomes.map((o) => (o.ok ? o.messageId : ''));
}

/**
 * The ingest's dead-letter queue on SQS (fauxqs has no StartMessageMoveTask, so a redrive
 * receives and deletes). A message's first sender is the `SenderId` SQS set when the
 * producer sent it; with `localSenders` (the local stack, where fauxqs gives every message
 * the same SenderId) the one `send --sender` named.
 * @example
 * const dlq = createSqsDeadLetterQueue({ sqs: clients.sqs, queueUrl: dlqUrl });
 * const moved = await redriveDlq(redriveStore, dlq, ingestQueue);
 */
export function createSqsDeadLetterQueue({ sqs, queueUrl, localSenders = false }: SqsQueue & { localSenders?: boolean }): DeadLetterQueue {
  return {
    async receive() {
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 30,
          MessageSystemAttributeNames: ['SenderId', 'MessageGroupId'],
          MessageAttributeNames: [LOCAL_SENDER_ATTRIBUTE, REDRIVE_ATTRIBUTE],
        }),
      );
      return (out.Messages ?? []).map((m): DeadLetter => {
        const local = localSenders ? m.MessageAttributes?.[LOCAL_SENDER_ATTRIBUTE]?.StringValue : undefined;
        const firstSender = local ?? m.Attributes?.SenderId;
        const redrive = m.MessageAttributes?.[REDRIVE_ATTRIBUTE]?.StringValue;
        const group = m.Attributes?.MessageGroupId;
        return {
          body: m.Body ?? '',
          ...(group ? { group } : {}),
          receipt: m.ReceiptHandle ?? '',
          ...(firstSender ? { firstSender } : {}),
          ...(redrive ? { redrive } : {}),
        };
      });
    },
    async remove(messages) {
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receipt })),
        }),
      );
    },
    async giveBack(messages) {
      // One call each: fauxqs is measured with ChangeMessageVisibility, not its batch form.
      for (const m of messages)
        await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.receipt, VisibilityTimeout: 0 }));
    },
  };
}

/** How many messages a queue holds: visible (delayed ones included) and in flight. */
export async function queueDepth({ sqs, queueUrl }: SqsQueue): Promise<QueueDepth> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = out.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}
