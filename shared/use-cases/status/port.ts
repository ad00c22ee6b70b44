// use case readStatus: what `dangvien status` looks at, each from where it is kept: the
// queues (SQS), the scheduled jobs' heartbeat (shared/data/run-status.ts), what
// CloudWatch tells in AWS (the local stack answers it itself), the producer registry and
// the sources' counters (source-activity/port.ts). The rejected and waiting events come
// through the redrive store (redrive/port.ts).
import type { WatchedProducer } from '../../domain/sources.js';
import type { HeldGroup } from '../ingest-event/port.js';
import type { SourceActivityStore } from '../source-activity/port.js';

/** A queue's messages: waiting to be received (delayed ones included), and received but not yet deleted. */
export interface QueueDepth {
  visible: number;
  inFlight: number;
}

/** How far behind the ingest and the figures are, in seconds. */
export interface Lag {
  ingestOldestAgeSeconds: number;
  figuresLagSeconds: number;
  /** How long the oldest message of the dead-letter queue has been there (0 when none, or not told). */
  deadLetterOldestAgeSeconds?: number;
}

export type ScheduledJob = 'reminders';

export interface CompletedRun {
  /** The business date the job ran for. */
  date: string;
  /** When it completed (ISO-8601). */
  completedAt: string;
}

export interface StatusSources {
  ingestQueue(): Promise<QueueDepth>;
  deadLetterQueue(): Promise<QueueDepth>;
  /** The last completed run of `job`, if it ever completed one. */
  lastCompletedRun(job: ScheduledJob): Promise<CompletedRun | undefined>;
  lag(): Promise<Lag>;
  /** What each source sent, per day. */
  sourceActivity: SourceActivityStore;
  /**
   * The registered producers (their sources and silence limits); undefined when producer
   * scoping is off. Throws when the registry cannot be read: `status` says so.
   */
  producers(): Promise<WatchedProducer[] | undefined>;
  /** The message groups held behind an event in the dead-letter queue; absent: none is listed. */
  heldGroups?(): Promise<HeldGroup[]>;
}
