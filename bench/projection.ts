// bench: `npm run bench -- --projection`. What one event costs as the tree gets deeper and
// wider, to project a national deployment (issue 16: 34 provinces, ~52,000 grassroots
// organisations, 5.6 million members). Synthetic trees of a few (depth, fan-out) shapes
// are registered side by side on the embedded stack; only the cells that events reach hold
// members (a member of an untouched cell changes no cost). Each shape then gets
// `member.imported` events at random cells, one at a time (each waited for: the whole climb
// to the root per event, the worst case) and in batches (the producer keeps the queue
// full, as at a year-end peak: the figures Lambda coalesces a batch's climbs). Measured:
// capacity units per event (ingest and figures, from ReturnConsumedCapacity) and the
// writes per event on the root's figures items — the hot items, as every event climbs to
// the root — whose rate a DynamoDB partition caps at 1,000 writes/s. Then, per shape,
// renames and targets one at a time (they change no figure: their cost is the ingest's)
// and a bulk import of a thousand members (the burst a province's import sends up to the root).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FIXED_FIGURES, OWN_SOURCE, type DatedChanges, type Tally } from '../shared/domain/figures/index.js';
import { FIGURES_COMPONENTS } from './as-of-counting.js';
import { importMembers } from '../shared/use-cases/import-members/index.js';
import { totals, withComponent } from './capacity.js';
import { exportCsv } from './city/csv.js';
import type { City, Envelope } from './city.js';
import { type Member, profileFor } from './city/people.js';
import { pad, rng } from './city/random.js';
import { SOURCE, STRUCTURE_SOURCE } from './city/tree.js';
import { BenchStack, waitFor } from './harness.js';
import { registerOrgsDirect } from './orgs-direct.js';
import { perEvent, round } from './report.js';

export interface Shape {
  /** Levels below the root: the cells are at this depth (1–4). */
  depth: number;
  /** Children of every org above the cells. */
  fanOut: number;
}

/** A few shapes in a few minutes: Hải Phòng is about depth 3–4, fan-out 35 under the province. */
export const DEFAULT_SHAPES: readonly Shape[] = [
  { depth: 2, fanOut: 10 },
  { depth: 2, fanOut: 30 },
  { depth: 3, fanOut: 10 },
  { depth: 4, fanOut: 6 },
];

/** The levels from the root down to the cells, for each depth the contract's "may hold" allows (docs/events.md#organizations). */
const LEVELS_BY_DEPTH: Record<number, readonly string[]> = {
  1: ['province', 'grassroots-cell'],
  2: ['province', 'grassroots-committee', 'cell'],
  3: ['province', 'upper-grassroots', 'grassroots-committee', 'cell'],
  4: ['province', 'upper-grassroots', 'grassroots-committee', 'sub-committee', 'cell'],
};

const YEAR = 2025;

interface ShapeTree {
  shape: Shape;
  rootId: string;
  cells: string[];
  orgEvents: Envelope[];
}

/** The tree of one shape: `fanOut` children under every org down to the cells. */
export function shapeTree(shape: Shape): ShapeTree {
  const levels = LEVELS_BY_DEPTH[shape.depth];
  if (!levels) throw new RangeError(`depth must be 1–4 (the levels docs/events.md#organizations allows), got ${shape.depth}`);
  const rootId = `D${shape.depth}F${shape.fanOut}`;
  const orgEvents: Envelope[] = [];
  const cells: string[] = [];
  const register = (orgId: string, parentId: string | null, depth: number) => {
    const level = levels[depth]!;
    orgEvents.push({
      id: `org-${orgId}`,
      type: 'org.registered',
      occurredAt: `${YEAR - 1}-01-02T08:00:00+07:00`,
      source: STRUCTURE_SOURCE,
      data: { orgId, parentId, name: `${level} ${orgId}`, level },
    });
    if (depth === shape.depth) {
      cells.push(orgId);
      return;
    }
    for (let k = 1; k <= shape.fanOut; k++) register(`${orgId}-${k}`, orgId, depth + 1);
  };
  register(rootId, null, 0);
  return { shape, rootId, cells, orgEvents };
}

