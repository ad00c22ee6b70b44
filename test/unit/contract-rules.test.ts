// The rules docs/events.md#organizations, §4, §5, §6 sharpened, one case per rule and reason code, through
// the in-memory harness (and `decide` directly where the harness does not load a count).
import { describe, expect, it } from 'vitest';
import { parseEvent, type DomainEvent } from '../../shared/domain/events/index.js';
import { decide, needsFor } from '../../shared/domain/ingest/decide.js';
import { countOpenDossiers, emptyState, type LoadedState } from '../../shared/domain/ingest/decision-types.js';
import { isEthnicMinority, isReligious } from '../../shared/domain/personal-data.js';
import { traitsOf } from '../../shared/domain/personal-data.js';
import { DomainHarness, outcomeOf } from '../helpers/domain-harness.js';
import { baseOrgs, validEvent, validExternalArrival, validProfile } from '../helpers/events.js';

const admitM1 = (data = {}) => validEvent('member.admitted', { data });
const importM1 = () => validEvent('member.imported');
const issue = (data = {}) => validEvent('transfer.issued', { data });
const exit = (on: string, memberId = 'M1') => validEvent('member.exited', { data: { memberId, on } });

async function run(given: object[], when: object) {
  const h = await new DomainHarness().given(given);
  return { h, result: outcomeOf(await h.run(when)) };
}

describe('§4 dossiers', () => {
  it('a step dated before the previous step is rejected date-order', async () => {
    // Prepare
    const given = [
      ...baseOrgs(),
      validEvent('dossier.received'),
      validEvent('dossier.stepCompleted', { data: { step: 'processing', on: '2021-01-20' } }),
    ];

    // Act
    const { result } = await run(given, validEvent('dossier.stepCompleted', { data: { step: 'reported', on: '2021-01-19' } }));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'date-order' });
  });

  it('a step on the same day as the previous one applies', async () => {
    // Prepare
    const given = [
      ...baseOrgs(),
      validEvent('dossier.received'),
      validEvent('dossier.stepCompleted', { data: { step: 'processing', on: '2021-01-20' } }),
    ];

    // Act
    const { result } = await run(given, validEvent('dossier.stepCompleted', { data: { step: 'reported', on: '2021-01-20' } }));

    // Assess
    expect(result).toEqual({ outcome: 'applied' });
  });

  it('a closing before the last step is rejected date-order', async () => {
    // Prepare
    const given = [...baseOrgs(), validEvent('dossier.received'), validEvent('dossier.stepCompleted', { data: { on: '2021-01-20' } })];

    // Act
    const { result } = await run(given, validEvent('dossier.closed', { data: { on: '2021-01-19' } }));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'date-order' });
  });

  it('an admission naming a dossier of another cell is rejected dossier-mismatch and closes nothing', async () => {
    // Prepare
    const given = [...baseOrgs(), validEvent('dossier.received')];

    // Act
    const { h, result } = await run(given, admitM1({ orgId: 'C2', dossierId: 'D1' }));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'dossier-mismatch' });
    expect(h.dossiers.get('D1')?.status).toBe('open');
  });

  it('an admission naming a closed dossier is rejected dossier-mismatch', async () => {
    // Prepare
    const given = [...baseOrgs(), validEvent('dossier.received'), validEvent('dossier.closed')];

    // Act
    const { result } = await run(given, admitM1({ dossierId: 'D1' }));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'dossier-mismatch' });
  });

  it('an admission into the cell a dossier’s cell was merged into closes it', async () => {
    // Prepare
    const given = [
      ...baseOrgs(),
      validEvent('dossier.received', { data: { orgId: 'C2' } }),
      validEvent('org.dissolved', { data: { orgId: 'C2', on: '2021-01-10', mergedInto: 'C1' } }),
    ];

    // Act
    const { h, result } = await run(given, admitM1({ dossierId: 'D1' }));

    // Assess
    expect(result).toEqual({ outcome: 'applied' });
    expect(h.dossiers.get('D1')?.status).toBe('admitted');
  });

  it('a personId that is not the dossier’s is rejected dossier-mismatch', async () => {
    // Prepare
    const given = [...baseOrgs(), validEvent('dossier.received')];

    // Act
    const { result } = await run(given, validEvent('dossier.closed', { data: { personId: 'someone-else' } }));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'dossier-mismatch' });
  });
});

