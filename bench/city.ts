// A synthetic city, deterministic for a seed, for the bench and the tests. A province
// over subordinate committees (Hải Phòng's 35 for the bench, or a compact tree of a few
// districts for the tests), the members on the rolls at the end of the year before (as a
// legacy CSV export, or as `member.imported` events), then a year of events in the
// contract's envelopes. Every event is valid in the order given; `after` names, for each
// event, the events it must follow that a producer would see happen first: the person's
// previous event and its story's predecessor (a dossier's previous step, the transfer it
// receives).
//
// The parts: random.ts (seeded draws), tree.ts (the org tree and targets), people.ts
// (profiles and the rolls), csv.ts (the export), year.ts, transfers.ts and records.ts
// (the year's stories).
import { compareDates } from '../shared/domain/dates.js';
import type { UncheckedEnvelope } from '../shared/domain/events/index.js';
import { exportCsv } from './city/csv.js';
import { apportion, membersOnRolls } from './city/people.js';
import { orgYearStories } from './city/org-year.js';
import { pipelineStories } from './city/pipeline.js';
import { pad, rng } from './city/random.js';
import { badgeStories, exitStories, ratingStories, standingStories } from './city/records.js';
import { transferStories } from './city/transfers.js';
import { buildTree, ROOT_ID, SOURCE, targetEvents, type TreeShape } from './city/tree.js';
import { type Draft, dossierStories, importStories, recognitionStories, YearDraft, type YearInput } from './city/year.js';

export { seededRandom } from './city/random.js';
export { ROOT_ID } from './city/tree.js';

export type Envelope = UncheckedEnvelope;

export interface CityOptions {
  /** Members on the rolls at the end of the year before. */
  members: number;
  seed?: number;
  /** The year of events; the rolls are the state at the end of the year before. */
  year?: number;
  /** Hải Phòng's 35 subordinate committees sized for `members` (default), or `{ districts }`: HP > Qk > {Qk-G > Qk-G-C1, Qk-G-C2; Qk-C}. */
  tree?: TreeShape;
  /** About how many events `events` should hold (the rates scale up to it, never down); default: the rates as they are. */
  events?: number;
  /** The rolls as a legacy CSV export (default) or as `member.imported` events at the start of `events`. */
  rolls?: 'csv' | 'events';
  /** Adds four bad rows to the CSV (a date that does not exist, an unknown cell, a duplicate member, a sex that is not a contract value). */
  badRows?: boolean;
  /** The admission work around the stories (candidate pool, ceremonies, files, cards: `city/pipeline.ts`); default true. */
  admissionWork?: boolean;
  /**
   * The org events of the year (`city/org-year.ts`: plans, renames, updates, ratings, a few
   * moves and a merger) among the year's events, instead of the year's plans before it;
   * default: for Hải Phòng's tree.
   */
  orgYear?: boolean;
}

export interface City {
  rootId: string;
  year: number;
  /** Every registered org → its parent (null for the root). */
  parents: Record<string, string | null>;
  /** The member-holding units (chi bộ). */
  cells: string[];
  /** Admission targets of the year by org. */
  targets: Record<string, number>;
  /** `org.registered` parents first, then (without `orgYear`) the year's `target.set`: one message group (`orgs`). */
  orgEvents: Envelope[];
  /** The legacy export: header + one row per member (+ the bad rows); empty when the rolls are events. */
  csv: string;
  /** Lines of the bad rows and the reason the import must give. */
  badRows: Array<{ line: number; reason: string }>;
  /** The year's events, in the order a producer sends them. */
  events: Envelope[];
  /**
   * Event id → the events it follows: the person's previous event and its story's
   * predecessor. A producer sees them happen before it sends it; across message groups a
   * FIFO queue keeps no order, so the bench and the chaos test wait the same way.
   */
  after: Record<string, string[]>;
  stats: {
    orgs: Record<string, number>;
    members: number;
    membersPerCell: { min: number; median: number; max: number };
    eventsByType: Record<string, number>;
  };
}

