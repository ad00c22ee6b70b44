// domain: the reminder message of docs/reminders.md as a zod schema, the one description of it
// that the JSON Schema for subscribers (schemas/reminder.json) is generated from. The
// compile-time check below ties it to the `Reminder` type the job builds, so neither can
// change alone; the reminders tests parse every reminder they produce with it.
import * as z from 'zod';
import { BusinessDateSchema, IdSchema } from './events/index.js';
import type { Reminder, ReminderKind } from './reminders.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertSame<_T extends true>(): void {}

/** The reminder kinds of docs/reminders.md, in the contract's order. */
export const REMINDER_KINDS = [
  'dossier.dueSoon',
  'dossier.overdue',
  'probation.ending',
  'probation.overdue',
  'transfer.late',
  'badge.upcoming',
  'ceremony.dueSoon',
  'ceremony.overdue',
  'records.missing',
  'transfer.temporaryTooLong',
  'candidate.certificateExpiring',
] as const satisfies readonly ReminderKind[];
assertSame<Same<(typeof REMINDER_KINDS)[number], ReminderKind>>();

/**
 * One reminder as published on the notifications topic: ids and dates only, never
 * personal data (docs/reminders.md, §11). Strict, so a field added to the message without
 * being described here fails the reminders tests.
 */
export const ReminderSchema = z
  .strictObject({
    kind: z.enum(REMINDER_KINDS).describe('what the reminder is about'),
    orgId: IdSchema.describe('the cell the reminder is for; for transfer.late and transfer.temporaryTooLong, the sending cell'),
    subjectId: IdSchema.describe("the dossierId, memberId, transferId, or a candidate's personId"),
    dueOn: BusinessDateSchema.describe(
      "the date the reminder is about (deadline, end of probation, recognition due, milestone, ceremony or party file due, a temporary transfer's 12 months, a certificate's expiry)",
    ),
    daysLeft: z.int().describe('dueOn minus the job date, in calendar days (negative when past)'),
    threshold: z.int().min(0).nullable().describe('the days-before threshold for dossier.dueSoon, else null'),
    remindOn: BusinessDateSchema.describe("the job's date"),
  })
  .meta({ title: 'reminder', description: 'A reminder on the notifications topic: ids and dates only, never personal data.' });
assertSame<Same<z.output<typeof ReminderSchema>, Reminder>>();
