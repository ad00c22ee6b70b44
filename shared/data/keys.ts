// data: how each record sits in the Records table (single-table design).
//
//   pk                      sk            what
//   ORGS                    ORG#<id>      an organization (one partition: the tree loads in one query)
//   ORGTREE                 VERSION       a counter bumped with every change of the tree's shape (org-tree.ts)
//   MEMBER#<id>             MEMBER        a member
//   DOSSIER#<id>            DOSSIER       an admission dossier
//   TRANSFER#<id>           TRANSFER      a transfer
//   CANDIDATE#<personId>    CANDIDATE     a person in (or once in) a candidate pool
//   FACT#<cell>#<year>      <factId>      one event's contribution to a yearly figure
//   EVENT#<source>/<id>     EVENT         an applied event: the idempotency marker and the audit trail
//   IMPORT#<fileHash>       FIGURES       a run of `dangvien import` of that file counted every row it marked (member-import-store.ts)
//   REJECTED                <rejection>   an event that can never apply, with its reason and its sender
//   REJECTED-LINK           <rejection>|<person>  another person a rejected event is about (rejected-events.ts)
//   DEFERRED                <quota>#<waiting>  an event waiting for its predecessor, with its reason and its sender
//   REDRIVE                 <token>       an operator's redrive: whose event a re-sent body is (redrive-grant.ts)
//   QUOTA                   <quota>#<kind>  a producer reached a quota: what `dangvien status` shows
//   QUOTA-COUNT#<quota>     MINUTE#<minute>  its events in that minute (quotas.ts)
//   QUOTA-COUNT#<quota>     KEPT#<day>    its rejected bodies kept that were rejected that day
//   HOLD                    <group>       a message group held behind an event in the dead-letter queue (group-holds.ts)
//
// The idempotency key is (`source`, `id`) (docs/events.md): both are `[A-Za-z0-9._:-]`, so
// `/` cannot occur in either and `<source>/<id>` names one key only. Markers written
// before this layout (`EVENT#<id>`, its `source` an attribute) are still honoured: the
// ingest reads that key too when the new one is absent (ingest-store.ts findApplied).
// `<rejection>` and `<waiting>` add the sending identity (`<source>/<id>@<senderId>`,
// see domain/ingest/idempotency.ts), so that no producer can overwrite what another sent.
// `<quota>` is the sending identity without a role session (domain/ingest/quotas.ts): a
// waiting note starts with it, so that a producer's waiting events are counted by a query
// of its own prefix. Notes written before start with the waiting id: listed, not counted.
// Waiting notes, grants, quota notes and counters, and holds expire (`expiresAt`, retention.ts).
//   PERSON#<id>             SALT          a person's key material (personal-vault.ts)
//   ERASED#<pseudonym>      ERASED        a tombstone: the person with that pseudonym was erased (personal-vault.ts)
//   VAULT                   ERASURE, MASTER…  the erasure secret and the master secrets (personal-vault.ts, master-secret.ts)
//
// `personKey` (index byPerson, sparse) names the person an item is about: members,
// dossiers, transfers, candidates, the markers of events about a person and rejected events that
// name one. It is how `person show` and `person erase` find every copy (docs/personal-data.md).
// Profiles are stored sealed (`sealedProfile`, sealed-records.ts).
//
// `lastEventId` is the event that last wrote an item: the figures log it, so that one
// event is followed from the ingest through the stream.
//
// `cellKey` (index byCell) is set while a record counts for a cell now: an active member,
// an open dossier, a transfer awaiting receipt (sending cell) or a temporary attendee
// (receiving cell). It is what a cell's current figures are recounted from.
//
// `remindMonth`/`remindOn` (index byRemindOn, sparse) are set while a record may still
// need a reminder: the first day it may, see domain/reminder-index.ts.
//
// `figuresBy` = `import` is on a member item the bulk import wrote and counted itself
// (member-import-store.ts): the figures function leaves that insert aside
// (stream-changes.ts). Only the import sets it; the next write of the record drops it.
import type { Entity, FactRecord, StoredRecord } from '../domain/records.js';
import { idempotencyKey } from '../domain/ingest/idempotency.js';
import { quotaKeyOf } from '../domain/ingest/quotas.js';
import { traitsOf } from '../domain/personal-data.js';
import { indexAttributes } from '../domain/reminder-index.js';
import { withoutSealed } from './sealed-records.js';

