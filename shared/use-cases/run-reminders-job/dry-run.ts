// use case runRemindersJob, as a dry run: what the job would send on a date, with nothing
// published and nothing recorded (no sent marker, no outbox item, no move in the index, no
// `lastRunDate`). `dangvien remind --dry-run`, and `remind` for a date after today unless
// the operator forces it (docs/reminders.md). The job itself runs unchanged on a store
// that reads through and writes nowhere.
import type { Reminder } from '../../domain/reminders.js';
import { runRemindersJob, type RemindersJobOptions, type RemindersJobResult } from './index.js';
import type { RemindersStore } from './port.js';

/**
 * `store` for reading only: every write is dropped, a reminder "recorded" is kept in
 * memory so that the day's digests are composed as the job would compose them, and the
 * outbox looks empty (what a crashed run left is for a real run to send).
 */
export function readOnlyRemindersStore(store: RemindersStore): RemindersStore {
  const recorded: Reminder[] = [];
  return {
    currentOrgTree: () => store.currentOrgTree(),
    listOutbox: async () => ({ items: [], read: 0 }),
    claimOutbox: async () => false,
    deleteOutbox: async () => undefined,
    outboxId: (recordPk, key) => store.outboxId(recordPk, key),
    queryDue: (month, date) => store.queryDue(month, date),
    getRecords: (keys) => store.getRecords(keys),
    loadSentKeys: (recordPk) => store.loadSentKeys(recordPk),
    async recordReminder(_recordPk, _key, notification) {
      recorded.push(notification.reminder);
      return 'recorded';
    },
    async loadDayReminders(date) {
      const day = await store.loadDayReminders(date);
      return { items: [...day.items, ...recorded], read: day.read };
    },
    recordDigest: async () => 'recorded',
    digestOutboxId: (digestFor, date) => store.digestOutboxId(digestFor, date),
    moveInIndex: async () => true,
    publish: async () => undefined,
    recordCompletedRun: async () => undefined,
  };
}

/** What the reminders job would send as of `date`: its result, with nothing published or recorded. */
export function previewRemindersJob(store: RemindersStore, date: string, options: RemindersJobOptions = {}): Promise<RemindersJobResult> {
  return runRemindersJob(readOnlyRemindersStore(store), date, options);
}
