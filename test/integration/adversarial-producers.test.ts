// The hostile district, second round (docs/security.md): attacks that need a stack of
// their own, each on the emulators through SQS. A registry that would let one producer
// stand for another is refused whole.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_SENDER_ATTRIBUTE, queueDepth } from '../../shared/data/queue-sender.js';
import { outgoing } from '../../shared/domain/events/outgoing.js';
import { redriveDlq } from '../../shared/use-cases/redrive/index.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { partition } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const CITY = 'AIDACITY';
const Q1 = 'AROAQ1';
const Q2 = 'AROAQ2';

type Entry = { senderId: string; name: string; sources: string[]; orgs: string[]; quotas?: Record<string, number> };
const city: Entry = { senderId: CITY, name: 'city', sources: ['csdl-city'], orgs: ['*'] };
const q1: Entry = { senderId: Q1, name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'] };
const q2: Entry = { senderId: Q2, name: 'district Q2', sources: ['csdl-q2'], orgs: ['Q2'] };

describe('a hostile district against the registry, the queue and the dead-letter queue', () => {
  let stack: TestStack;
  let producersFile: string;
  const register = (producers: Entry[]) => writeFileSync(producersFile, JSON.stringify({ producers }));
  const send = (sender: string, events: object[]) =>
    stack.stores.ingestQueue.send(
      events.map((e) => outgoing(JSON.stringify(e))),
      { localSender: sender },
    );
  const dlqMessages = async () => {
    const depth = await queueDepth({ sqs: stack.clients.sqs, queueUrl: stack.env.INGEST_DLQ_URL! });
    return depth.visible + depth.inFlight;
  };
  const marker = async (source: string, id: string) => (await partition(stack, `EVENT#${source}/${id}`))[0];
  /** Sends one event in the message group the sender chooses, as any SQS client can. */
  const sendInGroup = (sender: string, event: object, group: string) =>
    stack.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.env.INGEST_QUEUE_URL,
        MessageBody: JSON.stringify(event),
        MessageGroupId: group,
        MessageDeduplicationId: randomUUID(),
        MessageAttributes: { [LOCAL_SENDER_ATTRIBUTE]: { DataType: 'String', StringValue: sender } },
      }),
    );
  const waitsOf = async (eventId: string) => (await partition(stack, 'DEFERRED')).filter((d) => d.eventId === eventId);

  beforeAll(async () => {
    // Prepare: the city builds two districts with a cell each
    producersFile = join(mkdtempSync(join(tmpdir(), 'adversarial-producers-')), 'producers.json');
    register([city, q1, q2]);
    stack = await startTestStack({ producersFile });
    await send(
      CITY,
      [
        registerOrg('HP', null, 'province'),
        registerOrg('Q1', 'HP', 'upper-grassroots'),
        registerOrg('Q2', 'HP', 'upper-grassroots'),
        registerOrg('Q1-C1', 'Q1', 'grassroots-cell'),
        registerOrg('Q2-C1', 'Q2', 'grassroots-cell'),
      ].map((e) => ({ ...e, source: 'csdl-city' })),
    );
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it.each<[string, Entry[]]>([
    ["a second entry that gives Q1 Q2's source", [city, q1, q2, { ...q1, senderId: 'AROAQ1B', sources: ['csdl-q1b', 'csdl-q2'] }]],
    ["Q1's identity registered twice, the second time with Q2's source", [city, q1, q2, { ...q1, sources: ['csdl-q2'], orgs: ['*'] }]],
    ["Q1 registered as a role session whose name it chooses, with Q2's source", [city, { ...q1, senderId: `${Q1}:csdl-q2` }, q2]],
  ])(
    'applies nothing under a registry with %s, and once it is fixed the pre-claim of a Q2 id is out of scope',
    async (_case, producers) => {
      // Prepare: Q1 tries to claim an id Q2 will use, under Q2's source
      register(producers);
      const claim = validEvent('member.imported', { source: 'csdl-q2', data: { memberId: `CLAIM-${producers.length}`, orgId: 'Q1-C1' } });
      // Act
      await send(Q1, [claim]);
      await until('the claim in the dead-letter queue', async () => (await dlqMessages()) > 0);
      register([city, q1, q2]);
      await redriveDlq(stack.stores.redrive, stack.stores.deadLetterQueue, stack.stores.ingestQueue);
      await stack.settle();
      // Assess: never applied; stored as Q1's, out of scope
      expect(await marker('csdl-q2', claim.id)).toBeUndefined();
      const own = (await stack.stores.redrive.listRejected()).filter((r) => r.eventId === claim.id);
      expect(own.map((r) => [r.senderId, r.reason])).toEqual([[Q1, 'out-of-scope']]);
    },
  );

  it.each([
    ['the orgs group', 'orgs'],
    ["the group of another district's member", 'Q2-M1'],
  ])('rejects at once, never left waiting, an event that would wait sent in %s', async (_case, group) => {
    // Prepare: an update of a member that does not exist (it would wait for it), in a group not its subject's
    const stall = validEvent('member.updated', {
      source: 'csdl-q1',
      data: { memberId: `NOBODY-${group}`, profile: { education: 'college' } },
    });
    // Act
    await sendInGroup(Q1, stall, group);
    await stack.settle();
    // Assess: rejected on its first receive, never noted as waiting, nothing in the DLQ
    const own = (await stack.stores.redrive.listRejected()).filter((r) => r.eventId === stall.id);
    expect(own.map((r) => [r.senderId, r.reason])).toEqual([[Q1, 'wrong-group']]);
    expect(await waitsOf(stall.id)).toEqual([]);
    expect(await dlqMessages()).toBe(0);
  });

  it('caps the waiting events of a district that floods the ingest, and leaves the other district’s place alone', async () => {
    // Prepare: Q1 may have two events waiting; it sends four updates of members nobody admitted, Q2 one
    register([city, { ...q1, quotas: { waiting: 2 } }, q2]);
    const flood = [1, 2, 3, 4].map((i) =>
      validEvent('member.updated', { source: 'csdl-q1', data: { memberId: `FLOOD-${String(i)}`, profile: { education: 'college' } } }),
    );
    const other = validEvent('member.updated', { source: 'csdl-q2', data: { memberId: 'Q2-LATE', profile: { education: 'college' } } });
    // Act
    for (const e of flood) await sendInGroup(Q1, e, e.data.memberId);
    await sendInGroup(Q2, other, other.data.memberId);
    const refusedOf = async () =>
      (await stack.stores.redrive.listRejected()).filter((r) => r.reason === 'too-many-waiting' && r.senderId === Q1);
    await until(
      'two of Q1’s events refused and Q2’s waiting',
      async () => (await refusedOf()).length === 2 && (await waitsOf(other.id)).length === 1,
    );
    // Assess: two of Q1's wait, two are rejected with their bodies kept; Q2's waits; status names Q1
    const waiting = (await partition(stack, 'DEFERRED')).filter((d) => flood.some((e) => e.id === d.eventId));
    expect(waiting).toHaveLength(2);
    const refused = await refusedOf();
    expect(refused.map((r) => JSON.parse(r.body).id).sort()).toEqual(
      flood
        .map((e) => e.id)
        .filter((id) => !waiting.some((d) => d.eventId === id))
        .sort(),
    );
    expect((await waitsOf(other.id)).map((d) => d.senderId)).toEqual([Q2]);
    expect(await stack.stores.redrive.listQuotasReached()).toEqual([expect.objectContaining({ senderId: Q1, kind: 'waiting', limit: 2 })]);
  });
});
