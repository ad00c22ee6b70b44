// data: the Figures table (every org's figures by month, its nets, the cells' contributions)
// and the facts a cell is recounted from (docs/architecture.md#the-items).
//
//   pk                sk                      what
//   ORG#<id>          OWN#M#<YYYY-MM>         a cell's own changes of one month: day (DD) → tally text
//   ORG#<id>          OWN#N                   the nets of its closed years: year → tally text, and the month versions they sum
//   ORG#<id>          SUBTREE#M#<YYYY-MM>     the same for an org with children, its whole subtree
//   ORG#<id>          SUBTREE#N
//   CHANGES#<cell>    <record pk>             one record's dated changes in the cell, at its version
//
// Tallies are stored as text (domain/figures/codec.ts). Items of earlier layouts (`OWN`,
// `SUBTREE`, `…#ASOF#…`) are read by no one; `dangvien recompute` deletes them.
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { decodeChanges, decodeTally, encodeChanges, encodeTally, type Month, type Tally } from '../domain/figures/index.js';
import type { FactRecord, OrgRecord } from '../domain/records.js';
import type { ReportReader } from '../use-cases/build-report/port.js';
import type { OrgTreeReader } from '../use-cases/org-tree.js';
import {
  monthId,
  netsId,
  type ContributionPut,
  type FiguresKind,
  type FiguresStore,
  type ItemsRead,
  type ItemsWanted,
  type StoredContribution,
  type StoredMonth,
  type StoredNets,
} from '../use-cases/refresh-figures/port.js';
import { batchGetAll, queryAll } from './dynamo-toolkit.js';
import { factPartition, orgKey, stripStorage } from './keys.js';

/** The two tables the figures live in and are recounted from, and the client to reach them. */
export interface FiguresTables {
  documentClient: DynamoDBDocumentClient;
  recordsTable: string;
  figuresTable: string;
}

const CONTRIBUTION_PREFIX = 'CHANGES#';
const orgPk = (orgId: string) => `ORG#${orgId}`;
const monthSk = (kind: FiguresKind, month: Month) => `${kind.toUpperCase()}#M#${month}`;
const netsSk = (kind: FiguresKind) => `${kind.toUpperCase()}#N`;
const contributionKey = (cellId: string, recordPk: string) => ({ pk: `${CONTRIBUTION_PREFIX}${cellId}`, sk: recordPk });

/** Whether a Figures item is a month or nets item of the current layout. */
export const isMonthSk = (sk: string) => /^(OWN|SUBTREE)#M#\d{4}-\d{2}$/.test(sk);
export const isNetsSk = (sk: string) => sk === 'OWN#N' || sk === 'SUBTREE#N';

/** A stored month item back. */
export function monthFromItem(item: Record<string, unknown>): StoredMonth {
  const month = String(item.month);
  return {
    orgId: String(item.orgId),
    kind: item.kind as FiguresKind,
    month,
    changes: decodeChanges(item.days, (dd) => `${month}-${dd}`),
    version: Number(item.version ?? 0),
    ...(item.absorbed ? { absorbed: item.absorbed as Record<string, number> } : {}),
    ...(item.treeVersion !== undefined ? { treeVersion: Number(item.treeVersion) } : {}),
  };
}

/** A stored nets item back. */
export function netsFromItem(item: Record<string, unknown>): StoredNets {
  const years: Record<string, Tally> = {};
  for (const [y, text] of Object.entries((item.years as Record<string, unknown>) ?? {})) years[y] = decodeTally(text);
  const seen: Record<string, number[]> = {};
  for (const [y, text] of Object.entries((item.seen as Record<string, unknown>) ?? {})) seen[y] = String(text).split(',').map(Number);
  return {
    orgId: String(item.orgId),
    kind: item.kind as FiguresKind,
    ...(item.through !== undefined ? { through: Number(item.through) } : {}),
    years,
    seen,
    version: Number(item.version ?? 0),
  };
}

/** The item stored for a month (without its version). */
export function monthItem(m: Omit<StoredMonth, 'version'>): Record<string, unknown> {
  return {
    pk: orgPk(m.orgId),
    sk: monthSk(m.kind, m.month),
    orgId: m.orgId,
    kind: m.kind,
    month: m.month,
    days: encodeChanges(m.changes, (d) => d.slice(8)),
    ...(m.absorbed ? { absorbed: m.absorbed } : {}),
    ...(m.treeVersion !== undefined ? { treeVersion: m.treeVersion } : {}),
  };
}