describe('§5 members', () => {
  const cases: Array<[string, () => object[], () => object, string]> = [
    [
      'an exemption before admittedOn',
      () => [...baseOrgs(), admitM1()],
      () => validEvent('member.exempted', { data: { on: '2021-03-01' } }),
      'before-admission',
    ],
    ['an exit before admittedOn', () => [...baseOrgs(), admitM1()], () => exit('2021-03-01'), 'before-admission'],
    [
      'a rating for a year before the admission',
      () => [...baseOrgs(), admitM1()],
      () => validEvent('member.evaluated', { data: { year: 2020 } }),
      'before-admission',
    ],
    [
      'a badge before admittedOn',
      () => [...baseOrgs(), importM1()],
      () => validEvent('member.badgeAwarded', { data: { awardedOn: '1990-01-01' } }),
      'before-admission',
    ],
    [
      'a recognition before admittedOn',
      () => [...baseOrgs(), admitM1()],
      () => validEvent('member.recognized', { data: { recognizedOn: '2021-03-01' } }),
      'before-admission',
    ],
    [
      'a recognition before the end of probation (ceremony + 12 months)',
      () => [...baseOrgs(), admitM1()],
      () => validEvent('member.recognized', { data: { recognizedOn: '2022-03-09' } }),
      'probation-not-ended',
    ],
    // admitted 1991-03-02: the 30-year badge from 2020-03-02 (admittedOn + 30 − 1 years).
    [
      'a 30-year badge a day before admittedOn + 29 years',
      () => [...baseOrgs(), importM1()],
      () => validEvent('member.badgeAwarded', { data: { years: 30, awardedOn: '2020-03-01' } }),
      'too-early',
    ],
  ];
  for (const [name, given, when, reason] of cases) {
    it(`${name} is rejected ${reason}`, async () => {
      // Prepare, Act
      const { result } = await run(given(), when());

      // Assess
      expect(result).toEqual({ outcome: 'rejected', reason });
    });
  }

  it('a recognition on the day probation ends and a badge on admittedOn + years − 1 apply', async () => {
    // Prepare
    const h = await new DomainHarness().given([...baseOrgs(), admitM1(), validEvent('member.imported', { data: { memberId: 'M2' } })]);

    // Act
    const results = [
      outcomeOf(await h.run(validEvent('member.recognized', { data: { recognizedOn: '2022-03-10' } }))),
      outcomeOf(await h.run(validEvent('member.badgeAwarded', { data: { memberId: 'M2', years: 30, awardedOn: '2020-03-02' } }))),
    ];

    // Assess
    expect(results).toEqual([{ outcome: 'applied' }, { outcome: 'applied' }]);
  });

  it('member events apply to a member in transit and count for the sending cell', async () => {
    // Prepare
    const h = await new DomainHarness().given([...baseOrgs(), importM1(), issue({ issuedOn: '2021-06-01' })]);

    // Act
    const results = (
      await h.runAll([
        validEvent('member.updated'),
        validEvent('member.evaluated', { data: { year: 2021 } }),
        validEvent('member.badgeAwarded', { data: { awardedOn: '2021-09-02' } }),
        validEvent('member.exempted', { data: { on: '2021-07-01' } }),
      ])
    ).map(outcomeOf);

    // Assess
    expect(results.every((r) => r.outcome === 'applied')).toBe(true);
    expect(h.factsOf('C1', 2021, 'rating')).toHaveLength(1);
    expect(h.factsOf('C1', 2021, 'badge')).toHaveLength(1);
    expect(h.members.get('M1')).toMatchObject({ status: 'in-transit', cellId: 'C1', exemptedOn: '2021-07-01' });
  });

  it('a yearly figure counts in the cell the member was in on its date, also when it arrives after a later transfer', async () => {
    // Prepare: admitted in C1, transferred to C2 in June 2022 and received there
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.admitted', { data: { dossierId: undefined } }),
      issue({ issuedOn: '2022-06-01' }),
      validEvent('transfer.received', { data: { receivedOn: '2022-06-10' } }),
    ]);

    // Act: the recognition of 10 March arrives late, then a rating of 2022
    const results = (
      await h.runAll([
        validEvent('member.recognized', { data: { recognizedOn: '2022-03-10' } }),
        validEvent('member.evaluated', { data: { year: 2022, rating: 'excellent' } }),
      ])
    ).map(outcomeOf);

    // Assess: March belongs to C1; the year's rating to C2, where the year ended
    expect(results).toEqual([{ outcome: 'applied' }, { outcome: 'applied' }]);
    expect(h.factsOf('C1', 2022, 'recognition')).toHaveLength(1);
    expect(h.factsOf('C2', 2022, 'recognition')).toHaveLength(0);
    expect(h.factsOf('C2', 2022, 'rating')).toHaveLength(1);
    expect(h.members.get('M1')).toMatchObject({ cellId: 'C2', status: 'official' });
  });

  it('an exit in transit closes the official transfer: nothing in transit or late, the exit counts for the sending cell', async () => {
    // Prepare
    const h = await new DomainHarness().given([...baseOrgs(), importM1(), issue()]);

    // Act
    const result = outcomeOf(await h.run(exit('2022-06-05')));

    // Assess
    expect(result).toEqual({ outcome: 'applied' });
    expect(h.transfers.get('T1')).toMatchObject({ status: 'completed', endedOn: '2022-06-05', endedBy: 'exit' });
    expect(h.inTransitCounts()).toEqual({});
    expect(h.factsOf('C1', 2022, 'exit')).toHaveLength(1);
    expect(h.factsOf('C1', 2022, 'transferOut')).toHaveLength(1);
    expect(h.members.get('M1')).toMatchObject({ status: 'exited', cellId: 'C1' });
    expect(h.members.get('M1')?.transferId).toBeUndefined();
    expect(outcomeOf(await h.run(validEvent('transfer.received')))).toEqual({ outcome: 'rejected', reason: 'not-pending' });
  });

  it('an exit ends open temporary transfers as if returned on the exit date', async () => {
    // Prepare: one received inside, one to an external org
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      importM1(),
      issue({ kind: 'temporary' }),
      validEvent('transfer.received'),
      issue({ transferId: 'T3', kind: 'temporary', toOrgId: 'EXT-DN', issuedOn: '2022-07-01' }),
    ]);
    expect(h.attendeeCounts()).toEqual({ C2: 1 });

    // Act
    const result = outcomeOf(await h.run(exit('2022-08-01')));

    // Assess
    expect(result).toEqual({ outcome: 'applied' });
    expect(h.transfers.get('T1')).toMatchObject({ status: 'returned', endedOn: '2022-08-01' });
    expect(h.transfers.get('T3')).toMatchObject({ status: 'returned', endedOn: '2022-08-01' });
    expect(h.attendeeCounts()).toEqual({});
    expect(h.members.get('M1')?.temporaryTransferIds).toBeUndefined();
  });

  it('an exit dated before an open transfer was issued is rejected date-order', async () => {
    // Prepare
    const given = [...baseOrgs(), importM1(), issue()];

    // Act
    const { result } = await run(given, exit('2022-05-31'));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'date-order' });
  });
});

