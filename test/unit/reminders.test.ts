import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addDays, compareDates, daysBetween } from '../../shared/domain/dates.js';
import type { DossierRecord } from '../../shared/domain/records.js';
import {
  nextRemindOn,
  pendingBadgeMilestones,
  reminderKey,
  remindersDue,
  remindersFor,
  type KeyedReminder,
  type ReminderSubject,
} from '../../shared/domain/reminders.js';
import { ReminderSchema } from '../../shared/domain/reminder-schema.js';

const NONE: ReadonlySet<string> = new Set();

const dossier: ReminderSubject = { kind: 'dossier', dossierId: 'D1', cellId: 'CB-1', dueOn: '2025-03-31', thresholds: [15, 7, 3] };
const probation: ReminderSubject = {
  kind: 'probation',
  memberId: 'M1',
  cellId: 'CB-1',
  probationEndsOn: '2025-06-02',
  recognitionDueOn: '2025-07-14',
  noticeDays: 30,
};
const transfer: ReminderSubject = { kind: 'transfer', transferId: 'T1', cellId: 'CB-SEND', dueOn: '2025-03-10' };
const badge: ReminderSubject = {
  kind: 'badge',
  memberId: 'M2',
  cellId: 'CB-2',
  milestones: pendingBadgeMilestones('1995-05-19', [30]),
  noticeDays: 60,
};

/**
 * Runs the job over `dates`, feeding back what it sent, as the real job does. Every
 * reminder must be what schemas/reminder.json promises subscribers (strict: no extra field).
 */
function runJob(subject: ReminderSubject, dates: readonly string[], sent = new Set<string>()): KeyedReminder[][] {
  return dates.map((on) => {
    const out = remindersFor(subject, on, sent);
    for (const r of out) {
      ReminderSchema.parse(r.reminder);
      sent.add(r.key);
    }
    return out;
  });
}

describe('dossier reminders', () => {
  it('sends dueSoon at 15, 7 and 3 days before dueOn, then overdue on dueOn', () => {
    // Prepare
    const days = ['2025-03-15', '2025-03-16', '2025-03-24', '2025-03-28', '2025-03-30', '2025-03-31', '2025-04-01'];
    // Act
    const runs = runJob(dossier, days);
    // Assess
    expect(runs.map((r) => r.map((k) => [k.reminder.kind, k.reminder.threshold, k.reminder.daysLeft]))).toEqual([
      [],
      [['dossier.dueSoon', 15, 15]],
      [['dossier.dueSoon', 7, 7]],
      [['dossier.dueSoon', 3, 3]],
      [],
      [['dossier.overdue', null, 0]],
      [],
    ]);
  });

  it('publishes exactly the fields of docs/reminders.md', () => {
    // Prepare
    const on = '2025-03-16';
    // Act
    const [only] = remindersFor(dossier, on, NONE);
    // Assess
    expect(only?.reminder).toStrictEqual({
      kind: 'dossier.dueSoon',
      orgId: 'CB-1',
      subjectId: 'D1',
      dueOn: '2025-03-31',
      daysLeft: 15,
      threshold: 15,
      remindOn: on,
    });
    expect(only?.key).toBe(reminderKey('dossier.dueSoon', 'D1', 15, '2025-03-31'));
  });

  it('sends nothing new when the job runs twice on a day', () => {
    // Prepare
    const sent = new Set<string>();
    // Act
    const [first, second] = runJob(dossier, ['2025-03-24', '2025-03-24'], sent);
    // Assess
    expect(first).toHaveLength(1);
    expect(second).toEqual([]);
  });

  it('catches up after a missed week with one reminder: the most urgent threshold passed, real daysLeft', () => {
    // Prepare: the job last ran on 03-14, before any threshold, and resumes on 03-26.
    const sent = new Set<string>();
    // Act
    const [missed, , later] = runJob(dossier, ['2025-03-26', '2025-03-27', '2025-03-28'], sent);
    // Assess
    expect(missed?.map((k) => [k.reminder.threshold, k.reminder.daysLeft])).toEqual([[7, 5]]);
    expect(runJob(dossier, ['2025-03-27'], sent)).toEqual([[]]); // 15 is superseded, never sent
    expect(later?.map((k) => k.reminder.threshold)).toEqual([3]);
  });

  it('a catch-up past dueOn sends only the overdue, and no dueSoon ever after', () => {
    // Prepare
    const sent = new Set<string>();
    // Act
    const runs = runJob(dossier, ['2025-04-02', '2025-04-03', '2025-03-29'], sent);
    // Assess
    expect(runs[0]?.map((k) => [k.reminder.kind, k.reminder.daysLeft])).toEqual([['dossier.overdue', -2]]);
    expect(runs[1]).toEqual([]);
    expect(runs[2]).toEqual([]);
  });

  it('closed dossiers are not subjects, so they never remind', () => {
    // Prepare: the job builds subjects from open dossiers only.
    const records: Pick<DossierRecord, 'dossierId' | 'cellId' | 'dueOn' | 'status'>[] = [
      { dossierId: 'OPEN', cellId: 'CB-1', dueOn: '2025-03-01', status: 'open' },
      { dossierId: 'SHUT', cellId: 'CB-1', dueOn: '2025-03-01', status: 'withdrawn' },
      { dossierId: 'DONE', cellId: 'CB-1', dueOn: '2025-03-01', status: 'admitted' },
    ];
    const subjects = records
      .filter((r) => r.status === 'open')
      .map((r): ReminderSubject => ({ kind: 'dossier', dossierId: r.dossierId, cellId: r.cellId, dueOn: r.dueOn, thresholds: [15, 7, 3] }));
    // Act
    const out = remindersDue(subjects, '2025-03-05', NONE);
    // Assess
    expect(out.map((k) => k.reminder.subjectId)).toEqual(['OPEN']);
  });

  it('reminds afresh when the dueOn is corrected (the key includes dueOn)', () => {
    // Prepare
    const sent = new Set<string>();
    runJob(dossier, ['2025-03-16'], sent);
    const corrected: ReminderSubject = { ...dossier, dueOn: '2025-04-10' } as ReminderSubject;
    // Act
    const out = remindersFor(corrected, '2025-03-26', sent);
    // Assess
    expect(out.map((k) => [k.reminder.threshold, k.reminder.dueOn])).toEqual([[15, '2025-04-10']]);
  });
});

