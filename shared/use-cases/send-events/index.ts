// use case: `dangvien send FILE.ndjson [--wait]`. Every line counts exactly once, in
// accepted, duplicates or rejected (docs/cli.md): a line too long to send, a line that
// is not an envelope or has no usable id (tracked by its SQS message id, as the ingest
// stores its rejection), a line that repeats an earlier line's (source, id) with another
// body (a conflict, not sent), and events, by their idempotency key (source, id).
//
// The wait is for this file's own lines and the figures they move, never for the whole
// stack: an event of someone else's that waits for its predecessor holds nothing here.
// `timeoutMs` is a hard limit: at it the summary says what is still pending and why.
// (adapter) cli/send --> use case --> SendStore (port.ts), EventQueue
import { groupOf, type Outgoing } from '../../domain/events/outgoing.js';
import { parseEvent } from '../../domain/events/parse.js';
import { eventHash, idempotencyKey, messageKey, type EventKey } from '../../domain/ingest/idempotency.js';
import type { RetryQueue } from '../../domain/ingest/retry-schedule.js';
import { describeWait } from '../../domain/ingest/waiting.js';
import type { EventQueue } from '../event-queue.js';
import { resolvePersons } from './person-groups.js';
import type { SendStore } from './port.js';

export type { PersonRef, SendStore } from './port.js';

/** A line still pending when the wait ended, and why. */
export interface PendingLine {
  line: number;
  /** `<source>/<id>`, or null for a line with no usable id. */
  key: string | null;
  /** Why, in words: what it waits for, its tries and its next one; or that it is held behind another line. */
  why: string;
}

export interface SendSummary {
  sent: number;
  accepted?: number;
  duplicates?: number;
  rejected?: number;
  /** Lines still pending when the wait ended (waiting for a predecessor, or not yet taken by the ingest). */
  pending?: number;
  /** Each pending line and why (at most {@link LISTED_PENDING}). */
  pendingLines?: PendingLine[];
  /** False when the figures had not followed the accepted lines by the timeout (the local stack). */
  figuresFollowed?: false;
}

/** A line of the file to send: its body, its number, and its idempotency key when it has a usable one. */
export type SendLine = Outgoing & { line: number; key?: EventKey };

export interface SendEventsOptions {
  /** Whether to wait until every line is applied or rejected, and the figures have followed. */
  wait: boolean;
  /** A hard limit on the wait, from when the lines are sent. */
  timeoutMs: number;
  warn: (s: string) => void;
  /** How the wait goes, now and then (stderr). */
  progress?: (s: string) => void;
  /** Local stack only: the producer identity to send as. */
  sender?: string;
  /**
   * Whether the figures have followed every write to the records made before `instant`,
   * waiting at most `waitMs` (the local stack answers it; without it the figures are not
   * waited for).
   */
  figuresFollowed?: (instant: Date, waitMs: number) => Promise<boolean>;
  /** The ingest queue's tries and visibility timeout, when the stack's differ from the deployed ones (the local stack's tests). */
  retryQueue?: RetryQueue;
  /** The clock (tests). */
  now?: () => Date;
  /** How often the markers are read while waiting, in ms. */
  pollMs?: number;
}

/** How many pending lines the summary lists; the count has them all. */
export const LISTED_PENDING = 20;

const PROGRESS_EVERY_MS = 5_000;

const keyText = (key: EventKey) => idempotencyKey(key.source, key.eventId);

/**
 * Lines repeating an earlier line's (source, id) with another body: the ingest would keep
 * the first and reject the later one as `conflict` (`dangvien validate` says the same),
 * so they are not sent, and count as rejected. Compared on the parsed event, as the
 * ingest compares; a line that does not parse is the ingest's to reject.
 */
function inFileConflicts(items: readonly SendLine[]): Map<SendLine, number> {
  const first = new Map<string, { hash: string; line: number }>();
  /** Each conflicting line, with the line whose (source, id) it repeats. */
  const conflicts = new Map<SendLine, number>();
  for (const item of items) {
    if (item.key === undefined) continue;
    const parsed = parseEvent(item.body);
    if (!parsed.ok) continue;
    const hash = eventHash(parsed.event);
    const seen = first.get(keyText(item.key));
    if (seen === undefined) first.set(keyText(item.key), { hash, line: item.line });
    else if (seen.hash !== hash) conflicts.set(item, seen.line);
  }
  return conflicts;
}

