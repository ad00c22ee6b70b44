// data: the events waiting for their predecessor, noted in the Records table
// (`DEFERRED` / <quota>#<waiting id>, keys.ts) so that an operator sees why while they are
// retried and in the DLQ, and so that a producer's waiting events can be counted against
// its quota; the commit that finally applies one clears its note (ingest-store.ts), as
// does a rejection or a duplicate after a wait. A note expires with the message it is
// about (retention.ts).
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { WaitingRef } from '../use-cases/ingest-event/port.js';
import type { WaitingEvent } from '../use-cases/redrive/port.js';
import { queryAll } from './dynamo-toolkit.js';
import { deferredKey, deferredPrefix, personPartition, stripStorage } from './keys.js';
import type { RecordsTable } from './records-table.js';
import { expiresAtOf, isLive, liveFilter, RETENTION_DAYS } from './retention.js';

/** Notes why an event waits; each retry adds an attempt, keeps when it first waited and keeps the note as long again. */
export async function storeDeferred(
  { documentClient, tableName }: RecordsTable,
  waiting: WaitingRef,
  reason: string,
  message: string,
): Promise<void> {
  const now = new Date();
  await documentClient.send(
    new UpdateCommand({
      TableName: tableName,
      Key: deferredKey(waiting),
      UpdateExpression:
        'SET reason = :r, message = :m, lastTriedAt = :t, firstTriedAt = if_not_exists(firstTriedAt, :t), entity = :e, ' +
        `eventId = :id, #source = :s, senderId = :sender, expiresAt = :exp, receiveCount = :rc${waiting.personId ? ', personKey = :person' : ''}` +
        // A message parked in the dead-letter queue says so until it waits again after its redrive.
        `${waiting.inDeadLetterQueue ? ', inDeadLetterQueue = :dlq' : ' REMOVE inDeadLetterQueue'} ADD attempts :one`,
      ExpressionAttributeNames: { '#source': 'source' },
      ExpressionAttributeValues: {
        ':r': reason,
        ':m': message,
        ':t': now.toISOString(),
        ':e': 'deferred',
        ':one': 1,
        ':id': waiting.eventId,
        ':s': waiting.source,
        ':sender': waiting.senderId,
        ':exp': expiresAtOf(now, RETENTION_DAYS.waiting),
        // Its message names the person: found and forgotten with them (index byPerson).
        ...(waiting.personId ? { ':person': personPartition(waiting.personId) } : {}),
        ':rc': waiting.receiveCount ?? 1,
        ...(waiting.inDeadLetterQueue ? { ':dlq': true } : {}),
      },
    }),
  );
}

/** Forgets why an event waited. */
export async function clearDeferred({ documentClient, tableName }: RecordsTable, waiting: WaitingRef): Promise<void> {
  await documentClient.send(new DeleteCommand({ TableName: tableName, Key: deferredKey(waiting) }));
}

/** Whether this very event of this sender is noted as waiting (an expired note is not). */
export async function isDeferred({ documentClient, tableName }: RecordsTable, waiting: WaitingRef): Promise<boolean> {
  const { Item } = await documentClient.send(new GetCommand({ TableName: tableName, Key: deferredKey(waiting), ConsistentRead: true }));
  return Item !== undefined && isLive(Item);
}

/** How many events of one identity's quota are noted as waiting, expired notes aside: a count of its prefix. */
export async function countWaiting({ documentClient, tableName }: RecordsTable, quotaKey: string): Promise<number> {
  const live = liveFilter();
  const { count } = await queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    FilterExpression: live.expression,
    ExpressionAttributeNames: live.names,
    ExpressionAttributeValues: { ':pk': 'DEFERRED', ':prefix': deferredPrefix(quotaKey), ...live.values },
    Select: 'COUNT',
    ConsistentRead: true,
  });
  return count;
}

/** Every event noted as waiting, as an operator sees it (expired notes aside). */
export async function listDeferred({ documentClient, tableName }: RecordsTable): Promise<WaitingEvent[]> {
  const { items } = await queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'DEFERRED' },
  });
  return items
    .filter((item) => isLive(item))
    .map((item) => {
      const i = stripStorage<{
        eventId?: string;
        source?: string;
        senderId?: string;
        reason: string;
        message: string;
        attempts: number;
        receiveCount?: number;
        inDeadLetterQueue?: boolean;
        firstTriedAt?: string;
        lastTriedAt: string;
      }>(item);
      const sk = typeof item.sk === 'string' ? item.sk : '';
      return {
        // The waiting id `<source>/<id>@<sender>`; a note written before waits were kept per
        // sender is keyed by the event id alone.
        id: i.source !== undefined && i.senderId !== undefined && i.eventId !== undefined ? `${i.source}/${i.eventId}@${i.senderId}` : sk,
        eventId: i.eventId ?? sk,
        ...(i.source ? { source: i.source } : {}),
        ...(i.senderId ? { senderId: i.senderId } : {}),
        reason: i.reason,
        message: i.message,
        attempts: i.attempts,
        ...(i.receiveCount !== undefined ? { receiveCount: i.receiveCount } : {}),
        ...(i.inDeadLetterQueue ? { inDeadLetterQueue: true } : {}),
        since: i.firstTriedAt ?? i.lastTriedAt,
        lastTriedAt: i.lastTriedAt,
      };
    });
}