/**
 * `count` members arriving at random cells of the tree in December (`member.imported`, a
 * full profile each), admitted that year: like the year-end traffic, every event touches
 * the current year's figures as of a date, not one year of the past each.
 */
export function arrivals(tree: ShapeTree, count: number, seed: number, tag: string): Envelope[] {
  const r = rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const memberId = `${tree.rootId}-${tag}${pad(i + 1, 5)}`;
    const day = pad(r.int(1, 28));
    return {
      id: `proj-${memberId}`,
      type: 'member.imported',
      occurredAt: `${YEAR}-12-${day}T09:00:00+07:00`,
      source: SOURCE,
      data: {
        memberId,
        orgId: tree.cells[r.int(0, tree.cells.length - 1)]!,
        status: 'probationary',
        admittedOn: `${YEAR}-${pad(r.int(1, 11))}-${day}`,
        profile: profileFor(r, YEAR, r.int(20, 40), { femaleShare: 0.4, year: YEAR }),
      },
    };
  });
}

/**
 * `count` org events of one type at random orgs of the tree (the root included), as the
 * city committee's system sends them: a rename, or a plan for the year.
 */
export function orgChanges(tree: ShapeTree, type: 'org.renamed' | 'target.set', count: number, seed: number): Envelope[] {
  const r = rng(seed);
  const orgs = tree.orgEvents.map((e) => String(e.data.orgId));
  return Array.from({ length: count }, (_, i) => {
    const orgId = orgs[r.int(0, orgs.length - 1)]!;
    return {
      id: `proj-${tree.rootId}-${type}-${pad(i + 1, 4)}`,
      type,
      occurredAt: `${YEAR}-12-${pad(r.int(1, 28))}T09:00:00+07:00`,
      source: STRUCTURE_SOURCE,
      data: type === 'org.renamed' ? { orgId, name: `Tên mới ${i + 1} của ${orgId}` } : { orgId, year: YEAR, admissions: r.int(1, 50) },
    };
  });
}

/** A legacy export of `count` members at random cells of the tree, for a bulk import. */
export function importFile(tree: ShapeTree, count: number, seed: number): string {
  const members: Member[] = arrivals(tree, count, seed, 'I').map((e) => {
    const d = e.data as { memberId: string; orgId: string; admittedOn: string; profile: Member['profile'] };
    return { memberId: d.memberId, cellId: d.orgId, status: 'probationary', admittedOn: d.admittedOn, profile: d.profile };
  });
  return exportCsv(members, false).csv;
}

/**
 * Counts the writes that reach the Figures items of the given roots (`pk = ORG#<root>`:
 * the subtree figures and the as-of items), whatever the operation — Put, Update, Delete,
 * and each item of a BatchWrite or TransactWrite — and how many of them failed (a
 * conditional write lost to a concurrent one: it still took the partition's throughput).
 */
export class RootWriteCounter {
  /** Per root: writes attempted, failed, and the write units they consumed (what DynamoDB's 1,000 per second per partition counts). */
  readonly writes = new Map<string, { attempted: number; failed: number; writeUnits: number }>();
  /** Attempted writes by root and item (`<root> <sk>`): which of the root's items take them. */
  readonly byItem = new Map<string, number>();

  constructor(private readonly roots: ReadonlySet<string>) {}

