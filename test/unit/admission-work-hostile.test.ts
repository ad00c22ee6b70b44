// Hostile and messy input against the admission work (docs/events.md#the-candidate-pool,
// #after-the-decision, #party-age), on the real ingestEvent and an in-memory store: another
// district's person, year 9999, NFD text, a 300 KB body, events out of order. Each bad
// input gets a clear reason, changes nothing and keeps no personal data in its message;
// the rule tables of ingest-rules.test.ts hold the rest (second ceremony, ceremony before
// the decision, a card for a probationary member, a certificate after the admission, a
// candidate listed twice, a readmission's dates).
import { describe, expect, it } from 'vitest';
import type { EventType } from '../../shared/domain/events/index.js';
import type { Producer } from '../../shared/domain/ingest/scope.js';
import { ingestEvent, type IngestContext } from '../../shared/use-cases/ingest-event/index.js';
import { NO_BODY } from '../../shared/use-cases/ingest-event/port.js';
import { DomainHarness, outcomeOf } from '../helpers/domain-harness.js';
import { baseOrgs, validEvent, validProfile } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';

const NEW_TYPES = [
  'candidate.listed',
  'candidate.classCompleted',
  'candidate.dropped',
  'member.ceremonyHeld',
  'member.recordsFiled',
  'member.cardIssued',
] as const satisfies readonly EventType[];

/** The date field of each new type's data. */
const DATE_FIELD = 'on';

const snapshot = (h: DomainHarness) => JSON.stringify([h.members, h.candidates, h.dossiers, h.facts].map((m) => [...m.entries()].sort()));

describe('another district', () => {
  const PRODUCERS: Producer[] = [
    { senderId: 'CITY', name: 'city', sources: ['csdl-city'], orgs: ['*'] },
    { senderId: 'Q1', name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'] },
    { senderId: 'Q2', name: 'district Q2', sources: ['csdl-q2'], orgs: ['Q2'] },
  ];
  const as = (senderId: string): IngestContext => ({ senderId, producers: (id) => PRODUCERS.find((p) => p.senderId === id) });
  let messages = 0;
  const send = (store: InMemoryIngestStore, event: object, senderId: string) =>
    ingestEvent(store, JSON.stringify(event), { messageId: `m${++messages}`, receiveCount: 1, context: as(senderId) });

  /** HP > Q1 > C1, C2 and HP > Q2 > C9; person P9 in C9's pool, member M9 admitted in C9 without a ceremony. */
  async function twoDistricts(): Promise<InMemoryIngestStore> {
    const store = new InMemoryIngestStore();
    const city = [
      ...baseOrgs(),
      validEvent('org.registered', { data: { orgId: 'Q2', parentId: 'HP', name: 'Q2', level: 'upper-grassroots' } }),
      validEvent('org.registered', { data: { orgId: 'C9', parentId: 'Q2', name: 'C9', level: 'grassroots-cell' } }),
    ];
    for (const e of city) expect((await send(store, { ...e, source: 'csdl-city' }, 'CITY')).outcome).toBe('applied');
    const q2 = [
      validEvent('candidate.listed', { source: 'csdl-q2', data: { personId: 'P9', orgId: 'C9' } }),
      validEvent('member.admitted', { source: 'csdl-q2', data: { memberId: 'M9', orgId: 'C9', ceremonyOn: undefined } }),
    ];
    for (const e of q2) expect((await send(store, e, 'Q2')).outcome).toBe('applied');
    return store;
  }

  it.each([
    [
      'lists in its own cell a person in another district’s pool',
      validEvent('candidate.listed', { data: { personId: 'P9', orgId: 'C1' } }),
    ],
    [
      'lists in its own cell a member of another district (the refusal would tell that they are one)',
      validEvent('candidate.listed', { data: { personId: 'M9', orgId: 'C1' } }),
    ],
    ['certifies a person of another district’s pool', validEvent('candidate.classCompleted', { data: { personId: 'P9' } })],
    ['drops a person of another district’s pool', validEvent('candidate.dropped', { data: { personId: 'P9' } })],
    [
      'receives a dossier for a person of another district’s pool (the link writes it)',
      validEvent('dossier.received', { data: { personId: 'P9', orgId: 'C1' } }),
    ],
    ['holds the ceremony of another district’s member', validEvent('member.ceremonyHeld', { data: { memberId: 'M9' } })],
    ['files the party file of another district’s member', validEvent('member.recordsFiled', { data: { memberId: 'M9' } })],
    ['issues a card to another district’s member', validEvent('member.cardIssued', { data: { memberId: 'M9' } })],
  ])('a district that %s is refused as out-of-scope, and nothing of the body is kept', async (_case, event) => {
    // Prepare
    const store = await twoDistricts();
    const before = JSON.stringify([[...store.candidates], [...store.members], [...store.dossiers]]);
    // Act
    const outcome = await send(store, { ...event, source: 'csdl-q1' }, 'Q1');
    // Assess
    expect(outcome).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.lastRejected?.body).toBe(NO_BODY);
    expect(store.lastRejected?.message).toContain('C9');
    expect(JSON.stringify([[...store.candidates], [...store.members], [...store.dossiers]])).toBe(before);
  });

  it('the city may link them: one producer holds both subtrees', async () => {
    // Prepare
    const store = await twoDistricts();
    // Act
    const outcome = await send(
      store,
      validEvent('dossier.received', { source: 'csdl-city', data: { personId: 'P9', orgId: 'C1' } }),
      'CITY',
    );
    // Assess
    expect(outcome.outcome).toBe('applied');
    expect(store.candidates.get('P9')?.dossierId).toBe('D1');
  });
});

