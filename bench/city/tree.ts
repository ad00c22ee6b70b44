// The org tree: a province (HP) over subordinate committees, grassroots committees (some
// with sub-committees), grassroots cells and cells; and the year's admission targets.
// Two shapes: Hải Phòng's 35 subordinate committees sized for N members, or a compact
// tree of districts Q1..Qk, each with a grassroots committee Qk-G over cells Qk-G-C1 and
// Qk-G-C2, and a grassroots cell Qk-C.
import type { UncheckedEnvelope } from '../../shared/domain/events/index.js';
import { COMMITTEE_WEIGHTS, COMMITTEES } from './names.js';
import { pad, type Rng } from './random.js';

export const ROOT_ID = 'HP';
export const SOURCE = 'csdl-dang-vien';
/**
 * The source of the org tree's and the targets' events: the city committee's own system,
 * a producer of its own (a registry gives every source one producer, docs/security.md).
 */
export const STRUCTURE_SOURCE = 'csdl-thanh-uy';

export type TreeShape = 'hai-phong' | { districts: number };

/** A member-holding unit (chi bộ), how big it tends to be, and its subordinate committee. */
export interface Unit {
  cellId: string;
  weight: number;
  committee: number;
}

export interface Tree {
  rootId: string;
  /** Every registered org → its parent (null for the root). */
  parents: Record<string, string | null>;
  units: Unit[];
  /** The subordinate committees (level upper-grassroots) and their relative sizes. */
  committees: Array<{ orgId: string; weight: number }>;
  /** `org.registered`, parents first. */
  orgEvents: UncheckedEnvelope[];
  /** Orgs by level. */
  orgCount: Record<string, number>;
}

function emptyTree(year: number): Tree & { register: (orgId: string, parentId: string | null, name: string, level: string) => void } {
  const tree: Tree = { rootId: ROOT_ID, parents: {}, units: [], committees: [], orgEvents: [], orgCount: {} };
  const register = (orgId: string, parentId: string | null, name: string, level: string) => {
    tree.orgCount[level] = (tree.orgCount[level] ?? 0) + 1;
    tree.parents[orgId] = parentId;
    tree.orgEvents.push({
      id: `org-${orgId}`,
      type: 'org.registered',
      occurredAt: `${year - 1}-01-02T08:00:00+07:00`,
      source: STRUCTURE_SOURCE,
      data: { orgId, parentId, name, level },
    });
  };
  register(ROOT_ID, null, 'Đảng bộ thành phố Hải Phòng', 'province');
  return { ...tree, register };
}

/** One grassroots organisation of a Hải Phòng committee: a grassroots cell, or a committee over 3–10 cells. */
function grassroots(r: Rng, t: ReturnType<typeof emptyTree>, c: number, g: number): void {
  const committeeId = t.committees[c]!.orgId;
  const name = COMMITTEES[c]!;
  const gId = `${committeeId}-G${pad(g, 3)}`;
  if (r.chance(0.45)) {
    t.register(gId, committeeId, `Chi bộ cơ sở số ${g}, ${name}`, 'grassroots-cell');
    t.units.push({ cellId: gId, weight: 1.3 * Math.exp(0.6 * r.normal()), committee: c });
    return;
  }
  t.register(gId, committeeId, `Đảng bộ cơ sở số ${g}, ${name}`, 'grassroots-committee');
  const cells = r.int(3, 10);
  const subs = r.chance(0.1) ? 2 : 0;
  for (let s = 1; s <= subs; s++) t.register(`${gId}-B${s}`, gId, `Đảng bộ bộ phận số ${s}`, 'sub-committee');
  for (let k = 1; k <= cells; k++) {
    const cellId = `${gId}-C${pad(k)}`;
    t.register(cellId, subs ? `${gId}-B${1 + (k % subs)}` : gId, `Chi bộ khu dân cư số ${k}`, 'cell');
    t.units.push({ cellId, weight: Math.exp(0.5 * r.normal()), committee: c });
  }
}

function haiPhongTree(r: Rng, members: number, year: number): Tree {
  const t = emptyTree(year);
  const grassrootsTotal = Math.max(COMMITTEES.length, Math.round(members / 140));
  const weightSum = COMMITTEE_WEIGHTS.reduce((a, b) => a + b, 0);
  COMMITTEES.forEach((name, c) => {
    const orgId = `${ROOT_ID}-${pad(c + 1)}`;
    t.register(orgId, ROOT_ID, `Đảng bộ ${name}`, 'upper-grassroots');
    t.committees.push({ orgId, weight: COMMITTEE_WEIGHTS[c]! / weightSum });
    const count = Math.max(1, Math.round((grassrootsTotal * COMMITTEE_WEIGHTS[c]!) / weightSum));
    for (let g = 1; g <= count; g++) grassroots(r, t, c, g);
  });
  return t;
}

function compactTree(r: Rng, districts: number, year: number): Tree {
  const t = emptyTree(year);
  for (let c = 0; c < districts; c++) {
    const d = `Q${c + 1}`;
    t.register(d, ROOT_ID, `Đảng bộ quận ${c + 1}`, 'upper-grassroots');
    t.committees.push({ orgId: d, weight: 1 / districts });
    t.register(`${d}-G`, d, `Đảng bộ cơ sở ${d}`, 'grassroots-committee');
    for (const cellId of [`${d}-G-C1`, `${d}-G-C2`]) {
      t.register(cellId, `${d}-G`, `Chi bộ ${cellId}`, 'cell');
      t.units.push({ cellId, weight: Math.exp(0.3 * r.normal()), committee: c });
    }
    t.register(`${d}-C`, d, `Chi bộ cơ sở ${d}`, 'grassroots-cell');
    t.units.push({ cellId: `${d}-C`, weight: Math.exp(0.3 * r.normal()), committee: c });
  }
  return t;
}

export function buildTree(r: Rng, shape: TreeShape, members: number, year: number): Tree {
  return shape === 'hai-phong' ? haiPhongTree(r, members, year) : compactTree(r, shape.districts, year);
}

/** `target.set` for the city and each subordinate committee: 5 % above the admissions planned. */
export function targetEvents(
  tree: Tree,
  year: number,
  admissionsPlanned: number,
): { events: UncheckedEnvelope[]; targets: Record<string, number> } {
  const targets: Record<string, number> = { [tree.rootId]: Math.round(admissionsPlanned * 1.05) };
  for (const c of tree.committees) targets[c.orgId] = Math.max(1, Math.round(admissionsPlanned * 1.05 * c.weight));
  const events = Object.entries(targets).map(([orgId, admissions]) => ({
    id: `target-${orgId}-${year}`,
    type: 'target.set',
    occurredAt: `${year}-01-04T08:00:00+07:00`,
    source: STRUCTURE_SOURCE,
    data: { orgId, year, admissions },
  }));
  return { events, targets };
}
