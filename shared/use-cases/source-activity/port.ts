// use case source-activity: where the ingest counts what each source sent, per day, and
// when it last sent anything. The DynamoDB one is shared/data/source-activity-store.ts.
import type { SourceDay, SourceLast } from '../../domain/sources.js';

/** What one batch of the ingest adds for one source on one day. */
export interface SourceCount extends SourceDay {
  /** When the batch took the source's events in (ISO-8601). */
  lastEventAt: string;
}

export interface SourceActivityStore {
  /** Adds a batch's counts: each to its source and day, and moves each source's last event on (never back). */
  add(counts: readonly SourceCount[]): Promise<void>;
  /** The counts of the days from `fromDay` (`YYYY-MM-DD`) on, and every source's last event. */
  read(fromDay: string): Promise<{ days: SourceDay[]; lasts: SourceLast[] }>;
}
