// Trust between producers on the real ingestEvent and an in-memory store (docs/events.md, §11):
// the idempotency key is (source, id); rejected and waiting events are kept per sender;
// a redrive is processed as its first sender only through a grant in the store.
import { describe, expect, it } from 'vitest';
import type { Producer } from '../../shared/domain/ingest/scope.js';
import { batchOrgTree, ingestEvent, PredecessorMissingError, type IngestContext } from '../../shared/use-cases/ingest-event/index.js';
import { NO_BODY } from '../../shared/use-cases/ingest-event/port.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';

const PRODUCERS: Producer[] = [
  { senderId: 'CITY', name: 'city', sources: ['csdl-city'], orgs: ['*'] },
  { senderId: 'Q1', name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'] },
  { senderId: 'Q2', name: 'district Q2', sources: ['csdl-q2'], orgs: ['Q2'] },
];
const scoped = (senderId: string | undefined, redrive?: string): IngestContext => ({
  senderId,
  redrive,
  producers: (id) => PRODUCERS.find((p) => p.senderId === id),
});

let messages = 0;
const ingest = (store: InMemoryIngestStore, event: object | string, sender?: IngestContext) =>
  ingestEvent(store, typeof event === 'string' ? event : JSON.stringify(event), {
    messageId: `m${++messages}`,
    receiveCount: 1,
    context: sender,
  });

/** A store with HP > Q1 > C1, C2 and HP > Q2 > C9, written by the city. */
async function twoDistricts(): Promise<InMemoryIngestStore> {
  const store = new InMemoryIngestStore();
  const tree = [
    ...baseOrgs(),
    validEvent('org.registered', { data: { orgId: 'Q2', parentId: 'HP', name: 'Q2', level: 'upper-grassroots' } }),
    validEvent('org.registered', { data: { orgId: 'C9', parentId: 'Q2', name: 'C9', level: 'grassroots-cell' } }),
  ];
  for (const e of tree) expect((await ingest(store, { ...e, source: 'csdl-city' }, scoped('CITY'))).outcome).toBe('applied');
  return store;
}

describe('the idempotency key is (source, id)', () => {
  it('applies the same id from two sources as two events, and each again as a duplicate', async () => {
    // Prepare
    const store = await twoDistricts();
    const q1 = validEvent('member.admitted', { id: 'evt-1', source: 'csdl-q1', data: { memberId: 'A1', orgId: 'C1' } });
    const q2 = validEvent('member.admitted', { id: 'evt-1', source: 'csdl-q2', data: { memberId: 'A2', orgId: 'C9' } });
    // Act
    const outcomes = [
      await ingest(store, q1, scoped('Q1')),
      await ingest(store, q2, scoped('Q2')),
      await ingest(store, q1, scoped('Q1')),
      await ingest(store, q2, scoped('Q2')),
    ];
    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'applied', 'duplicate', 'duplicate']);
    expect(store.members.get('A1')?.cellId).toBe('C1');
    expect(store.members.get('A2')?.cellId).toBe('C9');
  });

  it('rejects the same key with another body as a conflict, and the first one stands', async () => {
    // Prepare
    const store = await twoDistricts();
    const first = validEvent('member.admitted', { id: 'evt-2', source: 'csdl-q1', data: { memberId: 'B1', orgId: 'C1' } });
    const other = { ...first, data: { ...first.data, memberId: 'B2' } };
    await ingest(store, first, scoped('Q1'));
    // Act
    const out = await ingest(store, other, scoped('Q1'));
    // Assess
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'conflict' });
    expect(store.members.has('B2')).toBe(false);
  });

  it('keeps no body of another body under an applied key when it reaches outside the sender’s subtrees', async () => {
    // Prepare: Q1's applied event, then its key again with a body about a cell of Q2
    const store = await twoDistricts();
    const first = validEvent('member.imported', { id: 'evt-5', source: 'csdl-q1', data: { memberId: 'K1', orgId: 'C1' } });
    await ingest(store, first, scoped('Q1'));
    const outside = {
      ...first,
      data: { ...first.data, memberId: 'K9', orgId: 'C9', profile: { ...first.data.profile, birthDate: '1911-11-11' } },
    };
    const inside = { ...first, data: { ...first.data, memberId: 'K2' } };
    // Act
    const refused = await ingest(store, outside, scoped('Q1'));
    const conflict = await ingest(store, inside, scoped('Q1'));
    // Assess
    expect(refused).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(conflict).toMatchObject({ outcome: 'rejected', reason: 'conflict' });
    expect(JSON.stringify([...store.rejected.values()])).not.toContain('1911-11-11');
  });

  it('cannot be pre-claimed: an id another producer will use later stays free for it', async () => {
    // Prepare: Q1 sends first, under its own source, an id Q2 is about to use
    const store = await twoDistricts();
    const claim = validEvent('member.admitted', { id: 'q2-next', source: 'csdl-q1', data: { memberId: 'P1', orgId: 'C1' } });
    const real = validEvent('member.admitted', { id: 'q2-next', source: 'csdl-q2', data: { memberId: 'P2', orgId: 'C9' } });
    // Act
    await ingest(store, claim, scoped('Q1'));
    const out = await ingest(store, real, scoped('Q2'));
    // Assess
    expect(out.outcome).toBe('applied');
    expect(store.members.get('P2')?.cellId).toBe('C9');
  });
});

