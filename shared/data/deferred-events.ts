// data: the events waiting for their predecessor, noted in the Records table
// (`DEFERRED` / <waiting id>) so that an operator sees why while they are retried and in
// the DLQ; the commit that finally applies one clears its note (ingest-store.ts).
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WaitingRef } from '../use-cases/ingest-event/port.js';
import type { WaitingEvent } from '../use-cases/redrive/port.js';
import { queryAll } from './dynamo-toolkit.js';
import { deferredKey, personPartition, stripStorage } from './keys.js';
import type { RecordsTable } from './records-table.js';

/** Notes why an event waits; each retry adds an attempt and keeps when it first waited. */
export async function storeDeferred(
  { documentClient, tableName }: RecordsTable,
  waiting: WaitingRef,
  reason: string,
  message: string,
): Promise<void> {
  await documentClient.send(
    new UpdateCommand({
      TableName: tableName,
      Key: deferredKey(waiting.id),
      UpdateExpression:
        'SET reason = :r, message = :m, lastTriedAt = :t, firstTriedAt = if_not_exists(firstTriedAt, :t), entity = :e, ' +
        `eventId = :id, #source = :s, senderId = :sender, receiveCount = :rc${waiting.personId ? ', personKey = :person' : ''} ADD attempts :one`,
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
        // Its message names the person: found and forgotten with them (index byPerson).
        ...(waiting.personId ? { ':person': personPartition(waiting.personId) } : {}),
        ':rc': waiting.receiveCount ?? 1,
      },
    }),
  );
}

/** Every event noted as waiting, as an operator sees it. */
export async function listDeferred({ documentClient, tableName }: RecordsTable): Promise<WaitingEvent[]> {
  const { items } = await queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'DEFERRED' },
  });
  return items.map((item) => {
    const i = stripStorage<{
      eventId?: string;
      source?: string;
      senderId?: string;
      reason: string;
      message: string;
      attempts: number;
      receiveCount?: number;
      firstTriedAt?: string;
      lastTriedAt: string;
    }>(item);
    const sk = typeof item.sk === 'string' ? item.sk : '';
    return {
      id: sk,
      // An item written before waits were kept per sender is keyed by the event id alone.
      eventId: i.eventId ?? sk,
      ...(i.source ? { source: i.source } : {}),
      ...(i.senderId ? { senderId: i.senderId } : {}),
      reason: i.reason,
      message: i.message,
      attempts: i.attempts,
      ...(i.receiveCount !== undefined ? { receiveCount: i.receiveCount } : {}),
      since: i.firstTriedAt ?? i.lastTriedAt,
      lastTriedAt: i.lastTriedAt,
    };
  });
}
