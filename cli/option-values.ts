// cli: the values of options that the parser takes as text (dates, years, seconds),
// checked by the rules the backend itself applies, with a message that says what to
// write instead. Loaded by a command when it runs (it loads zod), never for --help.
import { isBusinessDate } from '../shared/domain/dates.js';
import { BusinessDateSchema, FIRST_BUSINESS_DATE, LAST_BUSINESS_DATE } from '../shared/domain/events/index.js';
import { UsageError } from './errors.js';

/** `dd/mm/yyyy` as Vietnamese forms write a date (also with `.` or `-`, day and month of one or two digits). */
const DAY_MONTH_YEAR = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/;

/**
 * A business date option (`--date 2026-12-31`), or UsageError saying what is wrong: not
 * `YYYY-MM-DD` (and, for a date written day first, what it is in ISO), not a calendar
 * date, or out of the range every business date is held to.
 */
export function dateOption(flag: string, value: string): string {
  if (BusinessDateSchema.safeParse(value).success) return value;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    if (!isBusinessDate(value)) throw new UsageError(`${flag} ${value}: not a calendar date`);
    throw new UsageError(`${flag} ${value}: out of range (${FIRST_BUSINESS_DATE} to ${LAST_BUSINESS_DATE})`);
  }
  const dayFirst = DAY_MONTH_YEAR.exec(value);
  const iso = dayFirst && `${dayFirst[3]}-${dayFirst[2]!.padStart(2, '0')}-${dayFirst[1]!.padStart(2, '0')}`;
  const hint = iso && BusinessDateSchema.safeParse(iso).success ? `: did you mean ${iso}?` : ' (e.g. 2026-12-31)';
  throw new UsageError(`${flag} ${value}: dates are YYYY-MM-DD${hint}`);
}

/** `--timeout SECONDS`: a finite number above 0, else UsageError (a NaN deadline would wait forever). */
export function secondsOption(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`${flag} must be a number of seconds above 0`);
  return seconds;
}

/** `--silent-days N`: a whole number of days from 1 to 366, else UsageError. */
export function daysOption(flag: string, value: string): number {
  const days = Number(value);
  if (!Number.isInteger(days) || days < 1 || days > 366) throw new UsageError(`${flag} must be a whole number of days from 1 to 366`);
  return days;
}