describe('a district sets its own plans only', () => {
  it("refuses Q1's target for Q2 as out-of-scope and leaves Q2's plans as they were", async () => {
    // Prepare
    const store = await twoDistricts();
    const target = validEvent('target.set', {
      source: 'csdl-q1',
      data: { orgId: 'Q2', year: undefined, term: { fromYear: 2020, toYear: 2025 }, kind: 'assigned', admissions: 1 },
    });
    // Act
    const out = await ingest(store, target, scoped('Q1'));
    // Assess
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.orgs.get('Q2')?.plans).toBeUndefined();
  });
});

describe('rejected and waiting events are kept per sending identity', () => {
  it("keeps Q1's rejection when an unknown sender sends a bad event under the same key", async () => {
    // Prepare: Q1's event is rejected by a rule and kept with its body, for a redrive
    const store = await twoDistricts();
    const mine = validEvent('member.recognized', {
      id: 'evt-3',
      source: 'csdl-q1',
      data: { memberId: 'M404', recognizedOn: '2021-04-01' },
    });
    const admitted = validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'M404', orgId: 'C1' } });
    await ingest(store, admitted, scoped('Q1'));
    await ingest(store, mine, scoped('Q1'));
    const before = [...store.rejected.values()].filter((r) => r.eventId === 'evt-3');
    // Act: someone unregistered, and Q2 under Q1's source, reuse the key
    await ingest(store, { ...mine, data: { ...mine.data, memberId: 'X' } }, scoped('STRANGER'));
    await ingest(store, { ...mine, data: { ...mine.data, memberId: 'Y' } }, scoped('Q2'));
    // Assess: Q1's rejection is untouched; each other sender has its own, with no body
    const after = [...store.rejected.values()].filter((r) => r.eventId === 'evt-3');
    expect(before).toHaveLength(1);
    expect(after.find((r) => r.senderId === 'Q1')).toEqual(before[0]);
    expect(after.filter((r) => r.senderId !== 'Q1').map((r) => [r.senderId, r.reason, r.body])).toEqual([
      ['STRANGER', 'out-of-scope', NO_BODY],
      ['Q2', 'out-of-scope', NO_BODY],
    ]);
  });

  it('keeps no body of a malformed event from an unknown sender, or sent under a source not its own', async () => {
    // Prepare: a body that fails the schema and carries a birth date
    const store = await twoDistricts();
    const bad = validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'S1', orgId: 'C1', admittedOn: 'not a date' } });
    // Act
    await ingest(store, bad, scoped('STRANGER'));
    await ingest(store, bad, scoped('Q2'));
    await ingest(store, bad, scoped('Q1'));
    // Assess: the producer whose source it is keeps it for a fix and a redrive
    const kept = [...store.rejected.values()].map((r) => [r.senderId, r.reason, r.body === NO_BODY]);
    expect(kept).toEqual([
      ['STRANGER', 'schema', true],
      ['Q2', 'schema', true],
      ['Q1', 'schema', false],
    ]);
  });

  it('keeps a wait per sender, so that another sender cannot clear it', async () => {
    // Prepare
    const store = await twoDistricts();
    const waiting = validEvent('member.recognized', { id: 'evt-4', source: 'csdl-q1', data: { memberId: 'LATE' } });
    // Act
    await expect(ingest(store, waiting, scoped('Q1'))).rejects.toBeInstanceOf(PredecessorMissingError);
    await ingest(store, waiting, scoped('Q2'));
    // Assess
    expect([...store.deferred.values()].map((d) => [d.eventId, d.senderId])).toEqual([['evt-4', 'Q1']]);
  });
});

