// local: the embedded default. The very handler modules the Lambdas run, driven by
// local runners that behave like AWS's event source mappings, on the emulators.
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
import { dynamoClient, resetClients, snsClient, sqsClient } from '../shared/data/clients.js';
import { localStreamsClient } from './streams-client.js';
import { provision, type Provisioned } from './provision.js';
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
   * the way a KMS key is beside a table; made on first use. Default: one per stack in
   * the system's temporary directory (tests, the bench).
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
  /**
   * Resolves once the ingest queue is empty and nothing is in flight, figures included.
   * Rejects only when nothing has moved for `stallMs` (no invocation began or ended, the
   * queue's counts stayed the same): a slow machine still moves, a stuck stack does not.
   * Default: twice the ingest queue's visibility timeout (the longest a message may stay
   * out of sight), and at least five minutes.
   */
  settle(opts?: { stallMs?: number }): Promise<void>;
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
  const env = handlerEnv(provisioned, opts.personalDataKeyFile ?? join(tmpdir(), `dangvien-${opts.prefix}-personal-data.key`));
  Object.assign(process.env, env);
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

  const ingestHandler = opts.handlers?.ingest ?? (await import('../functions/ingest/handler.js')).handler;
  const ingestQueue = provisioned.queues[INGEST_QUEUE.id]!;
  const runners: Runner[] = [
    startSqsRunner({
      client: sqsClient(),
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
    const figuresHandler = opts.handlers?.figures ?? (await import('../functions/figures/handler.js')).handler;
    streamRunner = startStreamRunner({
      dynamo: dynamoClient(),
      streams: localStreamsClient(),
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
    const out = await sqsClient().send(
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
    figuresLagSeconds: () => streamRunner?.lagSeconds() ?? 0,
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
    },
    kill() {
      for (const r of runners) r.abort();
    },
  };
}
