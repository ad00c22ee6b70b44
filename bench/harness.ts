// bench: the embedded stack with the real handlers wrapped to count, time and see what
// they finish; the producer that sends the city's events in story order; and phases
// (what the meter and the counters say between two moments).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Context, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { startEmulators, type Emulators } from '../local/emulators.js';
import { startLocalStack, type LocalStack } from '../local/stack.js';
import type { StreamHandler } from '../local/runners/stream-runner.js';
import type { SqsHandler } from '../local/runners/sqs-runner.js';
import { createFiguresHandler, type FiguresHandlerDeps } from '../functions/figures/handler.js';
import { createIngestHandler, type IngestHandlerDeps } from '../functions/ingest/handler.js';
import { eventIdOfMarkerPk } from '../shared/data/keys.js';
import { sendAll } from '../shared/data/queue-sender.js';
import type { RecordsTable } from '../shared/data/records-table.js';
import { outgoing } from '../shared/domain/events/outgoing.js';
import { countedRecords, FIGURES_RECORDS } from './as-of-counting.js';
import { CapacityMeter, withComponent, withTag, type Snapshot } from './capacity.js';
import type { NaiveReads } from './naive.js';
import type { City, Envelope } from './city.js';
import { SOURCE, STRUCTURE_SOURCE } from './city/tree.js';

export interface FunctionCounters {
  records: number;
  failedRecords: number;
  /** Each invocation's duration, in order: their number, their sum, and the longest (what meets the function's timeout). */
  invocationMs: number[];
}
const zero = (): FunctionCounters => ({ records: 0, failedRecords: 0, invocationMs: [] });
const minus = (a: FunctionCounters, b: FunctionCounters): FunctionCounters => ({
  records: a.records - b.records,
  failedRecords: a.failedRecords - b.failedRecords,
  invocationMs: a.invocationMs.slice(b.invocationMs.length),
});

/** Notes one invocation that started at `t0` (performance.now()). */
export function noteInvocation(c: FunctionCounters, t0: number): void {
  c.invocationMs.push(performance.now() - t0);
}

export type Counted = 'ingest' | 'figures' | 'naive';

/** What happened between a phase's start and its end. */
export interface PhaseResult extends Record<Counted, FunctionCounters> {
  seconds: number;
  capacity: Snapshot;
}

interface PhaseStart {
  at: number;
  capacity: Snapshot;
  counters: Record<Counted, FunctionCounters>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The running bench stack and what it has seen. */
export class BenchStack {
  readonly counters: Record<Counted, FunctionCounters> = { ingest: zero(), figures: zero(), naive: zero() };
  /** Event id → when it was handed to the queue. */
  readonly enqueuedAt = new Map<string, number>();
  /** Events the ingest is done with (applied, duplicate or rejected): their successors may go. */
  readonly processed = new Set<string>();
  /** Event id → when the figures handler saw its marker. */
  readonly reflectedAt = new Map<string, number>();
  /** The same for the naive baseline's handler. */
  readonly naiveReflectedAt = new Map<string, number>();
  stack!: LocalStack;

  private constructor(
    readonly emulators: Emulators,
    readonly work: string,
    private readonly city: City,
    private readonly log: (line: string) => void,
    private readonly scopeRoots: readonly string[],
    /** What the ingest's calls are counted as: `ingest`, or `ingest-only` on a stack without figures. */
    private readonly ingestComponent = 'ingest',
    readonly meter = new CapacityMeter((name) => name.replace(/^bench-/, '')),
  ) {}

  /** Event id → type, for the events of the city (what a stream record's `lastEventId` names). */
  private typeOfEvent?: Map<string, string>;

