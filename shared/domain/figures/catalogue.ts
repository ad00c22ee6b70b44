// domain/figures: every figure the Figures table keeps, in one catalogue, and the tallies
// that hold them (docs/architecture.md#the-figures-one-mechanism). Pure: no AWS import.
//
// Every figure is a count kept by business date. A *state* figure is read as the sum of
// every change dated on or before the day asked (members on the rolls, open dossiers);
// an *event* figure as the sum over a range of days (admissions from 1 January to the day
// asked). A *keyed* series keeps one count per key where the report needs the key: the
// organization at the other end of a transfer (so that a move inside a subtree drops out
// at its merge), the days a dossier took to close (for the median), the deadline of a
// dossier that may soon be due.

/** How a figure is read: as of a day (`state`), or summed over a range of days (`event`). */
export type FigureKind = 'state' | 'event';

/**
 * The fixed figures, by name. **Append only**: items store a tally by position in this
 * list, so a new figure goes at the end whatever its kind, and none is ever removed or
 * moved (docs/architecture.md#how-to-add-a-figure).
 */
export const FIXED_FIGURES = [
  // As of a day: the first fifteen are those the figures as of a date kept first.
  { name: 'members.total', kind: 'state' },
  { name: 'members.official', kind: 'state' },
  { name: 'members.probationary', kind: 'state' },
  { name: 'members.female', kind: 'state' },
  { name: 'members.youthUnion', kind: 'state' },
  { name: 'members.ethnicMinority', kind: 'state' },
  { name: 'members.religious', kind: 'state' },
  { name: 'members.exempted', kind: 'state' },
  { name: 'members.inTransit', kind: 'state' },
  { name: 'members.temporaryAttendees', kind: 'state' },
  { name: 'dossiers.open', kind: 'state' },
  { name: 'dossiers.byStep.received', kind: 'state' },
  { name: 'dossiers.byStep.processing', kind: 'state' },
  { name: 'dossiers.byStep.reported', kind: 'state' },
  { name: 'dossiers.byStep.reviewed', kind: 'state' },
  { name: 'dossiers.overdue', kind: 'state' },
  { name: 'transfers.late', kind: 'state' },
  // Over a range of days.
  { name: 'admissions.total', kind: 'event' },
  { name: 'admissions.female', kind: 'event' },
  { name: 'admissions.youthUnion', kind: 'event' },
  { name: 'admissions.student', kind: 'event' },
  { name: 'admissions.privateEnterprise', kind: 'event' },
  { name: 'admissions.enterpriseOwner', kind: 'event' },
  { name: 'admissions.contractFreelance', kind: 'event' },
  { name: 'admissions.readmitted', kind: 'event' },
  { name: 'recognitions.total', kind: 'event' },
  { name: 'exits.expelled', kind: 'event' },
  { name: 'exits.struckOff', kind: 'event' },
  { name: 'exits.resigned', kind: 'event' },
  { name: 'exits.deceased', kind: 'event' },
  { name: 'dossiers.closedInYear', kind: 'event' },
  { name: 'ratings.excellent', kind: 'event' },
  { name: 'ratings.good', kind: 'event' },
  { name: 'ratings.completed', kind: 'event' },
  { name: 'ratings.notCompleted', kind: 'event' },
  { name: 'badges.awarded', kind: 'event' },
  // The committee's figures of organizations and admissions (docs/report.md).
  { name: 'admissions.populationPolicy', kind: 'event' },
  { name: 'admissions.ethnicMinority', kind: 'event' },
  { name: 'admissions.religious', kind: 'event' },
  // The admission work after the decision and before it (docs/report.md#members-at-the-end-of-asof,
  // #candidates-the-pool-on-asof-the-classes-in-year).
  { name: 'members.recordsFiled', kind: 'state' },
  { name: 'members.officialWithoutCard', kind: 'state' },
  { name: 'members.ceremonyPending', kind: 'state' },
  { name: 'transfers.temporaryTooLong', kind: 'state' },
  { name: 'candidates.pool', kind: 'state' },
  { name: 'candidates.certified', kind: 'state' },
  { name: 'admissions.recordsFiled', kind: 'event' },
  { name: 'candidates.admitted', kind: 'event' },
] as const satisfies ReadonlyArray<{ name: string; kind: FigureKind }>;

