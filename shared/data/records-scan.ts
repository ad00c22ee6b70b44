// data: one pass over every record (for `recompute`), with the cell each counts for now.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadlineRefresh } from '../domain/deadline-refresh.js';
import type { StoredRecord } from '../domain/records.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { scanAll } from './dynamo-toolkit.js';
import { keyOf, storedRecordOf } from './keys.js';
import { indexAttributes } from '../domain/reminder-index.js';

export async function scanRecords(visit: (stored: StoredRecord, cellId: string | undefined) => void): Promise<void> {
  await scanAll(config.recordsTable(), (item) => {
    const stored = storedRecordOf(item);
    if (!stored) return;
    const cellKey = typeof item.cellKey === 'string' ? item.cellKey.slice('CELL#'.length) : undefined;
    visit(stored, cellKey);
  });
}

/**
 * Writes a refreshed deadline (domain/deadline-refresh.ts): the date, the flag, the
 * record's place in index byRemindOn and its version, and nothing else of the item (a
 * sealed profile stays as it is). Only if the record is still the one read; false when
 * the ingest changed it meanwhile (the next recompute sees it again).
 */
export async function writeRefreshedDeadline({ before, after }: DeadlineRefresh): Promise<boolean> {
  const record = after.record as { dueOn: string; dueOnProvisional?: boolean; version: number };
  const index = indexAttributes(after);
  const set = ['dueOn = :due', 'version = :next'];
  const remove: string[] = [];
  const values: Record<string, unknown> = { ':due': record.dueOn, ':next': record.version, ':read': record.version - 1 };
  if (record.dueOnProvisional) set.push('dueOnProvisional = :provisional');
  else remove.push('dueOnProvisional');
  if (index.remindOn) {
    set.push('remindOn = :remindOn', 'remindMonth = :remindMonth');
    Object.assign(values, { ':remindOn': index.remindOn, ':remindMonth': index.remindMonth });
  } else remove.push('remindOn', 'remindMonth');
  if (record.dueOnProvisional) values[':provisional'] = true;
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: config.recordsTable(),
        Key: keyOf(before),
        UpdateExpression: `SET ${set.join(', ')}${remove.length > 0 ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: 'version = :read',
        ExpressionAttributeValues: values,
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