describe('probation reminders', () => {
  it('sends probation.ending once, from 30 days before the end until the day before', () => {
    // Prepare
    const days = ['2025-05-02', '2025-05-03', '2025-05-04', '2025-06-01'];
    // Act
    const runs = runJob(probation, days);
    // Assess
    expect(runs.map((r) => r.map((k) => [k.reminder.kind, k.reminder.dueOn, k.reminder.daysLeft, k.reminder.threshold]))).toEqual([
      [],
      [['probation.ending', '2025-06-02', 30, null]],
      [],
      [],
    ]);
  });

  it('does not send probation.ending once probation has ended', () => {
    // Prepare
    const days = ['2025-06-02', '2025-06-20'];
    // Act
    const runs = runJob(probation, days);
    // Assess
    expect(runs).toEqual([[], []]);
  });

  it('sends probation.overdue once, the day after recognition was due, about that date', () => {
    // Prepare
    const days = ['2025-07-14', '2025-07-15', '2025-07-16', '2025-09-01'];
    // Act
    const runs = runJob(probation, days);
    // Assess
    expect(runs.map((r) => r.map((k) => [k.reminder.kind, k.reminder.dueOn, k.reminder.daysLeft, k.reminder.orgId]))).toEqual([
      [],
      [['probation.overdue', '2025-07-14', -1, 'CB-1']],
      [],
      [],
    ]);
  });
});

describe('transfer reminders', () => {
  it('sends transfer.late once, for the sending cell, the day after the deadline', () => {
    // Prepare
    const days = ['2025-03-10', '2025-03-11', '2025-03-12'];
    // Act
    const runs = runJob(transfer, days);
    // Assess
    expect(runs.map((r) => r.map((k) => k.reminder))).toEqual([
      [],
      [
        {
          kind: 'transfer.late',
          orgId: 'CB-SEND',
          subjectId: 'T1',
          dueOn: '2025-03-10',
          daysLeft: -1,
          threshold: null,
          remindOn: '2025-03-11',
        },
      ],
      [],
    ]);
  });
});

