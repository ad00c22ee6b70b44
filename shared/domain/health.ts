// domain: when the backend needs a person (`dangvien status`). Pure: the numbers come
// from the queues, the tables and the clock; the thresholds match the stack's alarms
// (infra/constructs/monitoring.ts), so the command and the alarms agree.
import { describeWait, waitedSeconds, type WaitNote } from './ingest/waiting.js';
import { describeSilence, type SilentProducer, type SourceSeen } from './sources.js';
import { INGEST_RETRY_QUEUE, pastShortWaits, secondsInWords, type RetryQueue } from './ingest/retry-schedule.js';
import { DEFAULT_QUEUE_RETENTION_DAYS, INGEST_DLQ } from '../resources.js';

/** A waiting event as `status` names it: its key, who sent it and its note (domain/ingest/waiting.ts). */
export interface WaitingSummary extends WaitNote {
  source?: string;
  eventId: string;
  senderId?: string;
  reason: string;
}

/** What `dangvien status` reads, at one instant. */
export interface HealthSnapshot {
  /** The instant of the reading (ISO-8601). */
  checkedAt: string;
  ingest: { visible: number; inFlight: number; oldestAgeSeconds: number };
  /** Its messages, and how long the oldest has been in it (seconds; SQS deletes it after the DLQ's retention). */
  deadLetterQueue: { messages: number; oldestAgeSeconds?: number };
  /** Events stored as rejected (they need a fix and a redrive, or nothing). */
  rejected: number;
  /** Events waiting for a predecessor, with when the oldest first waited, and the oldest ones themselves. */
  waiting: { count: number; oldestSince: string | null; oldest?: WaitingSummary[] };
  /** How far the figures are behind the records, in seconds. */
  figuresLagSeconds: number;
  /** The last completed run of the daily reminders job. */
  reminders: { lastRunDate: string | null; completedAt: string | null };
  /** Each source: its last event, and its events and rejections of the last seven days (domain/sources.ts). */
  sources: SourceSeen[];
  /** The registered producers that have sent nothing for longer than their limit. */
  silentProducers: SilentProducer[];
  /** Why the registry could not be read, when it could not (the silence check then did not run). */
  registryUnreadable?: string;
  /** The quotas producers reached in the last day (domain/ingest/quotas.ts): by whom, which, when last. */
  quotasReached: Array<{ senderId: string; kind: string; limit: number; at: string }>;
  /**
   * The message groups held behind an event in the dead-letter queue (domain/ingest/hold.ts):
   * behind which event (`<source>/<id>`), what it waits for, since when, and how many
   * events were parked behind it; never the group, which is a person's id.
   */
  heldGroups?: HeldGroupSummary[];
}

/**
 * A message group held behind an event in the dead-letter queue, as `status` shows it: by
 * its held event, never by the group (a person's id, personal data).
 */
export interface HeldGroupSummary {
  /** The held event's `<source>/<id>` (what `dlq discard` takes). */
  behind: string;
  /** What it waits for (its retry reason). */
  reason: string;
  since: string;
  parked: number;
}

/**
 * Why a writing `recompute` must wait, or undefined when the stack is idle: it scans the
 * records and then writes the figures, so a change landing in between could leave a
 * cell's figures counted from an older version of a record (docs/runbook.md "Figures
 * behind the records"). Idle: nothing on the ingest queue (visible, delayed or in
 * flight) and the figures caught up with the records (lag under a second).
 */
export function eventsFlowing(ingest: { visible: number; inFlight: number }, figuresLagSeconds: number | undefined): string | undefined {
  const onQueue = ingest.visible + ingest.inFlight;
  const behind = figuresLagSeconds ?? 0;
  if (onQueue === 0 && behind === 0) return undefined;
  const parts = [
    ...(onQueue > 0 ? [`${onQueue} message(s) on the ingest queue`] : []),
    ...(behind > 0 ? [`the figures ${behind} s behind the records`] : []),
  ];
  return parts.join(', ');
}

/** The limits past which a person should look; the alarms use the same ones. */
export const HEALTH_LIMITS = {
  /** A message a crashed handler held comes back 6 times × the visibility timeout (18 min); more than that is a stuck queue. */
  ingestOldestAgeSeconds: 30 * 60,
  /** The figures alarm's iterator age. */
  figuresLagSeconds: 5 * 60,
  /**
   * An event whose predecessor overtook it by a moment applies within its short waits
   * (2 + 4 + 8 + 16 s, domain/ingest/retry-schedule.ts); one past them, or that has waited
   * a minute, waits for something that may never come. The WaitingEventsPastShortWaits
   * alarm counts the first.
   */
  waitingSeconds: 60,
  /** The daily job at 07:00 plus two hours of slack. */
  remindersHours: 26,
  /**
   * A dead-lettered event this old is named with the day SQS will delete it (its DLQ keeps
   * it 14 days): four days to redrive it. The DeadLetterQueueAboutToExpire alarm agrees.
   */
  deadLetterWarnSeconds: 10 * 86_400,
} as const;

/** Days the ingest's dead-letter queue keeps a message from its move (resources.ts). */
const DEAD_LETTER_RETENTION_DAYS = INGEST_DLQ.retentionDays ?? DEFAULT_QUEUE_RETENTION_DAYS;

const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

/**
 * What needs a person now, one sentence each (empty: healthy). Rejected events alone are
 * not on the list: they are stored with their reason and wait for a fix at the
 * producer; what cannot move on by itself is.
 */
