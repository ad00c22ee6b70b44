// The README and the documentation as a reader meets them, on a forge or in a clone: every
// link leads to a file of the repository and a heading that exists, no code fence swallows
// the prose after it, the diagrams render, the README stays a front door, and every number
// of its performance table is the one in the committed bench results.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

const PAGES = [
  'README.md',
  'CONTRIBUTING.md',
  'CHANGELOG.md',
  'bench/README.md',
  ...readdirSync('docs')
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/** The text outside code blocks and code spans: where links and headings are. */
const prose = (text: string) => text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, (span) => span.replace(/[[\]()]/g, ''));

/** GitHub's anchors of a Markdown page: each heading lowercased, punctuation dropped, spaces as `-`, repeats numbered. */
function anchorsOf(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const [, heading] of text.replace(/```[\s\S]*?```/g, '').matchAll(/^#{1,6} (.+)$/gm)) {
    const slug = heading!
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    anchors.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return anchors;
}

/** The inline links of a page that stay inside the repository, as [path, fragment]. */
function localLinks(page: string, text: string): Array<{ target: string; path: string; fragment: string | undefined }> {
  return [...prose(text).matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((t) => !/^(https?:|mailto:)/.test(t))
    .map((target) => {
      const [file, fragment] = target.split('#');
      return { target, path: file === '' ? page : normalize(join(dirname(page), file!)), fragment };
    });
}

describe.each(PAGES)('%s', (page) => {
  const text = readFileSync(page, 'utf8');

  it('opens and closes every code fence on a line of its own', () => {
    // Act: fences must stand alone (an opening one may name a language)
    const fenceLines = text.split('\n').flatMap((line, i) => (line.includes('```') ? [{ line: i + 1, text: line }] : []));
    // Assess
    expect(fenceLines.filter((f) => !/^```[a-z]*$/.test(f.text))).toEqual([]);
    expect(fenceLines.length % 2).toBe(0);
  });

  it('links only to files of the repository that exist, and to headings they have', () => {
    // Prepare
    const links = localLinks(page, text);
    // Act
    const outside = links.filter((l) => l.path.startsWith('..'));
    const missing = links.filter((l) => !existsSync(l.path));
    const badAnchors = links.filter(
      (l) =>
        l.fragment !== undefined &&
        l.path.endsWith('.md') &&
        existsSync(l.path) &&
        !anchorsOf(readFileSync(l.path, 'utf8')).has(l.fragment),
    );
    // Assess
    expect(links.length).toBeGreaterThan(0);
    expect(outside.map((l) => l.target)).toEqual([]);
    expect(missing.map((l) => l.target)).toEqual([]);
    expect(badAnchors.map((l) => l.target)).toEqual([]);
  });

  it('quotes every label of its diagrams, so that Mermaid reads no text as a shape', () => {
    // Prepare: node labels (`ID[…]`, `ID[(…)]`, `ID{…}` …) and edge labels (`|…|`) of each Mermaid block
    const blocks = [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
    // Act: a label whose text is not one quoted string
    const label = /\b[A-Za-z]\w*(?:\[\[|\[\(|\(\(|\[|\(|\{)("[^"]*"|[^\])}"]*)(?:\]\]|\)\]|\)\)|\]|\)|\})|\|([^|]*)\|/g;
    const unquoted = blocks.flatMap((block) =>
      [...block.matchAll(label)].map((m) => m[1] ?? m[2]!).filter((text) => !/^"[^"]*"$/.test(text)),
    );
    // Assess
    expect(unquoted).toEqual([]);
  });
});

describe('the README', () => {
  const readme = readFileSync('README.md', 'utf8');

  it('is a front door: at most 400 lines, with a table of contents', () => {
    // Assess
    expect(readme.split('\n').length).toBeLessThanOrEqual(400);
    expect(readme).toMatch(/^## Contents$/m);
  });

  it('gives the two commands as a newcomer types them', () => {
    // Prepare
    const block = /## Two commands\n+```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    // Act
    const commands = block.split('\n').map((l) => l.replace(/#.*$/, '').trim());
    // Assess
    expect(commands).toContain('npm ci && npm start');
    expect(commands).toContain('npm test');
  });

  it('has a diagram in the one Mermaid block of the page', () => {
    // Assess: the rendering check above applies to it
    expect([...readme.matchAll(/```mermaid\n/g)]).toHaveLength(1);
  });
});

interface BenchResult {
  city: { members: number; orgs: Record<string, number> };
  events: { sent: number; eventsPerSecond: number; perEvent: { capacityUnits: number; costPerMillionEvents: { total: number } } };
  naive: { perEvent: { capacityUnits: number } };
  ratio: { capacityUnitsPerEvent: number };
  latency: { ratePerSecond: number; latencyMs: { n: number; p50: number; p99: number } };
  import: { totalSeconds: number; rawWriteSeconds?: number; totalOverRawWrite?: number };
  check: { recomputeDifferences: number };
  ceiling: { ingestOnlyEventsPerSecond?: number; endToEndEventsPerSecond?: number; endToEndOverIngestOnly?: number };
  orgEvents?: { byType: Record<string, { perEvent: { capacityUnits: number } } | undefined> };
}

const whole = (n: number) => Math.round(n).toLocaleString('en-US');
const decimals = (n: number, d: number) => n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

/**
 * What each row of the README's performance table must say, per result file, in its order.
 * A value a result file lacks (`undefined`: a measure added after the file was committed)
 * reads `—`; a row no file has a value for is absent.
 */
const PERFORMANCE_ROWS: ReadonlyArray<{ label: RegExp; value: (r: BenchResult) => string | undefined }> = [
  {
    label: /organizations; events/,
    value: (r) => `${whole(Object.values(r.city.orgs).reduce((a, b) => a + b, 0))}; ${whole(r.events.sent)}`,
  },
  {
    label: /capacity units per event/,
    value: (r) =>
      `${decimals(r.events.perEvent.capacityUnits, 1)} / ${whole(r.naive.perEvent.capacityUnits)} (${r.ratio.capacityUnitsPerEvent}×)`,
  },
  { label: /events per second/, value: (r) => decimals(r.events.eventsPerSecond, 1) },
  { label: /p50 \/ p99/, value: (r) => `${whole(r.latency.latencyMs.p50)} / ${whole(r.latency.latencyMs.p99)} ms` },
  { label: /cost per million events/, value: (r) => `$${decimals(r.events.perEvent.costPerMillionEvents.total, 2)}` },
  {
    label: /end to end ÷ the ingest alone/,
    value: (r) =>
      r.ceiling.endToEndOverIngestOnly === undefined ||
      r.ceiling.ingestOnlyEventsPerSecond === undefined ||
      r.ceiling.endToEndEventsPerSecond === undefined
        ? undefined
        : `${decimals(r.ceiling.endToEndEventsPerSecond, 1)} ÷ ${decimals(r.ceiling.ingestOnlyEventsPerSecond, 1)} = ${decimals(r.ceiling.endToEndOverIngestOnly, 2)}`,
  },
  {
    label: /org\.renamed.*target\.set/,
    value: (r) => {
      const units = (type: string) => r.orgEvents?.byType[type]?.perEvent.capacityUnits;
      const [renamed, target] = [units('org.renamed'), units('target.set')];
      return renamed === undefined || target === undefined ? undefined : `${decimals(renamed, 1)} / ${decimals(target, 1)}`;
    },
  },
  { label: /import/, value: (r) => `${whole(r.import.totalSeconds)} s` },
  {
    label: /raw write/,
    value: (r) =>
      r.import.rawWriteSeconds === undefined || r.import.totalOverRawWrite === undefined
        ? undefined
        : `${whole(r.import.totalSeconds)} s ÷ ${whole(r.import.rawWriteSeconds)} s = ${decimals(r.import.totalOverRawWrite, 2)}`,
  },
  { label: /recompute --check/, value: (r) => String(r.check.recomputeDifferences) },
];

describe("the README's performance table", () => {
  // Prepare: the first table under "## Performance", as cells
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Performance'), readme.indexOf('\n## ', readme.indexOf('## Performance') + 1));
  const rows = section
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim()),
    );
  const [header, , ...body] = rows;
  const result = (members: string) => JSON.parse(readFileSync(`bench/results/${members}.json`, 'utf8')) as BenchResult;
  // The 10,000 file is rerun with every change and has every row; the 127,455 one is older and may lack some (—).
  const [current, older] = [result('10000'), result('127455')];
  const results = [current, older];

  it('has a column per committed result, named by its members', () => {
    // Assess
    expect(header!.slice(1)).toEqual(results.map((r) => `${whole(r.city.members)} members`));
  });

  it('says, row by row, what the result files say', () => {
    // Act: every row, from each file
    const expected = PERFORMANCE_ROWS.map((row) => [row.value(current), row.value(older) ?? '—']);
    // Assess: the current file has a value for every row, and the table has every row, in order
    expect(PERFORMANCE_ROWS.filter((row) => row.value(current) === undefined).map((row) => String(row.label))).toEqual([]);
    expect(body.map((cells) => cells.slice(1))).toEqual(expected);
    expect(body.map((cells, i) => PERFORMANCE_ROWS[i]?.label.test(cells[0]!))).toEqual(PERFORMANCE_ROWS.map(() => true));
  });

  it('states the pace of the latency it quotes', () => {
    // Assess
    const latencyRow = body.find((cells) => /p50 \/ p99/.test(cells[0]!))!;
    for (const r of results) expect(latencyRow[0]).toContain(`at ${r.latency.ratePerSecond} events per second`);
  });
});

/** Every property name and every enumerated value of a JSON Schema, however deep. */
function schemaWords(schema: unknown, into = { fields: new Set<string>(), values: new Set<string>() }) {
  if (Array.isArray(schema)) for (const s of schema) schemaWords(s, into);
  else if (schema !== null && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      if (key === 'properties' && value !== null && typeof value === 'object') for (const f of Object.keys(value)) into.fields.add(f);
      if (key === 'enum' && Array.isArray(value)) for (const v of value) into.values.add(String(v));
      if (key === 'const') into.values.add(String(value));
      schemaWords(value, into);
    }
  }
  return into;
}

describe.each([
  { page: 'docs/events.md', schemas: readdirSync('schemas').filter((f) => !['openapi.json', 'report.json', 'reminder.json'].includes(f)) },
  { page: 'docs/report.md', schemas: ['report.json'] },
  { page: 'docs/reminders.md', schemas: ['reminder.json'] },
])('$page', ({ page, schemas }) => {
  it('names every field and every allowed value of its JSON Schemas', () => {
    // Prepare
    const text = readFileSync(page, 'utf8');
    const words = schemaWords(schemas.map((f) => JSON.parse(readFileSync(`schemas/${f}`, 'utf8')) as unknown));
    // Act: each as a code span, the way the page writes them
    const missing = [...words.fields, ...words.values].filter(
      (w) => ![`\`${w}\``, `.${w}\``, `\`${w}.`].some((span) => text.includes(span)),
    );
    // Assess
    expect(words.fields.size).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});
