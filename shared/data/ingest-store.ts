// data: what the ingest reads and writes in the Records table.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { LoadedState, Needs, Write } from '../domain/ingest/decision-types.js';
import type { DossierRecord, MemberRecord, OrgRecord, Profile, TransferRecord } from '../domain/records.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { batchGetAll, queryAll } from './dynamo-toolkit.js';
import type { EventKey } from '../domain/ingest/idempotency.js';
import type { AppliedEvent, CommitResult, IngestStore, RedriveGrant, RejectedEvent, WaitingRef } from '../use-cases/ports.js';
import { markerItem } from './event-marker.js';
import { currentOrgTree } from './org-tree.js';
import { isSealed, open, seal, dynamoVault, type PersonKey } from './personal-vault.js';
import { openItem, sealItem, sealingPersonOf } from './sealed-records.js';
import { correctedBody } from '../domain/personal-data.js';
import { NO_BODY } from '../use-cases/ports.js';

export type { RejectedEvent };
import {
  cellPartition,
  deferredKey,
  dossierKey,
  eventKey,
  factKey,
  legacyEventKey,
  redriveGrantKey,
  memberKey,
  orgKey,
  orgTreeVersionKey,
  personPartition,
  rejectedKey,
  stripStorage,
  toItem,
  transferKey,
} from './keys.js';

/**
 * The marker of (`source`, `eventId`). A marker written before the (source, id) key
 * (`EVENT#<id>`) still counts when it records the same source: both keys are read in
 * one request, so upgrading needs no migration and costs one more read unit per event.
 */
export async function findApplied(key: EventKey): Promise<AppliedEvent | undefined> {
  const current = eventKey(key.source, key.eventId);
  const legacy = legacyEventKey(key.eventId);
  const items = await batchGetAll(config.recordsTable(), [current, legacy], { consistentRead: true });
  const found = items.find((i) => i.pk === current.pk) ?? items.find((i) => i.pk === legacy.pk && i.source === key.source);
  return found ? stripStorage<AppliedEvent>(found) : undefined;
}

/** The redrive grant of `token` (redrive-grant.ts writes it), read consistently. */
export async function findRedriveGrant(token: string): Promise<RedriveGrant | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: config.recordsTable(), Key: redriveGrantKey(token), ConsistentRead: true }),
  );
  return out.Item ? stripStorage<RedriveGrant>(out.Item) : undefined;
}

type Loader = { key: Record<string, string>; look: string; put: (item: Record<string, unknown>) => void };

/** Loads what `needs` names and `state` does not have yet; returns whether anything was loaded. */
export async function loadNeeds(needs: Needs, state: LoadedState): Promise<boolean> {
  const loaders: Loader[] = [];
  const want = <T>(kind: string, ids: string[], key: (id: string) => Record<string, string>, map: Map<string, T>) => {
    for (const id of ids) {
      const look = `${kind}:${id}`;
      if (state.looked.has(look) || loaders.some((l) => l.look === look)) continue;
      loaders.push({ key: key(id), look, put: (item) => map.set(id, stripStorage<T>(item)) });
    }
  };
  if (!state.allOrgsLoaded) want<OrgRecord>('org', needs.orgs, orgKey, state.orgs);
  want<MemberRecord>('member', needs.members, memberKey, state.members);
  want<DossierRecord>('dossier', needs.dossiers, dossierKey, state.dossiers);
  want<TransferRecord>('transfer', needs.transfers, transferKey, state.transfers);
  let loaded = loaders.length > 0;
  await batchGet(loaders, keysOpenedFor(state));
  for (const l of loaders) state.looked.add(l.look);

  if (needs.allOrgs && !state.allOrgsLoaded) {
    for (const org of await loadAllOrgs()) state.orgs.set(org.orgId, org);
    state.allOrgsLoaded = true;
    loaded = true;
  }
  for (const orgId of needs.activeMembersOf ?? []) {
    if (state.activeMembers.has(orgId)) continue;
    state.activeMembers.set(orgId, await countActiveMembers(orgId));
    loaded = true;
  }
  for (const orgId of needs.openDossiersOf ?? []) {
    if (state.openDossiers.has(orgId)) continue;
    state.openDossiers.set(orgId, await countOpenDossiers(orgId));
    loaded = true;
  }
  return loaded;
}