describe('badge reminders', () => {
  it('lists the milestones not yet awarded', () => {
    // Prepare
    const awarded = ['30', '40'];
    // Act
    const pending = pendingBadgeMilestones('1980-02-29', awarded);
    // Assess
    expect(pending[0]).toEqual({ years: 45, on: '2025-02-28' });
    expect(pending.map((m) => m.years)).toEqual([45, 50, 55, 60, 65, 70, 75, 80, 85, 90]);
  });

  it('sends badge.upcoming once per milestone, 60 days before it', () => {
    // Prepare: admitted 1995-05-19, 30 years awarded; 40 years falls on 2035-05-19.
    const days = ['2035-03-19', '2035-03-20', '2035-03-21', '2035-05-19'];
    // Act
    const runs = runJob(badge, days);
    // Assess
    expect(runs.map((r) => r.map((k) => [k.reminder.kind, k.reminder.dueOn, k.reminder.daysLeft]))).toEqual([
      [],
      [['badge.upcoming', '2035-05-19', 60]],
      [],
      [],
    ]);
  });

  it('does not remind of an awarded milestone', () => {
    // Prepare
    const awardedAll: ReminderSubject = { ...badge, milestones: pendingBadgeMilestones('1995-05-19', [30, 40]) } as ReminderSubject;
    // Act
    const out = remindersFor(awardedAll, '2035-04-01', NONE);
    // Assess
    expect(out).toEqual([]);
  });
});

describe('admission work, pool and temporary transfer reminders, day by day', () => {
  const ceremony: ReminderSubject = { kind: 'ceremony', memberId: 'M5', cellId: 'CB-1', dueOn: '2026-03-31', noticeDays: 7 };
  const records: ReminderSubject = { kind: 'records', memberId: 'M5', cellId: 'CB-1', dueOn: '2026-04-09' };
  const temporary: ReminderSubject = { kind: 'temporary-transfer', transferId: 'T9', cellId: 'CB-SEND', dueOn: '2026-08-15' };
  const certificate: ReminderSubject = { kind: 'certificate', personId: 'P7', cellId: 'CB-2', expiresOn: '2026-10-15', noticeDays: 90 };
  const walk = (first: string, last: string) => {
    const out: string[] = [];
    for (let d = first; compareDates(d, last) <= 0; d = addDays(d, 1)) out.push(d);
    return out;
  };
  /** `date: [kind, dueOn, daysLeft]` of each day that sent something. */
  const plan = (subject: ReminderSubject, dates: readonly string[]) =>
    Object.fromEntries(
      runJob(subject, dates)
        .map(
          (run, i) => [dates[i], run.map((k) => [k.reminder.kind, k.reminder.dueOn, k.reminder.daysLeft, k.reminder.threshold])] as const,
        )
        .filter(([, run]) => run.length > 0),
    );

  it('ceremony: dueSoon 7 days before, overdue the day after the due date, nothing on the due day or after', () => {
    // Act
    const sent = plan(ceremony, walk('2026-03-01', '2026-05-01'));
    // Assess
    expect(sent).toEqual({
      '2026-03-24': [['ceremony.dueSoon', '2026-03-31', 7, null]],
      '2026-04-01': [['ceremony.overdue', '2026-03-31', -1, null]],
    });
  });

  it('ceremony: a job that missed the whole notice window catches up with the overdue only', () => {
    // Prepare: no run from 2026-03-20 to 2026-04-09.
    const dates = [...walk('2026-03-01', '2026-03-19'), ...walk('2026-04-10', '2026-04-20')];
    // Act
    const sent = plan(ceremony, dates);
    // Assess
    expect(sent).toEqual({ '2026-04-10': [['ceremony.overdue', '2026-03-31', -10, null]] });
  });

  it('party file: records.missing once, the day after its due date, or at the next run', () => {
    // Act
    const daily = plan(records, walk('2026-03-15', '2026-06-01'));
    const caughtUp = plan(records, ['2026-04-01', '2026-05-20', '2026-05-21']);
    // Assess
    expect(daily).toEqual({ '2026-04-10': [['records.missing', '2026-04-09', -1, null]] });
    expect(caughtUp).toEqual({ '2026-05-20': [['records.missing', '2026-04-09', -41, null]] });
  });

  it('temporary transfer: too long on the day it reaches 12 months, once, for the sending cell', () => {
    // Act
    const daily = plan(temporary, walk('2026-08-01', '2026-09-30'));
    const [first] = remindersFor(temporary, '2026-08-15', NONE);
    // Assess
    expect(daily).toEqual({ '2026-08-15': [['transfer.temporaryTooLong', '2026-08-15', 0, null]] });
    expect(first?.reminder).toStrictEqual({
      kind: 'transfer.temporaryTooLong',
      orgId: 'CB-SEND',
      subjectId: 'T9',
      dueOn: '2026-08-15',
      daysLeft: 0,
      threshold: null,
      remindOn: '2026-08-15',
    });
  });

  it('certificate: 90 days before it expires, once; a window missed entirely is not sent late', () => {
    // Act
    const daily = plan(certificate, walk('2026-07-01', '2026-11-30'));
    const missed = plan(certificate, [...walk('2026-07-01', '2026-07-16'), ...walk('2026-10-15', '2026-10-20')]);
    const late = plan(certificate, [...walk('2026-07-01', '2026-07-16'), '2026-09-01']);
    // Assess
    expect(daily).toEqual({ '2026-07-17': [['candidate.certificateExpiring', '2026-10-15', 90, null]] });
    expect(missed).toEqual({});
    expect(late).toEqual({ '2026-09-01': [['candidate.certificateExpiring', '2026-10-15', 44, null]] });
  });

  it('a ceremony held moves the end of probation: the reminders follow the new date (the key includes dueOn)', () => {
    // Prepare: probation.ending was planned for a probation ending 2027-03-02 (no ceremony).
    const before: ReminderSubject = { ...probation, probationEndsOn: '2027-03-02', recognitionDueOn: '2027-04-13' };
    const after: ReminderSubject = { ...probation, probationEndsOn: '2027-03-23', recognitionDueOn: '2027-05-05' };
    const sent = new Set<string>();
    // Act
    runJob(before, walk('2026-12-01', '2027-01-31'), sent);
    const moved = runJob(after, walk('2027-02-01', '2027-05-06'), sent)
      .flat()
      .map((k) => [k.reminder.kind, k.reminder.remindOn, k.reminder.dueOn]);
    // Assess
    expect(moved).toEqual([
      ['probation.ending', '2027-02-21', '2027-03-23'],
      ['probation.overdue', '2027-05-06', '2027-05-05'],
    ]);
  });
});

