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
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { normalizeChanges, type DatedChanges, type MergeBookkeeping, type OrgFigures } from '../domain/figures/index.js';
import type { FactRecord } from '../domain/records.js';
import type { OrgTreeReader } from '../use-cases/org-tree.js';
import type { FigureItems } from '../use-cases/recompute-figures/port.js';
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
} from '../use-cases/refresh-figures/port.js';
import { batchGetAll, queryAll, scanAll } from './dynamo-toolkit.js';
import { cellPartition, factPartition, storedRecordOf, stripStorage } from './keys.js';

/** The two tables the figures live in and are recounted from, and the client to reach them. */
export interface FiguresTables {
  documentClient: DynamoDBDocumentClient;
  recordsTable: string;
  figuresTable: string;
}

const figuresKey = (orgId: string, kind: FiguresKind) => ({ pk: `ORG#${orgId}`, sk: kind.toUpperCase() });
const ASOF_INFIX = '#ASOF#';
const CONTRIBUTION_PREFIX = 'CHANGES#';
const asOfKey = (orgId: string, kind: FiguresKind, part: string) => ({
  pk: `ORG#${orgId}`,
  sk: `${kind.toUpperCase()}${ASOF_INFIX}${part.toUpperCase()}`,
});
const contributionKey = (cellId: string, recordPk: string) => ({ pk: `${CONTRIBUTION_PREFIX}${cellId}`, sk: recordPk });