export const orgKey = (orgId: string) => ({ pk: 'ORGS', sk: `ORG#${orgId}` });
export const memberKey = (memberId: string) => ({ pk: `MEMBER#${memberId}`, sk: 'MEMBER' });
export const dossierKey = (dossierId: string) => ({ pk: `DOSSIER#${dossierId}`, sk: 'DOSSIER' });
export const transferKey = (transferId: string) => ({ pk: `TRANSFER#${transferId}`, sk: 'TRANSFER' });
export const candidateKey = (personId: string) => ({ pk: `CANDIDATE#${personId}`, sk: 'CANDIDATE' });
export const factPartition = (cellId: string, year: number) => `FACT#${cellId}#${year}`;
export const factKey = (f: Pick<FactRecord, 'cellId' | 'year' | 'factId'>) => ({ pk: factPartition(f.cellId, f.year), sk: f.factId });
/** The marker of the event (`source`, `eventId`). */
/** An imported file's note: the run that last began on it, and whether that run counted every row it marked. */
export const importFiguresKey = (fileHash: string) => ({ pk: `IMPORT#${fileHash}`, sk: 'FIGURES' });
export const eventKey = (source: string, eventId: string) => ({ pk: `EVENT#${idempotencyKey(source, eventId)}`, sk: 'EVENT' });
/** The marker as versions before the (source, id) key wrote it: read only, never written. */
export const legacyEventKey = (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' });
/** The event id a marker's partition key names (either layout). */
export const eventIdOfMarkerPk = (pk: string) => pk.slice('EVENT#'.length).split('/').at(-1) ?? '';
export const rejectedKey = (id: string) => ({ pk: 'REJECTED', sk: id });
/** A rejected event's link to another person it is about, found by that person (index byPerson). */
export const rejectedLinkKey = (rejectionId: string, personId: string) => ({ pk: 'REJECTED-LINK', sk: `${rejectionId}|${personId}` });
/** The note of a waiting event: its sender's quota prefix (see above), then its waiting id. */
export const deferredKey = (waiting: { id: string; senderId: string }) => ({
  pk: 'DEFERRED',
  sk: `${deferredPrefix(waiting.senderId)}${waiting.id}`,
});
/** What every waiting note of one identity's quota starts with. */
export const deferredPrefix = (senderId: string) => `${quotaKeyOf(senderId)}#`;
export const quotaReachedKey = (quotaKey: string, kind: string) => ({ pk: 'QUOTA', sk: `${quotaKey}#${kind}` });
/** One identity's counter of its quotas: events in a minute (`MINUTE#<minute>`), rejected bodies kept on a day (`KEPT#<day>`). */
export const quotaCountKey = (quotaKey: string, sk: string) => ({ pk: `QUOTA-COUNT#${quotaKey}`, sk });
export const redriveGrantKey = (token: string) => ({ pk: 'REDRIVE', sk: token });
/** A message group held behind an event in the dead-letter queue (group-holds.ts). */
export const holdKey = (group: string) => ({ pk: 'HOLD', sk: group });
export const cellPartition = (cellId: string) => `CELL#${cellId}`;
/** The partition of index byPerson for a person. */
export const personPartition = (personId: string) => `PERSON#${personId}`;
/** Bumped by every transaction that changes the tree's shape (see org-tree.ts). */
export const orgTreeVersionKey = { pk: 'ORGTREE', sk: 'VERSION' } as const;

export type { Entity };

/** Attributes that are storage, not record: stripped when reading. */
/** The attribute, and its value, by which the bulk import marks a member item whose figures it wrote itself. */
export const FIGURES_BY_IMPORT = { figuresBy: 'import' } as const;

const STORAGE_ATTRIBUTES = ['pk', 'sk', 'entity', 'cellKey', 'remindMonth', 'remindOn', 'lastEventId', 'personKey', 'figuresBy'] as const;

/**
 * The record an item holds, without its storage attributes. Sealed profiles must have
 * been opened before (sealed-records.ts); any still sealed are dropped here. A member
 * written before traits existed gets them from its readable profile.
 */
export function stripStorage<T>(item: Record<string, unknown>): T {
  const copy = withoutSealed(item);
  if (item.entity === 'member' && copy.traits === undefined && copy.profile) {
    copy.traits = traitsOf(copy.profile as Parameters<typeof traitsOf>[0]);
  }
  for (const a of STORAGE_ATTRIBUTES) delete copy[a];
  return copy as T;
}

/** The person an item of this record is about (index byPerson). */
function personOf(stored: StoredRecord): string | undefined {
  switch (stored.entity) {
    case 'member':
    case 'transfer':
      return stored.record.memberId;
    case 'dossier':
    case 'candidate':
      return stored.record.personId;
    default:
      return undefined;
  }
}

/** The cell a record counts for now, if any (see the table above). */
export function cellOf(stored: StoredRecord): string | undefined {
  switch (stored.entity) {
    case 'member': {
      const m = stored.record;
      return m.status === 'probationary' || m.status === 'official' ? m.cellId : undefined;
    }
    case 'dossier':
      return stored.record.status === 'open' ? stored.record.cellId : undefined;
    case 'transfer': {
      const t = stored.record;
      if (t.status === 'issued' && !t.toExternal) return t.fromOrgId;
      if (t.status === 'received' && t.kind === 'temporary') return t.toOrgId;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** The key of a record's item. */
export function keyOf(stored: StoredRecord): { pk: string; sk: string } {
  switch (stored.entity) {
    case 'org':
      return orgKey(stored.record.orgId);
    case 'member':
      return memberKey(stored.record.memberId);
    case 'dossier':
      return dossierKey(stored.record.dossierId);
    case 'transfer':
      return transferKey(stored.record.transferId);
    case 'candidate':
      return candidateKey(stored.record.personId);
    case 'fact':
      return factKey(stored.record);
  }
}

/**
 * The item stored for a record: its key, its entity, while it counts for a cell
 * `cellKey`, the person it is about `personKey`, and while it may need a reminder
 * `remindOn`/`remindMonth`. Its profile is still readable: writers seal it
 * (`sealItem`) before it is stored.
 */
export function toItem(stored: StoredRecord): Record<string, unknown> {
  const cell = cellOf(stored);
  // A record never brings the import's mark along: only the import's own put sets it.
  const { figuresBy: _mark, ...record } = stored.record as unknown as Record<string, unknown>;
  return {
    ...record,
    ...keyOf(stored),
    entity: stored.entity,
    ...(cell ? { cellKey: cellPartition(cell) } : {}),
    ...(personOf(stored) ? { personKey: personPartition(personOf(stored)!) } : {}),
    ...indexAttributes(stored),
  };
}

/**
 * The record an item of the Records table holds, or undefined for an item that is not a
 * record (a marker, a rejection, the tree's counter). The one place an item's `entity`
 * is trusted to say what its attributes are.
 */
export function storedRecordOf(item: Record<string, unknown>): StoredRecord | undefined {
  if (!ENTITIES.has(item.entity as Entity)) return undefined;
  return { entity: item.entity, record: stripStorage(item) } as StoredRecord;
}

const ENTITIES: ReadonlySet<Entity> = new Set(['org', 'member', 'dossier', 'transfer', 'candidate', 'fact']);
