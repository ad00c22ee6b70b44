// bench: the phases of a run on the bench stack, each returning what it measured.
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { startStreamRunner, type StreamHandler } from '../local/runners/stream-runner.js';
import { localStreamsClient } from '../local/streams-client.js';
import { loadAllOrgs } from '../shared/data/org-records.js';
import { listWaiting } from '../shared/use-cases/redrive/index.js';
import { OrgTree } from '../shared/domain/figures/index.js';
import { FIGURES_SOURCE, FIGURES_TABLE } from '../shared/resources.js';
import { buildReport } from '../shared/use-cases/build-report/index.js';
import { importMembers, type ImportSummary } from '../shared/use-cases/import-members/index.js';
import { recomputeFigures } from '../shared/use-cases/recompute-figures/index.js';
import { withComponent } from './capacity.js';
import type { City, Envelope } from './city.js';
import { createTable } from './dynamo-local.js';
import { noteInvocation, waitFor, type BenchStack, type PhaseResult } from './harness.js';
import { createNaiveFiguresHandler, recountSubtree, type NaiveFigures } from './naive.js';
import { registerOrgsDirect } from './orgs-direct.js';

export type Log = (line: string) => void;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface OrgTreeResult {
  events: number;
  via: 'queue' | 'direct';
  phase: PhaseResult;
}

/** 1. The org tree: through the queue (one FIFO message group, so one at a time) or decided in-process. */
export async function orgTreePhase(bench: BenchStack, city: City, via: 'queue' | 'direct' | undefined, log: Log): Promise<OrgTreeResult> {
  const how = via ?? (city.orgEvents.length <= 1000 ? 'queue' : 'direct');
  log(`registering ${city.orgEvents.length} org events (${how})…`);
  const p = bench.phase();
  if (how === 'queue') await bench.produce(city.orgEvents);
  else await withComponent('orgs', () => registerOrgsDirect(bench.records, city.orgEvents));
  await bench.settle('orgs');
  return { events: city.orgEvents.length, via: how, phase: bench.phaseEnd(p) };
}

export interface ImportPhaseResult {
  summary: ImportSummary;
  /** Seconds until the last row was written (the rest of the phase: the figures following). */
  writeSeconds: number;
  phase: PhaseResult;
  reportMembersTotal: number;
  badRowsAsExpected: boolean;
}

/** 2. The bulk import, then the figures following it through the stream. */
export async function importPhase(bench: BenchStack, city: City, log: Log): Promise<ImportPhaseResult> {
  log(`importing ${city.stats.members} members (+${city.badRows.length} bad rows)…`);
  const p = bench.phase();
  let lastTenth = -1;
  const summary = await withComponent('import', () =>
    importMembers(city.csv, bench.stack.stores.memberImport(), {
      onProgress: (q) => {
        const tenth = Math.floor((q.rowsDone / Math.max(1, q.rows)) * 10);
        if (tenth !== lastTenth) log(`import: ${q.rowsDone}/${q.rows} rows`);
        lastTenth = tenth;
      },
    }),
  );
  const writeSeconds = (performance.now() - p.at) / 1000;
  await bench.settle('import');
  const phase = bench.phaseEnd(p);
  const afterImport = await buildReport(bench.stack.stores.figures, city.rootId, { date: `${city.year - 1}-12-31` });
  const lines = (rows: Array<{ line: number; reason: string }>) => JSON.stringify(rows.map((b) => [b.line, b.reason]));
  return {
    summary,
    writeSeconds,
    phase,
    reportMembersTotal: afterImport.members.total,
    badRowsAsExpected: lines(summary.badRows) === lines(city.badRows),
  };
}

export interface EventYearResult {
  phase: PhaseResult;
  /** When the first event was handed to the queue (Date.now()), the clock of `reflectedAt`. */
  startedAtMs: number;
  /** Enqueue → figures, ms, of each event reflected. */
  latencies: number[];
  eventsPerSecond: number;
}

