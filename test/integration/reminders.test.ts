// The daily reminders job on the emulators: records written by the ingest (or directly),
// index byRemindOn → runRemindersJob → SNS topic → the local notifications queue.
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRemindersHandler, jobDate } from '../../functions/reminders/handler.js';
import { recordChangesOf } from '../../shared/data/stream-changes.js';
import { staleFrom } from '../../shared/domain/figures/stale.js';
import { documentClient } from '../helpers/emulators.js';
import { dossierKey, memberKey, toItem, transferKey } from '../../shared/data/keys.js';
import { addDays, compareDates } from '../../shared/domain/dates.js';
import type { DossierRecord, OrgRecord } from '../../shared/domain/records.js';
import type { Reminder } from '../../shared/domain/reminders.js';
import { dossierDueOn } from '../../shared/domain/rules/index.js';
import { DEFAULT_LEASE_MS, runRemindersJob } from '../../shared/use-cases/run-reminders-job/index.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { remindersStoreWith } from '../helpers/store-decorators.js';
import { published } from '../helpers/notifications.js';

type Row = [kind: string, subjectId: string, orgId: string, dueOn: string, daysLeft: number, threshold: number | null];

const row = (r: Reminder): Row => [r.kind, r.subjectId, r.orgId, r.dueOn, r.daysLeft, r.threshold];
const sortRows = (rows: Row[]) => [...rows].sort((a, b) => `${a[0]}|${a[1]}|${a[3]}`.localeCompare(`${b[0]}|${b[1]}|${b[3]}`));

const publishedRows = async (stack: TestStack) => sortRows((await published(stack)).map((b) => row(JSON.parse(b) as Reminder)));

async function rawItem(stack: TestStack, key: { pk: string; sk: string }): Promise<Record<string, unknown> | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: stack.env.RECORDS_TABLE_NAME, Key: key, ConsistentRead: true }));
  return out.Item;
}

/** Dates from `first` to `last`, both included. */
function days(first: string, last: string): string[] {
  const out: string[] = [];
  for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) out.push(d);
  return out;
}

const receive = (dossierId: string, orgId: string, receivedOn: string) =>
  validEvent('dossier.received', {
    data: {
      dossierId,
      personId: `P-${dossierId}`,
      orgId,
      receivedOn,
      profile: validProfile({ fullName: 'Nguyễn Thị Hoa', birthDate: '1999-09-09' }),
    },
  });
const importOfficial = (memberId: string, orgId: string, admittedOn = '2010-05-19') =>
  validEvent('member.imported', { data: { memberId, orgId, status: 'official', admittedOn, recognizedOn: addDays(admittedOn, 365) } });
// The ceremony on the day of the decision: probation counts as from admittedOn, and no
// ceremony reminder (test/integration/admission-work.test.ts has those).
const admit = (memberId: string, orgId: string, admittedOn: string) =>
  validEvent('member.admitted', {
    data: {
      memberId,
      orgId,
      admittedOn,
      ceremonyOn: admittedOn,
      profile: validProfile({ fullName: 'Lê Văn Minh', birthDate: '2001-01-01' }),
    },
  });
const issue = (transferId: string, memberId: string, fromOrgId: string, toOrgId: string, issuedOn: string) =>
  validEvent('transfer.issued', { data: { transferId, memberId, kind: 'official', fromOrgId, toOrgId, issuedOn } });

