// Writes schemas/<type>.json, one JSON Schema per event type (the envelope with that
// type's data), from the zod schemas the ingest itself parses with, so the files
// handed to producers cannot drift from what is accepted.
// Run: npx tsx scripts/generate-schemas.ts (or `npm run schema`).

import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EVENT_TYPES, eventSchemas, type EventType } from '../shared/domain/events.js';

/** Where the files go: `schemas/` at the repository root, wherever this is run from. */
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

/**
 * The JSON Schema of one event type. `io: 'input'` describes what a producer sends
 * (before NFC normalisation); `unrepresentable: 'any'` keeps the export from failing if
 * a schema ever gains a check JSON Schema cannot express. Refinements (cross-field
 * rules) are dropped by the export but still enforced by the ingest, as the
 * description says.
 */
export function jsonSchemaOf(type: EventType): Record<string, unknown> {
  const schema = z.toJSONSchema(eventSchemas[type], { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' });
  return {
    ...schema,
    $id: `https://dangvien.local/schemas/${type}.json`,
    title: type,
    description:
      `Event "${type}" on the ingest queue (CONTRACT.md §1–§6). Text is normalised to NFC on ingest; ` +
      'cross-field rules (e.g. recognizedOn only for official members) are checked by the ingest, not by this schema.',
  };
}

/** Writes every schema file and removes files of types that no longer exist. */
async function main(): Promise<void> {
  await mkdir(OUT_DIR, { recursive: true });
  const wanted = new Set(EVENT_TYPES.map((t) => `${t}.json`));
  for (const type of EVENT_TYPES) {
    await writeFile(join(OUT_DIR, `${type}.json`), `${JSON.stringify(jsonSchemaOf(type), null, 2)}\n`);
  }
  for (const f of await readdir(OUT_DIR)) {
    if (f.endsWith('.json') && !wanted.has(f)) await rm(join(OUT_DIR, f));
  }
  process.stdout.write(`wrote ${String(EVENT_TYPES.length)} schemas to ${OUT_DIR}\n`);
}

await main();
