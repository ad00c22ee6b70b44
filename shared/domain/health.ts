// domain: when the backend needs a person (`dangvien status`). Pure: the numbers come
// from the queues, the tables and the clock; the thresholds match the stack's alarms
// (infra/constructs/monitoring.ts), so the command and the alarms agree.

/** What `dangvien status` reads, at one instant. */
export interface HealthSnapshot {
  /** The instant of the reading (ISO-8601). */
  checkedAt: string;
  ingest: { visible: number; inFlight: number; oldestAgeSeconds: number };
  deadLetterQueue: { messages: number };
  /** Events stored as rejected (they need a fix and a redrive, or nothing). */
  rejected: number;
  /** Events waiting for a predecessor, with when the oldest first waited. */
  waiting: { count: number; oldestSince: string | null };
  /** How far the figures are behind the records, in seconds. */
  figuresLagSeconds: number;
  /** The last completed run of the daily reminders job. */
  reminders: { lastRunDate: string | null; completedAt: string | null };
  /** The quotas producers reached in the last day (domain/ingest/quotas.ts): by whom, which, when last. */
  quotasReached: Array<{ senderId: string; kind: string; limit: number; at: string }>;
}

/** The limits past which a person should look; the alarms use the same ones. */
export const HEALTH_LIMITS = {
  /** An event retried to the end takes 5 receives × the visibility timeout (15 min); twice that is a stuck queue. */
  ingestOldestAgeSeconds: 30 * 60,
  /** The figures alarm's iterator age. */
  figuresLagSeconds: 5 * 60,
  /** Longer than the retries of an event whose predecessor is missing. */
  waitingMinutes: 15,
  /** The daily job at 07:00 plus two hours of slack. */
  remindersHours: 26,
} as const;

const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;

/**
 * What needs a person now, one sentence each (empty: healthy). Rejected events alone are
 * not on the list: they are stored with their reason and wait for a fix at the
 * producer; what cannot move on by itself is.
 */
export function needsAttention(s: HealthSnapshot, limits = HEALTH_LIMITS): string[] {
  const out: string[] = [];
  if (s.deadLetterQueue.messages > 0) {
    out.push(`${s.deadLetterQueue.messages} event(s) in the dead-letter queue: \`dangvien rejected list\`, fix, \`dangvien dlq redrive\``);
  }
  if (s.ingest.oldestAgeSeconds > limits.ingestOldestAgeSeconds) {
    out.push(
      `the oldest event on the ingest queue waited ${Math.round(s.ingest.oldestAgeSeconds / 60)} min: the ingest is not keeping up or is failing`,
    );
  }
  if (
    s.waiting.count > 0 &&
    s.waiting.oldestSince !== null &&
    hoursBetween(s.waiting.oldestSince, s.checkedAt) * 60 > limits.waitingMinutes
  ) {
    out.push(`${s.waiting.count} event(s) wait for a predecessor, the oldest since ${s.waiting.oldestSince}: \`dangvien rejected list\``);
  }
  for (const q of s.quotasReached) {
    out.push(
      `producer ${q.senderId} reached its quota of ${q.limit} ${q.kind} events (last at ${q.at}): its events over it are rejected \`too-many-${q.kind}\`, see docs/runbook.md`,
    );
  }
  if (s.figuresLagSeconds > limits.figuresLagSeconds) {
    out.push(`the figures are ${Math.round(s.figuresLagSeconds / 60)} min behind the records: \`dangvien recompute --check\``);
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
