// The ingest handler on one SQS FIFO batch: message groups at the same time, each group in order.
import type { SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import type { IngestStore } from '../../shared/use-cases/ingest-event/port.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';
import { sqsEventOf } from '../helpers/sqs-events.js';
import { ingestStoreWith } from '../helpers/store-decorators.js';

/** The SQS event Lambda would get for these events, each in its own message group. */
const sqsEvent = (events: object[]): SQSEvent => sqsEventOf(events.map((body) => ({ body })));

const context = lambdaContext('ingest', 30_000);

/** The ingest handler on `store`, without producer scoping; no record of these batches waits for a predecessor. */
const handlerOn = (store: IngestStore) =>
  createIngestHandler({ store, loadRegistry: async () => undefined, waitBeforeRetry: async () => {} });

/** A store holding the example tree HP > Q1 > C1, C2. */
async function storeWithOrgs(): Promise<InMemoryIngestStore> {
  const store = new InMemoryIngestStore();
  await handlerOn(store)(sqsEvent(baseOrgs()), context);
  return store;
}

/** Two members' admission then evaluation: groups A and B, two records each, interleaved. */
function twoGroups() {
  const a1 = validEvent('member.admitted', { data: { memberId: 'A', orgId: 'C1' } });
  const a2 = validEvent('member.evaluated', { data: { memberId: 'A' } });
  const b1 = validEvent('member.admitted', { data: { memberId: 'B', orgId: 'C2' } });
  const b2 = validEvent('member.evaluated', { data: { memberId: 'B' } });
  return { a1, a2, b1, b2, batch: [a1, b1, a2, b2] };
}

describe('the ingest handler on a batch of several message groups', () => {
  it("applies another group's records while a group's first record is still running, and keeps each group's order", async () => {
    // Prepare: A's admission is held until B's evaluation has started, which only happens
    // when B does not wait for A (processed one after another, this batch never finishes).
    const store = await storeWithOrgs();
    const { a1, a2, b1, b2, batch } = twoGroups();
    const started: string[] = [];
    let releaseA1 = () => {};
    const a1Held = new Promise<void>((resolve) => {
      releaseA1 = resolve;
    });
    const handler = handlerOn(
      ingestStoreWith(store, {
        afterMarkerCheck: async ({ eventId }) => {
          started.push(eventId);
          if (eventId === b2.id) releaseA1();
          if (eventId === a1.id) await a1Held;
        },
      }),
    );
    // Act
    const response = await handler(sqsEvent(batch), context);
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(started.indexOf(b2.id)).toBeLessThan(started.indexOf(a2.id));
    expect(started.indexOf(a1.id)).toBeLessThan(started.indexOf(a2.id));
    expect(started.indexOf(b1.id)).toBeLessThan(started.indexOf(b2.id));
    expect(store.members.get('A')?.version).toBe(2);
    expect(store.members.get('B')?.version).toBe(2);
  });

  it("reports a failed record and its group's later ones as failed, in the batch's order, and applies the other group", async () => {
    // Prepare: A's admission fails to write.
    const store = await storeWithOrgs();
    const { a1, batch } = twoGroups();
    const handler = handlerOn(
      ingestStoreWith(store, {
        beforeCommit: ({ eventId }) => {
          if (eventId === a1.id) throw new Error('injected crash before the write');
        },
      }),
    );
    // Act
    const response = await handler(sqsEvent(batch), context);
    // Assess: m-0 is A's admission, m-2 its evaluation (never tried); B's two are applied.
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-0' }, { itemIdentifier: 'm-2' }] });
    expect(store.members.has('A')).toBe(false);
    expect(store.members.get('B')?.version).toBe(2);
  });

  it('reports every record of a batch whose groups all fail, without throwing', async () => {
    // Prepare
    const store = await storeWithOrgs();
    const handler = handlerOn(
      ingestStoreWith(store, {
        beforeCommit: () => {
          throw new Error('injected crash before the write');
        },
      }),
    );
    // Act
    const response = await handler(sqsEvent(twoGroups().batch), context);
    // Assess
    expect(response.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m-0', 'm-1', 'm-2', 'm-3']);
  });
});