describe('§6 transfers', () => {
  it('a transfer complete at issue is not received after its destination is registered (not-pending)', async () => {
    // Prepare
    const given = [
      ...baseOrgs(),
      importM1(),
      issue({ toOrgId: 'C7' }),
      validEvent('org.registered', { data: { orgId: 'C7', parentId: 'Q1', name: 'C7', level: 'grassroots-cell' } }),
    ];

    // Act
    const { h, result } = await run(given, validEvent('transfer.received'));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'not-pending' });
    expect(h.members.get('M1')?.status).toBe('transferred-out');
  });

  it('a temporary transfer to an external org is not received (not-pending), but returns or is cancelled', async () => {
    // Prepare
    const given = [...baseOrgs(), importM1(), issue({ kind: 'temporary', toOrgId: 'EXT-DN' })];

    // Act
    const received = (await run(given, validEvent('transfer.received'))).result;
    const returned = (await run(given, validEvent('transfer.returned'))).result;
    const cancelled = (await run(given, validEvent('transfer.cancelled'))).result;

    // Assess
    expect([received, returned, cancelled]).toEqual([
      { outcome: 'rejected', reason: 'not-pending' },
      { outcome: 'applied' },
      { outcome: 'applied' },
    ]);
  });

  it('a received temporary transfer can be cancelled: no longer an attendee', async () => {
    // Prepare
    const given = [...baseOrgs(), importM1(), issue({ kind: 'temporary' }), validEvent('transfer.received')];

    // Act
    const { h, result } = await run(given, validEvent('transfer.cancelled', { data: { on: '2022-07-01' } }));

    // Assess
    expect(result).toEqual({ outcome: 'applied' });
    expect(h.attendeeCounts()).toEqual({});
    expect(h.transfers.get('T1')).toMatchObject({ status: 'cancelled', endedOn: '2022-07-01' });
  });

  it('an arrival from outside of a member who exited (even deceased) is rejected member-exists', async () => {
    // Prepare
    const given = [
      ...baseOrgs(),
      validEvent('member.imported', { data: { memberId: 'M2' } }),
      validEvent('member.exited', { data: { memberId: 'M2', reason: 'deceased', on: '2021-06-01' } }),
    ];

    // Act
    const { result } = await run(given, validExternalArrival());

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'member-exists' });
  });

  it('a temporary arrival from outside of a member on our rolls is rejected member-exists', async () => {
    // Prepare
    const given = [...baseOrgs(), validEvent('member.imported', { data: { memberId: 'M2', orgId: 'C2' } })];

    // Act
    const { result } = await run(given, validExternalArrival({ data: { kind: 'temporary' } }));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'member-exists' });
  });

  it('a memberId on a transfer event that is not the transfer’s member is rejected transfer-mismatch', async () => {
    // Prepare
    const given = [...baseOrgs(), importM1(), issue()];

    // Act
    const { result } = await run(given, validEvent('transfer.cancelled', { data: { memberId: 'M9' } }));

    // Assess
    expect(result).toEqual({ outcome: 'rejected', reason: 'transfer-mismatch' });
  });
});

