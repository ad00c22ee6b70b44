// domain/figures: the figures of an org on a day and for a year, read from its items
// (docs/report.md#two-dates-asof-and-year). Pure: the caller fetches the months it is told.
//
// A state figure on day D is the sum of every change dated on or before D: the nets of the
// closed years before D's year, then the changes of the months after them up to D. An event
// figure of year Y asked on D counts the changes dated from 1 January of Y to D (to 31
// December of Y when D is later): year to date, whatever day it is asked.

import { addDays, minDate, yearOf } from '../dates.js';
import type { BusinessDate } from '../records.js';
import {
  addTally,
  cleanTally,
  DUE_SOON_WINDOW_DAYS,
  isFixed,
  isStateFigure,
  keyed,
  splitKeyed,
  type DatedChanges,
  type Tally,
} from './catalogue.js';
import { monthOf, type Month, type Nets } from './months.js';

/** What is asked: the day, the year of the event figures, and whether keyed series are needed. */
export interface FiguresQuery {
  date: BusinessDate;
  year: number;
  /**
   * Also the keyed series (transfers by counterpart, closings by days) and `dueSoon`: the
   * report's own org needs them, its children only members and admissions.
   */
  keyed: boolean;
}

/** A closed range of months, `from` ≤ `to`. */
export interface MonthRange {
  from: Month;
  to: Month;
}

const FIRST_DAY = '0000-01-01';
const firstOf = (year: number) => `${String(year).padStart(4, '0')}-01-01`;
const lastOf = (year: number) => `${String(year).padStart(4, '0')}-12-31`;

/** The first day whose changes the state on `date` sums from months (the days before are in the nets), and the nets' last year used. */
function stateStart(date: BusinessDate, nets: Nets | undefined): { from: BusinessDate; netsBefore: number | undefined } {
  const year = yearOf(date);
  if (nets?.through === undefined) return { from: FIRST_DAY, netsBefore: undefined };
  // The last day of a year the nets hold: its own net finishes it, no month is read.
  if (date === lastOf(year) && year <= nets.through) return { from: addDays(date, 1), netsBefore: year };
  const first = Math.min(year, nets.through + 1);
  return { from: firstOf(first), netsBefore: first - 1 };
}

/** The first day of the yearly range read from months, or undefined when the year is empty or the nets give it whole. */
function yearlyRange(q: FiguresQuery, nets: Nets | undefined): { from: BusinessDate; to: BusinessDate } | undefined {
  const from = firstOf(q.year);
  if (q.date < from) return undefined;
  const last = lastOf(q.year);
  if (!q.keyed && nets?.through !== undefined && q.year <= nets.through && q.date >= last) return undefined;
  return { from, to: minDate(q.date, last) };
}

/** The months a reader must fetch for `q` (given the org's nets), as few ranges. */
export function monthsToRead(q: FiguresQuery, nets: Nets | undefined): MonthRange[] {
  const ranges: MonthRange[] = [];
  const start = stateStart(q.date, nets);
  if (start.from <= q.date) ranges.push({ from: monthOf(start.from), to: monthOf(q.date) });
  if (q.keyed) ranges.push({ from: monthOf(addDays(q.date, 1 - DUE_SOON_WINDOW_DAYS)), to: monthOf(q.date) });
  const yearly = yearlyRange(q, nets);
  if (yearly) ranges.push({ from: monthOf(yearly.from), to: monthOf(yearly.to) });
  ranges.sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: MonthRange[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.from <= last.to) {
      if (r.to > last.to) last.to = r.to;
    } else merged.push({ ...r });
  }
  return merged;
}

/** The figures of an org for a query: state figures on the day, event figures of the year to the day. */
export interface FiguresAt {
  /** Fixed state figures at the end of `date`. */
  state: Tally;
  /** Event figures (fixed and keyed) dated from 1 January of `year` to `date`, at most to 31 December. */
  yearly: Tally;
  /** Open dossiers with 0 < deadline − `date` ≤ `dueSoonDays` (0 unless `keyed`). */
  dueSoon: number;
}

/**
 * The figures of `q` from the org's nets and its months (every month {@link monthsToRead}
 * names, `months` keyed `YYYY-MM`; a month not in the map is all zeros).
 * @throws RangeError when `dueSoonDays` exceeds the window the series keeps.
 */
export function figuresAt(
  q: FiguresQuery & { dueSoonDays: number },
  nets: Nets | undefined,
  months: ReadonlyMap<Month, DatedChanges>,
): FiguresAt {
  if (q.keyed && q.dueSoonDays > DUE_SOON_WINDOW_DAYS) {
    throw new RangeError(`dueSoon over ${q.dueSoonDays} days: the figures keep ${DUE_SOON_WINDOW_DAYS}`);
  }
  const days = (from: BusinessDate, to: BusinessDate, visit: (t: Tally) => void) => {
    if (from > to) return;
    for (const [m, changes] of months) {
      if (m < monthOf(from) || m > monthOf(to)) continue;
      for (const [d, t] of Object.entries(changes)) if (d >= from && d <= to) visit(t);
    }
  };
  const state: Tally = {};
  const start = stateStart(q.date, nets);
  if (start.netsBefore !== undefined) {
    for (const [y, net] of Object.entries(nets?.years ?? {})) if (Number(y) <= start.netsBefore) addTally(state, net);
  }
  days(start.from, q.date, (t) => addTally(state, t));
  const yearly: Tally = {};
  const range = yearlyRange(q, nets);
  if (range) days(range.from, range.to, (t) => addTally(yearly, t));
  else if (q.date >= firstOf(q.year)) addTally(yearly, nets?.years[String(q.year)]);
  let dueSoon = 0;
  if (q.keyed) {
    const last = addDays(q.date, q.dueSoonDays);
    days(addDays(q.date, 1 - DUE_SOON_WINDOW_DAYS), q.date, (t) => {
      for (const [k, n] of Object.entries(t)) {
        const split = splitKeyed(k);
        if (split?.series.name === 'dossiers.dueSoonBy' && split.key > q.date && split.key <= last) dueSoon += n;
      }
    });
  }
  return {
    state: pick(state, (k) => isStateFigure(k)),
    yearly: pick(yearly, (k) => (isFixed(k) ? !isStateFigure(k) : q.keyed && splitKeyed(k)?.series.kind === 'event')),
    dueSoon,
  };
}

function pick(t: Tally, keep: (k: string) => boolean): Tally {
  const out: Tally = {};
  for (const [k, n] of Object.entries(t)) if (keep(k)) out[k] = n;
  return cleanTally(out);
}

/** The entries of one keyed series in a tally, by key. */
export function seriesOf(t: Tally, series: Parameters<typeof keyed>[0]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(t)) {
    const split = splitKeyed(k);
    if (split?.series.name === series && n !== 0) out[split.key] = n;
  }
  return out;
}
