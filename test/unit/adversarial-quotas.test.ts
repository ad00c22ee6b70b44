// A producer's rate and its rejected bodies are capped (docs/security.md "Quotas"): one
// flooding the ingest with events, or with events that fail, cannot make the others pay
// — its events beyond its events per minute are rejected `too-many-events` before anything
// is read, nothing of them kept but the reason (the producer sends them again), its
// rejections beyond its quota of bodies are kept without them, and another producer's
// share is untouched. The use case on the in-memory store, with the batch's count as the
// handler makes it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { parseRegistry } from '../../shared/data/producer-registry.js';
import { REDRIVE_ATTRIBUTE } from '../../shared/data/queue-sender.js';
import { DEFAULT_QUOTAS, rateDecision } from '../../shared/domain/ingest/quotas.js';
import type { Producer } from '../../shared/domain/ingest/scope.js';
import { eventsThisMinute, ingestEvent, type IngestContext } from '../../shared/use-cases/ingest-event/index.js';
import { NO_BODY } from '../../shared/use-cases/ingest-event/port.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';
import { sqsEventOf } from '../helpers/sqs-events.js';

const PRODUCERS: Producer[] = [
  { senderId: 'CITY', name: 'city', sources: ['csdl-city'], orgs: ['*'] },
  { senderId: 'Q1', name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'], quotas: { eventsPerMinute: 3, rejectedKept: 2 } },
  { senderId: 'Q1B', name: 'district Q1, second system', sources: ['csdl-q1b'], orgs: ['Q1'], quotas: { eventsPerMinute: 3 } },
];
const producers = (id: string | undefined) => PRODUCERS.find((p) => id === p.senderId || id?.startsWith(`${p.senderId}:`));

let messages = 0;
/** Ingests `events` from `senderId` as one batch: counted against its rate first, as the handler does. */
async function batch(store: InMemoryIngestStore, senderId: string, events: object[], now = new Date('2026-12-06T10:00:30Z')) {
  const sent = events.map((e) => ({ messageId: `m${String(++messages)}`, senderId, body: JSON.stringify(e) }));
  const rate = await eventsThisMinute(store, sent, now);
  const out = [];
  for (const m of sent) {
    const context: IngestContext = { senderId, producers, registered: PRODUCERS, eventsThisMinute: rate.get(m.messageId) };
    const result = await ingestEvent(store, m.body, { messageId: m.messageId, receiveCount: 1, context });
    out.push(result.outcome === 'rejected' ? result.reason : result.outcome);
  }
  return out;
}

async function tree(): Promise<InMemoryIngestStore> {
  const store = new InMemoryIngestStore();
  await batch(
    store,
    'CITY',
    baseOrgs().map((e) => ({ ...e, source: 'csdl-city' })),
  );
  return store;
}

/** An event of Q1's that applies: a new member in its cell. */
const admitted = (source: string, i: number) =>
  validEvent('member.imported', { source, data: { memberId: `M-${source}-${String(i)}`, orgId: 'C1' } });

describe('events per minute', () => {
  it('rejects the flooding producer’s events over its rate, keeping their reasons only; its other system and the next minute are untouched', async () => {
    // Prepare
    const store = await tree();

    // Act
    const flood = await batch(
      store,
      'Q1:any-session',
      [1, 2, 3, 4, 5].map((i) => admitted('csdl-q1', i)),
    );
    const other = await batch(
      store,
      'Q1B',
      [1, 2].map((i) => admitted('csdl-q1b', i)),
    );
    const nextMinute = await batch(
      store,
      'Q1',
      [6].map((i) => admitted('csdl-q1', i)),
      new Date('2026-12-06T10:01:05Z'),
    );

    // Assess
    expect(flood).toEqual(['applied', 'applied', 'applied', 'too-many-events', 'too-many-events']);
    expect(other).toEqual(['applied', 'applied']);
    expect(nextMinute).toEqual(['applied']);
    const over = [...store.rejected.values()].filter((r) => r.reason === 'too-many-events');
    expect(over).toHaveLength(2);
    expect(over.every((r) => r.body === NO_BODY && r.personId === undefined)).toBe(true);
    expect([...store.quotasReached.values()]).toEqual([expect.objectContaining({ senderId: 'Q1', kind: 'eventsPerMinute', limit: 3 })]);
  });

  it('costs no read: an event over the rate is refused before its marker, its records, its scope or an erasure is looked at', async () => {
    // Prepare: Q1's quota (3) used up this minute; a store that records what it is asked
    const store = await tree();
    await batch(
      store,
      'Q1',
      [1, 2, 3].map((i) => admitted('csdl-q1', i)),
    );
    const asked: string[] = [];
    const recording = new Proxy(store, {
      get(target, name, receiver) {
        const value = Reflect.get(target, name, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          asked.push(String(name));
          return value.apply(target, args);
        };
      },
    });
    const event = validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'M-over', orgId: 'C1', dossierId: 'D-over' } });
    // Act
    const result = await ingestEvent(recording, JSON.stringify(event), {
      messageId: 'm-over',
      receiveCount: 1,
      context: { senderId: 'Q1', producers, registered: PRODUCERS, eventsThisMinute: 4 },
    });
    // Assess: its rejection and the quota's note written, nothing read
    expect(result).toMatchObject({ outcome: 'rejected', reason: 'too-many-events' });
    expect(asked).toEqual(['storeRejected', 'noteQuotaReached']);
  });

  it('keeps an event’s other rejection: the one over the rate stands beside it, never over its body', async () => {
    // Prepare: Q1's event rejected with its body kept (its member exists already)
    const store = await tree();
    const first = admitted('csdl-q1', 1);
    const again = { ...first, id: 'again' };
    expect(await batch(store, 'Q1', [first, again])).toEqual(['applied', 'member-exists']);
    // Act: the same event sent again in a flood, over the rate
    const flood = await batch(store, 'Q1', [2, 3].map((i) => admitted('csdl-q1', i)).concat([again]));
    // Assess
    expect(flood).toEqual(['applied', 'too-many-events', 'too-many-events']);
    const ofAgain = [...store.rejected.values()].filter((r) => r.eventId === 'again').map((r) => [r.reason, r.body === NO_BODY]);
    expect(ofAgain).toEqual([
      ['member-exists', false],
      ['too-many-events', true],
    ]);
  });

  it('a session name chosen by the caller gives no new quota: two sessions of one role share it', async () => {
    // Prepare
    const store = await tree();

    // Act
    const first = await batch(
      store,
      'Q1:a',
      [1, 2].map((i) => admitted('csdl-q1', i)),
    );
    const second = await batch(
      store,
      'Q1:b',
      [3, 4].map((i) => admitted('csdl-q1', i)),
    );

    // Assess
    expect([...first, ...second]).toEqual(['applied', 'applied', 'applied', 'too-many-events']);
  });

  it('a message not counted (a retry, a redrive) is never over the rate; the default is 600 a minute', () => {
    expect(rateDecision(undefined, 3)).toBeUndefined();
    expect(rateDecision(3, 3)).toBeUndefined();
    expect(rateDecision(4, 3)?.outcome).toBe('reject');
    expect(DEFAULT_QUOTAS.eventsPerMinute).toBe(600);
  });
});