/** The item stored for nets (without its version). */
export function netsItem(n: Omit<StoredNets, 'version'>): Record<string, unknown> {
  const years: Record<string, string> = {};
  for (const [y, t] of Object.entries(n.years)) {
    const text = encodeTally(t);
    if (text !== '') years[y] = text;
  }
  const seen: Record<string, string> = {};
  for (const [y, v] of Object.entries(n.seen)) seen[y] = v.join(',');
  return {
    pk: orgPk(n.orgId),
    sk: netsSk(n.kind),
    orgId: n.orgId,
    kind: n.kind,
    ...(n.through !== undefined ? { through: n.through } : {}),
    years,
    seen,
  };
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

/** Month and nets items by key, in batches of 100. */
async function readItems(t: FiguresTables, wanted: ItemsWanted, consistent = true): Promise<ItemsRead> {
  const keys = new Map<string, { pk: string; sk: string }>();
  for (const m of wanted.months ?? []) keys.set(monthId(m.orgId, m.kind, m.month), { pk: orgPk(m.orgId), sk: monthSk(m.kind, m.month) });
  for (const n of wanted.nets ?? []) keys.set(`nets:${netsId(n.orgId, n.kind)}`, { pk: orgPk(n.orgId), sk: netsSk(n.kind) });
  const out: ItemsRead = { months: new Map(), nets: new Map() };
  if (keys.size === 0) return out;
  const items = await batchGetAll(t.documentClient, t.figuresTable, [...keys.values()], { consistentRead: consistent, concurrency: 4 });
  for (const item of items) {
    const sk = String(item.sk);
    if (isMonthSk(sk)) {
      const m = monthFromItem(item);
      out.months.set(monthId(m.orgId, m.kind, m.month), m);
    } else if (isNetsSk(sk)) {
      const n = netsFromItem(item);
      out.nets.set(netsId(n.orgId, n.kind), n);
    }
  }
  return out;
}

/** The month items of an org and kind in a range (all of them without one). */
async function queryMonths(
  t: FiguresTables,
  orgId: string,
  kind: FiguresKind,
  range: { from: Month; to: Month } | undefined,
  consistent = true,
): Promise<StoredMonth[]> {
  const { items } = await queryAll(t.documentClient, {
    TableName: t.figuresTable,
    KeyConditionExpression: range ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': orgPk(orgId),
      ...(range ? { ':from': monthSk(kind, range.from), ':to': monthSk(kind, range.to) } : { ':prefix': `${kind.toUpperCase()}#M#` }),
    },
    ConsistentRead: consistent,
  });
  return items.filter((i) => isMonthSk(String(i.sk))).map(monthFromItem);
}

/** Every subtree item of an org, deleted. */
async function deleteSubtreeItems(t: FiguresTables, orgId: string): Promise<void> {
  const { items } = await queryAll(t.documentClient, {
    TableName: t.figuresTable,
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
    ExpressionAttributeValues: { ':pk': orgPk(orgId), ':prefix': 'SUBTREE#' },
    ProjectionExpression: 'pk, sk',
    ConsistentRead: true,
  });
  for (const item of items)
    await t.documentClient.send(new DeleteCommand({ TableName: t.figuresTable, Key: { pk: item.pk, sk: item.sk } }));
}

/** A contribution item back. */
export function contributionFromItem(item: Record<string, unknown>): StoredContribution {
  return {
    cellId: String(item.cellId),
    recordPk: String(item.recordPk),
    version: Number(item.version ?? 0),
    changes: decodeChanges(item.changes),
  };
}

/** The condition a contribution's put and delete share: no later version of the record is there. */
const notLaterThan = (version: number) => ({
  ConditionExpression: 'attribute_not_exists(pk) OR version <= :v',
  ExpressionAttributeValues: { ':v': version },
  ReturnValues: 'ALL_OLD' as const,
});