describe('§2 org.dissolved without mergedInto needs no open dossier', () => {
  function stateFor(h: DomainHarness, event: DomainEvent): LoadedState {
    // A loader as the data layer must write it: the harness's records, plus the open dossier counts.
    const state = emptyState();
    for (let round = 0; round < 5; round++) {
      const needs = needsFor(event, state);
      for (const o of h.orgs.values()) state.orgs.set(o.orgId, structuredClone(o));
      state.allOrgsLoaded = true;
      for (const id of needs.activeMembersOf ?? []) state.activeMembers.set(id, h.rollsCount(id));
      for (const id of needs.openDossiersOf ?? []) state.openDossiers.set(id, countOpenDossiers(h.dossiers.values(), id));
    }
    return state;
  }
  const parsed = (e: object) => {
    const r = parseEvent(JSON.stringify(e));
    if (!r.ok) throw new Error(r.message);
    return r.event;
  };

  it('asks for the open dossier counts of the org and the cells merged into it', async () => {
    // Prepare
    const h = await new DomainHarness().given([...baseOrgs()]);
    const event = parsed(validEvent('org.dissolved', { data: { orgId: 'C1', on: '2021-02-01', mergedInto: undefined } }));
    const state = stateFor(h, event);

    // Act
    const needs = needsFor(event, state);

    // Assess
    expect(needs.openDossiersOf).toEqual(['C1']);
  });

  it('is rejected not-empty while a dossier is open, applies once it is closed', async () => {
    // Prepare
    const h = await new DomainHarness().given([...baseOrgs(), validEvent('dossier.received')]);
    const event = parsed(validEvent('org.dissolved', { data: { orgId: 'C1', on: '2021-02-01', mergedInto: undefined } }));

    // Act
    const open = decide(event, stateFor(h, event));
    await h.given([validEvent('dossier.closed')]);
    const closed = decide(event, stateFor(h, event));

    // Assess
    expect(open).toMatchObject({ outcome: 'reject', reason: 'not-empty' });
    expect(closed.outcome).toBe('apply');
  });

  it('with mergedInto, a cell’s members and open dossiers roll up to the target', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('dossier.received', { data: { orgId: 'C2' } }),
      validEvent('member.imported', { data: { orgId: 'C2' } }),
    ]);

    // Act
    const result = outcomeOf(await h.run(validEvent('org.dissolved', { data: { orgId: 'C2', on: '2021-02-01', mergedInto: 'C1' } })));

    // Assess: C2 hangs under C1, so C1's subtree counts its member and dossier; the next steps apply.
    expect(result).toEqual({ outcome: 'applied' });
    expect(h.orgs.get('C2')).toMatchObject({ status: 'dissolved', parentId: 'C1', mergedInto: 'C1' });
    expect(outcomeOf(await h.run(validEvent('dossier.stepCompleted')))).toEqual({ outcome: 'applied' });
    expect(outcomeOf(await h.run(validEvent('transfer.issued', { data: { fromOrgId: 'C1', toOrgId: 'EXT-DN' } })))).toEqual({
      outcome: 'applied',
    });
  });

  it('a merged cell still takes what is dated before the merge, arriving after it (no order across groups); nothing dated after', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('org.dissolved', { data: { orgId: 'C2', on: '2021-07-01', mergedInto: 'C1' } }),
    ]);

    // Act
    const before = outcomeOf(
      await h.run(validEvent('member.admitted', { data: { memberId: 'M7', orgId: 'C2', admittedOn: '2021-03-02' } })),
    );
    const after = outcomeOf(
      await h.run(
        validEvent('member.admitted', {
          id: 'late',
          data: { memberId: 'M8', orgId: 'C2', admittedOn: '2021-07-01', ceremonyOn: undefined },
        }),
      ),
    );

    // Assess: as if it had come in order — in C2, on the rolls of C1 now.
    expect(before).toEqual({ outcome: 'applied' });
    expect(h.members.get('M7')).toMatchObject({ cellId: 'C2', status: 'probationary' });
    expect(after).toEqual({ outcome: 'rejected', reason: 'org-dissolved' });
  });
});

