// data: what each source sent, per day, and when it last sent anything, in the Figures
// table (no stream: counting costs no figures invocation), for `dangvien status` and the
// daily silence check (use-cases/source-activity).
//
//   table    pk       sk                        what
//   Figures  SOURCES  DAY#<YYYY-MM-DD>#<source> events and rejected that day (ADD); expires after DAY_TTL_DAYS
//   Figures  SOURCES  LAST#<source>             when the source last sent anything (only ever moved on)
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SourceDay, SourceLast } from '../domain/sources.js';
import { TTL_ATTRIBUTE } from '../resources.js';
import type { SourceActivityStore } from '../use-cases/source-activity/port.js';
import { queryAll } from './dynamo-toolkit.js';

/** The partition of the counters (infra/partitions.ts grants it to the ingest, the reminders function and operators). */
export const SOURCES_PARTITION = 'SOURCES';

/** A day's counts are read for seven days; kept a little longer, then DynamoDB deletes them. */
export const DAY_TTL_DAYS = 35;

const dayKey = (day: string, source: string) => ({ pk: SOURCES_PARTITION, sk: `DAY#${day}#${source}` });
const lastKey = (source: string) => ({ pk: SOURCES_PARTITION, sk: `LAST#${source}` });

/**
 * The counters on the Figures table.
 * @example
 * const store = createDynamoSourceActivityStore({ documentClient, tableName: 'dangvien-Figures' });
 * await store.add([{ source: 'csdl-hb', day: '2026-12-06', events: 9, rejected: 1, lastEventAt: '2026-12-06T03:00:00.000Z' }]);
 */
export function createDynamoSourceActivityStore({
  documentClient,
  tableName,
}: {
  documentClient: DynamoDBDocumentClient;
  tableName: string;
}): SourceActivityStore {
  return {
    async add(counts) {
      await Promise.all(
        counts.flatMap((c) => [
          ...(c.events > 0 || c.rejected > 0
            ? [
                documentClient.send(
                  new UpdateCommand({
                    TableName: tableName,
                    Key: dayKey(c.day, c.source),
                    UpdateExpression: 'ADD events :e, rejected :r SET entity = :entity, #source = :s, #day = :d, #ttl = :ttl',
                    ExpressionAttributeNames: { '#source': 'source', '#day': 'day', '#ttl': TTL_ATTRIBUTE },
                    ExpressionAttributeValues: {
                      ':e': c.events,
                      ':r': c.rejected,
                      ':entity': 'source-day',
                      ':s': c.source,
                      ':d': c.day,
                      ':ttl': Date.parse(`${c.day}T00:00:00Z`) / 1000 + DAY_TTL_DAYS * 86_400,
                    },
                  }),
                ),
              ]
            : []),
          documentClient
            .send(
              new UpdateCommand({
                TableName: tableName,
                Key: lastKey(c.source),
                UpdateExpression: 'SET entity = :entity, #source = :s, lastEventAt = :t',
                // Two batches at once: the later time stands, whichever writes last.
                ConditionExpression: 'attribute_not_exists(lastEventAt) OR lastEventAt < :t',
                ExpressionAttributeNames: { '#source': 'source' },
                ExpressionAttributeValues: { ':entity': 'source-last', ':s': c.source, ':t': c.lastEventAt },
              }),
            )
            .catch((error: unknown) => {
              if (!(error instanceof ConditionalCheckFailedException)) throw error;
            }),
        ]),
      );
    },
    async read(fromDay) {
      const [days, lasts] = await Promise.all([
        queryAll(documentClient, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': SOURCES_PARTITION, ':from': `DAY#${fromDay}`, ':to': 'DAY#~' },
        }),
        queryAll(documentClient, {
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :last)',
          ExpressionAttributeValues: { ':pk': SOURCES_PARTITION, ':last': 'LAST#' },
        }),
      ]);
      return {
        days: days.items.map(
          (i): SourceDay => ({
            source: String(i.source),
            day: String(i.day),
            events: Number(i.events ?? 0),
            rejected: Number(i.rejected ?? 0),
          }),
        ),
        lasts: lasts.items.map((i): SourceLast => ({ source: String(i.source), lastEventAt: String(i.lastEventAt) })),
      };
    },
  };
}