/** Reads figure items by (org, kind); absent ones are simply not in the map. */
async function readFigures(
  t: FiguresTables,
  wanted: ReadonlyArray<{ orgId: string; kind: FiguresKind }>,
  consistent = true,
): Promise<Map<string, StoredFigures>> {
  const found = new Map<string, StoredFigures>();
  const unique = [...new Map(wanted.map((w) => [figuresId(w.orgId, w.kind), w])).values()];
  const items = await batchGetAll(
    t.documentClient,
    t.figuresTable,
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
async function writeFigures(
  t: FiguresTables,
  orgId: string,
  kind: FiguresKind,
  figures: OrgFigures,
  readVersion: number | undefined,
  bookkeeping: MergeBookkeeping = {},
): Promise<boolean> {
  const { absorbed, treeVersion } = bookkeeping;
  return conditionalPut(
    t,
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
async function conditionalPut(t: FiguresTables, item: Record<string, unknown>, readVersion: number | undefined): Promise<boolean> {
  try {
    await t.documentClient.send(
      new PutCommand({
        TableName: t.figuresTable,
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
export async function readAllFigureItems(t: FiguresTables): Promise<FigureItems> {
  const out: FigureItems = { figures: [], asOf: [], contributions: [] };
  await scanAll(t.documentClient, t.figuresTable, (item) => {
    if (typeof item.pk !== 'string' || typeof item.sk !== 'string') return;
    if (item.pk.startsWith(CONTRIBUTION_PREFIX)) out.contributions.push(stripStorage<StoredContribution>(item));
    else if (item.pk.startsWith('ORG#') && item.sk.includes(ASOF_INFIX)) out.asOf.push(stripStorage<StoredAsOf>(item));
    else if (item.pk.startsWith('ORG#')) out.figures.push(stripStorage<StoredFigures>(item));
  });
  return out;
}

/** Reads as-of items by (org, kind, part); absent ones are simply not in the map. */
async function readAsOf(
  t: FiguresTables,
  wanted: ReadonlyArray<{ orgId: string; kind: FiguresKind; part: string }>,
  consistent = true,
): Promise<Map<string, StoredAsOf>> {
  const found = new Map<string, StoredAsOf>();
  const unique = [...new Map(wanted.map((w) => [asOfId(w.orgId, w.kind, w.part), w])).values()];
  const items = await batchGetAll(
    t.documentClient,
    t.figuresTable,
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
async function writeAsOf(t: FiguresTables, item: Omit<StoredAsOf, 'version'>, readVersion: number | undefined): Promise<boolean> {
  const { absorbed, treeVersion, ...rest } = item;
  return conditionalPut(
    t,
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
async function putContribution(t: FiguresTables, c: StoredContribution): Promise<ContributionPut> {
  try {
    const out = await t.documentClient.send(
      new PutCommand({
        TableName: t.figuresTable,
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

/** Deletes a record's contribution unless the item holds a later version of the record; returns what it deleted. */
async function dropContribution(t: FiguresTables, c: Omit<StoredContribution, 'changes'>): Promise<ContributionPut> {
  try {
    const out = await t.documentClient.send(
      new DeleteCommand({
        TableName: t.figuresTable,
        Key: contributionKey(c.cellId, c.recordPk),
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
async function queryContributions(t: FiguresTables, cellId: string): Promise<StoredContribution[]> {
  const { items } = await queryAll(t.documentClient, {
    TableName: t.figuresTable,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': contributionKey(cellId, '').pk },
    ConsistentRead: true,
  });
  return items.map((i) => stripStorage<StoredContribution>(i));
}

/** What a cell holds now, as records: the items of index byCell (eventually consistent, so callers verify). */
async function queryCellHoldings(t: FiguresTables, cellId: string): Promise<CellHolding[]> {
  const { items } = await queryAll(t.documentClient, {
    TableName: t.recordsTable,
    IndexName: 'byCell',
    KeyConditionExpression: 'cellKey = :c',
    ExpressionAttributeValues: { ':c': cellPartition(cellId) },
  });
  const holdings: CellHolding[] = [];
  for (const item of items) {
    const stored = storedRecordOf(item);
    if (stored && stored.entity !== 'fact') holdings.push({ pk: String(item.pk), stored });
  }
  return holdings;
}

/** The version of a record now, read consistently (0 when it does not exist). */
async function currentVersion(t: FiguresTables, { pk, sk }: { pk: string; sk: string }): Promise<number> {
  const out = await t.documentClient.send(
    new GetCommand({ TableName: t.recordsTable, Key: { pk, sk }, ConsistentRead: true, ProjectionExpression: 'version' }),
  );
  return Number(out.Item?.version ?? 0);
}

/** A cell's facts of one year, read consistently from the base table. */
async function queryFacts(t: FiguresTables, cellId: string, year: number): Promise<FactRecord[]> {
  const { items } = await queryAll(t.documentClient, {
    TableName: t.recordsTable,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': factPartition(cellId, year) },
    ConsistentRead: true,
  });
  return items.map((i) => stripStorage<FactRecord>(i));
}

/** The writes of the Figures table that `recompute` shares with the refresh. */
export function figuresWriter(t: FiguresTables): Pick<FiguresStore, 'writeFigures' | 'writeAsOf' | 'putContribution' | 'dropContribution'> {
  return {
    writeFigures: (orgId, kind, figures, readVersion, bookkeeping) => writeFigures(t, orgId, kind, figures, readVersion, bookkeeping),
    writeAsOf: (item, readVersion) => writeAsOf(t, item, readVersion),
    putContribution: (c) => putContribution(t, c),
    dropContribution: (c) => dropContribution(t, c),
  };
}

/**
 * The figures' store in DynamoDB: the Figures table, and the Records table's cells and
 * facts it recounts from (the figures handler's; the report reads through it too).
 * @example
 * const store = createDynamoFiguresStore({
 *   documentClient: clients.documentClient,
 *   recordsTable: 'dangvien-Records',
 *   figuresTable: 'dangvien-Figures',
 *   orgTree: createDynamoOrgTreeReader({ documentClient: clients.documentClient, tableName: 'dangvien-Records' }),
 * });
 * const report = await buildReport(store, 'HP');
 */
export function createDynamoFiguresStore(opts: FiguresTables & { orgTree: OrgTreeReader }): FiguresStore {
  const { orgTree, ...t } = opts;
  return {
    ...figuresWriter(t),
    readFigures: (wanted, consistent) => readFigures(t, wanted, consistent),
    queryCellItems: (cellId) => queryCellHoldings(t, cellId),
    queryFacts: (cellId, year) => queryFacts(t, cellId, year),
    currentVersion: (key) => currentVersion(t, key),
    currentOrgTree: () => orgTree.currentOrgTree(),
    readAsOf: (wanted, consistent) => readAsOf(t, wanted, consistent),
    queryContributions: (cellId) => queryContributions(t, cellId),
  };
}
