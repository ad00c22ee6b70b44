// data: the notes that a producer reached a quota (domain/ingest/quotas.ts, keys.ts), one
// per producer and quota, for `dangvien status`; each expires a day after the last time
// (retention.ts). The waiting events themselves are counted where they are noted
// (deferred-events.ts).
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { QuotaKind } from '../domain/ingest/quotas.js';
import type { QuotaReached } from '../use-cases/ingest-event/port.js';
import { queryAll } from './dynamo-toolkit.js';
import { quotaReachedKey, stripStorage } from './keys.js';
import type { RecordsTable } from './records-table.js';
import { expiresAtOf, isLive } from './retention.js';

/** A reached quota is shown by `dangvien status` for a day. */
const REACHED_DAYS = 1;

/** Notes that a quota was reached (the latest time a producer reached it stands). */
export async function noteQuotaReached({ documentClient, tableName }: RecordsTable, reached: QuotaReached): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: tableName,
      Item: {
        ...reached,
        ...quotaReachedKey(reached.senderId, reached.kind),
        entity: 'quota',
        expiresAt: expiresAtOf(new Date(reached.at), REACHED_DAYS),
      },
    }),
  );
}

/** The quotas reached in the last day, by whom, oldest first. */
export async function listQuotasReached({ documentClient, tableName }: RecordsTable): Promise<QuotaReached[]> {
  const { items } = await queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'QUOTA' },
  });
  return items
    .filter((item) => isLive(item))
    .map((item) => {
      const { senderId, kind, limit, at } = stripStorage<QuotaReached & { expiresAt?: number }>(item);
      return { senderId, kind: kind as QuotaKind, limit, at };
    })
    .sort((a, b) => a.at.localeCompare(b.at));
}