describe('the reminders job, day by day', () => {
  let stack: TestStack;
  const bodies: string[] = [];

  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
    // Prepare: HP > Q1 > C1, C2, C3; C3 is later merged into C1.
    await stack.send([
      registerOrg('HP', null, 'province'),
      registerOrg('Q1', 'HP', 'upper-grassroots'),
      registerOrg('C1', 'Q1', 'grassroots-cell'),
      registerOrg('C2', 'Q1', 'grassroots-cell'),
      registerOrg('C3', 'Q1', 'grassroots-cell'),
    ]);
    await stack.settle();
    await stack.send([
      // Open dossiers: due 2026-01-30, 2026-02-18, 2026-02-08 (closed on the way), 2026-02-03 (in C3).
      receive('DA', 'C1', '2025-12-01'),
      receive('DB', 'C2', '2025-12-20'),
      receive('DD', 'C1', '2025-12-10'),
      receive('DE', 'C3', '2025-12-05'),
      // Closed before the walk: would remind on 2026-01-15 if open.
      receive('DC', 'C1', '2025-12-01'),
      // Probation ends 2026-02-20 (Tết week), recognition due 2026-04-03.
      admit('MA', 'C1', '2025-02-20'),
      // Exited: its probation.ending would fall on 2026-01-26.
      admit('MX', 'C2', '2025-02-25'),
      // 30 years of membership on 2026-03-15.
      importOfficial('MD', 'C2', '1996-03-15'),
      importOfficial('MB', 'C2'),
      importOfficial('MC', 'C1'),
      importOfficial('ME', 'C1'),
      importOfficial('MF', 'C1'),
    ]);
    await stack.settle();
    await stack.send([
      // Due 2026-01-28; received on 2026-01-26, during the walk.
      issue('TB', 'MB', 'C2', 'C1', '2025-12-15'),
      // Issued before Tết: 30 working days end on 2026-03-31, not 2026-03-24.
      issue('TA', 'MC', 'C1', 'C2', '2026-02-10'),
      // Cancelled: would be late on 2026-01-29.
      issue('TC', 'ME', 'C1', 'C2', '2025-12-15'),
      // MA's party file in time: no records.missing.
      validEvent('member.recordsFiled', { data: { memberId: 'MA', on: '2025-03-10' } }),
      // To an external org: complete when issued, never late.
      issue('TD', 'MF', 'C1', 'EXT-DN', '2025-12-01'),
      validEvent('dossier.closed', { data: { dossierId: 'DC', outcome: 'withdrawn', on: '2025-12-20' } }),
      validEvent('member.exited', { data: { memberId: 'MX', reason: 'resigned', on: '2025-12-01' } }),
      validEvent('org.dissolved', { data: { orgId: 'C3', on: '2025-12-31', mergedInto: 'C1' } }),
    ]);
    await stack.settle();
    await stack.send([validEvent('transfer.cancelled', { data: { transferId: 'TC', on: '2025-12-20' } })]);
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('sends the exact reminders each day, across a month boundary, Tết 2026 and a missed week, and nothing new on a re-run', async () => {
    // Prepare
    const missedWeek = new Set(days('2026-02-07', '2026-02-13'));
    const walk = days('2026-01-12', '2026-04-04').filter((d) => !missedWeek.has(d));
    const expected: Record<string, Row[]> = {
      '2026-01-14': [['badge.upcoming', 'MD', 'C2', '2026-03-15', 60, null]],
      '2026-01-15': [['dossier.dueSoon', 'DA', 'C1', '2026-01-30', 15, 15]],
      // DE's cell C3 was merged into C1: C1 is reminded.
      '2026-01-19': [['dossier.dueSoon', 'DE', 'C1', '2026-02-03', 15, 15]],
      '2026-01-21': [['probation.ending', 'MA', 'C1', '2026-02-20', 30, null]],
      '2026-01-23': [['dossier.dueSoon', 'DA', 'C1', '2026-01-30', 7, 7]],
      '2026-01-24': [['dossier.dueSoon', 'DD', 'C1', '2026-02-08', 15, 15]],
      '2026-01-27': [
        ['dossier.dueSoon', 'DA', 'C1', '2026-01-30', 3, 3],
        ['dossier.dueSoon', 'DE', 'C1', '2026-02-03', 7, 7],
      ],
      // TB was received on 2026-01-26 and DD withdrawn on 2026-01-28: no transfer.late on
      // 2026-01-29, no DD reminder on 2026-02-01 or after.
      '2026-01-30': [['dossier.overdue', 'DA', 'C1', '2026-01-30', 0, null]],
      '2026-01-31': [['dossier.dueSoon', 'DE', 'C1', '2026-02-03', 3, 3]],
      '2026-02-03': [
        ['dossier.dueSoon', 'DB', 'C2', '2026-02-18', 15, 15],
        ['dossier.overdue', 'DE', 'C1', '2026-02-03', 0, null],
      ],
      // The missed week held DB's 7-day threshold (2026-02-11): caught up once, real daysLeft.
      '2026-02-14': [['dossier.dueSoon', 'DB', 'C2', '2026-02-18', 4, 7]],
      '2026-02-15': [['dossier.dueSoon', 'DB', 'C2', '2026-02-18', 3, 3]],
      '2026-02-18': [['dossier.overdue', 'DB', 'C2', '2026-02-18', 0, null]],
      // Nothing on 2026-03-25: without the Tết holidays TA would be late then.
      '2026-04-01': [['transfer.late', 'TA', 'C1', '2026-03-31', -1, null]],
      '2026-04-04': [['probation.overdue', 'MA', 'C1', '2026-04-03', -1, null]],
    };
    const afterRun: Record<string, object[]> = {
      '2026-01-26': [validEvent('transfer.received', { data: { transferId: 'TB', receivedOn: '2026-01-26' } })],
      '2026-01-27': [validEvent('dossier.closed', { data: { dossierId: 'DD', outcome: 'withdrawn', on: '2026-01-28' } })],
    };
    const sent: Record<string, Row[]> = {};
    const queued: Record<string, Row[]> = {};
    const rerun: Record<string, Row[]> = {};
    // Act
    for (const date of walk) {
      const first = await runRemindersJob(stack.stores.reminders, date);
      queued[date] = await publishedRowsKeeping(stack, bodies);
      const again = await runRemindersJob(stack.stores.reminders, date);
      rerun[date] = [...again.reminders.map(row), ...(await publishedRowsKeeping(stack, bodies))];
      sent[date] = sortRows(first.reminders.map(row));
      if (afterRun[date]) {
        await stack.send(afterRun[date]);
        await stack.settle();
      }
    }
    // Assess
    const nonEmpty = (m: Record<string, Row[]>) => Object.fromEntries(Object.entries(m).filter(([, rows]) => rows.length > 0));
    expect(nonEmpty(sent)).toEqual(Object.fromEntries(Object.entries(expected).map(([d, rows]) => [d, sortRows(rows)])));
    expect(queued).toEqual(sent);
    expect(nonEmpty(rerun)).toEqual({});
  });

  it('never reminds of closed items, and takes them out of the index', async () => {
    // Assess: nothing about them was ever published (previous test), and they are not in index byRemindOn.
    const reminders = bodies.map((b) => JSON.parse(b) as Reminder);
    const subjects = new Set(reminders.map((r) => r.subjectId));
    for (const id of ['DC', 'MX', 'TB', 'TC', 'TD']) expect(subjects.has(id)).toBe(false);
    // DD was reminded once while open, and never after it was withdrawn on 2026-01-28.
    expect(reminders.filter((r) => r.subjectId === 'DD').map((r) => r.remindOn)).toEqual(['2026-01-24']);
    for (const key of [dossierKey('DC'), dossierKey('DD'), memberKey('MX'), transferKey('TB'), transferKey('TC'), transferKey('TD')]) {
      const item = await rawItem(stack, key);
      expect(item).toBeDefined();
      expect(item).not.toHaveProperty('remindOn');
      expect(item).not.toHaveProperty('remindMonth');
    }
  });

  it('publishes the fields of docs/reminders.md only: no name, no birth date', () => {
    // Assess
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      expect(Object.keys(JSON.parse(body) as object).sort()).toEqual([
        'daysLeft',
        'dueOn',
        'kind',
        'orgId',
        'remindOn',
        'subjectId',
        'threshold',
      ]);
      for (const personal of [
        'Nguyễn',
        'Lê Văn Minh',
        'Hoa',
        '1999-09-09',
        '2001-01-01',
        '1995-05-20',
        'fullName',
        'birthDate',
        'profile',
      ]) {
        expect(body).not.toContain(personal);
      }
    }
  });

  it('moves a record on in the index without marking any figure stale', async () => {
    // Prepare: MD's badge reminder was sent, so its index date moved past it.
    const item = await rawItem(stack, memberKey('MD'));
    // Act
    const stale = staleFrom(recordChangesOf([{ oldImage: { ...item, remindOn: '2026-01-14', remindMonth: '2026-01' }, newImage: item }]));
    // Assess
    expect(item).toMatchObject({ remindOn: '2036-01-15', remindMonth: '2036-01' }); // 40 years' badge − 60 days
    expect(stale.records.size).toBe(0);
    expect(stale.orgs.size).toBe(0);
  });
});