  /**
   * Starts the emulators and the stack with the wrapped handlers. `scopeRoots`: the roots
   * whose subtrees the events' producer may reach (default the city's root; the projection
   * has one tree per shape).
   */
  static async start(
    city: City,
    concurrency: number,
    log: (line: string) => void,
    scopeRoots: readonly string[] = [city.rootId],
  ): Promise<BenchStack> {
    const emulators = await startEmulators();
    log(`emulators up: DynamoDB Local ${emulators.dynamodbEndpoint}, fauxqs ${emulators.sqsEndpoint}`);
    const bench = new BenchStack(emulators, mkdtempSync(join(tmpdir(), 'dangvien-bench-')), city, log, scopeRoots);
    const handlers = {
      ingest: (deps: IngestHandlerDeps) => bench.countedIngest(deps),
      figures: (deps: FiguresHandlerDeps) => bench.countedFigures(deps),
    };
    bench.stack = await withComponent('runner', () =>
      startLocalStack({
        endpoints: emulators,
        prefix: 'bench',
        visibilityTimeout: 10,
        concurrency,
        checkpointFile: bench.checkpointFile,
        // Producer scoping on, as deployed: the ingest reads this registry every batch.
        producersFile: bench.registryFile(),
        // In the bench's private work folder (mkdtemp: 0700), removed with it.
        personalDataKeyFile: join(bench.work, 'personal-data.key'),
        handlers,
        log,
      }),
    );
    bench.meter.installOnDynamo(bench.stack.clients.dynamo);
    bench.meter.installOnSqs(bench.stack.clients.sqs);
    return bench;
  }

  /**
   * A second stack, on emulators of its own, with the same producers and personal-data
   * key and no figures function: the ingest alone. Its calls are counted by `main`'s meter
   * as `ingest-only`. Not on `main`'s emulators: DynamoDB Local keeps every table's
   * stream records in one SQLite database behind one thread, and a write to a second
   * table with a stream pays for the first table's records (measured in bench/README.md
   * "Why the ingest alone runs on a DynamoDB Local of its own": 1,000 member items took
   * 25–37 s there, against 0.6 s on the main table).
   */
  static async startBeside(main: BenchStack, prefix: string, concurrency: number): Promise<BenchStack> {
    const emulators = await startEmulators();
    const work = mkdtempSync(join(tmpdir(), 'dangvien-bench-io-'));
    const bench = new BenchStack(emulators, work, main.city, main.log, main.scopeRoots, 'ingest-only', main.meter);
    bench.stack = await withComponent('runner', () =>
      startLocalStack({
        endpoints: emulators,
        prefix,
        visibilityTimeout: 10,
        concurrency,
        checkpointFile: bench.checkpointFile,
        producersFile: bench.registryFile(),
        personalDataKeyFile: join(main.work, 'personal-data.key'),
        handlers: { ingest: (deps: IngestHandlerDeps) => bench.countedIngest(deps) },
        figures: false,
        log: main.log,
      }),
    );
    main.meter.installOnDynamo(bench.stack.clients.dynamo);
    main.meter.installOnSqs(bench.stack.clients.sqs);
    return bench;
  }

  /**
   * The registry the bench's events are sent under: the city's own system (`*`) sends the
   * org tree, which needs it for a new root; the province's system — scoped to the
   * province's subtree, so every one of its events walks the chains above what it
   * reaches, as a district's would — sends everything else, the city's whole year as
   * fast as the stack takes it: far above a district's default quota of events a minute
   * (docs/producers.md "Quotas"), so its entry raises it, as an operator would for a replay.
   */
  private registryFile(): string {
    const file = join(this.work, 'producers.json');
    const producers = [
      { senderId: STRUCTURE_SENDER, name: 'bench: org tree', sources: [STRUCTURE_SOURCE], orgs: ['*'] },
      {
        senderId: PROVINCE_SENDER,
        name: 'bench: the province',
        sources: [SOURCE],
        orgs: [...this.scopeRoots],
        quotas: { eventsPerMinute: 1_000_000 },
      },
    ];
    writeFileSync(file, JSON.stringify({ producers }));
    return file;
  }

  get checkpointFile(): string {
    return join(this.work, 'stream-checkpoints.json');
  }

  /** The stack's Records table, for what the bench writes and reads there itself. */
  get records(): RecordsTable {
    return { documentClient: this.stack.clients.documentClient, tableName: this.stack.env.RECORDS_TABLE_NAME! };
  }

  /** Where the naive baseline reads (bench/naive.ts): the same tables and index as the real figures. */
  get naiveReads(): NaiveReads {
    return { records: this.records };
  }

  async stop(): Promise<void> {
    await this.stack?.stop().catch(() => undefined);
    await this.emulators.stop();
    rmSync(this.work, { recursive: true, force: true });
  }

