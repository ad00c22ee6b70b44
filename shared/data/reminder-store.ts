// data: what the reminders job reads and writes (docs/reminders.md).
//
//   table    pk                   sk             what
//   Records  (index byRemindOn)   remindMonth = YYYY-MM, remindOn = YYYY-MM-DD: the records due
//   Figures  SENT#<record pk>     <reminder key>  a reminder recorded as sent: never produced again
//   Figures  REMINDED#<date>      <outbox id>     the reminders recorded for a job date: what its digests list
//   Figures  DIGEST#<date>        <org id>        a digest recorded as sent: one per org and day
//   Figures  OUTBOX               <marker id>     a recorded reminder or digest not yet known to be published
//
// A reminder is recorded (SENT marker, conditional, + REMINDED + OUTBOX item, one
// transaction) before it is published and its OUTBOX item is deleted after: a crash in
// between leaves the OUTBOX item, which the next run publishes. A digest goes the same
// way with its DIGEST marker. The OUTBOX item holds the whole notification (body and
// the attributes it is published with), so what a later run publishes is exactly what
// was recorded. Each OUTBOX item carries a lease (`owner`, `leaseUntil`): it is born
// leased to the run that wrote it, and a run that finds one claims it only once the
// lease has run out, so that two jobs never both publish it while its writer is alive.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { Digest } from '../domain/digest.js';
import { attributesOf, bodyOf, type Notification, type ReminderNotification } from '../domain/notifications.js';
import type { Reminder } from '../domain/reminders.js';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutboxItem, Read, RecordKey, RecordOutcome, RemindableRecord, RemindersStore } from '../use-cases/run-reminders-job/port.js';
import { OrgTree } from '../domain/figures/tree.js';
import { backoffMs, batchGetAll, queryAll } from './dynamo-toolkit.js';
import { loadAllOrgs } from './org-records.js';
import { storedRecordOf } from './keys.js';
import { recordCompletedRun } from './run-status.js';
import { remindMonthOf } from '../domain/reminder-index.js';
import { TTL_ATTRIBUTE } from '../resources.js';

/** Where the reminders job's items live and where it publishes. */
export interface RemindersTables {
  documentClient: DynamoDBDocumentClient;
  sns: SNSClient;
  recordsTable: string;
  figuresTable: string;
  /** The notifications topic. */
  topicArn: string;
}

export type { OutboxItem, Read, RecordOutcome };

const OUTBOX = 'OUTBOX';
const sentPartition = (recordPk: string) => `SENT#${recordPk}`;
const dayPartition = (date: string) => `REMINDED#${date}`;
/**
 * A day's list and digest markers are read only by the runs of that day (a failed run is
 * retried for its date): they expire this long after it, so the table does not keep one
 * item per reminder forever. A run for an older date finds the list gone and sends no
 * digest, rather than sending one again.
 */
export const DAY_ITEMS_TTL_DAYS = 90;
/** The TTL attribute (FIGURES_TABLE.timeToLive) of an item about `date`. */
const expiringAfter = (date: string) => ({ [TTL_ATTRIBUTE]: Date.parse(`${date}T00:00:00Z`) / 1000 + DAY_ITEMS_TTL_DAYS * 86_400 });
const digestPartition = (date: string) => `DIGEST#${date}`;
/** The outbox id of the reminder `key` of a record. */
export const outboxId = (recordPk: string, key: string) => `${sentPartition(recordPk)}|${key}`;
/** The outbox id of the digest of `digestFor` on `date`. */
export const digestOutboxId = (digestFor: string, date: string) => `${digestPartition(date)}|${digestFor}`;

/**
 * The records of one month bucket of index byRemindOn whose `remindOn` is on or before
 * `date`: a key condition, so only those items are read. The index is eventually
 * consistent; callers read the records again with {@link getRecords}.
 */
