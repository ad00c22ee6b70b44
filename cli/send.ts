// cli: `dangvien send FILE.ndjson [--wait]`. Every line counts exactly once, in
// accepted, duplicates or rejected (CONTRACT §10): a line too long to send, a line that
// is not an envelope or has no usable id (tracked by its SQS message id, as the ingest
// stores its rejection), and events, by id.
import { readFileSync } from 'node:fs';
import { envelopeIdOf, MAX_BODY_BYTES, parseEvent, utf8Length } from '../shared/domain/events.js';
import { findApplied, listRejected } from '../shared/data/ingest-store.js';
import { appliedIds } from '../shared/data/redrive.js';
import { outgoing, sendBatches, type Outgoing } from '../shared/data/queue-sender.js';
import { eventHash } from '../shared/use-cases/ingest-event.js';
import { resolvePersons } from './person-groups.js';
import { UsageError } from './errors.js';
import type { Target } from './target.js';

export interface SendSummary {
  sent: number;
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  /** Still waiting for a predecessor when the wait ended (retrying, or in the DLQ). */
  pending?: number;
}

type Line = Outgoing & { line: number; id?: string };

/** The file's lines as items to send; lines over the size limit are refused, by number. */
function readLines(file: string, warn: (s: string) => void): { items: Line[]; tooLong: number } {
  const items: Line[] = [];
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
    const item: Line = { ...outgoing(text), line: i + 1, id: envelopeIdOf(text) };
    if (item.id === undefined) warn(`line ${i + 1}: not an event envelope with a usable id; sent anyway and stored as rejected`);
    items.push(item);
  });
  return { items, tooLong };
}

export async function sendFile(
  file: string,
  target: Target,
  opts: { wait: boolean; timeoutMs: number; warn: (s: string) => void; sender?: string },
): Promise<SendSummary> {
  const { items, tooLong } = readLines(file, opts.warn);
  await resolvePersons(items);

  // What was applied before this send decides duplicate vs. accepted afterwards.
  const before = new Map<string, 'same' | 'different'>();
  for (const item of items) {
    if (item.id === undefined || before.has(item.id)) continue;
    const applied = await findApplied(item.id).catch(() => undefined);
    if (!applied) continue;
    const parsed = parseEvent(item.body);
    before.set(item.id, parsed.ok && eventHash(parsed.event) === applied.hash ? 'same' : 'different');
  }
  const startedAt = new Date().toISOString();
  const outcomes = await sendBatches(target.env.INGEST_QUEUE_URL!, items, { localSender: opts.sender });
  const refused = outcomes.filter((o) => !o.ok).length;
  if (refused > 0) opts.warn(`${refused} line(s) refused by the queue; counted as rejected`);
  const sent = items.flatMap((item, i) => {
    const o = outcomes[i];
    return o?.ok ? [{ ...item, messageId: o.messageId }] : [];
  });
  if (!opts.wait) return { sent: sent.length };

  // Events by id (a repeated id in the file is one event); the rest by message id.
  const ids = [...new Set(sent.flatMap((s) => (s.id === undefined ? [] : [s.id])))];
  const repeats = sent.filter((s) => s.id !== undefined).length - ids.length;
  const unidentified = sent.filter((s) => s.id === undefined).map((s) => `message:${s.messageId}`);
  const deadline = Date.now() + opts.timeoutMs;
  let summary: Required<Omit<SendSummary, 'sent'>>;
  for (;;) {
    const applied = await appliedIds(ids);
    const rejectedNow = (await listRejected()).filter((r) => r.rejectedAt >= startedAt);
    const rejectedIds = new Set(rejectedNow.flatMap((r) => (r.eventId ? [r.eventId] : [])));
    const rejectedMessages = new Set(rejectedNow.map((r) => r.id));
    const accepted = ids.filter((id) => applied.has(id) && !before.has(id)).length;
    const duplicates = ids.filter((id) => before.get(id) === 'same').length + repeats;
    const rejectedEvents = ids.filter((id) => rejectedIds.has(id) && !(applied.has(id) && !before.has(id))).length;
    const rejectedLines = unidentified.filter((m) => rejectedMessages.has(m)).length;
    const pending = ids.length - accepted - (duplicates - repeats) - rejectedEvents + (unidentified.length - rejectedLines);
    summary = { accepted, duplicates, rejected: tooLong + refused + rejectedEvents + rejectedLines, pending };
    if (pending <= 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // The figures follow the records through the stream: wait for them too.
  if (target.apiUrl) await fetch(`${target.apiUrl}/_local/settled`).catch(() => undefined);
  const { pending, ...counts } = summary;
  return { sent: sent.length, ...counts, ...(pending > 0 ? { pending } : {}) };
}
