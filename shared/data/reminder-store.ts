// data: what the reminders job reads and writes (CONTRACT §8).
//
//   table    pk                   sk             what
//   Records  (index byRemindOn)   remindMonth = YYYY-MM, remindOn = YYYY-MM-DD: the records due
//   Figures  SENT#<record pk>     <reminder key>  a reminder recorded as sent: never produced again
//   Figures  OUTBOX               <marker id>     a recorded reminder not yet known to be published
//
// A reminder is recorded (SENT marker, conditional, + OUTBOX item, one transaction)
// before it is published and its OUTBOX item is deleted after: a crash in between
// leaves the OUTBOX item, which the next run publishes. Each OUTBOX item carries a
// lease (`owner`, `leaseUntil`): it is born leased to the run that wrote it, and a
// run that finds one claims it only once the lease has run out, so that two jobs never
// both publish it while its writer is alive.
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { PublishCommand } from '@aws-sdk/client-sns';
import { DeleteCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import type { Reminder } from '../domain/reminders.js';
import { recordCompletedRun } from './run-status.js';
import { documentClient, snsClient } from './clients.js';
import { config } from './config.js';
import { backoffMs, batchGetAll, queryAll } from './dynamo-toolkit.js';
import type { OutboxItem, Read, RecordKey, RecordOutcome, RemindableRecord, RemindersStore } from '../use-cases/ports.js';
import { loadAllOrgs } from './ingest-store.js';
import { storedRecordOf } from './keys.js';
import { remindMonthOf } from './reminder-index.js';

export type { OutboxItem, Read, RecordOutcome };

const OUTBOX = 'OUTBOX';
const sentPartition = (recordPk: string) => `SENT#${recordPk}`;
/** The outbox id of the reminder `key` of a record. */
export const outboxId = (recordPk: string, key: string) => `${sentPartition(recordPk)}|${key}`;

/**
 * The records of one month bucket of index byRemindOn whose `remindOn` is on or before
 * `date`: a key condition, so only those items are read. The index is eventually
 * consistent; callers read the records again with {@link getRecords}.
 */
export async function queryDue(month: string, date: string): Promise<Read<RecordKey>> {
  const { items, scanned } = await queryAll({
    TableName: config.recordsTable(),
    IndexName: 'byRemindOn',
    KeyConditionExpression: 'remindMonth = :m AND remindOn <= :d',
    ExpressionAttributeValues: { ':m': month, ':d': date },
  });
  return { items: items.map((i) => ({ pk: String(i.pk), sk: String(i.sk) })), read: scanned };
}

/** The records with these keys as they are now (consistent reads); absent ones are left out. */
export async function getRecords(keys: readonly RecordKey[]): Promise<Read<RemindableRecord>> {
  const items = await batchGetAll(config.recordsTable(), keys, { consistentRead: true });
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
export async function loadSentKeys(recordPk: string): Promise<Read<string>> {
  const items = await queryPartition(config.figuresTable(), sentPartition(recordPk));
  return { items: items.map((i) => String(i.sk)), read: items.length };
}

const MAX_CONFLICT_RETRIES = 8;

/**
 * Records a reminder as sent and puts it in the outbox, leased to `owner` until
 * `leaseUntil` (ms since the epoch), in one transaction. `already-sent` when its SENT
 * marker exists: another run recorded it, and publishes it.
 *
 * The client request token makes an SDK retry of a transaction that did commit answer
 * "recorded" again instead of "already sent" (which would drop the reminder until the
 * lease ran out). A transaction conflict with a concurrent run is retried: the other
 * run's write then shows as `already-sent`.
 */
export async function recordReminder(
  recordPk: string,
  key: string,
  reminder: Reminder,
  owner: string,
  leaseUntil: number,
): Promise<RecordOutcome> {
  const table = config.figuresTable();
  const input = {
    ClientRequestToken: createHash('sha256').update(`${owner}|${recordPk}|${key}`).digest('hex').slice(0, 36),
    TransactItems: [
      {
        Put: {
          TableName: table,
          Item: {
            pk: sentPartition(recordPk),
            sk: key,
            entity: 'reminder-sent',
            kind: reminder.kind,
            subjectId: reminder.subjectId,
            dueOn: reminder.dueOn,
            sentOn: reminder.remindOn,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: table,
          Item: {
            pk: OUTBOX,
            sk: outboxId(recordPk, key),
            entity: 'reminder-outbox',
            message: JSON.stringify(reminder),
            owner,
            leaseUntil,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  };
  for (let attempt = 0; ; attempt++) {
    try {
      await documentClient().send(new TransactWriteCommand(input));
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

/** Everything in the outbox (normally empty: only crashes leave items behind). */
export async function listOutbox(): Promise<Read<OutboxItem>> {
  const items = await queryPartition(config.figuresTable(), OUTBOX);
  return {
    items: items.map((i) => ({
      id: String(i.sk),
      reminder: JSON.parse(String(i.message)) as Reminder,
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
export async function claimOutbox(id: string, owner: string, now: number, leaseUntil: number): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config.figuresTable(),
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
export async function deleteOutbox(id: string, owner: string): Promise<void> {
  try {
    await documentClient().send(
      new DeleteCommand({
        TableName: config.figuresTable(),
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
export async function moveInIndex(key: { pk: string; sk: string }, version: number, remindOn: string | null): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config.recordsTable(),
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
 * Publishes one reminder on the notifications topic: the JSON of CONTRACT §8 (ids and
 * dates only), with its kind as a message attribute for subscription filters.
 */
export async function publishReminder(reminder: Reminder): Promise<void> {
  await snsClient().send(
    new PublishCommand({
      TopicArn: config.notificationsTopicArn(),
      Message: JSON.stringify(reminder),
      MessageAttributes: { kind: { DataType: 'String', StringValue: reminder.kind } },
    }),
  );
}

async function queryPartition(table: string, pk: string): Promise<Record<string, unknown>[]> {
  const { items } = await queryAll({
    TableName: table,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': pk },
    ConsistentRead: true,
  });
  return items;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The reminders job's store: Records, Figures and the notifications topic (the default of the reminders handler and the CLI). */
export const dynamoRemindersStore: RemindersStore = {
  listOutbox,
  claimOutbox,
  deleteOutbox,
  outboxId,
  queryDue,
  getRecords,
  loadSentKeys,
  recordReminder,
  moveInIndex,
  publishReminder,
  loadOrgs: () => loadAllOrgs(false),
  recordCompletedRun: (date) => recordCompletedRun('reminders', date),
};
