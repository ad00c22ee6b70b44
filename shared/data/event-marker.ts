// data: the item an applied event's marker is, `EVENT#<source>/<id>` / `EVENT` (keys.ts).
// Its existence is the idempotency check; it is also the audit trail (the marker itself:
// domain/ingest/applied-event.ts). The ingest's commit, the bulk import and the bench
// all write it through here, so that all three leave the same item.
import type { AppliedEvent } from '../domain/ingest/applied-event.js';
import { eventKey, personPartition } from './keys.js';

/** The Records item of a marker. */
export function markerItem(marker: AppliedEvent): Record<string, unknown> {
  return {
    ...marker,
    ...eventKey(marker.source, marker.eventId),
    entity: 'event',
    ...(marker.personId ? { personKey: personPartition(marker.personId) } : {}),
  };
}
