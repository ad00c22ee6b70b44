// Reads records back from the emulator, for assertions.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../../shared/data/clients.js';
import { dossierKey, memberKey, stripStorage, transferKey } from '../../shared/data/keys.js';
import { openSealed } from '../../shared/data/ingest-store.js';
import type { DossierRecord, MemberRecord, TransferRecord } from '../../shared/domain/records.js';

async function get<T>(key: Record<string, string>): Promise<T | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: process.env.RECORDS_TABLE_NAME, Key: key, ConsistentRead: true }));
  // As the ingest reads it: the profile opened with the person's key.
  return out.Item ? stripStorage<T>((await openSealed([out.Item]))[0]!) : undefined;
}

export const getMember = (id: string) => get<MemberRecord>(memberKey(id));
export const getDossier = (id: string) => get<DossierRecord>(dossierKey(id));
export const getTransfer = (id: string) => get<TransferRecord>(transferKey(id));

/** Every item of one partition (facts of a cell and year, the rejected, the deferred). */
export async function partition(pk: string): Promise<Record<string, unknown>[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: process.env.RECORDS_TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}
