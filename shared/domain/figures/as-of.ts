// domain/figures: the figures as of any date (docs/report.md#members-at-the-end-of-asof), kept as
// changes by business date. Pure functions: no AWS import, no I/O, no clock.
//
// Each record's contribution is a pure function of the record alone: a member's stays
// (MemberRecord.stints) with its dates, a dossier's steps and closing, a transfer's issue,
// receipt and end. A cell's changes are the sum of the contributions of every record that
// ever counted for it, so a recount is right however often and in whatever order it runs.
// The figure on a date = the sum of every change dated on or before it.

import { yearOf } from '../dates.js';
import type { BusinessDate, DossierRecord, DossierStep, MemberRecord, StoredRecord, TransferRecord } from '../records.js';
import { DOSSIER_STEPS } from '../records.js';
import { stintsOf } from '../stints.js';
import { emptyMembers, MEMBER_FIGURES, type DossierStepFigures, type MemberFigures } from './types.js';

/** The figures kept as of a date, in the order of a {@link Tally}. */
export const AS_OF_FIGURES = [...MEMBER_FIGURES, 'dossiersOpen', 'received', 'processing', 'reported', 'reviewed'] as const;

export type AsOfFigure = (typeof AS_OF_FIGURES)[number];

const INDEX: Record<AsOfFigure, number> = Object.fromEntries(AS_OF_FIGURES.map((f, i) => [f, i])) as Record<AsOfFigure, number>;

/**
 * Numbers in the order of {@link AS_OF_FIGURES}, trailing zeros dropped: compact, since a
 * province's year holds one per day (366 × ≤ 15 numbers stays far below 400 KB).
 */
export type Tally = number[];

/** Changes by business date (`YYYY-MM-DD` → tally of +n/−n). */
export type DatedChanges = Record<BusinessDate, Tally>;

/** A tally without its trailing zeros (an all-zero tally is `[]`). */
function trimmed(t: Tally): Tally {
  let n = t.length;
  while (n > 0 && !t[n - 1]) n--;
  return t.slice(0, n);
}

/** `into[i] += from[i]` for every figure. */
export function addTally(into: Tally, from: Tally, sign = 1): void {
  for (let i = 0; i < from.length; i++) into[i] = (into[i] ?? 0) + sign * (from[i] ?? 0);
  for (let i = 0; i < into.length; i++) into[i] = into[i] ?? 0;
}

function bumpChange(into: DatedChanges, on: BusinessDate, figures: readonly AsOfFigure[], n: number): void {
  const t = into[on] ?? [];
  for (const f of figures) {
    const i = INDEX[f];
    for (let k = t.length; k <= i; k++) t[k] = 0;
    t[i] = (t[i] ?? 0) + n;
  }
  into[on] = t;
}

/**
 * Adds a state held from `from` (included) to `until` (excluded; absent: still held),
 * whose figures may change on the `cuts` dates: `figuresOn(d)` are the figures held from
 * the cut `d` to the next one.
 */
function addState(
  into: DatedChanges,
  from: BusinessDate,
  until: BusinessDate | undefined,
  cuts: ReadonlyArray<BusinessDate | undefined>,
  figuresOn: (d: BusinessDate) => AsOfFigure[],
): void {
  if (until !== undefined && until <= from) return;
  const starts = [
    ...new Set([from, ...cuts.filter((c): c is BusinessDate => c !== undefined && c > from && (until === undefined || c < until))]),
  ].sort();
  let previous: AsOfFigure[] = [];
  for (const d of starts) {
    const now = figuresOn(d);
    bumpChange(into, d, previous, -1);
    bumpChange(into, d, now, +1);
    previous = now;
  }
  if (until !== undefined) bumpChange(into, until, previous, -1);
}

type CellChanges = Map<string, DatedChanges>;

function changesIn(out: CellChanges, cellId: string): DatedChanges {
  let c = out.get(cellId);
  if (!c) {
    c = {};
    out.set(cellId, c);
  }
  return c;
}

/**
 * A member's contribution: on each stay, `total`, `official` from its recognition (else
 * `probationary`), `exempted` from its exemption, and the profile flags of the member's
 * current traits — a correction fixes data, not an event, so it applies to every date.
 */
