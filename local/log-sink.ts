// local: where the handlers' log lines go when `npm start` runs them. The handlers log
// JSON through Powertools, exactly as in Lambda; on a terminal a person reads them, so
// each JSON line becomes one readable line here. Piped into a file or another program
// (stdout not a TTY), or with DANGVIEN_LOG_FORMAT=json, they stay JSON.
//
// Only fields the handlers already log are shown (ids, reasons, error names): the
// handlers never log personal data, and the readable line adds none.
import { INGEST_QUEUE } from '../shared/resources.js';
import { DEFAULT_RETRY_MAX_SECONDS, shortenedRetrySeconds } from '../functions/ingest/visibility.js';

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
 * `waiting: csdl-q1/atk-dlq missing-member (receive 2), tried again in 4 s`; its last
 * receive says when it moves to the dead-letter queue. Any other line: the function,
 * the level, the message and the event it is about.
 * @param queueVisibilitySeconds the ingest queue's visibility timeout: how long the last tries wait.
 * @param retryMaxSeconds the longest shortened wait the ingest makes (visibility.ts).
 */
export function readableLine(line: HandlerLogLine, queueVisibilitySeconds: number, retryMaxSeconds = DEFAULT_RETRY_MAX_SECONDS): string {
  const event = eventName(line);
  if (line.message === 'event deferred' && line.receiveCount !== undefined) {
    const receive = line.receiveCount;
    const next =
      receive >= INGEST_QUEUE.maxReceiveCount!
        ? `to the dead-letter queue in ${queueVisibilitySeconds} s`
        : `tried again in ${shortenedRetrySeconds(receive, retryMaxSeconds) ?? queueVisibilitySeconds} s`;
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
  queueVisibilitySeconds: number;
  /** The longest shortened wait before a retry (default: the deployed one). */
  retryMaxSeconds?: number;
  stamp: () => string;
}): () => void {
  if (opts.format === 'json') return () => undefined;
  const restore = [process.stdout, process.stderr].map((stream) => {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      const line = typeof chunk === 'string' ? parseHandlerLine(chunk) : undefined;
      const out = line ? `${opts.stamp()} ${readableLine(line, opts.queueVisibilitySeconds, opts.retryMaxSeconds)}\n` : chunk;
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
