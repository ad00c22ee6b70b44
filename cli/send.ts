// cli: `dangvien send FILE.ndjson [--wait]`: the file's lines, each sent as the send use
// case says (use-cases/send-events), which counts every line exactly once (docs/cli.md).
import { readFileSync } from 'node:fs';
import { outgoing } from '../shared/domain/events/outgoing.js';
import { MAX_BODY_BYTES, utf8Length } from '../shared/domain/events/parse.js';
import { envelopeKeyOf } from '../shared/domain/ingest/idempotency.js';
import { retryQueueOf } from '../shared/domain/ingest/retry-schedule.js';
import { sendEvents, type SendLine, type SendSummary } from '../shared/use-cases/send-events/index.js';
import { connect } from './connect.js';
import { UsageError } from './errors.js';
import type { Target } from './target.js';

export type { SendSummary };

/** The file's lines as items to send; lines over the size limit are refused, by number. */
function readLines(file: string, warn: (s: string) => void): { items: SendLine[]; tooLong: number } {
  const items: SendLine[] = [];
  let tooLong = 0;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  text.split(/\r?\n/).forEach((text, i) => {
    if (text.trim() === '') return;
    if (utf8Length(text) > MAX_BODY_BYTES) {
      warn(`line ${i + 1}: longer than ${MAX_BODY_BYTES / 1024} KiB; not sent, counted as rejected`);
      tooLong += 1;
      return;
    }
    const item: SendLine = { ...outgoing(text), line: i + 1, key: envelopeKeyOf(text) };
    if (item.key === undefined)
      warn(`line ${i + 1}: not an event envelope with a usable id and source; sent anyway and stored as rejected`);
    items.push(item);
  });
  return { items, tooLong };
}

/** Sends the file's lines to the target's ingest queue; with `wait`, counts what became of each. */
export async function sendFile(
  file: string,
  target: Target,
  opts: { wait: boolean; timeoutMs: number; warn: (s: string) => void; sender?: string },
): Promise<SendSummary> {
  const lines = readLines(file, opts.warn);
  const stores = connect(target);
  return sendEvents({ store: stores.send, queue: stores.ingestQueue }, lines, {
    ...opts,
    progress: opts.warn,
    retryQueue: retryQueueOf(target.env),
    // The figures follow the records through the stream: on the local stack, wait for
    // those of this file's lines too. In AWS they follow within seconds (`status`: the lag).
    figuresFollowed: target.apiUrl ? (instant, waitMs) => localFiguresFollowed(target.apiUrl!, instant, waitMs) : undefined,
  });
}

/**
 * Whether the local stack's figures have followed every write made before `instant`,
 * asked of its HTTP API until `waitMs` has passed (one request waits a minute at most).
 */
export async function localFiguresFollowed(apiUrl: string, instant: Date, waitMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const left = Math.max(0, deadline - Date.now());
    const url = `${apiUrl}/_local/figures?through=${instant.getTime()}&waitMs=${left}`;
    const answer = await fetch(url, { signal: AbortSignal.timeout(left + 5_000) })
      .then((r) => {
        if (!r.ok) throw new Error(`the local stack answered ${r.status} when asked whether the figures have followed`);
        return r.json() as Promise<{ caughtUp: boolean }>;
      })
      .catch((error: unknown) => {
        // The stack went away: that is for the caller to hear.
        if ((error as Error).name !== 'TimeoutError') throw error;
        return { caughtUp: false };
      });
    if (answer.caughtUp) return true;
    if (Date.now() >= deadline) return false;
  }
}