describe('the ingest handler counts a message against its producer’s rate once, at its first receive', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('does not count a message received again (a retry, a redelivery) nor a redrive: the quota is the first receives’', async () => {
    // Prepare: Q1 may send 3 events a minute; the handler with the registry, all within one minute
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-06T10:00:05Z'));
    const store = await tree();
    const registry = parseRegistry(JSON.stringify({ producers: PRODUCERS }));
    const handler = createIngestHandler({
      store,
      loadRegistry: async () => ({ registry, version: 'test' }),
      waitBeforeRetry: async () => {},
    });
    const receive = (events: object[], opts: { receiveCount?: number; redrive?: (body: string) => string } = {}) => {
      const sqs = sqsEventOf(events.map((body) => ({ body, senderId: 'Q1' })));
      for (const r of sqs.Records) {
        r.attributes.ApproximateReceiveCount = String(opts.receiveCount ?? 1);
        if (opts.redrive) r.messageAttributes = { [REDRIVE_ATTRIBUTE]: { dataType: 'String', stringValue: opts.redrive(r.body) } };
      }
      return handler(sqs, lambdaContext('ingest', 30_000));
    };
    const [a, b, redriven, c, d] = [1, 2, 3, 4, 5].map((i) => admitted('csdl-q1', i));
    const grant = (body: string) => {
      store.grant('g-redriven', 'Q1', body);
      return 'g-redriven';
    };
    // Act: two events; both received again (their visibility ran out); one event redriven;
    // then two new events
    await receive([a!, b!]);
    await receive([a!, b!], { receiveCount: 2 });
    await receive([redriven!], { redrive: grant });
    await receive([c!, d!]);
    // Assess: four counted (a, b, c, d): c is the third, applied; d the fourth, over the quota
    const outcome = (e: { source: string; id: string }) =>
      store.applied.has(`${e.source}/${e.id}`) ? 'applied' : [...store.rejected.values()].find((r) => r.eventId === e.id)?.reason;
    expect([a, b, redriven, c, d].map((e) => outcome(e!))).toEqual(['applied', 'applied', 'applied', 'applied', 'too-many-events']);
    expect(store.eventsCounted.get('Q1#2026-12-06T10:00')).toBe(4);
  });

  it('counts nothing with scoping off (no registry)', async () => {
    // Prepare
    const store = await tree();
    const counted = new Map(store.eventsCounted);
    const handler = createIngestHandler({ store, loadRegistry: async () => undefined, waitBeforeRetry: async () => {} });
    // Act: more than Q1's registered quota
    await handler(sqsEventOf([1, 2, 3, 4].map((i) => ({ body: admitted('csdl-q1', i), senderId: 'Q1' }))), lambdaContext('ingest', 30_000));
    // Assess
    expect(store.eventsCounted).toEqual(counted);
    expect(store.rejected.size).toBe(0);
  });
});

