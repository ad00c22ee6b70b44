// data: the rejected events kept in the Records table (`REJECTED` / <rejection id>), each
// body sealed under the key of the person it names (or a key of its own), findable by
// person through index byPerson: the ingest stores them, a correction seals them again
// corrected (reseal.ts), the operator lists and redrives them, an erasure forgets them
// (docs/personal-data.md). A rejected event about a second person (an admission names its
// member; its dossier, the applicant) has a link item under that person too
// (`REJECTED-LINK` / <rejection id>|<person>), so that erasing either one finds it.
// Both expire RETENTION_DAYS.rejected after the rejection (retention.ts): every list and
// count ignores an expired one (DynamoDB Local never deletes), an erasure still reaches it.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { NO_BODY, type RejectedEvent } from '../use-cases/ingest-event/port.js';
import { batchGetAll, queryAll } from './dynamo-toolkit.js';
import { personPartition, rejectedKey, rejectedLinkKey, stripStorage } from './keys.js';
import { isSealed, open, seal, type PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { TTL_ATTRIBUTE } from '../resources.js';
import { expiresAtOf, isLive, liveFilter, RETENTION_DAYS } from './retention.js';
import { countRejectedBody } from './quotas.js';

/** The Records table and the vault whose keys seal the bodies. */
export type RejectedEventsTable = RecordsTable & { vault: PersonalVault };

/**
 * The person whose key seals a rejected body: the one it names, else a key of its own,
 * outside the ids' alphabet so that no person id can name it.
 */
export const rejectedSealer = (r: Pick<RejectedEvent, 'id' | 'personId'>) => r.personId ?? `${REJECTED_SEALER}${r.id}`;
/** How the key of a rejected body that names no person is named. */
export const REJECTED_SEALER = '#rejected/';

/** When a rejection made at `rejectedAt` is no longer kept (epoch seconds); from now when the time does not parse. */
function rejectedExpiresAt(rejectedAt: string): number {
  const at = new Date(rejectedAt);
  return expiresAtOf(Number.isNaN(at.getTime()) ? new Date() : at, RETENTION_DAYS.rejected);
}

/** The item of a rejected event: its body sealed, findable by person, expiring. */
async function rejectedItem(vault: PersonalVault, rejected: RejectedEvent): Promise<Record<string, unknown>> {
  const { body, expired: _expired, ...rest } = rejected;
  const item: Record<string, unknown> = {
    ...rest,
    ...rejectedKey(rejected.id),
    entity: 'rejected',
    [TTL_ATTRIBUTE]: rejectedExpiresAt(rejected.rejectedAt),
    ...(rejected.personId ? { personKey: personPartition(rejected.personId) } : {}),
  };
  if (body === NO_BODY) return { ...item, body: NO_BODY };
  const sealer = rejectedSealer(rejected);
  const key = (await vault.keys([sealer], { create: true })).get(sealer);
  return { ...item, sealedBody: seal(key!, body) };
}

/** The rejected events items hold, their bodies opened (NO_BODY when their key was erased), the expired ones marked. */
export async function rejectedOf(vault: PersonalVault, items: Record<string, unknown>[]): Promise<RejectedEvent[]> {
  const sealers = items.map((i) => rejectedSealer(i as unknown as RejectedEvent));
  const keys = await vault.keys(sealers, { create: false });
  const now = new Date();
  return items.map((item, i) => {
    const {
      sealedBody,
      [TTL_ATTRIBUTE]: _expiresAt,
      ...rest
    } = stripStorage<RejectedEvent & { sealedBody?: string; expiresAt?: number }>(item);
    const key = keys.get(sealers[i]!);
    const opened = isSealed(sealedBody) && key ? open(key, sealedBody) : undefined;
    return {
      ...rest,
      body: typeof opened === 'string' ? opened : (rest.body ?? NO_BODY),
      ...(isLive(item, now) ? {} : { expired: true as const }),
    };
  });
}

export async function storeRejected(table: RejectedEventsTable, rejected: RejectedEvent): Promise<void> {
  const { documentClient, tableName, vault } = table;
  const put = await documentClient.send(
    new PutCommand({ TableName: tableName, Item: await rejectedItem(vault, rejected), ReturnValues: 'ALL_OLD' }),
  );
  // Counted against its sender's quota of bodies kept (docs/security.md "Quotas"); the
  // same event rejected again replaces its body, and its place moves to today.
  const old = put.Attributes;
  if (old?.sealedBody !== undefined && typeof old.senderId === 'string' && typeof old.rejectedAt === 'string' && isLive(old))
    await countRejectedBody(table, old.senderId, old.rejectedAt, -1);
  if (rejected.body !== NO_BODY && rejected.senderId) await countRejectedBody(table, rejected.senderId, rejected.rejectedAt, 1);
  for (const personId of rejected.body === NO_BODY ? [] : (rejected.linkedPersonIds ?? [])) {
    await documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          ...rejectedLinkKey(rejected.id, personId),
          entity: 'rejected-link',
          rejectionId: rejected.id,
          personKey: personPartition(personId),
          [TTL_ATTRIBUTE]: rejectedExpiresAt(rejected.rejectedAt),
        },
      }),
    );
  }
}

