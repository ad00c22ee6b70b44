// cli: `dangvien validate FILE.ndjson` (docs/cli.md): every line checked offline by the
// ingest's own parser (shared/domain/events/parse.ts), so a producer learns before sending what
// the ingest would reject. Loads no AWS SDK and needs no stack: cli/program.ts imports this
// module directly, never cli/commands.ts.
//
// Lines are read as `dangvien send` reads them: split on "\n" (a "\r" before it is
// dropped), numbered from 1 as in an editor, and blank lines (only whitespace) are
// skipped by both — they are neither sent nor reported. The file is streamed: memory
// holds one line (at most a little over 256 KiB of it) and, per valid event, its
// idempotency key and a short hash of its body, for the within-file `conflict` check.
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { envelopeIdOf, MAX_BODY_BYTES, parseEvent, type ParseFailureReason } from '../shared/domain/events/index.js';
import { eventHash } from '../shared/domain/ingest/idempotency.js';
import { CheckFailed, EXIT, UsageError } from './errors.js';

/** One invalid line, as `validate` prints it (one JSON object per line on stdout). */
export interface InvalidLine {
  /** The line number in the file, from 1 (blank lines count). */
  line: number;
  /** The envelope's id when the line has a usable one, else null. */
  id: string | null;
  /** The reason the ingest would store (`not-json`, `unknown-type`, `schema`), or `conflict`. */
  reason: ParseFailureReason | 'conflict';
  /** What is wrong, by field path; never a value from the line. */
  message: string;
}

/** A line of the file; `text` keeps at most {@link KEPT_CHARS} of a longer line. */
interface FileLine {
  line: number;
  text: string;
}

/**
 * A line longer than this (in UTF-16 units) is over {@link MAX_BODY_BYTES} bytes whatever
 * its characters, so the rest of it need not be kept: the parser still sees it as too large.
 */
const KEPT_CHARS = MAX_BODY_BYTES + 1;

/**
 * The non-blank lines of an NDJSON stream, numbered. Not `readline`: it also breaks lines
 * on a lone "\r", which `send` does not, and it holds a whole line however long it is.
 */
export async function* ndjsonLines(chunks: AsyncIterable<Buffer | string> | Iterable<Buffer | string>): AsyncGenerator<FileLine> {
  // The decoder keeps a character split across two chunks whole; bytes that are not
  // UTF-8 become U+FFFD, as readFileSync(file, 'utf8') in `send` makes them.
  const decoder = new StringDecoder('utf8');
  let current = '';
  let line = 1;
  const finish = (): FileLine | undefined => {
    const text = current.endsWith('\r') ? current.slice(0, -1) : current;
    current = '';
    return text.trim() === '' ? undefined : { line, text };
  };
  const append = (piece: string) => {
    if (current.length < KEPT_CHARS + 1) current += piece.slice(0, KEPT_CHARS + 1 - current.length);
  };
  for await (const chunk of chunks) {
    const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      append(text.slice(start, nl));
      const done = finish();
      if (done) yield done;
      line += 1;
      start = nl + 1;
    }
    append(text.slice(start));
  }
  append(decoder.end());
  const last = finish();
  if (last) yield last;
}

/** Bits of the body's hash kept per event: enough to tell two bodies apart, small for a 100 MB file. */
const HASH_CHARS = 24;

/**
 * Checks every line: what {@link parseEvent} rejects, with the ingest's reason and
 * message, and a `conflict` for the same (`source`, `id`) as an earlier line with a
 * different body (the ingest would reject the later one; the first stands). The same
 * body twice is no error: the ingest applies it once and `send` counts a duplicate.
 */
export async function* invalidLines(lines: AsyncIterable<FileLine>): AsyncGenerator<InvalidLine, { events: number }> {
  const seen = new Map<string, { hash: string; line: number }>();
  let events = 0;
  for await (const { line, text } of lines) {
    events += 1;
    const parsed = parseEvent(text);
    if (!parsed.ok) {
      yield { line, id: envelopeIdOf(text) ?? null, reason: parsed.reason, message: hintFor(line, text, parsed.message) };
      continue;
    }
    const { event } = parsed;
    const key = JSON.stringify([event.source, event.id]);
    const hash = eventHash(event).slice(0, HASH_CHARS);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, { hash, line });
    else if (first.hash !== hash) {
      yield {
        line,
        id: event.id,
        reason: 'conflict',
        message: `(source, id) already on line ${String(first.line)} with another body: the ingest keeps the first and rejects this one`,
      };
    }
  }
  return { events };
}

/** A byte order mark makes line 1 unreadable as JSON: say so, since editors hide it. */
function hintFor(line: number, text: string, message: string): string {
  return line === 1 && text.startsWith('\uFEFF')
    ? `${message} (the file starts with a byte order mark: save it as UTF-8 without BOM)`
    : message;
}

/** Writes one line to stdout, waiting when the pipe is full (a file with many bad lines). */
async function printLine(s: string): Promise<void> {
  if (!process.stdout.write(`${s}\n`)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

/**
 * `dangvien validate FILE.ndjson`: prints each invalid line as JSON on stdout. Throws
 * UsageError (exit 2) when the file cannot be read, CheckFailed (exit 1) when a line is invalid.
 */
export async function runValidate(args: string[]): Promise<void> {
  if (args.length !== 1) throw new UsageError('usage: dangvien validate FILE.ndjson');
  const file = args[0]!;
  const unreadable = (why: string) => new UsageError(`cannot read ${file}: ${why}`);
  const handle = await open(file).catch((error: NodeJS.ErrnoException) => {
    throw unreadable(error.code ?? error.message);
  });
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw unreadable('not a file');
  }
  const results = invalidLines(ndjsonLines(handle.createReadStream({ highWaterMark: 1 << 20 })));
  let invalid = 0;
  for (;;) {
    const next = await results.next();
    if (next.done) {
      if (invalid > 0) throw new CheckFailed(`${String(invalid)} of ${String(next.value.events)} lines invalid`);
      console.error(`${String(next.value.events)} events, all valid`);
      return;
    }
    invalid += 1;
    // Earned now: if the reader closes the pipe (`| head -1`), the CLI ends with it (cli/main.ts).
    process.exitCode = EXIT.checkFailed;
    await printLine(JSON.stringify(next.value));
  }
}