/**
 * Sends the lines (`tooLong`: lines refused before sending, counted as rejected), each
 * grouped by the person it is about; with `wait`, returns once every line is accounted
 * for and the figures have followed, or at `timeoutMs` (then `pending` says how many
 * lines are not accounted for, `pendingLines` why, or `figuresFollowed` is false).
 */
export async function sendEvents(
  ports: { store: SendStore; queue: EventQueue },
  lines: { items: SendLine[]; tooLong: number },
  opts: SendEventsOptions,
): Promise<SendSummary> {
  const { store, queue } = ports;
  const now = opts.now ?? (() => new Date());
  const conflicts = inFileConflicts(lines.items);
  for (const [item, firstLine] of conflicts) {
    opts.warn(
      `line ${item.line}: conflict: ${keyText(item.key!)} is on line ${firstLine} with another body; not sent, counted as rejected`,
    );
  }
  const items = lines.items.filter((item) => !conflicts.has(item));
  await resolvePersons(store, items);

  const before = await appliedBefore(store, items);
  // A line rejected before is sent so that it reaches the ingest again (see Outgoing.resend).
  const rejectedBefore = new Set((await store.listRejected()).flatMap((r) => (r.key ? [r.key] : [])));
  for (const item of items) if (item.key !== undefined && rejectedBefore.has(keyText(item.key))) item.resend = true;
  const startedAt = now().toISOString();
  const outcomes = await queue.send(items, { localSender: opts.sender });
  const refused = outcomes.filter((o) => !o.ok).length;
  if (refused > 0) opts.warn(`${refused} line(s) refused by the queue; counted as rejected`);
  const sent = items.flatMap((item, i) => {
    const o = outcomes[i];
    return o?.ok ? [{ ...item, messageId: o.messageId }] : [];
  });
  const rejectedUpFront = lines.tooLong + refused + conflicts.size;
  if (!opts.wait) return { sent: sent.length };

  const deadline = now().getTime() + opts.timeoutMs;
  const remaining = () => Math.max(0, deadline - now().getTime());
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.min(ms, remaining())));

  // Events by key (a repeated key in the file is one event); the rest by message id.
  const keys = [...new Map(sent.flatMap((s) => (s.key === undefined ? [] : [[keyText(s.key), s.key] as const]))).values()];
  const watched: Watched = {
    keys,
    repeats: sent.filter((s) => s.key !== undefined).length - keys.length,
    unidentified: sent.filter((s) => s.key === undefined).map((s) => messageKey(s.messageId)),
    before,
    startedAt,
    rejectedUpFront,
  };
  let tallied: Tally;
  let lastProgress = now().getTime();
  for (;;) {
    tallied = await tally(store, watched);
    const pending = tallied.pending.length;
    if (pending === 0 || remaining() === 0) break;
    if (now().getTime() - lastProgress >= PROGRESS_EVERY_MS) {
      lastProgress = now().getTime();
      const { accepted, rejected } = tallied.counts;
      opts.progress?.(`waiting for ${pending} of ${sent.length} lines (${accepted} accepted, ${rejected} rejected so far)…`);
    }
    await sleep(opts.pollMs ?? 250);
  }
  const { counts } = tallied;
  if (tallied.pending.length > 0) {
    const pendingLines = await whyPending(store, sent, new Set(tallied.pending), {
      sender: opts.sender,
      now: now(),
      queue: opts.retryQueue,
    });
    return { sent: sent.length, ...counts, pending: tallied.pending.length, pendingLines };
  }
  // The figures follow the records through the stream: wait for those these lines moved.
  if (counts.accepted > 0 && opts.figuresFollowed && !(await opts.figuresFollowed(now(), remaining()))) {
    return { sent: sent.length, ...counts, figuresFollowed: false };
  }
  return { sent: sent.length, ...counts };
}