  /**
   * The real ingest handler, counting and noting which events it is done with. The org
   * events of a batch (one FIFO group, `orgs`) go to it one at a time, each tagged with its
   * type, so that their units can be told apart (`orgEvents.byType`); once one of them
   * fails, the group's later ones fail too without being tried, as the handler does for a
   * group.
   */
  private countedIngest(deps: IngestHandlerDeps): SqsHandler {
    const real = createIngestHandler(deps) as unknown as SqsHandler;
    const run = async (records: SQSEvent['Records'], context: Context): Promise<Array<{ itemIdentifier: string }>> => {
      if (records.length === 0) return [];
      const response = (await withComponent(this.ingestComponent, () => real({ Records: records }, context))) as
        | SQSBatchResponse
        | undefined;
      return response?.batchItemFailures ?? [];
    };
    return async (event: SQSEvent, context: Context) => {
      const t0 = performance.now();
      try {
        const orgRecords = event.Records.filter((r) => orgEventType(r.body) !== undefined);
        const failures = await run(
          event.Records.filter((r) => !orgRecords.includes(r)),
          context,
        );
        for (const r of orgRecords) {
          if (failures.some((f) => orgRecords.some((o) => o.messageId === f.itemIdentifier))) {
            failures.push({ itemIdentifier: r.messageId });
            continue;
          }
          failures.push(...(await withTag(orgEventType(r.body)!, () => run([r], context))));
        }
        const failedIds = new Set(failures.map((f) => f.itemIdentifier));
        for (const r of event.Records) if (!failedIds.has(r.messageId)) this.noteProcessed(r.body);
        this.counters.ingest.records += event.Records.length - failedIds.size;
        this.counters.ingest.failedRecords += failedIds.size;
        return { batchItemFailures: failures };
      } finally {
        noteInvocation(this.counters.ingest, t0);
      }
    };
  }

  private noteProcessed(body: string): void {
    try {
      this.processed.add(String((JSON.parse(body) as { id?: unknown }).id));
    } catch {
      // not JSON: nothing depends on it
    }
  }

  /** The real figures handler, counting and noting when each event's marker reached it. */
  private countedFigures(deps: FiguresHandlerDeps): StreamHandler {
    // The real handler on the real store, its contributions and facts counted apart.
    const real = createFiguresHandler({ store: countedRecords(deps.store, FIGURES_RECORDS) }) as unknown as StreamHandler;
    const run = (records: DynamoDBStreamEvent['Records'], context: Context) =>
      withComponent('figures', () => real({ Records: records }, context));
    return async (event, context) => {
      const t0 = performance.now();
      try {
        // An org change that reshapes the tree (a move, a merger) goes first, on its own and
        // tagged with its event's type (`orgEvents.byType`); the figures are made from the
        // records as they are, whatever order a batch's records are taken in.
        const reshaping = new Map<string, DynamoDBStreamEvent['Records']>();
        for (const r of event.Records) {
          const type = this.reshapingType(r);
          if (type) reshaping.set(type, [...(reshaping.get(type) ?? []), r]);
        }
        for (const [type, records] of reshaping) {
          const part = (await withTag(type, () => run(records, context))) as { batchItemFailures?: unknown[] } | undefined;
          // A failure in a part: the whole batch again (idempotent), never a checkpoint past the rest.
          if (part?.batchItemFailures?.length) throw new Error(`figures: a ${type} part of a batch failed`);
        }
        const taken = new Set([...reshaping.values()].flat());
        const response = await run(
          event.Records.filter((r) => !taken.has(r)),
          context,
        );
        const now = Date.now();
        for (const id of markersOf(event)) if (!this.reflectedAt.has(id)) this.reflectedAt.set(id, now);
        this.counters.figures.records += event.Records.length;
        return response;
      } finally {
        noteInvocation(this.counters.figures, t0);
      }
    };
  }

  /** The type of the event whose org change this stream record is, when it moves or dissolves an org. */
  private reshapingType(r: DynamoDBStreamEvent['Records'][number]): string | undefined {
    const now = r.dynamodb?.NewImage;
    const was = r.dynamodb?.OldImage;
    if (now?.pk?.S !== 'ORGS' || was === undefined) return undefined;
    if (now.parentId?.S === was.parentId?.S && now.status?.S === was.status?.S) return undefined;
    this.typeOfEvent ??= new Map([...this.city.events, ...this.city.orgEvents].map((e) => [e.id, e.type]));
    return this.typeOfEvent.get(now.lastEventId?.S ?? '');
  }

