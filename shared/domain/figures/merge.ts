// domain/figures: summing figures up the tree, normalising and comparing them.

import { TRANSFER_MAPS, emptyCurrent, emptyYear, type Counts, type CurrentFigures, type OrgFigures, type YearFigures } from './types.js';

/** Anything stored: the figures as read back, perhaps written by an older version. */
export type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> | null } : T;

function num(x: unknown): number {
  return typeof x === 'number' && Number.isFinite(x) ? x : 0;
}

/** A histogram with zero (and non-numeric) entries dropped and keys sorted. */
function normalizeCounts(counts: unknown): Counts {
  const out: Counts = {};
  if (counts === null || typeof counts !== 'object') return out;
  for (const key of Object.keys(counts).sort()) {
    const n = num((counts as Record<string, unknown>)[key]);
    if (n !== 0) out[key] = n;
  }
  return out;
}

/** An object of fixed numeric fields, in the order of `template`, missing ones as 0. */
function normalizeFixed<T extends object>(template: T, value: unknown): T {
  const src = (value !== null && typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const out = {} as Record<string, number>;
  for (const key of Object.keys(template)) out[key] = num(src[key]);
  return out as T;
}

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function normalizeCurrent(value: unknown): CurrentFigures {
  const src = obj(value);
  const dossiers = obj(src.dossiers);
  const template = emptyCurrent();
  return {
    members: normalizeFixed(template.members, src.members),
    dossiers: {
      open: num(dossiers.open),
      byStep: normalizeFixed(template.dossiers.byStep, dossiers.byStep),
      dueOn: normalizeCounts(dossiers.dueOn),
    },
    pendingTransfers: normalizeCounts(src.pendingTransfers),
  };
}

function normalizeYear(value: unknown): YearFigures {
  const src = obj(value);
  const template = emptyYear();
  const transfers = obj(src.transfers);
  return {
    admissions: normalizeFixed(template.admissions, src.admissions),
    recognitions: num(src.recognitions),
    transfers: {
      officialOut: normalizeCounts(transfers.officialOut),
      officialIn: normalizeCounts(transfers.officialIn),
      temporaryOut: normalizeCounts(transfers.temporaryOut),
      temporaryIn: normalizeCounts(transfers.temporaryIn),
    },
    exits: normalizeFixed(template.exits, src.exits),
    dossiersClosed: normalizeCounts(src.dossiersClosed),
    ratings: normalizeFixed(template.ratings, src.ratings),
    badges: num(src.badges),
  };
}

function isZeroYear(y: YearFigures): boolean {
  return flatten({ current: emptyCurrent(), years: { y } }).size === 0;
}

/**
 * The canonical form of stored figures: every fixed field present (missing ones 0),
 * zero entries dropped from every map, all-zero years dropped, keys in a stable order.
 * Two figures that mean the same are deep-equal (and JSON-equal) after this, whatever
 * the JSON round trips, storage or older versions they went through. Returns a new object.
 */
export function normalizeFigures(figures: DeepPartial<OrgFigures> | null | undefined): OrgFigures {
  const src = obj(figures);
  const yearsIn = obj(src.years);
  const years: Record<string, YearFigures> = {};
  for (const key of Object.keys(yearsIn).sort()) {
    const y = normalizeYear(yearsIn[key]);
    if (!isZeroYear(y)) years[key] = y;
  }
  return { current: normalizeCurrent(src.current), years };
}

function addCounts(into: Counts, from: Counts): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

function addFixed<T extends object>(into: T, from: T): void {
  const i = into as Record<string, number>;
  const f = from as Record<string, number>;
  for (const k of Object.keys(i)) i[k] = (i[k] ?? 0) + (f[k] ?? 0);
}

function addYearInto(into: YearFigures, from: YearFigures): void {
  addFixed(into.admissions, from.admissions);
  into.recognitions += from.recognitions;
  for (const map of TRANSFER_MAPS) addCounts(into.transfers[map], from.transfers[map]);
  addFixed(into.exits, from.exits);
  addCounts(into.dossiersClosed, from.dossiersClosed);
  addFixed(into.ratings, from.ratings);
  into.badges += from.badges;
}

function addInto(into: OrgFigures, from: OrgFigures): void {
  addFixed(into.current.members, from.current.members);
  into.current.dossiers.open += from.current.dossiers.open;
  addFixed(into.current.dossiers.byStep, from.current.dossiers.byStep);
  addCounts(into.current.dossiers.dueOn, from.current.dossiers.dueOn);
  addCounts(into.current.pendingTransfers, from.current.pendingTransfers);
  for (const [year, y] of Object.entries(from.years)) {
    let target = into.years[year];
    if (!target) {
      target = emptyYear();
      into.years[year] = target;
    }
    addYearInto(target, y);
  }
}

/**
 * The whole-subtree figures of `orgId`: its own figures (a cell's; `undefined` for other
 * levels) plus its children's subtree figures (hidden dissolved children included).
 * Everything is summed, except that the transfer maps drop every counterpart inside this
 * org's subtree (`isInSubtree(counterpart)`, and `orgId` itself): a move between two
 * cells of the same subtree is neither in nor out here, so at every level the maps hold
 * only moves across the org's boundary. Counterparts that are not registered orgs stay.
 * Apply it at every level, cells included, bottom-up. The result is normalised.
 */
export function mergeSubtree(
  orgId: string,
  own: DeepPartial<OrgFigures> | null | undefined,
  children: readonly (DeepPartial<OrgFigures> | null | undefined)[],
  isInSubtree: (otherOrgId: string) => boolean,
): OrgFigures {
  const acc = normalizeFigures(own);
  for (const child of children) addInto(acc, normalizeFigures(child));
  for (const y of Object.values(acc.years)) {
    for (const map of TRANSFER_MAPS) {
      const counts = y.transfers[map];
      for (const counterpart of Object.keys(counts)) {
        if (counterpart === orgId || isInSubtree(counterpart)) delete counts[counterpart];
      }
    }
  }
  return normalizeFigures(acc);
}

/** Every numeric leaf of normalised figures by path; zero leaves left out. */
function flatten(f: OrgFigures): Map<string, number> {
  const out = new Map<string, number>();
  const fixed = (prefix: string, o: object) => {
    for (const [k, v] of Object.entries(o)) if (v !== 0) out.set(`${prefix}.${k}`, v as number);
  };
  const map = (prefix: string, c: Counts) => {
    for (const [k, v] of Object.entries(c)) if (v !== 0) out.set(`${prefix}[${k}]`, v);
  };
  const { members, dossiers } = f.current;
  fixed('current.members', members);
  if (dossiers.open !== 0) out.set('current.dossiers.open', dossiers.open);
  fixed('current.dossiers.byStep', dossiers.byStep);
  map('current.dossiers.dueOn', dossiers.dueOn);
  map('current.pendingTransfers', f.current.pendingTransfers);
  for (const [year, y] of Object.entries(f.years)) {
    const p = `years.${year}`;
    fixed(`${p}.admissions`, y.admissions);
    if (y.recognitions !== 0) out.set(`${p}.recognitions`, y.recognitions);
    for (const m of TRANSFER_MAPS) map(`${p}.transfers.${m}`, y.transfers[m]);
    fixed(`${p}.exits`, y.exits);
    map(`${p}.dossiersClosed`, y.dossiersClosed);
    fixed(`${p}.ratings`, y.ratings);
    if (y.badges !== 0) out.set(`${p}.badges`, y.badges);
  }
  return out;
}

/**
 * The figures that differ between `a` (e.g. stored) and `b` (e.g. recounted), one
 * human-readable line per numeric leaf, sorted by path:
 * `years.2021.transfers.officialOut[HP-02]: 1 → 0`. Missing years and map entries count
 * as 0, so figures that differ only by zeros or key order give `[]`.
 */
export function diffFigures(a: DeepPartial<OrgFigures> | null | undefined, b: DeepPartial<OrgFigures> | null | undefined): string[] {
  const fa = flatten(normalizeFigures(a));
  const fb = flatten(normalizeFigures(b));
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  const out: string[] = [];
  for (const path of paths) {
    const va = fa.get(path) ?? 0;
    const vb = fb.get(path) ?? 0;
    if (va !== vb) out.push(`${path}: ${va} → ${vb}`);
  }
  return out;
}

/** Whether two figures mean the same (see `normalizeFigures`, `diffFigures`). */
export function stableEquals(a: DeepPartial<OrgFigures> | null | undefined, b: DeepPartial<OrgFigures> | null | undefined): boolean {
  return diffFigures(a, b).length === 0;
}
