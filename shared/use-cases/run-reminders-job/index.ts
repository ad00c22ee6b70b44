// use case: the daily reminders job (docs/reminders.md), each reminder exactly once.
// (adapter) functions/reminders --> use case --> domain/reminders; storage and the topic through RemindersStore (port.ts)
//
// 1. Drain the outbox: reminders a crashed run recorded but may not have published.
// 2. Read the records that are due: index byRemindOn, every month bucket from the epoch
//    (2021-01, domain/reminder-index.ts) to the job's month, `remindOn <= date`. Each query is
//    a key condition, so only due items are read; an empty bucket costs one cheap query
//    and no item. We chose this over a stored "earliest bucket" cursor: the ingest
//    writes index attributes through a pure function (`toItem`) and may backfill a
//    record due years ago, into a bucket below any cursor the job kept; a stale cursor
//    would hide that record forever, while the bucket count grows by only 12 a year.
// 3. Per record: read it again consistently (the index lags), load the keys already
//    sent, let the domain say what is due (`remindersFor`), and for each reminder:
//    record it (SENT marker + OUTBOX item, one conditional transaction) → publish →
//    delete the OUTBOX item. The conditional marker is what makes two runs at once
//    publish once: only one transaction can create it.
// 4. Move the record on in the index to its next reminder date (`nextRemindOn` after
//    the job's date), only if its version is unchanged.
// 5. The digests (docs/reminders.md, "Reaching the committee"): for each org that has a digest
//    subscriber, the reminders recorded for the job date in its subtree (by this run or
//    an earlier one that day: the REMINDED list, written with each reminder), composed
//    by the domain (`composeDigest`), then recorded (DIGEST marker + OUTBOX item, one
//    conditional transaction) → published → deleted from the outbox: the same outbox as
//    the reminders, so a digest is sent once per org and day and survives a crash the
//    same way. An org with nothing that day gets no digest. A run that failed before its
//    digests is retried for the same date by the schedule and sends them then.
//
// Every reminder is published with the org ids from the root down to its cell
// (`orgPath`, from the tree the job loads), and the path is stored in its outbox item,
// so a leftover is published with the path it was recorded with.
//
// Nothing else to refresh: the time-dependent figures (dossiers dueSoon/overdue,
// transfers late) are judged at read time, from stored due-date histograms, on whatever
// date the report asks for, so docs/reminders.md's "the job also refreshes the time-dependent
// figures" needs no work here.
import { randomUUID } from 'node:crypto';
import { addDays, isBusinessDate } from '../../domain/dates.js';
import type { OrgTree } from '../../domain/figures/tree.js';
import { composeDigest, type Digest } from '../../domain/digest.js';
import { orgPathOf, type Notification } from '../../domain/notifications.js';
import { remindersFor, type Reminder } from '../../domain/reminders.js';
import { earliestRemindOn, REMINDERS_EPOCH_MONTH, reminderSubjects } from '../../domain/reminder-index.js';
import { mapLimit } from '../../map-limit.js';
import type { RecordKey, RemindersStore } from './port.js';

/** Long enough for a run to publish what it recorded: above the function's 5-minute timeout. */
export const DEFAULT_LEASE_MS = 6 * 60_000;

export interface RemindersJobOptions {
  /** The wall clock for outbox leases, in ms (tests move it on to let a lease run out). */
  now?: () => number;
  /** How long an outbox item stays leased to the run that holds it. */
  leaseMs?: number;
  /** Records processed at once. */
  concurrency?: number;
  /**
   * The orgs to send a digest for (those with a digest subscriber), or `roots` for every
   * root org of the tree (the local stack without a subscriptions file). None by default.
   */
  digestOrgs?: DigestOrgs;
}

/** Which orgs get a digest: these ids, or every root org of the tree. */
export type DigestOrgs = readonly string[] | 'roots';

/** What a run did; reminders carry ids and dates only (docs/reminders.md). */
export interface RemindersJobResult {
  date: string;
  /** Every reminder this run published: leftovers of an earlier run first, then the day's. */
  reminders: Reminder[];
  /** Every digest this run published (leftovers included). */
  digests: Digest[];
  /** Digest orgs the tree does not know (or that were dissolved without a successor): no digest. */
  unknownDigestOrgs: string[];
  /** How many of them were leftovers from the outbox. */
  recovered: number;
  /** Records the index gave as due. */
  due: number;
  /** Items read in all (the job's cost), and by kind. */
  itemsRead: number;
  read: { outbox: number; index: number; records: number; sent: number; orgs: number; day: number };
}

/**
 * Runs the reminders job as of `date` (a business date, Vietnam time).
 * @throws RangeError on an invalid date; anything the stores throw (the run is then
 * safe to repeat: what it recorded but did not publish is in the outbox).
 */
