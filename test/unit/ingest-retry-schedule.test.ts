// When an event that waits for its predecessor is tried again (docs/events.md "What
// happens to an event"): 2, 4, 8, 16 s, one wait of the queue's whole visibility timeout,
// then the dead-letter queue. The real ingest handler and its visibility adapter run
// against a FIFO queue simulated on a clock of its own, so the receive times are the
// queue's, not a wall clock's, and the test takes no time.
import type { ChangeMessageVisibilityCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { sqsWaitBeforeRetry, visibilityAfterTry } from '../../functions/ingest/visibility.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { INGEST_RETRY_QUEUE, nextTryAfter, retryTimeline } from '../../shared/domain/ingest/retry-schedule.js';
import { INGEST_QUEUE } from '../../shared/resources.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';
import { sqsEventOf } from '../helpers/sqs-events.js';

/** One message on a simulated SQS FIFO queue with a redrive policy, on the queue's own clock (seconds). */
class SimulatedQueue {
  now = 0;
  receives: number[] = [];
  deadLetteredAt: number | undefined;
  private visibleAt = 0;
  private receiveCount = 0;
  private deleted = false;

  constructor(
    readonly body: string,
    private readonly queue = { visibilityTimeout: INGEST_QUEUE.visibilityTimeout, maxReceiveCount: INGEST_QUEUE.maxReceiveCount! },
  ) {}

  /** The client the visibility adapter calls: ChangeMessageVisibility only. */
  readonly client = {
    send: async (command: ChangeMessageVisibilityCommand) => {
      this.visibleAt = this.now + command.input.VisibilityTimeout!;
      return {};
    },
  } as unknown as SQSClient;

  /**
   * Moves the clock to when the message is next visible and receives it, as SQS does: a
   * message received maxReceiveCount times goes to the dead-letter queue instead.
   */
  receive(): SQSEvent | undefined {
    if (this.deleted || this.deadLetteredAt !== undefined) return undefined;
    this.now = Math.max(this.now, this.visibleAt);
    if (this.receiveCount >= this.queue.maxReceiveCount) {
      this.deadLetteredAt = this.now;
      return undefined;
    }
    this.receiveCount += 1;
    this.receives.push(this.now);
    this.visibleAt = this.now + this.queue.visibilityTimeout;
    const event = sqsEventOf([{ body: this.body }]);
    event.Records[0]!.attributes.ApproximateReceiveCount = String(this.receiveCount);
    return event;
  }

  delete(): void {
    this.deleted = true;
  }
}

/** Receives and handles until the message is applied or dead-lettered. */
async function deliver(queue: SimulatedQueue, store: InMemoryIngestStore): Promise<void> {
  const handler = createIngestHandler({
    store,
    loadRegistry: async () => undefined,
    waitBeforeRetry: sqsWaitBeforeRetry({ sqs: queue.client, queueUrl: 'ingest.fifo' }),
  });
  for (let event = queue.receive(); event; event = queue.receive()) {
    const response = await handler(event, lambdaContext('ingest', 30_000));
    if ((response?.batchItemFailures ?? []).length === 0) queue.delete();
  }
}

async function storeWithOrgs(): Promise<InMemoryIngestStore> {
  const store = new InMemoryIngestStore();
  const handler = createIngestHandler({ store, loadRegistry: async () => undefined, waitBeforeRetry: async () => {} });
  await handler(sqsEventOf(baseOrgs().map((body) => ({ body }))), lambdaContext('ingest', 30_000));
  return store;
}

describe('an event waiting for its predecessor', () => {
  it('is tried after 2, 4, 8 and 16 s, once more after the visibility timeout, then goes to the DLQ at once', async () => {
    // Prepare: a recognition of a member nobody admitted
    const store = await storeWithOrgs();
    const queue = new SimulatedQueue(JSON.stringify(validEvent('member.recognized', { data: { memberId: 'NOBODY' } })));
    // Act
    await deliver(queue, store);
    // Assess: the receive times on the queue's clock
    expect(queue.receives).toEqual([0, 2, 6, 14, 30, 210]);
    expect(queue.deadLetteredAt).toBe(210);
    expect(retryTimeline()).toEqual([...queue.receives.slice(1), queue.deadLetteredAt]);
  });

  it('applies on its next try once the predecessor has come, and is deleted', async () => {
    // Prepare: the member arrives during the third wait
    const store = await storeWithOrgs();
    const queue = new SimulatedQueue(JSON.stringify(validEvent('member.recognized', { data: { memberId: 'LATE' } })));
    const handler = createIngestHandler({
      store,
      loadRegistry: async () => undefined,
      waitBeforeRetry: sqsWaitBeforeRetry({ sqs: queue.client, queueUrl: 'ingest.fifo' }),
    });
    for (let i = 0; i < 3; i++) await handler(queue.receive()!, lambdaContext('ingest', 30_000));
    await handler(
      sqsEventOf([{ body: validEvent('member.admitted', { data: { memberId: 'LATE', orgId: 'C1' } }) }]),
      lambdaContext('ingest', 30_000),
    );
    // Act
    await deliver(queue, store);
    // Assess
    expect(queue.receives).toEqual([0, 2, 6, 14]);
    expect(queue.deadLetteredAt).toBeUndefined();
    expect(store.members.get('LATE')?.status).toBe('official');
  });

  it('never waits longer than a shortened queue makes it wait, and keeps its tries', () => {
    // Prepare: the local stack's tests shorten the visibility timeout to a second
    const short = { ...INGEST_RETRY_QUEUE, visibilitySeconds: 1 };
    // Act
    const waits = [1, 2, 3, 4, 5, 6].map((n) => nextTryAfter(n, short));
    // Assess: no shortening to ask for (the queue's own second), the same number of tries
    expect(waits.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => ({ kind: 'retry', seconds: 1, shortened: false })));
    expect(waits[5]).toEqual({ kind: 'dead-letter' });
    expect([1, 4, 5, 6].map((n) => visibilityAfterTry(n, short))).toEqual([undefined, undefined, undefined, 0]);
  });
});
