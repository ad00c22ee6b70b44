// domain: which reminders the daily job sends (docs/reminders.md). Pure: the job reads the
// open items, turns each into a `ReminderSubject`, passes its date and the keys already
// sent, publishes what comes back and stores the returned keys.
//
// Once-only and "catch-up sends one, earlier thresholds never" hold by construction:
// - a reminder is identified by a key (kind, subject, threshold, dueOn); a key in the
//   sent set is never produced again;
// - per item only the most urgent reminder that applies on the job's date is produced,
//   and a less urgent one counts as done as soon as a more urgent key of the same item
//   (same dueOn) is in the sent set. So there is no state "skipped" to remember: the
//   sent keys alone say what is superseded.

import type { BusinessDate } from './records.js';
import { addDays, addYears, compareDates, daysBetween } from './dates.js';

/** The notification kinds of docs/reminders.md. */
export type ReminderKind =
  | 'dossier.dueSoon'
  | 'dossier.overdue'
  | 'probation.ending'
  | 'probation.overdue'
  | 'transfer.late'
  | 'badge.upcoming'
  | 'ceremony.dueSoon'
  | 'ceremony.overdue'
  | 'records.missing'
  | 'transfer.temporaryTooLong'
  | 'candidate.certificateExpiring';

/** The message published on the notifications topic, exactly the fields of §8 (ids only, no personal data). */
export interface Reminder {
  kind: ReminderKind;
  /** The cell the reminder is for; for `transfer.late` and `transfer.temporaryTooLong`, the sending cell. */
  orgId: string;
  /** The dossierId, memberId, transferId or, for a candidate, the personId. */
  subjectId: string;
  /** The date the reminder is about. */
  dueOn: BusinessDate;
  /** `dueOn` minus the job's date, in calendar days (negative when past). */
  daysLeft: number;
  /** The days-before threshold for `dossier.dueSoon`, else null. */
  threshold: number | null;
  /** The job's date. */
  remindOn: BusinessDate;
}

/** A reminder to publish and the key to record as sent once it is published. */
export interface KeyedReminder {
  key: string;
  reminder: Reminder;
}

/** A badge milestone (Huy hiệu Đảng) not yet awarded: `years` of membership reached `on`. */
export interface BadgeMilestone {
  years: number;
  on: BusinessDate;
}

/**
 * One open item that may need reminding. Closed items (a closed dossier, a recognized or
 * exited member, a received or cancelled transfer, an external destination) are simply
 * not subjects: the job does not build one for them.
 */
export type ReminderSubject =
  | {
      kind: 'dossier';
      dossierId: string;
      cellId: string;
      dueOn: BusinessDate;
      /** Days before `dueOn`, as stored on the dossier (order irrelevant). */
      thresholds: readonly number[];
    }
  | {
      kind: 'probation';
      memberId: string;
      cellId: string;
      probationEndsOn: BusinessDate;
      recognitionDueOn: BusinessDate;
      /** Calendar days before `probationEndsOn` at which `probation.ending` starts. */
      noticeDays: number;
    }
  | {
      kind: 'transfer';
      transferId: string;
      /** The sending cell. */
      cellId: string;
      /** The day the transfer must be received by. */
      dueOn: BusinessDate;
    }
  | {
      kind: 'badge';
      memberId: string;
      cellId: string;
      /** Milestones not yet awarded. */
      milestones: readonly BadgeMilestone[];
      /** Calendar days before a milestone at which `badge.upcoming` starts. */
      noticeDays: number;
    }
  | {
      /** A member admitted by `member.admitted` whose ceremony is not held yet. */
      kind: 'ceremony';
      memberId: string;
      cellId: string;
      /** The day the ceremony is due. */
      dueOn: BusinessDate;
      /** Calendar days before `dueOn` at which `ceremony.dueSoon` starts. */
      noticeDays: number;
    }
  | {
      /** A member admitted by `member.admitted`, ceremony held, party file not filed. */
      kind: 'records';
      memberId: string;
      cellId: string;
      /** The day the party file is due. */
      dueOn: BusinessDate;
    }
  | {
      /** A temporary transfer from a cell of this system, still open. */
      kind: 'temporary-transfer';
      transferId: string;
      /** The sending cell. */
      cellId: string;
      /** The day it has been open 12 months: too long from then on. */
      dueOn: BusinessDate;
    }
  | {
      /** A candidate in the pool with a class certificate. */
      kind: 'certificate';
      personId: string;
      cellId: string;
      /** The day the latest certificate stops being valid. */
      expiresOn: BusinessDate;
      /** Calendar days before `expiresOn` at which `candidate.certificateExpiring` starts. */
      noticeDays: number;
    };

