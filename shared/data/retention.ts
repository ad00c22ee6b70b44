// data: how long the Records table keeps what is only useful for a while (docs/security.md
// "What expires"), and the one reading of an item's `expiresAt`. DynamoDB deletes an
// expired item within a few days, DynamoDB Local never: every read of these items ignores
// the expired ones itself, so that both behave alike.
import { DEFAULT_QUEUE_RETENTION_DAYS, INGEST_DLQ, INGEST_QUEUE, TTL_ATTRIBUTE } from '../resources.js';

const DAY_SECONDS = 86_400;

/**
 * A message lives at most this long: the ingest queue keeps it, and the (FIFO) dead-letter
 * queue keeps it again from the move. What stands for a message that may still come back
 * (a redrive grant, the note of a waiting event, a hold of its group) lives as long.
 */
const MESSAGE_LIFETIME_DAYS =
  (INGEST_QUEUE.retentionDays ?? DEFAULT_QUEUE_RETENTION_DAYS) + (INGEST_DLQ.retentionDays ?? DEFAULT_QUEUE_RETENTION_DAYS);

/** Days each kind of item is kept (docs/security.md). */
export const RETENTION_DAYS = {
  /** A rejected event: a month for its producer to fix it and an operator to redrive it. */
  rejected: 30,
  /** A waiting event's note: as long as the event may sit in the dead-letter queue. */
  waiting: MESSAGE_LIFETIME_DAYS,
  /** A redrive grant: as long as the message it was written for may come back from the DLQ. */
  grant: MESSAGE_LIFETIME_DAYS,
  /** A message group held behind an event in the dead-letter queue. */
  hold: MESSAGE_LIFETIME_DAYS,
} as const;

/** The `expiresAt` (epoch seconds) of an item written at `at` and kept `days`. */
export const expiresAtOf = (at: Date, days: number): number => Math.floor(at.getTime() / 1000) + days * DAY_SECONDS;

/** Whether an item read now is still kept: one without `expiresAt` never expires. */
export function isLive(item: Record<string, unknown>, now = new Date()): boolean {
  const expiresAt = item[TTL_ATTRIBUTE];
  return typeof expiresAt !== 'number' || expiresAt > now.getTime() / 1000;
}

/** A filter for reads that cannot look at each item themselves (a COUNT), with its names and values. */
export function liveFilter(now = new Date()) {
  return {
    expression: '(attribute_not_exists(#expiresAt) OR #expiresAt > :now)',
    names: { '#expiresAt': TTL_ATTRIBUTE },
    values: { ':now': Math.floor(now.getTime() / 1000) },
  };
}
