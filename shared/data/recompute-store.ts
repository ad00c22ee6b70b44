// data: what `recompute` reads and writes (use-cases/recompute-figures): one pass over
// every record, every item of the Figures table, and the refresh's own writes.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadlineRefresh } from '../domain/deadline-refresh.js';
import { indexAttributes } from '../domain/reminder-index.js';
import type { OrgTreeReader } from '../use-cases/org-tree.js';
import type { FigureItems, RecomputeStore } from '../use-cases/recompute-figures/port.js';
import { scanAll } from './dynamo-toolkit.js';
import {
  contributionFromItem,
  createDynamoFiguresStore,
  isMonthSk,
  isNetsSk,
  monthFromItem,
  netsFromItem,
  type FiguresTables,
} from './figures-store.js';
import { keyOf, storedRecordOf } from './keys.js';

/** Every item of the Figures table that holds figures, sorted by what it is. */
async function readAllFigureItems(t: FiguresTables): Promise<FigureItems> {
  const out: FigureItems = { months: [], nets: [], contributions: [], leftovers: [] };
  await scanAll(t.documentClient, t.figuresTable, (item) => {
    if (typeof item.pk !== 'string' || typeof item.sk !== 'string') return;
    if (item.pk.startsWith('CHANGES#')) out.contributions.push(contributionFromItem(item));
    else if (!item.pk.startsWith('ORG#')) return;
    else if (isMonthSk(item.sk)) out.months.push(monthFromItem(item));
    else if (isNetsSk(item.sk)) out.nets.push(netsFromItem(item));
    else out.leftovers.push({ pk: item.pk, sk: item.sk, orgId: item.pk.slice('ORG#'.length) });
  });
  return out;
}

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
 * const store = createDynamoRecomputeStore({ documentClient: clients.documentClient, recordsTable: 'dangvien-Records', figuresTable: 'dangvien-Figures', orgTree });
 * const differences = await recomputeFigures(store, { write: false });
 */
export function createDynamoRecomputeStore(t: FiguresTables & { orgTree: OrgTreeReader }): RecomputeStore {
  return {
    ...createDynamoFiguresStore(t),
    readAllFigureItems: () => readAllFigureItems(t),
    deleteFigureItem: async ({ pk, sk }) => {
      // The key alone: DynamoDB refuses a key with any other attribute (a leftover carries its orgId).
      await t.documentClient.send(new DeleteCommand({ TableName: t.figuresTable, Key: { pk, sk } }));
    },
    writeRefreshedDeadline: (refresh) => writeRefreshedDeadline(t, refresh),
    async scanRecords(visit) {
      await scanAll(t.documentClient, t.recordsTable, (item) => {
        const stored = storedRecordOf(item);
        if (stored) visit(stored, { pk: String(item.pk) });
      });
    },
  };
}
