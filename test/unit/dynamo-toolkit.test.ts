// The DynamoDB toolkit's loops against a scripted client: the retry policy (what is left
// unprocessed is sent again, with a bounded wait, up to a limit) and mapLimit's promise
// (never more than `limit` at once, nothing new after a failure, rethrown after the rest).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  backoffMs,
  batchGetAll,
  batchWriteAll,
  queryAll,
  UnprocessedItemsError,
  DynamoToolkitError,
} from '../../shared/data/dynamo-toolkit.js';
import { mapLimit } from '../../shared/map-limit.js';

const FAST = { maxAttempts: 4, baseMs: 1, capMs: 2 };

/** The parts of the commands' inputs these tests read (every request names table `T`). */
type BatchGetInput = { RequestItems: { T: { Keys: Array<{ pk: string }>; ConsistentRead?: boolean } } };
type BatchWriteInput = { RequestItems: { T: Array<{ PutRequest: { Item: Record<string, unknown> } }> } };
type QueryInput = { Limit?: number; ExclusiveStartKey?: Record<string, unknown> };

/** A client whose `send` answers with `answer(command)` and records each command's input. */
function scriptedClient<I>(answer: (input: I, call: number) => unknown) {
  const inputs: I[] = [];
  const client = {
    send: async (command: { input: I }) => {
      inputs.push(command.input);
      return answer(command.input, inputs.length);
    },
  } as unknown as DynamoDBDocumentClient;
  return { client, inputs };
}

describe('backoffMs', () => {
  it('waits up to base·2^(attempt−1), never above the cap, and never below zero', () => {
    // Prepare
    const policy = { baseMs: 10, capMs: 100 };
    // Act / Assess
    expect(backoffMs(1, policy, () => 0.999)).toBe(9);
    expect(backoffMs(3, policy, () => 0.999)).toBe(39);
    expect(backoffMs(30, policy, () => 0.999)).toBe(99);
    expect(backoffMs(5, policy, () => 0)).toBe(0);
  });
});

describe('batchGetAll', () => {
  it('sends 100 keys a request and sends unprocessed keys again', async () => {
    // Prepare: the first request leaves its last key unprocessed
    const keys = Array.from({ length: 150 }, (_, i) => ({ pk: `K${i}`, sk: 'S' }));
    const { client, inputs } = scriptedClient<BatchGetInput>((input, call) => {
      const asked = input.RequestItems.T.Keys as Array<{ pk: string }>;
      const left = call === 1 ? asked.slice(-1) : [];
      return {
        Responses: { T: asked.filter((k) => !left.includes(k)).map((k) => ({ ...k, v: 1 })) },
        UnprocessedKeys: left.length ? { T: { Keys: left } } : {},
      };
    });
    // Act
    const items = await batchGetAll(client, 'T', keys, { retry: FAST, consistentRead: true });
    // Assess
    expect(items.map((i) => i.pk).sort()).toEqual(keys.map((k) => k.pk).sort());
    expect(inputs.map((i) => i.RequestItems.T.Keys.length)).toEqual([100, 1, 50]);
    expect(inputs.every((i) => i.RequestItems.T.ConsistentRead === true)).toBe(true);
  });

  it('throws a named error once the attempts run out', async () => {
    // Prepare: DynamoDB never processes anything
    const { client, inputs } = scriptedClient<BatchGetInput>((input) => ({
      Responses: { T: [] },
      UnprocessedKeys: { T: { Keys: input.RequestItems.T.Keys } },
    }));
    // Act
    const read = batchGetAll(client, 'T', [{ pk: 'a', sk: 'b' }], { retry: FAST });
    // Assess
    await expect(read).rejects.toBeInstanceOf(UnprocessedItemsError);
    await expect(read).rejects.toBeInstanceOf(DynamoToolkitError);
    expect(inputs).toHaveLength(FAST.maxAttempts);
  });
});

describe('batchWriteAll', () => {
  it('sends 25 items a request and the unprocessed ones again', async () => {
    // Prepare
    const items = Array.from({ length: 60 }, (_, i) => ({ pk: `K${i}`, sk: 'S' }));
    const { client, inputs } = scriptedClient<BatchWriteInput>((input, call) => ({
      UnprocessedItems: call === 2 ? { T: input.RequestItems.T.slice(0, 3) } : {},
    }));
    // Act
    await batchWriteAll(client, 'T', items, { retry: FAST });
    // Assess
    expect(inputs.map((i) => i.RequestItems.T.length)).toEqual([25, 25, 3, 10]);
    // The requests that send items for the first time: the chunks, before any retry.
    const sent = new Set<unknown>();
    const sizes = inputs.flatMap((i) => {
      const pks = i.RequestItems.T.map((r) => r.PutRequest.Item.pk);
      const fresh = pks.every((pk) => !sent.has(pk));
      for (const pk of pks) sent.add(pk);
      return fresh ? [pks.length] : [];
    });
    expect(sizes).toEqual([25, 25, 10]);
    expect(inputs.every((i) => i.RequestItems.T.every((r) => r.PutRequest.Item.sk === 'S'))).toBe(true);
  });
});

describe('queryAll', () => {
  it('reads every page, and stops at the limit when given one', async () => {
    // Prepare: three pages of two
    const pages = () =>
      scriptedClient<QueryInput>((input, call) => ({
        Items: [{ n: call * 2 - 1 }, { n: call * 2 }].slice(0, input.Limit ?? 2),
        Count: 2,
        ScannedCount: 3,
        LastEvaluatedKey: call < 3 ? { at: call } : undefined,
      }));
    const first = pages();
    const second = pages();
    // Act
    const all = await queryAll(first.client, { TableName: 'T', KeyConditionExpression: 'pk = :p' });
    const some = await queryAll(second.client, { TableName: 'T', KeyConditionExpression: 'pk = :p' }, { limit: 3 });
    // Assess
    expect(all.items.map((i) => i.n)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(all.scanned).toBe(9);
    expect(first.inputs[1]?.ExclusiveStartKey).toEqual({ at: 1 });
    expect(some.items).toHaveLength(3);
    expect(second.inputs.map((i) => i.Limit)).toEqual([3, 1]);
  });
});

describe('mapLimit', () => {
  it('keeps at most `limit` in flight and answers in the order of the items', async () => {
    // Prepare
    let inFlight = 0;
    let most = 0;
    // Act
    const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, n));
      inFlight -= 1;
      return n * 10;
    });
    // Assess
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });

  it('starts nothing after a failure and rethrows it once the work in flight has settled', async () => {
    // Prepare
    const started: number[] = [];
    const settled: number[] = [];
    // Act
    const run = mapLimit([0, 1, 2, 3, 4, 5], 2, async (n) => {
      started.push(n);
      if (n === 1) throw new Error('boom');
      await new Promise((r) => setTimeout(r, 20));
      settled.push(n);
    });
    // Assess
    await expect(run).rejects.toThrow('boom');
    expect(started).toEqual([0, 1]);
    expect(settled).toEqual([0]);
  });
});
