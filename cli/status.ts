// cli: `dangvien status` — the sources the status use case reads (use-cases/status), for
// the target's stack. Locally the stack itself answers what CloudWatch answers in AWS
// (age of the oldest message, the stream's iterator age).
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { LocalStatus } from '../local/http-api.js';
import { queueDepth } from '../shared/data/queue-sender.js';
import { lastCompletedRun } from '../shared/data/run-status.js';
import { readStatus as readStackStatus, type Lag, type StatusReport } from '../shared/use-cases/status/index.js';
import { retryQueueOf } from '../shared/domain/ingest/retry-schedule.js';
import { eventsFlowing } from '../shared/domain/health.js';
import { createProducerRegistry } from '../shared/data/producer-registry.js';
import { registrySourceFrom } from '../shared/wiring/environment.js';
import { connect } from './connect.js';
import type { Target } from './target.js';

export type { StatusReport };

/** The local stack's own answer to what CloudWatch tells in AWS. */
async function localStatus(apiUrl: string): Promise<LocalStatus> {
  const response = await fetch(`${apiUrl}/_local/status`);
  if (!response.ok) throw new Error(`the local stack answered ${response.status} for its status`);
  return (await response.json()) as LocalStatus;
}

/** The newest value of the last 15 minutes of three CloudWatch metrics (0 when none). */
async function cloudWatchStatus(env: Record<string, string>, region: string | undefined): Promise<Lag> {
  const queueName = (env.INGEST_QUEUE_URL ?? '').split('/').pop() ?? '';
  const dlqName = (env.INGEST_DLQ_URL ?? '').split('/').pop() ?? '';
  const end = new Date();
  const start = new Date(end.getTime() - 15 * 60_000);
  const query = (id: string, namespace: string, metricName: string, dimension: { Name: string; Value: string }): MetricDataQuery => ({
    Id: id,
    MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: [dimension] }, Period: 60, Stat: 'Maximum' },
  });
  const out = await new CloudWatchClient(region ? { region } : {}).send(
    new GetMetricDataCommand({
      StartTime: start,
      EndTime: end,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        query('age', 'AWS/SQS', 'ApproximateAgeOfOldestMessage', { Name: 'QueueName', Value: queueName }),
        query('lag', 'AWS/Lambda', 'IteratorAge', { Name: 'FunctionName', Value: env.FIGURES_FUNCTION_NAME ?? '' }),
        query('dlq', 'AWS/SQS', 'ApproximateAgeOfOldestMessage', { Name: 'QueueName', Value: dlqName }),
      ],
    }),
  );
  const latest = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0] ?? 0;
  return {
    ingestOldestAgeSeconds: latest('age'),
    figuresLagSeconds: Math.round(latest('lag') / 1000),
    deadLetterOldestAgeSeconds: latest('dlq'),
  };
}

/**
 * What a writing `recompute` waits for (domain/health.ts eventsFlowing): the ingest
 * queue's messages and, where the stack tells it, the figures' lag.
 */
export async function whyNotIdle(target: Target): Promise<string | undefined> {
  const stores = connect(target);
  // A local stack without its HTTP API (a test's) has no lag to tell: the queue alone.
  const lag = target.kind === 'local' && !target.apiUrl ? undefined : lagOf(target);
  const [depth, figuresLag] = await Promise.all([
    queueDepth({ sqs: stores.clients.sqs, queueUrl: target.env.INGEST_QUEUE_URL! }),
    lag?.then((l) => l.figuresLagSeconds),
  ]);
  return eventsFlowing(depth, figuresLag);
}

/** How far behind the ingest and the figures are: the local stack's answer, or CloudWatch's. */
const lagOf = (target: Target): Promise<Lag> =>
  target.kind === 'local' && target.apiUrl ? localStatus(target.apiUrl) : cloudWatchStatus(target.env, target.region);

/** Reads everything `status` reports for the target's stack, and judges it. */
export async function readStatus(target: Target, now = new Date(), opts: { silentDays?: number } = {}): Promise<StatusReport> {
  const stores = connect(target);
  const registry = createProducerRegistry(registrySourceFrom({ ...target.env, ...(target.region ? { AWS_REGION: target.region } : {}) }));
  return readStackStatus(
    {
      ingestQueue: () => queueDepth({ sqs: stores.clients.sqs, queueUrl: target.env.INGEST_QUEUE_URL! }),
      deadLetterQueue: () => queueDepth({ sqs: stores.clients.sqs, queueUrl: target.env.INGEST_DLQ_URL! }),
      lastCompletedRun: (job) => lastCompletedRun(stores.runStatus, job),
      lag: () => lagOf(target),
      sourceActivity: stores.sourceActivity,
      producers: async () => (await registry())?.registry.producers,
      heldGroups: () => stores.holds.list(),
    },
    stores.redrive,
    now,
    { retryQueue: retryQueueOf(target.env), silentDays: opts.silentDays },
  );
}
