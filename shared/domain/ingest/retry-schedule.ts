// domain: when an event that waits for its predecessor (a member before its cell's
// registration) is tried again (docs/events.md "What happens to an event"). Most such
// events overtook their predecessor by a moment: they are tried again after 2, 4, 8 and
// 16 seconds. A predecessor held up longer (a backlog in its group) gets one more chance
// after the queue's whole visibility timeout (three minutes). An event that failed its
// last try goes to the dead-letter queue at once, instead of sitting out one more
// visibility timeout for nothing. Pure: the ingest (functions/ingest/visibility.ts), the
// local console and `dangvien send --wait` all say what this says.
import { INGEST_QUEUE } from '../../resources.js';

/** The waits after the first tries, in seconds, before the long one; each at most the queue's visibility timeout. */
export const SHORT_WAITS_SECONDS = [2, 4, 8, 16] as const;

/** What comes after a failed try. */
export type NextTry =
  /** Tried again after `seconds`; `shortened`: sooner than the queue's visibility timeout would bring it back. */
  | { kind: 'retry'; seconds: number; shortened: boolean }
  /** That was the last try: it goes to the dead-letter queue now. */
  | { kind: 'dead-letter' };

export interface RetryQueue {
  /** Tries before the dead-letter queue (the queue's maxReceiveCount). */
  maxReceiveCount: number;
  /** The queue's visibility timeout: how long the long wait is. */
  visibilitySeconds: number;
}

/** The ingest queue as deployed (shared/resources.ts); the local stack's tests shorten its visibility. */
export const INGEST_RETRY_QUEUE: RetryQueue = {
  maxReceiveCount: INGEST_QUEUE.maxReceiveCount!,
  visibilitySeconds: INGEST_QUEUE.visibilityTimeout,
};

/**
 * The ingest queue with the visibility timeout a deployment gives it, when it gives one
 * (`INGEST_QUEUE_VISIBILITY_SECONDS`: the local stack's tests shorten it).
 */
export function retryQueueWithVisibility(visibilitySeconds: number | undefined): RetryQueue {
  return visibilitySeconds === undefined || !Number.isFinite(visibilitySeconds)
    ? INGEST_RETRY_QUEUE
    : { ...INGEST_RETRY_QUEUE, visibilitySeconds };
}

/** The ingest queue as a stack's environment describes it (the functions' environment, the CLI's target). */
export const retryQueueOf = (env: Readonly<Record<string, string | undefined>>): RetryQueue =>
  retryQueueWithVisibility(env.INGEST_QUEUE_VISIBILITY_SECONDS ? Number(env.INGEST_QUEUE_VISIBILITY_SECONDS) : undefined);

/**
 * What follows the `receiveCount`-th try of a waiting event: the short waits of
 * {@link SHORT_WAITS_SECONDS} (never longer than the visibility timeout), then one wait of
 * the whole visibility timeout before the last try, then the dead-letter queue.
 */
export function nextTryAfter(receiveCount: number, queue: RetryQueue = INGEST_RETRY_QUEUE): NextTry {
  const n = Math.max(1, Math.floor(receiveCount));
  if (n >= queue.maxReceiveCount) return { kind: 'dead-letter' };
  if (n === queue.maxReceiveCount - 1 || n > SHORT_WAITS_SECONDS.length) {
    return { kind: 'retry', seconds: queue.visibilitySeconds, shortened: false };
  }
  const seconds = Math.min(SHORT_WAITS_SECONDS[n - 1]!, queue.visibilitySeconds);
  return { kind: 'retry', seconds, shortened: seconds < queue.visibilitySeconds };
}

/**
 * Whether the `receiveCount`-th try was past the short waits: its predecessor did not come
 * within them, and it now waits the long wait or goes to the DLQ. What `dangvien status`
 * names and the WaitingEventsPastShortWaits alarm counts.
 */
export function pastShortWaits(receiveCount: number, queue: RetryQueue = INGEST_RETRY_QUEUE): boolean {
  return receiveCount >= Math.min(queue.maxReceiveCount - 1, SHORT_WAITS_SECONDS.length + 1);
}

/** The seconds from the first try to each later one, and to the dead-letter queue (the last entry). */
export function retryTimeline(queue: RetryQueue = INGEST_RETRY_QUEUE): number[] {
  const out: number[] = [];
  let at = 0;
  for (let n = 1; ; n++) {
    const next = nextTryAfter(n, queue);
    if (next.kind === 'dead-letter') return [...out, at];
    at += next.seconds;
    out.push(at);
  }
}

/** "3 min 30 s", "16 s": a wait as a person reads it. */
export function secondsInWords(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  const rest = s % 60;
  return rest === 0 ? `${minutes} min` : `${minutes} min ${rest} s`;
}
