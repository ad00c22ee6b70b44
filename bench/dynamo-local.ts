// bench: DynamoDB Local helpers — a table shaped like one of ours, and the emulator's ceiling:
// 2-item transactions on a table shaped like Records, on a DynamoDB Local of its own (one
// that has taken this load stays slower afterwards).
import { type ConsumedCapacity, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { performance } from 'node:perf_hooks';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { freePort } from '../local/ports.js';
import { createTable } from '../local/provision.js';
import { RECORDS_TABLE } from '../shared/resources.js';
import { eventKey } from '../shared/data/keys.js';

/** Creates `name` with the keys, indexes and stream of `def` (as `npm start` does), and waits until it is active. */
export { createTable };

const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

export interface CeilingResult {
  workers: number;
  seconds: number;
  transactionsPerSecond: number;
  capacityUnitsPerTransaction: number;
  /** What DynamoDB Local reports for a few calls whose AWS bill is documented (bench/README.md). */
  counting: CountingResult;
}

/** DynamoDB Local's transaction rate and how it counts, on an instance of its own. */
export async function measureCeiling(): Promise<CeilingResult> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  try {
    const counting = await measureCounting(dynamo.endpoint);
    return { ...(await transactionRate(dynamo.endpoint)), counting };
  } finally {
    await dynamo.stop();
  }
}

/** One call: what DynamoDB Local reported, and what AWS documents it bills. */
export interface Counted {
  dynamoDbLocal: number;
  aws: number;
}

export interface CountingResult {
  /** The Records table's indexes, each of which an item with all their keys is in. */
  indexes: number;
  putNoIndex: Counted;
  putInEveryIndex: Counted;
  transactionOfTwoNoIndex: Counted;
  transactionOfTwoInEveryIndex: Counted;
  transactionOfTenNoIndex: Counted;
  transactionOfTenInEveryIndex: Counted;
  /** Two items of about 3 KB each. */
  transactionOfTwoLargeNoIndex: Counted;
  batchGetThreeMissingKeysConsistent: Counted;
  getMissingKeyConsistent: Counted;
}

/**
 * Items of under 1 KB on a table shaped like Records, written and read one way each, with
 * what DynamoDB documents it bills: a write 1 unit per KB plus 1 per index the item is in;
 * a transaction 2 units per KB of each item (its index entries as plain writes); a
 * strongly consistent read of a missing item 1 unit, in BatchGetItem as in GetItem.
 */
async function measureCounting(endpoint: string): Promise<CountingResult> {
  const client = localClient(endpoint);
  const doc = DynamoDBDocumentClient.from(client);
  const table = 'bench-counting';
  await createTable(client, RECORDS_TABLE, table);
  const indexed = Object.fromEntries(
    RECORDS_TABLE.indexes
      .flatMap((i) => [i.partitionKey.name, i.sortKey?.name])
      .filter((n): n is string => n !== undefined && n !== 'pk' && n !== 'sk')
      .map((n) => [n, `${n}-1`]),
  );
  const item = (id: string, inIndexes: boolean, bytes = 300) => ({
    pk: `BENCH#${id}`,
    sk: 'X',
    body: 'x'.repeat(bytes),
    ...(inIndexes ? indexed : {}),
  });
  const units = (out: { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }) =>
    [out.ConsumedCapacity ?? []].flat().reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
  const put = async (id: string, inIndexes: boolean) =>
    units(await doc.send(new PutCommand({ TableName: table, Item: item(id, inIndexes), ReturnConsumedCapacity: 'TOTAL' })));
  const ten = (prefix: string) => Array.from({ length: 10 }, (_, k) => `${prefix}${k}`);
  const transact = async (ids: string[], inIndexes: boolean, bytes?: number) =>
    units(
      await doc.send(
        new TransactWriteCommand({
          TransactItems: ids.map((id) => ({ Put: { TableName: table, Item: item(id, inIndexes, bytes) } })),
          ReturnConsumedCapacity: 'TOTAL',
        }),
      ),
    );
  const n = RECORDS_TABLE.indexes.length;
  const missing = ['m1', 'm2', 'm3'].map((id) => ({ pk: `BENCH#${id}`, sk: 'X' }));
  const result: CountingResult = {
    indexes: n,
    putNoIndex: { dynamoDbLocal: await put('p1', false), aws: 1 },
    putInEveryIndex: { dynamoDbLocal: await put('p2', true), aws: 1 + n },
    transactionOfTwoNoIndex: { dynamoDbLocal: await transact(['t1', 't2'], false), aws: 4 },
    transactionOfTwoInEveryIndex: { dynamoDbLocal: await transact(['t3', 't4'], true), aws: 4 + 2 * n },
    transactionOfTenNoIndex: { dynamoDbLocal: await transact(ten('u'), false), aws: 20 },
    transactionOfTenInEveryIndex: { dynamoDbLocal: await transact(ten('v'), true), aws: 20 + 10 * n },
    transactionOfTwoLargeNoIndex: { dynamoDbLocal: await transact(['w1', 'w2'], false, 3000), aws: 12 },
    batchGetThreeMissingKeysConsistent: {
      dynamoDbLocal: units(
        await doc.send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: missing, ConsistentRead: true } }, ReturnConsumedCapacity: 'TOTAL' }),
        ),
      ),
      aws: 3,
    },
    getMissingKeyConsistent: {
      dynamoDbLocal: units(
        await doc.send(new GetCommand({ TableName: table, Key: missing[0]!, ConsistentRead: true, ReturnConsumedCapacity: 'TOTAL' })),
      ),
      aws: 1,
    },
  };
  await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
  return result;
}

const localClient = (endpoint: string) =>
  new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'ap-southeast-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

async function transactionRate(endpoint: string): Promise<Omit<CeilingResult, 'counting'>> {
  const client = localClient(endpoint);
  const doc = DynamoDBDocumentClient.from(client);
  const table = 'bench-ceiling';
  await createTable(client, RECORDS_TABLE, table);
  const workers = 16;
  const seconds = 8;
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let units = 0;
  const filler = 'x'.repeat(300);
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let k = 0; performance.now() < until; k++) {
        const id = `${w}-${k}`;
        const out = await doc.send(
          new TransactWriteCommand({
            ReturnConsumedCapacity: 'TOTAL',
            TransactItems: [
              {
                Put: {
                  TableName: table,
                  Item: { pk: `MEMBER#${id}`, sk: 'MEMBER', cellKey: `CELL#C${k % 50}`, entity: 'member', version: 1, filler },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: table,
                  Item: { ...eventKey('bench', id), entity: 'event', body: filler },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        done += 1;
        units += (out.ConsumedCapacity ?? []).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      }
    }),
  );
  await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
  return {
    workers,
    seconds,
    transactionsPerSecond: round(done / seconds, 0),
    capacityUnitsPerTransaction: round(units / Math.max(1, done), 2),
  };
}
