// data: one pass over every record (for `recompute`), with the cell each counts for now.
import { ScanCommand, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { stripStorage, type Entity } from './keys.js';

const ENTITIES = new Set<string>(['org', 'member', 'dossier', 'transfer', 'fact']);

export async function scanRecords(visit: (entity: Entity, record: unknown, cellId: string | undefined) => void): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await documentClient().send(new ScanCommand({ TableName: config.recordsTable(), ExclusiveStartKey: start, ConsistentRead: true }));
    for (const item of page.Items ?? []) {
      if (!ENTITIES.has(String(item.entity))) continue;
      const cellKey = typeof item.cellKey === 'string' ? item.cellKey.slice('CELL#'.length) : undefined;
      visit(item.entity as Entity, stripStorage(item), cellKey);
    }
    start = page.LastEvaluatedKey;
  } while (start);
}
