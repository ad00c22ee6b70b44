// cli: `dangvien status` — is it healthy? One JSON answer for an operator: the queues,
// the events that did not apply, how far the figures lag, when the daily job last ran.
// Locally the stack itself answers what CloudWatch answers in AWS (age of the oldest
// message, the stream's iterator age).
import { CloudWatchClient, GetMetricDataCommand, type MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from '../shared/data/clients.js';
import { listRejected } from '../shared/data/ingest-store.js';
import { listWaiting } from '../shared/data/redrive.js';
import { lastCompletedRun } from '../shared/data/run-status.js';
import { needsAttention, type HealthSnapshot } from '../shared/domain/health.js';
import type { LocalStatus } from '../local/http-api.js';
import type { Target } from './target.js';

export interface StatusReport extends HealthSnapshot {
  healthy: boolean;
  /** What needs a person, one sentence each. */
  attention: string[];
}

async function queueDepth(queueUrl: string): Promise<{ visible: number; inFlight: number }> {
  const out = await sqsClient().send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  const a = out.Attributes ?? {};
  return {
    visible: Number(a.ApproximateNumberOfMessages ?? 0) + Number(a.ApproximateNumberOfMessagesDelayed ?? 0),
    inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
  };
}

/** The local stack's own answer to what CloudWatch tells in AWS. */
async function localStatus(apiUrl: string): Promise<LocalStatus> {
  const response = await fetch(`${apiUrl}/_local/status`);
  if (!response.ok) throw new Error(`the local stack answered ${response.status} for its status`);
  return (await response.json()) as LocalStatus;
}

/** The newest value of the last 15 minutes of two CloudWatch metrics (0 when none). */
async function cloudWatchStatus(env: Record<string, string>): Promise<LocalStatus> {
  const queueName = (env.INGEST_QUEUE_URL ?? '').split('/').pop() ?? '';
  const end = new Date();
  const start = new Date(end.getTime() - 15 * 60_000);
  const query = (id: string, namespace: string, metricName: string, dimension: { Name: string; Value: string }): MetricDataQuery => ({
    Id: id,
    MetricStat: { Metric: { Namespace: namespace, MetricName: metricName, Dimensions: [dimension] }, Period: 60, Stat: 'Maximum' },
  });
  const out = await new CloudWatchClient({}).send(
    new GetMetricDataCommand({
      StartTime: start,
      EndTime: end,
      ScanBy: 'TimestampDescending',
      MetricDataQueries: [
        query('age', 'AWS/SQS', 'ApproximateAgeOfOldestMessage', { Name: 'QueueName', Value: queueName }),
        query('lag', 'AWS/Lambda', 'IteratorAge', { Name: 'FunctionName', Value: env.FIGURES_FUNCTION_NAME ?? '' }),
      ],
    }),
  );
  const latest = (id: string) => out.MetricDataResults?.find((r) => r.Id === id)?.Values?.[0] ?? 0;
  return { ingestOldestAgeSeconds: latest('age'), figuresLagSeconds: Math.round(latest('lag') / 1000) };
}

/** Reads everything `status` reports and judges it (domain/health.ts). */
export async function readStatus(target: Target, now = new Date()): Promise<StatusReport> {
  const [ingest, dlq, rejected, waiting, run, measured] = await Promise.all([
    queueDepth(target.env.INGEST_QUEUE_URL!),
    queueDepth(target.env.INGEST_DLQ_URL!),
    listRejected(),
    listWaiting(),
    lastCompletedRun('reminders'),
    target.kind === 'local' && target.apiUrl ? localStatus(target.apiUrl) : cloudWatchStatus(target.env),
  ]);
  const since = waiting.map((w) => w.since).sort();
  const snapshot: HealthSnapshot = {
    checkedAt: now.toISOString(),
    ingest: { ...ingest, oldestAgeSeconds: measured.ingestOldestAgeSeconds },
    deadLetterQueue: { messages: dlq.visible + dlq.inFlight },
    rejected: rejected.length,
    waiting: { count: waiting.length, oldestSince: since[0] ?? null },
    figuresLagSeconds: measured.figuresLagSeconds,
    reminders: { lastRunDate: run?.date ?? null, completedAt: run?.completedAt ?? null },
  };
  const attention = needsAttention(snapshot);
  return { healthy: attention.length === 0, attention, ...snapshot };
}
