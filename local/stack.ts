// local: the embedded default, and the composition root of a local stack's process: the
// very handlers the Lambdas run, built on this stack's clients and stores and driven by
// local runners that behave like AWS's event source mappings, on the emulators.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import {
  INGEST_DLQ,
  INGEST_QUEUE,
  INGEST_SOURCE,
  FIGURES_SOURCE,
  NOTIFICATIONS_QUEUE,
  RECORDS_TABLE,
  FIGURES_TABLE,
} from '../shared/resources.js';
import type { AwsClients } from '../shared/data/aws-clients.js';
import { checkKeyFile, fileMasterSecret, sealedDataExists } from '../shared/data/personal-vault.js';
import { createProducerRegistry } from '../shared/data/producer-registry.js';
import type { DigestOrgs } from '../shared/use-cases/run-reminders-job/index.js';
import { createDynamoStores, type DynamoStores } from '../shared/wiring/stores.js';
import { createFiguresHandler, type FiguresHandlerDeps } from '../functions/figures/handler.js';
import { createIngestHandler, type IngestHandlerDeps } from '../functions/ingest/handler.js';
import { sqsWaitBeforeRetry } from '../functions/ingest/visibility.js';
import { retryQueueWithVisibility } from '../shared/domain/ingest/retry-schedule.js';
import type { RemindersHandlerDeps } from '../functions/reminders/handler.js';
import type { ReportHandlerDeps } from '../functions/report-api/handler.js';
import { localStreamsClient } from './streams-client.js';
import { provision, queueUrlOn, type Provisioned } from './provision.js';
import { emulatorClients } from './use-emulators.js';
import { startSqsRunner, type Runner, type SqsHandler } from './runners/sqs-runner.js';
import { startStreamRunner, type StreamHandler, type StreamRunner } from './runners/stream-runner.js';

export interface Endpoints {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
}

/** What each handler of a local stack is built from: this stack's stores, registry and queue. */
export interface LocalHandlerDeps {
  ingest: IngestHandlerDeps;
  figures: FiguresHandlerDeps;
  reminders: RemindersHandlerDeps;
  report: ReportHandlerDeps;
}

export interface LocalStackOptions {
  endpoints: Endpoints;
  /** Namespace of the tables and queues: one per stack, so several can share emulators. */
  prefix: string;
  /**
   * Build a handler another way from the stack's dependencies (tests wrap its store to
   * inject faults, the bench to count); defaults to the Lambdas' own handlers.
   */
  handlers?: {
    ingest?: (deps: IngestHandlerDeps) => SqsHandler;
    figures?: (deps: FiguresHandlerDeps) => StreamHandler;
  };
  /** Leave the figures out (a test of the ingest alone). */
  figures?: boolean;
  /** Keeps the stream position across restarts. */
  checkpointFile?: string;
  /** Seconds before a failed message is received again (tests shorten it). */
  visibilityTimeout?: number;
  /** Ingest runner concurrency (Lambda's maxConcurrency for the mapping). */
  concurrency?: number;
  /**
   * The personal data master key's file (personal-vault.ts), beside the data it protects
   * the way a KMS key is beside a table; made on first use. Default: one per stack in a
   * private temporary folder of its own (tests, the bench), removed when the stack stops;
   * a stack restarted on the same tables names its file here.
   */
  personalDataKeyFile?: string;
  /** The producer registry file (read every batch); without one, producer scoping is off. */
  producersFile?: string;
  /** The orgs the reminders job sends a digest for (default: none). */
  digestOrgs?: DigestOrgs;
  log?: (line: string) => void;
}