export function needsAttention(s: HealthSnapshot, limits = HEALTH_LIMITS, queue: RetryQueue = INGEST_RETRY_QUEUE): string[] {
  const out: string[] = [];
  if (s.deadLetterQueue.messages > 0) {
    out.push(`${s.deadLetterQueue.messages} event(s) in the dead-letter queue: \`dangvien rejected list\`, fix, \`dangvien dlq redrive\``);
  }
  const dlqAge = s.deadLetterQueue.oldestAgeSeconds ?? 0;
  if (s.deadLetterQueue.messages > 0 && dlqAge > limits.deadLetterWarnSeconds) {
    // SQS deletes a dead-lettered message for good, and records nothing: say the day.
    const lostOn = new Date(Date.parse(s.checkedAt) + (DEAD_LETTER_RETENTION_DAYS * 86_400 - dlqAge) * 1000).toISOString().slice(0, 10);
    out.push(
      `the oldest event in the dead-letter queue has been there ${Math.floor(dlqAge / 86_400)} days: SQS deletes it for good on ${lostOn} unless it is redriven (\`dangvien dlq redrive\`), see docs/runbook.md#a-dead-lettered-event-about-to-be-lost`,
    );
  }
  if (s.ingest.oldestAgeSeconds > limits.ingestOldestAgeSeconds) {
    out.push(
      `the oldest event on the ingest queue waited ${Math.round(s.ingest.oldestAgeSeconds / 60)} min: the ingest is not keeping up or is failing`,
    );
  }
  out.push(...longWaits(s, limits.waitingSeconds, queue));
  for (const h of s.heldGroups ?? []) {
    out.push(
      `event ${h.behind} waits (${h.reason}) in the dead-letter queue since ${h.since}, its message group held behind it: ` +
        `${h.parked} later event(s) parked behind it; fix what it waits for, then \`dangvien dlq redrive\` ` +
        `(or, if it must never apply, \`dangvien dlq discard ${h.behind}\` first)`,
    );
  }
  for (const q of s.quotasReached) out.push(describeQuota(q));
  if (s.figuresLagSeconds > limits.figuresLagSeconds) {
    out.push(`the figures are ${Math.round(s.figuresLagSeconds / 60)} min behind the records: \`dangvien recompute --check\``);
  }
  for (const p of s.silentProducers) out.push(describeSilence(p, new Date(s.checkedAt)));
  if (s.registryUnreadable !== undefined) {
    out.push(
      `the producer registry cannot be read (${s.registryUnreadable}): no event is applied until it can, and silent producers cannot be told`,
    );
  }
  if (s.reminders.completedAt === null) {
    out.push('the daily reminders job has not completed a run yet: `dangvien remind --date YYYY-MM-DD`');
  } else if (hoursBetween(s.reminders.completedAt, s.checkedAt) > limits.remindersHours) {
    out.push(
      `the daily reminders job last completed a run at ${s.reminders.completedAt} (for ${s.reminders.lastRunDate}): run it for the missed day`,
    );
  }
  return out;
}

/** The waiting events named one by one; past that, a count. */
const NAMED_WAITS = 5;

/**
 * Each event that has waited longer than `limitSeconds`, by name (the oldest first): what
 * it waits for and when it is tried next, or that it is in the dead-letter queue.
 */
function longWaits(s: HealthSnapshot, limitSeconds: number, queue: RetryQueue): string[] {
  const now = new Date(s.checkedAt);
  const oldest = s.waiting.oldestSince;
  const long = (w: WaitingSummary) =>
    waitedSeconds(w, now) > limitSeconds ||
    w.inDeadLetterQueue === true ||
    (w.receiveCount !== undefined && pastShortWaits(w.receiveCount, queue));
  const named = (s.waiting.oldest ?? []).filter(long).slice(0, NAMED_WAITS);
  if (named.length === 0 && (s.waiting.count === 0 || oldest === null || waitedSeconds({ since: oldest }, now) <= limitSeconds)) return [];
  const lines = named.map((w) => {
    const key = w.source === undefined ? w.eventId : `${w.source}/${w.eventId}`;
    const sender = w.senderId === undefined ? '' : ` (sender ${w.senderId})`;
    return `event ${key}${sender} has waited ${secondsInWords(waitedSeconds(w, now))}, ${describeWait(w, now, queue)}: \`dangvien rejected list\``;
  });
  if (named.length === 0 || (named.length === NAMED_WAITS && s.waiting.count > NAMED_WAITS)) {
    const others = s.waiting.count - named.length;
    lines.push(
      `${named.length ? `and ${others} more` : String(s.waiting.count)} event(s) wait for a predecessor, the oldest since ${oldest}: \`dangvien rejected list\``,
    );
  }
  return lines;
}

/** A producer that reached a quota, in the words of its quota (docs/security.md "Quotas"). */
function describeQuota(q: HealthSnapshot['quotasReached'][number]): string {
  const what: Record<string, string> = {
    waiting: `${q.limit} events waiting: its new events that would wait are rejected \`too-many-waiting\``,
    eventsPerMinute: `${q.limit} events a minute: its events over it are rejected \`too-many-events\` (kept)`,
    rejectedKept: `${q.limit} rejected events kept: its further rejections are kept without their bodies`,
  };
  return `producer ${q.senderId} reached its quota of ${what[q.kind] ?? `${q.limit} ${q.kind}`} (last at ${q.at}), see docs/runbook.md#a-producer-reached-its-quota`;
}
