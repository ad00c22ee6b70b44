// data: the Figures table (per-org figures, own and whole-subtree) and the reads that
// recount a cell: what it holds now (index byCell) and its facts of a year.
//
//   pk                sk                      what
//   ORG#<id>          OWN | SUBTREE           the figures now and by year (OrgFigures)
//   ORG#<id>          OWN#ASOF#NETS           as of a date: year → net change of the year
//   ORG#<id>          OWN#ASOF#<year>         as of a date: MM-DD → changes of that day
//   ORG#<id>          SUBTREE#ASOF#…          the same for the whole subtree
//   CHANGES#<cell>    <record pk>             one record's dated changes in the cell, at its version
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MergeBookkeeping, OrgFigures } from '../domain/figures/index.js';
import {
  asOfId,
  figuresId,
  type CellHolding,
  type ContributionPut,
  type FiguresKind,
  type FiguresStore,
  type StoredAsOf,
  type StoredContribution,
  type StoredFigures,
} from '../use-cases/ports.js';
import { normalizeChanges, type DatedChanges } from '../domain/figures/index.js';
import type { FactRecord } from '../domain/records.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { cellPartition, factPartition, storedRecordOf, stripStorage } from './keys.js';
import { currentOrgTree } from './org-tree.js';

export { asOfId, figuresId, type FiguresKind, type StoredAsOf, type StoredContribution, type StoredFigures };
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
  bookkeeping: MergeBookkeeping = {},
): Promise<boolean> {
  const { absorbed, treeVersion } = bookkeeping;
  return conditionalPut(
    {
      ...figuresKey(orgId, kind),
      orgId,
      kind,
      figures,
      ...(absorbed ? { absorbed } : {}),
      ...(treeVersion !== undefined ? { treeVersion } : {}),
    },
    readVersion,
  );
}

/** Puts an item at `readVersion + 1` only if its version is still `readVersion` (undefined: absent). */
async function conditionalPut(item: Record<string, unknown>, readVersion: number | undefined): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: config.figuresTable(),
        Item: { ...item, version: (readVersion ?? 0) + 1, updatedAt: new Date().toISOString() },
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

/** Every item of the Figures table (for `recompute`), sorted by what it is, in no particular order. */
export async function readAllFigureItems(): Promise<{
  figures: StoredFigures[];
  asOf: StoredAsOf[];
  contributions: StoredContribution[];
}> {
  const out = { figures: [] as StoredFigures[], asOf: [] as StoredAsOf[], contributions: [] as StoredContribution[] };
  await scanAll(config.figuresTable(), (item) => {
    if (typeof item.pk !== 'string' || typeof item.sk !== 'string') return;
    if (item.pk.startsWith(CONTRIBUTION_PREFIX)) out.contributions.push(stripStorage<StoredContribution>(item));
    else if (item.pk.startsWith('ORG#') && item.sk.includes(ASOF_INFIX)) out.asOf.push(stripStorage<StoredAsOf>(item));
    else if (item.pk.startsWith('ORG#')) out.figures.push(stripStorage<StoredFigures>(item));
  });
  return out;
}

const ASOF_INFIX = '#ASOF#';
const CONTRIBUTION_PREFIX = 'CHANGES#';
const asOfKey = (orgId: string, kind: FiguresKind, part: string) => ({
  pk: `ORG#${orgId}`,
  sk: `${kind.toUpperCase()}${ASOF_INFIX}${part.toUpperCase()}`,
});
const contributionKey = (cellId: string, recordPk: string) => ({ pk: `${CONTRIBUTION_PREFIX}${cellId}`, sk: recordPk });

/** Reads as-of items by (org, kind, part); absent ones are simply not in the map. */
export async function readAsOf(
  wanted: ReadonlyArray<{ orgId: string; kind: FiguresKind; part: string }>,
  consistent = true,
): Promise<Map<string, StoredAsOf>> {
  const found = new Map<string, StoredAsOf>();
  const unique = [...new Map(wanted.map((w) => [asOfId(w.orgId, w.kind, w.part), w])).values()];
  const items = await batchGetAll(
    config.figuresTable(),
    unique.map((w) => asOfKey(w.orgId, w.kind, w.part)),
    { consistentRead: consistent },
  );
  for (const item of items) {
    const stored = stripStorage<StoredAsOf>(item);
    found.set(asOfId(stored.orgId, stored.kind, stored.part), stored);
  }
  return found;
}

/** Writes an as-of item only if nobody wrote it since `readVersion` (see {@link writeFigures}). */
export async function writeAsOf(item: Omit<StoredAsOf, 'version'>, readVersion: number | undefined): Promise<boolean> {
  const { absorbed, treeVersion, ...rest } = item;
  return conditionalPut(
    {
      ...asOfKey(item.orgId, item.kind, item.part),
      ...rest,
      ...(absorbed ? { absorbed } : {}),
      ...(treeVersion !== undefined ? { treeVersion } : {}),
    },
    readVersion,
  );
}

/**
 * Puts a record's contribution unless the item holds a later version of the record
 * (a redelivered or overtaken stream record): the same version is written again, the
 * same content. Returns what it replaced (content and version), so that the years it touched are recounted too.
 */
export async function putContribution(c: StoredContribution): Promise<ContributionPut> {
  try {
    const out = await documentClient().send(
      new PutCommand({
        TableName: config.figuresTable(),
        Item: { ...contributionKey(c.cellId, c.recordPk), ...c },
        ConditionExpression: 'attribute_not_exists(pk) OR version <= :v',
        ExpressionAttributeValues: { ':v': c.version },
        ReturnValues: 'ALL_OLD',
      }),
    );
    const old = out.Attributes;
    if (!old) return { written: true };
    return { written: true, replaced: { changes: normalizeChanges(old.changes as DatedChanges), version: Number(old.version ?? 0) } };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { written: false };
    throw error;
  }
}

/** Every contribution to a cell, read consistently. */
export async function queryContributions(cellId: string): Promise<StoredContribution[]> {
  const { items } = await queryAll({
    TableName: config.figuresTable(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': contributionKey(cellId, '').pk },
    ConsistentRead: true,
  });
  return items.map((i) => stripStorage<StoredContribution>(i));
}

/** Every figure item of kind OWN/SUBTREE (for `recompute`), in no particular order. */
export async function readAllFigures(): Promise<StoredFigures[]> {
  return (await readAllFigureItems()).figures;
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
  readAsOf,
  writeAsOf,
  putContribution,
  queryContributions,
};
