// bench: `npm run bench -- --members N [--events N]`. One run on the embedded stack
// (DynamoDB Local in memory + fauxqs + the local runners, the very handler modules the
// Lambdas run) of a synthetic city: the org tree, the bulk import of N members, a year
// of events at full speed, a paced sample for latency, the naive baseline on the same
// emulator, and `recompute --check` at the end. Prints a table and writes
// bench/results/<members>.json.
//
// Capacity units come from DynamoDB's own ReturnConsumedCapacity (DynamoDB Local counts
// like DynamoDB: item sizes, index writes, transactions doubled), summed per component
// by an SDK middleware (bench/capacity.ts), so they are the same on every machine.
// Times are this machine's and DynamoDB Local's, which is much slower than DynamoDB.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startEmulators } from '../local/emulators.js';
import { startDynamoDbLocal } from '../local/dynamodb-local.js';
import { freePort } from '../local/ports.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import { startStreamRunner, type StreamHandler } from '../local/runners/stream-runner.js';
import type { SqsHandler } from '../local/runners/sqs-runner.js';
import { FIGURES_SOURCE, FIGURES_TABLE, RECORDS_TABLE, type TableDef } from '../shared/resources.js';
import { dynamoClient, sqsClient, streamsClient } from '../shared/data/clients.js';
import { outgoing, sendEvents } from '../shared/data/queue-sender.js';
import { listRejected } from '../shared/data/ingest-store.js';
import { listWaiting } from '../shared/data/redrive.js';
import { readFigures } from '../shared/data/figures-store.js';
import { buildReport } from '../shared/use-cases/build-report.js';
import { importMembers } from '../shared/use-cases/import-members.js';
import { recomputeFigures } from '../shared/use-cases/recompute-figures.js';
import { diffFigures, OrgTree } from '../shared/domain/figures/index.js';
import { loadAllOrgs, orgTreeChanged } from '../shared/data/ingest-store.js';
import { parseEvent } from '../shared/domain/events.js';
import { decide } from '../shared/domain/ingest/decide.js';
import { emptyState } from '../shared/domain/ingest/decision-types.js';
import { toItem } from '../shared/data/keys.js';
import { documentClient } from '../shared/data/clients.js';
import { config } from '../shared/data/config.js';
import { batchWriteAll } from '../shared/data/dynamo-toolkit.js';
import { appliedEvent, markerItem } from '../shared/data/event-marker.js';
import { eventHash } from '../shared/use-cases/ingest-event.js';
import { CapacityMeter, sqsBilledRequests, totals, withComponent, type Snapshot } from './capacity.js';
import { generateCity, type Envelope } from './city.js';
import { createNaiveFiguresHandler, recountSubtree } from './naive.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..');

// ---------------------------------------------------------------------------
// Prices: AWS list prices, us-east-1, on demand (DynamoDB after the November 2024 cut).
// The stack's default region, ap-southeast-1, is about 13 % dearer for DynamoDB.
export const PRICES = {
  region: 'us-east-1',
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  sqsFifoRequest: 0.5 / 1e6,
} as const;
/** Memory of the ingest and figures functions (infra/constructs/ingest.ts, figures.ts). */
const LAMBDA_MEMORY_GB = 1;

// ---------------------------------------------------------------------------
// Arguments

const USAGE = `npm run bench -- [--members N] [--events N] [--naive-events N] [--latency-events N] [--concurrency N] [--seed N] [--orgs queue|direct]
  --members N         members in the legacy export (default 10000; Hải Phòng 2021: 127455)
  --events N          events of the year to send (default: the whole year, about 0.3 per member)
  --naive-events N    events run through the naive baseline, one at a time (default 20, 5 above 50k members)
  --latency-events N  events sent at a steady pace for the latency figures (default 300)
  --concurrency N     ingest runner concurrency (Lambda's maximum concurrency; default 4)
  --seed N            the city's seed (default 2021)
  --orgs queue|direct how the org tree is registered: through the queue like any event, or
                      decided in-process by the same domain code and written in batches
                      (default: queue up to 1,000 orgs, direct above: every org event reads
                      the whole tree, so the queue takes minutes for thousands of orgs)`;

