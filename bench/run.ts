// bench: `npm run bench -- --members N [--events N]`. One run on the embedded stack
// (DynamoDB Local in memory + fauxqs + the local runners, the very handler modules the
// Lambdas run) of a synthetic city: the org tree, the bulk import of N members, a year
// of events at full speed, a paced sample for latency, the naive baseline on the same
// emulator, and `recompute --check` at the end. Prints a table and writes
// bench/results/<members>.json. `--bundles-only` measures just the Lambda bundles.
//
// One function per phase (bench/phases.ts) on the instrumented stack (bench/harness.ts);
// `main` composes them and bench/report.ts turns what they measured into the results.
//
// Capacity units come from DynamoDB's own ReturnConsumedCapacity (DynamoDB Local counts
// like DynamoDB: item sizes, index writes, transactions doubled), summed per component
// by an SDK middleware (bench/capacity.ts), so they are the same on every machine.
// Times are this machine's and DynamoDB Local's, which is much slower than DynamoDB.
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';

import { measureBundles, renderBundles, type BundleResult } from './bundles.js';
import { generateCity, type City, type Envelope } from './city.js';
import { measureCeiling, type CeilingResult } from './dynamo-local.js';
import { ImportCapture, ingestOnlyPhase } from './ingest-only.js';
import { BenchStack } from './harness.js';
import {
  eventYearPhase,
  firstEventsPerSecond,
  importPhase,
  naiveBaselinePhase,
  orgTreePhase,
  pacedLatencyPhase,
  recomputeCheckPhase,
} from './phases.js';
import {
  checkJson,
  eventsJson,
  importJson,
  ingestOnlyJson,
  orgEventsJson,
  rawWriteJson,
  orgsJson,
  PRICES,
  render,
  reportsJson,
  round,
  writeResults,
  type RenderedResults,
} from './report.js';
import { reportCostPhase } from './as-of.js';
import { DEFAULT_SHAPES, renderProjection, runProjection } from './projection.js';

export { PRICES } from './report.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

// ---------------------------------------------------------------------------
// Arguments

const USAGE = `npm run bench -- [--bundles-only | --projection] [--members N] [--events N] [--naive-events N] [--latency-events N] [--latency-rate N] [--ingest-only-events N] [--concurrency N] [--seed N] [--orgs queue|direct]
  --bundles-only      only bundle the Lambdas as deployed and time their cold init, with the
                      AWS SDK bundled (as deployed) and external; no emulators, prints a table
  --projection        per-event cost by tree depth and fan-out (a few synthetic trees, events
                      one at a time and in batches), for a national projection; writes
                      bench/results/projection.json (--events N: events per shape and way, default 60)
  --members N         members in the legacy export (default 10000; Hải Phòng 2021: 127455)
  --events N          events of the year to send (default: the whole year, about 0.3 per member)
  --naive-events N    events run through the naive baseline, one at a time (default 20, 5 above 50k members)
  --latency-events N  events sent at a steady pace for the latency figures (default 300)
  --latency-rate N    their pace, events per second (default: half the full-load throughput
                      measured, at most 20); set it to compare runs at the same pace
  --ingest-only-events N
                      the year's full-speed events also sent, before them, through an ingest with
                      no figures function on a fresh table set (ceiling.ingestOnlyEventsPerSecond):
                      the first N of them (default 20,000; 0: none, and no raw write of the import)
  --concurrency N     ingest runner concurrency (Lambda's maximum concurrency; default 4)
  --seed N            the city's seed (default 2021)
  --orgs queue|direct how the org tree is registered: through the queue like any event, or
                      decided in-process by the same domain code and written in batches
                      (default: queue up to 1,000 orgs, direct above: every org event reads
                      the whole tree, so the queue takes minutes for thousands of orgs)`;

type Options = ReturnType<typeof options>;

