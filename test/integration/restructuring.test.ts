// §9 across a year end, temporary attendance and a province merge (1 July 2025).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../shared/use-cases/build-report/index.js';
import { recomputeFigures } from '../../shared/use-cases/recompute-figures/index.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const imported = (memberId: string, orgId: string, sex: 'female' | 'male' = 'male') =>
  validEvent('member.imported', {
    data: { memberId, orgId, status: 'official', admittedOn: '2010-01-01', recognizedOn: '2011-01-01', profile: validProfile({ sex }) },
  });
const issue = (
  transferId: string,
  memberId: string,
  kind: 'official' | 'temporary',
  fromOrgId: string,
  toOrgId: string,
  issuedOn: string,
) => validEvent('transfer.issued', { data: { transferId, memberId, kind, fromOrgId, toOrgId, issuedOn } });
const receive = (transferId: string, receivedOn: string) =>
  validEvent('transfer.received', {
    data: { transferId, receivedOn, fromOrgId: undefined, toOrgId: undefined, kind: undefined, member: undefined },
  });

describe('figures across a year end, temporary attendance and a province merge', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // Prepare: two provinces. HP > Q1 > C1, C2; HP > Q2 > C3; HD > QH > C9
    stack = await startTestStack();
    await stack.send([
      registerOrg('HP', null, 'province'),
      registerOrg('Q1', 'HP', 'upper-grassroots'),
      registerOrg('Q2', 'HP', 'upper-grassroots'),
      registerOrg('C1', 'Q1', 'grassroots-cell'),
      registerOrg('C2', 'Q1', 'grassroots-cell'),
      registerOrg('C3', 'Q2', 'grassroots-cell'),
      registerOrg('HD', null, 'province'),
      registerOrg('QH', 'HD', 'upper-grassroots'),
      registerOrg('C9', 'QH', 'grassroots-cell'),
    ]);
    await stack.settle();
    await stack.send([imported('M1', 'C1'), imported('M2', 'C2', 'female'), imported('M3', 'C3'), imported('M9', 'C9')]);
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('counts a member in transit at year end on the sending side only, out in the year of issue and in in the year of receipt', async () => {
    // Act
    await stack.send([issue('T1', 'M1', 'official', 'C1', 'C3', '2021-12-20')]);
    await stack.settle();
    const atYearEnd = {
      hp: await buildReport(stack.stores.figures, 'HP', { date: '2021-12-31' }),
      q1: await buildReport(stack.stores.figures, 'Q1', { date: '2021-12-31' }),
      q2: await buildReport(stack.stores.figures, 'Q2', { date: '2021-12-31' }),
    };
    await stack.send([receive('T1', '2022-01-05')]);
    await stack.settle();
    // Assess
    expect(atYearEnd.hp.members).toMatchObject({ total: 2, inTransit: 1 });
    expect(atYearEnd.q1.members).toMatchObject({ total: 1, inTransit: 1 });
    expect(atYearEnd.q2.members).toMatchObject({ total: 1, inTransit: 0 });
    expect(atYearEnd.q1.transfers.officialOut).toBe(1);
    expect(atYearEnd.hp.transfers.officialOut).toBe(0);
    const q2in2022 = await buildReport(stack.stores.figures, 'Q2', { date: '2022-01-10' });
    expect(q2in2022.transfers.officialIn).toBe(1);
    expect(q2in2022.members).toMatchObject({ total: 2, inTransit: 0 });
    expect((await buildReport(stack.stores.figures, 'Q2', { date: '2022-01-10', year: 2021 })).transfers.officialIn).toBe(0);
  });

  it('keeps a temporary transfer on the sending rolls and counts an attendee where it was received', async () => {
    // Act: M2 attends in the other province for a while
    await stack.send([issue('T2', 'M2', 'temporary', 'C2', 'C9', '2024-03-01'), receive('T2', '2024-03-04')]);
    await stack.settle();
    // Assess
    const hp = await buildReport(stack.stores.figures, 'HP', { date: '2024-06-30' });
    const hd = await buildReport(stack.stores.figures, 'HD', { date: '2024-06-30' });
    expect(hp.members).toMatchObject({ total: 3, female: 1, temporaryAttendees: 0 });
    expect(hp.transfers).toMatchObject({ temporaryOut: 1, temporaryIn: 0 });
    expect(hd.members).toMatchObject({ total: 1, temporaryAttendees: 1 });
    expect(hd.transfers).toMatchObject({ temporaryIn: 1, temporaryOut: 0 });
  });

  it('merges a province into another: its subtree, members and history follow; its own moves become internal', async () => {
    // Act
    await stack.send([validEvent('org.dissolved', { data: { orgId: 'HD', on: '2025-07-01', mergedInto: 'HP' } })]);
    await stack.settle();
    // Assess
    const hp = await buildReport(stack.stores.figures, 'HP', { date: '2025-07-01', year: 2024 });
    expect(hp.children.map((c) => c.orgId)).toEqual(['Q1', 'Q2', 'QH']);
    expect(hp.organizations).toMatchObject({ grassroots: 4, grassrootsCells: 4 });
    expect(hp.members).toMatchObject({ total: 4, temporaryAttendees: 1 });
    expect(hp.transfers).toMatchObject({ temporaryOut: 0, temporaryIn: 0 });
    expect((await buildReport(stack.stores.figures, 'QH', { date: '2025-07-01', year: 2024 })).transfers.temporaryIn).toBe(1);
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
  });
});