function options() {
  const { values } = parseArgs({
    options: {
      members: { type: 'string', default: '10000' },
      events: { type: 'string' },
      'naive-events': { type: 'string' },
      'latency-events': { type: 'string', default: '300' },
      concurrency: { type: 'string', default: '4' },
      seed: { type: 'string', default: '2021' },
      orgs: { type: 'string' },
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
    members,
    events: values.events === undefined ? undefined : int('events', values.events, 10),
    naiveEvents: int('naive-events', values['naive-events'] ?? (members > 50_000 ? '5' : '20'), 1),
    latencyEvents: int('latency-events', values['latency-events'], 10),
    concurrency: int('concurrency', values.concurrency, 1),
    seed: int('seed', values.seed, 0),
    orgs: values.orgs as 'queue' | 'direct' | undefined,
  };
}

// ---------------------------------------------------------------------------
// Small helpers

const started = performance.now();
const log = (line: string) => process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function createTable(client: DynamoDBClient, def: TableDef, name: string): Promise<void> {
  const keys = [def.partitionKey, ...(def.sortKey ? [def.sortKey] : []), ...def.indexes.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])])];
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [...new Set(keys.map((k) => k.name))].map((n) => ({ AttributeName: n, AttributeType: 'S' })),
      KeySchema: [{ AttributeName: def.partitionKey.name, KeyType: 'HASH' }, ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : [])],
      GlobalSecondaryIndexes: def.indexes.length
        ? def.indexes.map((i) => ({
            IndexName: i.indexName,
            KeySchema: [{ AttributeName: i.partitionKey.name, KeyType: 'HASH' as const }, ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' as const }] : [])],
            Projection: { ProjectionType: i.projection },
          }))
        : undefined,
      StreamSpecification: def.stream ? { StreamEnabled: true, StreamViewType: def.stream } : undefined,
    }),
  );
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: name }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------
// Lambda bundles and cold init

const ESM_REQUIRE_BANNER = "import { createRequire as topLevelCreateRequire } from 'node:module'; const require = topLevelCreateRequire(import.meta.url);";

interface BundleResult {
  function: string;
  bytes: number;
  zippedBytes: number;
  /** Median time to import the bundle in a fresh Node process (module init, SDK included). */
  coldInitMs: number;
}

/** Bundles each handler as the CDK does (ESM, minified, @aws-sdk external) and times its import in fresh processes. */
async function measureBundles(): Promise<BundleResult[]> {
  const { build } = await import('esbuild');
  // Inside node_modules so that the external @aws-sdk/* resolve as they would in the runtime.
  const outDir = join(ROOT, 'node_modules', '.cache', 'dangvien-bench');
  mkdirSync(outDir, { recursive: true });
  const out: BundleResult[] = [];
  for (const name of ['ingest', 'figures', 'reminders', 'report-api']) {
    const entry = join(ROOT, 'functions', name, 'handler.ts');
    if (!existsSync(entry)) continue;
    const outfile = join(outDir, `${name}.mjs`);
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      minify: true,
      mainFields: ['module', 'main'],
      banner: { js: ESM_REQUIRE_BANNER },
      external: ['@aws-sdk/*'],
      outfile,
      logLevel: 'silent',
    });
    const code = readFileSync(outfile);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const probe = spawnSync(
        process.execPath,
        ['--input-type=module', '-e', `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(outfile).href)}); console.log(performance.now() - t);`],
        { env: { ...process.env, AWS_REGION: 'ap-southeast-1', POWERTOOLS_SERVICE_NAME: name, RECORDS_TABLE_NAME: 'x', FIGURES_TABLE_NAME: 'x' }, encoding: 'utf8' },
      );
      const ms = Number(probe.stdout.trim().split('\n').pop());
      if (Number.isFinite(ms)) times.push(ms);
    }
    out.push({ function: name, bytes: code.length, zippedBytes: deflateRawSync(code, { level: 9 }).length, coldInitMs: round(percentile(times, 50), 0) });
  }
  return out;
}

// ---------------------------------------------------------------------------
// DynamoDB Local's ceiling: 2-item transactions on a table shaped like Records, on a
// DynamoDB Local of its own (one that has taken this load stays slower afterwards).

async function measureCeiling(): Promise<{ workers: number; seconds: number; transactionsPerSecond: number; capacityUnitsPerTransaction: number }> {
  const dynamo = await startDynamoDbLocal({ port: await freePort() });
  try {
    return await transactionRate(dynamo.endpoint);
  } finally {
    await dynamo.stop();
  }
}

