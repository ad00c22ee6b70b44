// data: the rejected events kept in the Records table (`REJECTED` / <rejection id>), each
// body sealed under the key of the person it names (or a key of its own), findable by
// person through index byPerson: the ingest stores them and follows corrections into
// them, the operator lists and redrives them, an erasure forgets them (docs/personal-data.md).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { correctedBody } from '../domain/personal-data.js';
import type { Profile } from '../domain/records.js';
import { NO_BODY, type RejectedEvent } from '../use-cases/ingest-event/port.js';
import { queryAll } from './dynamo-toolkit.js';
import { personPartition, rejectedKey, stripStorage } from './keys.js';
import { isSealed, open, seal, type PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';

/** The Records table and the vault whose keys seal the bodies. */
export type RejectedEventsTable = RecordsTable & { vault: PersonalVault };

/**
 * The person whose key seals a rejected body: the one it names, else a key of its own,
 * outside the ids' alphabet so that no person id can name it.
 */
const rejectedSealer = (r: Pick<RejectedEvent, 'id' | 'personId'>) => r.personId ?? `#rejected/${r.id}`;

/** The item of a rejected event: its body sealed, findable by person. */
async function rejectedItem(vault: PersonalVault, rejected: RejectedEvent): Promise<Record<string, unknown>> {
  const { body, ...rest } = rejected;
  const item: Record<string, unknown> = {
    ...rest,
    ...rejectedKey(rejected.id),
    entity: 'rejected',
    ...(rejected.personId ? { personKey: personPartition(rejected.personId) } : {}),
  };
  if (body === NO_BODY) return { ...item, body: NO_BODY };
  const sealer = rejectedSealer(rejected);
  const key = (await vault.keys([sealer], { create: true })).get(sealer);
  return { ...item, sealedBody: seal(key!, body) };
}

/** The rejected events items hold, their bodies opened (NO_BODY when their key was erased). */
export async function rejectedOf(vault: PersonalVault, items: Record<string, unknown>[]): Promise<RejectedEvent[]> {
  const sealers = items.map((i) => rejectedSealer(i as unknown as RejectedEvent));
  const keys = await vault.keys(sealers, { create: false });
  return items.map((item, i) => {
    const { sealedBody, ...rest } = stripStorage<RejectedEvent & { sealedBody?: string }>(item);
    const key = keys.get(sealers[i]!);
    const opened = isSealed(sealedBody) && key ? open(key, sealedBody) : undefined;
    return { ...rest, body: typeof opened === 'string' ? opened : (rest.body ?? NO_BODY) };
  });
}

export async function storeRejected({ documentClient, tableName, vault }: RejectedEventsTable, rejected: RejectedEvent): Promise<void> {
  await documentClient.send(new PutCommand({ TableName: tableName, Item: await rejectedItem(vault, rejected) }));
}

/** Every rejected event kept, bodies opened. */
export async function listRejected({ documentClient, tableName, vault }: RejectedEventsTable): Promise<RejectedEvent[]> {
  const { items } = await queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'REJECTED' },
  });
  return rejectedOf(vault, items);
}

/**
 * docs/personal-data.md: a correction reaches the rejected events kept about the person, so that a
 * redrive sends the corrected profile and no older one stays readable. Each is rewritten
 * only if it is still the rejection that was read.
 */
export async function correctRejected(table: RejectedEventsTable, personId: string, correction: Partial<Profile>): Promise<void> {
  const { documentClient, tableName, vault } = table;
  const { items } = await queryAll(documentClient, {
    TableName: tableName,
    IndexName: 'byPerson',
    KeyConditionExpression: 'personKey = :p',
    FilterExpression: 'entity = :rejected',
    ExpressionAttributeValues: { ':p': personPartition(personId), ':rejected': 'rejected' },
  });
  for (const rejected of await rejectedOf(vault, items)) {
    if (rejected.body === NO_BODY) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(rejected.body);
    } catch {
      continue;
    }
    const body = JSON.stringify(correctedBody(parsed, correction));
    try {
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: await rejectedItem(vault, { ...rejected, body }),
          ConditionExpression: 'rejectedAt = :at',
          ExpressionAttributeValues: { ':at': rejected.rejectedAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/**
 * Forgets a rejected event, only if it is still the rejection that was read (same
 * `rejectedAt`): a redriven event rejected again in the meantime keeps its new reason.
 */
export async function deleteRejected(
  { documentClient, tableName }: RecordsTable,
  rejected: Pick<RejectedEvent, 'id' | 'rejectedAt'>,
): Promise<void> {
  try {
    await documentClient.send(
      new DeleteCommand({
        TableName: tableName,
        Key: rejectedKey(rejected.id),
        ConditionExpression: 'rejectedAt = :at',
        ExpressionAttributeValues: { ':at': rejected.rejectedAt },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
