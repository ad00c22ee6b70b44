// The local stream runner hands the figures handler batches Lambda could hand it: at most
// the batch size, and no more than fits Lambda's 6 MB invocation payload.
import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { LAMBDA_PAYLOAD_BYTES, withinPayload } from '../../local/runners/stream-runner.js';
import { FIGURES_SOURCE } from '../../shared/resources.js';

const record = (n: number, bytes: number): DynamoDBRecord => ({
  eventID: String(n),
  eventName: 'MODIFY',
  dynamodb: { SequenceNumber: String(n), NewImage: { pk: { S: `R#${n}` }, blob: { S: 'x'.repeat(bytes) } } },
});

describe('a stream batch within the payload limit', () => {
  it('keeps a batch that fits whole', () => {
    // Prepare
    const records = Array.from({ length: 1000 }, (_, n) => record(n, 3_000));
    // Act
    const batch = withinPayload(records);
    // Assess: 1,000 records of ~3 KB are ~3 MB
    expect(batch).toHaveLength(1000);
  });

  it('cuts a batch of large records at 6 MB, keeping their order', () => {
    // Prepare: twenty records of ~350 KB (under DynamoDB's 400 KB item limit) are ~7 MB
    const records = Array.from({ length: 20 }, (_, n) => record(n, 350_000));
    // Act
    const batch = withinPayload(records);
    // Assess
    expect(batch.length).toBeLessThan(20);
    expect(batch.length).toBeGreaterThan(10);
    expect(batch.map((r) => r.eventID)).toEqual(records.slice(0, batch.length).map((r) => r.eventID));
    expect(Buffer.byteLength(JSON.stringify({ Records: batch }))).toBeLessThanOrEqual(LAMBDA_PAYLOAD_BYTES);
    expect(Buffer.byteLength(JSON.stringify({ Records: records.slice(0, batch.length + 1) }))).toBeGreaterThan(LAMBDA_PAYLOAD_BYTES);
  });

  it('still sends a record alone when it is larger than the limit', () => {
    // Act
    const batch = withinPayload([record(1, 100), record(2, 100)], 50);
    // Assess
    expect(batch.map((r) => r.eventID)).toEqual(['1']);
  });
});

describe('the figures batch size', () => {
  it('is halved to a single record before its retries run out, so a poison record goes to the on-failure destination alone', () => {
    // Assess: bisecting on error halves the batch once per retry (local runner and Lambda alike)
    expect(Math.ceil(FIGURES_SOURCE.batchSize / 2 ** FIGURES_SOURCE.retryAttempts)).toBe(1);
  });
});
