// local: the embedded default. The very handler modules the Lambdas run, driven by
// local runners that behave like AWS's event source mappings, on the emulators.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  INGEST_DLQ,
  INGEST_QUEUE,
  INGEST_SOURCE,
  FIGURES_SOURCE,
  NOTIFICATIONS_QUEUE,
  RECORDS_TABLE,
  FIGURES_TABLE,
} from '../shared/resources.js';
import { dynamoClient, resetClients, snsClient, sqsClient } from '../shared/data/clients.js';
import { checkKeyFile } from '../shared/data/personal-vault.js';
import { localStreamsClient } from './streams-client.js';
import { provision, queueUrlOn, type Provisioned } from './provision.js';
import { useEmulators } from './use-emulators.js';
import { startSqsRunner, type Runner, type SqsHandler } from './runners/sqs-runner.js';
import { startStreamRunner, type StreamHandler, type StreamRunner } from './runners/stream-runner.js';

export interface Endpoints {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
}

export interface LocalStackOptions {
  endpoints: Endpoints;
  /** Namespace of the tables and queues: one per stack, so several can share emulators. */
  prefix: string;
  /** Replace a handler (tests inject faults); defaults to the Lambda modules. */
  handlers?: { ingest?: SqsHandler; figures?: StreamHandler };
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
  log?: (line: string) => void;
}

export interface LocalStack {
  provisioned: Provisioned;
  /** The environment the handlers read (table names, queue URL, topic). */
  env: Record<string, string>;
  /** How far the figures are behind the records, in seconds (the stream's iterator age). */
  figuresLagSeconds(): number;
  /** Resolves once the ingest queue is empty and nothing is in flight, figures included. */
  settle(opts?: { timeoutMs?: number }): Promise<void>;
  stop(): Promise<void>;
  /** Stops the runners at once, as a kill -9 would (Runner.abort): for tests of a crash of the whole stack. */
  kill(): void;
}

/** Table names, queue URL and topic, as the CDK stack passes them to the Lambdas. */
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
  useEmulators(opts.endpoints);
  resetClients();
  const provisioned = await provision({ dynamo: dynamoClient(), sqs: sqsClient(), sns: snsClient() }, opts.prefix, {
    visibilityTimeout: opts.visibilityTimeout,
  });
  for (const queue of Object.values(provisioned.queues)) queue.url = queueUrlOn(opts.endpoints.sqsEndpoint, queue.url);
  // A folder only this user may enter (mkdtemp: 0700, a name nobody can guess beforehand),
  // never a fixed path in the shared temporary directory that another user could plant.
  const keyFolder = opts.personalDataKeyFile ? undefined : mkdtempSync(join(tmpdir(), `dangvien-${opts.prefix}-`));
  const env = handlerEnv(provisioned, opts.personalDataKeyFile ?? join(keyFolder!, 'personal-data.key'));
  // A waiting event never waits longer than the queue would make it (tests shorten both).
  if (opts.visibilityTimeout !== undefined) env.INGEST_RETRY_MAX_SECONDS = String(opts.visibilityTimeout);
  Object.assign(process.env, env);
  // Before any handler runs: a lost or unsafe master key stops the start, not every event.
  await checkKeyFile(env.PERSONAL_DATA_MASTER_FILE!);
  const log = opts.log ?? (() => undefined);
  const onError = (error: unknown) => log(`runner: ${(error as Error).name}: ${(error as Error).message}`);

  const ingestHandler = opts.handlers?.ingest ?? (await import('../functions/ingest/handler.js')).handler;
  const ingestQueue = provisioned.queues[INGEST_QUEUE.id]!;
  const runners: Runner[] = [
    startSqsRunner({
      client: sqsClient(),
      queueUrl: ingestQueue.url,
      queueArn: ingestQueue.arn,
      handler: ingestHandler as SqsHandler,
      functionName: 'ingest',
      batchSize: INGEST_SOURCE.batchSize,
      concurrency: opts.concurrency ?? 2,
      onError,
    }),
  ];
  let streamRunner: StreamRunner | undefined;
  if (opts.figures !== false) {
    const figuresHandler = opts.handlers?.figures ?? (await import('../functions/figures/handler.js')).handler;
    streamRunner = startStreamRunner({
      dynamo: dynamoClient(),
      streams: localStreamsClient(),
      tableName: env.RECORDS_TABLE_NAME!,
      handler: figuresHandler as StreamHandler,
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

  async function queueEmpty(): Promise<boolean> {
    const out = await sqsClient().send(
      new GetQueueAttributesCommand({
        QueueUrl: ingestQueue.url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
      }),
    );
    const a = out.Attributes ?? {};
    return (
      Number(a.ApproximateNumberOfMessages) +
        Number(a.ApproximateNumberOfMessagesNotVisible) +
        Number(a.ApproximateNumberOfMessagesDelayed) ===
      0
    );
  }

  return {
    provisioned,
    env,
    figuresLagSeconds: () => streamRunner?.lagSeconds() ?? 0,
    async settle({ timeoutMs = 120_000 } = {}) {
      const deadline = Date.now() + timeoutMs;
      // Twice in a row quiet: a stream record can land just after a runner went idle.
      let quiet = 0;
      while (quiet < 2) {
        if (Date.now() > deadline) throw new Error('the local stack did not settle in time');
        const empty = await queueEmpty();
        await Promise.all(runners.map((r) => r.idle()));
        quiet = empty && (await queueEmpty()) ? quiet + 1 : 0;
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
