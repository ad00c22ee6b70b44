// data: the item an applied event's marker is, `EVENT#<source>/<id>` / `EVENT` (keys.ts),
// and its reads. Its existence is the idempotency check; it is also the audit trail (the
// marker itself: domain/ingest/applied-event.ts). The ingest's commit, the bulk import
// and the bench all write it through here, so that all three leave the same item.
//
// The hash of an event about a person covers their profile: kept in the clear, anyone
// who reads the table could check a guessed profile against it (a religion is one of ten
// values), also after an erasure. So it is sealed under the person's key (`sealedHash`),
// which an erasure destroys; only events about no person (the organizations) keep a
// plain `hash`.
import type { AppliedEvent } from '../domain/ingest/applied-event.js';
import { idempotencyKey, type EventKey } from '../domain/ingest/idempotency.js';
import { batchGetAll } from './dynamo-toolkit.js';
import { eventKey, legacyEventKey, personPartition, stripStorage } from './keys.js';
import type { PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { isSealed, open, seal, type PersonKey } from './sealing.js';

/**
 * The Records item of a marker: its hash sealed under `key`, the key of the person the
 * event is about (required when there is one).
 */
export function markerItem(marker: AppliedEvent, key?: PersonKey): Record<string, unknown> {
  const { hash, ...rest } = marker;
  if (marker.personId && key?.personId !== marker.personId) {
    throw new Error(`refusing to store the hash of event ${marker.eventId} unkeyed: no key for the person it is about`);
  }
  return {
    ...rest,
    ...(hash === undefined ? {} : key ? { sealedHash: seal(key, hash) } : { hash }),
    ...eventKey(marker.source, marker.eventId),
    entity: 'event',
    ...(marker.personId ? { personKey: personPartition(marker.personId) } : {}),
  };
}

/** The marker an item holds, its hash opened with the keys at hand (absent when it cannot be). */
export function markerOf(item: Record<string, unknown>, keys: ReadonlyMap<string, PersonKey>): AppliedEvent {
  const { sealedHash, ...marker } = stripStorage<AppliedEvent & { sealedHash?: string }>(item);
  if (!isSealed(sealedHash)) return marker;
  const key = marker.personId ? keys.get(marker.personId) : undefined;
  const hash = key ? open(key, sealedHash) : undefined;
  return typeof hash === 'string' ? { ...marker, hash } : marker;
}

/**
 * The marker of (`source`, `eventId`), read consistently, its hash opened with the key of
 * its person. A marker written before the (source, id) key (`EVENT#<id>`) still counts
 * when it records the same source: both keys are read in one request, so upgrading needs
 * no migration and costs one more read unit per event.
 */
export async function findApplied(
  { documentClient, tableName }: RecordsTable,
  vault: PersonalVault,
  key: EventKey,
): Promise<AppliedEvent | undefined> {
  const current = eventKey(key.source, key.eventId);
  const legacy = legacyEventKey(key.eventId);
  const items = await batchGetAll(documentClient, tableName, [current, legacy], { consistentRead: true });
  const found = items.find((i) => i.pk === current.pk) ?? items.find((i) => i.pk === legacy.pk && i.source === key.source);
  if (!found) return undefined;
  const personId = typeof found.personId === 'string' && isSealed(found.sealedHash) ? found.personId : undefined;
  return markerOf(found, personId ? await vault.keys([personId], { create: false }) : new Map());
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
