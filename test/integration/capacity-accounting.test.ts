// The benchmark's capacity units are DynamoDB Local's ReturnConsumedCapacity. They stand
// for AWS's bill only if the emulator counts as DynamoDB documents: a Query sums the
// sizes of the items it returns, rounds up to 4 KB, and an eventually consistent read
// (every index read) costs half a unit per 4 KB.
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../helpers/emulators.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/** DynamoDB's item size for string attributes: the UTF-8 bytes of every name and value. */
const itemBytes = (item: Record<string, string>) =>
  Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);

describe('capacity accounting on DynamoDB Local', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(async () => stack?.stop());

  it('counts a query of index byCell as DynamoDB bills it', async () => {
    // Arrange: 200 member-sized items in one cell
    const items = Array.from({ length: 200 }, (_, i) => ({
      pk: `MEMBER#CAP${i}`,
      sk: 'MEMBER',
      cellKey: 'CELL#CAP',
      entity: 'probe',
      filler: 'x'.repeat(400),
    }));
    for (let i = 0; i < items.length; i += 25) {
      await documentClient().send(
        new BatchWriteCommand({
          RequestItems: { [stack.env.RECORDS_TABLE_NAME!]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
        }),
      );
    }
    const bytes = items.reduce((n, item) => n + itemBytes(item), 0);
    // Act
    const out = await documentClient().send(
      new QueryCommand({
        TableName: stack.env.RECORDS_TABLE_NAME!,
        IndexName: 'byCell',
        KeyConditionExpression: 'cellKey = :c',
        ExpressionAttributeValues: { ':c': 'CELL#CAP' },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    // Assess
    expect(out.Count).toBe(200);
    expect(out.ConsumedCapacity?.CapacityUnits).toBe(Math.ceil(bytes / 4096) * 0.5);
  });
});
