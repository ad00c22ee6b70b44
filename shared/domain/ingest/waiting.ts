// domain: an event that waits for its predecessor, as a person is told about it
// (`dangvien status`, `dangvien send --wait` at its timeout): what it waits for, how
// often it was tried, and when it is tried next or that it went to the dead-letter queue
// (retry-schedule.ts). Pure: the note the ingest keeps of a wait, and the clock.
import { INGEST_RETRY_QUEUE, nextTryAfter, secondsInWords, type RetryQueue } from './retry-schedule.js';

/** What the ingest notes of a waiting event at each try (DEFERRED items, shared/data/deferred-events.ts). */
export interface WaitNote {
  /** Why, in words: `organization HP-X is not registered (yet)`. */
  message: string;
  /** How many tries noted it waiting (they survive a redrive from the DLQ). */
  attempts: number;
  /** The message's receive count at its last try (SQS's; it starts again after a redrive). */
  receiveCount?: number;
  /** Parked in the dead-letter queue behind a held event of its group, whatever its receive count. */
  inDeadLetterQueue?: boolean;
  /** When it first waited, and when it was last tried (ISO-8601). */
  since: string;
  lastTriedAt?: string;
}

/** Where a waiting event stands now. */
export type WaitState = { kind: 'retrying'; nextTryInSeconds: number } | { kind: 'dead-letter' };

/** Where the event of `note` stands at `now`: its next try, or the dead-letter queue after its last. */
export function waitState(note: WaitNote, now: Date, queue: RetryQueue = INGEST_RETRY_QUEUE): WaitState {
  if (note.inDeadLetterQueue) return { kind: 'dead-letter' };
  const tries = note.receiveCount ?? note.attempts;
  const next = nextTryAfter(tries, queue);
  if (next.kind === 'dead-letter') return { kind: 'dead-letter' };
  const last = Date.parse(note.lastTriedAt ?? note.since);
  return { kind: 'retrying', nextTryInSeconds: Math.max(0, Math.round((last + next.seconds * 1000 - now.getTime()) / 1000)) };
}

/** How long the event has waited, in seconds. */
export const waitedSeconds = (note: Pick<WaitNote, 'since'>, now: Date): number =>
  Math.max(0, Math.round((now.getTime() - Date.parse(note.since)) / 1000));

/**
 * `waiting: organization HP-X is not registered (yet); tried 3 times, next in 8 s` — or,
 * after its last try, `…; tried 6 times, now in the dead-letter queue`.
 */
export function describeWait(note: WaitNote, now: Date, queue: RetryQueue = INGEST_RETRY_QUEUE): string {
  const tries = note.receiveCount ?? note.attempts;
  const state = waitState(note, now, queue);
  const when =
    state.kind === 'dead-letter'
      ? 'now in the dead-letter queue'
      : state.nextTryInSeconds > 0
        ? `next in ${secondsInWords(state.nextTryInSeconds)}`
        : 'being tried again';
  return `waiting: ${note.message}; tried ${tries} time${tries === 1 ? '' : 's'}, ${when}`;
}