describe('decide never throws on date arithmetic', () => {
  it('a RangeError from dates becomes date-out-of-range', () => {
    // Prepare: a record whose dates cannot be computed on (as if stored before the §1 limits)
    const event = parseEvent(JSON.stringify(validEvent('member.recognized')));
    if (!event.ok) throw new Error(event.message);
    const state = emptyState();
    state.members.set('M1', {
      memberId: 'M1',
      cellId: 'C1',
      status: 'probationary',
      profile: validProfile(),
      traits: traitsOf(validProfile()),
      admittedOn: '2021-03-02',
      probationEndsOn: undefined,
      ceremonyOn: '9999-12-31',
      ratings: {},
      badges: {},
      origin: 'admitted',
      version: 1,
    });

    // Act
    const decision = decide(event.event, state);

    // Assess
    expect(decision).toMatchObject({ outcome: 'reject', reason: 'date-out-of-range' });
  });
});

describe('§9 counting', () => {
  it('ethnicMinority: every ethnicity but Kinh, without regard to case or blanks', () => {
    // Prepare
    const values = ['Kinh', 'kinh', 'KINH', ' Kinh ', 'Tày', 'Mường', 'Hoa'];

    // Act
    const minority = values.map((ethnicity) => isEthnicMinority({ ethnicity }));

    // Assess
    expect(minority).toEqual([false, false, false, false, true, true, true]);
  });

  it('religious: not null, blank or "none" (Không, không, in NFD too)', () => {
    // Prepare
    const values: Array<string | null | undefined> = [
      null,
      undefined,
      '',
      '  ',
      'Không',
      'không',
      'KHÔNG',
      'Không'.normalize('NFD'),
      ' none ',
      'Phật giáo',
      'Công giáo',
    ];

    // Act
    const religious = values.map((religion) => isReligious({ religion }));

    // Assess
    expect(religious).toEqual([false, false, false, false, false, false, false, false, false, true, true]);
  });
});
