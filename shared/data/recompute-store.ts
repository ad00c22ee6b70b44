// data: what `recompute` reads and writes (use-cases/recompute-figures): one pass over
// every record with the cell each counts for now, every item of the Figures table, and
// the writes that replace those that differ.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadlineRefresh } from '../domain/deadline-refresh.js';
import { indexAttributes } from '../domain/reminder-index.js';
import type { RecomputeStore } from '../use-cases/recompute-figures/port.js';
import { scanAll } from './dynamo-toolkit.js';
import { figuresWriter, readAllFigureItems, type FiguresTables } from './figures-store.js';
import { keyOf, storedRecordOf } from './keys.js';

/**
 * Writes a refreshed deadline (domain/deadline-refresh.ts): the date, the flag, the
 * record's place in index byRemindOn and its version, and nothing else of the item (a
 * sealed profile stays as it is). Only if the record is still the one read; false when
 * the ingest changed it meanwhile (the next recompute sees it again).
 */
async function writeRefreshedDeadline(t: FiguresTables, { before, after }: DeadlineRefresh): Promise<boolean> {
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
    await t.documentClient.send(
      new UpdateCommand({
        TableName: t.recordsTable,
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

/**
 * The recompute store on the Records and Figures tables.
 * @example
 * const store = createDynamoRecomputeStore({ documentClient: clients.documentClient, recordsTable: 'dangvien-Records', figuresTable: 'dangvien-Figures' });
 * const differences = await recomputeFigures(store, { write: false });
 */
export function createDynamoRecomputeStore(t: FiguresTables): RecomputeStore {
  return {
    ...figuresWriter(t),
    readAllFigureItems: () => readAllFigureItems(t),
    writeRefreshedDeadline: (refresh) => writeRefreshedDeadline(t, refresh),
    async scanRecords(visit) {
      await scanAll(t.documentClient, t.recordsTable, (item) => {
        const stored = storedRecordOf(item);
        if (!stored) return;
        const cellId = typeof item.cellKey === 'string' ? item.cellKey.slice('CELL#'.length) : undefined;
        visit(stored, { pk: String(item.pk), cellId });
      });
    },
  };
}