export type FixedFigure = (typeof FIXED_FIGURES)[number]['name'];

/**
 * The keyed series. `code` is the one character that names the series in a stored item
 * (never reused); `boundary`: the key is an organization, and a subtree drops the entries
 * whose organization lies inside it (a move between two of its cells is neither in nor out).
 * `window`: a state series whose changes lie within {@link DUE_SOON_WINDOW_DAYS} before its
 * key, read from the days of that window only.
 */
export const KEYED_SERIES = [
  { name: 'transfers.officialOut', code: 'o', kind: 'event', boundary: true },
  { name: 'transfers.officialIn', code: 'i', kind: 'event', boundary: true },
  { name: 'transfers.temporaryOut', code: 't', kind: 'event', boundary: true },
  { name: 'transfers.temporaryIn', code: 'u', kind: 'event', boundary: true },
  { name: 'dossiers.daysToClose', code: 'd', kind: 'event', boundary: false },
  { name: 'dossiers.dueSoonBy', code: 's', kind: 'window', boundary: false },
  // Class certificates by classId: their sum is `candidates.trained`, their keys `classes`.
  { name: 'candidates.certificatesBy', code: 'c', kind: 'event', boundary: false },
] as const satisfies ReadonlyArray<{ name: string; code: string; kind: FigureKind | 'window'; boundary: boolean }>;

export type KeyedSeries = (typeof KEYED_SERIES)[number]['name'];

/**
 * How far before its deadline an open dossier enters `dossiers.dueSoonBy`: at least the
 * largest reminder threshold of any rule set (15 days by default; a test checks the rule
 * sets against it).
 */
export const DUE_SOON_WINDOW_DAYS = 62;

/**
 * Counts by figure: a fixed figure by its name, a keyed one as `<series>#<key>`. Zero
 * entries may be present; {@link cleanTally} drops them.
 */
export type Tally = Record<string, number>;

/** Counts by business date (`YYYY-MM-DD` → tally). */
export type DatedChanges = Record<string, Tally>;

/** The key of a keyed series' entry in a tally. */
export const keyed = (series: KeyedSeries, key: string | number): string => `${series}#${key}`;

const FIXED_INDEX = new Map<string, number>(FIXED_FIGURES.map((f, i) => [f.name, i]));
const SERIES_BY_NAME = new Map<string, (typeof KEYED_SERIES)[number]>(KEYED_SERIES.map((s) => [s.name, s]));
const FIXED_KIND = new Map<string, FigureKind>(FIXED_FIGURES.map((f) => [f.name, f.kind]));

/** The position of a fixed figure in stored tallies, or undefined for a keyed entry. */
export const fixedIndex = (name: string): number | undefined => FIXED_INDEX.get(name);

/** The series and key of a keyed entry (`transfers.officialOut#HP-02`), or undefined for a fixed figure. */
export function splitKeyed(entry: string): { series: (typeof KEYED_SERIES)[number]; key: string } | undefined {
  const hash = entry.indexOf('#');
  if (hash < 0) return undefined;
  const series = SERIES_BY_NAME.get(entry.slice(0, hash));
  return series ? { series, key: entry.slice(hash + 1) } : undefined;
}

/** Whether an entry is a fixed figure. */
export const isFixed = (entry: string): boolean => FIXED_INDEX.has(entry);

/** Whether an entry is read as of a day (a fixed state figure) rather than over a range. */
export const isStateFigure = (entry: string): boolean => FIXED_KIND.get(entry) === 'state';

