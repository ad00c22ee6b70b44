// The local event source runners behave like Lambda's mappings on the emulators.
import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { documentClient, dynamoClient, snsClient, sqsClient } from '../helpers/emulators.js';
import { localStreamsClient } from '../../local/streams-client.js';
import { INGEST_DLQ, INGEST_QUEUE, NOTIFICATIONS_QUEUE, RECORDS_TABLE } from '../../shared/resources.js';
import { provision, type Provisioned } from '../../local/provision.js';
import { startSqsRunner, type Runner } from '../../local/runners/sqs-runner.js';
import { startStreamRunner } from '../../local/runners/stream-runner.js';
import { until } from '../helpers/until.js';

describe('local event source runners', () => {
  let p: Provisioned;
  const runners: Runner[] = [];

  beforeAll(async () => {
    p = await provision({ dynamo: dynamoClient(), sqs: sqsClient(), sns: snsClient() }, `r${randomUUID().slice(0, 8)}`, {
      // Far longer than these handlers run, even on a busy machine: only a failure redelivers.
      visibilityTimeout: 3,
    });
  });
  afterAll(async () => {
    await Promise.all(runners.map((r) => r.stop()));
  });

  it('redelivers only the records a partial batch response names, and moves a record that keeps failing to the DLQ after maxReceiveCount', async () => {
    // Prepare: "poison" always fails; "ok-*" succeed the first time
    const deliveries = new Map<string, number>();
    const queue = p.queues[INGEST_QUEUE.id]!;
    runners.push(
      startSqsRunner({
        client: sqsClient(),
        queueUrl: queue.url,
        queueArn: queue.arn,
        functionName: 'test',
        batchSize: 10,
        handler: async (event: SQSEvent) => {
          for (const r of event.Records) deliveries.set(r.body, (deliveries.get(r.body) ?? 0) + 1);
          return { batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => ({ itemIdentifier: r.messageId })) };
        },
      }),
    );
    // Act
    await sqsClient().send(
      new SendMessageBatchCommand({
        QueueUrl: queue.url,
        Entries: ['ok-1', 'poison', 'ok-2'].map((body, i) => ({
          Id: String(i),
          MessageBody: body,
          MessageGroupId: `g${i}`,
          MessageDeduplicationId: randomUUID(),
        })),
      }),
    );
    const dlqBodies: string[] = [];
    await until('the poison message in the DLQ', async () => {
      const out = await sqsClient().send(
        new ReceiveMessageCommand({ QueueUrl: p.queues[INGEST_DLQ.id]!.url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      dlqBodies.push(...(out.Messages ?? []).map((m) => m.Body ?? ''));
      return dlqBodies.length > 0;
    });
    // Assess
    expect(deliveries.get('ok-1')).toBe(1);
    expect(deliveries.get('ok-2')).toBe(1);
    expect(deliveries.get('poison')).toBe(INGEST_QUEUE.maxReceiveCount);
    expect(dlqBodies).toEqual(['poison']);
  });

  it('abandons the batch in flight on abort, as a kill -9 would: what its handler returns is not acted on, the message comes back', async () => {
    // Prepare: a runner whose handler holds its batch until released (a queue of its own: the ingest queue has a runner)
    const queue = p.queues[NOTIFICATIONS_QUEUE.id]!;
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let received = 0;
    const runner = (handler: (event: SQSEvent) => Promise<void>) =>
      startSqsRunner({ client: sqsClient(), queueUrl: queue.url, queueArn: queue.arn, functionName: 'test', batchSize: 10, handler });
    const killed = runner(async () => {
      received++;
      await held;
    });
    await sqsClient().send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: 'in-flight' }));
    await until('the batch received by the runner to be killed', () => received === 1);
    // Act: killed, then its invocation finishes as a success
    killed.abort();
    release();
    const seen: string[] = [];
    runners.push(
      runner(async (event) => {
        seen.push(...event.Records.map((r) => r.body));
      }),
    );
    // Assess: the next runner gets it once its visibility runs out
    await until('the message received again by the next runner', () => seen.length > 0);
    expect(seen).toEqual(['in-flight']);
  });

  it('checkpoints a stream at the lowest failed record: that record and the ones after it come again, in order', async () => {
    // Prepare: the second record fails once
    const seen: string[] = [];
    let failedOnce = false;
    runners.push(
      startStreamRunner({
        dynamo: dynamoClient(),
        streams: localStreamsClient(inject('emulators').dynamodbEndpoint),
        tableName: p.tables[RECORDS_TABLE.id]!,
        functionName: 'test',
        batchSize: 10,
        retryAttempts: 3,
        handler: async (event: DynamoDBStreamEvent) => {
          const keys = event.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '');
          seen.push(...keys);
          const failing = event.Records.find((r) => r.dynamodb?.Keys?.pk?.S === 'b');
          if (failing && !failedOnce) {
            failedOnce = true;
            return { batchItemFailures: [{ itemIdentifier: failing.dynamodb!.SequenceNumber! }] };
          }
          return { batchItemFailures: [] };
        },
      }),
    );
    // Act
    for (const pk of ['a', 'b', 'c']) {
      await documentClient().send(new PutCommand({ TableName: p.tables[RECORDS_TABLE.id]!, Item: { pk, sk: 'x' } }));
    }
    await until('b failed once and came again', () => failedOnce && seen.lastIndexOf('b') > seen.indexOf('b'));
    await until('c after the second b', () => seen.slice(seen.lastIndexOf('b')).includes('c'));
    // Assess: a once, then b (failed) and everything after b again
    expect(seen.filter((k) => k === 'a')).toHaveLength(1);
    expect(seen.filter((k) => k === 'b')).toHaveLength(2);
    expect(seen.slice(seen.lastIndexOf('b'))).toEqual(['b', 'c']);
  });
});