/** What was applied before this send, by key: it decides duplicate vs. accepted afterwards. */
async function appliedBefore(store: SendStore, items: readonly SendLine[]): Promise<Map<string, 'same' | 'different'>> {
  const before = new Map<string, 'same' | 'different'>();
  for (const item of items) {
    if (item.key === undefined || before.has(keyText(item.key))) continue;
    const applied = await store.findApplied(item.key).catch(() => undefined);
    if (!applied) continue;
    const parsed = parseEvent(item.body);
    before.set(keyText(item.key), parsed.ok && eventHash(parsed.event) === applied.hash ? 'same' : 'different');
  }
  return before;
}

/** What a wait watches: the file's events by key, the lines without one by message, and what stood before. */
interface Watched {
  keys: EventKey[];
  /** Lines repeating an earlier line (same key, same body): duplicates. */
  repeats: number;
  /** `message:<id>` of the lines with no usable key. */
  unidentified: string[];
  before: ReadonlyMap<string, 'same' | 'different'>;
  startedAt: string;
  /** Lines counted as rejected before sending (too long, refused, in-file conflicts). */
  rejectedUpFront: number;
}

interface Tally {
  counts: { accepted: number; duplicates: number; rejected: number };
  /** The keys (`<source>/<id>`) and messages (`message:<id>`) not yet accounted for. */
  pending: string[];
}

/** What became of each watched line so far, from the markers and the rejections stored since the send. */
async function tally(store: SendStore, w: Watched): Promise<Tally> {
  const ids = w.keys.map(keyText);
  const applied = await store.appliedKeys(w.keys);
  const rejectedIds = new Set(
    (await store.listRejected()).filter((r) => r.rejectedAt >= w.startedAt).flatMap((r) => (r.key ? [r.key] : [])),
  );
  const accepted = new Set(ids.filter((id) => applied.has(id) && !w.before.has(id)));
  const duplicates = new Set(ids.filter((id) => w.before.get(id) === 'same'));
  const rejected = ids.filter((id) => rejectedIds.has(id) && !accepted.has(id) && !duplicates.has(id));
  const pendingIds = ids.filter((id) => !accepted.has(id) && !duplicates.has(id) && !rejected.includes(id));
  const pendingMessages = w.unidentified.filter((m) => !rejectedIds.has(m));
  return {
    counts: {
      accepted: accepted.size,
      duplicates: duplicates.size + w.repeats,
      rejected: w.rejectedUpFront + rejected.length + (w.unidentified.length - pendingMessages.length),
    },
    pending: [...pendingIds, ...pendingMessages],
  };
}

/**
 * Why each pending line is pending, from the notes the ingest keeps of waiting events:
 * what it waits for and when it is tried next; a line behind a waiting line of its
 * message group is held by it (FIFO); a line with neither has not been taken yet.
 */
async function whyPending(
  store: SendStore,
  sent: ReadonlyArray<SendLine & { messageId: string }>,
  pending: ReadonlySet<string>,
  at: { sender: string | undefined; now: Date; queue: RetryQueue | undefined },
): Promise<PendingLine[]> {
  const { sender, now } = at;
  const notes = await store.listWaiting().catch(() => []);
  const noteOf = (key: string) =>
    notes
      .filter(
        (n) => n.source !== undefined && idempotencyKey(n.source, n.eventId) === key && (sender === undefined || n.senderId === sender),
      )
      .sort((a, b) => ((a.lastTriedAt ?? a.since) < (b.lastTriedAt ?? b.since) ? 1 : -1))[0];
  const out: PendingLine[] = [];
  /** Per message group, the first pending line that waits: later lines of the group are held behind it. */
  const waitingInGroup = new Map<string, number>();
  const seen = new Set<string>();
  for (const item of sent) {
    const id = item.key === undefined ? messageKey(item.messageId) : keyText(item.key);
    if (!pending.has(id) || seen.has(id)) continue;
    seen.add(id);
    const group = groupOf(item);
    const note = item.key === undefined ? undefined : noteOf(id);
    const ahead = waitingInGroup.get(group);
    let why: string;
    if (note) why = describeWait(note, now, at.queue);
    else if (ahead !== undefined) why = `held behind line ${ahead} of the same person (message group), which waits`;
    else why = 'not taken by the ingest yet: the queue is behind, or the ingest is not running (`dangvien status`)';
    if (note && !waitingInGroup.has(group)) waitingInGroup.set(group, item.line);
    if (out.length < LISTED_PENDING) out.push({ line: item.line, key: item.key === undefined ? null : id, why });
  }
  return out;
}
