// domain: what one producer may cost everyone else (docs/security.md "Quotas"). An event
// that waits for its predecessor holds its message group and is retried, then kept in the
// dead-letter queue for weeks: without a cap, one producer sending thousands of events
// about members that do not exist fills the queue, the notes and the operator's list for
// everyone. So each producer may have so many events waiting at once; beyond, a new
// waiting event is rejected `too-many-waiting` with its body kept (it can be redriven once
// the producer's backlog is cleared), never dropped. Counted per identity without its role
// session (`AROA…:name`: a name the caller chooses would otherwise give anyone a quota of
// their own per name).
import { reject, type Decision } from './decision-types.js';

/** A producer's quotas. */
export interface Quotas {
  /** Events waiting for a predecessor at once (retried or in the dead-letter queue); beyond, `too-many-waiting`. */
  waiting: number;
  /** Events received in one minute (UTC), first receives only; beyond, `too-many-events` (nothing of it kept but its reason). */
  eventsPerMinute: number;
  /** Rejected bodies kept for it at once (30 days each); beyond, a rejection is kept without its body. */
  rejectedKept: number;
}

/**
 * The quotas of a producer the registry sets none for (docs/security.md "Quotas": why these
 * numbers). 600 a minute is ten a second, several times what a district's system sends on
 * its busiest day; 10 000 bodies is a month of a bad day's rejections.
 */
export const DEFAULT_QUOTAS: Quotas = { waiting: 1000, eventsPerMinute: 600, rejectedKept: 10_000 };

/** Which quota was reached. */
export type QuotaKind = keyof Quotas;

/** A producer's quotas: its own, else the defaults. */
export const quotasOf = (own: Partial<Quotas> | undefined): Quotas => ({ ...DEFAULT_QUOTAS, ...own });

/**
 * `too-many-events` when the event is the `counted`-th its producer sent in the current
 * minute and that is over its `limit`; undefined otherwise (docs/security.md "Quotas").
 */
export function rateDecision(counted: number | undefined, limit: number): Decision | undefined {
  if (counted === undefined || counted <= limit) return undefined;
  return reject(
    'too-many-events',
    `this producer sent more than its quota of ${String(limit)} events this minute: nothing of the event is kept, ` +
      'send it again, and at most that many a minute (docs/producers.md#11-quotas)',
  );
}

/** The minute (UTC, `YYYY-MM-DDTHH:MM`) an event received at `now` is counted in. */
export const minuteOf = (now: Date): string => now.toISOString().slice(0, 16);

/** Whom a quota counts: the sending identity without its role session. */
export const quotaKeyOf = (senderId: string): string => senderId.split(':')[0] || senderId;

/**
 * `too-many-waiting` when an event that is not waiting yet would be one more than the
 * `limit` its producer may have waiting (`count` are); undefined when it may wait. An
 * event already waiting (a retry, a redrive from the dead-letter queue) keeps its place.
 */
export function waitingDecision(count: number, limit: number, alreadyWaiting: boolean): Decision | undefined {
  if (alreadyWaiting || count < limit) return undefined;
  return reject(
    'too-many-waiting',
    `this producer already has ${String(count)} events waiting for their predecessor (its quota is ${String(limit)}): ` +
      'send the predecessors, or have the waiting events discarded, then send this one again (docs/producers.md#quotas)',
  );
}