/** Reads what was published, keeps the raw bodies for later checks, returns the rows. */
async function publishedRowsKeeping(stack: TestStack, bodies: string[]): Promise<Row[]> {
  const raw = await published(stack);
  bodies.push(...raw);
  return sortRows(raw.map((b) => row(JSON.parse(b) as Reminder)));
}

/** A stored open dossier of cell C1, written directly (not through the queue). */
function dossierItem(dossierId: string, receivedOn: string): Record<string, unknown> {
  const record: DossierRecord = {
    dossierId,
    personId: `P-${dossierId}`,
    cellId: 'C1',
    receivedOn,
    dueOn: dossierDueOn(receivedOn),
    step: 'received',
    steps: {},
    status: 'open',
    profile: validProfile() as DossierRecord['profile'],
    version: 1,
  };
  return toItem({ entity: 'dossier', record });
}

const cellItem = (): Record<string, unknown> => {
  const record: OrgRecord = {
    orgId: 'C1',
    parentId: null,
    name: 'Chi bộ 1',
    level: 'grassroots-cell',
    status: 'active',
    targets: {},
    version: 1,
  };
  return toItem({ entity: 'org', record });
};

async function writeDirectly(stack: TestStack, items: Record<string, unknown>[]): Promise<void> {
  const table = stack.env.RECORDS_TABLE_NAME!;
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let requests: Array<Record<string, unknown>> | undefined = batch.map((Item) => ({ PutRequest: { Item } }));
      while (requests?.length) {
        const out = await documentClient().send(new BatchWriteCommand({ RequestItems: { [table]: requests as never } }));
        requests = out.UnprocessedItems?.[table] as Array<Record<string, unknown>> | undefined;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

describe('the reminders handler', () => {
  it('runs for the day in Vietnam at the schedule time, unless the event names a date', () => {
    // Assess: 23:30 UTC is 06:30 the next day in Vietnam.
    expect(jobDate({ time: '2026-02-16T23:30:00Z' })).toBe('2026-02-17');
    expect(jobDate({}, () => Date.parse('2026-02-16T16:59:59Z'))).toBe('2026-02-16');
    expect(jobDate({ time: '2026-02-16T23:30:00Z', date: '2026-01-31' })).toBe('2026-01-31');
    expect(() => jobDate({ date: '2026-02-30' })).toThrow(RangeError);
  });
});

describe('the reminders job under failure', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
    await writeDirectly(stack, [cellItem()]);
  });
  afterAll(async () => stack?.stop());

  it('publishes once when two jobs run at once on the same date', async () => {
    // Prepare: twenty dossiers whose 15-day threshold falls on 2027-03-17.
    await writeDirectly(
      stack,
      Array.from({ length: 20 }, (_, i) => dossierItem(`CC${String(i).padStart(2, '0')}`, '2027-01-31')),
    );
    // Act
    const [a, b] = await Promise.all([
      runRemindersJob(stack.stores.reminders, '2027-03-17'),
      runRemindersJob(stack.stores.reminders, '2027-03-17'),
    ]);
    // Assess
    const rows = await publishedRows(stack);
    expect(rows.map((r) => r[1])).toEqual(Array.from({ length: 20 }, (_, i) => `CC${String(i).padStart(2, '0')}`));
    expect(new Set(rows.map((r) => r[0]))).toEqual(new Set(['dossier.dueSoon']));
    expect(sortRows([...a.reminders, ...b.reminders].map(row))).toEqual(rows);
  });

  it('retries a reminder recorded but not published (a crash) in a later run, without a duplicate', async () => {
    // Prepare: two dossiers reach their 15-day threshold on 2027-03-18; the run crashes
    // after recording the first reminder and before publishing it.
    await writeDirectly(stack, [dossierItem('CR1', '2027-02-01'), dossierItem('CR2', '2027-02-01')]);
    let crashed: string | undefined;
    const crashing = createRemindersHandler({
      store: remindersStoreWith(stack.stores.reminders, {
        afterRecord: (reminder) => {
          if (crashed) return;
          crashed = reminder.subjectId;
          throw new Error('injected crash between record and publish');
        },
      }),
      digestOrgs: [],
      options: { concurrency: 1 },
    });
    const afterLease = () => Date.now() + DEFAULT_LEASE_MS + 1_000;
    // Act
    await expect(crashing({ date: '2027-03-18' }, {} as never)).rejects.toThrow('injected crash');
    const afterCrash = await publishedRows(stack);
    const withinLease = await runRemindersJob(stack.stores.reminders, '2027-03-18');
    const afterWithinLease = await publishedRows(stack);
    const recovering = await runRemindersJob(stack.stores.reminders, '2027-03-18', { now: afterLease });
    const afterRecovery = await publishedRows(stack);
    const nextDay = await runRemindersJob(stack.stores.reminders, '2027-03-19', { now: afterLease });
    // Assess
    expect(afterCrash).toEqual([]);
    // The crashed run's lease still holds: the other dossier is sent, the leftover waits.
    expect(afterWithinLease.map((r) => r[1])).toEqual([crashed === 'CR1' ? 'CR2' : 'CR1']);
    expect(withinLease.recovered).toBe(0);
    expect(afterRecovery).toEqual([['dossier.dueSoon', crashed, 'C1', '2027-04-02', 15, 15]]);
    expect(recovering).toMatchObject({
      recovered: 1,
      reminders: [expect.objectContaining({ subjectId: crashed, remindOn: '2027-03-18' })],
    });
    expect(nextDay.reminders).toEqual([]);
    expect(await published(stack)).toEqual([]);
  });
});