export interface LocalStack {
  provisioned: Provisioned;
  /** The environment a deployed function would read (table names, queue URLs, topic, the key file). */
  env: Record<string, string>;
  /** This stack's clients on the emulators. */
  clients: AwsClients;
  /** Every store on this stack's tables and queues. */
  stores: DynamoStores;
  /** What each handler is built from. */
  deps: LocalHandlerDeps;
  /** How far the figures are behind the records, in seconds (the stream's iterator age). */
  figuresLagSeconds(): number;
  /**
   * Resolves once the ingest queue is empty and nothing is in flight, figures included.
   * Rejects only when nothing has moved for `stallMs` (no invocation began or ended, the
   * queue's counts stayed the same): a slow machine still moves, a stuck stack does not.
   * Default: twice the ingest queue's visibility timeout (the longest a message may stay
   * out of sight), and at least five minutes.
   */
  settle(opts?: { stallMs?: number }): Promise<void>;
  /**
   * Whether the figures have followed every write to the records made before `instant`
   * (ms), waiting up to `timeoutMs`: what `send --wait` and `import` wait for after their
   * own lines, whatever else is queued or written meanwhile.
   */
  figuresCaughtUp(instant: number, timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
  /** Stops the runners at once, as a kill -9 would (Runner.abort): for tests of a crash of the whole stack. */
  kill(): void;
}

/** Table names, queue URLs and topic, as the CDK stack passes them to the Lambdas. */
export function handlerEnv(p: Provisioned, personalDataKeyFile: string): Record<string, string> {
  return {
    PERSONAL_DATA_MASTER_FILE: personalDataKeyFile,
    RECORDS_TABLE_NAME: p.tables[RECORDS_TABLE.id]!,
    FIGURES_TABLE_NAME: p.tables[FIGURES_TABLE.id]!,
    INGEST_QUEUE_URL: p.queues[INGEST_QUEUE.id]!.url,
    INGEST_DLQ_URL: p.queues[INGEST_DLQ.id]!.url,
    NOTIFICATIONS_QUEUE_URL: p.queues[NOTIFICATIONS_QUEUE.id]!.url,
    NOTIFICATIONS_TOPIC_ARN: p.topicArn,
  };
}

export async function startLocalStack(opts: LocalStackOptions): Promise<LocalStack> {
  const clients = emulatorClients(opts.endpoints);
  const provisioned = await provision({ dynamo: clients.dynamo, sqs: clients.sqs, sns: clients.sns }, opts.prefix, {
    visibilityTimeout: opts.visibilityTimeout,
  });
  for (const queue of Object.values(provisioned.queues)) queue.url = queueUrlOn(opts.endpoints.sqsEndpoint, queue.url);
  // A folder only this user may enter (mkdtemp: 0700, a name nobody can guess beforehand),
  // never a fixed path in the shared temporary directory that another user could plant.
  const keyFolder = opts.personalDataKeyFile ? undefined : mkdtempSync(join(tmpdir(), `dangvien-${opts.prefix}-`));
  const personalDataKeyFile = opts.personalDataKeyFile ?? join(keyFolder!, 'personal-data.key');
  const env = handlerEnv(provisioned, personalDataKeyFile);
  // A waiting event never waits longer than the queue would make it (tests shorten both).
  if (opts.visibilityTimeout !== undefined) env.INGEST_QUEUE_VISIBILITY_SECONDS = String(opts.visibilityTimeout);
  if (opts.producersFile) env.DANGVIEN_PRODUCERS_FILE = opts.producersFile;
  const records = { documentClient: clients.documentClient, tableName: env.RECORDS_TABLE_NAME! };
  // Before any handler runs: a lost or unsafe master key stops the start, not every event.
  await checkKeyFile(personalDataKeyFile, records);
  const stores = createDynamoStores({
    clients,
    recordsTable: env.RECORDS_TABLE_NAME!,
    figuresTable: env.FIGURES_TABLE_NAME!,
    ingestQueueUrl: env.INGEST_QUEUE_URL!,
    deadLetterQueueUrl: env.INGEST_DLQ_URL!,
    topicArn: env.NOTIFICATIONS_TOPIC_ARN!,
    masterSecret: fileMasterSecret(personalDataKeyFile, () => sealedDataExists(records)),
    localSenders: true,
  });
  // One registry for both: who may write (producers) and who may read (readers).
  const loadRegistry = createProducerRegistry(opts.producersFile ? { file: opts.producersFile } : { off: true });
  const deps: LocalHandlerDeps = {
    ingest: {
      store: stores.ingest,
      loadRegistry,
      sourceActivity: stores.sourceActivity,
      holds: stores.holds,
      retryQueue: retryQueueWithVisibility(opts.visibilityTimeout),
      waitBeforeRetry: sqsWaitBeforeRetry({
        sqs: clients.sqs,
        queueUrl: env.INGEST_QUEUE_URL!,
        queue: retryQueueWithVisibility(opts.visibilityTimeout),
      }),
    },
    figures: { store: stores.figures },
    reminders: { store: stores.reminders, digestOrgs: opts.digestOrgs ?? [] },
    report: { reader: stores.figures, loadRegistry },
  };
  const log = opts.log ?? (() => undefined);
  const onError = (error: unknown) => log(`runner: ${(error as Error).name}: ${(error as Error).message}`);

  // Every invocation that begins or ends is progress for settle().
  let moves = 0;
  const counted =
    <E, R>(handler: (event: E, context: Context) => Promise<R>) =>
    async (event: E, context: Context): Promise<R> => {
      moves++;
      try {
        return await handler(event, context);
      } finally {
        moves++;
      }
    };

  const ingestHandler = (opts.handlers?.ingest ?? createIngestHandler)(deps.ingest);
  const ingestQueue = provisioned.queues[INGEST_QUEUE.id]!;
  const runners: Runner[] = [
    startSqsRunner({
      client: clients.sqs,
      queueUrl: ingestQueue.url,
      queueArn: ingestQueue.arn,
      handler: counted(ingestHandler as SqsHandler),
      functionName: 'ingest',
      batchSize: INGEST_SOURCE.batchSize,
      concurrency: opts.concurrency ?? 2,
      onError,
    }),
  ];
  let streamRunner: StreamRunner | undefined;
  if (opts.figures !== false) {
    const figuresHandler = (opts.handlers?.figures ?? createFiguresHandler)(deps.figures);
    streamRunner = startStreamRunner({
      dynamo: clients.dynamo,
      streams: localStreamsClient(opts.endpoints.dynamodbEndpoint),
      tableName: env.RECORDS_TABLE_NAME!,
      handler: counted(figuresHandler as StreamHandler),
      functionName: 'figures',
      batchSize: FIGURES_SOURCE.batchSize,
      retryAttempts: FIGURES_SOURCE.retryAttempts,
      bisectBatchOnError: true,
      checkpointFile: opts.checkpointFile,
      onFailure: (records) => log(`figures: ${records.length} stream records sent to the on-failure destination`),
      onError,
    });
    runners.push(streamRunner);
  }

  /** The ingest queue's messages: visible, in flight, delayed. */
  async function queueCounts(): Promise<number[]> {
    const out = await clients.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: ingestQueue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const a = out.Attributes ?? {};
    return [a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible, a.ApproximateNumberOfMessagesDelayed].map(Number);
  }
  const isEmpty = (counts: number[]) => counts.every((n) => n === 0);
  const defaultStallMs = Math.max(300_000, 2 * (opts.visibilityTimeout ?? INGEST_QUEUE.visibilityTimeout) * 1000);

  return {
    provisioned,
    env,
    clients,
    stores,
    deps,
    figuresLagSeconds: () => streamRunner?.lagSeconds() ?? 0,
    figuresCaughtUp: async (instant, timeoutMs) => (streamRunner ? streamRunner.caughtUpThrough(instant, timeoutMs) : true),
    async settle({ stallMs = defaultStallMs } = {}) {
      let last = '';
      let movedAt = Date.now();
      // Twice in a row quiet: a stream record can land just after a runner went idle.
      let quiet = 0;
      while (quiet < 2) {
        const counts = await queueCounts();
        const state = `${moves} ${counts.join(' ')}`;
        if (state !== last) [last, movedAt] = [state, Date.now()];
        else if (Date.now() - movedAt > stallMs) {
          throw new Error(`the local stack did not settle: nothing moved for ${stallMs / 1000} s (queue ${counts.join('/')})`);
        }
        await Promise.all(runners.map((r) => r.idle()));
        const empty = isEmpty(counts) && isEmpty(await queueCounts());
        quiet = empty ? quiet + 1 : 0;
        if (!empty) await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      await Promise.all(runners.map((r) => r.stop()));
      if (keyFolder) rmSync(keyFolder, { recursive: true, force: true });
    },
    kill() {
      for (const r of runners) r.abort();
    },
  };
}