/** `into[k] += sign × from[k]` for every entry. */
export function addTally(into: Tally, from: Tally | undefined, sign = 1): Tally {
  if (!from) return into;
  for (const k of Object.keys(from)) {
    const n = (into[k] ?? 0) + sign * (from[k] ?? 0);
    into[k] = n;
  }
  return into;
}

/** A tally with its zero (and non-numeric) entries dropped and its keys sorted. */
export function cleanTally(t: Tally | null | undefined): Tally {
  const out: Tally = {};
  if (!t || typeof t !== 'object') return out;
  for (const k of Object.keys(t).sort()) {
    const n = t[k];
    if (typeof n === 'number' && Number.isFinite(n) && n !== 0) out[k] = n;
  }
  return out;
}

/** Dated changes with zero entries and empty days dropped, days sorted. */
export function cleanChanges(changes: DatedChanges | null | undefined): DatedChanges {
  const out: DatedChanges = {};
  if (!changes || typeof changes !== 'object') return out;
  for (const d of Object.keys(changes).sort()) {
    const t = cleanTally(changes[d]);
    if (Object.keys(t).length > 0) out[d] = t;
  }
  return out;
}

/** The sum of several dated changes (a cell's records', an org's sources'). */
export function sumChanges(all: Iterable<DatedChanges | null | undefined>, sign = 1): DatedChanges {
  const acc: DatedChanges = {};
  for (const changes of all) {
    for (const [d, t] of Object.entries(changes ?? {})) {
      const into = acc[d] ?? {};
      addTally(into, t, sign);
      acc[d] = into;
    }
  }
  return cleanChanges(acc);
}

/** Every count negated. */
export function negateChanges(changes: DatedChanges | null | undefined): DatedChanges {
  return sumChanges([changes], -1);
}

/** Whether two dated changes hold the same counts (zeros and key order aside). */
export function sameChanges(a: DatedChanges | null | undefined, b: DatedChanges | null | undefined): boolean {
  return JSON.stringify(cleanChanges(a)) === JSON.stringify(cleanChanges(b));
}

/**
 * The changes as a subtree sees them: the entries of a boundary series whose organization
 * is inside it dropped (`isInside`). Linear: filtering a sum is summing the filtered parts,
 * so a delta merge may filter each change on its own.
 */
export function withoutInside(changes: DatedChanges, isInside: (orgId: string) => boolean): DatedChanges {
  const out: DatedChanges = {};
  for (const [d, t] of Object.entries(changes)) {
    const kept: Tally = {};
    for (const [k, n] of Object.entries(t)) {
      const split = splitKeyed(k);
      if (split?.series.boundary && isInside(split.key)) continue;
      kept[k] = n;
    }
    out[d] = kept;
  }
  return cleanChanges(out);
}

/** The fixed figures of a tally only (what a year's net keeps). */
export function fixedPart(t: Tally): Tally {
  const out: Tally = {};
  for (const [k, n] of Object.entries(t)) if (isFixed(k) && n !== 0) out[k] = n;
  return out;
}

/**
 * The numbers that differ between two dated changes (e.g. stored and recounted), one line
 * per day and figure, sorted: `2021-03-04 members.total: 1 → 0`. Zeros and missing
 * entries are the same, so changes that mean the same give `[]`.
 */
export function diffChanges(a: DatedChanges | null | undefined, b: DatedChanges | null | undefined): string[] {
  const na = cleanChanges(a);
  const nb = cleanChanges(b);
  const out: string[] = [];
  for (const d of [...new Set([...Object.keys(na), ...Object.keys(nb)])].sort()) {
    const ta = na[d] ?? {};
    const tb = nb[d] ?? {};
    for (const k of [...new Set([...Object.keys(ta), ...Object.keys(tb)])].sort()) {
      const va = ta[k] ?? 0;
      const vb = tb[k] ?? 0;
      if (va !== vb) out.push(`${d} ${k}: ${va} → ${vb}`);
    }
  }
  return out;
}