describe('the reminders job at scale', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
    await writeDirectly(stack, [cellItem()]);
  });
  afterAll(async () => stack?.stop());

  it('reads only the due items among 5,000 open dossiers', async () => {
    // Prepare: 3 dossiers reach their 15-day threshold on 2028-06-15; 4,997 later ones do not.
    const due = ['DUE1', 'DUE2', 'DUE3'].map((id) => dossierItem(id, '2028-05-01'));
    const notDue = Array.from({ length: 4_997 }, (_, i) => dossierItem(`LATER${i}`, addDays('2028-05-02', i % 240)));
    await writeDirectly(stack, [...due, ...notDue]);
    // Act
    const first = await runRemindersJob(stack.stores.reminders, '2028-06-15');
    const second = await runRemindersJob(stack.stores.reminders, '2028-06-15');
    // Assess
    expect(sortRows(first.reminders.map(row)).map((r) => r[1])).toEqual(['DUE1', 'DUE2', 'DUE3']);
    expect(first.read.index).toBe(3);
    expect(first.itemsRead).toBeLessThanOrEqual(10);
    expect(second.reminders).toEqual([]);
    expect(second.itemsRead).toBe(0); // the three moved on to their 7-day threshold
    expect((await published(stack)).length).toBe(3);
  });
});
