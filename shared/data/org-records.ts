// data: the orgs partition of the Records table (`ORGS`, one query loads the tree) and
// the counter every transaction that changes the tree's shape bumps (`ORGTREE`/`VERSION`),
// which tells the tree's readers (org-tree.ts) when to load it again.
import { GetCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { OrgRecord } from '../domain/records.js';
import { queryAll } from './dynamo-toolkit.js';
import { orgTreeVersionKey, stripStorage } from './keys.js';
import type { RecordsTable } from './records-table.js';

/** The whole org tree: one partition, a few hundred items for a province. */
export async function loadAllOrgs({ documentClient, tableName }: RecordsTable, consistent = true): Promise<OrgRecord[]> {
  const { items } = await queryAll(documentClient, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': 'ORGS' },
    ConsistentRead: consistent,
  });
  return items.map((item) => stripStorage<OrgRecord>(item));
}

/** The counter every org-writing transaction bumps (0 before the first), read consistently. */
export async function orgTreeVersion({ documentClient, tableName }: RecordsTable): Promise<number> {
  const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: orgTreeVersionKey, ConsistentRead: true }));
  return Number(out.Item?.treeVersion ?? 0);
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** The transaction item that tells the org tree's readers to load it again: part of every transaction that changes the tree's shape. */
export function orgTreeChanged(tableName: string): TransactItem {
  return {
    Update: {
      TableName: tableName,
      Key: orgTreeVersionKey,
      UpdateExpression: 'ADD treeVersion :one',
      ExpressionAttributeValues: { ':one': 1 },
    },
  };
}
