// local: what `npm start` keeps in its data directory (`.local/` or `--data DIR`), in one
// place, so that a reset removes exactly the stack's own files and nothing else a user
// may have put there.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ENDPOINTS_FILE } from './endpoints.js';

/** The paths of a data directory's parts. */
export function dataLayout(dataDir: string) {
  return {
    /** DynamoDB Local's database files: records and figures. */
    dynamodb: join(dataDir, 'dynamodb'),
    /** fauxqs's SQLite file: queued, in-flight and dead-lettered messages. */
    sqs: join(dataDir, 'sqs'),
    /** The stream runner's position, so that a restart goes on where it stopped. */
    checkpoints: join(dataDir, 'stream-checkpoints.json'),
    /** The personal data master key (personal-vault.ts). */
    personalDataKey: join(dataDir, 'personal-data.key'),
    /** What the CLI reads to find the running stack. */
    endpoints: join(dataDir, ENDPOINTS_FILE),
  };
}

/** The parts of the data directory that exist: what a reset would remove. */
export function existingData(dataDir: string): string[] {
  return Object.values(dataLayout(dataDir)).filter((path) => existsSync(path));
}

/**
 * Removes the stack's data from the directory: records, figures, queued messages, the
 * stream position and the personal data key. Other files in the directory are left.
 * The caller holds the directory's lock.
 */
export function resetData(dataDir: string): string[] {
  const removed = existingData(dataDir);
  for (const path of removed) rmSync(path, { recursive: true, force: true });
  return removed;
}