  install(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, ctx) => async (args) => {
        const hits = rootsWritten(
          String((ctx as { commandName?: string }).commandName ?? ''),
          args.input as Record<string, unknown>,
          this.roots,
        );
        if (hits.length === 0) return next(args);
        const tally = (failed: boolean, units: number) => {
          for (const { root, sk } of hits) {
            const item = `${root} ${sk}`;
            this.byItem.set(item, (this.byItem.get(item) ?? 0) + 1);
            const line = this.writes.get(root) ?? { attempted: 0, failed: 0, writeUnits: 0 };
            line.attempted += 1;
            if (failed) line.failed += 1;
            line.writeUnits += units;
            this.writes.set(root, line);
          }
        };
        try {
          const out = await next(args);
          // A single-item write of a root item: its units are the item's (1 per KB). In a
          // batch or transaction the request's units are shared with other items; count 1 each.
          const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
          const single = hits.length === 1 && !Array.isArray(consumed) && typeof consumed?.CapacityUnits === 'number';
          tally(false, single ? consumed!.CapacityUnits! : 1);
          return out;
        } catch (error) {
          // A refused conditional write still costs the item's units; 1 is the least.
          tally(true, 1);
          throw error;
        }
      },
      { step: 'initialize', name: 'benchRootWrites', override: true },
    );
  }

  of(root: string): { attempted: number; failed: number; writeUnits: number; byItem: Record<string, number> } {
    const byItem: Record<string, number> = {};
    for (const [item, n] of this.byItem) if (item.startsWith(`${root} `)) byItem[item.slice(root.length + 1)] = n;
    return { ...(this.writes.get(root) ?? { attempted: 0, failed: 0, writeUnits: 0 }), byItem };
  }
}

/** The roots' items among those a write request writes, once per item. */
function rootsWritten(command: string, input: Record<string, unknown>, roots: ReadonlySet<string>): Array<{ root: string; sk: string }> {
  const text = (v: unknown) => (typeof v === 'string' ? v : ((v as { S?: string } | undefined)?.S ?? ''));
  const keyOf = (item: unknown): { root: string; sk: string } | undefined => {
    const { pk, sk } = (item ?? {}) as { pk?: unknown; sk?: unknown };
    const p = text(pk);
    return p.startsWith('ORG#') ? { root: p.slice('ORG#'.length), sk: text(sk) } : undefined;
  };
  const items: unknown[] = [];
  if (command === 'PutItemCommand' || command === 'PutCommand') items.push(input.Item);
  if (['UpdateItemCommand', 'UpdateCommand', 'DeleteItemCommand', 'DeleteCommand'].includes(command)) items.push(input.Key);
  if (command.startsWith('BatchWrite')) {
    for (const requests of Object.values(
      (input.RequestItems ?? {}) as Record<string, Array<Record<string, { Item?: unknown; Key?: unknown }>>>,
    )) {
      for (const r of requests) items.push(r.PutRequest?.Item ?? r.DeleteRequest?.Key);
    }
  }
  if (command.startsWith('TransactWrite')) {
    for (const t of (input.TransactItems ?? []) as Array<Record<string, { Item?: unknown; Key?: unknown }>>) {
      items.push(t.Put?.Item ?? t.Update?.Key ?? t.Delete?.Key);
    }
  }
  return items.map(keyOf).filter((k): k is { root: string; sk: string } => k !== undefined && roots.has(k.root));
}

export interface ProjectionOptions {
  shapes: readonly Shape[];
  /** Renames and targets per shape, each sent one at a time (default 10 of each). */
  orgEvents?: number;
  /** Members per shape in one bulk import (default 1,000). */
  importMembers?: number;
  /** Events per shape sent one at a time, each waited for. */
  oneAtATime: number;
  /** Events per shape sent in batches, the queue kept full. */
  batched: number;
  concurrency: number;
  seed: number;
  log: (line: string) => void;
}

