// domain: deadline rules as data (docs/reminders.md#deadlines).
//
// The periods changed in 2021, January 2025 and July 2025 and will change again, so none
// of them is written in code: each lives in a rule set with an effective date, loaded
// from rule-sets.json and validated on load. Adding a rule change, or next year's
// holidays, is an edit of that file only. Which set applies is decided by the business
// date that starts the clock (the dossier's `receivedOn`, the transfer's `issuedOn`, …),
// so a rule change never moves a deadline that was already running.

import * as z from 'zod';
import type { BusinessDate } from '../records.js';
import { addDays, addMonths, compareDates, daysBetween, isBusinessDate, isWeekend, yearOf } from '../dates.js';
import rawRuleSets from './rule-sets.json' with { type: 'json' };
import { lazy } from '../../lazy.js';

/** How a period is counted. */
export type PeriodUnit = 'calendar' | 'working';

/**
 * A length of time. `working` days are Monday–Friday less the rule set's holidays;
 * `calendar` days are every day.
 */
export interface Period {
  days: number;
  unit: PeriodUnit;
}

/** One version of the deadline rules, in force from `effectiveFrom` until the next set. */
export interface RuleSet {
  id: string;
  effectiveFrom: BusinessDate;
  /** Days public bodies are closed (holidays, nghỉ bù, swapped days off), sorted. */
  holidays: readonly BusinessDate[];
  /** Weekend days worked to make up a swapped day off (làm bù): working days, sorted. */
  makeUpDays: readonly BusinessDate[];
  /** Years the holiday calendar lists (has entries for), ascending: a working-day count is exact only there. */
  calendarYears: readonly number[];
  /** Years among `calendarYears` with an entry still marked provisional (not yet decreed). */
  provisionalYears: readonly number[];
  /** From `receivedOn` to the dossier's `dueOn` (QT-TC.07: 60 calendar days). */
  dossierDeadline: Period;
  /** Days before `dueOn` at which `dossier.dueSoon` is sent, most distant first. */
  dossierThresholds: readonly number[];
  /** From `ceremonyOn` (or `admittedOn`) to the end of probation. */
  probation: { months: number };
  /** From the end of probation to the day recognition is due. */
  recognitionDue: Period;
  /** From `issuedOn` to the day an official transfer must be received. */
  transferReceipt: Period;
  /** How long before a badge milestone `badge.upcoming` is sent. */
  badgeNotice: Period;
  /** How long before the end of probation `probation.ending` is sent. */
  probationNotice: Period;
  /** From `admittedOn` to the day the admission ceremony is due (lễ kết nạp). */
  ceremonyDue: Period;
  /** How long before the ceremony's due date `ceremony.dueSoon` is sent. */
  ceremonyNotice: Period;
  /** From the ceremony to the day the party file (lý lịch đảng viên, phiếu đảng viên) is due. */
  recordsDue: Period;
  /** How long a class certificate (giấy chứng nhận bồi dưỡng nhận thức về Đảng) is valid, from its date. */
  certificateValidity: { months: number };
  /** How long before a certificate expires `candidate.certificateExpiring` is sent. */
  certificateNotice: Period;
  /** From `issuedOn` to the day a temporary transfer still open is too long. */
  temporaryTransferLimit: { months: number };
}

// ---------------------------------------------------------------------------------------
// Schema of rule-sets.json

const dateSchema = z.string().refine(isBusinessDate, { message: 'must be a real date written YYYY-MM-DD' });

const periodSchema = z.strictObject({
  days: z.number().int().min(0),
  unit: z.enum(['calendar', 'working']),
});

const holidaySchema = z.strictObject({
  on: dateSchema,
  name: z.string().min(1),
  /** Not yet decreed when written: check against the official announcement. */
  provisional: z.boolean().optional(),
  /** A weekend day worked to make up a swapped day off (làm bù): a working day, not a holiday. */
  workingDay: z.boolean().optional(),
});