async function transactionRate(endpoint: string): Promise<{ workers: number; seconds: number; transactionsPerSecond: number; capacityUnitsPerTransaction: number }> {
  const client = new DynamoDBClient({ region: process.env.AWS_REGION ?? 'ap-southeast-1', endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = DynamoDBDocumentClient.from(client);
  const table = 'bench-ceiling';
  await createTable(client, RECORDS_TABLE, table);
  const workers = 16;
  const seconds = 8;
  const until = performance.now() + seconds * 1000;
  let done = 0;
  let units = 0;
  const filler = 'x'.repeat(300);
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let k = 0; performance.now() < until; k++) {
        const id = `${w}-${k}`;
        const out = await doc.send(
          new TransactWriteCommand({
            ReturnConsumedCapacity: 'TOTAL',
            TransactItems: [
              { Put: { TableName: table, Item: { pk: `MEMBER#${id}`, sk: 'MEMBER', cellKey: `CELL#C${k % 50}`, entity: 'member', version: 1, filler }, ConditionExpression: 'attribute_not_exists(pk)' } },
              { Put: { TableName: table, Item: { pk: `EVENT#${id}`, sk: 'EVENT', entity: 'event', body: filler }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
        done += 1;
        units += (out.ConsumedCapacity ?? []).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
      }
    }),
  );
  await client.send(new DeleteTableCommand({ TableName: table }));
  client.destroy();
  return { workers, seconds, transactionsPerSecond: round(done / seconds, 0), capacityUnitsPerTransaction: round(units / Math.max(1, done), 2) };
}

// ---------------------------------------------------------------------------
// The org tree without the queue: each event decided by the same domain code on the
// tree so far, the records and markers the ingest would commit written in batches.

async function registerOrgsDirect(events: Envelope[]): Promise<void> {
  const state = emptyState();
  state.allOrgsLoaded = true;
  const records = new Map<string, Record<string, unknown>>();
  const markers: Record<string, unknown>[] = [];
  const appliedAt = new Date().toISOString();
  for (const e of events) {
    const body = JSON.stringify(e);
    const parsed = parseEvent(body);
    if (!parsed.ok) throw new Error(`${e.id}: ${parsed.reason}: ${parsed.message}`);
    const decision = decide(parsed.event, state);
    if (decision.outcome !== 'apply') throw new Error(`${e.id}: ${decision.reason}: ${decision.message}`);
    for (const w of decision.writes) {
      if (w.entity !== 'org') throw new Error(`${e.id}: an org event wrote a ${w.entity}`);
      state.orgs.set(w.record.orgId, w.record);
      const item = toItem(w);
      records.set(`${String(item.pk)}|${String(item.sk)}`, item);
    }
    markers.push(markerItem(appliedEvent(parsed.event, eventHash(parsed.event), body, appliedAt)));
  }
  await batchWrite([...records.values()]);
  await batchWrite(markers);
  // As the ingest's transactions do: readers of the tree load it again.
  await documentClient().send(new TransactWriteCommand({ TransactItems: [orgTreeChanged(config.recordsTable())] }));
}

async function batchWrite(items: Record<string, unknown>[]): Promise<void> {
  await batchWriteAll(config.recordsTable(), items, { concurrency: 8 });
}

// ---------------------------------------------------------------------------
// The run

interface FunctionCounters {
  invocations: number;
  records: number;
  failedRecords: number;
  ms: number;
}
const zero = (): FunctionCounters => ({ invocations: 0, records: 0, failedRecords: 0, ms: 0 });
const minus = (a: FunctionCounters, b: FunctionCounters): FunctionCounters => ({
  invocations: a.invocations - b.invocations,
  records: a.records - b.records,
  failedRecords: a.failedRecords - b.failedRecords,
  ms: a.ms - b.ms,
});

async function main(): Promise<void> {
  const opts = options();
  const results: Record<string, unknown> = {
    command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
    startedAt: new Date().toISOString(),
    machine: { node: process.version, cpus: (await import('node:os')).cpus().length, platform: process.platform },
    prices: PRICES,
  };

  // The city
  let t = performance.now();
  const city = generateCity({ members: opts.members, seed: opts.seed, badRows: true });
  const yearEvents = opts.events === undefined ? city.events : city.events.slice(0, opts.events);
  const naiveCount = Math.min(opts.naiveEvents, Math.floor(yearEvents.length / 4));
  const latencyCount = Math.min(opts.latencyEvents, Math.floor(yearEvents.length / 4));
  const mainEvents = yearEvents.slice(0, yearEvents.length - latencyCount - naiveCount);
  const pacedEvents = yearEvents.slice(mainEvents.length, mainEvents.length + latencyCount);
  const naiveEvents = yearEvents.slice(mainEvents.length + latencyCount);
  log(`city: ${opts.members} members, ${city.orgEvents.length} org events, ${city.events.length} events in ${city.year} (${yearEvents.length} used), generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  results.city = { ...city.stats, seed: opts.seed, year: city.year, orgEvents: city.orgEvents.length, yearEvents: city.events.length, eventsUsed: yearEvents.length };

  // Bundles first, while the machine is idle
  log('bundling the Lambdas and timing their cold init…');
  results.bundles = await measureBundles();

  // The ceiling, then the emulators of the run
  log("measuring DynamoDB Local's transaction rate…");
  results.ceiling = await measureCeiling();
  log(`ceiling: ${JSON.stringify(results.ceiling)}`);
  const emulators = await startEmulators();
  log(`emulators up: DynamoDB Local ${emulators.dynamodbEndpoint}, fauxqs ${emulators.sqsEndpoint}`);

  // The stack, with the real handlers wrapped to count, time and see what they finish
  const meter = new CapacityMeter((name) => name.replace(/^bench-/, ''));
  const counters = { ingest: zero(), figures: zero(), naive: zero() };
  const enqueuedAt = new Map<string, number>();
  /** Events the ingest is done with (applied, duplicate or rejected): their successors may go. */
  const processed = new Set<string>();
  const reflectedAt = new Map<string, number>();
  const naiveReflectedAt = new Map<string, number>();
  const ingestReal = (await import('../functions/ingest/handler.js')).handler as unknown as SqsHandler;
  const figuresReal = (await import('../functions/figures/handler.js')).handler as unknown as StreamHandler;
  const ingest: SqsHandler = async (event: SQSEvent, context: Context) => {
    const t0 = performance.now();
    try {
      const response = (await withComponent('ingest', () => ingestReal(event, context))) as SQSBatchResponse | undefined;
      const failed = response?.batchItemFailures?.length ?? 0;
      const failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      for (const r of event.Records) {
        if (failedIds.has(r.messageId)) continue;
        try {
          processed.add(String((JSON.parse(r.body) as { id?: unknown }).id));
        } catch {
          // not JSON: nothing depends on it
        }
      }
      counters.ingest.records += event.Records.length - failed;
      counters.ingest.failedRecords += failed;
      return response;
    } finally {
      counters.ingest.invocations += 1;
      counters.ingest.ms += performance.now() - t0;
    }
  };
  const markersOf = (event: DynamoDBStreamEvent) =>
    event.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '').filter((pk) => pk.startsWith('EVENT#')).map((pk) => pk.slice('EVENT#'.length));
  const figures: StreamHandler = async (event, context) => {
    const t0 = performance.now();
    try {
      const response = await withComponent('figures', () => figuresReal(event, context));
      const now = Date.now();
      for (const id of markersOf(event)) if (!reflectedAt.has(id)) reflectedAt.set(id, now);
      counters.figures.records += event.Records.length;
      return response;
    } finally {
      counters.figures.invocations += 1;
      counters.figures.ms += performance.now() - t0;
    }
  };
  const work = mkdtempSync(join(tmpdir(), 'dangvien-bench-'));
  const checkpointFile = join(work, 'stream-checkpoints.json');
  const stack: LocalStack = await withComponent('runner', () =>
    startLocalStack({
      endpoints: emulators,
      prefix: 'bench',
      visibilityTimeout: 10,
      concurrency: opts.concurrency,
      checkpointFile,
      handlers: { ingest, figures },
      log: (line) => log(line),
    }),
  );
  meter.installOnDynamo(dynamoClient());
  meter.installOnSqs(sqsClient());
  const queueUrl = stack.env.INGEST_QUEUE_URL!;
  const settle = (what: string) => withComponent('settle', () => stack.settle({ timeoutMs: 60 * 60_000 })).then(() => log(`${what}: settled`));

  /** Hands events to the queue in batches of ten, as a producer does, noting when. */
  const send = async (chunk: Envelope[]) => {
    const now = Date.now();
    for (const e of chunk) enqueuedAt.set(e.id, now);
    await withComponent('producer', () => sendEvents(queueUrl, chunk.map((e) => outgoing(JSON.stringify(e)))));
  };
  /**
   * Sends in order, at most `maxBacklog` unprocessed at a time; an event whose story
   * predecessor (`city.after`) is not processed yet waits for it, as it would in the
   * world (the step is taken days after the dossier arrives), and the rest go on.
   */
  const produce = async (events: Envelope[], opts: { maxBacklog?: number } = {}) => {
    const held: Envelope[] = [];
    const ready = (e: Envelope) => city.after[e.id] === undefined || processed.has(city.after[e.id]!);
    let i = 0;
    while (i < events.length || held.length > 0) {
      const chunk: Envelope[] = [];
      for (let k = 0; k < held.length && chunk.length < 10; ) {
        if (ready(held[k]!)) chunk.push(...held.splice(k, 1));
        else k++;
      }
      while (chunk.length < 10 && i < events.length) {
        const e = events[i++]!;
        if (ready(e)) chunk.push(e);
        else held.push(e);
      }
      if (chunk.length === 0) {
        await sleep(10);
        continue;
      }
      while (opts.maxBacklog !== undefined && enqueuedAt.size - counters.ingest.records > opts.maxBacklog) await sleep(10);
      await send(chunk);
    }
  };
  const phase = () => ({ at: performance.now(), capacity: meter.snapshot(), counters: structuredClone(counters) });
  const phaseEnd = (p: ReturnType<typeof phase>) => ({
    seconds: (performance.now() - p.at) / 1000,
    capacity: meter.since(p.capacity),
    ingest: minus(counters.ingest, p.counters.ingest),
    figures: minus(counters.figures, p.counters.figures),
    naive: minus(counters.naive, p.counters.naive),
  });

  try {
    // 1. The org tree (one FIFO message group, so one at a time)
    const orgsVia = opts.orgs ?? (city.orgEvents.length <= 1000 ? 'queue' : 'direct');
    log(`registering ${city.orgEvents.length} orgs and targets (${orgsVia})…`);
    let p = phase();
    if (orgsVia === 'queue') await produce(city.orgEvents);
    else await withComponent('orgs', () => registerOrgsDirect(city.orgEvents));
    await settle('orgs');
    const orgsPhase = phaseEnd(p);
    results.orgs = { events: city.orgEvents.length, via: orgsVia, seconds: round(orgsPhase.seconds, 1), eventsPerSecond: round(city.orgEvents.length / orgsPhase.seconds, 1) };

    // 2. The bulk import, then the figures following it through the stream
    log(`importing ${opts.members} members (+${city.badRows.length} bad rows)…`);
    p = phase();
    let lastTenth = -1;
    const summary = await withComponent('import', () =>
      importMembers(city.csv, {
        onProgress: (q) => {
          const tenth = Math.floor((q.rowsDone / Math.max(1, q.rows)) * 10);
          if (tenth !== lastTenth) log(`import: ${q.rowsDone}/${q.rows} rows`);
          lastTenth = tenth;
        },
      }),
    );
    const importWrite = (performance.now() - p.at) / 1000;
    await settle('import');
    const importPhase = phaseEnd(p);
    const afterImport = await buildReport(city.rootId, { date: `${city.year - 1}-12-31` });
    const badLinesOk = JSON.stringify(summary.badRows.map((b) => [b.line, b.reason])) === JSON.stringify(city.badRows.map((b) => [b.line, b.reason]));
    const importTotals = totals(importPhase.capacity, ['import']);
    const importFiguresTotals = totals(importPhase.capacity, ['figures']);
    results.import = {
      rows: summary.rows,
      imported: summary.imported,
      skipped: summary.skipped,
      badRows: summary.badRows,
      badRowsAsExpected: badLinesOk,
      writeSeconds: round(importWrite, 1),
      rowsPerSecond: round(summary.rows / importWrite, 0),
      figuresCaughtUpSeconds: round(importPhase.seconds - importWrite, 1),
      totalSeconds: round(importPhase.seconds, 1),
      reportMembersTotal: afterImport.members.total,
      reportMatches: afterImport.members.total === summary.imported,
      capacityUnitsPerMember: { import: round(importTotals.total / summary.imported, 2), figures: round(importFiguresTotals.total / summary.imported, 2) },
      figuresInvocations: importPhase.figures.invocations,
      byOperation: importPhase.capacity.dynamo.map((l) => ({ ...l, capacityUnits: round(l.capacityUnits, 1) })),
    };
    log(`import: ${JSON.stringify(results.import, (k, v) => (k === 'badRows' ? undefined : v))}`);
    if (!badLinesOk || afterImport.members.total !== summary.imported) throw new Error('the import did not give the expected result: see results.import');

    // 3. The year at full speed: the producer keeps at most 2,000 events queued
    log(`sending ${mainEvents.length} events at full speed…`);
    p = phase();
    const progress = setInterval(() => {
      const reflected = mainEvents.filter((e) => reflectedAt.has(e.id)).length;
      log(`events: ${counters.ingest.records - p.counters.ingest.records}/${mainEvents.length} through the ingest, ${reflected} in the figures`);
    }, 30_000);
    try {
      await produce(mainEvents, { maxBacklog: 2000 });
      await settle('events');
    } finally {
      clearInterval(progress);
    }
    const mainPhase = phaseEnd(p);
    const mainLatencies = mainEvents.map((e) => (reflectedAt.get(e.id) ?? NaN) - enqueuedAt.get(e.id)!).filter(Number.isFinite);
    const throughput = mainEvents.length / mainPhase.seconds;
    log(`events: ${round(throughput, 1)} events/s`);

    // 4. Latency at a steady pace well below the throughput
    const rate = Math.max(1, Math.min(20, Math.floor(throughput / 2)));
    log(`sending ${pacedEvents.length} events at ${rate}/s for latency…`);
    const paced = phase();
    const t0 = Date.now();
    for (const [k, e] of pacedEvents.entries()) {
      const due = t0 + (k * 1000) / rate;
      if (due > Date.now()) await sleep(due - Date.now());
      if (city.after[e.id]) await waitFor([city.after[e.id]!], processed);
      await send([e]);
    }
    await waitFor(pacedEvents.map((e) => e.id), reflectedAt, 600_000);
    await settle('paced');
    const pacedPhase = phaseEnd(paced);
    const latencies = pacedEvents.map((e) => reflectedAt.get(e.id)! - enqueuedAt.get(e.id)!);

    // 5. The naive baseline: a second stream consumer from where the real one is now;
    // each event sent alone and waited for, so that nothing else is in its time.
    const naiveTable = 'bench-NaiveFigures';
    await createTable(dynamoClient(), FIGURES_TABLE, naiveTable);
    const naiveCheckpoint = join(work, 'naive-checkpoints.json');
    if (existsSync(checkpointFile)) copyFileSync(checkpointFile, naiveCheckpoint);
    const naiveHandler = createNaiveFiguresHandler({ figuresTable: naiveTable, onReflected: (id, at) => naiveReflectedAt.set(id, at) });
    const naiveRunner = withComponent('runner', () =>
      startStreamRunner({
        dynamo: dynamoClient(),
        streams: streamsClient(),
        tableName: stack.env.RECORDS_TABLE_NAME!,
        handler: (async (event: DynamoDBStreamEvent) => {
          const t1 = performance.now();
          try {
            return await withComponent('naive', () => naiveHandler(event));
          } finally {
            counters.naive.invocations += 1;
            counters.naive.records += event.Records.length;
            counters.naive.ms += performance.now() - t1;
          }
        }) as StreamHandler,
        functionName: 'naive-figures',
        batchSize: FIGURES_SOURCE.batchSize,
        retryAttempts: FIGURES_SOURCE.retryAttempts,
        checkpointFile: naiveCheckpoint,
        onError: (error) => log(`naive: ${(error as Error).message}`),
      }),
    );
    log(`naive baseline: ${naiveEvents.length} events, one at a time…`);
    const naive = phase();
    const naiveLatencies: number[] = [];
    const sameEventsLatencies: number[] = [];
    for (const e of naiveEvents) {
      if (city.after[e.id]) await waitFor([city.after[e.id]!], processed);
      await send([e]);
      await waitFor([e.id], naiveReflectedAt, 30 * 60_000);
      await waitFor([e.id], reflectedAt, 600_000);
      naiveLatencies.push(naiveReflectedAt.get(e.id)! - enqueuedAt.get(e.id)!);
      sameEventsLatencies.push(reflectedAt.get(e.id)! - enqueuedAt.get(e.id)!);
      log(`naive: ${e.type} reflected after ${naiveLatencies[naiveLatencies.length - 1]} ms (dangvien: ${sameEventsLatencies[sameEventsLatencies.length - 1]} ms)`);
    }
    await settle('naive');
    const naivePhase = phaseEnd(naive);
    await naiveRunner.stop();
    // The naive figures are the real ones: same records, same counting.
    const tree = new OrgTree(await loadAllOrgs());
    const naiveRoot = await withComponent('check', () => recountSubtree(tree, city.rootId));
    const realRoot = (await readFigures([{ orgId: city.rootId, kind: 'subtree' }])).get(`subtree:${city.rootId}`)?.figures;
    // Both count the current figures only the same way; the yearly ones the naive way skips.
    const rootDifferences = diffFigures({ current: naiveRoot.current }, { current: realRoot?.current });

    // 6. Exact at the end?
    log('recompute --check…');
    const checkStart = performance.now();
    const differences = await withComponent('check', () => recomputeFigures({ write: false }));
    const checkSeconds = (performance.now() - checkStart) / 1000;
    const rejected = await listRejected();
    const waiting = await listWaiting();
    const finalReport = await buildReport(city.rootId, { date: `${city.year}-12-31` });

    // Results
    const perEvent = (phaseResult: ReturnType<typeof phaseEnd>, events: number, components: string[], fn: 'ingest' | 'figures' | 'naive' | Array<'ingest' | 'figures' | 'naive'>) => {
      const t = totals(phaseResult.capacity, components);
      const fns = Array.isArray(fn) ? fn : [fn];
      const invocations = fns.reduce((n, f) => n + phaseResult[f].invocations, 0);
      const ms = fns.reduce((n, f) => n + phaseResult[f].ms, 0);
      const sqs = sqsBilledRequests(phaseResult.capacity, ['producer', 'runner']);
      const cost = {
        dynamodb: (t.read * PRICES.dynamoReadRequestUnit + t.write * PRICES.dynamoWriteRequestUnit) / events * 1e6,
        lambdaRequests: (invocations * PRICES.lambdaRequest) / events * 1e6,
        sqs: (sqs * PRICES.sqsFifoRequest) / events * 1e6,
        lambdaComputeUpperBound: ((ms / 1000) * LAMBDA_MEMORY_GB * PRICES.lambdaArmGbSecond) / events * 1e6,
      };
      return {
        capacityUnits: round(t.total / events, 2),
        readUnits: round(t.read / events, 2),
        writeUnits: round(t.write / events, 2),
        requests: round(t.requests / events, 2),
        invocations: round(invocations / events, 3),
        sqsRequests: round(sqs / events, 3),
        handlerMs: round(ms / events, 1),
        costPerMillionEvents: {
          dynamodb: round(cost.dynamodb),
          lambdaRequests: round(cost.lambdaRequests),
          sqs: round(cost.sqs),
          total: round(cost.dynamodb + cost.lambdaRequests + cost.sqs),
          lambdaComputeUpperBound: round(cost.lambdaComputeUpperBound),
        },
      };
    };
    const byFunction = (s: Snapshot) => s.dynamo.map((l) => ({ ...l, capacityUnits: round(l.capacityUnits, 1) }));
    const eff = perEvent(mainPhase, mainEvents.length, ['ingest', 'figures'], ['ingest', 'figures']);
    const effOneByOne = perEvent(naivePhase, naiveEvents.length, ['ingest', 'figures'], ['ingest', 'figures']);
    const nai = perEvent(naivePhase, naiveEvents.length, ['ingest', 'naive'], ['ingest', 'naive']);
    const naiveSeconds = naivePhase.seconds;
    results.events = {
      sent: mainEvents.length,
      seconds: round(mainPhase.seconds, 1),
      eventsPerSecond: round(throughput, 1),
      latencyUnderFullLoadMs: { p50: percentile(mainLatencies, 50), p99: percentile(mainLatencies, 99) },
      deferredDeliveries: mainPhase.ingest.failedRecords,
      perEvent: eff,
      byOperation: byFunction(mainPhase.capacity),
      sqs: mainPhase.capacity.sqs,
      figuresInvocations: mainPhase.figures.invocations,
      ingestInvocations: mainPhase.ingest.invocations,
      byType: Object.fromEntries(Object.entries(countTypes(mainEvents))),
    };
    results.latency = {
      events: pacedEvents.length,
      ratePerSecond: rate,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      maxMs: Math.max(...latencies),
      perEvent: perEvent(pacedPhase, pacedEvents.length, ['ingest', 'figures'], ['ingest', 'figures']),
    };
    results.naive = {
      events: naiveEvents.length,
      types: countTypes(naiveEvents),
      seconds: round(naiveSeconds, 1),
      eventsPerSecond: round(naiveEvents.length / naiveSeconds, 3),
      p50Ms: percentile(naiveLatencies, 50),
      p99Ms: percentile(naiveLatencies, 99),
      perEvent: nai,
      naiveFiguresOnly: round(totals(naivePhase.capacity, ['naive']).total / naiveEvents.length, 1),
      sameEventsDangvien: { perEvent: effOneByOne, p50Ms: percentile(sameEventsLatencies, 50), p99Ms: percentile(sameEventsLatencies, 99) },
      byOperation: byFunction(naivePhase.capacity),
      rootFiguresAgree: rootDifferences.length === 0,
      rootDifferences,
    };
    results.ratio = {
      capacityUnitsPerEvent: round(nai.capacityUnits / eff.capacityUnits, 0),
      capacityUnitsPerEventSameEventsOneByOne: round(nai.capacityUnits / effOneByOne.capacityUnits, 0),
      eventsPerSecond: round(throughput / (naiveEvents.length / naiveSeconds), 0),
      p50: round(percentile(naiveLatencies, 50) / percentile(latencies, 50), 0),
    };
    results.check = {
      recomputeDifferences: differences.length,
      recomputeSeconds: round(checkSeconds, 1),
      rejected: rejected.length,
      waiting: waiting.length,
      finalMembersTotal: finalReport.members.total,
      finalAdmissions: finalReport.admissions.total,
      finalReport: { members: finalReport.members, admissions: finalReport.admissions, organizations: finalReport.organizations, dossiers: finalReport.dossiers, transfers: finalReport.transfers },
    };
    results.totalSeconds = round((performance.now() - started) / 1000, 0);

    const file = join(HERE, 'results', `${opts.members}.json`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
    console.log(render(results, opts.members));
    console.log(`\nresults: ${file}`);
    if (differences.length > 0 || rejected.length > 0 || waiting.length > 0) {
      console.error(`NOT EXACT: ${differences.length} figure differences, ${rejected.length} rejected, ${waiting.length} waiting`);
      process.exitCode = 1;
    }
  } finally {
    await stack.stop().catch(() => undefined);
    await emulators.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

async function waitFor(ids: string[], map: Map<string, number> | Set<string>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ids.every((id) => map.has(id))) {
    if (Date.now() > deadline) throw new Error(`${ids.filter((id) => !map.has(id)).length} events never reflected`);
    await sleep(10);
  }
}

function countTypes(events: Envelope[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.type] = (out[e.type] ?? 0) + 1;
  return out;
}

// ---------------------------------------------------------------------------
// The table

function render(r: Record<string, any>, members: number): string {
  const fmt = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–');
  const usd = (n: number) => `$${fmt(n, 2)}`;
  const e = r.events;
  const n = r.naive;
  const lines = [
    `### ${fmt(members)} members — ${r.city.orgEvents} orgs, ${fmt(r.city.eventsUsed)} events of ${r.city.year}`,
    '',
    '| | dangvien (recount the cell, merge up) | naive (recount every subtree on the path, per event) | naive ÷ dangvien |',
    '|---|---:|---:|---:|',
    `| events/s end to end | ${fmt(e.eventsPerSecond, 1)} | ${fmt(n.eventsPerSecond, 2)} | 1/${fmt(r.ratio.eventsPerSecond)} |`,
    `| enqueue → report, p50 / p99 | ${fmt(r.latency.p50Ms)} / ${fmt(r.latency.p99Ms)} ms | ${fmt(n.p50Ms)} / ${fmt(n.p99Ms)} ms | ${fmt(r.ratio.p50)}× |`,
    `| capacity units per event | ${fmt(e.perEvent.capacityUnits, 1)} (${fmt(e.perEvent.readUnits, 1)} R + ${fmt(e.perEvent.writeUnits, 1)} W) | ${fmt(n.perEvent.capacityUnits, 0)} (${fmt(n.perEvent.readUnits, 0)} R + ${fmt(n.perEvent.writeUnits, 0)} W) | ${fmt(r.ratio.capacityUnitsPerEvent)}× |`,
    `| … the same ${n.events} events, one at a time | ${fmt(n.sameEventsDangvien.perEvent.capacityUnits, 1)} | ${fmt(n.perEvent.capacityUnits, 0)} | ${fmt(r.ratio.capacityUnitsPerEventSameEventsOneByOne)}× |`,
    `| Lambda invocations / SQS requests per event | ${fmt(e.perEvent.invocations, 2)} / ${fmt(e.perEvent.sqsRequests, 2)} | ${fmt(n.perEvent.invocations, 2)} / ${fmt(n.perEvent.sqsRequests, 2)} | |`,
    `| AWS cost per million events (DynamoDB + Lambda requests + SQS) | ${usd(e.perEvent.costPerMillionEvents.total)} | ${usd(n.perEvent.costPerMillionEvents.total)} | ${fmt(n.perEvent.costPerMillionEvents.total / e.perEvent.costPerMillionEvents.total)}× |`,
    `| … Lambda compute at this machine's handler times (upper bound) | ${usd(e.perEvent.costPerMillionEvents.lambdaComputeUpperBound)} | ${usd(n.perEvent.costPerMillionEvents.lambdaComputeUpperBound)} | |`,
    '',
    `| bulk import | |`,
    '|---|---:|',
    `| rows (bad rows reported and skipped) | ${fmt(r.import.rows)} (${r.import.badRows.length}: lines ${r.import.badRows.map((b: { line: number }) => b.line).join(', ')}) |`,
    `| write time, rows/s | ${fmt(r.import.writeSeconds, 1)} s, ${fmt(r.import.rowsPerSecond)} |`,
    `| figures caught up after the last write | ${fmt(r.import.figuresCaughtUpSeconds, 1)} s |`,
    `| capacity units per member (import + figures) | ${fmt(r.import.capacityUnitsPerMember.import, 1)} + ${fmt(r.import.capacityUnitsPerMember.figures, 1)} |`,
    `| report members.total after the import | ${fmt(r.import.reportMembersTotal)} (${r.import.reportMatches ? 'exact' : 'WRONG'}) |`,
    `| \`recompute --check\` at the end | ${r.check.recomputeDifferences === 0 ? 'clean' : `${r.check.recomputeDifferences} differences`} (${fmt(r.check.recomputeSeconds, 1)} s); ${r.check.rejected} rejected, ${r.check.waiting} waiting |`,
    '',
    `| this machine | |`,
    '|---|---:|',
    `| org tree (${r.orgs.events} events, one FIFO group) | ${fmt(r.orgs.seconds, 1)} s |`,
    `| DynamoDB Local: 2-item TransactWriteItems, ${r.ceiling.workers} workers | ${fmt(r.ceiling.transactionsPerSecond)}/s (${r.ceiling.capacityUnitsPerTransaction} WCU each) |`,
    ...r.bundles.map((b: BundleResult) => `| λ ${b.function}: bundle, zipped, cold init | ${fmt(b.bytes / 1024)} KiB, ${fmt(b.zippedBytes / 1024)} KiB, ${fmt(b.coldInitMs)} ms |`),
    `| whole run | ${fmt(r.totalSeconds / 60, 1)} min |`,
  ];
  return lines.join('\n');
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
