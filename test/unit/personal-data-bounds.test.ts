// What the ingest keeps about a person, and when it keeps nothing (docs/personal-data.md), on
// the real ingestEvent and an in-memory store: a producer cannot tie an unbounded number of
// bodies to someone else's member (each correction seals them all again), a refused
// admission is found through its applicant too, and an event that occurred before its
// person's erasure brings nothing back.
import { describe, expect, it } from 'vitest';
import type { Producer } from '../../shared/domain/ingest/scope.js';
import { ingestEvent, REJECTED_BODIES_PER_PERSON, type IngestContext } from '../../shared/use-cases/ingest-event/index.js';
import { NO_BODY } from '../../shared/use-cases/ingest-event/port.js';
import { baseOrgs, validEvent, validProfile } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';

const PRODUCERS: Producer[] = [
  { senderId: 'CITY', name: 'city', sources: ['csdl-city'], orgs: ['*'] },
  { senderId: 'Q1', name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'] },
];
const as = (senderId: string): IngestContext => ({ senderId, producers: (id) => PRODUCERS.find((p) => p.senderId === id) });

let messages = 0;
const ingest = (store: InMemoryIngestStore, event: object | string, context: IngestContext = as('CITY')) =>
  ingestEvent(store, typeof event === 'string' ? event : JSON.stringify(event), { messageId: `m${++messages}`, receiveCount: 1, context });
const city = <T extends { source: string }>(e: T): T => ({ ...e, source: 'csdl-city' });

/** HP > Q1 > C1, C2, and member M1 in C1. */
async function withMember(): Promise<InMemoryIngestStore> {
  const store = new InMemoryIngestStore();
  for (const e of [...baseOrgs(), validEvent('member.imported', { data: { memberId: 'M1', orgId: 'C1' } })]) {
    expect((await ingest(store, city(e))).outcome).toBe('applied');
  }
  return store;
}

describe('bodies kept about a person', () => {
  it('keeps at most the cap of bodies from one sender about one person; a correction then seals no more than that again', async () => {
    // Prepare: a district ties bodies that fail the schema to a member, over and over
    const store = await withMember();
    const hostile = (n: number) =>
      JSON.stringify({ id: `junk-${n}`, source: 'csdl-q1', type: 'member.updated', data: { memberId: 'M1', profile: 'x' } });
    const flood = 3 * REJECTED_BODIES_PER_PERSON;
    // Act
    for (let n = 0; n < flood; n++) await ingest(store, hostile(n), as('Q1'));
    const own = await ingest(store, city(validEvent('member.imported', { data: { memberId: 'M1', orgId: 'C1' } })));
    const corrected = await ingest(store, city(validEvent('member.updated', { data: { memberId: 'M1', profile: { religion: 'Không' } } })));
    // Assess: every one is kept with its reason, only the cap of them with a body and tied to M1
    const fromQ1 = [...store.rejected.values()].filter((r) => r.senderId === 'Q1');
    expect(fromQ1).toHaveLength(flood);
    expect(fromQ1.every((r) => r.reason === 'schema')).toBe(true);
    expect(fromQ1.filter((r) => r.personId === 'M1')).toHaveLength(REJECTED_BODIES_PER_PERSON);
    expect(fromQ1.filter((r) => r.body !== NO_BODY)).toHaveLength(REJECTED_BODIES_PER_PERSON);
    // the city's own rejection about M1 is kept whole, under its own cap
    expect(own).toMatchObject({ outcome: 'rejected', reason: 'member-exists' });
    expect([...store.rejected.values()].find((r) => r.senderId === 'CITY')).toMatchObject({
      personId: 'M1',
      body: expect.stringContaining('M1'),
    });
    expect(corrected.outcome).toBe('applied');
    expect(store.lastCorrectionResealed).toBeLessThanOrEqual(REJECTED_BODIES_PER_PERSON + 1 + 2 + 1);
  });

  it('ties a refused admission to the applicant of its dossier as well as to the member it names', async () => {
    // Prepare
    const store = await withMember();
    await ingest(
      store,
      city(validEvent('dossier.received', { data: { dossierId: 'D7', personId: 'P7', orgId: 'C1', receivedOn: '2021-01-04' } })),
    );
    // Act: admitted before the dossier was received
    const refused = await ingest(
      store,
      city(
        validEvent('member.admitted', {
          data: { memberId: 'M7', orgId: 'C1', admittedOn: '2020-12-01', ceremonyOn: undefined, dossierId: 'D7' },
        }),
      ),
    );
    // Assess
    expect(refused).toMatchObject({ outcome: 'rejected', reason: 'date-order' });
    expect(store.lastRejected).toMatchObject({ personId: 'M7', linkedPersonIds: ['P7'] });
  });
});

describe('after an erasure', () => {
  it('refuses an event that occurred before it and keeps nothing of it; applies one that occurred after it', async () => {
    // Prepare: M1 erased now; an update sent before (it waited in a queue) and a new import
    const store = await withMember();
    store.erased.set('M1', new Date().toISOString());
    const old = city(validEvent('member.updated', { data: { memberId: 'M1', profile: { fullName: 'Tên Cũ' } } }));
    const later = city(
      validEvent('member.imported', { occurredAt: new Date(Date.now() + 60_000).toISOString(), data: { memberId: 'M2', orgId: 'C1' } }),
    );
    // Act
    const refused = await ingest(store, old);
    const applied = await ingest(store, later);
    // Assess
    expect(refused).toMatchObject({ outcome: 'rejected', reason: 'erased' });
    expect(store.lastRejected).toMatchObject({ reason: 'erased', body: NO_BODY });
    expect(store.lastRejected).not.toHaveProperty('personId');
    expect(JSON.stringify(store.lastRejected)).not.toContain('M1');
    expect(store.members.get('M1')?.profile?.fullName).not.toBe('Tên Cũ');
    expect(applied.outcome).toBe('applied');
  });

  it('keeps no body that fails the schema and names an erased person', async () => {
    // Prepare
    const store = await withMember();
    store.erased.set('M1', new Date().toISOString());
    // Act
    const outcome = await ingest(
      store,
      JSON.stringify({ id: 'bad-1', source: 'csdl-city', data: { memberId: 'M1', profile: { fullName: 'Tên Cũ' } } }),
    );
    // Assess
    expect(outcome).toMatchObject({ outcome: 'rejected', reason: 'schema' });
    expect(store.lastRejected).toMatchObject({ body: NO_BODY });
    expect(store.lastRejected).not.toHaveProperty('personId');
  });

  it('answers a redelivery of an applied event whose person was erased as a duplicate, and keeps nothing of it', async () => {
    // Prepare: the marker's hash can no longer be opened (its key destroyed)
    const store = await withMember();
    const update = city(validEvent('member.updated', { data: { memberId: 'M1', profile: { religion: 'Công giáo' } } }));
    expect((await ingest(store, update)).outcome).toBe('applied');
    const marker = [...store.applied.values()].find((m) => m.eventId === update.id)!;
    delete marker.hash;
    const rejectedBefore = store.rejected.size;
    // Act: the same event, and one with another body under its key
    const again = await ingest(store, update);
    const other = await ingest(store, { ...update, data: { memberId: 'M1', profile: { religion: 'Không' } } });
    // Assess
    expect([again.outcome, other.outcome]).toEqual(['duplicate', 'duplicate']);
    expect(store.rejected.size).toBe(rejectedBefore);
  });
});
