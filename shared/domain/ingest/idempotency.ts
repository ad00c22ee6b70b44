// domain: what identifies an event and what the ingest keeps of it (docs/events.md, §11).
// The idempotency key is (`source`, `id`): two district systems may both number their
// events `evt-1`. Rejected and waiting events are kept per sending identity as well, so
// that nothing a producer sends can overwrite or hide what another sent.
//
// Both `source` and `id` are `[A-Za-z0-9._:-]`: `/` joins them unambiguously, `@` and `#`
// cannot occur in either, so `<source>/<id>` is the key and what follows `@` the sender.
import { createHash } from 'node:crypto';
import type { DomainEvent } from '../events/envelope.js';
import { envelopeIdOf } from '../events/parse.js';

/** The idempotency key of an event. */
export interface EventKey {
  source: string;
  eventId: string;
}

/** `<source>/<id>`: one string per key, never the same for two keys. */
export const idempotencyKey = (source: string, eventId: string): string => `${source}/${eventId}`;

/** The key a rejection or a wait is stored under when the body has no usable envelope. */
export const messageKey = (messageId: string): string => `message:${messageId}`;

/** The sending identity as stored: the SQS SenderId, or `unknown` when a message had none. */
export const senderOf = (senderId: string | undefined): string => senderId ?? 'unknown';

/**
 * The id of a stored rejection: the event's key (or its message's), what kind of
 * rejection it is when several may stand side by side (`conflict:<hash>`: each other
 * body of an applied key), and the sending identity.
 */
export function rejectionId(key: string, senderId: string | undefined, variant?: string): string {
  return `${key}${variant ? `#${variant}` : ''}@${senderOf(senderId)}`;
}

/** The id of a waiting event: its key and the sending identity. */
export const waitingId = (key: string, senderId: string | undefined): string => `${key}@${senderOf(senderId)}`;

const SOURCE_PATTERN = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The key of a body that may not parse as an event: its `source` and `id` when both are
 * usable (the same key the event would have), else none: it is then known by its message.
 */
export function envelopeKeyOf(body: string): EventKey | undefined {
  const eventId = envelopeIdOf(body);
  if (eventId === undefined) return undefined;
  const source = (JSON.parse(body) as { source?: unknown }).source;
  return typeof source === 'string' && SOURCE_PATTERN.test(source) ? { source, eventId } : undefined;
}

/**
 * The hash of a parsed event, what its marker keeps: a redelivery with another body is a
 * conflict. Taken over the parsed event (NFC text, keys sorted), so the same event sent
 * as NFC or NFD text has the same hash.
 */
export function eventHash(event: DomainEvent): string {
  return createHash('sha256').update(canonicalJson(event)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