describe('year 9999, out of range', () => {
  it.each(NEW_TYPES)('%s dated 9999 is a schema rejection that names the field, never the value, and changes nothing', async (type) => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('candidate.listed'),
      validEvent('member.admitted', { data: { ceremonyOn: undefined } }),
    ]);
    const before = snapshot(h);
    const event = validEvent(type);
    (event.data as Record<string, unknown>)[DATE_FIELD] = '9999-12-31';
    // Act
    const result = await h.run(event);
    // Assess
    expect(outcomeOf(result)).toEqual({ outcome: 'rejected', reason: 'schema' });
    expect(result.outcome === 'rejected' && result.message).toContain(`data.${DATE_FIELD}`);
    expect(result.outcome === 'rejected' && result.message).not.toContain('9999');
    expect(snapshot(h)).toBe(before);
  });

  it('a ceremony on the last business day applies: probation ends a year later, beyond the range of business dates', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.admitted', { data: { admittedOn: '2199-12-01', ceremonyOn: undefined } }),
    ]);
    // Act
    const result = await h.run(validEvent('member.ceremonyHeld', { data: { on: '2199-12-31' } }));
    // Assess
    expect(result.outcome).toBe('applied');
    expect(h.members.get('M1')?.probationEndsOn).toBe('2200-12-31');
  });
});

describe('NFD text', () => {
  it('a candidate listed with an NFD name is stored in NFC; the same event in NFC is a duplicate, not a conflict', async () => {
    // Prepare
    const h = await new DomainHarness().given(baseOrgs());
    const nfc = validEvent('candidate.listed', { data: { profile: validProfile({ fullName: 'Nguyễn Thị Hường', ethnicity: 'Mường' }) } });
    const nfd = {
      ...nfc,
      data: {
        ...nfc.data,
        profile: { ...nfc.data.profile, fullName: 'Nguyễn Thị Hường'.normalize('NFD'), ethnicity: 'Mường'.normalize('NFD') },
      },
    };
    // Act
    const first = await h.run(nfd);
    const again = await h.run(nfc);
    // Assess
    expect([first.outcome, again.outcome]).toEqual(['applied', 'duplicate']);
    expect(h.candidates.get('M1')?.profile?.fullName).toBe('Nguyễn Thị Hường'.normalize('NFC'));
  });

  it('a person id is an id, never text: an NFD letter in it is a schema rejection', async () => {
    // Prepare
    const h = await new DomainHarness().given(baseOrgs());
    // Act
    const result = await h.run(validEvent('candidate.listed', { data: { personId: 'Hường'.normalize('NFD') } }));
    // Assess
    expect(outcomeOf(result)).toEqual({ outcome: 'rejected', reason: 'schema' });
    expect(h.candidates.size).toBe(0);
  });
});

describe('a 300 KB body', () => {
  it('a candidate listing of 300 KB is rejected as schema before it is parsed, and changes nothing', async () => {
    // Prepare
    const h = await new DomainHarness().given(baseOrgs());
    const huge = validEvent('candidate.listed', { data: { profile: validProfile({ fullName: 'Ư'.repeat(150_000) }) } });
    // Act
    const result = await h.run(huge);
    // Assess
    expect(JSON.stringify(huge).length).toBeGreaterThan(150_000);
    expect(outcomeOf(result)).toEqual({ outcome: 'rejected', reason: 'schema' });
    expect(result.outcome === 'rejected' && result.message).toContain('too large');
    expect(h.candidates.size).toBe(0);
  });
});