function memberChanges(member: MemberRecord, out: CellChanges): void {
  // The traits (personal-data.ts): the figures never read the profile itself.
  const flags = member.traits;
  const profile = (Object.keys(flags) as Array<keyof typeof flags>).filter((k) => flags[k]);
  for (const stint of stintsOf(member)) {
    const { recognizedOn, exemptedOn } = stint.earlier ?? member;
    addState(changesIn(out, stint.cellId), stint.from, stint.until, [recognizedOn, exemptedOn], (d) => [
      'total',
      recognizedOn !== undefined && recognizedOn <= d ? 'official' : 'probationary',
      ...(exemptedOn !== undefined && exemptedOn <= d ? (['exempted'] as const) : []),
      ...profile,
    ]);
  }
}

/** A dossier is open from `receivedOn` until it closes, at the last step completed by each date. */
function dossierChanges(dossier: DossierRecord, out: CellChanges): void {
  const until = dossier.status === 'open' ? undefined : dossier.closedOn;
  const stepOn = (d: BusinessDate): DossierStep => {
    let step: DossierStep = 'received';
    for (const s of DOSSIER_STEPS) {
      const on = dossier.steps[s];
      if (on !== undefined && on <= d) step = s;
    }
    return step;
  };
  const cuts = DOSSIER_STEPS.map((s) => dossier.steps[s]);
  addState(changesIn(out, dossier.cellId), dossier.receivedOn, until, cuts, (d) => ['dossiersOpen', stepOn(d)]);
}

/**
 * An official transfer to an org of this system is in transit at the sending cell from
 * `issuedOn` until received (or ended by the member's exit); a cancelled one never was.
 * A temporary transfer received into a cell is an attendee there until it ends.
 */
function transferChanges(t: TransferRecord, out: CellChanges): void {
  if (t.status === 'cancelled' && t.kind === 'official') return;
  if (t.kind === 'official') {
    if (t.toExternal || t.fromExternal || t.issuedOn === undefined) return;
    const until = t.status === 'received' ? t.receivedOn : t.status === 'completed' ? t.endedOn : undefined;
    addState(changesIn(out, t.fromOrgId), t.issuedOn, until, [], () => ['inTransit']);
    return;
  }
  if (t.receivedOn === undefined) return;
  const until = t.status === 'received' ? undefined : t.endedOn;
  addState(changesIn(out, t.toOrgId), t.receivedOn, until, [], () => ['temporaryAttendees']);
}

/**
 * What one record contributes to the as-of figures, by cell (every cell it ever counted
 * for) and date. Records of other kinds contribute nothing.
 */
export function recordChanges(stored: StoredRecord): Map<string, DatedChanges> {
  const out: CellChanges = new Map();
  if (stored.entity === 'member') memberChanges(stored.record, out);
  else if (stored.entity === 'dossier') dossierChanges(stored.record, out);
  else if (stored.entity === 'transfer') transferChanges(stored.record, out);
  for (const [cell, changes] of out) {
    const clean = normalizeChanges(changes);
    if (Object.keys(clean).length === 0) out.delete(cell);
    else out.set(cell, clean);
  }
  return out;
}

/** Changes with zero tallies dropped, trailing zeros trimmed and dates sorted. */
export function normalizeChanges(changes: DatedChanges | null | undefined): DatedChanges {
  const out: DatedChanges = {};
  if (!changes || typeof changes !== 'object') return out;
  for (const d of Object.keys(changes).sort()) {
    const raw = changes[d];
    const t = trimmed(Array.isArray(raw) ? raw.map((x) => (typeof x === 'number' && Number.isFinite(x) ? x : 0)) : []);
    if (t.length > 0) out[d] = t;
  }
  return out;
}

/** The sum of several changes (a cell's records', or an org's children's). */
export function sumChanges(all: Iterable<DatedChanges | null | undefined>): DatedChanges {
  const acc: DatedChanges = {};
  for (const changes of all) {
    for (const [d, t] of Object.entries(changes ?? {})) {
      const into = acc[d] ?? [];
      addTally(into, t);
      acc[d] = into;
    }
  }
  return normalizeChanges(acc);
}

/**
 * The years in which two sets of changes differ: a contribution replaced by one that
 * differs only in 2021 leaves every other year's items as they were.
 */