  /** Waits until nothing is queued or in flight. */
  settle(what: string): Promise<void> {
    return withComponent('settle', () => this.stack.settle()).then(() => this.log(`${what}: settled`));
  }

  /** Hands events to the queue in batches of ten, as a producer does, noting when. */
  async send(chunk: Envelope[]): Promise<void> {
    const now = Date.now();
    for (const e of chunk) this.enqueuedAt.set(e.id, now);
    const queue = this.stack.stores.ingestQueue;
    for (const sender of [STRUCTURE_SENDER, PROVINCE_SENDER]) {
      const mine = chunk.filter((e) => senderOf(e) === sender);
      if (mine.length === 0) continue;
      await withComponent('producer', () =>
        sendAll(
          queue,
          mine.map((e) => outgoing(JSON.stringify(e))),
          { localSender: sender },
        ),
      );
    }
  }

  /** Whether the predecessors (`city.after`) of an event are processed. */
  ready(e: Envelope): boolean {
    return (this.city.after[e.id] ?? []).every((before) => this.processed.has(before));
  }

  /**
   * Sends in order, at most `maxBacklog` unprocessed at a time; an event whose story
   * predecessor is not processed yet waits for it, as it would in the world (the step
   * is taken days after the dossier arrives), and the rest go on.
   */
  async produce(events: Envelope[], opts: { maxBacklog?: number } = {}): Promise<void> {
    const held: Envelope[] = [];
    let i = 0;
    while (i < events.length || held.length > 0) {
      const chunk: Envelope[] = [];
      for (let k = 0; k < held.length && chunk.length < 10; ) {
        if (this.ready(held[k]!)) chunk.push(...held.splice(k, 1));
        else k++;
      }
      while (chunk.length < 10 && i < events.length) {
        const e = events[i++]!;
        if (this.ready(e)) chunk.push(e);
        else held.push(e);
      }
      if (chunk.length === 0) {
        await sleep(10);
        continue;
      }
      while (opts.maxBacklog !== undefined && this.enqueuedAt.size - this.counters.ingest.records > opts.maxBacklog) await sleep(10);
      await this.send(chunk);
    }
  }

  /** Sends one event once its predecessor is processed. */
  async sendAfterPredecessor(e: Envelope): Promise<void> {
    const before = this.city.after[e.id];
    if (before) await waitFor(before, this.processed);
    await this.send([e]);
  }

  phase(): PhaseStart {
    return { at: performance.now(), capacity: this.meter.snapshot(), counters: structuredClone(this.counters) };
  }

  phaseEnd(p: PhaseStart): PhaseResult {
    return {
      seconds: (performance.now() - p.at) / 1000,
      capacity: this.meter.since(p.capacity),
      ingest: minus(this.counters.ingest, p.counters.ingest),
      figures: minus(this.counters.figures, p.counters.figures),
      naive: minus(this.counters.naive, p.counters.naive),
    };
  }
}

const STRUCTURE_SENDER = 'bench-org-tree';
const PROVINCE_SENDER = 'bench-province';
/** Who sends an event (see `registryFile`): the org tree's events go as the city's system. */
const senderOf = (e: Envelope) => (e.type.startsWith('org.') || e.type === 'target.set' ? STRUCTURE_SENDER : PROVINCE_SENDER);

/** The type of an org event's body (one of the `orgs` group), else undefined. */
function orgEventType(body: string): string | undefined {
  try {
    const type = (JSON.parse(body) as { type?: unknown }).type;
    return typeof type === 'string' && (type.startsWith('org.') || type === 'target.set') ? type : undefined;
  } catch {
    return undefined;
  }
}

const markersOf = (event: DynamoDBStreamEvent) =>
  event.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '')
    .filter((pk) => pk.startsWith('EVENT#'))
    .map(eventIdOfMarkerPk);

/** Waits until every id is in `map`. */
export async function waitFor(ids: string[], map: Map<string, number> | Set<string>, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ids.every((id) => map.has(id))) {
    if (Date.now() > deadline) throw new Error(`${ids.filter((id) => !map.has(id)).length} events never reflected`);
    await sleep(10);
  }
}