/** Badge milestones in years of party age (docs/events.md#party-age). */
export const BADGE_MILESTONE_YEARS: readonly number[] = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];

/**
 * The badge milestones of a member whose party age starts on `partyAgeFrom` that are not
 * yet awarded: `partyAgeFrom + N years` (29 February → 28 February) for each N not in
 * `awardedYears`.
 */
export function pendingBadgeMilestones(partyAgeFrom: BusinessDate, awardedYears: Iterable<number | string>): BadgeMilestone[] {
  const awarded = new Set([...awardedYears].map(Number));
  return BADGE_MILESTONE_YEARS.filter((years) => !awarded.has(years)).map((years) => ({ years, on: addYears(partyAgeFrom, years) }));
}

/**
 * The stable identity of a reminder: item, kind, threshold and the due date it was
 * computed from. A corrected `dueOn` gives new keys, so the corrected deadline is
 * reminded afresh. The subject id is URI-encoded so that no id can forge a separator.
 */
export function reminderKey(kind: ReminderKind, subjectId: string, threshold: number | null, dueOn: BusinessDate): string {
  return `${kind}#${encodeURIComponent(subjectId)}#${threshold ?? '-'}#${dueOn}`;
}

function subjectIdOf(subject: ReminderSubject): string {
  switch (subject.kind) {
    case 'dossier':
      return subject.dossierId;
    case 'probation':
    case 'badge':
    case 'ceremony':
    case 'records':
      return subject.memberId;
    case 'transfer':
    case 'temporary-transfer':
      return subject.transferId;
    case 'certificate':
      return subject.personId;
  }
}

function assertNoticeDays(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`noticeDays must be an integer ≥ 0, got ${n}`);
}

/** Positive, distinct thresholds, most urgent (smallest) first. */
function urgentFirst(thresholds: readonly number[]): number[] {
  return [...new Set(thresholds.filter((t) => Number.isSafeInteger(t) && t > 0))].sort((a, b) => a - b);
}

function make(
  subject: ReminderSubject,
  kind: ReminderKind,
  dueOn: BusinessDate,
  threshold: number | null,
  on: BusinessDate,
): KeyedReminder {
  const subjectId = subjectIdOf(subject);
  return {
    key: reminderKey(kind, subjectId, threshold, dueOn),
    reminder: { kind, orgId: subject.cellId, subjectId, dueOn, daysLeft: daysBetween(on, dueOn), threshold, remindOn: on },
  };
}

/**
 * The reminders `subject` produces on the job date `on`, given the keys already sent.
 * At most one per item (per milestone for badges): the most urgent that applies.
 *
 * - `dossier.dueSoon` when 0 < daysLeft ≤ a threshold, with the smallest such threshold
 *   (after missed days: the most urgent passed, real daysLeft); nothing if that threshold
 *   or a more urgent one, or the overdue, was already sent for this `dueOn`.
 * - `dossier.overdue` once when daysLeft ≤ 0; it supersedes any unsent dueSoon.
 * - `probation.ending` once when 0 < days to `probationEndsOn` ≤ `noticeDays`.
 * - `probation.overdue` once when `on` is after `recognitionDueOn` (dueOn = that date).
 * - `transfer.late` once when `on` is after the transfer's `dueOn`.
 * - `badge.upcoming` once per milestone when 0 < days to it ≤ `noticeDays`.
 * - `ceremony.dueSoon` once when 0 < days to the ceremony's due date ≤ `noticeDays`;
 *   `ceremony.overdue` once when `on` is after it, superseding an unsent dueSoon.
 * - `records.missing` once when `on` is after the party file's due date.
 * - `transfer.temporaryTooLong` once from the day the temporary transfer is 12 months open.
 * - `candidate.certificateExpiring` once when 0 < days to the expiry ≤ `noticeDays`.
 *
 * @throws RangeError on an invalid date or notice.
 */
