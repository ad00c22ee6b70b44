// use case readStatus: what `dangvien status` looks at, each from where it is kept: the
// queues (SQS), the scheduled jobs' heartbeat (shared/data/run-status.ts), and what
// CloudWatch tells in AWS (the local stack answers it itself). The rejected and waiting
// events come through the redrive store (redrive/port.ts).

/** A queue's messages: waiting to be received (delayed ones included), and received but not yet deleted. */
export interface QueueDepth {
  visible: number;
  inFlight: number;
}

/** How far behind the ingest and the figures are, in seconds. */
export interface Lag {
  ingestOldestAgeSeconds: number;
  figuresLagSeconds: number;
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
}
