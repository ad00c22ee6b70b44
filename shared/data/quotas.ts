// data: the notes that a producer reached a quota (domain/ingest/quotas.ts, keys.ts), one
// per producer and quota, for `dangvien status`; each expires a day after the last time
// (retention.ts). The waiting events themselves are counted where they are noted
// (deferred-events.ts); the events a producer sent in a minute, and the rejected bodies
// kept for it, by counters of their own (`QUOTA-COUNT#<quota>`, below).
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { quotaKeyOf, type QuotaKind } from '../domain/ingest/quotas.js';
import type { QuotaReached } from '../use-cases/ingest-event/port.js';
import { queryAll } from './dynamo-toolkit.js';
import { quotaCountKey, quotaReachedKey, stripStorage } from './keys.js';
import type { RecordsTable } from './records-table.js';
import { expiresAtOf, isLive, RETENTION_DAYS } from './retention.js';

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

/** Adds `n` (may be negative) to a counter and answers its new value; the counter expires at `expiresAt`. */
async function addTo({ documentClient, tableName }: RecordsTable, key: { pk: string; sk: string }, n: number, expiresAt: number) {
  const out = await documentClient.send(
    new UpdateCommand({
      TableName: tableName,
      Key: key,
      UpdateExpression: 'ADD #count :n SET entity = :entity, expiresAt = if_not_exists(expiresAt, :expiresAt)',
      ExpressionAttributeNames: { '#count': 'count' },
      ExpressionAttributeValues: { ':n': n, ':entity': 'quota-count', ':expiresAt': expiresAt },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(out.Attributes?.count ?? 0);
}

/** Counts `n` events of `quotaKey` in `minute` (domain/ingest/quotas.ts minuteOf); the new total. */
export function countEvents(table: RecordsTable, quotaKey: string, minute: string, n: number): Promise<number> {
  return addTo(table, quotaCountKey(quotaKey, `MINUTE#${minute}`), n, expiresAtOf(new Date(), REACHED_DAYS));
}

/** The day a rejection made at `rejectedAt` is counted under. */
const dayOf = (rejectedAt: string) => (Number.isNaN(Date.parse(rejectedAt)) ? new Date().toISOString() : rejectedAt).slice(0, 10);

/**
 * Counts a rejected body kept (`+1`) or forgotten (`-1`: redriven, erased) for the sender
 * that sent it, under the day of its rejection: a count lives as long as the bodies it
 * counts (RETENTION_DAYS.rejected), so expired bodies drop out of the sum by themselves.
 */
export async function countRejectedBody(table: RecordsTable, senderId: string, rejectedAt: string, n: 1 | -1): Promise<void> {
  const day = dayOf(rejectedAt);
  await addTo(
    table,
    quotaCountKey(quotaKeyOf(senderId), `KEPT#${day}`),
    n,
    expiresAtOf(new Date(`${day}T00:00:00Z`), RETENTION_DAYS.rejected + 1),
  );
}

/** The rejected bodies of `quotaKey` kept now: the day counts of the last RETENTION_DAYS.rejected days. */
export async function countRejectedKept({ documentClient, tableName }: RecordsTable, quotaKey: string): Promise<number> {
  const since = new Date(Date.now() - RETENTION_DAYS.rejected * 86_400_000).toISOString().slice(0, 10);
  const key = quotaCountKey(quotaKey, '');
  const { items } = await queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': key.pk, ':from': `KEPT#${since}`, ':to': 'KEPT#~' },
  });
  return items.filter((item) => isLive(item)).reduce((sum, item) => sum + Math.max(0, Number(item.count ?? 0)), 0);
}