function options() {
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '10000' },
      events: { type: 'string' },
      'naive-events': { type: 'string' },
      'latency-events': { type: 'string', default: '300' },
      'latency-rate': { type: 'string' },
      'ingest-only-events': { type: 'string' },
      concurrency: { type: 'string', default: '4' },
      seed: { type: 'string', default: '2021' },
      orgs: { type: 'string' },
      'bundles-only': { type: 'boolean', default: false },
      projection: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) {
      console.error(`--${name} must be an integer ≥ ${min}\n${USAGE}`);
      process.exit(2);
    }
    return n;
  };
  const members = int('members', values.members, 100);
  if (values.orgs !== undefined && values.orgs !== 'queue' && values.orgs !== 'direct') {
    console.error(`--orgs must be queue or direct\n${USAGE}`);
    process.exit(2);
  }
  return {
    bundlesOnly: values['bundles-only'],
    projection: values.projection,
    members,
    events: values.events === undefined ? undefined : int('events', values.events, 10),
    naiveEvents: int('naive-events', values['naive-events'] ?? (members > 50_000 ? '5' : '20'), 1),
    latencyEvents: int('latency-events', values['latency-events'], 10),
    latencyRate: values['latency-rate'] === undefined ? undefined : int('latency-rate', values['latency-rate'], 1),
    ingestOnlyEvents: values['ingest-only-events'] === undefined ? undefined : int('ingest-only-events', values['ingest-only-events'], 0),
    concurrency: int('concurrency', values.concurrency, 1),
    seed: int('seed', values.seed, 0),
    orgs: values.orgs as 'queue' | 'direct' | undefined,
  };
}

// ---------------------------------------------------------------------------
// The run

const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);

/** The year's events split into the full-speed run, the paced sample and the naive baseline's (from the end). */
interface EventSplit {
  used: Envelope[];
  main: Envelope[];
  paced: Envelope[];
  naive: Envelope[];
}

function generate(opts: Options): { city: City; split: EventSplit } {
  const t = performance.now();
  const city = generateCity({ members: opts.members, seed: opts.seed, badRows: true });
  const used = opts.events === undefined ? city.events : city.events.slice(0, opts.events);
  const naiveCount = Math.min(opts.naiveEvents, Math.floor(used.length / 4));
  const latencyCount = Math.min(opts.latencyEvents, Math.floor(used.length / 4));
  const main = used.slice(0, used.length - latencyCount - naiveCount);
  const paced = used.slice(main.length, main.length + latencyCount);
  const naive = used.slice(main.length + latencyCount);
  log(
    `city: ${opts.members} members, ${city.orgEvents.length} org events, ${city.events.length} events in ${city.year} (${used.length} used), generated in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  );
  return { city, split: { used, main, paced, naive } };
}

/** `--bundles-only`: both SDK choices, side by side, no emulators. */
async function bundlesOnly(): Promise<void> {
  log('bundling the Lambdas (AWS SDK external) and timing their cold init…');
  const external = await measureBundles(ROOT, 'external');
  log('bundling the Lambdas (AWS SDK bundled) and timing their cold init…');
  const bundled = await measureBundles(ROOT, 'bundled');
  console.log(renderBundles(external, bundled));
}

/** `--projection`: the per-event cost on trees of a few shapes (bench/projection.ts). */
async function projection(opts: Options): Promise<void> {
  const perShape = opts.events ?? 60;
  const { shapes, fullMonthItem } = await runProjection({
    shapes: DEFAULT_SHAPES,
    oneAtATime: perShape,
    batched: perShape,
    concurrency: opts.concurrency,
    seed: opts.seed,
    log,
  });
  const file = writeResults(join(HERE, 'results', 'projection.json'), {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
    machine: { node: process.version, cpus: cpus().length, platform: process.platform },
    prices: PRICES,
    event: 'member.imported at a random cell (a full profile, sealed; the cell and every org above it change)',
    shapes,
    fullMonthItem,
    totalSeconds: round((performance.now() - started) / 1000, 0),
  });
  console.log(renderProjection(shapes));
  console.log(
    `\none write of a root's month item at its fullest (${fullMonthItem.days} days × ${fullMonthItem.figuresPerDay} figures, an upper bound): ${fullMonthItem.writeUnits} write units`,
  );
  console.log(`\nresults: ${file}`);
}

