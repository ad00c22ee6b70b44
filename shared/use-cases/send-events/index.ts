// use case: `dangvien send FILE.ndjson [--wait]`. Every line counts exactly once, in
// accepted, duplicates or rejected (docs/cli.md): a line too long to send, a line that
// is not an envelope or has no usable id (tracked by its SQS message id, as the ingest
// stores its rejection), and events, by their idempotency key (source, id).
// (adapter) cli/send --> use case --> SendStore (port.ts), EventQueue
import type { Outgoing } from '../../domain/events/outgoing.js';
import { parseEvent } from '../../domain/events/parse.js';
import { eventHash, idempotencyKey, messageKey, type EventKey } from '../../domain/ingest/idempotency.js';
import type { EventQueue } from '../event-queue.js';
import { resolvePersons } from './person-groups.js';
import type { SendStore } from './port.js';

export type { PersonRef, SendStore } from './port.js';

export interface SendSummary {
  sent: number;
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  /** Still waiting for a predecessor when the wait ended (retrying, or in the DLQ). */
  pending?: number;
}

/** A line of the file to send: its body, its number, and its idempotency key when it has a usable one. */
export type SendLine = Outgoing & { line: number; key?: EventKey };

export interface SendEventsOptions {
  /** Whether to wait until every event is applied, rejected or still waiting at `timeoutMs`. */
  wait: boolean;
  timeoutMs: number;
  warn: (s: string) => void;
  /** Local stack only: the producer identity to send as. */
  sender?: string;
  /** Resolves once the figures have followed the records (the local stack); called after the wait. */
  settled?: () => Promise<void>;
}

const keyText = (key: EventKey) => idempotencyKey(key.source, key.eventId);

/**
 * Sends the lines (`tooLong`: lines refused before sending, counted as rejected), each
 * grouped by the person it is about; with `wait`, returns once every line is accounted
 * for or `timeoutMs` has passed (then `pending` says how many still wait).
 */
export async function sendEvents(
  ports: { store: SendStore; queue: EventQueue },
  lines: { items: SendLine[]; tooLong: number },
  opts: SendEventsOptions,
): Promise<SendSummary> {
  const { store, queue } = ports;
  const { items, tooLong } = lines;
  await resolvePersons(store, items);

  // What was applied before this send decides duplicate vs. accepted afterwards.
  const before = new Map<string, 'same' | 'different'>();
  for (const item of items) {
    if (item.key === undefined || before.has(keyText(item.key))) continue;
    const applied = await store.findApplied(item.key).catch(() => undefined);
    if (!applied) continue;
    const parsed = parseEvent(item.body);
    before.set(keyText(item.key), parsed.ok && eventHash(parsed.event) === applied.hash ? 'same' : 'different');
  }
  // A line rejected before is sent so that it reaches the ingest again (see Outgoing.resend).
  const rejectedBefore = new Set((await store.listRejected()).flatMap((r) => (r.key ? [r.key] : [])));
  for (const item of items) if (item.key !== undefined && rejectedBefore.has(keyText(item.key))) item.resend = true;
  const startedAt = new Date().toISOString();
  const outcomes = await queue.send(items, { localSender: opts.sender });
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
    const applied = await store.appliedKeys(keys);
    const rejectedNow = (await store.listRejected()).filter((r) => r.rejectedAt >= startedAt);
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
  await opts.settled?.();
  const { pending, ...counts } = summary;
  return { sent: sent.length, ...counts, ...(pending > 0 ? { pending } : {}) };
}