/** One way of sending, measured on one shape. */
function modeJson(
  bench: BenchStack,
  counter: RootWriteCounter,
  root: string,
  sent: number,
  run: { start: ReturnType<BenchStack['phase']>; rootBefore: ReturnType<RootWriteCounter['of']> },
) {
  const phase = bench.phaseEnd(run.start);
  const rootNow = counter.of(root);
  const attempted = rootNow.attempted - run.rootBefore.attempted;
  const failed = rootNow.failed - run.rootBefore.failed;
  const cost = perEvent(phase, sent, ['ingest', ...FIGURES_COMPONENTS], ['ingest', 'figures']);
  const rootWritesPerEvent = attempted / sent;
  const rootWriteUnitsPerEvent = (rootNow.writeUnits - run.rootBefore.writeUnits) / sent;
  return {
    events: sent,
    seconds: round(phase.seconds, 1),
    capacityUnitsPerEvent: {
      ingest: round(perEvent(phase, sent, ['ingest'], ['ingest']).capacityUnits, 2),
      figures: round(perEvent(phase, sent, FIGURES_COMPONENTS, ['figures']).capacityUnits, 2),
      total: cost.capacityUnits,
      read: cost.readUnits,
      write: cost.writeUnits,
    },
    figuresInvocationsPerEvent: round(phase.figures.invocationMs.length / sent, 3),
    rootFiguresWrites: {
      attempted,
      failed,
      perEvent: round(rootWritesPerEvent, 3),
      writeUnitsPerEvent: round(rootWriteUnitsPerEvent, 3),
      byItem: Object.fromEntries(Object.entries(rootNow.byItem).map(([sk, n]) => [sk, n - (run.rootBefore.byItem[sk] ?? 0)])),
    },
    /** The event rate at which the root's items (one partition) would take 1,000 write units/s, DynamoDB's per-partition limit. */
    eventsPerSecondAtRootPartitionLimit: rootWriteUnitsPerEvent > 0 ? round(1000 / rootWriteUnitsPerEvent, 0) : null,
    costPerMillionEvents: cost.costPerMillionEvents,
  };
}

/** Registers every shape's tree, then sends each its events one at a time and in batches. */
export async function runProjection(opts: ProjectionOptions) {
  const trees = opts.shapes.map(shapeTree);
  const orgEvents = trees.flatMap((t) => t.orgEvents);
  // The harness wants a city: here only its org events and (empty) story order matter.
  const city = {
    rootId: trees[0]!.rootId,
    year: YEAR,
    parents: {},
    cells: [],
    targets: {},
    orgEvents,
    csv: '',
    badRows: [],
    events: [],
    after: {},
  };
  // Each tree's events go as a producer scoped to the tree, as the city's do (scoping on).
  const bench = await BenchStack.start(
    city as unknown as City,
    opts.concurrency,
    opts.log,
    trees.map((t) => t.rootId),
  );
  const counter = new RootWriteCounter(new Set([...trees.map((t) => t.rootId), MONTH_PROBE]));
  counter.install(bench.stack.clients.dynamo);
  try {
    opts.log(`registering ${orgEvents.length} orgs of ${trees.length} trees…`);
    await withComponent('orgs', () => registerOrgsDirect(bench.records, orgEvents));
    await bench.settle('orgs');
    // The first event after the trees changed loads them into the org tree cache (README,
    // "Figures"): once per process, not per event, so it is left out of every shape.
    const [warmUp] = arrivals(trees[0]!, 1, opts.seed - 1, 'W');
    await bench.send([warmUp!]);
    await waitFor([warmUp!.id], bench.reflectedAt);
    await bench.settle('warm-up');
    const shapes = [];
    for (const [i, tree] of trees.entries()) {
      const { depth, fanOut } = tree.shape;
      const label = `depth ${depth}, fan-out ${fanOut} (${tree.orgEvents.length} orgs, ${tree.cells.length} cells)`;
      const single = arrivals(tree, opts.oneAtATime, opts.seed + 2 * i, 'S');
      opts.log(`${label}: ${single.length} events one at a time…`);
      let run = { start: bench.phase(), rootBefore: counter.of(tree.rootId) };
      for (const e of single) {
        await bench.send([e]);
        await waitFor([e.id], bench.reflectedAt);
      }
      await bench.settle(`${label}, one at a time`);
      const oneAtATime = modeJson(bench, counter, tree.rootId, single.length, run);
      const batch = arrivals(tree, opts.batched, opts.seed + 2 * i + 1, 'B');
      opts.log(`${label}: ${batch.length} events in batches…`);
      run = { start: bench.phase(), rootBefore: counter.of(tree.rootId) };
      await bench.produce(batch);
      await bench.settle(`${label}, batched`);
      const batched = modeJson(bench, counter, tree.rootId, batch.length, run);
      const orgEventCosts: Record<string, ReturnType<typeof modeJson>> = {};
      for (const type of ['org.renamed', 'target.set'] as const) {
        const changes = orgChanges(tree, type, opts.orgEvents ?? 10, opts.seed + 100 * (i + 1) + type.length);
        opts.log(`${label}: ${changes.length} ${type} one at a time…`);
        run = { start: bench.phase(), rootBefore: counter.of(tree.rootId) };
        for (const e of changes) {
          await bench.send([e]);
          await waitFor([e.id], bench.reflectedAt);
        }
        await bench.settle(`${label}, ${type}`);
        orgEventCosts[type] = modeJson(bench, counter, tree.rootId, changes.length, run);
      }
      const bulk = await bulkImport(bench, counter, tree, opts.importMembers ?? 1000, opts.seed + 7 * (i + 1));
      opts.log(`${label}: bulk import ${JSON.stringify(bulk.capacityUnitsPerMember)} per member`);
      shapes.push({
        depth,
        fanOut,
        orgs: tree.orgEvents.length,
        cells: tree.cells.length,
        oneAtATime,
        batched,
        orgEvents: orgEventCosts,
        bulkImport: bulk,
      });
      opts.log(`${label}: ${JSON.stringify({ oneAtATime: oneAtATime.capacityUnitsPerEvent, batched: batched.capacityUnitsPerEvent })}`);
    }
    return { shapes, fullMonthItem: await fullMonthItem(bench, counter) };
  } finally {
    await bench.stop();
  }
}

