// The org events of a province's year, sent by the city committee's system like the tree
// itself: the year's admission plans (each committee's own, the one the province assigns
// it, a few congress-term plans and mid-year corrections), renames, sector updates, the
// previous year's ratings of the committees and of some grassroots organizations, a few
// grassroots organizations moved to another committee, and a cell or two merged into a
// sibling. Rates are round figures of the right size for a province (tens to a few
// hundred a year, never one per org), not official statistics.
//
// A merged cell refuses every event dated on or after its merger (docs/events.md
// "org.dissolved"): only a cell that no drafted event reaches from that day on is merged,
// and no org event of the year names it afterwards. Mergers fall before mid-November, so
// that the bench's year at full speed holds them (its last weeks go to the paced and
// naive samples).
import { compareDates } from '../../shared/domain/dates.js';
import type { Draft } from './year.js';
import { type Rng, workday } from './random.js';
import { STRUCTURE_SOURCE, type Tree } from './tree.js';

interface OrgInfo {
  orgId: string;
  parentId: string | null;
  name: string;
  level: string;
}

const RATINGS = [
  ['excellent', 20],
  ['good', 65],
  ['completed', 12],
  ['not-completed', 3],
] as const;

/** The org tree as registered: each org's parent, name and level. */
function orgsOf(tree: Tree): OrgInfo[] {
  return tree.orgEvents.map((e) => e.data as unknown as OrgInfo);
}

/** Every org id a draft names in its data (its cell, a transfer's ends). */
function orgIdsIn(data: Record<string, unknown>): string[] {
  return ['orgId', 'toOrgId', 'fromOrgId', 'cellId'].flatMap((k) => (typeof data[k] === 'string' ? [data[k] as string] : []));
}

/**
 * The last day any drafted event reaches each cell: one naming it, or one about a person
 * who was ever in it (on the rolls at the start, or named with it by any event).
 */
function lastReached(drafts: readonly Draft[], rolls: ReadonlyMap<string, string>): Map<string, string> {
  const cellsOfPerson = new Map<string, Set<string>>();
  const link = (person: string, cell: string) => cellsOfPerson.set(person, (cellsOfPerson.get(person) ?? new Set()).add(cell));
  for (const [person, cell] of rolls) link(person, cell);
  for (const d of drafts) for (const id of orgIdsIn(d.data)) link(d.person, id);
  const last = new Map<string, string>();
  const note = (cell: string, on: string) => {
    const was = last.get(cell);
    if (was === undefined || compareDates(on, was) > 0) last.set(cell, on);
  };
  for (const d of drafts) {
    for (const id of orgIdsIn(d.data)) note(id, d.on);
    for (const cell of cellsOfPerson.get(d.person) ?? []) note(cell, d.on);
  }
  return last;
}

/**
 * The year's org events as drafts (their `person` is `org:<id>`, so that the events of one
 * org follow each other), given the year's other drafts and who was on which cell's rolls.
 */
