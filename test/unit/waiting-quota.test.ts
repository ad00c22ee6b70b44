// A producer's waiting events are capped (docs/producers.md "Quotas"): one flooding the
// ingest with events about members that do not exist cannot use up another's place, and an
// event over the cap is rejected `too-many-waiting` with its body kept — never dropped.
import { describe, expect, it } from 'vitest';
import type { Producer } from '../../shared/domain/ingest/scope.js';
import { ingestEvent, PredecessorMissingError, type IngestContext } from '../../shared/use-cases/ingest-event/index.js';
import { NO_BODY } from '../../shared/use-cases/ingest-event/port.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';

const PRODUCERS: Producer[] = [
  { senderId: 'CITY', name: 'city', sources: ['csdl-city'], orgs: ['*'] },
  { senderId: 'Q1', name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'], quotas: { waiting: 3 } },
  { senderId: 'Q2', name: 'district Q2', sources: ['csdl-q2'], orgs: ['Q1'], quotas: { waiting: 3 } },
];
/** As the registry finds a producer: by its id, or a role session of it. */
const producers = (id: string | undefined) => PRODUCERS.find((p) => id === p.senderId || id?.startsWith(`${p.senderId}:`));

let messages = 0;
const ingest = (store: InMemoryIngestStore, event: object, senderId: string, receiveCount = 1) => {
  const context: IngestContext = { senderId, producers, registered: PRODUCERS };
  return ingestEvent(store, JSON.stringify(event), { messageId: `q${++messages}`, receiveCount, context });
};

/** An update of a member nobody has admitted yet: it waits for its predecessor. */
const waitsFor = (memberId: string, source: string) => validEvent('member.updated', { source, data: { memberId } });

/** The example tree (HP > Q1 > C1, C2), written by the city. */
async function tree(): Promise<InMemoryIngestStore> {
  const store = new InMemoryIngestStore();
  for (const e of baseOrgs()) expect((await ingest(store, { ...e, source: 'csdl-city' }, 'CITY')).outcome).toBe('applied');
  return store;
}

/** Ingests `event` and says whether it waits (is to be retried) or what came of it. */
async function outcomeOf(store: InMemoryIngestStore, event: object, senderId: string, receiveCount = 1): Promise<string> {
  try {
    const out = await ingest(store, event, senderId, receiveCount);
    return out.outcome === 'rejected' ? out.reason : out.outcome;
  } catch (error) {
    if (error instanceof PredecessorMissingError) return 'waits';
    throw error;
  }
}

describe('the quota of waiting events', () => {
  it('rejects the flooding producer’s events over its quota, with their bodies kept, and leaves another producer’s place alone', async () => {
    // Prepare
    const store = await tree();
    const flood = Array.from({ length: 6 }, (_, i) => waitsFor(`NOBODY-${String(i)}`, 'csdl-q1'));
    // Act
    const q1 = [];
    for (const e of flood) q1.push(await outcomeOf(store, e, 'Q1'));
    const q2 = await outcomeOf(store, waitsFor('NOBODY-Q2', 'csdl-q2'), 'Q2');
    // Assess
    expect(q1).toEqual(['waits', 'waits', 'waits', 'too-many-waiting', 'too-many-waiting', 'too-many-waiting']);
    expect(q2).toBe('waits');
    const refused = [...store.rejected.values()].filter((r) => r.reason === 'too-many-waiting');
    expect(refused.map((r) => r.eventId).sort()).toEqual(
      flood
        .slice(3)
        .map((e) => e.id)
        .sort(),
    );
    expect(refused.every((r) => r.body !== NO_BODY && JSON.parse(r.body).id === r.eventId)).toBe(true);
    expect(refused[0]?.message).toContain('quota is 3');
    expect([...store.quotasReached.values()]).toEqual([expect.objectContaining({ senderId: 'Q1', kind: 'waiting', limit: 3 })]);
  });

  it('counts every role session of one identity against the same quota', async () => {
    // Prepare: a session name the caller chooses is no new quota
    const store = await tree();
    // Act
    const outcomes = [];
    for (let i = 0; i < 4; i++)
      outcomes.push(await outcomeOf(store, waitsFor(`NOBODY-${String(i)}`, 'csdl-q1'), `Q1:session-${String(i)}`));
    // Assess
    expect(outcomes).toEqual(['waits', 'waits', 'waits', 'too-many-waiting']);
  });

  it('lets an event already waiting be retried at the quota: it keeps its place', async () => {
    // Prepare
    const store = await tree();
    const first = waitsFor('NOBODY-0', 'csdl-q1');
    for (const e of [first, waitsFor('NOBODY-1', 'csdl-q1'), waitsFor('NOBODY-2', 'csdl-q1')]) await outcomeOf(store, e, 'Q1');
    // Act
    const retried = await outcomeOf(store, first, 'Q1', 2);
    // Assess
    expect(retried).toBe('waits');
    expect(store.deferredOf(first.id)?.attempts).toBe(2);
  });

  it('frees a place once a waiting event applies or is rejected, and the refused event then waits when sent again', async () => {
    // Prepare: Q1 at its quota, one event over it refused
    const store = await tree();
    const applies = waitsFor('A1', 'csdl-q1');
    const rejected = validEvent('member.recognized', { source: 'csdl-q1', data: { memberId: 'A2' } });
    const refused = waitsFor('NOBODY-9', 'csdl-q1');
    for (const e of [applies, rejected, waitsFor('NOBODY-0', 'csdl-q1')]) expect(await outcomeOf(store, e, 'Q1')).toBe('waits');
    expect(await outcomeOf(store, refused, 'Q1')).toBe('too-many-waiting');
    // Act: A1 is admitted (its update applies on retry), A2 too (already official: its recognition is rejected on retry)
    for (const memberId of ['A1', 'A2']) {
      const admitted = validEvent('member.imported', { source: 'csdl-q1', data: { memberId, orgId: 'C1', status: 'official' } });
      expect(await outcomeOf(store, admitted, 'Q1')).toBe('applied');
    }
    const retries = [await outcomeOf(store, applies, 'Q1', 2), await outcomeOf(store, rejected, 'Q1', 2)];
    const again = [await outcomeOf(store, refused, 'Q1'), await outcomeOf(store, waitsFor('NOBODY-10', 'csdl-q1'), 'Q1')];
    // Assess
    expect(retries).toEqual(['applied', 'not-probationary']);
    expect(again).toEqual(['waits', 'waits']);
    expect(await outcomeOf(store, waitsFor('NOBODY-11', 'csdl-q1'), 'Q1')).toBe('too-many-waiting');
  });
});
