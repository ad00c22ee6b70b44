// domain/figures: the stored form of an org's figures — one item per month of dated
// changes, and one item of the nets of the closed years (docs/architecture.md#the-items).
// Pure: no AWS import, no I/O, no clock (the caller says what day it is).

import { addDays, yearOf } from '../dates.js';
import type { BusinessDate } from '../records.js';
import { addTally, cleanChanges, cleanTally, fixedPart, type DatedChanges, type Tally } from './catalogue.js';

/** A month `YYYY-MM`. */
export type Month = string;

export const monthOf = (date: BusinessDate): Month => date.slice(0, 7);

/** The months of a year, `YYYY-01` … `YYYY-12`. */
export const monthsOfYear = (year: number): Month[] =>
  Array.from({ length: 12 }, (_, i) => `${String(year).padStart(4, '0')}-${String(i + 1).padStart(2, '0')}`);

/** Dated changes split by month. */
export function byMonth(changes: DatedChanges): Map<Month, DatedChanges> {
  const out = new Map<Month, DatedChanges>();
  for (const [d, t] of Object.entries(cleanChanges(changes))) {
    const m = monthOf(d);
    const into = out.get(m) ?? {};
    into[d] = t;
    out.set(m, into);
  }
  return out;
}

/** The months two dated changes differ in (the months a new contribution must recount). */
export function monthsThatDiffer(a: DatedChanges | null | undefined, b: DatedChanges | null | undefined): Month[] {
  const na = byMonth(a ?? {});
  const nb = byMonth(b ?? {});
  const out: Month[] = [];
  for (const m of new Set([...na.keys(), ...nb.keys()])) {
    if (JSON.stringify(na.get(m) ?? {}) !== JSON.stringify(nb.get(m) ?? {})) out.push(m);
  }
  return out.sort();
}

/** Every month some dated changes touch. */
export const monthsTouched = (changes: DatedChanges | null | undefined): Month[] => [...byMonth(changes ?? {}).keys()];

/** The fixed figures of a month summed over its days (a year's net is the sum over its months). */
export function netOf(changes: DatedChanges | null | undefined): Tally {
  const acc: Tally = {};
  for (const t of Object.values(changes ?? {})) addTally(acc, fixedPart(t));
  return cleanTally(acc);
}

/**
 * The nets of the closed years of an org (one item): `years[y]` the fixed figures of year
 * y summed, for every year up to `through` (a year without an entry is all zeros);
 * `seen[y]` the version of each of the org's twelve month items of y that the net sums
 * (0: absent), so that a change of a month is added only to a net that holds the version
 * it started from. A year after `through` is not in the nets: a reader sums its months.
 */
export interface Nets {
  through?: number;
  years: Record<string, Tally>;
  seen: Record<string, number[]>;
}

export const emptyNets = (): Nets => ({ years: {}, seen: {} });

/**
 * The last year whose nets may be kept on `today`: the year before the day before. Two
 * writers straddling midnight on 31 December thus never disagree on a year's being closed
 * while both write: a writer that took the year as open had written its month (the figures
 * function's timeout is a minute) before any writer covers that year, from 2 January.
 */
export const lastClosableYear = (today: BusinessDate): number => yearOf(addDays(today, -1)) - 1;

/** Whether two tallies hold the same counts. */
export const sameTally = (a: Tally | undefined, b: Tally | undefined): boolean =>
  JSON.stringify(cleanTally(a)) === JSON.stringify(cleanTally(b));