export function remindersFor(subject: ReminderSubject, on: BusinessDate, sentKeys: ReadonlySet<string>): KeyedReminder[] {
  switch (subject.kind) {
    case 'dossier': {
      const id = subject.dossierId;
      const overdueKey = reminderKey('dossier.overdue', id, null, subject.dueOn);
      if (sentKeys.has(overdueKey)) return [];
      const daysLeft = daysBetween(on, subject.dueOn);
      if (daysLeft <= 0) return [make(subject, 'dossier.overdue', subject.dueOn, null, on)];
      const thresholds = urgentFirst(subject.thresholds);
      const index = thresholds.findIndex((t) => daysLeft <= t);
      if (index < 0) return [];
      // Done when this threshold or any more urgent one was sent for this dueOn.
      const done = thresholds.slice(0, index + 1).some((t) => sentKeys.has(reminderKey('dossier.dueSoon', id, t, subject.dueOn)));
      return done ? [] : [make(subject, 'dossier.dueSoon', subject.dueOn, thresholds[index] ?? null, on)];
    }
    case 'probation': {
      assertNoticeDays(subject.noticeDays);
      const id = subject.memberId;
      const overdueKey = reminderKey('probation.overdue', id, null, subject.recognitionDueOn);
      if (sentKeys.has(overdueKey)) return [];
      if (compareDates(on, subject.recognitionDueOn) > 0) return [make(subject, 'probation.overdue', subject.recognitionDueOn, null, on)];
      const daysLeft = daysBetween(on, subject.probationEndsOn);
      if (daysLeft <= 0 || daysLeft > subject.noticeDays) return [];
      if (sentKeys.has(reminderKey('probation.ending', id, null, subject.probationEndsOn))) return [];
      return [make(subject, 'probation.ending', subject.probationEndsOn, null, on)];
    }
    case 'transfer': {
      if (compareDates(on, subject.dueOn) <= 0) return [];
      if (sentKeys.has(reminderKey('transfer.late', subject.transferId, null, subject.dueOn))) return [];
      return [make(subject, 'transfer.late', subject.dueOn, null, on)];
    }
    case 'badge': {
      assertNoticeDays(subject.noticeDays);
      const out: KeyedReminder[] = [];
      const seen = new Set<BusinessDate>();
      for (const milestone of [...subject.milestones].sort((a, b) => compareDates(a.on, b.on))) {
        if (seen.has(milestone.on)) continue;
        seen.add(milestone.on);
        const daysLeft = daysBetween(on, milestone.on);
        if (daysLeft <= 0 || daysLeft > subject.noticeDays) continue;
        if (sentKeys.has(reminderKey('badge.upcoming', subject.memberId, null, milestone.on))) continue;
        out.push(make(subject, 'badge.upcoming', milestone.on, null, on));
      }
      return out;
    }
    case 'ceremony': {
      assertNoticeDays(subject.noticeDays);
      const id = subject.memberId;
      if (sentKeys.has(reminderKey('ceremony.overdue', id, null, subject.dueOn))) return [];
      if (compareDates(on, subject.dueOn) > 0) return [make(subject, 'ceremony.overdue', subject.dueOn, null, on)];
      return noticeOnce(subject, 'ceremony.dueSoon', subject.dueOn, subject.noticeDays, on, sentKeys);
    }
    case 'records':
      return onceFrom(subject, 'records.missing', subject.dueOn, addDays(subject.dueOn, 1), on, sentKeys);
    case 'temporary-transfer':
      // Too long on the day it reaches 12 months, not the day after ("issued 12 months or more before").
      return onceFrom(subject, 'transfer.temporaryTooLong', subject.dueOn, subject.dueOn, on, sentKeys);
    case 'certificate':
      assertNoticeDays(subject.noticeDays);
      return noticeOnce(subject, 'candidate.certificateExpiring', subject.expiresOn, subject.noticeDays, on, sentKeys);
  }
}

