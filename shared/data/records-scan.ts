// data: one pass over every record (for `recompute`), with the cell each counts for now.
import type { StoredRecord } from '../domain/records.js';
import { config } from './config.js';
import { scanAll } from './dynamo-toolkit.js';
import { storedRecordOf } from './keys.js';

export async function scanRecords(visit: (stored: StoredRecord, cellId: string | undefined) => void): Promise<void> {
  await scanAll(config.recordsTable(), (item) => {
    const stored = storedRecordOf(item);
    if (!stored) return;
    const cellKey = typeof item.cellKey === 'string' ? item.cellKey.slice('CELL#'.length) : undefined;
    visit(stored, cellKey);
  });
}
