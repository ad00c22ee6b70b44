// use case: `dangvien status` — is it healthy? One answer for an operator: the queues,
// the events that did not apply, how far the figures lag, when the daily job last ran,
// what each source sent and which registered producer has gone silent, judged by the
// domain (domain/health.ts, domain/sources.ts).
// (adapter) CLI `status` --> use case --> StatusSources (port.ts), RedriveStore
import { HEALTH_LIMITS, needsAttention, type HealthSnapshot } from '../../domain/health.js';
import type { RetryQueue } from '../../domain/ingest/retry-schedule.js';
import { DEFAULT_SILENT_DAYS, type SilentProducer, type SourceSeen } from '../../domain/sources.js';
import { listWaiting, type RedriveStore } from '../redrive/index.js';
import { readSources, sourcesAndSilence } from '../source-activity/index.js';
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
  /** Days without an event after which a registered producer without its own limit is named (default 14). */
  silentDays?: number;
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
  const [ingest, dlq, rejected, waiting, run, lag, seen, quotasReached, held] = await Promise.all([
    sources.ingestQueue(),
    sources.deadLetterQueue(),
    store.listRejected(),
    listWaiting(store),
    sources.lastCompletedRun('reminders'),
    sources.lag(),
    seenSources(sources, now, opts.silentDays ?? DEFAULT_SILENT_DAYS),
    store.listQuotasReached(),
    sources.heldGroups?.() ?? Promise.resolve([]),
  ]);
  const oldestFirst = [...waiting].sort((a, b) => (a.since < b.since ? -1 : a.since > b.since ? 1 : 0));
  const snapshot: HealthSnapshot = {
    checkedAt: now.toISOString(),
    ingest: { ...ingest, oldestAgeSeconds: lag.ingestOldestAgeSeconds },
    deadLetterQueue: { messages: dlq.visible + dlq.inFlight, oldestAgeSeconds: lag.deadLetterOldestAgeSeconds ?? 0 },
    rejected: rejected.length,
    waiting: {
      count: waiting.length,
      oldestSince: oldestFirst[0]?.since ?? null,
      // Named in `attention` when they have waited too long; ids, reasons and dates only.
      oldest: oldestFirst.slice(0, OLDEST_WAITING).map(({ id: _id, ...w }) => w),
    },
    figuresLagSeconds: lag.figuresLagSeconds,
    reminders: { lastRunDate: run?.date ?? null, completedAt: run?.completedAt ?? null },
    ...seen,
    quotasReached,
    // By the held event, never by the group: a group is a person's id.
    heldGroups: held.map((h) => ({ behind: h.heldKey, reason: h.reason, since: h.since, parked: h.parked })),
  };
  const attention = needsAttention(snapshot, HEALTH_LIMITS, opts.retryQueue);
  return { healthy: attention.length === 0, attention, ...snapshot };
}

/** The sources and the silent producers; a registry that cannot be read is reported, never thrown. */
async function seenSources(
  sources: StatusSources,
  now: Date,
  silentDays: number,
): Promise<{ sources: SourceSeen[]; silentProducers: SilentProducer[]; registryUnreadable?: string }> {
  let producers: Awaited<ReturnType<StatusSources['producers']>>;
  try {
    producers = await sources.producers();
  } catch (error) {
    return { sources: await readSources(sources.sourceActivity, now), silentProducers: [], registryUnreadable: (error as Error).message };
  }
  if (producers === undefined) return { sources: await readSources(sources.sourceActivity, now), silentProducers: [] };
  const { sources: seen, silent } = await sourcesAndSilence(sources.sourceActivity, producers, now, silentDays);
  return { sources: seen, silentProducers: silent };
}
