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
import {
  badgeNoticeDays,
  ceremonyDeadline,
  ceremonyNoticeDays,
  certificateExpiresOn,
  certificateNoticeDays,
  dossierThresholds,
  probationNoticeDays,
  recognitionDueOn,
  recordsDueOn,
  temporaryTransferTooLongOn,
} from './rules/index.js';
import { compareDates, maxDate } from './dates.js';
import { partyAgeFrom } from './party-age.js';
import { inPool } from './ingest/candidates.js';
import type { CandidateRecord, MemberRecord, TransferRecord } from './records.js';

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
 * from the rule set of `receivedOn`); a probationary member (probation); a member
 * admitted here whose ceremony is not held, or whose party file is not filed; an official
 * member (badge milestones not yet awarded, counted from the start of party age, one
 * subject per notice length); a transfer awaiting receipt at an org of this system; a
 * temporary transfer from a cell of this system still open; a candidate in the pool with
 * a certificate. Anything else gives none.
 */
export function reminderSubjects(stored: StoredRecord): ReminderSubject[] {
  switch (stored.entity) {
    case 'dossier': {
      const d = stored.record;
      if (d.status !== 'open') return [];
      return [{ kind: 'dossier', dossierId: d.dossierId, cellId: d.cellId, dueOn: d.dueOn, thresholds: dossierThresholds(d.receivedOn) }];
    }
    case 'member':
      return memberSubjects(stored.record);
    case 'transfer':
      return transferSubjects(stored.record);
    case 'candidate':
      return candidateSubjects(stored.record);
    default:
      return [];
  }
}

function memberSubjects(m: MemberRecord): ReminderSubject[] {
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
  // The admission work of docs/events.md#after-the-decision, for members admitted here
  // only: an import or an arrival brings a member whose ceremony was held elsewhere.
  if (m.origin === 'admitted' && m.status === 'probationary' && m.ceremonyOn === undefined) {
    const { dueOn } = ceremonyDeadline(m.admittedOn);
    out.push({ kind: 'ceremony', memberId: m.memberId, cellId: m.cellId, dueOn, noticeDays: ceremonyNoticeDays(dueOn) });
  }
  if (m.origin === 'admitted' && m.ceremonyOn !== undefined && m.recordsFiledOn === undefined) {
    out.push({ kind: 'records', memberId: m.memberId, cellId: m.cellId, dueOn: recordsDueOn(m.ceremonyOn) });
  }
  // Party age belongs to official members (docs/events.md#party-age): no badge notice before recognition.
  if (m.status === 'official') {
    // The notice is counted back from each milestone by the rules in force then; the
    // defaults give one length for all, hence (almost always) one badge subject.
    const byNotice = new Map<number, ReturnType<typeof pendingBadgeMilestones>>();
    for (const milestone of pendingBadgeMilestones(partyAgeFrom(m), Object.keys(m.badges ?? {}))) {
      const days = badgeNoticeDays(milestone.on);
      byNotice.set(days, [...(byNotice.get(days) ?? []), milestone]);
    }
    for (const [noticeDays, milestones] of byNotice) {
      out.push({ kind: 'badge', memberId: m.memberId, cellId: m.cellId, milestones, noticeDays });
    }
  }
  return out;
}

function transferSubjects(t: TransferRecord): ReminderSubject[] {
  const out: ReminderSubject[] = [];
  if (t.status === 'issued' && !t.toExternal && t.dueOn)
    out.push({ kind: 'transfer', transferId: t.transferId, cellId: t.fromOrgId, dueOn: t.dueOn });
  // A temporary transfer from a cell of this system under way: issued, or received at the
  // other end. One from outside has no sending cell here to remind.
  const open = t.status === 'issued' || t.status === 'received';
  if (t.kind === 'temporary' && open && !t.fromExternal && t.issuedOn !== undefined) {
    out.push({ kind: 'temporary-transfer', transferId: t.transferId, cellId: t.fromOrgId, dueOn: temporaryTransferTooLongOn(t.issuedOn) });
  }
  return out;
}

function candidateSubjects(c: CandidateRecord): ReminderSubject[] {
  const dates = Object.values(c.certificates);
  if (!inPool(c) || dates.length === 0) return [];
  // The latest certificate is the one that counts: a second class renews it.
  const expiresOn = certificateExpiresOn(dates.reduce(maxDate));
  return [{ kind: 'certificate', personId: c.personId, cellId: c.cellId, expiresOn, noticeDays: certificateNoticeDays(expiresOn) }];
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