/** The reminder `kind` about `dueOn`, once, while 0 < days to it ≤ `noticeDays`. */
function noticeOnce(
  subject: ReminderSubject,
  kind: ReminderKind,
  dueOn: BusinessDate,
  noticeDays: number,
  on: BusinessDate,
  sentKeys: ReadonlySet<string>,
): KeyedReminder[] {
  const daysLeft = daysBetween(on, dueOn);
  if (daysLeft <= 0 || daysLeft > noticeDays) return [];
  if (sentKeys.has(reminderKey(kind, subjectIdOf(subject), null, dueOn))) return [];
  return [make(subject, kind, dueOn, null, on)];
}

/** The reminder `kind` about `dueOn`, once, from `firstDay` on. */
function onceFrom(
  subject: ReminderSubject,
  kind: ReminderKind,
  dueOn: BusinessDate,
  firstDay: BusinessDate,
  on: BusinessDate,
  sentKeys: ReadonlySet<string>,
): KeyedReminder[] {
  if (compareDates(on, firstDay) < 0) return [];
  if (sentKeys.has(reminderKey(kind, subjectIdOf(subject), null, dueOn))) return [];
  return [make(subject, kind, dueOn, null, on)];
}

/** All reminders of many subjects on `on`: {@link remindersFor} for each. */
export function remindersDue(subjects: Iterable<ReminderSubject>, on: BusinessDate, sentKeys: ReadonlySet<string>): KeyedReminder[] {
  const out: KeyedReminder[] = [];
  for (const subject of subjects) out.push(...remindersFor(subject, on, sentKeys));
  return out;
}

/** The dates on which a reminder of `subject` can start to apply. */
function windowStarts(subject: ReminderSubject): BusinessDate[] {
  switch (subject.kind) {
    case 'dossier':
      return [...urgentFirst(subject.thresholds).map((t) => addDays(subject.dueOn, -t)), subject.dueOn];
    case 'probation':
      return [
        ...(subject.noticeDays > 0 ? [addDays(subject.probationEndsOn, -subject.noticeDays)] : []),
        addDays(subject.recognitionDueOn, 1),
      ];
    case 'transfer':
      return [addDays(subject.dueOn, 1)];
    case 'badge':
      return subject.noticeDays > 0 ? subject.milestones.map((m) => addDays(m.on, -subject.noticeDays)) : [];
    case 'ceremony':
      return [...(subject.noticeDays > 0 ? [addDays(subject.dueOn, -subject.noticeDays)] : []), addDays(subject.dueOn, 1)];
    case 'records':
      return [addDays(subject.dueOn, 1)];
    case 'temporary-transfer':
      return [subject.dueOn];
    case 'certificate':
      return subject.noticeDays > 0 ? [addDays(subject.expiresOn, -subject.noticeDays)] : [];
  }
}

/**
 * The earliest date on which `subject` would produce a reminder not yet sent, or null
 * if it never will (everything sent or superseded). The job stores it as the item's
 * index key and each day reads only the items whose date has come.
 *
 * Pass `after` (the date the job just ran for) to get a date strictly after it: windows
 * that closed unsent (a `probation.ending` or `badge.upcoming` missed entirely) are then
 * skipped. Without `after` the answer can lie in the past, meaning "due now".
 *
 * Exact by construction: whether {@link remindersFor} produces anything changes from
 * "no" to "yes" only on a window's first day, so checking those days (and `after + 1`)
 * in order finds the answer.
 */
export function nextRemindOn(subject: ReminderSubject, sentKeys: ReadonlySet<string>, after?: BusinessDate): BusinessDate | null {
  const starts = windowStarts(subject);
  const candidates = after === undefined ? starts : [addDays(after, 1), ...starts.filter((d) => compareDates(d, after) > 0)];
  const ordered = [...new Set(candidates)].sort(compareDates);
  for (const date of ordered) {
    if (remindersFor(subject, date, sentKeys).length > 0) return date;
  }
  return null;
}
