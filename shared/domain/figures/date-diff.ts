// domain/figures: a private whole-day difference between two business dates.
// Kept here so the figures do not depend on the shared date module.

import type { BusinessDate } from '../records.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function dayNumber(date: BusinessDate): number {
  const m = DATE_RE.exec(date);
  if (!m) throw new RangeError(`not a business date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  // Date.UTC on a civil date is time-zone free; years < 100 are not business dates here.
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
}

/** `to − from` in calendar days (negative when `to` is before `from`). */
export function dayDiff(from: BusinessDate, to: BusinessDate): number {
  return Math.round(dayNumber(to) - dayNumber(from));
}