// Strict objects everywhere: a misspelt key in hand-edited data must fail the load,
// not silently fall back to nothing.
const ruleSetSchema = z.strictObject({
  id: z.string().min(1),
  effectiveFrom: dateSchema,
  description: z.string().optional(),
  /** A calendar's name in `calendars`, or the holidays themselves. */
  holidays: z.union([z.string().min(1), z.array(z.union([dateSchema, holidaySchema]))]),
  dossierDeadline: periodSchema,
  dossierThresholds: z.array(z.number().int().positive()),
  probation: z.strictObject({ months: z.number().int().positive() }),
  recognitionDue: periodSchema,
  transferReceipt: periodSchema,
  badgeNotice: periodSchema,
  probationNotice: periodSchema,
  ceremonyDue: periodSchema,
  ceremonyNotice: periodSchema,
  recordsDue: periodSchema,
  certificateValidity: z.strictObject({ months: z.number().int().positive() }),
  certificateNotice: periodSchema,
  temporaryTransferLimit: z.strictObject({ months: z.number().int().positive() }),
});

const ruleSetFileSchema = z
  .strictObject({
    $comment: z.string().optional(),
    calendars: z.record(z.string(), z.array(holidaySchema)).optional(),
    ruleSets: z.array(ruleSetSchema).min(1),
  })
  .superRefine((file, ctx) => {
    const ids = new Set<string>();
    const starts = new Set<string>();
    // A day is either closed or worked: listed both ways, the count would depend on order.
    for (const [name, list] of Object.entries(file.calendars ?? {})) {
      const closed = new Set(list.filter((h) => !h.workingDay).map((h) => h.on));
      list.forEach((h, i) => {
        if (h.workingDay && closed.has(h.on)) {
          ctx.addIssue({
            code: 'custom',
            path: ['calendars', name, i],
            message: `${h.on} is listed both as a holiday and as a working day`,
          });
        }
      });
    }
    file.ruleSets.forEach((set, i) => {
      if (ids.has(set.id)) ctx.addIssue({ code: 'custom', path: ['ruleSets', i, 'id'], message: `duplicate rule set id ${set.id}` });
      ids.add(set.id);
      // Two sets starting the same day would make "which set applies" ambiguous.
      if (starts.has(set.effectiveFrom)) {
        ctx.addIssue({ code: 'custom', path: ['ruleSets', i, 'effectiveFrom'], message: `two rule sets start on ${set.effectiveFrom}` });
      }
      starts.add(set.effectiveFrom);
      if (typeof set.holidays === 'string' && !(file.calendars && Object.hasOwn(file.calendars, set.holidays))) {
        ctx.addIssue({ code: 'custom', path: ['ruleSets', i, 'holidays'], message: `unknown calendar ${set.holidays}` });
      }
    });
  });

/** The shape of a rule-set data file, before calendars are resolved. */
export type RuleSetFile = z.input<typeof ruleSetFileSchema>;

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validates a rule-set data file (the shape of rule-sets.json) and returns its sets,
 * calendars resolved, holidays sorted and deduplicated, thresholds sorted most distant
 * first, ordered by `effectiveFrom`, deeply frozen.
 * @throws z.ZodError naming every problem, so a bad data change fails at load time.
 */
export function parseRuleSets(data: unknown): readonly RuleSet[] {
  const file = ruleSetFileSchema.parse(data);
  const sets = file.ruleSets.map((set): RuleSet => {
    const listed = typeof set.holidays === 'string' ? (file.calendars?.[set.holidays] ?? []) : set.holidays;
    const entries = listed.map((h) => (typeof h === 'string' ? { on: h } : h));
    const holidays = [...new Set(entries.filter((h) => !('workingDay' in h && h.workingDay)).map((h) => h.on))].sort(compareDates);
    const makeUpDays = [...new Set(entries.filter((h) => 'workingDay' in h && h.workingDay).map((h) => h.on))].sort(compareDates);
    const years = (list: readonly { on: string }[]) => [...new Set(list.map((h) => yearOf(h.on)))].sort((a, b) => a - b);
    return {
      id: set.id,
      effectiveFrom: set.effectiveFrom,
      holidays,
      makeUpDays,
      calendarYears: years(entries),
      provisionalYears: years(entries.filter((h) => 'provisional' in h && h.provisional)),
      dossierDeadline: { ...set.dossierDeadline },
      dossierThresholds: [...new Set(set.dossierThresholds)].sort((a, b) => b - a),
      probation: { ...set.probation },
      recognitionDue: { ...set.recognitionDue },
      transferReceipt: { ...set.transferReceipt },
      badgeNotice: { ...set.badgeNotice },
      probationNotice: { ...set.probationNotice },
      ceremonyDue: { ...set.ceremonyDue },
      ceremonyNotice: { ...set.ceremonyNotice },
      recordsDue: { ...set.recordsDue },
      certificateValidity: { ...set.certificateValidity },
      certificateNotice: { ...set.certificateNotice },
      temporaryTransferLimit: { ...set.temporaryTransferLimit },
    };
  });
  sets.sort((a, b) => compareDates(a.effectiveFrom, b.effectiveFrom));
  return deepFreeze(sets);
}