/** Runs a contribution's conditional write; returns the contribution it replaced, or that it was refused. */
async function replacing(write: () => Promise<{ Attributes?: Record<string, unknown> }>): Promise<ContributionPut> {
  try {
    const old = (await write()).Attributes;
    if (!old) return { written: true };
    const replaced = contributionFromItem(old);
    return { written: true, replaced: { changes: replaced.changes, version: replaced.version } };
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return { written: false };
    throw error;
  }
}

/**
 * Puts a record's contribution unless the item holds a later version of the record
 * (a redelivered or overtaken stream record): the same version is written again, the
 * same content.
 */
function putContribution(t: FiguresTables, c: StoredContribution): Promise<ContributionPut> {
  const Item = {
    ...contributionKey(c.cellId, c.recordPk),
    cellId: c.cellId,
    recordPk: c.recordPk,
    version: c.version,
    changes: encodeChanges(c.changes),
  };
  return replacing(() => t.documentClient.send(new PutCommand({ TableName: t.figuresTable, Item, ...notLaterThan(c.version) })));
}

/** Deletes a record's contribution (the record is gone), unless the item holds a later version of it. */
function dropContribution(t: FiguresTables, c: Omit<StoredContribution, 'changes'>): Promise<ContributionPut> {
  const Key = contributionKey(c.cellId, c.recordPk);
  return replacing(() => t.documentClient.send(new DeleteCommand({ TableName: t.figuresTable, Key, ...notLaterThan(c.version) })));
}

/** Every contribution to a cell, read consistently. */
async function queryContributions(t: FiguresTables, cellId: string): Promise<StoredContribution[]> {
  const { items } = await queryAll(t.documentClient, {
    TableName: t.figuresTable,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': contributionKey(cellId, '').pk },
    ConsistentRead: true,
  });
  return items.map(contributionFromItem);
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

/** The org records as they are now (names and targets change without a new tree: docs/architecture.md). */
export async function readOrgRecords(
  t: Pick<FiguresTables, 'documentClient' | 'recordsTable'>,
  ids: readonly string[],
): Promise<Map<string, OrgRecord>> {
  const items = await batchGetAll(
    t.documentClient,
    t.recordsTable,
    [...new Set(ids)].map((id) => orgKey(id)),
    { consistentRead: true },
  );
  return new Map(items.map((i) => stripStorage<OrgRecord>(i)).map((o) => [o.orgId, o]));
}

/** The writes of the Figures table that `recompute` shares with the refresh. */
export function figuresWriter(
  t: FiguresTables,
): Pick<FiguresStore, 'writeMonth' | 'writeNets' | 'putContribution' | 'dropContribution' | 'deleteSubtreeItems'> {
  return {
    writeMonth: (item, readVersion) => conditionalPut(t, monthItem(item), readVersion),
    writeNets: (item, readVersion) => conditionalPut(t, netsItem(item), readVersion),
    putContribution: (c) => putContribution(t, c),
    dropContribution: (c) => dropContribution(t, c),
    deleteSubtreeItems: (orgId) => deleteSubtreeItems(t, orgId),
  };
}

/**
 * The figures' store in DynamoDB: the Figures table, and the Records table's facts and
 * org records (the figures handler's; the report and recompute read through it too).
 * @example
 * const store = createDynamoFiguresStore({
 *   documentClient: clients.documentClient,
 *   recordsTable: 'dangvien-Records',
 *   figuresTable: 'dangvien-Figures',
 *   orgTree: createDynamoOrgTreeReader({ documentClient: clients.documentClient, tableName: 'dangvien-Records' }),
 * });
 * const report = await buildReport(store, 'HP');
 */
export function createDynamoFiguresStore(opts: FiguresTables & { orgTree: OrgTreeReader }): FiguresStore & ReportReader {
  const { orgTree, ...t } = opts;
  return {
    ...figuresWriter(t),
    readItems: (wanted, consistent) => readItems(t, wanted, consistent),
    queryMonths: (orgId, kind, range, consistent) => queryMonths(t, orgId, kind, range, consistent),
    queryContributions: (cellId) => queryContributions(t, cellId),
    queryFacts: (cellId, year) => queryFacts(t, cellId, year),
    currentOrgTree: () => orgTree.currentOrgTree(),
    readOrgs: (ids) => readOrgRecords(t, ids),
  };
}