/**
 * The persons' keys opened while loading one event's state, so that its commit seals with
 * them instead of reading the salts again. Held no longer than the state itself; a salt
 * erased in between leaves the commit sealed under a key nobody can make again.
 */
const openedKeys = new WeakMap<LoadedState, Map<string, PersonKey>>();

function keysOpenedFor(state: LoadedState): Map<string, PersonKey> {
  let keys = openedKeys.get(state);
  if (!keys) {
    keys = new Map();
    openedKeys.set(state, keys);
  }
  return keys;
}

async function batchGet(loaders: Loader[], known: Map<string, PersonKey>): Promise<void> {
  const items = await openSealed(
    await batchGetAll(
      config.recordsTable(),
      loaders.map((l) => l.key),
      { consistentRead: true },
    ),
    known,
  );
  for (const item of items) loaders.find((l) => l.key.pk === item.pk && l.key.sk === item.sk)?.put(item);
}

/** The keys of `persons`: those in `known` as they are, the others from the vault (and added to `known`). */
async function personKeys(persons: string[], create: boolean, known: Map<string, PersonKey>): Promise<Map<string, PersonKey>> {
  const missing = persons.filter((p) => !known.has(p));
  if (missing.length > 0) for (const [p, key] of await dynamoVault.keys(missing, { create })) known.set(p, key);
  return known;
}

/** Items with their profiles readable (the ingest merges corrections into them); `known`: keys already at hand. */
export async function openSealed(
  items: Record<string, unknown>[],
  known = new Map<string, PersonKey>(),
): Promise<Record<string, unknown>[]> {
  const persons = items.map(sealingPersonOf).filter((p): p is string => p !== undefined);
  const keys = await personKeys(persons, false, known);
  return items.map((item) => openItem(item, keys));
}

/** Items as stored: every profile sealed under its person's key, made if the person has none yet. */
export async function sealed(items: Record<string, unknown>[], known = new Map<string, PersonKey>()): Promise<Record<string, unknown>[]> {
  const persons = items.map(sealingPersonOf).filter((p): p is string => p !== undefined);
  const keys = await personKeys(persons, true, known);
  return items.map((item) => {
    const person = sealingPersonOf(item);
    return sealItem(item, person === undefined ? undefined : keys.get(person));
  });
}

/** The whole org tree: one partition, a few hundred items for a province. */
export async function loadAllOrgs(consistent = true): Promise<OrgRecord[]> {
  const { items } = await queryAll({
    TableName: config.recordsTable(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'ORGS' },
    ConsistentRead: consistent,
  });
  return items.map((item) => stripStorage<OrgRecord>(item));
}

/** How many of a cell's items in index byCell pass `filter` (names and values beside `:c`). */
async function countInCell(orgId: string, filter: string, values: Record<string, string>): Promise<number> {
  const { count } = await queryAll({
    TableName: config.recordsTable(),
    IndexName: 'byCell',
    KeyConditionExpression: 'cellKey = :c',
    FilterExpression: filter,
    ExpressionAttributeValues: { ':c': cellPartition(orgId), ...values },
    Select: 'COUNT',
  });
  return count;
}

/**
 * Members on the cell's rolls, and those in transit from it (a cancel would bring them
 * back): each has an item in index byCell, the member or its pending official transfer.
 */
const countActiveMembers = (orgId: string) =>
  countInCell(orgId, 'entity = :member OR (entity = :transfer AND kind = :official AND fromOrgId = :cell)', {
    ':member': 'member',
    ':transfer': 'transfer',
    ':official': 'official',
    ':cell': orgId,
  });

