// Writes the JSON Schemas handed to producers and consumers into schemas/, from the zod
// schemas the code itself parses and builds with, so the files cannot drift from what is
// accepted or returned: one file per event type (the envelope with that type's data),
// envelope.json (an envelope of any type), reminder.json (docs/reminders.md), report.json
// (docs/report.md) and openapi.json (the HTTP API). test/unit/schemas.test.ts regenerates
// them in memory and fails when a checked-in file differs.
// Run: npx tsx scripts/generate-schemas.ts (or `npm run schema`).

import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { EVENT_TYPES, eventSchemas, type EventType } from '../shared/domain/events/index.js';
import { ReportSchema } from '../shared/domain/figures/report-schema.js';
import { ReminderSchema } from '../shared/domain/reminder-schema.js';
import { openApiDocument } from './openapi-document.js';

/** Where the files go: `schemas/` at the repository root, wherever this is run from. */
export const SCHEMAS_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'schemas');

const ID_BASE = 'https://dangvien.local/schemas/';

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
    $id: `${ID_BASE}${type}.json`,
    title: type,
    description:
      `Event "${type}" on the ingest queue (docs/producers.md). Text is normalised to NFC on ingest; ` +
      'cross-field rules (e.g. recognizedOn only for official members) are checked by the ingest, not by this schema.',
  };
}

/**
 * An envelope of any type: exactly one of the per-type schemas, which `type` tells apart
 * (each pins it with `const`). The per-type schemas are embedded under `$defs`, so the
 * file stands alone.
 */
export function envelopeSchema(): Record<string, unknown> {
  const defs = Object.fromEntries(
    EVENT_TYPES.map((type) => {
      const { $schema: _dialect, $id: _id, ...schema } = jsonSchemaOf(type);
      return [type, schema];
    }),
  );
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${ID_BASE}envelope.json`,
    title: 'envelope',
    description:
      'One message body on the ingest queue (docs/producers.md): an envelope whose data is that of its type. ' +
      'A body is at most 256 KiB in UTF-8; text is normalised to NFC on ingest; cross-field rules are checked by ' +
      'the ingest, not by this schema. `dangvien validate FILE.ndjson` checks all of it offline.',
    oneOf: EVENT_TYPES.map((type) => ({ $ref: `#/$defs/${type}` })),
    $defs: defs,
  };
}

/** A produced message (reminder, report) as JSON Schema: what a consumer receives. */
function outputSchema(name: string, schema: z.ZodType): Record<string, unknown> {
  return { ...z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' }), $id: `${ID_BASE}${name}.json` };
}

const asFile = (json: unknown) => `${JSON.stringify(json, null, 2)}\n`;

/** Every file of schemas/, by name, as `npm run schema` writes it. */
export async function schemaFiles(): Promise<Map<string, string>> {
  const { version } = JSON.parse(await readFile(join(SCHEMAS_DIR, '..', 'package.json'), 'utf8')) as { version: string };
  const files = new Map<string, string>();
  for (const type of EVENT_TYPES) files.set(`${type}.json`, asFile(jsonSchemaOf(type)));
  files.set('envelope.json', asFile(envelopeSchema()));
  files.set('reminder.json', asFile(outputSchema('reminder', ReminderSchema)));
  files.set('report.json', asFile(outputSchema('report', ReportSchema)));
  files.set('openapi.json', asFile(openApiDocument(version)));
  return files;
}

/** Writes every schema file and removes files that are no longer generated. */
async function main(): Promise<void> {
  await mkdir(SCHEMAS_DIR, { recursive: true });
  const files = await schemaFiles();
  for (const [name, content] of files) await writeFile(join(SCHEMAS_DIR, name), content);
  for (const f of await readdir(SCHEMAS_DIR)) {
    if (f.endsWith('.json') && !files.has(f)) await rm(join(SCHEMAS_DIR, f));
  }
  process.stdout.write(`wrote ${String(files.size)} schemas to ${SCHEMAS_DIR}\n`);
}

// Imported by the tests to compare; writes only when run as a script.
if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
