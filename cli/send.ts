// cli: `dangvien send FILE.ndjson [--wait]`: the file's lines, each sent as the send use
// case says (use-cases/send-events), which counts every line exactly once (docs/cli.md).
import { readFileSync } from 'node:fs';
import { outgoing } from '../shared/domain/events/outgoing.js';
import { MAX_BODY_BYTES, utf8Length } from '../shared/domain/events/parse.js';
import { envelopeKeyOf } from '../shared/domain/ingest/idempotency.js';
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
    // The figures follow the records through the stream: on the local stack, wait for them too.
    settled: target.apiUrl
      ? async () => {
          await fetch(`${target.apiUrl}/_local/settled`).catch(() => undefined);
        }
      : undefined,
  });
}