/** Open dossiers of the cell: each has an item in index byCell while it is open. */
const countOpenDossiers = (orgId: string) => countInCell(orgId, 'entity = :dossier', { ':dossier': 'dossier' });

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Tells the org tree's readers to load it again (org-tree.ts). */
export function orgTreeChanged(table: string): TransactItem {
  return {
    Update: {
      TableName: table,
      Key: orgTreeVersionKey,
      UpdateExpression: 'ADD treeVersion :one',
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}

/**
 * Writes the state change and the event's marker in one transaction, so that a crash
 * can never leave one without the other and a retry finds the marker and does nothing.
 */
export async function commit(
  marker: AppliedEvent,
  writes: readonly Write[],
  opts: { clearDeferred?: string; loaded?: LoadedState },
): Promise<CommitResult> {
  const table = config.recordsTable();
  const known = opts.loaded ? keysOpenedFor(opts.loaded) : undefined;
  const recordItems = await sealed(
    writes.map((w) => (w.entity === 'fact' ? {} : toItem(w))),
    known,
  );
  const items: TransactItem[] = writes.map((w, i): TransactItem => {
    if (w.entity === 'fact') {
      return w.op === 'put'
        ? { Put: { TableName: table, Item: { ...toItem({ entity: 'fact', record: w.record }), lastEventId: marker.eventId } } }
        : { Delete: { TableName: table, Key: factKey(w.record) } };
    }
    const condition =
      w.expectedVersion === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': w.expectedVersion } };
    // The event that wrote it last: the figures log it, so one event can be followed
    // from the ingest through the stream (Logs Insights: `filter eventId = …`).
    return { Put: { TableName: table, Item: { ...recordItems[i], lastEventId: marker.eventId }, ...condition } };
  });
  if (writes.some((w) => w.entity === 'org')) items.push(orgTreeChanged(table));
  const markerIndex = items.length;
  items.push({ Put: { TableName: table, Item: markerItem(marker), ConditionExpression: 'attribute_not_exists(pk)' } });
  if (opts.clearDeferred) items.push({ Delete: { TableName: table, Key: deferredKey(opts.clearDeferred) } });
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return 'committed';
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      if (reasons[markerIndex]?.Code === 'ConditionalCheckFailed') return 'already-applied';
      if (reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')) return 'stale';
    }
    throw error;
  }
}

/**
 * The person whose key seals a rejected body: the one it names, else a key of its own,
 * outside the ids' alphabet so that no person id can name it.
 */
const rejectedSealer = (r: Pick<RejectedEvent, 'id' | 'personId'>) => r.personId ?? `#rejected/${r.id}`;

/** The item of a rejected event: its body sealed (personal-vault.ts), findable by person. */
async function rejectedItem(rejected: RejectedEvent): Promise<Record<string, unknown>> {
  const { body, ...rest } = rejected;
  const item: Record<string, unknown> = {
    ...rest,
    ...rejectedKey(rejected.id),
    entity: 'rejected',
    ...(rejected.personId ? { personKey: personPartition(rejected.personId) } : {}),
  };
  if (body === NO_BODY) return { ...item, body: NO_BODY };
  const sealer = rejectedSealer(rejected);
  const key = (await dynamoVault.keys([sealer], { create: true })).get(sealer);
  return { ...item, sealedBody: seal(key!, body) };
}

/** The rejected event an item holds, its body opened (NO_BODY when its key was erased). */
export async function rejectedOf(items: Record<string, unknown>[]): Promise<RejectedEvent[]> {
  const sealers = items.map((i) => rejectedSealer(i as unknown as RejectedEvent));
  const keys = await dynamoVault.keys(sealers, { create: false });
  return items.map((item, i) => {
    const { sealedBody, ...rest } = stripStorage<RejectedEvent & { sealedBody?: string }>(item);
    const key = keys.get(sealers[i]!);
    const opened = isSealed(sealedBody) && key ? open(key, sealedBody) : undefined;
    return { ...rest, body: typeof opened === 'string' ? opened : (rest.body ?? NO_BODY) };
  });
}

export async function storeRejected(rejected: RejectedEvent): Promise<void> {
  await documentClient().send(new PutCommand({ TableName: config.recordsTable(), Item: await rejectedItem(rejected) }));
}

/**
 * CONTRACT §11: a correction reaches the rejected events kept about the person, so that a
 * redrive sends the corrected profile and no older one stays readable. Each is rewritten
 * only if it is still the rejection that was read.
 */
export async function correctRejected(personId: string, correction: Partial<Profile>): Promise<void> {
  const { items } = await queryAll({
    TableName: config.recordsTable(),
    IndexName: 'byPerson',
    KeyConditionExpression: 'personKey = :p',
    FilterExpression: 'entity = :rejected',
    ExpressionAttributeValues: { ':p': personPartition(personId), ':rejected': 'rejected' },
  });
  for (const rejected of await rejectedOf(items)) {
    if (rejected.body === NO_BODY) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(rejected.body);
    } catch {
      continue;
    }
    const body = JSON.stringify(correctedBody(parsed, correction));
    try {
      await documentClient().send(
        new PutCommand({
          TableName: config.recordsTable(),
          Item: await rejectedItem({ ...rejected, body }),
          ConditionExpression: 'rejectedAt = :at',
          ExpressionAttributeValues: { ':at': rejected.rejectedAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** Notes why an event waits, so an operator can see it while it is retried and in the DLQ. */
export async function storeDeferred(waiting: WaitingRef, reason: string, message: string): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: config.recordsTable(),
      Key: deferredKey(waiting.id),
      UpdateExpression:
        'SET reason = :r, message = :m, lastTriedAt = :t, firstTriedAt = if_not_exists(firstTriedAt, :t), entity = :e, ' +
        'eventId = :id, #source = :s, senderId = :sender ADD attempts :one',
      ExpressionAttributeNames: { '#source': 'source' },
      ExpressionAttributeValues: {
        ':r': reason,
        ':m': message,
        ':t': new Date().toISOString(),
        ':e': 'deferred',
        ':one': 1,
        ':id': waiting.eventId,
        ':s': waiting.source,
        ':sender': waiting.senderId,
      },
    }),
  );
}

/** The ingest's store in the Records table (the default of the ingest handler). */
export const dynamoIngestStore: IngestStore = {
  findApplied,
  loadNeeds,
  commit,
  storeRejected,
  storeDeferred,
  findRedriveGrant,
  correctRejected,
  // The copy the figures and the report keep too (org-tree.ts): one counter read, the
  // whole tree only when it moved.
  orgTree: () => currentOrgTree(),
};

export async function listRejected(): Promise<RejectedEvent[]> {
  const { items } = await queryAll({
    TableName: config.recordsTable(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'REJECTED' },
  });
  return rejectedOf(items);
}

/** An event waiting for its predecessor, as an operator sees it. */
export interface WaitingEvent {
  /** `<source>/<id>@<senderId>`. */
  id: string;
  eventId: string;
  source?: string;
  senderId?: string;
  reason: string;
  message: string;
  attempts: number;
  /** When it first waited (ISO-8601). */
  since: string;
}

export async function listDeferred(): Promise<WaitingEvent[]> {
  const items = await queryPartition<{
    eventId?: string;
    source?: string;
    senderId?: string;
    reason: string;
    message: string;
    attempts: number;
    firstTriedAt?: string;
    lastTriedAt: string;
    sk?: string;
  }>('DEFERRED', true);
  return items.map((i) => ({
    id: i.sk ?? '',
    // An item written before waits were kept per sender is keyed by the event id alone.
    eventId: i.eventId ?? i.sk ?? '',
    ...(i.source ? { source: i.source } : {}),
    ...(i.senderId ? { senderId: i.senderId } : {}),
    reason: i.reason,
    message: i.message,
    attempts: i.attempts,
    since: i.firstTriedAt ?? i.lastTriedAt,
  }));
}

/**
 * Forgets a rejected event, only if it is still the rejection that was read (same
 * `rejectedAt`): a redriven event rejected again in the meantime keeps its new reason.
 */
export async function deleteRejected(id: string, rejectedAt: string): Promise<void> {
  try {
    await documentClient().send(
      new DeleteCommand({
        TableName: config.recordsTable(),
        Key: rejectedKey(id),
        ConditionExpression: 'rejectedAt = :at',
        ExpressionAttributeValues: { ':at': rejectedAt },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

async function queryPartition<T>(pk: string, keepSk = false): Promise<T[]> {
  const { items } = await queryAll({
    TableName: config.recordsTable(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
  });
  return items.map((item) => (keepSk ? { ...stripStorage<T>(item), sk: item.sk } : stripStorage<T>(item)) as T);
}
