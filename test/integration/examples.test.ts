// The producer kit as a newcomer meets it: the README's example commands, run as written
// (`npx dangvien …` is the built CLI), on the stack the README's setup starts — with the
// demo city of a first `npm start` loaded — and the real report handler behind the local
// HTTP API; the report checked against the README's own JSON, the reminders example
// against what it prints; then the API's answers against schemas/openapi.json.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createReportHandler, QuerySchema } from '../../functions/report-api/handler.js';
import { loadDemoCity } from '../../local/demo.js';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { todayInVietnam } from '../../shared/domain/dates.js';
import { startLocalApi, type LocalApi } from '../../local/http-api.js';
import { freePort } from '../../local/ports.js';
import { ReportSchema } from '../../shared/domain/figures/report-schema.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const run = promisify(execFile);

// ajv-formats is CommonJS: its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

/** The first fenced block of `lang` in the README's section `heading`. */
function readmeBlock(heading: string, lang: 'sh' | 'json'): string {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf(heading));
  return new RegExp(`\`\`\`${lang}\\n([\\s\\S]*?)\\n\`\`\``).exec(section)?.[1] ?? '';
}

/** The `npx dangvien …` lines of a README section's shell block, comments dropped. */
function readmeCommands(heading: string): string[][] {
  return readmeBlock(heading, 'sh')
    .split('\n')
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l.startsWith('npx dangvien '))
    .map((l) => l.split(/\s+/).slice(2));
}

const EXAMPLES = '### Try it: the examples';

interface OpenApi {
  paths: Record<string, { get: { parameters: { name: string; in: string }[] } }>;
  components: { schemas: Record<string, object> };
}

describe('the examples, as the README runs them', () => {
  let stack: TestStack;
  let api: LocalApi;
  let data: string;
  const dangvien = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/dangvien.js', ...args], {
        env: { ...process.env, DANGVIEN_DATA: data },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    // Prepare: a stack with the demo city a first `npm start` loads, the real report handler
    // behind the local API, and the endpoints file `npm start` leaves
    stack = await startTestStack();
    await loadDemoCity({ queue: stack.stores.ingestQueue, settle: () => stack.settle() }, todayInVietnam(new Date()));
    api = await startLocalApi({
      port: await freePort(),
      reportHandler: createReportHandler(stack.deps.report) as never,
      settle: () => stack.settle(),
      figuresCaughtUp: (instant, timeoutMs) => stack.figuresCaughtUp(instant, timeoutMs),
      status: () => ({ ingestOldestAgeSeconds: 0, figuresLagSeconds: stack.figuresLagSeconds() }),
    });
    data = mkdtempSync(join(tmpdir(), 'dangvien-examples-'));
    writeFileSync(
      join(data, ENDPOINTS_FILE),
      JSON.stringify({ ...inject('emulators'), apiUrl: api.url, env: stack.env, pid: process.pid }),
    );
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  // The README's four lines, in order: each step needs the one before it.
  const commands = readmeCommands(EXAMPLES);

  it('the README lists validate, send, import and report, in that order', () => {
    expect(commands.map((c) => c[0])).toEqual(['validate', 'send', 'import', 'report']);
  });

  it('validate: every line of examples/events.ndjson is valid, offline', async () => {
    // Act
    const validate = await dangvien(commands[0]!);
    // Assess
    expect(validate).toMatchObject({ code: 0, stdout: '' });
  });

  // send --wait allows events 300 s to apply (its default --timeout), under the tests' hang guard.
  it('send --wait: every event accepted', async () => {
    // Act
    const send = await dangvien(commands[1]!);
    // Assess
    expect(send.code).toBe(0);
    expect(JSON.parse(send.stdout)).toEqual({ sent: 19, accepted: 19, duplicates: 0, rejected: 0 });
  });

  it('import: every member of examples/members.csv imported', async () => {
    // Act
    const imported = await dangvien(commands[2]!);
    // Assess
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows: 10, imported: 10, skipped: 0, badRows: [] });
  });

  it('report: the figures the README shows, as its JSON block has them', async () => {
    // Act
    const report = await dangvien(commands[3]!);
    // Assess
    expect(report.code).toBe(0);
    const hp = ReportSchema.parse(JSON.parse(report.stdout));
    expect(hp).toMatchObject(JSON.parse(readmeBlock(EXAMPLES, 'json')));
    // 10 imported (1 probationary) + Hoa admitted from her dossier + Sơn recognized and moved to LC
    expect(hp).toMatchObject({
      orgId: 'HP',
      asOf: '2026-12-31',
      year: 2026,
      organizations: { grassroots: 3, grassrootsCommittees: 1, grassrootsCells: 2, cells: 1 },
      members: { total: 12, official: 10, probationary: 2, female: 5, youthUnion: 6, ethnicMinority: 3, religious: 2, inTransit: 0 },
      admissions: { total: 1, female: 1, youthUnion: 1, privateEnterprise: 1, target: 4, achievementPct: 25 },
      recognitions: { total: 1 },
      // the transfer stays inside HP: neither in nor out at the province
      transfers: { officialIn: 0, officialOut: 0, late: 0 },
      dossiers: { open: 1, byStep: { received: 0, processing: 1, reported: 0, reviewed: 0 }, overdue: 1, closedInYear: 1 },
    });
    expect(hp.children.map((c) => [c.orgId, c.members.total])).toEqual([
      ['HB', 8],
      ['LC', 4],
    ]);
  });

  it('remind: the README’s reminders example prints the examples’ open dossier', async () => {
    // Prepare
    const [remind] = readmeCommands('### Reminders and digests');
    // Act
    const reminded = await dangvien(remind!);
    // Assess
    expect(reminded.code).toBe(0);
    const reminders = reminded.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { subjectId: string; orgId: string });
    expect(reminders).toContainEqual(expect.objectContaining({ subjectId: 'D-2026-002', orgId: 'LC-THPT-GV' }));
  });

  it('the HTTP API answers as schemas/openapi.json says: the report, a bad query and an unknown org', async () => {
    // Prepare
    const served = await (await fetch(`${api.url}/openapi.json`)).json();
    const doc = JSON.parse(readFileSync('schemas/openapi.json', 'utf8')) as OpenApi;
    const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
    const report = ajv.compile(doc.components.schemas.Report!);
    const error = ajv.compile(doc.components.schemas.Error!);
    // Act
    const ok = await fetch(`${api.url}/orgs/HB/report?year=2026&date=2026-12-31`);
    const bad = await fetch(`${api.url}/orgs/HB/report?date=2026-02-30`);
    const unknown = await fetch(`${api.url}/orgs/NOPE/report`);
    // Assess
    expect(served).toEqual(doc);
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(report(body), JSON.stringify(report.errors)).toBe(true);
    expect(body).toMatchObject({ orgId: 'HB', transfers: { officialOut: 1, officialIn: 0 }, members: { total: 8 } });
    expect([bad.status, unknown.status]).toEqual([400, 404]);
    expect(error(await bad.json())).toBe(true);
    expect(error(await unknown.json())).toBe(true);
  });

  it('the document lists every query parameter the handler accepts', () => {
    // Prepare
    const doc = JSON.parse(readFileSync('schemas/openapi.json', 'utf8')) as OpenApi;
    const documented = doc.paths['/orgs/{orgId}/report']!.get.parameters.filter((p) => p.in === 'query').map((p) => p.name);
    // Assess
    expect(documented).toEqual(expect.arrayContaining(Object.keys(QuerySchema.shape)));
  });
});
