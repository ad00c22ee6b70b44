// use case: `dangvien status` — is it healthy? One answer for an operator: the queues,
// the events that did not apply, how far the figures lag, when the daily job last ran,
// judged by the domain (domain/health.ts).
// (adapter) CLI `status` --> use case --> StatusSources (port.ts), RedriveStore
import { HEALTH_LIMITS, needsAttention, type HealthSnapshot } from '../../domain/health.js';
import type { RetryQueue } from '../../domain/ingest/retry-schedule.js';
import { listWaiting, type RedriveStore } from '../redrive/index.js';
import type { StatusSources } from './port.js';

export type { CompletedRun, Lag, QueueDepth, ScheduledJob, StatusSources } from './port.js';

export interface StatusReport extends HealthSnapshot {
  healthy: boolean;
  /** What needs a person, one sentence each. */
  attention: string[];
}

export interface StatusOptions {
  /** The ingest queue's tries and visibility timeout, when the stack's differ from the deployed ones (the local stack's tests). */
  retryQueue?: RetryQueue;
}

/** How many of the waiting events the status lists (the oldest): `dangvien rejected list` has them all. */
const OLDEST_WAITING = 20;

/** Reads everything `status` reports and judges it. */
export async function readStatus(
  sources: StatusSources,
  store: RedriveStore,
  now = new Date(),
  opts: StatusOptions = {},
): Promise<StatusReport> {
  const [ingest, dlq, rejected, waiting, run, lag] = await Promise.all([
    sources.ingestQueue(),
    sources.deadLetterQueue(),
    store.listRejected(),
    listWaiting(store),
    sources.lastCompletedRun('reminders'),
    sources.lag(),
  ]);
  const oldestFirst = [...waiting].sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  const snapshot: HealthSnapshot = {
    checkedAt: now.toISOString(),
    ingest: { ...ingest, oldestAgeSeconds: lag.ingestOldestAgeSeconds },
    deadLetterQueue: { messages: dlq.visible + dlq.inFlight },
    rejected: rejected.length,
    waiting: {
      count: waiting.length,
      oldestSince: oldestFirst[0]?.since ?? null,
      // Named in `attention` when they have waited too long; ids, reasons and dates only.
      oldest: oldestFirst.slice(0, OLDEST_WAITING).map(({ id: _id, ...w }) => w),
    },
    figuresLagSeconds: lag.figuresLagSeconds,
    reminders: { lastRunDate: run?.date ?? null, completedAt: run?.completedAt ?? null },
  };
  const attention = needsAttention(snapshot, HEALTH_LIMITS, opts.retryQueue);
  return { healthy: attention.length === 0, attention, ...snapshot };
}