export type ProjectionShape = Awaited<ReturnType<typeof runProjection>>['shapes'][number];

/**
 * One bulk import of `count` members into the tree's cells, then its figures through the
 * stream: capacity units per member (the import, the figures) and the root's figures
 * writes per member — a province's import is the burst that reaches a national root.
 */
async function bulkImport(bench: BenchStack, counter: RootWriteCounter, tree: ShapeTree, count: number, seed: number) {
  const start = bench.phase();
  const rootBefore = counter.of(tree.rootId);
  const summary = await withComponent('import', () => importMembers(importFile(tree, count, seed), bench.stack.stores.memberImport()));
  await bench.settle(`${tree.rootId}, bulk import`);
  const phase = bench.phaseEnd(start);
  const rootNow = counter.of(tree.rootId);
  const per = (components: string[]) => round(totals(phase.capacity, components).total / summary.imported, 2);
  return {
    members: summary.imported,
    seconds: round(phase.seconds, 1),
    capacityUnitsPerMember: { import: per(['import']), figures: per(FIGURES_COMPONENTS) },
    rootFiguresWrites: {
      attempted: rootNow.attempted - rootBefore.attempted,
      failed: rootNow.failed - rootBefore.failed,
      writeUnits: round(rootNow.writeUnits - rootBefore.writeUnits, 1),
    },
    figuresInvocations: phase.figures.invocationMs.length,
  };
}

/** The org the month-item probe writes: no tree's, so no figure sees it. */
const MONTH_PROBE = 'PROBE-FULL-MONTH';

/**
 * What one write of a root's month item costs at its fullest: a change on every day of a
 * 31-day month, every fixed figure non-zero with up to three digits and forty keyed entries
 * a day (more than a month at a national root would hold: an upper bound), and a root's
 * bookkeeping of 35 sources. The root writes this item once per figures invocation that
 * reaches it, so its write units, against the partition's 1,000 per second, cap the root's
 * write rate at a month-end peak.
 */
