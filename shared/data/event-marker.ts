// data: the marker an applied event leaves, item `EVENT#<source>/<id>` / `EVENT` (keys.ts). Its
// existence is the idempotency check; its body is the audit trail. The ingest's commit,
// the bulk import and the bench all write it, so that all three leave the same item.
import type { DomainEvent } from '../domain/events.js';
import type { AppliedEvent } from '../use-cases/ports.js';
import { eventKey } from './keys.js';

export type { AppliedEvent };

/** The marker of `event`, applied at `appliedAt` from the message `body`. */
export function appliedEvent(
  event: Pick<DomainEvent, 'id' | 'type' | 'source' | 'occurredAt'>,
  hash: string,
  body: string,
  appliedAt: string,
): AppliedEvent {
  return { eventId: event.id, type: event.type, hash, source: event.source, occurredAt: event.occurredAt, appliedAt, body };
}

/** The Records item of a marker. */
export function markerItem(marker: AppliedEvent): Record<string, unknown> {
  return { ...marker, ...eventKey(marker.source, marker.eventId), entity: 'event' };
}
