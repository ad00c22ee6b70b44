// The admission work end to end on the emulators (docs/events.md#the-candidate-pool,
// #after-the-decision, #party-age; docs/reminders.md): the pipeline's events through the
// ingest queue → the records → index byRemindOn → the daily job → the notifications topic,
// and `dangvien person show` reading the ceremony, the party file and the card back.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { candidateKey, memberKey } from '../../shared/data/keys.js';
import { addDays, compareDates } from '../../shared/domain/dates.js';
import type { Reminder } from '../../shared/domain/reminders.js';
import { ceremonyDeadline, ceremonyNoticeDays } from '../../shared/domain/rules/index.js';
import { runRemindersJob } from '../../shared/use-cases/run-reminders-job/index.js';
import { dangvienAt } from '../helpers/cli.js';
import { documentClient } from '../helpers/emulators.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { published } from '../helpers/notifications.js';

type Row = [kind: string, subjectId: string, orgId: string, dueOn: string, daysLeft: number];

const NAME = 'Đinh Thị Quần Chúng';
const BIRTH = '2002-02-02';
const MEMBER_NAME = 'Võ Văn Kết Nạp';

function days(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) out.push(d);
  return out;
}

describe('the admission work through the queue', () => {
  let stack: TestStack;
  let data: string;
  const dangvien = dangvienAt(() => data);

  beforeAll(async () => {
    stack = await startTestStack();
    data = mkdtempSync(join(tmpdir(), 'dangvien-admission-'));
    writeFileSync(join(data, ENDPOINTS_FILE), JSON.stringify({ ...inject('emulators'), apiUrl: '', env: stack.env, pid: process.pid }));
    // Prepare: HP > Q1 > C1, C2
    await stack.send([
      registerOrg('HP', null, 'province'),
      registerOrg('Q1', 'HP', 'upper-grassroots'),
      registerOrg('C1', 'Q1', 'grassroots-cell'),
      registerOrg('C2', 'Q1', 'grassroots-cell'),
    ]);
    await stack.settle();
    await stack.send([
      // P1: in C1's pool; the class certificate of 2021-04-30 is valid until 2026-04-30.
      validEvent('candidate.listed', {
        data: { personId: 'P1', orgId: 'C1', on: '2021-01-11', profile: validProfile({ fullName: NAME, birthDate: BIRTH }) },
      }),
      // PX: listed and dropped: no reminder of its certificate.
      validEvent('candidate.listed', { data: { personId: 'PX', orgId: 'C1', on: '2021-01-11' } }),
      // M1: decided on 2026-01-05, no ceremony yet.
      validEvent('member.admitted', {
        data: {
          memberId: 'M1',
          orgId: 'C1',
          admittedOn: '2026-01-05',
          ceremonyOn: undefined,
          profile: validProfile({ fullName: MEMBER_NAME }),
        },
      }),
      // M2: decided on 2025-12-15, ceremony reported later; its party file due 2026-02-11.
      validEvent('member.admitted', { data: { memberId: 'M2', orgId: 'C2', admittedOn: '2025-12-15', ceremonyOn: undefined } }),
      // M3: official, away on a temporary transfer from 2025-02-16 (received): too long on 2026-02-16.
      validEvent('member.imported', {
        data: { memberId: 'M3', orgId: 'C1', status: 'official', admittedOn: '2010-05-19', recognizedOn: '2011-05-19' },
      }),
      // M5: readmitted in 2000, first admitted 1986-03-20, 10 days out: 40 years of party age on 2026-03-30.
      validEvent('member.imported', {
        data: {
          memberId: 'M5',
          orgId: 'C2',
          status: 'official',
          admittedOn: '2000-01-10',
          recognizedOn: '2001-01-10',
          firstAdmittedOn: '1986-03-20',
          interruptedDays: 10,
        },
      }),
    ]);
    await stack.settle();
    await stack.send([
      validEvent('candidate.classCompleted', { data: { personId: 'P1', classId: 'NTVD-2021-04', on: '2021-04-30' } }),
      validEvent('candidate.classCompleted', { data: { personId: 'PX', classId: 'NTVD-2021-04', on: '2021-04-30' } }),
      validEvent('member.ceremonyHeld', { data: { memberId: 'M2', on: '2026-01-12' } }),
      validEvent('member.cardIssued', { data: { memberId: 'M3', on: '2011-06-01' } }),
      validEvent('transfer.issued', {
        data: { transferId: 'T3', memberId: 'M3', kind: 'temporary', fromOrgId: 'C1', toOrgId: 'C2', issuedOn: '2025-02-16' },
      }),
    ]);
    await stack.settle();
    await stack.send([
      validEvent('candidate.dropped', { data: { personId: 'PX', on: '2021-06-01', reason: 'moved-away' } }),
      validEvent('transfer.received', { data: { transferId: 'T3', receivedOn: '2025-02-20' } }),
    ]);
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('writes the pool, the ceremony, the party file and the card to the records', async () => {
    // Act
    const get = async (key: { pk: string; sk: string }) =>
      (await documentClient().send(new GetCommand({ TableName: stack.env.RECORDS_TABLE_NAME, Key: key, ConsistentRead: true }))).Item;
    const [p1, m2, m3] = await Promise.all([get(candidateKey('P1')), get(memberKey('M2')), get(memberKey('M3'))]);
    // Assess
    expect(p1).toMatchObject({ personId: 'P1', cellId: 'C1', certificates: { 'NTVD-2021-04': '2021-04-30' } });
    expect(JSON.stringify(p1).normalize('NFC')).not.toContain(NAME);
    expect(m2).toMatchObject({ ceremonyOn: '2026-01-12', probationEndsOn: '2027-01-12' });
    expect(m3).toMatchObject({ cardIssuedOn: '2011-06-01' });
  });

  it('sends each new reminder once, on its day, naming ids and dates only', async () => {
    // Prepare
    const ceremony = ceremonyDeadline('2026-01-05').dueOn;
    const notice = ceremonyNoticeDays(ceremony);
    const expected: Record<string, Row[]> = {
      '2026-01-29': [['badge.upcoming', 'M5', 'C2', '2026-03-30', 60]],
      '2026-01-30': [['candidate.certificateExpiring', 'P1', 'C1', '2026-04-30', 90]],
      '2026-02-12': [['records.missing', 'M2', 'C2', '2026-02-11', -1]],
      '2026-02-16': [['transfer.temporaryTooLong', 'T3', 'C1', '2026-02-16', 0]],
      [addDays(ceremony, -notice)]: [['ceremony.dueSoon', 'M1', 'C1', ceremony, notice]],
      [addDays(ceremony, 1)]: [['ceremony.overdue', 'M1', 'C1', ceremony, -1]],
    };
    const walk = days('2026-01-26', '2026-03-10');
    const sent: Record<string, Row[]> = {};
    const bodies: string[] = [];
    // Act
    for (const date of walk) {
      const run = await runRemindersJob(stack.stores.reminders, date);
      const rows = run.reminders.map((r): Row => [r.kind, r.subjectId, r.orgId, r.dueOn, r.daysLeft]);
      if (rows.length > 0) sent[date] = rows.sort();
      bodies.push(...(await published(stack)));
    }
    const rerun = await runRemindersJob(stack.stores.reminders, walk.at(-1)!);
    // Assess
    expect(sent).toEqual(expected);
    expect(rerun.reminders).toEqual([]);
    expect(bodies.map((b) => (JSON.parse(b) as Reminder).subjectId).sort()).toEqual(['M1', 'M1', 'M2', 'M5', 'P1', 'T3']);
    const text = bodies.join('\n').normalize('NFC');
    for (const secret of [NAME, MEMBER_NAME, BIRTH]) expect(text).not.toContain(secret);
  });

  it('`dangvien person show` reads the ceremony, the party file, the card and party age’s dates back, and the pool', async () => {
    // Act
    const m2 = JSON.parse((await dangvien('person', 'show', 'M2')).stdout);
    const m3 = JSON.parse((await dangvien('person', 'show', 'M3')).stdout);
    const m5 = JSON.parse((await dangvien('person', 'show', 'M5')).stdout);
    const p1 = JSON.parse((await dangvien('person', 'show', 'P1')).stdout);
    // Assess
    expect(m2.records).toEqual([
      expect.objectContaining({ entity: 'member', record: expect.objectContaining({ ceremonyOn: '2026-01-12' }) }),
    ]);
    expect(m3.records).toContainEqual(
      expect.objectContaining({ entity: 'member', record: expect.objectContaining({ cardIssuedOn: '2011-06-01' }) }),
    );
    expect(m5.records).toEqual([
      expect.objectContaining({ record: expect.objectContaining({ firstAdmittedOn: '1986-03-20', interruptedDays: 10 }) }),
    ]);
    expect(p1.records).toEqual([
      expect.objectContaining({
        entity: 'candidate',
        record: expect.objectContaining({ profile: expect.objectContaining({ fullName: NAME }) }),
      }),
    ]);
    expect(p1.auditTrail.map((e: { type: string }) => e.type).sort()).toEqual(['candidate.classCompleted', 'candidate.listed']);
    expect(JSON.stringify(p1.auditTrail).normalize('NFC')).not.toContain(NAME);
  });

  it('`dangvien report` counts the files, cards, ceremonies, the pool and the transfers too long, on the day asked', async () => {
    // Act
    const onDay = JSON.parse((await dangvien('report', 'HP', '--date', '2026-02-16')).stdout);
    const dayBefore = JSON.parse((await dangvien('report', 'HP', '--date', '2026-02-15')).stdout);
    const year2021 = JSON.parse((await dangvien('report', 'HP', '--year', '2021')).stdout);
    // Assess: M1 decided without a ceremony; M5 official without a card; no file filed yet
    expect(onDay.members).toMatchObject({
      total: 4,
      official: 2,
      probationary: 2,
      recordsFiled: 0,
      recordsFiledPct: 0,
      officialWithoutCard: 1,
      ceremonyPending: 1,
    });
    expect(onDay.admissions).toMatchObject({ total: 1, recordsFiled: 0, recordsFiledPct: 0 });
    // P1's certificate of 2021-04-30 is still valid; PX was dropped
    expect(onDay.candidates).toEqual({ pool: 1, certified: 1, trained: 0, classes: 0, admitted: 0 });
    expect(year2021.candidates).toEqual({ pool: 1, certified: 1, trained: 2, classes: 1, admitted: 0 });
    // T3, issued 2025-02-16, is 12 months old on 2026-02-16
    expect(onDay.transfers.temporaryTooLong).toBe(1);
    expect(dayBefore.transfers.temporaryTooLong).toBe(0);
    expect(onDay.children.find((c: { orgId: string }) => c.orgId === 'Q1').members).toMatchObject({ ceremonyPending: 1 });
  });

  it('`dangvien person erase` erases a candidate (not a member: no --force) and leaves nothing readable of them', async () => {
    // Act
    const erased = await dangvien('person', 'erase', 'P1', '--yes');
    const shown = await dangvien('person', 'show', 'P1');
    // Assess
    expect(erased.code).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({ personId: 'P1', keysDestroyed: 1, recordsCleared: 1, recordsPseudonymized: 1 });
    expect(shown.stdout.normalize('NFC')).not.toContain(NAME);
    expect(shown.stdout).not.toContain(BIRTH);
    // The pool's record stays (its dates count) under the person's pseudonym: nothing is held under P1.
    expect(JSON.parse(shown.stdout).records).toEqual([]);
    await stack.settle();
    const year2021 = JSON.parse((await dangvien('report', 'HP', '--year', '2021')).stdout);
    expect(year2021.candidates).toEqual({ pool: 1, certified: 1, trained: 2, classes: 1, admitted: 0 });
    expect((await dangvien('recompute', '--check')).code).toBe(0);
  });
});
