// local: where the handlers' log lines go when `npm start` runs them. The handlers log
// JSON through Powertools, exactly as in Lambda; on a terminal a person reads them, so
// each JSON line becomes one readable line here. Piped into a file or another program
// (stdout not a TTY), or with DANGVIEN_LOG_FORMAT=json, they stay JSON.
//
// Only fields the handlers already log are shown (ids, reasons, error names): the
// handlers never log personal data, and the readable line adds none.
import { INGEST_RETRY_QUEUE, nextTryAfter, secondsInWords, type RetryQueue } from '../shared/domain/ingest/retry-schedule.js';

export type LogFormat = 'text' | 'json';

/** `DANGVIEN_LOG_FORMAT` (`json` or `text`) when set, otherwise text on a terminal and JSON elsewhere. */
export function logFormat(env: NodeJS.ProcessEnv, isTTY: boolean | undefined): LogFormat {
  const asked = env.DANGVIEN_LOG_FORMAT?.trim().toLowerCase();
  if (asked === 'json' || asked === 'text') return asked;
  if (asked) throw new Error(`DANGVIEN_LOG_FORMAT must be "json" or "text", got ${JSON.stringify(env.DANGVIEN_LOG_FORMAT)}`);
  return isTTY ? 'text' : 'json';
}

/** A Powertools log line, as far as the readable line reads it. */
interface HandlerLogLine {
  level: string;
  message: string;
  service?: string;
  eventId?: string;
  eventSource?: string;
  reason?: string;
  receiveCount?: number;
  error?: string;
  errorMessage?: string;
}

/** The handler log line a written chunk is, or undefined when it is something else. */
export function parseHandlerLine(text: string): HandlerLogLine | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') || trimmed.includes('\n')) return undefined;
  try {
    const parsed = JSON.parse(trimmed) as Record<string, unknown>;
    if (typeof parsed.level !== 'string' || typeof parsed.message !== 'string') return undefined;
    return parsed as unknown as HandlerLogLine;
  } catch {
    return undefined;
  }
}

/** `source/id`, or the id alone, or nothing. */
function eventName(line: HandlerLogLine): string {
  if (!line.eventId) return '';
  return line.eventSource ? `${line.eventSource}/${line.eventId}` : line.eventId;
}

/**
 * One readable line for a handler's log line. An event that waits for its predecessor:
 * `waiting: csdl-q1/atk-dlq missing-member (receive 2), tried again in 4 s`, as the retry
 * schedule says (domain/ingest/retry-schedule.ts); its last receive says it goes to the
 * dead-letter queue. Any other line: the function, the level, the message and the event
 * it is about.
 * @param queue the ingest queue's tries and visibility timeout (the local stack's tests shorten it).
 */
export function readableLine(line: HandlerLogLine, queue: RetryQueue = INGEST_RETRY_QUEUE): string {
  const event = eventName(line);
  if (line.message === 'event deferred' && line.receiveCount !== undefined) {
    const receive = line.receiveCount;
    const after = nextTryAfter(receive, queue);
    const next =
      after.kind === 'dead-letter'
        ? 'that was its last try: to the dead-letter queue (`dangvien rejected list`)'
        : `tried again in ${secondsInWords(after.seconds)}`;
    return `waiting: ${event} ${line.reason ?? ''} (receive ${receive}), ${next}`.replace(/ {2,}/g, ' ');
  }
  const about = [event, line.reason, line.error && [line.error, line.errorMessage].filter(Boolean).join(': ')].filter(Boolean);
  return `${line.service ?? 'handler'} ${line.level.toLowerCase()}: ${line.message}${about.length ? ` (${about.join(', ')})` : ''}`;
}

/**
 * Rewrites the handlers' JSON lines on stdout and stderr as readable lines when `format`
 * is text; returns the function that puts the streams back. Every other write passes
 * through unchanged.
 */
export function installLogSink(opts: {
  format: LogFormat;
  /** The ingest queue's tries and visibility timeout (default: as deployed). */
  queue?: RetryQueue;
  stamp: () => string;
}): () => void {
  if (opts.format === 'json') return () => undefined;
  const restore = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const line = typeof chunk === 'string' ? parseHandlerLine(chunk) : undefined;
      const out = line ? `${opts.stamp()} ${readableLine(line, opts.queue)}\n` : chunk;
      return (write as (...args: unknown[]) => boolean).call(this, out, ...rest);
    } as typeof stream.write;
    return () => {
      stream.write = write;
    };
  });
  return () => {
    for (const put of restore) put();
  };
}
