// domain: the sources as an operator sees them (docs/runbook.md "A producer gone silent"):
// when each last sent anything, how many events it sent in the last seven days and how
// many of them were rejected, and which registered producer has sent nothing for longer
// than it should — the sign that a district's member database has stopped feeding us.
// Pure: the counts come from the ingest (a counter per source and day), the producers
// from the registry, the clock from the caller.
import { addDays, todayInVietnam } from './dates.js';

/** What the ingest counted for one source on one day (Vietnam time). */
export interface SourceDay {
  source: string;
  /** `YYYY-MM-DD`. */
  day: string;
  /** Events that took effect or were rejected (each once; a redelivered duplicate is not counted). */
  events: number;
  rejected: number;
}

/** When a source last sent anything the ingest took in (a duplicate included). */
export interface SourceLast {
  source: string;
  lastEventAt: string;
}

/** A source in `dangvien status`. */
export interface SourceSeen {
  source: string;
  /** When it last sent anything (ISO-8601); null: counted, but never a last time (an old deployment). */
  lastEventAt: string | null;
  eventsLast7Days: number;
  rejectedLast7Days: number;
}

/** A registered producer, as the silence check reads it. */
export interface WatchedProducer {
  name: string;
  sources: readonly string[];
  /** Days of silence after which it needs a look (default {@link DEFAULT_SILENT_DAYS}). */
  silentAfterDays?: number;
}

/** A producer silent past its limit. */
export interface SilentProducer {
  name: string;
  sources: string[];
  /** Its sources' latest event, or null: nothing from them was ever counted. */
  lastEventAt: string | null;
  silentAfterDays: number;
}

/** Days without an event after which a registered producer is named (`--silent-days`, `silentAfterDays`). */
export const DEFAULT_SILENT_DAYS = 14;

/** The days counted in `eventsLast7Days`: today and the six before it, in Vietnam. */
export const WINDOW_DAYS = 7;

/** The first day of the seven-day window that ends on the day of `now`. */
export const windowStart = (now: Date): string => addDays(todayInVietnam(now), -(WINDOW_DAYS - 1));

/**
 * Each source with its last event and its counts of the last seven days (today
 * included), sorted by source. A source counted only before the window appears with 0s;
 * a registered source never counted appears with nothing at all (`lastEventAt` null).
 */
export function sourcesSeen(
  days: readonly SourceDay[],
  lasts: readonly SourceLast[],
  now: Date,
  registered: readonly string[] = [],
): SourceSeen[] {
  const from = windowStart(now);
  const out = new Map<string, SourceSeen>();
  const entry = (source: string) => {
    let seen = out.get(source);
    if (!seen) {
      seen = { source, lastEventAt: null, eventsLast7Days: 0, rejectedLast7Days: 0 };
      out.set(source, seen);
    }
    return seen;
  };
  for (const source of registered) entry(source);
  for (const l of lasts) {
    const seen = entry(l.source);
    if (seen.lastEventAt === null || l.lastEventAt > seen.lastEventAt) seen.lastEventAt = l.lastEventAt;
  }
  for (const d of days) {
    if (d.day < from) continue;
    const seen = entry(d.source);
    seen.eventsLast7Days += d.events;
    seen.rejectedLast7Days += d.rejected;
  }
  return [...out.values()].sort((a, b) => (a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}

/**
 * The registered producers none of whose sources sent anything for more than their
 * limit (`silentAfterDays`, else `defaultDays`): the newest `lastEventAt` of their sources
 * is older than that, or there is none.
 */
export function silentProducers(
  producers: readonly WatchedProducer[],
  seen: readonly SourceSeen[],
  now: Date,
  defaultDays = DEFAULT_SILENT_DAYS,
): SilentProducer[] {
  const last = new Map(seen.map((s) => [s.source, s.lastEventAt]));
  return producers.flatMap((p) => {
    const days = p.silentAfterDays ?? defaultDays;
    const latest = p.sources
      .map((s) => last.get(s) ?? null)
      .reduce<string | null>((a, b) => (b !== null && (a === null || b > a) ? b : a), null);
    const silent = latest === null || now.getTime() - Date.parse(latest) > days * 86_400_000;
    return silent ? [{ name: p.name, sources: [...p.sources], lastEventAt: latest, silentAfterDays: days }] : [];
  });
}

/** `producer CSDL quận Hồng Bàng (csdl-hong-bang) has sent nothing for 16 days (last event …)`. */
export function describeSilence(p: SilentProducer, now: Date): string {
  const who = `producer ${p.name} (${p.sources.join(', ')})`;
  if (p.lastEventAt === null)
    return `${who} has sent nothing since it was registered (or since its sources were counted): is its system sending?`;
  const days = Math.floor((now.getTime() - Date.parse(p.lastEventAt)) / 86_400_000);
  return `${who} has sent nothing for ${days} days (last event ${p.lastEventAt}; named after ${p.silentAfterDays}): is its system sending?`;
}