/** The stories of a year, in the order they draw from the seeded source. */
function draftYear(seed: number, input: YearInput): Draft[] {
  const y = new YearDraft(rng(seed), input);
  if (input.importEvents) importStories(y);
  recognitionStories(y);
  badgeStories(y);
  standingStories(y);
  dossierStories(y, Math.round(0.032 * input.members.length * input.scale));
  exitStories(y);
  transferStories(y);
  ratingStories(y);
  if (input.admissionWork) pipelineStories(y, seed + 1000);
  return y.drafts;
}

/** Ids and times in date order (stable: a story's events were drafted in their own order), and each event's `after`. */
function finish(drafts: Draft[], year: number): Pick<City, 'events' | 'after'> {
  const order = drafts.map((d, i) => ({ d, i })).sort((a, b) => compareDates(a.d.on, b.d.on) || a.i - b.i);
  const idOfDraft = new Map<number, string>();
  const lastOfPerson = new Map<string, string>();
  const events: Envelope[] = [];
  const after: Record<string, string[]> = {};
  order.forEach(({ d, i }, k) => {
    const id = `csdl-${year}-${pad(k + 1, 6)}`;
    idOfDraft.set(i, id);
    events.push({
      id,
      type: d.type,
      occurredAt: `${d.on}T${pad(8 + (k % 9))}:${pad(k % 60)}:00+07:00`,
      source: d.source ?? SOURCE,
      data: d.data,
    });
    const before = new Set([lastOfPerson.get(d.person), d.after === undefined ? undefined : idOfDraft.get(d.after)]);
    before.delete(undefined);
    if (before.size > 0) after[id] = [...before] as string[];
    lastOfPerson.set(d.person, id);
  });
  return { events, after };
}

function statsOf(city: Omit<City, 'stats'>, orgs: Record<string, number>, members: number, sizes: number[]): City['stats'] {
  const eventsByType: Record<string, number> = {};
  for (const e of city.events) eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
  const sorted = [...sizes].sort((a, b) => a - b);
  const membersPerCell = { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 };
  return { orgs, members, membersPerCell, eventsByType };
}

export function generateCity(opts: CityOptions): City {
  const seed = opts.seed ?? 2021;
  const r = rng(seed);
  const year = opts.year ?? 2021;
  const tree = buildTree(r, opts.tree ?? 'hai-phong', opts.members, year);
  const sizes = apportion(
    opts.members,
    tree.units.map((u) => u.weight),
  );
  let numbered = 0;
  const members = membersOnRolls(r, tree.units, sizes, year, () => `DV${pad(++numbered, 8)}`);
  const input: YearInput = {
    year,
    units: tree.units,
    sizes,
    members,
    membersNumbered: numbered,
    scale: 1,
    importEvents: opts.rolls === 'events',
    admissionWork: opts.admissionWork !== false,
  };
  let drafts = draftYear(seed + 1, input);
  // Not every kind of story scales (badges, recognitions): a few passes come close to the size asked.
  const imports = input.importEvents ? members.length : 0;
  for (let pass = 0; pass < 4 && opts.events !== undefined && drafts.length < 0.98 * opts.events; pass++) {
    input.scale *= (opts.events - imports) / Math.max(1, drafts.length - imports);
    drafts = draftYear(seed + 1, input);
  }
  const admissionsPlanned = Math.round(0.032 * members.length * input.scale);
  const { events: targetSets, targets } = targetEvents(tree, year, admissionsPlanned);
  const orgYear = opts.orgYear ?? (opts.tree ?? 'hai-phong') === 'hai-phong';
  if (orgYear) {
    const rolls = new Map(members.map((m) => [m.memberId, m.cellId]));
    drafts = [...drafts, ...orgYearStories(rng(seed + 2000), tree, year, admissionsPlanned, drafts, rolls)];
  }
  const exported = opts.rolls === 'events' ? { csv: '', badRows: [] } : exportCsv(members, opts.badRows === true);
  const city = {
    rootId: ROOT_ID,
    year,
    parents: tree.parents,
    cells: tree.units.map((u) => u.cellId),
    targets,
    orgEvents: orgYear ? tree.orgEvents : [...tree.orgEvents, ...targetSets],
    ...exported,
    ...finish(drafts, year),
  };
  return { ...city, stats: statsOf(city, tree.orgCount, members.length, sizes) };
}