export async function runRemindersJob(store: RemindersStore, date: string, options: RemindersJobOptions = {}): Promise<RemindersJobResult> {
  if (!isBusinessDate(date)) throw new RangeError(`not a business date (YYYY-MM-DD): ${JSON.stringify(date)}`);
  const now = options.now ?? Date.now;
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const runId = randomUUID();
  const read = { outbox: 0, index: 0, records: 0, sent: 0, orgs: 0, day: 0 };
  const reminders: Reminder[] = [];
  const digests: Digest[] = [];
  const unknownDigestOrgs: string[] = [];
  let loadedTree: OrgTree | undefined;
  /** The org tree, loaded once and only when needed. */
  const orgTree = async (): Promise<OrgTree> => {
    if (!loadedTree) {
      loadedTree = await store.currentOrgTree();
      read.orgs = loadedTree.all().length;
    }
    return loadedTree;
  };
  const published = (notification: Notification) => {
    if (notification.type === 'digest') digests.push(notification.digest);
    else reminders.push(notification.reminder);
  };

  // 1. Leftovers first: they are older than anything due today.
  const outbox = await store.listOutbox();
  read.outbox = outbox.read;
  for (const item of outbox.items) {
    const at = now();
    if (!(await store.claimOutbox(item.id, runId, at, at + leaseMs))) continue;
    let notification = item.notification;
    if (notification.type === 'reminder' && notification.orgPath.length === 0) {
      notification = { ...notification, orgPath: orgPathOf(await orgTree(), notification.reminder.orgId) };
    }
    await store.publish(notification);
    await store.deleteOutbox(item.id, runId);
    published(notification);
  }
  const recovered = reminders.length + digests.length;

  // 2. The records due, bucket by bucket.
  const buckets = await mapLimit(monthsFrom(REMINDERS_EPOCH_MONTH, date.slice(0, 7)), 8, (month) => store.queryDue(month, date));
  const keys = new Map<string, RecordKey>();
  for (const bucket of buckets) {
    read.index += bucket.read;
    for (const key of bucket.items) keys.set(key.pk, key);
  }

  if (keys.size > 0) {
    const records = await store.getRecords([...keys.values()]);
    read.records = records.read;
    const tree = await orgTree();

    // 3–4. Each record on its own: a failure stops taking new ones and is rethrown once
    // those in flight are done, so a crash leaves whole records either done or not.
    await mapLimit(records.items, options.concurrency ?? 8, async ({ key: recordKey, stored, remindOn }) => {
      const recordPk = recordKey.pk;
      const subjects = reminderSubjects(stored);
      const sent = await store.loadSentKeys(recordPk);
      read.sent += sent.read;
      const sentKeys = new Set(sent.items);
      for (const subject of subjects) {
        for (const { key, reminder: computed } of remindersFor(subject, date, sentKeys)) {
          // The cell that stands for the subject's cell now (a merged cell's successor).
          const reminder: Reminder = { ...computed, orgId: tree.effectiveCell(computed.orgId) ?? computed.orgId };
          const notification = { type: 'reminder', reminder, orgPath: orgPathOf(tree, reminder.orgId) } as const;
          const outcome = await store.recordReminder(recordPk, key, notification, runId, now() + leaseMs);
          sentKeys.add(key);
          if (outcome === 'already-sent') continue;
          await store.publish(notification);
          await store.deleteOutbox(store.outboxId(recordPk, key), runId);
          reminders.push(reminder);
        }
      }
      const next = earliestRemindOn(subjects, sentKeys, date);
      // Facts, the one record without a version, never remind.
      if (next !== remindOn && stored.entity !== 'fact') await store.moveInIndex(recordKey, stored.record.version, next);
    });
  }

  // 5. The digests of the day.
  const sentDigests = await sendDigests(store, date, options.digestOrgs ?? [], {
    orgTree,
    runId,
    leaseUntil: () => now() + leaseMs,
  });
  read.day = sentDigests.read;
  digests.push(...sentDigests.digests);
  unknownDigestOrgs.push(...sentDigests.unknown);
  return completed();

  /** The heartbeat: a run that ends here completed (`dangvien status`, the missed-run alarm). */
  async function completed(): Promise<RemindersJobResult> {
    await store.recordCompletedRun(date);
    return result();
  }

  function result(): RemindersJobResult {
    const itemsRead = read.outbox + read.index + read.records + read.sent + read.orgs + read.day;
    return { date, reminders, digests, unknownDigestOrgs, recovered, due: keys.size, itemsRead, read };
  }
}

/**
 * Step 5: the digest of each org of `digestOrgs` for `date`, from the reminders recorded
 * for that date, each recorded (once per org and day), published and cleared from the
 * outbox. Reads nothing but the day's list when that list is empty.
 */
async function sendDigests(
  store: RemindersStore,
  date: string,
  digestOrgs: DigestOrgs,
  run: {
    orgTree: () => Promise<OrgTree>;
    runId: string;
    leaseUntil: () => number;
  },
): Promise<{ digests: Digest[]; unknown: string[]; read: number }> {
  const out = { digests: [] as Digest[], unknown: [] as string[], read: 0 };
  if (digestOrgs !== 'roots' && digestOrgs.length === 0) return out;
  const day = await store.loadDayReminders(date);
  out.read = day.read;
  // A day with no reminder has no digest: the tree (thousands of orgs) is not read for nothing.
  if (day.items.length === 0) return out;
  const tree = await run.orgTree();
  const orgIds =
    digestOrgs === 'roots'
      ? tree
          .roots()
          .filter((o) => o.status === 'active')
          .map((o) => o.orgId)
      : [...new Set(digestOrgs)];
  for (const digestFor of orgIds) {
    if (tree.effectiveCell(digestFor) === undefined) {
      out.unknown.push(digestFor);
      continue;
    }
    const digest = composeDigest({ digestFor, date, reminders: day.items, tree });
    if (!digest) continue;
    if ((await store.recordDigest(digest, run.runId, run.leaseUntil())) === 'already-sent') continue;
    await store.publish({ type: 'digest', digest });
    await store.deleteOutbox(store.digestOutboxId(digestFor, date), run.runId);
    out.digests.push(digest);
  }
  return out;
}

/** `YYYY-MM` months from `first` to `last`, both included; just `first` when `last` is earlier. */
function monthsFrom(first: string, last: string): string[] {
  const out = [first];
  let month = first;
  while (month < last) {
    month = addDays(`${month}-28`, 4).slice(0, 7);
    out.push(month);
  }
  return out;
}