describe('out of order', () => {
  it('a certificate for a person never listed waits, then applies once the listing arrives', async () => {
    // Prepare
    const h = await new DomainHarness().given(baseOrgs());
    const certificate = validEvent('candidate.classCompleted');
    // Act
    const early = await h.run(certificate);
    await h.given([validEvent('candidate.listed')]);
    const later = await h.run(certificate);
    // Assess
    expect(outcomeOf(early)).toEqual({ outcome: 'retry', reason: 'missing-candidate' });
    expect(later.outcome).toBe('applied');
    expect(h.candidates.get('M1')?.certificates).toEqual({ 'NTVD-2020-05': '2020-10-15' });
  });

  it('a ceremony before the admission arrives waits for the member; after the recognition it is refused', async () => {
    // Prepare
    const h = await new DomainHarness().given(baseOrgs());
    const ceremony = validEvent('member.ceremonyHeld', { data: { on: '2021-03-20' } });
    // Act
    const early = await h.run(ceremony);
    await h.given([
      validEvent('member.admitted', { data: { ceremonyOn: undefined } }),
      validEvent('member.recognized', { data: { recognizedOn: '2022-03-02' } }),
    ]);
    const late = await h.run(ceremony);
    // Assess
    expect(outcomeOf(early)).toEqual({ outcome: 'retry', reason: 'missing-member' });
    expect(outcomeOf(late)).toEqual({ outcome: 'rejected', reason: 'not-probationary' });
  });

  it('a recognition dated before the end of probation counted from a late ceremony is refused: the deadline moved', async () => {
    // Prepare: decided 2021-03-02, ceremony 2021-03-23 reported after the decision.
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.admitted', { data: { ceremonyOn: undefined } }),
      validEvent('member.ceremonyHeld', { data: { on: '2021-03-23' } }),
    ]);
    // Act
    const early = await h.run(validEvent('member.recognized', { data: { recognizedOn: '2022-03-10' } }));
    const onTime = await h.run(validEvent('member.recognized', { data: { recognizedOn: '2022-03-23' } }));
    // Assess
    expect(outcomeOf(early)).toEqual({ outcome: 'rejected', reason: 'probation-not-ended' });
    expect(onTime.outcome).toBe('applied');
  });

  it('rejection messages name ids and dates, never a value from the profile', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('candidate.listed', { data: { profile: validProfile({ fullName: 'Phạm Thị Mận' }) } }),
    ]);
    // Act
    const twice = await h.run(validEvent('candidate.listed', { data: { profile: validProfile({ fullName: 'Phạm Thị Mận' }) } }));
    // Assess
    expect(outcomeOf(twice)).toEqual({ outcome: 'rejected', reason: 'candidate-exists' });
    expect(twice.outcome === 'rejected' && twice.message).toBe('person M1 is in the pool of C1');
  });
});

describe('the same event twice', () => {
  /** What each new type needs before it applies (member M1 in C1, person M1 in C1's pool). */
  const GIVEN: { [T in (typeof NEW_TYPES)[number]]: () => object[] } = {
    'candidate.listed': () => baseOrgs(),
    'candidate.classCompleted': () => [...baseOrgs(), validEvent('candidate.listed')],
    'candidate.dropped': () => [...baseOrgs(), validEvent('candidate.listed')],
    'member.ceremonyHeld': () => [...baseOrgs(), validEvent('member.admitted', { data: { ceremonyOn: undefined } })],
    'member.recordsFiled': () => [...baseOrgs(), validEvent('member.admitted')],
    'member.cardIssued': () => [
      ...baseOrgs(),
      validEvent('member.admitted'),
      validEvent('member.recognized', { data: { recognizedOn: '2022-03-10' } }),
    ],
  };

  it.each(NEW_TYPES)('%s delivered twice applies once: the second delivery is a duplicate and changes nothing', async (type) => {
    // Prepare
    const h = await new DomainHarness().given(GIVEN[type]());
    const event = validEvent(type);
    const first = await h.run(event);
    const after = snapshot(h);
    // Act
    const again = await h.run(event);
    // Assess
    expect([first.outcome, again.outcome]).toEqual(['applied', 'duplicate']);
    expect(snapshot(h)).toBe(after);
  });

  it.each(NEW_TYPES)('%s sent again under the same id with another date is a conflict and changes nothing', async (type) => {
    // Prepare
    const first = validEvent(type);
    const h = await new DomainHarness().given([...GIVEN[type](), first]);
    const after = snapshot(h);
    const changed = structuredClone(first);
    (changed.data as Record<string, unknown>)[DATE_FIELD] = '2023-06-30';
    // Act
    const result = await h.run(changed);
    // Assess
    expect(outcomeOf(result)).toEqual({ outcome: 'rejected', reason: 'conflict' });
    expect(snapshot(h)).toBe(after);
  });
});

describe('a person who is not a member', () => {
  it.each([
    ['a card', validEvent('member.cardIssued')],
    ['a ceremony', validEvent('member.ceremonyHeld')],
    ['a party file', validEvent('member.recordsFiled')],
  ])('%s for a person only in the pool waits for the admission and writes nothing', async (_case, event) => {
    // Prepare
    const h = await new DomainHarness().given([...baseOrgs(), validEvent('candidate.listed')]);
    const before = snapshot(h);
    // Act
    const result = await h.run(event);
    // Assess
    expect(outcomeOf(result)).toEqual({ outcome: 'retry', reason: 'missing-member' });
    expect(h.members.size).toBe(0);
    expect(snapshot(h)).toBe(before);
  });

  it('a card for a person dropped from the pool, then admitted elsewhere and recognized, is the member’s', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('candidate.listed'),
      validEvent('candidate.dropped'),
      validEvent('member.admitted', { data: { orgId: 'C2' } }),
      validEvent('member.recognized', { data: { recognizedOn: '2022-03-10' } }),
    ]);
    // Act
    const result = await h.run(validEvent('member.cardIssued'));
    // Assess
    expect(result.outcome).toBe('applied');
    expect(h.members.get('M1')).toMatchObject({ cellId: 'C2', cardIssuedOn: '2022-04-15' });
  });
});