export function yearsThatDiffer(a: DatedChanges | null | undefined, b: DatedChanges | null | undefined): number[] {
  const na = normalizeChanges(a);
  const nb = normalizeChanges(b);
  const years = new Set<number>();
  for (const d of new Set([...Object.keys(na), ...Object.keys(nb)])) {
    const ta = na[d] ?? [];
    const tb = nb[d] ?? [];
    if (ta.length !== tb.length || ta.some((x, i) => x !== tb[i])) years.add(yearOf(d));
  }
  return [...years].sort((x, y) => x - y);
}

/**
 * The as-of figures of an org, stored one item per year so that no item outgrows
 * DynamoDB's 400 KB: `days[year]` the changes dated in that year, by `MM-DD`, and
 * `nets[year]` their sum — the opening of a year is the sum of the nets before it.
 */
export interface AsOfFigures {
  nets: Record<string, Tally>;
  days: Record<string, Record<string, Tally>>;
}

/** Changes split by year ({@link AsOfFigures}). */
export function byYear(changes: DatedChanges): AsOfFigures {
  const out: AsOfFigures = { nets: {}, days: {} };
  for (const [d, t] of Object.entries(normalizeChanges(changes))) {
    const year = String(yearOf(d));
    const days = out.days[year] ?? {};
    days[d.slice(5)] = t;
    out.days[year] = days;
    const net = out.nets[year] ?? [];
    addTally(net, t);
    out.nets[year] = net;
  }
  for (const [year, net] of Object.entries(out.nets)) out.nets[year] = trimmed(net);
  return out;
}

/** The changes of one year (`MM-DD` → tally) back as dated changes. */
export function yearChanges(year: string, days: Record<string, Tally> | null | undefined): DatedChanges {
  const out: DatedChanges = {};
  for (const [mmdd, t] of Object.entries(days ?? {})) out[`${year}-${mmdd}`] = t;
  return normalizeChanges(out);
}

/** The figures as of the end of `date`. */
export interface FiguresOnDate {
  members: MemberFigures;
  dossiers: { open: number; byStep: DossierStepFigures };
}

/**
 * The figures at the end of `date` from the nets of every year (the opening of `date`'s
 * year is the sum of the earlier ones) and the changes of `date`'s year.
 */
export function figuresOn(
  date: BusinessDate,
  nets: Record<string, Tally> | null | undefined,
  days: Record<string, Tally> | null | undefined,
): FiguresOnDate {
  const year = yearOf(date);
  const acc: Tally = [];
  for (const [y, net] of Object.entries(nets ?? {})) if (Number(y) < year) addTally(acc, net);
  const mmdd = date.slice(5);
  for (const [d, t] of Object.entries(days ?? {})) if (d <= mmdd) addTally(acc, t);
  const at = (f: AsOfFigure) => acc[INDEX[f]] ?? 0;
  const members = emptyMembers();
  for (const k of Object.keys(members) as Array<keyof MemberFigures>) members[k] = at(k);
  return {
    members,
    dossiers: {
      open: at('dossiersOpen'),
      byStep: { received: at('received'), processing: at('processing'), reported: at('reported'), reviewed: at('reviewed') },
    },
  };
}

/** The figures at the end of `date` straight from dated changes (tests, the recount's check). */
export function figuresOnFromChanges(date: BusinessDate, changes: DatedChanges): FiguresOnDate {
  const split = byYear(changes);
  const year = String(yearOf(date));
  return figuresOn(date, split.nets, split.days[year]);
}

/**
 * The numbers that differ between two tally maps (e.g. stored and recounted), one line
 * per figure and key, sorted: `2021-03-04 total: 1 → 0`. Missing keys and trailing
 * zeros count as 0, so maps that mean the same give `[]`.
 */
export function diffTallies(a: Record<string, Tally> | null | undefined, b: Record<string, Tally> | null | undefined): string[] {
  const na = normalizeChanges(a);
  const nb = normalizeChanges(b);
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(na), ...Object.keys(nb)])].sort()) {
    for (let i = 0; i < AS_OF_FIGURES.length; i++) {
      const va = na[key]?.[i] ?? 0;
      const vb = nb[key]?.[i] ?? 0;
      if (va !== vb) out.push(`${key} ${AS_OF_FIGURES[i]}: ${va} → ${vb}`);
    }
  }
  return out;
}
