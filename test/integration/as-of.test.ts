// `dangvien report --date` as of any date (docs/report.md#members-at-the-end-of-asof): a small story sent
// through the CLI in a scrambled order (late news, receipts before issues, a death
// reported in February) gives, for every date asked, the figures recounted by hand.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { listWaiting } from '../../shared/use-cases/redrive/index.js';
import { recomputeFigures } from '../../shared/use-cases/recompute-figures/index.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const run = promisify(execFile);

/**
 * The story, in business-date order: HP > Q1 > C1, C2.
 * M1 (female, official since 2016) is on C1's rolls; dossier D1 opens in C1 on 2021-01-04,
 * moves to processing on 01-11 and is withdrawn on 02-15; M2 is admitted to C1 on 03-02,
 * M3 to C2 on 04-10; M1 moves C1 → C2 (issued 06-01, received 06-10); M2 dies on
 * 2021-12-20 (reported in February); M4 is admitted to C2 on 2022-01-15, M3 recognized
 * on 2022-04-10.
 */
function story() {
  const admit = (memberId: string, orgId: string, admittedOn: string) =>
    validEvent('member.admitted', {
      data: { memberId, orgId, admittedOn, ceremonyOn: undefined, profile: validProfile({ sex: 'male', youthUnion: false }) },
    });
  return {
    m1: validEvent('member.imported', {
      data: { admittedOn: '2015-05-19', recognizedOn: '2016-05-19', profile: validProfile({ sex: 'female', youthUnion: false }) },
    }),
    d1: validEvent('dossier.received'),
    d1Step: validEvent('dossier.stepCompleted', { data: { dossierId: 'D1', step: 'processing', on: '2021-01-11' } }),
    d1Closed: validEvent('dossier.closed', { data: { dossierId: 'D1', outcome: 'withdrawn', on: '2021-02-15' } }),
    m2: admit('M2', 'C1', '2021-03-02'),
    m3: admit('M3', 'C2', '2021-04-10'),
    issued: validEvent('transfer.issued', { data: { issuedOn: '2021-06-01' } }),
    received: validEvent('transfer.received', { data: { receivedOn: '2021-06-10' } }),
    m2Died: validEvent('member.exited', {
      occurredAt: '2022-02-15T09:00:00+07:00',
      data: { memberId: 'M2', reason: 'deceased', on: '2021-12-20' },
    }),
    m4: admit('M4', 'C2', '2022-01-15'),
    m3Recognized: validEvent('member.recognized', { data: { memberId: 'M3', recognizedOn: '2022-04-10' } }),
  };
}

/** By hand, from the story: HP's members and open dossiers at the end of each date, and its cells' totals. */
const EXPECTED: Record<string, { hp: object; c1: number; c2: number }> = {
  '2020-12-31': {
    hp: { members: { total: 1, official: 1, probationary: 0, female: 1, inTransit: 0 }, dossiers: { open: 0 } },
    c1: 1,
    c2: 0,
  },
  '2021-01-11': {
    hp: { members: { total: 1 }, dossiers: { open: 1, byStep: { received: 0, processing: 1, reported: 0, reviewed: 0 } } },
    c1: 1,
    c2: 0,
  },
  '2021-03-02': { hp: { members: { total: 2, official: 1, probationary: 1 }, dossiers: { open: 0 } }, c1: 2, c2: 0 },
  '2021-06-05': { hp: { members: { total: 2, official: 0, probationary: 2, female: 0, inTransit: 1 } }, c1: 1, c2: 1 },
  '2021-12-19': { hp: { members: { total: 3, official: 1, probationary: 2, female: 1, inTransit: 0 } }, c1: 1, c2: 2 },
  '2021-12-31': { hp: { members: { total: 2, official: 1, probationary: 1 } }, c1: 0, c2: 2 },
  '2022-06-30': { hp: { members: { total: 3, official: 2, probationary: 1, female: 1 } }, c1: 0, c2: 3 },
};

