// data: the item an applied event's marker is, `EVENT#<source>/<id>` / `EVENT` (keys.ts),
// and its reads. Its existence is the idempotency check; it is also the audit trail (the
// marker itself: domain/ingest/applied-event.ts). The ingest's commit, the bulk import
// and the bench all write it through here, so that all three leave the same item.
import type { AppliedEvent } from '../domain/ingest/applied-event.js';
import { idempotencyKey, type EventKey } from '../domain/ingest/idempotency.js';
import { batchGetAll } from './dynamo-toolkit.js';
import { eventKey, legacyEventKey, personPartition, stripStorage } from './keys.js';
import type { RecordsTable } from './records-table.js';

/** The Records item of a marker. */
export function markerItem(marker: AppliedEvent): Record<string, unknown> {
  return {
    ...marker,
    ...eventKey(marker.source, marker.eventId),
    entity: 'event',
    ...(marker.personId ? { personKey: personPartition(marker.personId) } : {}),
  };
}

/**
 * The marker of (`source`, `eventId`), read consistently. A marker written before the
 * (source, id) key (`EVENT#<id>`) still counts when it records the same source: both keys
 * are read in one request, so upgrading needs no migration and costs one more read unit
 * per event.
 */
export async function findApplied({ documentClient, tableName }: RecordsTable, key: EventKey): Promise<AppliedEvent | undefined> {
  const current = eventKey(key.source, key.eventId);
  const legacy = legacyEventKey(key.eventId);
  const items = await batchGetAll(documentClient, tableName, [current, legacy], { consistentRead: true });
  const found = items.find((i) => i.pk === current.pk) ?? items.find((i) => i.pk === legacy.pk && i.source === key.source);
  return found ? stripStorage<AppliedEvent>(found) : undefined;
}

/** Which of these idempotency keys have been applied, as `<source>/<id>` (domain/ingest/idempotency.ts). */
export async function appliedKeys({ documentClient, tableName }: RecordsTable, keys: readonly EventKey[]): Promise<Set<string>> {
  const unique = [...new Map(keys.map((k) => [idempotencyKey(k.source, k.eventId), k])).values()];
  const items = await batchGetAll(
    documentClient,
    tableName,
    unique.map((k) => eventKey(k.source, k.eventId)),
    { projection: 'pk' },
  );
  return new Set(items.map((item) => String(item.pk).slice('EVENT#'.length)));
}