describe('nextRemindOn', () => {
  it('walks a dossier through its thresholds and stops after the overdue', () => {
    // Prepare
    const sent = new Set<string>();
    // Act, Assess
    expect(nextRemindOn(dossier, sent)).toBe('2025-03-16');
    runJob(dossier, ['2025-03-16'], sent);
    expect(nextRemindOn(dossier, sent, '2025-03-16')).toBe('2025-03-24');
    runJob(dossier, ['2025-03-26'], sent); // catch-up sends 7
    expect(nextRemindOn(dossier, sent, '2025-03-26')).toBe('2025-03-28');
    runJob(dossier, ['2025-04-05'], sent); // overdue
    expect(nextRemindOn(dossier, sent, '2025-04-05')).toBeNull();
    expect(nextRemindOn(dossier, sent)).toBeNull();
  });

  it('skips a window that closed unsent when given the job date', () => {
    // Prepare: the job never ran during the probation.ending window.
    const after = '2025-06-10';
    // Act
    const next = nextRemindOn(probation, NONE, after);
    // Assess
    expect(next).toBe('2025-07-15');
    expect(nextRemindOn(probation, NONE)).toBe('2025-05-03');
  });

  it('is the next day when something is already due', () => {
    // Prepare
    const after = '2025-03-20';
    // Act
    const next = nextRemindOn(transfer, NONE, after);
    // Assess
    expect(next).toBe('2025-03-21');
    expect(nextRemindOn(transfer, new Set([reminderKey('transfer.late', 'T1', null, '2025-03-10')]), after)).toBeNull();
  });
});

// ---------------------------------------------------------------------------------------
// Properties

const BASE = '2025-01-01';
const day = (offset: number) => addDays(BASE, offset);