describe('rejected events kept', () => {
  it('keeps the bodies of the producer’s first rejections up to its quota, then their reasons only; another producer keeps its own', async () => {
    // Prepare: events that fail the schema, in another minute each so that the rate is not what stops them
    const store = await tree();
    const broken = (source: string, i: number) => ({ ...admitted(source, i), type: 'member.unknown' });

    // Act
    for (let i = 0; i < 4; i++) await batch(store, 'Q1', [broken('csdl-q1', i)], new Date(Date.UTC(2026, 11, 6, 11, i)));
    await batch(store, 'Q1B', [broken('csdl-q1b', 9)]);

    // Assess
    const q1 = [...store.rejected.values()].filter((r) => r.senderId === 'Q1');
    expect(q1).toHaveLength(4);
    expect(q1.filter((r) => r.body !== NO_BODY)).toHaveLength(2);
    expect(q1.filter((r) => r.body === NO_BODY).every((r) => r.message.includes('quota'))).toBe(true);
    expect([...store.rejected.values()].find((r) => r.senderId === 'Q1B')?.body).not.toBe(NO_BODY);
    expect([...store.quotasReached.values()]).toContainEqual(expect.objectContaining({ senderId: 'Q1', kind: 'rejectedKept', limit: 2 }));
  });

  it('the registry takes both quotas per producer, and refuses a quota it does not know', () => {
    const entry = { senderId: 'Q1', name: 'q1', sources: ['csdl-q1'], orgs: ['Q1'] };
    expect(
      parseRegistry(JSON.stringify({ producers: [{ ...entry, quotas: { eventsPerMinute: 60, rejectedKept: 500 } }] })).producers[0]?.quotas,
    ).toEqual({ eventsPerMinute: 60, rejectedKept: 500 });
    expect(() => parseRegistry(JSON.stringify({ producers: [{ ...entry, quotas: { eventsPerHour: 60 } }] }))).toThrow(/quotas/);
  });
});
