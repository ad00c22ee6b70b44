// domain: what an applied event leaves behind: its idempotency marker, which is also its
// entry in the audit trail, without personal data (ids, type, source, dates, the rest of
// the data and the body's hash, which the store seals under the key of the person the
// event is about: an unkeyed hash of a body would let anyone check a guessed profile). The ingest's commit, the bulk import and the bench all
// make it here, so that all three leave the same marker (its item: shared/data/event-marker.ts).
import type { DomainEvent } from '../events/envelope.js';
import { redactedEvent } from '../personal-data.js';

/**
 * The idempotency marker of an applied event, and its entry in the audit trail: the
 * event without its personal fields (`redactedEvent`), so that a correction or an
 * erasure has nothing to follow there (docs/personal-data.md).
 */
export interface AppliedEvent {
  eventId: string;
  type: string;
  /**
   * `eventHash` of the parsed event: a redelivery with another body is a conflict. Stored
   * sealed under the key of the event's person; absent when read back after that key was
   * destroyed (an erasure): a redelivery can then no longer be told from a conflict.
   */
  hash?: string;
  source: string;
  occurredAt: string;
  appliedAt: string;
  /** The event as JSON, without its personal fields. */
  audit: string;
  /** The person the event is about, if any (index byPerson). */
  personId?: string;
}

/** The marker of `event` (whose canonical hash is `hash`), applied at `appliedAt`, about `personId`. */
export function appliedEvent(event: DomainEvent, hash: string, appliedAt: string, personId?: string): AppliedEvent {
  return {
    eventId: event.id,
    type: event.type,
    hash,
    source: event.source,
    occurredAt: event.occurredAt,
    appliedAt,
    audit: JSON.stringify(redactedEvent(event)),
    ...(personId ? { personId } : {}),
  };
}