/** The rejected events the link items among `items` point to (those still kept). */
export async function linkedRejected(
  { documentClient, tableName }: RecordsTable,
  items: Record<string, unknown>[],
): Promise<Record<string, unknown>[]> {
  const ids = items.filter((i) => i.entity === 'rejected-link').map((i) => String(i.rejectionId));
  if (ids.length === 0) return [];
  return batchGetAll(documentClient, tableName, [...new Set(ids)].map(rejectedKey), { consistentRead: true });
}

/** Every rejected event still kept (not expired), bodies opened. */
export async function listRejected({ documentClient, tableName, vault }: RejectedEventsTable): Promise<RejectedEvent[]> {
  const now = new Date();
  const { items } = await queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'REJECTED' },
  });
  return rejectedOf(
    vault,
    items.filter((i) => isLive(i, now)),
  );
}

/**
 * How many rejected events from `senderId` with a body are kept about `personId` (index
 * byPerson). The partition holds the person's records, audit trail and rejected events:
 * bounded, since no sender gets more than the cap of bodies into it.
 */
export async function rejectedBodiesAbout(
  { documentClient, tableName }: RecordsTable,
  personId: string,
  senderId: string,
  limit: number,
): Promise<number> {
  const live = liveFilter();
  const { count } = await queryAll(documentClient, {
    TableName: tableName,
    IndexName: 'byPerson',
    KeyConditionExpression: 'personKey = :p',
    FilterExpression: `entity = :rejected AND senderId = :sender AND attribute_exists(sealedBody) AND ${live.expression}`,
    ExpressionAttributeNames: live.names,
    ExpressionAttributeValues: { ':p': personPartition(personId), ':rejected': 'rejected', ':sender': senderId, ...live.values },
    Select: 'COUNT',
  });
  return Math.min(count, limit);
}

/**
 * Forgets a rejected event, only if it is still the rejection that was read (same
 * `rejectedAt`): a redriven event rejected again in the meantime keeps its new reason.
 * Its links to other persons go with it.
 */
export async function deleteRejected(
  table: RecordsTable,
  rejected: Pick<RejectedEvent, 'id' | 'rejectedAt' | 'linkedPersonIds'>,
): Promise<void> {
  const { documentClient, tableName } = table;
  let old: Record<string, unknown> | undefined;
  try {
    const out = await documentClient.send(
      new DeleteCommand({
        TableName: tableName,
        Key: rejectedKey(rejected.id),
        ConditionExpression: 'rejectedAt = :at',
        ExpressionAttributeValues: { ':at': rejected.rejectedAt },
        ReturnValues: 'ALL_OLD',
      }),
    );
    old = out.Attributes;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    return;
  }
  // Its place under its sender's quota of bodies kept is free again.
  if (old?.sealedBody !== undefined && typeof old.senderId === 'string' && isLive(old))
    await countRejectedBody(table, old.senderId, rejected.rejectedAt, -1);
  for (const personId of rejected.linkedPersonIds ?? []) {
    await documentClient.send(new DeleteCommand({ TableName: tableName, Key: rejectedLinkKey(rejected.id, personId) }));
  }
}

/** Deletes link items (an erasure of the person they point from). */
export async function deleteLinks({ documentClient, tableName }: RecordsTable, links: Record<string, unknown>[]): Promise<void> {
  for (const link of links) {
    await documentClient.send(new DeleteCommand({ TableName: tableName, Key: { pk: link.pk, sk: link.sk } }));
  }
}
