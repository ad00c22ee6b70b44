// data: the Figures table (per-org figures, own and whole-subtree) and the reads that
// recount a cell: what it holds now (index byCell) and its facts of a year.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OrgFigures } from '../domain/figures/index.js';
import { figuresId, type CellHolding, type FiguresKind, type FiguresStore, type StoredFigures } from '../use-cases/ports.js';
import type { FactRecord } from '../domain/records.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { cellPartition, factPartition, storedRecordOf, stripStorage } from './keys.js';
import { currentOrgTree } from './org-tree.js';

export { figuresId, type FiguresKind, type StoredFigures };
import { batchGetAll, queryAll, scanAll } from './dynamo-toolkit.js';

const figuresKey = (orgId: string, kind: FiguresKind) => ({ pk: `ORG#${orgId}`, sk: kind.toUpperCase() });

/** Reads figure items by (org, kind); absent ones are simply not in the map. */
export async function readFigures(
  wanted: ReadonlyArray<{ orgId: string; kind: FiguresKind }>,
  consistent = true,
): Promise<Map<string, StoredFigures>> {
  const found = new Map<string, StoredFigures>();
  const unique = [...new Map(wanted.map((w) => [figuresId(w.orgId, w.kind), w])).values()];
  const items = await batchGetAll(
    config.figuresTable(),
    unique.map((w) => figuresKey(w.orgId, w.kind)),
    { consistentRead: consistent },
  );
  for (const item of items) {
    const stored = stripStorage<StoredFigures>(item);
    found.set(figuresId(stored.orgId, stored.kind), stored);
  }
  return found;
}

/**
 * Writes figures only if nobody wrote them since they were read at `readVersion`
 * (undefined: not there yet). Returns false when someone did: read again and redo.
 */
export async function writeFigures(
  orgId: string,
  kind: FiguresKind,
  figures: OrgFigures,
  readVersion: number | undefined,
): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: config.figuresTable(),
        Item: { ...figuresKey(orgId, kind), orgId, kind, figures, version: (readVersion ?? 0) + 1, updatedAt: new Date().toISOString() },
        ...(readVersion === undefined
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': readVersion } }),
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Every figure item (for `recompute`), in no particular order. */
export async function readAllFigures(): Promise<StoredFigures[]> {
  const out: StoredFigures[] = [];
  await scanAll(config.figuresTable(), (item) => {
    if (typeof item.pk === 'string' && item.pk.startsWith('ORG#')) out.push(stripStorage<StoredFigures>(item));
  });
  return out;
}

/** What a cell holds now: the items of index byCell (eventually consistent, so callers verify). */
export async function queryCellItems(cellId: string): Promise<Record<string, unknown>[]> {
  const { items } = await queryAll({
    TableName: config.recordsTable(),
    IndexName: 'byCell',
    KeyConditionExpression: 'cellKey = :c',
    ExpressionAttributeValues: { ':c': cellPartition(cellId) },
  });
  return items;
}

/** What a cell holds now, as records (see {@link queryCellItems}). */
export async function queryCellHoldings(cellId: string): Promise<CellHolding[]> {
  const holdings: CellHolding[] = [];
  for (const item of await queryCellItems(cellId)) {
    const stored = storedRecordOf(item);
    if (stored && stored.entity !== 'fact') holdings.push({ pk: String(item.pk), stored });
  }
  return holdings;
}

/** The version of a record now, read consistently (0 when it does not exist). */
export async function currentVersion({ pk, sk }: { pk: string; sk: string }): Promise<number> {
  const out = await documentClient().send(
    new GetCommand({ TableName: config.recordsTable(), Key: { pk, sk }, ConsistentRead: true, ProjectionExpression: 'version' }),
  );
  return Number(out.Item?.version ?? 0);
}

/** A cell's facts of one year, read consistently from the base table. */
export async function queryFacts(cellId: string, year: number): Promise<FactRecord[]> {
  const { items } = await queryAll({
    TableName: config.recordsTable(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': factPartition(cellId, year) },
    ConsistentRead: true,
  });
  return items.map((i) => stripStorage<FactRecord>(i));
}

/** The figures' store in DynamoDB (the default of the figures handler, the report and the CLI). */
export const dynamoFiguresStore: FiguresStore = {
  readFigures,
  writeFigures,
  queryCellItems: queryCellHoldings,
  queryFacts,
  currentVersion,
  currentOrgTree,
};
