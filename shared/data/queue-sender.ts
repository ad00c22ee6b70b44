// data: putting events on the ingest queue the way producers must (CONTRACT §1):
// MessageGroupId = the person the event is about (its subject), the deduplication id
// derived from (source, id) and the body's hash, so that the same key with another body
// reaches the ingest (and is stored as a conflict) instead of being dropped by SQS.
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { createHash, randomUUID } from 'node:crypto';
import { groupIdOf, subjectOf, type DomainEvent } from '../domain/events/index.js';
import { sqsClient } from './clients.js';

/** A body to send; `event` is set when it looks like an envelope, so that its subject can be the group. */
export interface Outgoing {
  body: string;
  /** The token of the redrive grant this message is sent under (REDRIVE_ATTRIBUTE). */
  redrive?: string;
  event?: Pick<DomainEvent, 'id' | 'type' | 'data'> & { source?: unknown };
  /** The person, when the sender found it elsewhere than in the event (`dangvien send`). */
  person?: string;
  /**
   * Sent with a deduplication id of its own, like a redrive: the same body was sent and
   * rejected before, and SQS would drop this copy within five minutes of that one, while
   * the sender waits for the ingest to say `rejected` again.
   */
  resend?: boolean;
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

export interface SendOptions {
  /** A new deduplication id for each send (a redrive). */
  fresh?: boolean;
  /** Local stack only: the producer identity to send as (see LOCAL_SENDER_ATTRIBUTE). */
  localSender?: string;
}

/** What a batch send did, per item: its SQS message id, or why the queue refused it. */
export type SendOutcome = { ok: true; messageId: string } | { ok: false; message: string };

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** Group of a body that does not parse: its own, so that it blocks nothing else. */
function fallbackGroup(body: string): string {
  return `unparsed:${sha256(body).slice(0, 16)}`;
}

/** The message group of an item: its person (found or named), else its subject, else its own. */
export function groupOf(item: Outgoing): string {
  if (item.person !== undefined) return groupIdOf(item.person);
  try {
    const subject: unknown = item.event ? subjectOf(item.event as DomainEvent) : undefined;
    if (typeof subject === 'string' && subject !== '') return subject;
  } catch {
    // A malformed envelope: the ingest rejects it; it must not block anyone's group.
  }
  return fallbackGroup(item.body);
}

/**
 * The deduplication id: (source, id) and the body's hash. A resend of the same body within
 * five minutes is dropped by SQS (harmless: it would be a duplicate); another body under
 * the same key gets another id and reaches the ingest, which stores it as `conflict`. A
 * body that is no envelope has no key: each send of it is its own message, so that each
 * is stored as rejected and counted.
 */
export function deduplicationIdOf(item: Outgoing): string {
  if (!item.event) return sha256(`${item.body}\u0000${randomUUID()}`);
  const source = typeof item.event.source === 'string' ? item.event.source : '';
  return sha256(`${source}\u0000${item.event.id}\u0000${sha256(item.body)}`);
}

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

/**
 * Sends items in batches (ten at most, 1 MiB at most) and answers, per item, its message
 * id or the queue's refusal; never throws for a refused item, so a caller can act on
 * exactly what was sent. `fresh: true` gives each send a new deduplication id: a redrive
 * must not be dropped as a copy of the send it repeats.
 */
export async function sendBatches(queueUrl: string, items: readonly Outgoing[], opts: SendOptions = {}): Promise<SendOutcome[]> {
  const outcomes: SendOutcome[] = [];
  const entries = items.map((item, i) => ({
    MessageBody: item.body,
    MessageGroupId: groupOf(item),
    MessageDeduplicationId: opts.fresh || item.resend ? sha256(`${deduplicationIdOf(item)}:${Date.now()}:${i}`) : deduplicationIdOf(item),
    ...messageAttributes(item, opts),
  }));
  for (const chunk of batchRequestsOf(entries, messageBytes)) {
    const out = await sqsClient().send(
      new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: chunk.map((entry, j) => ({ Id: String(j), ...entry })) }),
    );
    chunk.forEach((_, j) => {
      const ok = out.Successful?.find((s) => s.Id === String(j));
      const failed = out.Failed?.find((f) => f.Id === String(j));
      outcomes.push(ok ? { ok: true, messageId: ok.MessageId ?? '' } : { ok: false, message: failed?.Message ?? 'not sent' });
    });
  }
  return outcomes;
}

function messageAttributes(item: Outgoing, opts: SendOptions) {
  const attributes = {
    ...(opts.localSender ? { [LOCAL_SENDER_ATTRIBUTE]: { DataType: 'String', StringValue: opts.localSender } } : {}),
    ...(item.redrive ? { [REDRIVE_ATTRIBUTE]: { DataType: 'String', StringValue: item.redrive } } : {}),
  };
  return Object.keys(attributes).length > 0 ? { MessageAttributes: attributes } : {};
}

/** Sends every item or throws, naming how many the queue refused. */
export async function sendEvents(queueUrl: string, items: readonly Outgoing[], opts: SendOptions = {}): Promise<string[]> {
  const outcomes = await sendBatches(queueUrl, items, opts);
  const refused = outcomes.filter((o) => !o.ok);
  if (refused.length > 0)
    throw new Error(`the queue refused ${refused.length} messages: ${refused[0] && !refused[0].ok ? refused[0].message : ''}`);
  return outcomes.map((o) => (o.ok ? o.messageId : ''));
}

/** The outgoing form of a raw body: parsed enough to know its id, source and subject. */
export function outgoing(body: string): Outgoing {
  try {
    const value = JSON.parse(body) as { id?: unknown; type?: unknown; data?: unknown; source?: unknown };
    if (typeof value?.id === 'string' && typeof value.type === 'string' && value.data && typeof value.data === 'object') {
      return {
        body,
        event: { id: value.id, type: value.type as DomainEvent['type'], data: value.data as DomainEvent['data'], source: value.source },
      };
    }
  } catch {
    // Not JSON: still sent, and the ingest stores it as rejected with its reason.
  }
  return { body };
}