async function queryDue(t: RemindersTables, month: string, date: string): Promise<Read<RecordKey>> {
  const { items, scanned } = await queryAll(t.documentClient, {
    TableName: t.recordsTable,
    IndexName: 'byRemindOn',
    KeyConditionExpression: 'remindMonth = :m AND remindOn <= :d',
    ExpressionAttributeValues: { ':m': month, ':d': date },
  });
  return { items: items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })), read: scanned };
}

/** The records with these keys as they are now (consistent reads); absent ones are left out. */
async function getRecords(t: RemindersTables, keys: readonly RecordKey[]): Promise<Read<RemindableRecord>> {
  const items = await batchGetAll(t.documentClient, t.recordsTable, keys, { consistentRead: true });
  const records: RemindableRecord[] = [];
  for (const item of items) {
    const stored = storedRecordOf(item);
    if (stored)
      records.push({
        key: { pk: String(item.pk), sk: String(item.sk) },
        stored,
        remindOn: typeof item.remindOn === 'string' ? item.remindOn : null,
      });
  }
  return { items: records, read: items.length };
}

/** The keys of the reminders already recorded for a record (all its subjects). */
async function loadSentKeys(t: RemindersTables, recordPk: string): Promise<Read<string>> {
  const items = await queryPartition(t, t.figuresTable, sentPartition(recordPk));
  return { items: items.map((i) => String(i.sk)), read: items.length };
}

const MAX_CONFLICT_RETRIES = 8;

/**
 * Records a reminder as sent, puts it in the outbox (leased to `owner` until
 * `leaseUntil`, ms since the epoch) and in its day's list, in one transaction.
 * `already-sent` when its SENT marker exists: another run recorded it, and publishes it.
 */
async function recordReminder(
  t: RemindersTables,
  recordPk: string,
  key: string,
  notification: ReminderNotification,
  owner: string,
  leaseUntil: number,
): Promise<RecordOutcome> {
  const { reminder } = notification;
  const id = outboxId(recordPk, key);
  return recordOnce(
    t,
    {
      pk: sentPartition(recordPk),
      sk: key,
      entity: 'reminder-sent',
      kind: reminder.kind,
      subjectId: reminder.subjectId,
      dueOn: reminder.dueOn,
      sentOn: reminder.remindOn,
    },
    { id, notification, owner, leaseUntil },
    [
      {
        pk: dayPartition(reminder.remindOn),
        sk: id,
        entity: 'reminder-of-day',
        message: JSON.stringify(reminder),
        ...expiringAfter(reminder.remindOn),
      },
    ],
  );
}

/**
 * Records the digest of an org and day as sent and puts it in the outbox, in one
 * transaction. `already-sent` when that org's digest of that day was recorded before.
 */
async function recordDigest(t: RemindersTables, digest: Digest, owner: string, leaseUntil: number): Promise<RecordOutcome> {
  return recordOnce(
    t,
    {
      pk: digestPartition(digest.date),
      sk: digest.digestFor,
      entity: 'digest-sent',
      reminderCount: digest.reminderCount,
      ...expiringAfter(digest.date),
    },
    { id: digestOutboxId(digest.digestFor, digest.date), notification: { type: 'digest', digest }, owner, leaseUntil },
  );
}

/**
 * The one way something is recorded as sent: its marker (only if absent), its outbox
 * item and any `extra` items, all or nothing.
 *
 * The client request token makes an SDK retry of a transaction that did commit answer
 * "recorded" again instead of "already sent" (which would drop the notification until
 * the lease ran out). A transaction conflict with a concurrent run is retried: the other
 * run's write then shows as `already-sent`.
 */
