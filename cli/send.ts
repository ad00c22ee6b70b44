// cli: `dangvien send FILE.ndjson [--wait]`. Every line counts exactly once, in
// accepted, duplicates or rejected (CONTRACT §10): a line too long to send, a line that
// is not an envelope or has no usable id (tracked by its SQS message id, as the ingest
// stores its rejection), and events, by their idempotency key (source, id).
import { readFileSync } from 'node:fs';
import { MAX_BODY_BYTES, parseEvent, utf8Length } from '../shared/domain/events/index.js';
import { envelopeKeyOf, eventHash, idempotencyKey, messageKey, type EventKey } from '../shared/domain/ingest/idempotency.js';
import { findApplied, listRejected } from '../shared/data/ingest-store.js';
import { appliedKeys } from '../shared/data/redrive.js';
import { outgoing, sendBatches, type Outgoing } from '../shared/data/queue-sender.js';
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

type Line = Outgoing & { line: number; key?: EventKey };

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
    const item: Line = { ...outgoing(text), line: i + 1, key: envelopeKeyOf(text) };
    if (item.key === undefined)
      warn(`line ${i + 1}: not an event envelope with a usable id and source; sent anyway and stored as rejected`);
    items.push(item);
  });
  return { items, tooLong };
}

const keyText = (key: EventKey) => idempotencyKey(key.source, key.eventId);

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
    if (item.key === undefined || before.has(keyText(item.key))) continue;
    const applied = await findApplied(item.key).catch(() => undefined);
    if (!applied) continue;
    const parsed = parseEvent(item.body);
    before.set(keyText(item.key), parsed.ok && eventHash(parsed.event) === applied.hash ? 'same' : 'different');
  }
  // A line rejected before is sent so that it reaches the ingest again (see Outgoing.resend).
  const rejectedBefore = new Set((await listRejected()).flatMap((r) => (r.key ? [r.key] : [])));
  for (const item of items) if (item.key !== undefined && rejectedBefore.has(keyText(item.key))) item.resend = true;
  const startedAt = new Date().toISOString();
  const outcomes = await sendBatches(target.env.INGEST_QUEUE_URL!, items, { localSender: opts.sender });
  const refused = outcomes.filter((o) => !o.ok).length;
  if (refused > 0) opts.warn(`${refused} line(s) refused by the queue; counted as rejected`);
  const sent = items.flatMap((item, i) => {
    const o = outcomes[i];
    return o?.ok ? [{ ...item, messageId: o.messageId }] : [];
  });
  if (!opts.wait) return { sent: sent.length };

  // Events by key (a repeated key in the file is one event); the rest by message id.
  const keys = [...new Map(sent.flatMap((s) => (s.key === undefined ? [] : [[keyText(s.key), s.key] as const]))).values()];
  const ids = keys.map(keyText);
  const repeats = sent.filter((s) => s.key !== undefined).length - ids.length;
  const unidentified = sent.filter((s) => s.key === undefined).map((s) => messageKey(s.messageId));
  const deadline = Date.now() + opts.timeoutMs;
  let summary: Required<Omit<SendSummary, 'sent'>>;
  for (;;) {
    const applied = await appliedKeys(keys);
    const rejectedNow = (await listRejected()).filter((r) => r.rejectedAt >= startedAt);
    const rejectedIds = new Set(rejectedNow.flatMap((r) => (r.key ? [r.key] : [])));
    const rejectedMessages = rejectedIds;
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
