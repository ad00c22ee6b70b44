// data: the marker an applied event leaves, item `EVENT#<source>/<id>` / `EVENT` (keys.ts). Its
// existence is the idempotency check; it is also the audit trail, without personal
// data: ids, type, source, dates, the rest of the data and the body's hash. The
// ingest's commit, the bulk import and the bench all write it, so that all three leave
// the same item.
import type { DomainEvent } from '../domain/events/index.js';
import { redactedEvent } from '../domain/personal-data.js';
import type { AppliedEvent } from '../use-cases/ports.js';
import { eventKey, personPartition } from './keys.js';

export type { AppliedEvent };

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

/** The Records item of a marker. */
export function markerItem(marker: AppliedEvent): Record<string, unknown> {
  return {
    ...marker,
    ...eventKey(marker.source, marker.eventId),
    entity: 'event',
    ...(marker.personId ? { personKey: personPartition(marker.personId) } : {}),
  };
}
