// Producer scoping: a district's system writes its own subtree only.
import type { SQSEvent } from 'aws-lambda';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { subjectOf, type DomainEvent } from '../../shared/domain/events/index.js';
import { validEvent } from '../helpers/events.js';
import { getMember } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const CITY = 'AIDACITYSYSTEM';
const DISTRICT_ROLE = 'AROADISTRICTQ1';

/** The SQS event Lambda would get for these bodies from this sender. */
const sqsEvent = (senderId: string, ...bodies: object[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({
    messageId: `m-${senderId}-${i}-${Math.random()}`,
    receiptHandle: 'r',
    body: JSON.stringify(body),
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '0',
      SenderId: senderId,
      ApproximateFirstReceiveTimestamp: '0',
      // Each event's own group, as producers send (the org tree's events: one group, in order).
      MessageGroupId: subjectOf(body as DomainEvent),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:local:000000000000:ingest.fifo',
    awsRegion: 'local',
  })),
});

describe('producer scoping by SQS SenderId', () => {
  let stack: TestStack;
  /** The ingest handler of the stack, its registry the file below (as the local stack reads it). */
  const handler = () => createIngestHandler(stack.deps.ingest);
  const invoke = async (senderId: string, ...bodies: object[]) => handler()(sqsEvent(senderId, ...bodies), lambdaContext('ingest', 30_000));

  beforeAll(async () => {
    // Prepare: the city's system may write everything, district Q1's role only Q1's subtree
    const dir = mkdtempSync(join(tmpdir(), 'producers-'));
    const file = join(dir, 'producers.json');
    writeFileSync(
      file,
      JSON.stringify({
        producers: [
          { senderId: CITY, name: 'city', sources: ['csdl-dang-vien'], orgs: ['*'] },
          { senderId: DISTRICT_ROLE, name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'] },
        ],
      }),
    );
    stack = await startTestStack({ figures: false, producersFile: file });
    await invoke(
      CITY,
      validEvent('org.registered', { data: { orgId: 'HP', parentId: null, name: 'HP', level: 'province' } }),
      validEvent('org.registered', { data: { orgId: 'Q1', parentId: 'HP', name: 'Q1', level: 'upper-grassroots' } }),
      validEvent('org.registered', { data: { orgId: 'Q2', parentId: 'HP', name: 'Q2', level: 'upper-grassroots' } }),
      validEvent('org.registered', { data: { orgId: 'C1', parentId: 'Q1', name: 'C1', level: 'grassroots-cell' } }),
      validEvent('org.registered', { data: { orgId: 'C9', parentId: 'Q2', name: 'C9', level: 'grassroots-cell' } }),
    );
  });
  afterAll(async () => stack?.stop());

  it('applies what a district system writes inside its subtree (a role session matches its role)', async () => {
    // Act
    await invoke(
      `${DISTRICT_ROLE}:csdl-session`,
      validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'IN1', orgId: 'C1' } }),
    );
    // Assess
    expect((await getMember(stack, 'IN1'))?.cellId).toBe('C1');
  });

  it('rejects as out-of-scope what it writes outside, and what an unknown sender writes', async () => {
    // Prepare
    const outside = validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'OUT1', orgId: 'C9' } });
    const stranger = validEvent('member.admitted', { data: { memberId: 'OUT2', orgId: 'C1' } });
    // Act
    await invoke(DISTRICT_ROLE, outside);
    await invoke('AIDASOMEONEELSE', stranger);
    // Assess
    expect(await getMember(stack, 'OUT1')).toBeUndefined();
    expect(await getMember(stack, 'OUT2')).toBeUndefined();
    const rejected = await stack.stores.redrive.listRejected();
    expect(rejected.find((r) => r.eventId === outside.id)).toMatchObject({ reason: 'out-of-scope' });
    expect(rejected.find((r) => r.eventId === stranger.id)).toMatchObject({ reason: 'out-of-scope' });
  });
});
