// use case: the sources as the operator sees them (docs/runbook.md "A producer gone
// silent"). The ingest counts each batch's outcomes per source and day (one write per
// source and day of the batch, and one for its last event: a few per batch of ten
// events, none per event); `dangvien status` and the daily check read them back and say
// which registered producer has gone silent (domain/sources.ts).
//
// The counts are kept beside the ingest's transactions, not in them: a counter item in
// every transaction would make every event of a source contend for one item, and cost
// two more write units per event. The price: an invocation that crashes after applying
// its events and before counting them leaves them uncounted (they are exact in the
// audit trail), and a counter write retried by the SDK after a lost answer may count a
// batch twice. An operator's signal, not a figure.
// (adapter) functions/ingest, cli/status, functions/reminders --> use case --> SourceActivityStore (port.ts)
import { todayInVietnam } from '../../domain/dates.js';
import {
  DEFAULT_SILENT_DAYS,
  silentProducers,
  sourcesSeen,
  windowStart,
  type SilentProducer,
  type SourceSeen,
  type WatchedProducer,
} from '../../domain/sources.js';
import type { SourceActivityStore, SourceCount } from './port.js';

export type { SourceActivityStore, SourceCount };

/** What became of one message of a batch, as counted for its source. */
export type CountedOutcome = 'applied' | 'duplicate' | 'rejected';

/** Adds up one batch's outcomes by source: events and rejections of the day, and the last time each source sent. */
export function tallyBatch(outcomes: ReadonlyArray<{ source: string; outcome: CountedOutcome }>, now: Date): SourceCount[] {
  const day = todayInVietnam(now);
  const bySource = new Map<string, SourceCount>();
  for (const { source, outcome } of outcomes) {
    let count = bySource.get(source);
    if (!count) {
      count = { source, day, events: 0, rejected: 0, lastEventAt: now.toISOString() };
      bySource.set(source, count);
    }
    // A duplicate is a redelivery or a resend: it says the source is alive, not a new event.
    if (outcome !== 'duplicate') count.events += 1;
    if (outcome === 'rejected') count.rejected += 1;
  }
  return [...bySource.values()];
}

/** Each source with its last event and its counts of the last seven days; `registered` sources appear even if never seen. */
export async function readSources(store: SourceActivityStore, now: Date, registered: readonly string[] = []): Promise<SourceSeen[]> {
  const { days, lasts } = await store.read(windowStart(now));
  return sourcesSeen(days, lasts, now, registered);
}

/** The sources, and the registered producers silent past their limit. */
export async function sourcesAndSilence(
  store: SourceActivityStore,
  producers: readonly WatchedProducer[],
  now: Date,
  defaultDays = DEFAULT_SILENT_DAYS,
): Promise<{ sources: SourceSeen[]; silent: SilentProducer[] }> {
  const sources = await readSources(
    store,
    now,
    producers.flatMap((p) => p.sources),
  );
  return { sources, silent: silentProducers(producers, sources, now, defaultDays) };
}
