// domain: business-date arithmetic on `YYYY-MM-DD` strings.
//
// A business date is a calendar day in Vietnam, not an instant. We never turn it into a
// local `Date`: the host's time zone (a Lambda runs in UTC, a laptop maybe not) would
// shift midnight and so the day. All arithmetic is done on whole days since 1970-01-01
// with integer civil-calendar conversions (proleptic Gregorian), so no time zone, DST or
// `Date` quirk (years 0–99 map to 1900+) can ever move a date.

import type { BusinessDate } from './records.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
/** Vietnam is UTC+7 all year (no daylight saving since 1975). */
const VIETNAM_OFFSET_MS = 7 * 3_600_000;

interface Civil {
  y: number;
  m: number;
  d: number;
}

/** Days in month `m` (1–12) of year `y`. */
function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

function parse(date: BusinessDate): Civil {
  const match = DATE_RE.exec(date);
  if (match) {
    const y = Number(match[1]);
    const m = Number(match[2]);
    const d = Number(match[3]);
    if (m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m)) return { y, m, d };
  }
  // A malformed date is a programming or validation error upstream; failing loudly beats
  // computing a deadline from garbage.
  throw new RangeError(`not a business date (YYYY-MM-DD): ${JSON.stringify(date)}`);
}

// Howard Hinnant's days_from_civil / civil_from_days: exact integer arithmetic.
function toDayNumber({ y, m, d }: Civil): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

function fromDayNumber(z: number): Civil {
  const zz = z + 719_468;
  const era = Math.floor(zz / 146_097);
  const doe = zz - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

function format({ y, m, d }: Civil): BusinessDate {
  if (y < 0 || y > 9999) throw new RangeError(`date out of range (years 0000–9999): year ${y}`);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function assertInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be an integer, got ${n}`);
}

/** Whether `value` is a real calendar date written `YYYY-MM-DD` (e.g. not `2021-02-29`). */
export function isBusinessDate(value: unknown): value is BusinessDate {
  if (typeof value !== 'string') return false;
  try {
    parse(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * Days since 1970-01-01 (negative before). Handy as a sort or index key.
 * @throws RangeError when `date` is not a valid `YYYY-MM-DD`.
 */
export function toDayNumberOf(date: BusinessDate): number {
  return toDayNumber(parse(date));
}

/**
 * The date `days` calendar days after `date` (before, when negative).
 * @throws RangeError on an invalid date or a non-integer count.
 */
export function addDays(date: BusinessDate, days: number): BusinessDate {
  assertInteger(days, 'days');
  return format(fromDayNumber(toDayNumber(parse(date)) + days));
}

/**
 * The same day `months` months later (earlier, when negative), clamped to the end of a
 * shorter month: 2021-01-31 + 1 month = 2021-02-28, 2020-02-29 + 12 months = 2021-02-28.
 * Clamping (rather than rolling over into March) keeps "12 months after" inside the
 * intended month, which is how a probation period is read.
 */
export function addMonths(date: BusinessDate, months: number): BusinessDate {
  assertInteger(months, 'months');
  const { y, m, d } = parse(date);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = index - ny * 12 + 1;
  return format({ y: ny, m: nm, d: Math.min(d, daysInMonth(ny, nm)) });
}

/** `years` years after `date`, clamped like {@link addMonths} (29 Feb → 28 Feb). */
export function addYears(date: BusinessDate, years: number): BusinessDate {
  assertInteger(years, 'years');
  return addMonths(date, years * 12);
}

/** `b − a` in calendar days: positive when `b` is later. */
export function daysBetween(a: BusinessDate, b: BusinessDate): number {
  return toDayNumber(parse(b)) - toDayNumber(parse(a));
}

/** The calendar year of a business date. */
export function yearOf(date: BusinessDate): number {
  return parse(date).y;
}

/** Day of the week, 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: BusinessDate): number {
  // 1970-01-01 was a Thursday (4).
  const z = toDayNumber(parse(date));
  return (((z + 4) % 7) + 7) % 7;
}

/** Saturday or Sunday: the weekly rest days of Vietnamese public bodies. */
export function isWeekend(date: BusinessDate): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
}

/**
 * The business date in Vietnam (Asia/Ho_Chi_Minh, UTC+7) at the instant `now`.
 * The caller passes the clock in, so domain code stays pure and testable.
 * @throws RangeError on an invalid `Date`.
 */
export function todayInVietnam(now: Date): BusinessDate {
  const ms = now.getTime();
  if (!Number.isFinite(ms)) throw new RangeError('invalid Date');
  return format(fromDayNumber(Math.floor((ms + VIETNAM_OFFSET_MS) / MS_PER_DAY)));
}

/**
 * Orders two business dates: negative when `a` is earlier, 0 when equal, positive when
 * later. Usable as an `Array.prototype.sort` comparator. Validates both, so a malformed
 * date can't sort "correctly" by accident of string comparison.
 */
export function compareDates(a: BusinessDate, b: BusinessDate): number {
  const diff = toDayNumber(parse(a)) - toDayNumber(parse(b));
  return diff < 0 ? -1 : diff > 0 ? 1 : 0;
}

/** The later of two business dates. */
export function maxDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return compareDates(a, b) >= 0 ? a : b;
}

/** The earlier of two business dates. */
export function minDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return compareDates(a, b) <= 0 ? a : b;
}
