// The ingest on the emulators: SQS FIFO → local event source runner → handler → DynamoDB Local.
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqsClient } from '../helpers/emulators.js';
import { createIngestHandler, type IngestHandlerDeps } from '../../functions/ingest/handler.js';
import { ingestEvent } from '../../shared/use-cases/ingest-event/index.js';
import { listWaiting, redriveDlq } from '../../shared/use-cases/redrive/index.js';
import { validEvent } from '../helpers/events.js';
import { INGEST_RETRY_QUEUE } from '../../shared/domain/ingest/retry-schedule.js';
import { getMember, partition } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { ingestStoreWith } from '../helpers/store-decorators.js';

const orgs = () => [
  validEvent('org.registered', { data: { orgId: 'HP', parentId: null, name: 'Thành phố', level: 'province' } }),
  validEvent('org.registered', { data: { orgId: 'Q1', parentId: 'HP', name: 'Quận 1', level: 'upper-grassroots' } }),
  validEvent('org.registered', { data: { orgId: 'C1', parentId: 'Q1', name: 'Chi bộ 1', level: 'grassroots-cell' } }),
  validEvent('org.registered', { data: { orgId: 'C2', parentId: 'Q1', name: 'Chi bộ 2', level: 'grassroots-cell' } }),
];

describe('ingest on the emulators', () => {
  let stack: TestStack;
  let crashNext = 0;
  let eraseBeforeWrite: string | undefined;

  beforeAll(async () => {
    // Prepare: a handler whose next N writes crash between the decision and the transaction,
    // and which can erase a person's key there (an erasure racing an event about them).
    const ingest = (deps: IngestHandlerDeps) =>
      createIngestHandler({
        ...deps,
        store: ingestStoreWith(deps.store, {
          beforeCommit: async () => {
            // As `person erase` does it: the tombstone first, then the key.
            if (eraseBeforeWrite) {
              await stack.stores.vault.tombstone(eraseBeforeWrite, new Date().toISOString());
              await stack.stores.vault.erase(eraseBeforeWrite);
            }
            eraseBeforeWrite = undefined;
            if (crashNext > 0) {
              crashNext--;
              throw new Error('injected crash before the write');
            }
          },
        }),
      });
    stack = await startTestStack({ figures: false, handlers: { ingest } });
    await stack.send(orgs());
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('applies an admission: the member is on the cell rolls as probationary', async () => {
    // Act
    await stack.send([validEvent('member.admitted', { data: { memberId: 'A1', orgId: 'C1' } })]);
    await stack.settle();
    // Assess
    const member = await getMember(stack, 'A1');
    expect(member).toMatchObject({ memberId: 'A1', cellId: 'C1', status: 'probationary', probationEndsOn: '2022-03-10' });
  });

  it('changes nothing the second time the same file is sent', async () => {
    // Prepare
    const file = [
      validEvent('member.admitted', { data: { memberId: 'B1', orgId: 'C1', admittedOn: '2021-05-01', ceremonyOn: undefined } }),
      validEvent('member.evaluated', { data: { memberId: 'B1', year: 2021, rating: 'good' } }),
    ];
    await stack.send(file);
    await stack.settle();
    const first = await getMember(stack, 'B1');
    // Act
    await stack.send(file);
    await stack.settle();
    // Assess
    expect(await getMember(stack, 'B1')).toEqual(first);
    expect(first?.version).toBe(2);
  });

  it('applies the other nine of a batch with one poison message and stores the poison with its reason', async () => {
    // Prepare
    const good = Array.from({ length: 9 }, (_, i) => validEvent('member.admitted', { data: { memberId: `P${i}`, orgId: 'C2' } }));
    const poison = validEvent('member.recognized', { data: { memberId: 'P0', recognizedOn: '2022-01-01' } });
    (poison.data as Record<string, unknown>).surprise = true;
    // Act
    await stack.send([...good.slice(0, 5), poison, ...good.slice(5)]);
    await stack.settle();
    // Assess
    for (let i = 0; i < 9; i++) expect((await getMember(stack, `P${i}`))?.status).toBe('probationary');
    const rejected = await partition(stack, 'REJECTED');
    expect(rejected.find((r) => r.eventId === poison.id)).toMatchObject({ reason: 'schema' });
  });

  it('stores a line that is not JSON as rejected instead of crashing', async () => {
    // Act
    await stack.send(['{ not json']);
    await stack.settle();
    // Assess: kept for the operator to fix and redrive, sealed at rest (it may hold personal data)
    expect((await stack.stores.redrive.listRejected()).some((r) => r.reason === 'not-json' && r.body === '{ not json')).toBe(true);
    const stored = (await partition(stack, 'REJECTED')).find((r) => r.reason === 'not-json');
    expect(JSON.stringify(stored)).not.toContain('not json');
  });

  it('rejects the same id with a different body as a conflict; the first one stands', async () => {
    // Prepare
    const first = validEvent('member.admitted', { data: { memberId: 'K1', orgId: 'C1' } });
    const second = { ...first, data: { ...first.data, orgId: 'C2' } };
    // Act
    await stack.send([first]);
    await stack.settle();
    await stack.send([second]);
    await stack.settle();
    // Assess
    expect((await getMember(stack, 'K1'))?.cellId).toBe('C1');
    expect((await partition(stack, 'REJECTED')).some((r) => r.eventId === first.id && r.reason === 'conflict')).toBe(true);
  });

  it("reads a member's key salt once for an event that opens and seals the member's profile", async () => {
    // Prepare: a member, then count the requests naming a salt while one update is ingested
    await stack.send([validEvent('member.admitted', { data: { memberId: 'S1', orgId: 'C1' } })]);
    await stack.settle();
    const saltReads: string[] = [];
    const name = 'count-salt-reads';
    stack.clients.documentClient.middlewareStack.add(
      (next, context) => async (args) => {
        const text = JSON.stringify((args as { input: unknown }).input);
        if (text.includes('PERSON#') && text.includes('"SALT"')) saltReads.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      // Act: the member is read (its profile opened) and written (sealed again)
      await stack.send([validEvent('member.evaluated', { data: { memberId: 'S1', year: 2021, rating: 'good' } })]);
      await stack.settle();
    } finally {
      stack.clients.documentClient.middlewareStack.remove(name);
    }
    // Assess: the salt is read once; the commit names it once more, in its condition that
    // the key it sealed with still seals (no correction or erasure since)
    expect((await getMember(stack, 'S1'))?.version).toBe(2);
    expect(saltReads).toEqual(['BatchGetItemCommand', 'TransactWriteItemsCommand']);
  });

  it("refuses an event about a person erased between the event's read and its write, and makes no new key", async () => {
    // Prepare: a member, whose key is destroyed after the update below has opened the profile
    await stack.send([validEvent('member.admitted', { data: { memberId: 'S2', orgId: 'C1' } })]);
    await stack.settle();
    expect((await getMember(stack, 'S2'))?.profile).toBeDefined();
    eraseBeforeWrite = 'S2';
    // Act
    await stack.send([validEvent('member.updated', { data: { memberId: 'S2', profile: { education: 'postgraduate' } } })]);
    await stack.settle();
    // Assess: the write found its key gone and read again; the event occurred before the
    // erasure, so it is refused: nothing written, no new key made to seal it
    const [item] = await partition(stack, 'MEMBER#S2');
    expect(item).toMatchObject({ version: 1 });
    expect((await getMember(stack, 'S2'))?.profile).toBeUndefined();
    expect((await stack.stores.redrive.listRejected()).filter((r) => r.reason === 'erased')).toHaveLength(1);
    expect(await partition(stack, 'PERSON#S2')).toEqual([]);
  });

  it('leaves exactly one effect after a crash between the decision and the write, then a retry', async () => {
    // Prepare
    crashNext = 1;
    // Act
    await stack.send([
      validEvent('member.admitted', { data: { memberId: 'X1', orgId: 'C1', admittedOn: '2021-06-01', ceremonyOn: undefined } }),
    ]);
    await stack.settle();
    // Assess
    const member = await getMember(stack, 'X1');
    expect(member?.version).toBe(1);
    const facts = await partition(stack, 'FACT#C1#2021');
    expect(facts.filter((f) => f.factId === 'admission#X1#2021-06-01')).toHaveLength(1);
  });

  it('retries a recognition that comes before its admission, parks it in the DLQ, and applies it on redrive after the admit', async () => {
    // Prepare
    const admit = validEvent('member.admitted', { data: { memberId: 'R1', orgId: 'C1' } });
    const recognize = validEvent('member.recognized', { data: { memberId: 'R1', recognizedOn: '2022-03-15' } });
    // Act: the recognition alone, until its retries run out
    await stack.send([recognize]);
    await stack.settle();
    const deferred = await partition(stack, 'DEFERRED');
    const dlqMessages = await sqsClient().send(
      new ReceiveMessageCommand({ QueueUrl: stack.env.INGEST_DLQ_URL, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }),
    );
    // Assess: in the DLQ with its reason on record, after every try the queue gives it (6)
    expect(deferred.find((d) => d.eventId === recognize.id)).toMatchObject({
      reason: 'missing-member',
      attempts: INGEST_RETRY_QUEUE.maxReceiveCount,
    });
    expect(dlqMessages.Messages?.map((m) => JSON.parse(m.Body ?? '{}').id)).toContain(recognize.id);
    // Act: the admit arrives, then the operator redrives the DLQ
    await stack.send([admit]);
    await stack.settle();
    const moved = await redriveDlq(stack.stores.redrive, stack.stores.deadLetterQueue, stack.stores.ingestQueue);
    await stack.settle();
    // Assess
    expect(moved).toBe(1);
    expect(await getMember(stack, 'R1')).toMatchObject({ status: 'official', recognizedOn: '2022-03-15' });
    expect((await listWaiting(stack.stores.redrive)).some((d) => d.eventId === recognize.id)).toBe(false);
  });

  it('counts a delivery that overlaps another delivery of the same event as a duplicate, not a rejection', async () => {
    // Prepare: the second delivery passes its idempotency check, then the first one commits
    const body = JSON.stringify(validEvent('member.imported', { data: { memberId: 'TWICE', orgId: 'C1' } }));
    const meta = { messageId: 'm-twice', receiveCount: 1 };
    // Act
    const store = stack.stores.ingest;
    const overlapped = ingestStoreWith(store, { afterMarkerCheck: async () => void (await ingestEvent(store, body, meta)) });
    const second = await ingestEvent(overlapped, body, meta);
    // Assess
    expect(second.outcome).toBe('duplicate');
    expect((await partition(stack, 'REJECTED')).some((r) => r.body === body)).toBe(false);
    expect((await getMember(stack, 'TWICE'))?.version).toBe(1);
  });

  it('leaves nothing in flight once settled', async () => {
    const out = await sqsClient().send(new GetQueueAttributesCommand({ QueueUrl: stack.env.INGEST_QUEUE_URL, AttributeNames: ['All'] }));
    expect(out.Attributes?.ApproximateNumberOfMessages).toBe('0');
  });
});
