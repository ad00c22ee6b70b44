// use case runRemindersJob: what it needs from storage and the notifications topic. The
// reminders handler passes the DynamoDB and SNS one (shared/data/reminder-store.ts).
import type { Digest } from '../../domain/digest.js';
import type { Notification, ReminderNotification } from '../../domain/notifications.js';
import type { StoredRecord } from '../../domain/records.js';
import type { Reminder } from '../../domain/reminders.js';
import type { OrgTreeReader } from '../org-tree.js';

/** Items and how many were read to get them (the job's cost). */
export interface Read<T> {
  items: T[];
  read: number;
}

export interface RecordKey {
  pk: string;
  sk: string;
}

/** A record as the reminders job reads it: where it sits in index byRemindOn now. */
export interface RemindableRecord {
  key: RecordKey;
  stored: StoredRecord;
  /** Its place in index byRemindOn (null: not in it). */
  remindOn: string | null;
}

/** A reminder or digest recorded but not yet known to be published. */
export interface OutboxItem {
  id: string;
  /** Exactly what is to be published: body and attributes are derived from it alone. */
  notification: Notification;
  owner: string;
  leaseUntil: number;
}

export type RecordOutcome = 'recorded' | 'already-sent';

export interface RemindersStore extends OrgTreeReader {
  /** Everything in the outbox (normally empty: only crashes leave items behind). */
  listOutbox(): Promise<Read<OutboxItem>>;
  /** Takes an outbox item whose lease ran out before `now`; false when gone or still leased. */
  claimOutbox(id: string, owner: string, now: number, leaseUntil: number): Promise<boolean>;
  /** Removes a published reminder from the outbox, unless another run has taken it over since. */
  deleteOutbox(id: string, owner: string): Promise<void>;
  /** The outbox id of the reminder `key` of a record. */
  outboxId(recordPk: string, key: string): string;
  /** The keys of one month bucket of index byRemindOn due on or before `date` (eventually consistent). */
  queryDue(month: string, date: string): Promise<Read<RecordKey>>;
  /** The records with these keys as they are now (consistent reads); absent ones are left out. */
  getRecords(keys: readonly RecordKey[]): Promise<Read<RemindableRecord>>;
  /** The keys of the reminders already recorded for a record. */
  loadSentKeys(recordPk: string): Promise<Read<string>>;
  /**
   * Records a reminder as sent, puts it in the outbox leased to `owner` and in the list
   * of its day's reminders (what the digests are made of), in one step.
   */
  recordReminder(
    recordPk: string,
    key: string,
    notification: ReminderNotification,
    owner: string,
    leaseUntil: number,
  ): Promise<RecordOutcome>;
  /** The reminders recorded for the job date `date`, by any run. */
  loadDayReminders(date: string): Promise<Read<Reminder>>;
  /** Records a digest as sent for its org and day and puts it in the outbox leased to `owner`, in one step. */
  recordDigest(digest: Digest, owner: string, leaseUntil: number): Promise<RecordOutcome>;
  /** The outbox id of the digest of `digestFor` on `date`. */
  digestOutboxId(digestFor: string, date: string): string;
  /** Moves a record in index byRemindOn (null: out of it) if it is still at `version`. */
  moveInIndex(key: RecordKey, version: number, remindOn: string | null): Promise<boolean>;
  /** Publishes a reminder or a digest on the notifications topic, with its message attributes. */
  publish(notification: Notification): Promise<void>;
  /** The heartbeat: the job completed a run for `date` (`dangvien status`). */
  recordCompletedRun(date: string): Promise<void>;
}