async function main(): Promise<void> {
  const opts = options();
  if (opts.bundlesOnly) return bundlesOnly();
  if (opts.projection) return projection(opts);
  const { city, split } = generate(opts);
  const results: Record<string, unknown> = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: cpus().length, platform: process.platform },
    prices: PRICES,
    city: {
      ...city.stats,
      seed: opts.seed,
      year: city.year,
      orgEvents: city.orgEvents.length,
      yearEvents: city.events.length,
      eventsUsed: split.used.length,
    },
  };
  // Bundles first, while the machine is idle; then the emulator's ceiling on its own instance
  log('bundling the Lambdas and timing their cold init…');
  const bundles: BundleResult[] = await measureBundles(ROOT, 'bundled');
  results.bundles = bundles;
  log("measuring DynamoDB Local's transaction rate…");
  results.ceiling = await measureCeiling();
  log(`ceiling: ${JSON.stringify(results.ceiling)}`);

  const bench = await BenchStack.start(city, opts.concurrency, log);
  try {
    Object.assign(results, await runPhases(bench, city, split, opts, results.ceiling as CeilingResult));
  } finally {
    await bench.stop();
  }
  results.totalSeconds = round((performance.now() - started) / 1000, 0);
  const file = writeResults(join(HERE, 'results', `${opts.members}.json`), results);
  console.log(render(results as RenderedResults, opts.members));
  console.log(`\nresults: ${file}`);
  const check = results.check as ReturnType<typeof checkJson>;
  if (check.recomputeDifferences > 0 || check.rejected > 0 || check.waiting > 0) {
    console.error(`NOT EXACT: ${check.recomputeDifferences} figure differences, ${check.rejected} rejected, ${check.waiting} waiting`);
    process.exitCode = 1;
  }
}

/**
 * The year's events sent through the ingest alone by default: all of a 10,000-member year,
 * the first 20,000 of a larger one (at 127,455 members the whole year would add about half
 * the run). The end-to-end rate it is compared with is that of the same events.
 */
const INGEST_ONLY_EVENTS = 20_000;

/** The phases on the stack, in order, as the results JSON's sections. */
async function runPhases(
  bench: BenchStack,
  city: City,
  split: EventSplit,
  opts: Options,
  ceiling: CeilingResult,
): Promise<Record<string, unknown>> {
  const orgs = await orgTreePhase(bench, city, opts.orgs, log);
  const capture = new ImportCapture();
  if (opts.ingestOnlyEvents !== 0) capture.install(bench.stack.clients.dynamo);
  const imported = await importPhase(bench, city, log);
  const ingestOnly =
    opts.ingestOnlyEvents === 0
      ? undefined
      : await ingestOnlyPhase(bench, city, capture, split.main, {
          concurrency: opts.concurrency,
          sample: opts.ingestOnlyEvents ?? INGEST_ONLY_EVENTS,
          log,
        });
  capture.clear();
  // Not the year's work then: said in the results (ceiling.ingestOnlyRejected, …Waiting), the run goes on.
  if (ingestOnly && (ingestOnly.rejected > 0 || ingestOnly.waiting > 0))
    log(`WARNING: the ingest alone rejected ${ingestOnly.rejected} and left ${ingestOnly.waiting} waiting`);
  const importResult = { ...importJson(imported), ...rawWriteJson(imported, ingestOnly) };
  log(`import: ${JSON.stringify(importResult, (k, v) => (k === 'badRows' || k === 'byOperation' ? undefined : v))}`);
  if (!imported.badRowsAsExpected || !importResult.reportMatches)
    throw new Error('the import did not give the expected result: see results.import');
  const events = await eventYearPhase(bench, split.main, log);
  const sameEvents = ingestOnly ? firstEventsPerSecond(bench, events, split.main, ingestOnly.events) : NaN;
  Object.assign(ceiling, ingestOnlyJson(ingestOnly, sameEvents, split.main.length));
  const orgEvents = orgEventsJson(events.phase, split.main);
  log(`org events: ${JSON.stringify(orgEvents)}`);
  const latency = await pacedLatencyPhase(bench, split.paced, events.eventsPerSecond, log, opts.latencyRate);
  const naive = await naiveBaselinePhase(bench, city, split.naive, log);
  const check = await recomputeCheckPhase(bench, city, log);
  const reports = reportsJson(await reportCostPhase(bench, city));
  log(`reports: ${JSON.stringify(reports)}`);
  const later = eventsJson({
    events: { ...events, sent: split.main },
    latency: { ...latency, sent: split.paced },
    naive: { ...naive, sent: split.naive },
  });
  return { orgs: orgsJson(orgs), import: importResult, ...later, orgEvents, check: checkJson(check), reports };
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