describe('a redrive keeps the first sender only through a grant in the store', () => {
  const q1Event = () => validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'R1', orgId: 'C1' } });

  it('applies a redriven event as its first sender when the grant vouches for its body', async () => {
    // Prepare: the operator re-sends Q1's event; SQS says the operator sent it
    const store = await twoDistricts();
    const body = JSON.stringify(q1Event());
    store.grant('tok-1', 'Q1', body);
    // Act
    const out = await ingest(store, body, scoped('OPERATOR', 'tok-1'));
    // Assess
    expect(out.outcome).toBe('applied');
  });

  it.each([
    ['a token that is in no grant', 'forged', undefined],
    ['a grant for another body', 'tok-2', 'some other body'],
  ])('gets nothing from %s: refused as out of scope, under the real sender', async (_case, token, grantedBody) => {
    // Prepare
    const store = await twoDistricts();
    const body = JSON.stringify(q1Event());
    if (grantedBody) store.grant('tok-2', 'Q1', grantedBody);
    // Act: Q2 sends Q1's event with a redrive token
    const out = await ingest(store, body, scoped('Q2', token));
    // Assess
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.members.has('R1')).toBe(false);
    expect([...store.rejected.values()].map((r) => r.senderId)).toEqual(['Q2']);
  });

  it("keeps a grant's sender when the redriven event waits again: the wait is its first sender's", async () => {
    // Prepare: Q1's event that still breaks a rule
    const store = await twoDistricts();
    const body = JSON.stringify(validEvent('member.recognized', { source: 'csdl-q1', data: { memberId: 'NOBODY' } }));
    store.grant('tok-3', 'Q1', body);
    // Act
    await expect(ingest(store, body, scoped('OPERATOR', 'tok-3'))).rejects.toBeInstanceOf(PredecessorMissingError);
    // Assess
    expect([...store.deferred.values()].map((d) => d.senderId)).toEqual(['Q1']);
    expect(store.grants.has('tok-3')).toBe(true);
  });

  it('serves one message: kept, marked used, once its event is applied; another message under its token is a duplicate', async () => {
    // Prepare
    const store = await twoDistricts();
    const body = JSON.stringify(q1Event());
    store.grant('tok-4', 'Q1', body);
    // Act
    const first = await ingest(store, body, scoped('OPERATOR', 'tok-4'));
    const again = await ingest(store, body, scoped('OPERATOR', 'tok-4'));
    // Assess
    expect([first.outcome, again.outcome]).toEqual(['applied', 'duplicate']);
    expect(store.grants.get('tok-4')?.usedBy).toMatch(/^m\d+$/);
    expect(store.rejected.size).toBe(0);
  });

  it('judges a redelivery of the redriven message as its first sender again, while another message under its token is refused', async () => {
    // Prepare: Q1's second admission of R1 is rejected with its body; the operator redrives it
    const store = await twoDistricts();
    await ingest(store, q1Event(), scoped('Q1'));
    const body = JSON.stringify(
      validEvent('member.admitted', { id: 'admit-again', source: 'csdl-q1', data: { memberId: 'R1', orgId: 'C1' } }),
    );
    await ingest(store, body, scoped('Q1'));
    store.grant('tok-5', 'Q1', body);
    const redriven = (receiveCount: number, messageId = 'm-redriven') =>
      ingestEvent(store, body, { messageId, receiveCount, context: scoped('OPERATOR', 'tok-5') });
    // Act: SQS delivers the redriven message, then again (its visibility ran out); a copy comes as another message
    const first = await redriven(1);
    const redelivered = await redriven(2);
    const copy = await redriven(1, 'm-copy');
    // Assess: the same rejection of Q1's both times, no out-of-scope one of the operator's for it; the copy refused
    expect([first, redelivered].map((o) => o.outcome === 'rejected' && o.reason)).toEqual(['member-exists', 'member-exists']);
    expect(copy).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect([...store.rejected.values()].map((r) => [r.senderId, r.reason, r.body === NO_BODY])).toEqual([
      ['Q1', 'member-exists', false],
      ['OPERATOR', 'out-of-scope', true],
    ]);
    expect(store.grants.get('tok-5')?.usedBy).toBe('m-redriven');
  });

  it("never falls back to the re-sender's rights: a used grant's token on another body is out of scope, nothing kept", async () => {
    // Prepare: the operator's identity may write everything, but the grant it sends under is gone
    const store = await twoDistricts();
    const body = JSON.stringify(q1Event());
    // Act
    const out = await ingest(store, body, { ...scoped('CITY', 'tok-used') });
    // Assess
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.members.has('R1')).toBe(false);
    expect([...store.rejected.values()].map((r) => [r.senderId, r.body])).toEqual([['CITY', NO_BODY]]);
  });
});

