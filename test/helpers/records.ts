// Reads records back from a stack's emulator tables, for assertions.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { dossierKey, memberKey, stripStorage, transferKey } from '../../shared/data/keys.js';
import { openSealed } from '../../shared/data/sealed-records.js';
import type { DossierRecord, MemberRecord, TransferRecord } from '../../shared/domain/records.js';
import type { LocalStack } from '../../local/stack.js';

type Stack = Pick<LocalStack, 'clients' | 'env' | 'stores'>;

async function get<T>(stack: Stack, key: Record<string, string>): Promise<T | undefined> {
  const out = await stack.clients.documentClient.send(
    new GetCommand({ TableName: stack.env.RECORDS_TABLE_NAME, Key: key, ConsistentRead: true }),
  );
  // As the ingest reads it: the profile opened with the person's key.
  return out.Item ? stripStorage<T>((await openSealed(stack.stores.vault, [out.Item]))[0]!) : undefined;
}

export const getMember = (stack: Stack, id: string) => get<MemberRecord>(stack, memberKey(id));
export const getDossier = (stack: Stack, id: string) => get<DossierRecord>(stack, dossierKey(id));
export const getTransfer = (stack: Stack, id: string) => get<TransferRecord>(stack, transferKey(id));

/** Every item of one partition (facts of a cell and year, the rejected, the deferred). */
export async function partition(stack: Stack, pk: string): Promise<Record<string, unknown>[]> {
  const out = await stack.clients.documentClient.send(
    new QueryCommand({
      TableName: stack.env.RECORDS_TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}