/** 3. The year at full speed: the producer keeps at most 2,000 events queued. */
export async function eventYearPhase(bench: BenchStack, events: Envelope[], log: Log): Promise<EventYearResult> {
  log(`sending ${events.length} events at full speed…`);
  const startedAtMs = Date.now();
  const p = bench.phase();
  const progress = setInterval(() => {
    const reflected = events.filter((e) => bench.reflectedAt.has(e.id)).length;
    log(
      `events: ${bench.counters.ingest.records - p.counters.ingest.records}/${events.length} through the ingest, ${reflected} in the figures`,
    );
  }, 30_000);
  try {
    await bench.produce(events, { maxBacklog: 2000 });
    await bench.settle('events');
  } finally {
    clearInterval(progress);
  }
  const phase = bench.phaseEnd(p);
  const latencies = events.map((e) => (bench.reflectedAt.get(e.id) ?? NaN) - bench.enqueuedAt.get(e.id)!).filter(Number.isFinite);
  const eventsPerSecond = events.length / phase.seconds;
  log(`events: ${Math.round(eventsPerSecond * 10) / 10} events/s`);
  return { phase, startedAtMs, latencies, eventsPerSecond };
}

/**
 * Events per second end to end of the year's first `n` events: from the first send until
 * the last of them was reflected in the figures (the rest of the year queued behind them).
 */
export function firstEventsPerSecond(bench: BenchStack, year: EventYearResult, events: Envelope[], n: number): number {
  const done = events.slice(0, n).reduce((latest, e) => Math.max(latest, bench.reflectedAt.get(e.id) ?? Infinity), 0);
  return n / ((done - year.startedAtMs) / 1000);
}

export interface PacedResult {
  ratePerSecond: number;
  latencies: number[];
  phase: PhaseResult;
}

