// cli: `dangvien send FILE.ndjson [--wait]`.
import { readFileSync } from 'node:fs';
import { parseEvent } from '../shared/domain/events.js';
import { findApplied, listRejected } from '../shared/data/ingest-store.js';
import { appliedIds } from '../shared/data/redrive.js';
import { outgoing, sendEvents, type Outgoing } from '../shared/data/queue-sender.js';
import { eventHash } from '../shared/use-cases/ingest-event.js';
import type { Target } from './target.js';

export interface SendSummary {
  sent: number;
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  /** Still waiting for a predecessor when the wait ended (retrying, or in the DLQ). */
  pending?: number;
}

/** A line that cannot even be read as an event: counted as rejected with its line number. */
export interface BadLine {
  line: number;
  reason: string;
}

export async function sendFile(
  file: string,
  target: Target,
  opts: { wait: boolean; timeoutMs: number; warn: (s: string) => void },
): Promise<SendSummary> {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/);
  const items: Array<Outgoing & { line: number }> = [];
  const bad: BadLine[] = [];
  lines.forEach((text, i) => {
    if (text.trim() === '') return;
    const item = { ...outgoing(text), line: i + 1 };
    if (!item.event) bad.push({ line: i + 1, reason: 'not an event envelope (not JSON, or no id/type/data)' });
    items.push(item);
  });
  for (const b of bad) opts.warn(`line ${b.line}: ${b.reason}; sent anyway and stored as rejected`);

  // What was applied before this send decides duplicate vs. accepted afterwards.
  const tracked = items.filter((i) => i.event);
  const before = new Map<string, 'same' | 'different'>();
  for (const item of tracked) {
    const id = item.event!.id;
    const applied = await findApplied(id).catch(() => undefined);
    if (!applied) continue;
    const parsed = parseEvent(item.body);
    before.set(id, parsed.ok && eventHash(parsed.event) === applied.hash ? 'same' : 'different');
  }
  const startedAt = new Date().toISOString();
  await sendEvents(target.env.INGEST_QUEUE_URL!, items);
  if (!opts.wait) return { sent: items.length };

  const ids = [...new Set(tracked.map((i) => i.event!.id))];
  const deadline = Date.now() + opts.timeoutMs;
  let accepted = 0;
  let rejected = bad.length;
  let duplicates = 0;
  let pending = ids.length;
  for (;;) {
    const applied = await appliedIds(ids);
    const rejectedNow = new Set((await listRejected()).filter((r) => r.rejectedAt >= startedAt && r.eventId).map((r) => r.eventId!));
    accepted = ids.filter((id) => applied.has(id) && !before.has(id)).length;
    duplicates = ids.filter((id) => before.get(id) === 'same').length;
    const rejectedIds = ids.filter((id) => rejectedNow.has(id) && !(applied.has(id) && !before.has(id)));
    rejected = bad.length + rejectedIds.length;
    pending = ids.length - accepted - duplicates - rejectedIds.length;
    if (pending <= 0 || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  // The figures follow the records through the stream: wait for them too.
  if (target.apiUrl) await fetch(`${target.apiUrl}/_local/settled`).catch(() => undefined);
  return { sent: items.length, accepted, duplicates, rejected, ...(pending > 0 ? { pending } : {}) };
}
