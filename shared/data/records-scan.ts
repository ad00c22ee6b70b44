// data: one pass over every record (for `recompute`), with the cell each counts for now.
import { config } from './config.js';
import { stripStorage, type Entity } from './keys.js';
import { scanAll } from './dynamo-toolkit.js';

const ENTITIES = new Set<string>(['org', 'member', 'dossier', 'transfer', 'fact']);

export async function scanRecords(visit: (entity: Entity, record: unknown, cellId: string | undefined) => void): Promise<void> {
  await scanAll(config.recordsTable(), (item) => {
    if (!ENTITIES.has(String(item.entity))) return;
    const cellKey = typeof item.cellKey === 'string' ? item.cellKey.slice('CELL#'.length) : undefined;
    visit(item.entity as Entity, stripStorage(item), cellKey);
  });
}
