// bench: DynamoDB Local helpers — a table shaped like one of ours, and the emulator's ceiling:
// 2-item transactions on a table shaped like Records, on a DynamoDB Local of its own (one
// that has taken this load stays slower afterwards).
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
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
}

/** DynamoDB Local's transaction rate, on an instance of its own. */
export async function measureCeiling(): Promise<CeilingResult> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  try {
    return await transactionRate(dynamo.endpoint);
  } finally {
    await dynamo.stop();
  }
}

async function transactionRate(endpoint: string): Promise<CeilingResult> {
  const client = new DynamoDBClient({
    region: process.env.AWS_REGION ?? 'ap-southeast-1',
    endpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
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