describe('report --date on the emulators, events sent in a scrambled order', () => {
  let stack: TestStack;
  let data: string;
  const dangvien = async (...args: string[]) => {
    const { stdout } = await run(process.execPath, ['bin/dangvien.js', ...args, '--data', data], {
      env: { ...process.env, DANGVIEN_DATA: '' },
    });
    return JSON.parse(stdout);
  };

  beforeAll(async () => {
    // Prepare: the orgs, then the story in an order far from its dates
    stack = await startTestStack();
    data = mkdtempSync(join(tmpdir(), 'dangvien-as-of-'));
    writeFileSync(join(data, ENDPOINTS_FILE), JSON.stringify({ ...inject('emulators'), apiUrl: '', env: stack.env, pid: process.pid }));
    await stack.send([registerOrg('HP', null, 'province'), registerOrg('Q1', 'HP', 'upper-grassroots')]);
    await stack.settle();
    await stack.send([registerOrg('C1', 'Q1', 'grassroots-cell'), registerOrg('C2', 'Q1', 'grassroots-cell')]);
    await stack.settle();
    const s = story();
    // Far from business-date order: 2022 first, the 2015 rolls later, the death of 20
    // December last. A subject's own events keep their order, as a producer's FIFO group
    // does, and each predecessor comes first (waiting is tested in ingest.test.ts).
    const scrambled = [s.m4, s.m3, s.m3Recognized, s.d1, s.m1, s.issued, s.received, s.d1Step, s.m2, s.d1Closed, s.m2Died];
    const file = join(data, 'events.ndjson');
    writeFileSync(file, scrambled.map((e) => JSON.stringify(e)).join('\n'));
    await dangvien('send', file);
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('applied every event', async () => {
    expect(await stack.stores.redrive.listRejected()).toEqual([]);
    expect(await listWaiting(stack.stores.redrive)).toEqual([]);
  });

  it.each(Object.keys(EXPECTED))('reports the members and open dossiers of %s', async (date) => {
    // Act
    const hp = await dangvien('report', 'HP', '--date', date);
    const q1 = await dangvien('report', 'Q1', '--date', date);
    // Assess
    const want = EXPECTED[date]!;
    expect(hp).toMatchObject(want.hp);
    const cells = Object.fromEntries(
      (q1.children as Array<{ orgId: string; members: { total: number } }>).map((c) => [c.orgId, c.members.total]),
    );
    expect(cells).toEqual({ C1: want.c1, C2: want.c2 });
  });

  it('counts the yearly figures of the year to the date asked, whenever it is asked, on the tree of today', async () => {
    // Act
    const early = await dangvien('report', 'HP', '--date', '2021-01-11', '--year', '2021');
    const late = await dangvien('report', 'HP', '--date', '2021-12-31');
    const yearAlone = await dangvien('report', 'HP', '--year', '2021');
    // Assess: on 11 January nothing of 2021 had happened yet; the year-end report counts the whole
    // year, the death of 20 December reported in February included; a past year alone is its year-end report
    expect(early.admissions.total).toBe(0);
    expect(early.exits.deceased).toBe(0);
    expect(early.dossiers).toMatchObject({ closedInYear: 0, medianDaysToClose: null });
    expect(late.admissions.total).toBe(2);
    expect(late.exits.deceased).toBe(1);
    expect(late.dossiers).toMatchObject({ closedInYear: 1, medianDaysToClose: 42 });
    expect(early.organizations).toEqual(late.organizations);
    expect(yearAlone).toEqual(late);
  });

  it('gives a past year asked alone its year-end report, not its events beside today’s members', async () => {
    // Act
    const alone = await dangvien('report', 'HP', '--year', '2021');
    const yearEnd = await dangvien('report', 'HP', '--year', '2021', '--date', '2021-12-31');
    // Assess: 2 members at the end of 2021 (3 today)
    expect(alone).toMatchObject({ asOf: '2021-12-31', year: 2021, ...EXPECTED['2021-12-31']!.hp });
    expect(alone).toEqual(yearEnd);
  });

  it('gives today the members of now, and finds no difference in a recount', async () => {
    // Act
    const today = await dangvien('report', 'HP');
    // Assess
    expect(today.members).toMatchObject({ total: 3, official: 2, probationary: 1 });
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
  });
});