describe('scope reads the orgs an event reaches and the batch’s copy of the tree above them', () => {
  it('decides the events of a batch on one copy of the tree, never loading the whole tree for them', async () => {
    // Prepare: record what each load asks for; one batch's copy shared by its events
    const store = await twoDistricts();
    await ingest(store, validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'W1', orgId: 'C1' } }), scoped('Q1'));
    await ingest(store, validEvent('member.admitted', { source: 'csdl-city', data: { memberId: 'A9', orgId: 'C9' } }), scoped('CITY'));
    const asked: Array<{ orgs: string[]; allOrgs?: boolean }> = [];
    const load = store.loadNeeds.bind(store);
    store.loadNeeds = async (needs, state) => {
      asked.push({ orgs: needs.orgs, allOrgs: needs.allOrgs });
      return load(needs, state);
    };
    const batch = { ...scoped('Q1'), orgTree: batchOrgTree(store) };
    const readsBefore = store.orgTreeReads;
    // Act: an update inside Q1, one of a member of Q2, another inside Q1
    const inside = await ingest(store, validEvent('member.updated', { source: 'csdl-q1', data: { memberId: 'W1' } }), batch);
    const outside = await ingest(store, validEvent('member.updated', { source: 'csdl-q1', data: { memberId: 'A9' } }), batch);
    const again = await ingest(store, validEvent('member.evaluated', { source: 'csdl-q1', data: { memberId: 'W1' } }), batch);
    // Assess
    expect([inside.outcome, again.outcome]).toEqual(['applied', 'applied']);
    expect(outside).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.orgTreeReads - readsBefore).toBe(1);
    expect(asked.some((a) => a.allOrgs)).toBe(false);
    expect(new Set(asked.flatMap((a) => a.orgs))).toEqual(new Set(['C1', 'C9']));
  });

  it('judges a district’s event on the move of the cell it reaches, made after its batch’s copy was taken', async () => {
    // Prepare: Q1's batch takes its copy (C1 under Q1); another invocation then moves C1 under Q2
    const store = await twoDistricts();
    await ingest(store, validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'W1', orgId: 'C1' } }), scoped('Q1'));
    const q1Batch = { ...scoped('Q1'), orgTree: batchOrgTree(store) };
    expect((await ingest(store, validEvent('member.evaluated', { source: 'csdl-q1', data: { memberId: 'W1' } }), q1Batch)).outcome).toBe(
      'applied',
    );
    const move = validEvent('org.moved', { source: 'csdl-city', data: { orgId: 'C1', parentId: 'Q2' } });
    expect((await ingest(store, move, scoped('CITY'))).outcome).toBe('applied');
    // Act
    const late = await ingest(
      store,
      validEvent('member.updated', { source: 'csdl-q1', data: { memberId: 'W1', profile: { fullName: 'Lê Văn Muộn' } } }),
      q1Batch,
    );
    // Assess
    expect(late).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.members.get('W1')?.profile?.fullName).not.toBe('Lê Văn Muộn');
  });

  it('takes a new copy after its own batch wrote an org: a move in the batch narrows the district at once', async () => {
    // Prepare: one batch of the city's system and Q1's system (one invocation, one copy)
    const store = await twoDistricts();
    await ingest(store, validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'W1', orgId: 'C1' } }), scoped('Q1'));
    const orgTree = batchOrgTree(store);
    await ingest(store, validEvent('member.evaluated', { source: 'csdl-q1', data: { memberId: 'W1' } }), { ...scoped('Q1'), orgTree });
    // Act: the city moves C1 under Q2, then Q1 writes C1's member
    await ingest(store, validEvent('org.moved', { source: 'csdl-city', data: { orgId: 'C1', parentId: 'Q2' } }), {
      ...scoped('CITY'),
      orgTree,
    });
    const readsBefore = store.orgTreeReads;
    const late = await ingest(store, validEvent('member.updated', { source: 'csdl-q1', data: { memberId: 'W1' } }), {
      ...scoped('Q1'),
      orgTree,
    });
    // Assess
    expect(late).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.orgTreeReads - readsBefore).toBe(1);
  });

  it('sees an org registered a moment ago, though its batch’s copy is older', async () => {
    // Prepare: the batch's copy is taken before C3 is registered
    const store = await twoDistricts();
    const orgTree = batchOrgTree(store);
    await orgTree.current();
    await ingest(
      store,
      {
        ...validEvent('org.registered', { data: { orgId: 'C3', parentId: 'Q1', name: 'C3', level: 'grassroots-cell' } }),
        source: 'csdl-q1',
      },
      scoped('Q1'),
    );
    // Act
    const out = await ingest(store, validEvent('member.admitted', { source: 'csdl-q1', data: { memberId: 'NEW3', orgId: 'C3' } }), {
      ...scoped('Q1'),
      orgTree,
    });
    // Assess
    expect(out.outcome).toBe('applied');
    expect(store.members.get('NEW3')?.cellId).toBe('C3');
  });
});