/**
 * The rule sets shipped in rule-sets.json (2021-01-01, 2025-01-01, 2025-07-01).
 * Validated on first use, not at load: the validation is a good part of a Lambda's cold
 * start, and the figures function never counts a deadline. A broken data file still
 * never produces a wrong deadline: every deadline throws instead, and test/unit/rules
 * checks the shipped file before it can be deployed.
 */
export const defaultRuleSets: () => readonly RuleSet[] = lazy(() => parseRuleSets(rawRuleSets));

// ---------------------------------------------------------------------------------------
// Choosing a set and counting periods

/**
 * The rule set in force on `date`: the one whose `effectiveFrom` is the latest on or
 * before it. Pass the business date that starts the clock. A date before every set gets
 * the earliest set, so that history older than the first recorded rule change (imported
 * members, backfilled dossiers) still gets deadlines.
 * @throws RangeError on an invalid date or an empty list.
 */
export function ruleSetFor(date: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): RuleSet {
  if (!isBusinessDate(date)) throw new RangeError(`not a business date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  let chosen: RuleSet | undefined;
  let earliest: RuleSet | undefined;
  // No ordering assumed: callers may hand-build a list in any order.
  for (const set of sets) {
    if (!earliest || compareDates(set.effectiveFrom, earliest.effectiveFrom) < 0) earliest = set;
    if (compareDates(set.effectiveFrom, date) <= 0 && (!chosen || compareDates(set.effectiveFrom, chosen.effectiveFrom) > 0)) {
      chosen = set;
    }
  }
  const result = chosen ?? earliest;
  if (!result) throw new RangeError('no rule sets given');
  return result;
}

// The holiday lookup is rebuilt only when a different holiday list is used.
const dayIndex = new WeakMap<readonly BusinessDate[], ReadonlySet<BusinessDate>>();

function indexOf(days: readonly BusinessDate[] | undefined): ReadonlySet<BusinessDate> {
  if (days === undefined) return new Set();
  let index = dayIndex.get(days);
  if (!index) {
    index = new Set(days);
    dayIndex.set(days, index);
  }
  return index;
}

/**
 * Monday to Friday and not one of the rule set's holidays, or a weekend day worked to
 * make up a swapped day off (làm bù, e.g. Saturday 2024-05-04).
 */
export function isWorkingDay(date: BusinessDate, ruleSet: RuleSet): boolean {
  if (indexOf(ruleSet.makeUpDays).has(date)) return true;
  return !isWeekend(date) && !indexOf(ruleSet.holidays).has(date);
}

/**
 * Whether the rule set's holiday calendar covers the year of `date` (lists it), so that
 * a working-day count through it is exact. `false` for a year not yet listed: the
 * count then knows only weekends.
 */
export function calendarCovers(date: BusinessDate, ruleSet: RuleSet = ruleSetFor(date)): boolean {
  return (ruleSet.calendarYears ?? []).includes(yearOf(date));
}

/**
 * A deadline, and whether it may still change: `provisional` when it counts working
 * days through a year the calendar does not list yet, or lists with provisional
 * entries. Store the flag with the date and recompute a provisional deadline (with the
 * same function and start date) when rule-sets.json is extended; a final one never moves.
 */
export interface Deadline {
  dueOn: BusinessDate;
  provisional: boolean;
}

/** Whether a period from `start` to `end` counts days the calendar does not (finally) know. */
function spansUnknownDays(start: BusinessDate, end: BusinessDate, period: Period, ruleSet: RuleSet): boolean {
  if (period.unit === 'calendar' || period.days === 0) return false;
  const known = new Set(ruleSet.calendarYears ?? []);
  const provisional = new Set(ruleSet.provisionalYears ?? []);
  for (let y = yearOf(start); y <= yearOf(end); y++) if (!known.has(y) || provisional.has(y)) return true;
  return false;
}

/** {@link addPeriod} with whether its result is provisional (see {@link Deadline}). */
export function deadlineOf(start: BusinessDate, period: Period, ruleSet: RuleSet): Deadline {
  const dueOn = addPeriod(start, period, ruleSet);
  return { dueOn, provisional: spansUnknownDays(start, dueOn, period, ruleSet) };
}

function stepWorkingDays(start: BusinessDate, count: number, direction: 1 | -1, ruleSet: RuleSet): BusinessDate {
  let date = start;
  for (let left = count; left > 0; ) {
    date = addDays(date, direction);
    if (isWorkingDay(date, ruleSet)) left -= 1;
  }
  return date;
}

function assertPeriod(period: Period): void {
  if (!Number.isSafeInteger(period.days) || period.days < 0) throw new RangeError(`period days must be an integer ≥ 0, got ${period.days}`);
}

/**
 * The end of `period` started on `start`. Calendar days: `start + days`. Working days:
 * the `days`-th working day after `start` (`start` itself never counts, whatever day it
 * is; 0 days is `start`), so 30 working days from a Friday begin with the Monday.
 */
export function addPeriod(start: BusinessDate, period: Period, ruleSet: RuleSet): BusinessDate {
  assertPeriod(period);
  if (period.unit === 'calendar') return addDays(start, period.days);
  return stepWorkingDays(start, period.days, 1, ruleSet);
}

/**
 * The start of `period` that ends on `end`, counted backwards: `end − days` for calendar
 * days, the `days`-th working day before `end` for working days. Used for notices ("N days
 * before the milestone").
 */
export function subtractPeriod(end: BusinessDate, period: Period, ruleSet: RuleSet): BusinessDate {
  assertPeriod(period);
  if (period.unit === 'calendar') return addDays(end, -period.days);
  return stepWorkingDays(end, period.days, -1, ruleSet);
}

// ---------------------------------------------------------------------------------------
// The deadlines ingest and the reminder job ask for

/** {@link dossierDueOn} with whether it is provisional (docs/reminders.md#deadlines; see {@link Deadline}). */
export function dossierDeadline(receivedOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): Deadline {
  const set = ruleSetFor(receivedOn, sets);
  return deadlineOf(receivedOn, set.dossierDeadline, set);
}

/** {@link recognitionDueOn} with whether it is provisional. */
export function recognitionDeadline(probationEndsOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): Deadline {
  const set = ruleSetFor(probationEndsOn, sets);
  return deadlineOf(probationEndsOn, set.recognitionDue, set);
}

/** {@link transferDueOn} with whether it is provisional. */
export function transferDeadline(issuedOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): Deadline {
  const set = ruleSetFor(issuedOn, sets);
  return deadlineOf(issuedOn, set.transferReceipt, set);
}

/** A dossier's deadline `dueOn` (docs/events.md#admission-dossiers), by the rules in force on `receivedOn`. */
export function dossierDueOn(receivedOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): BusinessDate {
  return dossierDeadline(receivedOn, sets).dueOn;
}

/**
 * The `dossier.dueSoon` thresholds (days before `dueOn`) for a dossier received on
 * `receivedOn`, most distant first. A fresh array: the caller may keep it on the record,
 * so that a later rule change does not alter the reminders of a running dossier.
 */
export function dossierThresholds(receivedOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): number[] {
  return [...ruleSetFor(receivedOn, sets).dossierThresholds];
}

/**
 * The day probation ends (docs/events.md#members): the probation months after `ceremonyOn`, or after
 * `admittedOn` when there was no ceremony, clamped to month end (admitted 2020-02-29 →
 * 2021-02-28). The rules in force on that start date apply.
 */
export function probationEndsOn(
  admittedOn: BusinessDate,
  ceremonyOn?: BusinessDate | null,
  sets: readonly RuleSet[] = defaultRuleSets(),
): BusinessDate {
  const start = ceremonyOn ?? admittedOn;
  return addMonths(start, ruleSetFor(start, sets).probation.months);
}

/** The day recognition is due (§7: 30 working days after probation ends), by the rules in force when probation ends. */
export function recognitionDueOn(probationEndsOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): BusinessDate {
  return recognitionDeadline(probationEndsOn, sets).dueOn;
}

/** The day an official transfer must be received (§7: 30 working days after `issuedOn`). */
export function transferDueOn(issuedOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): BusinessDate {
  return transferDeadline(issuedOn, sets).dueOn;
}

/**
 * How many calendar days before `probationEndsOn` `probation.ending` is sent. A notice
 * counts back from the date it warns of, so the set in force on that date applies; a
 * working-day notice is converted to the calendar days it spans there.
 */
export function probationNoticeDays(probationEndsOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): number {
  const set = ruleSetFor(probationEndsOn, sets);
  return daysBetween(subtractPeriod(probationEndsOn, set.probationNotice, set), probationEndsOn);
}

/** How many calendar days before a badge milestone `badge.upcoming` is sent (rules in force on the milestone). */
export function badgeNoticeDays(milestoneOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): number {
  const set = ruleSetFor(milestoneOn, sets);
  return daysBetween(subtractPeriod(milestoneOn, set.badgeNotice, set), milestoneOn);
}

// ---------------------------------------------------------------------------------------
// The admission work after the decision, the candidate pool, temporary transfers
// (docs/reminders.md#deadlines)

/**
 * The day the admission ceremony is due (lễ kết nạp: 30 working days after the decision
 * by default), by the rules in force on `admittedOn`, with whether it is provisional.
 */
export function ceremonyDeadline(admittedOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): Deadline {
  const set = ruleSetFor(admittedOn, sets);
  return deadlineOf(admittedOn, set.ceremonyDue, set);
}

/** How many calendar days before the ceremony's due date `ceremony.dueSoon` is sent (rules in force on that date). */
export function ceremonyNoticeDays(ceremonyDueOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): number {
  const set = ruleSetFor(ceremonyDueOn, sets);
  return daysBetween(subtractPeriod(ceremonyDueOn, set.ceremonyNotice, set), ceremonyDueOn);
}

/** The day the party file is due (30 calendar days after the ceremony by default), by the rules in force on `ceremonyOn`. */
export function recordsDueOn(ceremonyOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): BusinessDate {
  const set = ruleSetFor(ceremonyOn, sets);
  return addPeriod(ceremonyOn, set.recordsDue, set);
}

/**
 * The day a class certificate dated `on` stops being valid (60 months by default; 29
 * February → 28 February), by the rules in force on `on`: valid on the days before it.
 */
export function certificateExpiresOn(on: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): BusinessDate {
  return addMonths(on, ruleSetFor(on, sets).certificateValidity.months);
}

/** How many calendar days before a certificate expires `candidate.certificateExpiring` is sent (rules in force on that date). */
export function certificateNoticeDays(expiresOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): number {
  const set = ruleSetFor(expiresOn, sets);
  return daysBetween(subtractPeriod(expiresOn, set.certificateNotice, set), expiresOn);
}

/**
 * The day a temporary transfer issued on `issuedOn` and still open becomes too long (12
 * months by default: a temporary transfer is for less than a year), by the rules in
 * force on `issuedOn`.
 */
export function temporaryTransferTooLongOn(issuedOn: BusinessDate, sets: readonly RuleSet[] = defaultRuleSets()): BusinessDate {
  return addMonths(issuedOn, ruleSetFor(issuedOn, sets).temporaryTransferLimit.months);
}