const subjectArb: fc.Arbitrary<ReminderSubject> = fc.oneof(
  fc.record({
    kind: fc.constant('dossier' as const),
    dossierId: fc.constant('D'),
    cellId: fc.constant('C'),
    dueOn: fc.integer({ min: 0, max: 90 }).map(day),
    thresholds: fc.uniqueArray(fc.integer({ min: 1, max: 30 }), { maxLength: 4 }),
  }),
  fc
    .record({
      end: fc.integer({ min: 0, max: 90 }),
      grace: fc.integer({ min: 0, max: 50 }),
      noticeDays: fc.integer({ min: 0, max: 40 }),
    })
    .map(
      ({ end, grace, noticeDays }): ReminderSubject => ({
        kind: 'probation',
        memberId: 'M',
        cellId: 'C',
        probationEndsOn: day(end),
        recognitionDueOn: day(end + grace),
        noticeDays,
      }),
    ),
  fc.integer({ min: 0, max: 90 }).map((d): ReminderSubject => ({ kind: 'transfer', transferId: 'T', cellId: 'C', dueOn: day(d) })),
  fc
    .record({ due: fc.integer({ min: 0, max: 90 }), noticeDays: fc.integer({ min: 0, max: 30 }) })
    .map(({ due, noticeDays }): ReminderSubject => ({ kind: 'ceremony', memberId: 'M', cellId: 'C', dueOn: day(due), noticeDays })),
  fc.integer({ min: 0, max: 90 }).map((d): ReminderSubject => ({ kind: 'records', memberId: 'M', cellId: 'C', dueOn: day(d) })),
  fc
    .integer({ min: 0, max: 90 })
    .map((d): ReminderSubject => ({ kind: 'temporary-transfer', transferId: 'T', cellId: 'C', dueOn: day(d) })),
  fc.record({ expires: fc.integer({ min: 0, max: 120 }), noticeDays: fc.integer({ min: 0, max: 100 }) }).map(
    ({ expires, noticeDays }): ReminderSubject => ({
      kind: 'certificate',
      personId: 'P',
      cellId: 'C',
      expiresOn: day(expires),
      noticeDays,
    }),
  ),
  fc
    .record({
      offsets: fc.uniqueArray(fc.integer({ min: 0, max: 120 }), { maxLength: 3 }),
      noticeDays: fc.integer({ min: 0, max: 90 }),
    })
    .map(
      ({ offsets, noticeDays }): ReminderSubject => ({
        kind: 'badge',
        memberId: 'M',
        cellId: 'C',
        milestones: offsets.map((o, i) => ({ years: 30 + 10 * i, on: day(o) })),
        noticeDays,
      }),
    ),
);

/** Increasing job dates with gaps (missed days), from before the first window to after the last. */
const jobDatesArb = fc
  .record({ start: fc.integer({ min: -120, max: 20 }), gaps: fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 40 }) })
  .map(({ start, gaps }) => {
    const dates = [day(start)];
    let offset = start;
    for (const gap of gaps) {
      offset += gap;
      dates.push(day(offset));
    }
    return dates;
  });