async function recordOnce(
  t: RemindersTables,
  marker: Record<string, unknown> & { pk: string; sk: string },
  outbox: OutboxItem,
  extra: ReadonlyArray<Record<string, unknown>> = [],
): Promise<RecordOutcome> {
  const table = t.figuresTable;
  const input = {
    ClientRequestToken: createHash('sha256').update(`${outbox.owner}|${marker.pk}|${marker.sk}`).digest('hex').slice(0, 36),
    TransactItems: [
      { Put: { TableName: table, Item: marker, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: table,
          Item: {
            pk: OUTBOX,
            sk: outbox.id,
            entity: 'notification-outbox',
            notification: JSON.stringify(outbox.notification),
            owner: outbox.owner,
            leaseUntil: outbox.leaseUntil,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...extra.map((Item) => ({ Put: { TableName: table, Item } })),
    ],
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await t.documentClient.send(new TransactWriteCommand(input));
      return 'recorded';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const codes = (error.CancellationReasons ?? []).map((r) => r.Code);
      if (codes.includes('ConditionalCheckFailed')) return 'already-sent';
      if (!codes.includes('TransactionConflict') || attempt >= MAX_CONFLICT_RETRIES) throw error;
      await sleep(backoffMs(attempt + 1, { baseMs: 40, capMs: 5_000 }));
    }
  }
}

/** The reminders recorded for the job date `date`, by any run (what its digests list). */
async function loadDayReminders(t: RemindersTables, date: string): Promise<Read<Reminder>> {
  const items = await queryPartition(t, t.figuresTable, dayPartition(date));
  return { items: items.map((i) => JSON.parse(String(i.message)) as Reminder), read: items.length };
}

/** An outbox item's notification; an item written before notifications were stored holds only the reminder's JSON. */
function notificationOf(item: Record<string, unknown>): Notification {
  if (typeof item.notification === 'string') return JSON.parse(item.notification) as Notification;
  // Written before paths were stored: an empty path tells the job to compute it.
  return { type: 'reminder', reminder: JSON.parse(String(item.message)) as Reminder, orgPath: [] };
}

/** Everything in the outbox (normally empty: only crashes leave items behind). */
async function listOutbox(t: RemindersTables): Promise<Read<OutboxItem>> {
  const items = await queryPartition(t, t.figuresTable, OUTBOX);
  return {
    items: items.map((i) => ({
      id: String(i.sk),
      notification: notificationOf(i),
      owner: String(i.owner),
      leaseUntil: Number(i.leaseUntil),
    })),
    read: items.length,
  };
}

/**
 * Takes the lease of an outbox item whose lease has run out (at `now`), for `owner`
 * until `leaseUntil`. False when it is gone (published meanwhile) or leased to a run
 * still within its lease.
 */
async function claimOutbox(t: RemindersTables, id: string, owner: string, now: number, leaseUntil: number): Promise<boolean> {
  try {
    await t.documentClient.send(
      new UpdateCommand({
        TableName: t.figuresTable,
        Key: { pk: OUTBOX, sk: id },
        UpdateExpression: 'SET #owner = :owner, leaseUntil = :until',
        ConditionExpression: 'attribute_exists(pk) AND leaseUntil < :now',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner, ':until': leaseUntil, ':now': now },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Removes a published reminder from the outbox, unless another run has taken it over since. */
async function deleteOutbox(t: RemindersTables, id: string, owner: string): Promise<void> {
  try {
    await t.documentClient.send(
      new DeleteCommand({
        TableName: t.figuresTable,
        Key: { pk: OUTBOX, sk: id },
        ConditionExpression: '#owner = :owner',
        ExpressionAttributeNames: { '#owner': 'owner' },
        ExpressionAttributeValues: { ':owner': owner },
      }),
    );
  } catch (error) {
    // Taken over after our lease ran out: the new owner publishes and deletes it.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/**
 * Moves a record's place in index byRemindOn to `remindOn` (out of the index when
 * null), only if the record is still at `version`. The version is not bumped: this is
 * storage, not a change of the record. False when the record changed meanwhile: the
 * ingest wrote it again and, with it, its index attributes.
 */
async function moveInIndex(
  t: RemindersTables,
  key: { pk: string; sk: string },
  version: number,
  remindOn: string | null,
): Promise<boolean> {
  try {
    await t.documentClient.send(
      new UpdateCommand({
        TableName: t.recordsTable,
        Key: { pk: key.pk, sk: key.sk },
        ...(remindOn === null
          ? { UpdateExpression: 'REMOVE remindOn, remindMonth', ExpressionAttributeValues: { ':v': version } }
          : {
              UpdateExpression: 'SET remindOn = :on, remindMonth = :m',
              ExpressionAttributeValues: { ':v': version, ':on': remindOn, ':m': remindMonthOf(remindOn) },
            }),
        ConditionExpression: 'version = :v',
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/**
 * Publishes a reminder (the JSON of docs/reminders.md, ids and dates only) or a digest (its
 * text, with its subject for e-mail) on the notifications topic, with the message
 * attributes subscriptions filter on (`kind`, `orgId`, `orgPath` | `digestFor`).
 */
async function publish(t: RemindersTables, notification: Notification): Promise<void> {
  const attributes = Object.entries(attributesOf(notification)).map(([name, value]) => [
    name,
    typeof value === 'string'
      ? { DataType: 'String', StringValue: value }
      : { DataType: 'String.Array', StringValue: JSON.stringify(value) },
  ]);
  await t.sns.send(
    new PublishCommand({
      TopicArn: t.topicArn,
      Message: bodyOf(notification),
      ...(notification.type === 'digest' ? { Subject: notification.digest.subject } : {}),
      MessageAttributes: Object.fromEntries(attributes),
    }),
  );
}

async function queryPartition(t: RemindersTables, table: string, pk: string): Promise<Record<string, unknown>[]> {
  const { items } = await queryAll(t.documentClient, {
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ConsistentRead: true,
  });
  return items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The reminders job's store: the Records table (index byRemindOn, the records due), the
 * Figures table (what was sent, the outbox, the heartbeat) and the notifications topic.
 * @example
 * const store = createDynamoRemindersStore({
 *   documentClient: clients.documentClient,
 *   sns: clients.sns,
 *   recordsTable: 'dangvien-Records',
 *   figuresTable: 'dangvien-Figures',
 *   topicArn: 'arn:aws:sns:ap-southeast-1:123456789012:dangvien-Notifications',
 * });
 * const run = await runRemindersJob(store, '2026-12-07');
 */
export function createDynamoRemindersStore(t: RemindersTables): RemindersStore {
  return {
    listOutbox: () => listOutbox(t),
    claimOutbox: (id, owner, now, leaseUntil) => claimOutbox(t, id, owner, now, leaseUntil),
    deleteOutbox: (id, owner) => deleteOutbox(t, id, owner),
    outboxId,
    queryDue: (month, date) => queryDue(t, month, date),
    getRecords: (keys) => getRecords(t, keys),
    loadSentKeys: (recordPk) => loadSentKeys(t, recordPk),
    recordReminder: (recordPk, key, notification, owner, leaseUntil) => recordReminder(t, recordPk, key, notification, owner, leaseUntil),
    loadDayReminders: (date) => loadDayReminders(t, date),
    recordDigest: (digest, owner, leaseUntil) => recordDigest(t, digest, owner, leaseUntil),
    digestOutboxId,
    moveInIndex: (key, version, remindOn) => moveInIndex(t, key, version, remindOn),
    publish: (notification) => publish(t, notification),
    // The whole tree each run, eventually consistent: a merged cell's successor is all the
    // job needs, it runs once a day (a kept copy would save nothing), and its role reads
    // no single item of the Records table (infra/constructs/reminders.ts).
    currentOrgTree: async () => new OrgTree(await loadAllOrgs({ documentClient: t.documentClient, tableName: t.recordsTable }, false)),
    recordCompletedRun: (date) => recordCompletedRun({ documentClient: t.documentClient, tableName: t.figuresTable }, 'reminders', date),
  };
}