export function orgYearStories(
  r: Rng,
  tree: Tree,
  year: number,
  admissionsPlanned: number,
  drafts: readonly Draft[],
  rolls: ReadonlyMap<string, string>,
): Draft[] {
  const orgs = orgsOf(tree);
  const out: Draft[] = [];
  const emit = (on: string, type: string, data: Record<string, unknown>) =>
    out.push({ on, type, data, person: `org:${String(data.orgId)}`, source: STRUCTURE_SOURCE });
  const day = (lo: number, hi: number) => workday(year, r.int(lo, hi));
  const committees = tree.committees;
  const grassroots = orgs.filter((o) => o.level === 'grassroots-committee' || o.level === 'grassroots-cell');
  const sample = <T>(xs: readonly T[], n: number): T[] => r.shuffle([...xs]).slice(0, Math.max(0, Math.min(xs.length, n)));

  // Merges first: the merged cells are then left out of every later org event.
  const reached = lastReached(drafts, rolls);
  const siblingsOf = (o: OrgInfo) => orgs.filter((s) => s.parentId === o.parentId && s.level === 'cell' && s.orgId !== o.orgId);
  const mergeable = orgs
    .filter((o) => o.level === 'cell' && siblingsOf(o).length > 0)
    .map((o) => ({ o, last: reached.get(o.orgId) ?? `${year - 1}-12-31` }))
    .filter(({ last }) => compareDates(last, `${year}-10-31`) < 0)
    .sort((a, b) => compareDates(a.last, b.last) || a.o.orgId.localeCompare(b.o.orgId));
  const merged = new Map<string, string>();
  const targetsOfMerges = new Set<string>();
  for (const { o, last } of mergeable.slice(0, Math.max(1, Math.round(orgs.length / 2000)))) {
    const into = siblingsOf(o).find((s) => !merged.has(s.orgId));
    if (!into || merged.has(o.orgId) || targetsOfMerges.has(o.orgId)) continue;
    // The day after the last event that reaches it, or later.
    const lastDay = Math.round((Date.parse(last) - Date.parse(`${year}-01-01`)) / 86_400_000) + 1;
    const on = day(Math.max(5, lastDay + 1), 320);
    merged.set(o.orgId, on);
    targetsOfMerges.add(into.orgId);
    emit(on, 'org.dissolved', { orgId: o.orgId, on, mergedInto: into.orgId });
  }
  /** Whether an org event on `on` may name `orgId`: it is not a cell merged by then. */
  const active = (orgId: string, on: string) => !merged.has(orgId) || compareDates(on, merged.get(orgId)!) < 0;
  const emitFor = (orgId: string, on: string, type: string, data: Record<string, unknown>) => {
    if (active(orgId, on)) emit(on, type, { orgId, ...data });
  };

  // The year's plans: the province's and each committee's own, then what the province assigns each committee.
  const share = (w: number) => Math.max(1, Math.round(admissionsPlanned * 1.05 * w));
  emitFor(tree.rootId, day(4, 15), 'target.set', { year, admissions: Math.round(admissionsPlanned * 1.05) });
  for (const c of committees) {
    const own = share(c.weight);
    emitFor(c.orgId, day(4, 30), 'target.set', { year, admissions: own });
    const assigned = Math.max(1, Math.round(own * 0.95));
    emitFor(c.orgId, day(10, 40), 'target.set', { year, kind: 'assigned', admissions: assigned, privateSector: Math.floor(assigned / 10) });
  }
  // Congress-term plans (2020–2025) of some committees, and a few assigned plans revised mid-year.
  for (const c of sample(committees, Math.ceil(committees.length / 4))) {
    emitFor(c.orgId, day(20, 60), 'target.set', { term: { fromYear: 2020, toYear: 2025 }, admissions: share(c.weight) * 5 });
  }
  for (const c of sample(committees, Math.ceil(committees.length / 10))) {
    emitFor(c.orgId, day(150, 200), 'target.set', { year, kind: 'assigned', admissions: share(c.weight) + r.int(1, 5) });
  }
  // Some grassroots organizations' own plans.
  for (const g of sample(grassroots, Math.round(grassroots.length / 25))) {
    emitFor(g.orgId, day(15, 90), 'target.set', { year, admissions: r.int(1, 6) });
  }

  // Last year's ratings: every committee, and some grassroots organizations.
  for (const c of committees) emitFor(c.orgId, day(10, 60), 'org.evaluated', { year: year - 1, rating: r.weighted(RATINGS) });
  for (const g of sample(grassroots, Math.round(grassroots.length / 25))) {
    emitFor(g.orgId, day(10, 75), 'org.evaluated', { year: year - 1, rating: r.weighted(RATINGS) });
  }

  // Renames (about one org in a hundred) and sector updates (one in two hundred).
  const renamed = sample(
    orgs.filter((o) => o.parentId !== null),
    Math.max(5, Math.round(orgs.length / 100)),
  );
  for (const o of renamed) {
    const name = o.name.includes('Khu dân cư') ? o.name.replace('Khu dân cư', 'Tổ dân phố') : `${o.name} (${year})`;
    emitFor(o.orgId, day(5, 355), 'org.renamed', { name });
  }
  for (const o of sample(grassroots, Math.max(3, Math.round(orgs.length / 200)))) {
    emitFor(o.orgId, day(5, 355), 'org.updated', { sector: r.pick(['residential', 'public-agency', 'private-enterprise'] as const) });
  }

  // A few grassroots organizations moved to another committee, with their subtrees.
  for (const g of sample(
    grassroots.filter((o) => !hasMergedBelow(o.orgId, orgs, merged)),
    Math.max(1, Math.round(orgs.length / 1000)),
  )) {
    const others = committees.filter((c) => c.orgId !== g.parentId);
    if (others.length === 0) continue;
    emitFor(g.orgId, day(30, 340), 'org.moved', { parentId: r.pick(others).orgId });
  }
  return out;
}

/** Whether a cell under `orgId` is merged this year (a moved subtree keeps its merged cells; kept simple by not moving them). */
function hasMergedBelow(orgId: string, orgs: readonly OrgInfo[], merged: ReadonlyMap<string, string>): boolean {
  const below = orgs.filter((o) => o.parentId === orgId);
  return below.some((o) => merged.has(o.orgId) || hasMergedBelow(o.orgId, orgs, merged));
}
