// domain: which reminders a stored record can give rise to, and where it sits in the
// sparse index byRemindOn (docs/reminders.md). Pure: the data layer's `toItem` calls it on every write, so
// a record always enters the index with the first day it may need a reminder, and a
// closed record (closed dossier, exited member, received or cancelled transfer) leaves it.
//
//   remindMonth (partition)   remindOn (sort)   what
//   YYYY-MM                   YYYY-MM-DD        the next day the reminders job must look at the record
//
// The job reads one month bucket at a time (`remindOn <= date`), so a day's run reads
// only the records that are due. Dates before REMINDERS_EPOCH_MONTH (backfilled history)
// all share the epoch's bucket: the job queries every bucket from the epoch to the
// job's month, and no record can hide in an older one.
import type { StoredRecord } from './records.js';
import { nextRemindOn, pendingBadgeMilestones, type ReminderSubject } from './reminders.js';
import { badgeNoticeDays, dossierThresholds, probationNoticeDays, recognitionDueOn } from './rules/index.js';
import { compareDates } from './dates.js';

/**
 * The oldest month bucket of index byRemindOn: the month the first rule set took
 * effect (2021-01). A record whose next reminder date is earlier is stored in this
 * bucket, under its real `remindOn`.
 */
export const REMINDERS_EPOCH_MONTH = '2021-01';

/** The month bucket (`YYYY-MM`) of a reminder date, never older than the epoch. */
export function remindMonthOf(remindOn: string): string {
  const month = remindOn.slice(0, 7);
  return month < REMINDERS_EPOCH_MONTH ? REMINDERS_EPOCH_MONTH : month;
}

/**
 * The reminder subjects of a record as it is stored: an open dossier (its thresholds
 * from the rule set of `receivedOn`), a probationary member (probation), an active
 * member (badge milestones not yet awarded, one subject per notice length), a transfer
 * awaiting receipt at an org of this system. Anything else gives none.
 */
export function reminderSubjects(stored: StoredRecord): ReminderSubject[] {
  switch (stored.entity) {
    case 'dossier': {
      const d = stored.record;
      if (d.status !== 'open') return [];
      return [{ kind: 'dossier', dossierId: d.dossierId, cellId: d.cellId, dueOn: d.dueOn, thresholds: dossierThresholds(d.receivedOn) }];
    }
    case 'member': {
      const m = stored.record;
      if (m.status !== 'probationary' && m.status !== 'official') return [];
      const out: ReminderSubject[] = [];
      if (m.status === 'probationary' && m.probationEndsOn) {
        out.push({
          kind: 'probation',
          memberId: m.memberId,
          cellId: m.cellId,
          probationEndsOn: m.probationEndsOn,
          recognitionDueOn: recognitionDueOn(m.probationEndsOn),
          noticeDays: probationNoticeDays(m.probationEndsOn),
        });
      }
      // The notice is counted back from each milestone by the rules in force then; the
      // defaults give one length for all, hence (almost always) one badge subject.
      const byNotice = new Map<number, ReturnType<typeof pendingBadgeMilestones>>();
      for (const milestone of pendingBadgeMilestones(m.admittedOn, Object.keys(m.badges ?? {}))) {
        const days = badgeNoticeDays(milestone.on);
        byNotice.set(days, [...(byNotice.get(days) ?? []), milestone]);
      }
      for (const [noticeDays, milestones] of byNotice) {
        out.push({ kind: 'badge', memberId: m.memberId, cellId: m.cellId, milestones, noticeDays });
      }
      return out;
    }
    case 'transfer': {
      const t = stored.record;
      if (t.status !== 'issued' || t.toExternal || !t.dueOn) return [];
      return [{ kind: 'transfer', transferId: t.transferId, cellId: t.fromOrgId, dueOn: t.dueOn }];
    }
    default:
      return [];
  }
}

/**
 * The earliest of `nextRemindOn` over `subjects` (null when none will ever remind).
 * `after` is the job's date: then the answer is strictly after it.
 */
export function earliestRemindOn(subjects: readonly ReminderSubject[], sentKeys: ReadonlySet<string>, after?: string): string | null {
  let earliest: string | null = null;
  for (const subject of subjects) {
    const next = nextRemindOn(subject, sentKeys, after);
    if (next !== null && (earliest === null || compareDates(next, earliest) < 0)) earliest = next;
  }
  return earliest;
}

/**
 * The index attributes of a record written by ingest: the first day any of its
 * subjects may remind, counting nothing as sent (the job, which knows what was sent,
 * moves it on from there). `{}` when it never reminds: the index is sparse, so closed
 * records are not in it at all.
 */
export function indexAttributes(stored: StoredRecord): { remindOn?: string; remindMonth?: string } {
  const remindOn = earliestRemindOn(reminderSubjects(stored), new Set());
  return remindOn === null ? {} : { remindOn, remindMonth: remindMonthOf(remindOn) };
}
