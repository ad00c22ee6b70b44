// domain/events: an event as it goes on the ingest queue the way producers must send it
// (docs/events.md): MessageGroupId = the person the event is about (its subject), the
// deduplication id derived from (source, id) and the body's hash, so that the same key
// with another body reaches the ingest (and is stored as a conflict) instead of being
// dropped by SQS. The queue itself is reached through the data layer (queue-sender.ts).
import { createHash, randomUUID } from 'node:crypto';
import type { DomainEvent } from './envelope.js';
import { groupIdOf, subjectOf } from './groups.js';

/** A body to send; `event` is set when it looks like an envelope, so that its subject can be the group. */
export interface Outgoing {
  body: string;
  /** The token of the redrive grant this message is sent under. */
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
