// A local table kept from an earlier version (the local stack keeps its data across
// restarts) whose index carried every attribute: provisioning builds the index again with
// the projection of its definition, and the items are found through it as before.
import { randomUUID } from 'node:crypto';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTable } from '../../local/provision.js';
import { RECORDS_TABLE } from '../../shared/resources.js';
import { documentClient, dynamoClient } from '../helpers/emulators.js';

describe('provisioning a kept local table', () => {
  it('rebuilds an index whose projection changed, and its items are found through it again', async () => {
    // Prepare: the Records table as an earlier version made it (every index ALL), with a due record
    const name = `t${randomUUID().slice(0, 8)}-Records`;
    const earlier = { ...RECORDS_TABLE, indexes: RECORDS_TABLE.indexes.map((i) => ({ ...i, projection: 'ALL' as const })) };
    await createTable(dynamoClient(), earlier, name);
    const item = { pk: 'DOSSIER#D1', sk: 'DOSSIER', entity: 'dossier', remindMonth: '2026-12', remindOn: '2026-12-01', step: 'x' };
    await documentClient().send(new PutCommand({ TableName: name, Item: item }));
    // Act
    await createTable(dynamoClient(), RECORDS_TABLE, name);
    // Assess: each index as defined now, and the due record listed by its keys alone
    const table = (await dynamoClient().send(new DescribeTableCommand({ TableName: name }))).Table!;
    const projections = Object.fromEntries((table.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.Projection?.ProjectionType]));
    expect(projections).toEqual(Object.fromEntries(RECORDS_TABLE.indexes.map((i) => [i.indexName, i.projection])));
    const due = await documentClient().send(
      new QueryCommand({
        TableName: name,
        IndexName: 'byRemindOn',
        KeyConditionExpression: 'remindMonth = :m AND remindOn <= :d',
        ExpressionAttributeValues: { ':m': '2026-12', ':d': '2026-12-31' },
      }),
    );
    expect(due.Items).toEqual([{ pk: 'DOSSIER#D1', sk: 'DOSSIER', remindMonth: '2026-12', remindOn: '2026-12-01' }]);
  });
});
