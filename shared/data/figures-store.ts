// data: the Figures table (per-org figures, own and whole-subtree) and the reads that
// recount a cell: what it holds now (index byCell) and its facts of a year.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { OrgFigures } from '../domain/figures/index.js';
import type { FactRecord } from '../domain/records.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { cellPartition, factPartition, stripStorage } from './keys.js';
import { batchGetAll, queryAll, scanAll } from './dynamo-toolkit.js';

/** `own`: a cell's recount of its own records; `subtree`: the org and everything under it. */
export type FiguresKind = 'own' | 'subtree';

export interface StoredFigures {
  orgId: string;
  kind: FiguresKind;
  figures: OrgFigures;
  /** Bumped by every write; a write states the version it read (optimistic concurrency). */
  version: number;
}

const figuresKey = (orgId: string, kind: FiguresKind) => ({ pk: `ORG#${orgId}`, sk: kind.toUpperCase() });

/** Reads figure items by (org, kind); absent ones are simply not in the map. */
export async function readFigures(wanted: Array<{ orgId: string; kind: FiguresKind }>, consistent = true): Promise<Map<string, StoredFigures>> {
  const found = new Map<string, StoredFigures>();
  const unique = [...new Map(wanted.map((w) => [`${w.kind}:${w.orgId}`, w])).values()];
  const items = await batchGetAll(config.figuresTable(), unique.map((w) => figuresKey(w.orgId, w.kind)), { consistentRead: consistent });
  for (const item of items) {
    const stored = stripStorage<StoredFigures>(item);
    found.set(`${stored.kind}:${stored.orgId}`, stored);
  }
  return found;
}

export const figuresId = (orgId: string, kind: FiguresKind) => `${kind}:${orgId}`;

/**
 * Writes figures only if nobody wrote them since they were read at `readVersion`
 * (undefined: not there yet). Returns false when someone did: read again and redo.
 */
export async function writeFigures(orgId: string, kind: FiguresKind, figures: OrgFigures, readVersion: number | undefined): Promise<boolean> {
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
  const { items } = await queryAll({ TableName: config.recordsTable(), IndexName: 'byCell', KeyConditionExpression: 'cellKey = :c', ExpressionAttributeValues: { ':c': cellPartition(cellId) } });
  return items;
}

/** The version of a record now, read consistently (0 when it does not exist). */
export async function currentVersion({ pk, sk }: { pk: string; sk: string }): Promise<number> {
  const out = await documentClient().send(new GetCommand({ TableName: config.recordsTable(), Key: { pk, sk }, ConsistentRead: true, ProjectionExpression: 'version' }));
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
