// The local stack's log sink (local/log-sink.ts): on a terminal, each handler's JSON line
// is one readable line; piped, or when asked, the JSON as Lambda writes it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installLogSink, logFormat, parseHandlerLine, readableLine } from '../../local/log-sink.js';

/** A Powertools line of the ingest about an event that waits, as the handler logs it. */
const deferred = (receiveCount: number) =>
  JSON.stringify({
    level: 'WARN',
    message: 'event deferred',
    timestamp: '2026-12-06T08:00:00.000Z',
    service: 'ingest',
    cold_start: true,
    function_request_id: 'local-1',
    eventId: 'atk-dlq',
    eventSource: 'csdl-q1',
    messageId: 'm-1',
    reason: 'missing-member',
    receiveCount,
  });

describe('logFormat', () => {
  it.each([
    [{}, true, 'text'],
    [{}, false, 'json'],
    [{}, undefined, 'json'],
    [{ DANGVIEN_LOG_FORMAT: 'json' }, true, 'json'],
    [{ DANGVIEN_LOG_FORMAT: 'TEXT' }, false, 'text'],
  ])('with %o and a terminal %s: %s', (env, isTTY, expected) => {
    // Act / Assess
    expect(logFormat(env, isTTY)).toBe(expected);
  });

  it('refuses a format it does not know, naming both it knows', () => {
    // Act / Assess
    expect(() => logFormat({ DANGVIEN_LOG_FORMAT: 'yaml' }, true)).toThrow(/"json" or "text"/);
  });
});

describe('readableLine', () => {
  it('says which event waits, for what, and when it is tried again', () => {
    // Act
    const line = readableLine(parseHandlerLine(deferred(2))!);
    // Assess
    expect(line).toBe('waiting: csdl-q1/atk-dlq missing-member (receive 2), tried again in 4 s');
  });

  it("names 16 s after the fourth try, the queue's whole visibility timeout before the last, then the dead-letter queue", () => {
    // Act
    const fourth = readableLine(parseHandlerLine(deferred(4))!);
    const beforeLast = readableLine(parseHandlerLine(deferred(5))!);
    const last = readableLine(parseHandlerLine(deferred(6))!);
    const shortQueue = readableLine(parseHandlerLine(deferred(5))!, { maxReceiveCount: 6, visibilitySeconds: 2 });
    // Assess
    expect(fourth).toBe('waiting: csdl-q1/atk-dlq missing-member (receive 4), tried again in 16 s');
    expect(beforeLast).toBe('waiting: csdl-q1/atk-dlq missing-member (receive 5), tried again in 3 min');
    expect(last).toBe(
      'waiting: csdl-q1/atk-dlq missing-member (receive 6), that was its last try: to the dead-letter queue (`dangvien rejected list`)',
    );
    expect(shortQueue).toBe('waiting: csdl-q1/atk-dlq missing-member (receive 5), tried again in 2 s');
  });

  it('gives any other handler line its function, level, message and event, on one line', () => {
    // Prepare
    const failed = JSON.stringify({
      level: 'ERROR',
      message: 'event failed',
      service: 'ingest',
      eventId: 'e-1',
      eventSource: 's',
      error: 'ConcurrentUpdateError',
      errorMessage: 'e-1: kept changing',
    });
    // Act
    const line = readableLine(parseHandlerLine(failed)!);
    // Assess
    expect(line).toBe('ingest error: event failed (s/e-1, ConcurrentUpdateError: e-1: kept changing)');
  });

  it('leaves alone what is not a handler log line', () => {
    // Act / Assess
    expect(parseHandlerLine('[08:00:00] ready in 2.1 s\n')).toBeUndefined();
    expect(parseHandlerLine('{"orgId": "HP", "members": 3}\n')).toBeUndefined();
    expect(parseHandlerLine('{ not json\n')).toBeUndefined();
  });
});

describe('installLogSink', () => {
  const restores: Array<() => void> = [];
  afterEach(() => {
    for (const restore of restores.splice(0)) restore();
    vi.restoreAllMocks();
  });

  /** What reaches stderr's underlying write while the sink is installed. */
  function captured(format: 'text' | 'json', write: () => void): string[] {
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    restores.push(installLogSink({ format, stamp: () => '[08:00:00]' }));
    write();
    return lines;
  }

  it('on a terminal, turns a JSON warning written to stderr into one stamped readable line', () => {
    // Act
    const lines = captured('text', () => process.stderr.write(`${deferred(1)}\n`));
    // Assess
    expect(lines).toEqual(['[08:00:00] waiting: csdl-q1/atk-dlq missing-member (receive 1), tried again in 2 s\n']);
  });

  it('as JSON, lets the line through as the handler wrote it', () => {
    // Act
    const lines = captured('json', () => process.stderr.write(`${deferred(1)}\n`));
    // Assess
    expect(lines).toEqual([`${deferred(1)}\n`]);
  });
});