describe('a rename or a target is decided on its org and the chain above it, never on the whole tree', () => {
  const spy = (store: InMemoryIngestStore) => {
    const asked: Array<{ orgs: string[]; allOrgs?: boolean }> = [];
    const load = store.loadNeeds.bind(store);
    store.loadNeeds = async (needs, state) => {
      asked.push({ orgs: needs.orgs, allOrgs: needs.allOrgs });
      return load(needs, state);
    };
    return asked;
  };

  it('applies a district’s rename and target inside its subtree, loading only the org and leaving the tree’s counter', async () => {
    // Prepare
    const store = await twoDistricts();
    const asked = spy(store);
    const versionBefore = store.treeVersion;
    // Act
    const renamed = await ingest(
      store,
      validEvent('org.renamed', { source: 'csdl-q1', data: { orgId: 'C1', name: 'Chi bộ Khu phố Một' } }),
      scoped('Q1'),
    );
    const target = await ingest(
      store,
      validEvent('target.set', { source: 'csdl-q1', data: { orgId: 'C1', year: 2022, admissions: 4 } }),
      scoped('Q1'),
    );
    // Assess
    expect([renamed.outcome, target.outcome]).toEqual(['applied', 'applied']);
    expect(store.orgs.get('C1')?.name).toBe('Chi bộ Khu phố Một');
    expect(asked.some((a) => a.allOrgs)).toBe(false);
    expect(new Set(asked.flatMap((a) => a.orgs))).toEqual(new Set(['C1']));
    expect(store.treeVersion).toBe(versionBefore);
  });

  it("refuses Q1's rename of an org in Q2 as out-of-scope, keeping neither the new name nor the body", async () => {
    // Prepare
    const store = await twoDistricts();
    // Act
    const out = await ingest(
      store,
      validEvent('org.renamed', { source: 'csdl-q1', data: { orgId: 'C9', name: 'Chi bộ bị chiếm' } }),
      scoped('Q1'),
    );
    // Assess
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.orgs.get('C9')?.name).toBe('C9');
    expect([...store.rejected.values()].map((r) => r.body)).toEqual([NO_BODY]);
  });

  it('rejects a target for a dissolved org as org-dissolved and leaves its plans as they were', async () => {
    // Prepare: C2 merged into C1
    const store = await twoDistricts();
    const merge = validEvent('org.dissolved', { source: 'csdl-city', data: { orgId: 'C2', on: '2022-03-01', mergedInto: 'C1' } });
    expect((await ingest(store, merge, scoped('CITY'))).outcome).toBe('applied');
    const plansBefore = JSON.stringify(store.orgs.get('C2'));
    // Act
    const out = await ingest(
      store,
      validEvent('target.set', { source: 'csdl-q1', data: { orgId: 'C2', year: 2022, admissions: 3 } }),
      scoped('Q1'),
    );
    // Assess
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'org-dissolved' });
    expect(JSON.stringify(store.orgs.get('C2'))).toBe(plansBefore);
  });

  it('judges a rename racing a move of its org on the move: the org left the district, the rename is out of scope', async () => {
    // Prepare: Q1's rename of C1 reads C1; the city's move of C1 under Q2 commits before the rename does
    const store = await twoDistricts();
    const commit = store.commit.bind(store);
    let raced = false;
    store.commit = async (marker, writes, opts) => {
      if (!raced && marker.type === 'org.renamed') {
        raced = true;
        const move = validEvent('org.moved', { source: 'csdl-city', data: { orgId: 'C1', parentId: 'Q2' } });
        expect((await ingest(store, move, scoped('CITY'))).outcome).toBe('applied');
      }
      return commit(marker, writes, opts);
    };
    const batch = { ...scoped('Q1'), orgTree: batchOrgTree(store) };
    // Act
    const out = await ingest(
      store,
      validEvent('org.renamed', { source: 'csdl-q1', data: { orgId: 'C1', name: 'Chi bộ đổi tên muộn' } }),
      batch,
    );
    // Assess: the move stands, the rename is not applied over it
    expect(raced).toBe(true);
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'out-of-scope' });
    expect(store.orgs.get('C1')).toMatchObject({ parentId: 'Q2', name: 'Chi bộ Khu phố 1' });
  });

  it('refuses Q1 a rename of an org registered under Q2 after the batch copied the tree, in the same batch or another invocation', async () => {
    // Prepare: the batch's copy holds no X; X is then registered under Q2, first by this batch, then by another invocation
    const store = await twoDistricts();
    const batch = { ...scoped('Q1'), orgTree: batchOrgTree(store) };
    await batch.orgTree.current();
    const register = (orgId: string) =>
      validEvent('org.registered', { source: 'csdl-city', data: { orgId, parentId: 'Q2', name: orgId, level: 'grassroots-cell' } });
    expect((await ingest(store, register('X1'), { ...batch, ...scoped('CITY') })).outcome).toBe('applied');
    expect((await ingest(store, register('X2'), scoped('CITY'))).outcome).toBe('applied');
    // Act
    const outs = [];
    for (const orgId of ['X1', 'X2'])
      outs.push(await ingest(store, validEvent('org.renamed', { source: 'csdl-q1', data: { orgId, name: 'Chi bộ bị chiếm' } }), batch));
    // Assess
    expect(outs.map((o) => o.outcome === 'rejected' && o.reason)).toEqual(['out-of-scope', 'out-of-scope']);
    expect(store.orgs.get('X1')?.name).toBe('X1');
  });

  it('refuses Q1 a target, an update and a rating of its former cell moved to Q2 by another invocation after the batch copied the tree', async () => {
    // Prepare: the batch's copy has C1 under Q1; the city then moves C1 under Q2 elsewhere
    const store = await twoDistricts();
    const batch = { ...scoped('Q1'), orgTree: batchOrgTree(store) };
    await batch.orgTree.current();
    const move = validEvent('org.moved', { source: 'csdl-city', data: { orgId: 'C1', parentId: 'Q2' } });
    expect((await ingest(store, move, scoped('CITY'))).outcome).toBe('applied');
    // Act
    const events = [
      validEvent('target.set', { source: 'csdl-q1', data: { orgId: 'C1', year: 2022, admissions: 9 } }),
      validEvent('org.updated', { source: 'csdl-q1', data: { orgId: 'C1', sector: 'state-enterprise' } }),
      validEvent('org.evaluated', { source: 'csdl-q1', data: { orgId: 'C1', year: 2022, rating: 'excellent' } }),
    ];
    const outs = [];
    for (const e of events) outs.push(await ingest(store, e, batch));
    // Assess
    expect(outs.map((o) => o.outcome === 'rejected' && o.reason)).toEqual(['out-of-scope', 'out-of-scope', 'out-of-scope']);
  });
});
