// use case: `dangvien status` — is it healthy? One answer for an operator: the queues,
// the events that did not apply, how far the figures lag, when the daily job last ran,
// judged by the domain (domain/health.ts).
// (adapter) CLI `status` --> use case --> StatusSources (port.ts), RedriveStore
import { needsAttention, type HealthSnapshot } from '../../domain/health.js';
import { listWaiting, type RedriveStore } from '../redrive/index.js';
import type { StatusSources } from './port.js';

export type { CompletedRun, Lag, QueueDepth, ScheduledJob, StatusSources } from './port.js';

export interface StatusReport extends HealthSnapshot {
  healthy: boolean;
  /** What needs a person, one sentence each. */
  attention: string[];
}

/** Reads everything `status` reports and judges it. */
export async function readStatus(sources: StatusSources, store: RedriveStore, now = new Date()): Promise<StatusReport> {
  const [ingest, dlq, rejected, waiting, run, lag, quotasReached] = await Promise.all([
    sources.ingestQueue(),
    sources.deadLetterQueue(),
    store.listRejected(),
    listWaiting(store),
    sources.lastCompletedRun('reminders'),
    sources.lag(),
    store.listQuotasReached(),
  ]);
  const since = waiting.map((w) => w.since).sort();
  const snapshot: HealthSnapshot = {
    checkedAt: now.toISOString(),
    ingest: { ...ingest, oldestAgeSeconds: lag.ingestOldestAgeSeconds },
    deadLetterQueue: { messages: dlq.visible + dlq.inFlight },
    rejected: rejected.length,
    waiting: { count: waiting.length, oldestSince: since[0] ?? null },
    figuresLagSeconds: lag.figuresLagSeconds,
    reminders: { lastRunDate: run?.date ?? null, completedAt: run?.completedAt ?? null },
    quotasReached,
  };
  const attention = needsAttention(snapshot);
  return { healthy: attention.length === 0, attention, ...snapshot };
}