/** 4. Latency at a steady pace: `rate`, else half the throughput measured (at most 20 events/s). */
export async function pacedLatencyPhase(
  bench: BenchStack,
  events: Envelope[],
  throughput: number,
  log: Log,
  rate = Math.max(1, Math.min(20, Math.floor(throughput / 2))),
): Promise<PacedResult> {
  log(`sending ${events.length} events at ${rate}/s for latency…`);
  const p = bench.phase();
  const t0 = Date.now();
  for (const [k, e] of events.entries()) {
    const due = t0 + (k * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    await bench.sendAfterPredecessor(e);
  }
  await waitFor(
    events.map((e) => e.id),
    bench.reflectedAt,
    600_000,
  );
  await bench.settle('paced');
  const phase = bench.phaseEnd(p);
  return { ratePerSecond: rate, latencies: events.map((e) => bench.reflectedAt.get(e.id)! - bench.enqueuedAt.get(e.id)!), phase };
}

export interface NaiveResult {
  phase: PhaseResult;
  /** Enqueue → naive figures, ms. */
  latencies: number[];
  /** The same events' enqueue → dangvien figures, ms. */
  sameEventsLatencies: number[];
  /** Where the naive way and dangvien disagree on the root today (`members.total: 3 → 4`): none. */
  rootDifferences: string[];
}

/**
 * 5. The naive baseline: a second stream consumer from where the real one is now; each
 * event sent alone and waited for, so that nothing else is in its time.
 */
export async function naiveBaselinePhase(bench: BenchStack, city: City, events: Envelope[], log: Log): Promise<NaiveResult> {
  const runner = await startNaiveRunner(bench, log);
  log(`naive baseline: ${events.length} events, one at a time…`);
  const p = bench.phase();
  const latencies: number[] = [];
  const sameEventsLatencies: number[] = [];
  for (const e of events) {
    await bench.sendAfterPredecessor(e);
    await waitFor([e.id], bench.naiveReflectedAt, 30 * 60_000);
    await waitFor([e.id], bench.reflectedAt, 600_000);
    latencies.push(bench.naiveReflectedAt.get(e.id)! - bench.enqueuedAt.get(e.id)!);
    sameEventsLatencies.push(bench.reflectedAt.get(e.id)! - bench.enqueuedAt.get(e.id)!);
    log(`naive: ${e.type} reflected after ${latencies.at(-1)} ms (dangvien: ${sameEventsLatencies.at(-1)} ms)`);
  }
  await bench.settle('naive');
  const phase = bench.phaseEnd(p);
  await runner.stop();
  // The naive figures are the real ones: same records, same counting.
  const tree = new OrgTree(await loadAllOrgs(bench.records));
  const naiveRoot = await withComponent('check', () => recountSubtree(bench.naiveReads, tree, city.rootId));
  const realRoot = await buildReport(bench.stack.stores.figures, city.rootId);
  // Both count the members and open dossiers of today; the yearly figures the naive way skips.
  // The root is a province: its report hides no small count (a null would show as a difference).
  const { ethnicMinority, religious } = realRoot.members;
  const members = { ...realRoot.members, ethnicMinority: ethnicMinority ?? Number.NaN, religious: religious ?? Number.NaN };
  const real = { members, dossiers: { open: realRoot.dossiers.open, byStep: realRoot.dossiers.byStep } };
  return {
    phase,
    latencies,
    sameEventsLatencies,
    rootDifferences: differences(naiveRoot, real),
  };
}

/** The numbers that differ between two counts of the same figures, one line each. */
function differences(a: NaiveFigures, b: NaiveFigures): string[] {
  const flat = (f: NaiveFigures) =>
    new Map<string, number>([
      ...Object.entries(f.members).map(([k, n]) => [`members.${k}`, n] as [string, number]),
      ['dossiers.open', f.dossiers.open],
      ...Object.entries(f.dossiers.byStep).map(([k, n]) => [`dossiers.byStep.${k}`, n] as [string, number]),
    ]);
  const [fa, fb] = [flat(a), flat(b)];
  return [...fa.keys()].filter((k) => fa.get(k) !== fb.get(k)).map((k) => `${k}: ${fa.get(k)} → ${fb.get(k)}`);
}

/** The naive figures consumer on a table of its own, counted as `naive`. */
async function startNaiveRunner(bench: BenchStack, log: Log): Promise<{ stop: () => Promise<void> }> {
  const naiveTable = 'bench-NaiveFigures';
  await createTable(bench.stack.clients.dynamo, FIGURES_TABLE, naiveTable);
  const checkpointFile = join(bench.work, 'naive-checkpoints.json');
  if (existsSync(bench.checkpointFile)) copyFileSync(bench.checkpointFile, checkpointFile);
  const naiveHandler = createNaiveFiguresHandler({
    ...bench.naiveReads,
    figuresTable: naiveTable,
    onReflected: (id, at) => bench.naiveReflectedAt.set(id, at),
  });
  const handler = (async (event: DynamoDBStreamEvent) => {
    const t1 = performance.now();
    try {
      return await withComponent('naive', () => naiveHandler(event));
    } finally {
      bench.counters.naive.records += event.Records.length;
      noteInvocation(bench.counters.naive, t1);
    }
  }) as StreamHandler;
  return withComponent('runner', () =>
    startStreamRunner({
      dynamo: bench.stack.clients.dynamo,
      streams: localStreamsClient(bench.emulators.dynamodbEndpoint),
      tableName: bench.stack.env.RECORDS_TABLE_NAME!,
      handler,
      functionName: 'naive-figures',
      batchSize: FIGURES_SOURCE.batchSize,
      retryAttempts: FIGURES_SOURCE.retryAttempts,
      checkpointFile,
      onError: (error) => log(`naive: ${(error as Error).message}`),
    }),
  );
}

export interface CheckResult {
  recomputeDifferences: number;
  recomputeSeconds: number;
  rejected: number;
  waiting: number;
  finalReport: Awaited<ReturnType<typeof buildReport>>;
}

/** 6. Exact at the end? `recompute --check`, the rejected and the waiting, the final report. */
export async function recomputeCheckPhase(bench: BenchStack, city: City, log: Log): Promise<CheckResult> {
  log('recompute --check…');
  const start = performance.now();
  const { stores } = bench.stack;
  const differences = await withComponent('check', () => recomputeFigures(stores.recompute, { write: false }));
  const recomputeSeconds = (performance.now() - start) / 1000;
  const [rejected, waiting] = [await stores.redrive.listRejected(), await listWaiting(stores.redrive)];
  const finalReport = await buildReport(stores.figures, city.rootId, { date: `${city.year}-12-31` });
  return { recomputeDifferences: differences.length, recomputeSeconds, rejected: rejected.length, waiting: waiting.length, finalReport };
}