async function fullMonthItem(bench: BenchStack, counter: RootWriteCounter) {
  const r = rng(YEAR);
  const changes: DatedChanges = {};
  for (let day = 1; day <= 31; day++) {
    const t: Tally = Object.fromEntries(FIXED_FIGURES.map((f) => [f.name, r.int(1, 999)]));
    for (let k = 0; k < 20; k++) t[`transfers.officialOut#EXT-${pad(r.int(1, 999), 3)}`] = r.int(1, 9);
    for (let k = 0; k < 20; k++) t[`dossiers.dueSoonBy#${YEAR}-02-${pad(k + 1, 2)}`] = -r.int(1, 99);
    changes[`${YEAR}-12-${pad(day, 2)}`] = t;
  }
  const absorbed = Object.fromEntries([OWN_SOURCE, ...Array.from({ length: 34 }, (_, i) => `P${pad(i + 1, 2)}`)].map((k) => [k, 123_456]));
  const before = counter.of(MONTH_PROBE).writeUnits;
  await bench.stack.stores.figures.writeMonth(
    { orgId: MONTH_PROBE, kind: 'subtree', month: `${YEAR}-12`, changes, absorbed, treeVersion: 1 },
    undefined,
  );
  return { days: 31, figuresPerDay: FIXED_FIGURES.length + 40, writeUnits: counter.of(MONTH_PROBE).writeUnits - before };
}

/** The measurements as a table, one row per shape and way of sending. */
export function renderProjection(shapes: ProjectionShape[]): string {
  const f = (n: number | null, d = 1) =>
    n === null ? '–' : n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const lines = [
    '| depth × fan-out (orgs) | sent | events | CU/event ingest + figures = total | figures invocations/event | root figures writes/event (failed); write units | events/s at 1,000 root write units/s | $ per million events |',
    '|---|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const s of shapes) {
    for (const [mode, m] of [
      ['one at a time', s.oneAtATime],
      ['batched', s.batched],
    ] as const) {
      const cu = m.capacityUnitsPerEvent;
      lines.push(
        `| ${s.depth} × ${s.fanOut} (${s.orgs}) | ${mode} | ${m.events} | ${f(cu.ingest)} + ${f(cu.figures)} = ${f(cu.total)} | ${f(m.figuresInvocationsPerEvent, 2)} | ${f(m.rootFiguresWrites.perEvent, 2)} (${m.rootFiguresWrites.failed}); ${f(m.rootFiguresWrites.writeUnitsPerEvent, 2)} | ${f(m.eventsPerSecondAtRootPartitionLimit, 0)} | ${f(m.costPerMillionEvents.total, 2)} |`,
      );
    }
  }
  lines.push(
    '',
    '| depth × fan-out (orgs) | org.renamed, one at a time: CU ingest + figures = total | target.set, one at a time | bulk import: members; CU per member, import + figures; root figures writes (write units) |',
    '|---|---:|---:|---:|',
  );
  for (const s of shapes) {
    const cu = (m: ProjectionShape['oneAtATime'] | undefined) =>
      m ? `${f(m.capacityUnitsPerEvent.ingest)} + ${f(m.capacityUnitsPerEvent.figures)} = ${f(m.capacityUnitsPerEvent.total)}` : '–';
    const b = s.bulkImport;
    lines.push(
      `| ${s.depth} × ${s.fanOut} (${s.orgs}) | ${cu(s.orgEvents['org.renamed'])} | ${cu(s.orgEvents['target.set'])} | ${b.members}; ${f(b.capacityUnitsPerMember.import)} + ${f(b.capacityUnitsPerMember.figures)}; ${b.rootFiguresWrites.attempted} (${f(b.rootFiguresWrites.writeUnits)}) |`,
    );
  }
  return lines.join('\n');
}