describe('properties', () => {
  it('each (item, kind, threshold, dueOn) is sent at most once; dossier thresholds only grow more urgent', () => {
    fc.assert(
      fc.property(subjectArb, jobDatesArb, (subject, dates) => {
        // Prepare
        const sent = new Set<string>();
        // Act
        const runs = runJob(subject, dates, sent);
        // Assess
        const keys = runs.flat().map((k) => k.key);
        expect(new Set(keys).size).toBe(keys.length);
        runs.forEach((run, i) => {
          for (const { reminder } of run) {
            expect(reminder.remindOn).toBe(dates[i]);
            expect(reminder.daysLeft).toBe(daysBetween(reminder.remindOn, reminder.dueOn));
            expect(reminder.threshold === null).toBe(reminder.kind !== 'dossier.dueSoon');
          }
        });
        if (subject.kind !== 'dossier') return;
        // One reminder per item per run, and urgency never goes back.
        let lastThreshold = Infinity;
        let overdueSent = false;
        runs.forEach((run, i) => {
          expect(run.length).toBeLessThanOrEqual(1);
          const r = run[0]?.reminder;
          if (!r) return;
          expect(overdueSent).toBe(false);
          if (r.kind === 'dossier.overdue') {
            overdueSent = true;
            return;
          }
          const t = r.threshold!;
          expect(t).toBeLessThan(lastThreshold);
          lastThreshold = t;
          // The most urgent threshold passed on that day.
          const daysLeft = daysBetween(dates[i]!, subject.dueOn);
          expect(Math.min(...subject.thresholds.filter((u) => daysLeft <= u))).toBe(t);
        });
        // Any job on or after dueOn means exactly one overdue.
        const reachedDue = dates.some((d) => compareDates(d, subject.dueOn) >= 0);
        expect(overdueSent).toBe(reachedDue);
      }),
    );
  });

  it('every kind is sent once if a job ran inside its window, never otherwise', () => {
    fc.assert(
      fc.property(subjectArb, jobDatesArb, (subject, dates) => {
        // Prepare
        const inWindow = (from: string, to: string | null) =>
          dates.some((d) => compareDates(d, from) >= 0 && (to === null || compareDates(d, to) <= 0));
        // Act
        const sent = runJob(subject, dates)
          .flat()
          .map((k) => k.reminder);
        // Assess
        const count = (kind: string, dueOn?: string) => sent.filter((r) => r.kind === kind && (!dueOn || r.dueOn === dueOn)).length;
        switch (subject.kind) {
          case 'transfer':
            expect(count('transfer.late')).toBe(inWindow(addDays(subject.dueOn, 1), null) ? 1 : 0);
            break;
          case 'probation': {
            const endingWindow =
              subject.noticeDays > 0 &&
              inWindow(addDays(subject.probationEndsOn, -subject.noticeDays), addDays(subject.probationEndsOn, -1));
            expect(count('probation.ending')).toBe(endingWindow ? 1 : 0);
            expect(count('probation.overdue')).toBe(inWindow(addDays(subject.recognitionDueOn, 1), null) ? 1 : 0);
            break;
          }
          case 'badge':
            for (const m of subject.milestones) {
              const window = subject.noticeDays > 0 && inWindow(addDays(m.on, -subject.noticeDays), addDays(m.on, -1));
              expect(count('badge.upcoming', m.on)).toBe(window ? 1 : 0);
            }
            break;
          case 'dossier':
            expect(count('dossier.overdue')).toBe(inWindow(subject.dueOn, null) ? 1 : 0);
            break;
          case 'ceremony': {
            // The overdue supersedes a notice not yet sent; the notice, if sent, came before.
            const overdue = inWindow(addDays(subject.dueOn, 1), null);
            const notice = subject.noticeDays > 0 && inWindow(addDays(subject.dueOn, -subject.noticeDays), addDays(subject.dueOn, -1));
            expect(count('ceremony.overdue')).toBe(overdue ? 1 : 0);
            expect(count('ceremony.dueSoon')).toBe(notice ? 1 : 0);
            break;
          }
          case 'records':
            expect(count('records.missing')).toBe(inWindow(addDays(subject.dueOn, 1), null) ? 1 : 0);
            break;
          case 'temporary-transfer':
            expect(count('transfer.temporaryTooLong')).toBe(inWindow(subject.dueOn, null) ? 1 : 0);
            break;
          case 'certificate': {
            const window =
              subject.noticeDays > 0 && inWindow(addDays(subject.expiresOn, -subject.noticeDays), addDays(subject.expiresOn, -1));
            expect(count('candidate.certificateExpiring')).toBe(window ? 1 : 0);
            break;
          }
        }
      }),
    );
  });

  it('nextRemindOn is the first later day that would produce a reminder', () => {
    fc.assert(
      fc.property(subjectArb, jobDatesArb, (subject, dates) => {
        // Prepare: a job history, then the index date it leaves behind.
        const sent = new Set<string>();
        runJob(subject, dates, sent);
        const last = dates[dates.length - 1]!;
        // Act
        const next = nextRemindOn(subject, sent, last);
        // Assess: brute force over the following days (every window ends by day 220).
        const horizon = Math.max(daysBetween(last, day(220)), 1);
        let firstDue: string | null = null;
        for (let i = 1; i <= horizon && firstDue === null; i++) {
          const d = addDays(last, i);
          if (remindersFor(subject, d, sent).length > 0) firstDue = d;
        }
        expect(next).toBe(firstDue);
      }),
    );
  });
});
