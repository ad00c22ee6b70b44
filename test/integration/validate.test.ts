// `dangvien validate FILE.ndjson` (docs/cli.md): offline, the ingest's own verdicts,
// line numbers as `send` counts them, exit 0 / 1 / 2, and no AWS SDK loaded.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES } from '../../shared/domain/events/index.js';
import { invalidLines, ndjsonLines, type InvalidLine } from '../../cli/validate.js';
import { runDangvien } from '../helpers/cli.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';

const dir = mkdtempSync(join(tmpdir(), 'dangvien-validate-'));

/** Runs the built CLI with no stack and no AWS endpoint at all. */
const dangvien = (...args: string[]) =>
  runDangvien(args, { PATH: process.env.PATH, HOME: process.env.HOME, AWS_EC2_METADATA_DISABLED: 'true' });

function fileOf(name: string, content: string | Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
}

const printed = (stdout: string): InvalidLine[] =>
  stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as InvalidLine);

/** Everything `invalidLines` reports for `chunks`, as the CLI reads them. */
async function check(chunks: Array<string | Buffer>): Promise<InvalidLine[]> {
  const out: InvalidLine[] = [];
  for await (const r of invalidLines(ndjsonLines(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c))))) out.push(r);
  return out;
}

const line = (e: object) => JSON.stringify(e);

describe('dangvien validate', () => {
  it('exits 0 and prints nothing on stdout for a valid file, blank lines and CRLF included', async () => {
    // Prepare
    const file = fileOf(
      'valid.ndjson',
      [line(registerOrg('HP', null, 'province')), '', '   ', line(registerOrg('C1', 'HP', 'grassroots-cell')), ''].join('\r\n'),
    );
    // Act
    const result = await dangvien('validate', file);
    // Assess
    expect(result).toMatchObject({ code: 0, stdout: '' });
    expect(result.stderr).toContain('2 events, all valid');
  });

  it('prints one {line, id, reason, message} per invalid line, with the ingest reason, and exits 1', async () => {
    // Prepare: line 2 blank, so the numbers are the file's own, as `send` reports them
    const unknownField = validEvent('member.recognized', { id: 'bad-field' });
    (unknownField.data as Record<string, unknown>).recognisedOn = '2022-03-10';
    const file = fileOf(
      'mixed.ndjson',
      [
        line(registerOrg('HP', null, 'province')),
        '',
        '{"id": "half',
        line({ ...registerOrg('X', null, 'province'), id: 'newer', type: 'org.founded' }),
        line(unknownField),
        line(validEvent('member.recognized', { id: 'bad-id!' })),
        line(validEvent('dossier.received', { id: 'nfd', data: { profile: validProfile({ ethnicity: 'Tày\u202E' }) } })),
      ].join('\n'),
    );
    // Act
    const result = await dangvien('validate', file);
    // Assess
    expect(result.code).toBe(1);
    expect(printed(result.stdout)).toEqual([
      { line: 3, id: null, reason: 'not-json', message: 'body is not valid JSON' },
      { line: 4, id: 'newer', reason: 'unknown-type', message: 'type: not a known event type' },
      { line: 5, id: 'bad-field', reason: 'schema', message: 'data.recognisedOn: unknown field' },
      { line: 6, id: null, reason: 'schema', message: expect.stringContaining('id: not an id') },
      { line: 7, id: 'nfd', reason: 'schema', message: expect.stringContaining('data.profile.ethnicity') },
    ]);
    expect(result.stderr).toContain('5 of 6 lines invalid');
  });

  it('never prints a value from the line, only field paths', async () => {
    // Prepare: a personal value in a field that fails
    const leaky = validEvent('dossier.received', {
      data: { profile: validProfile({ fullName: 'Nguyễn Bí Mật\u0000', birthDate: '1990-02-30' }) },
    });
    // Act
    const result = await dangvien('validate', fileOf('leaky.ndjson', line(leaky)));
    // Assess
    expect(result.code).toBe(1);
    expect(result.stdout).not.toContain('Bí Mật');
    expect(result.stdout).not.toContain('1990-02-30');
    expect(printed(result.stdout)[0]?.message).toContain('data.profile.birthDate');
  });

  it('reports the same (source, id) with another body as a conflict naming the first line; the same body twice is fine', async () => {
    // Prepare: line 2 repeats line 1 with its keys in another order and its name (Tổ chức) in NFD: the same event
    const first = registerOrg('HP', null, 'province');
    const reordered = JSON.stringify(
      Object.fromEntries(Object.entries({ ...first, data: { ...first.data, name: first.data.name.normalize('NFD') } }).reverse()),
    );
    const renamed = { ...first, data: { ...first.data, name: 'Another name' } };
    const otherSource = { ...renamed, source: 'another-producer' };
    // Act
    const found = await check([[line(first), reordered, line(renamed), line(otherSource)].join('\n')]);
    // Assess: ids are per source (docs/events.md), so the other producer's evt is no conflict
    expect(found).toEqual([{ line: 3, id: first.id, reason: 'conflict', message: expect.stringContaining('line 1') }]);
  });

  it('refuses a line over 256 KiB by its number and goes on with the next lines', async () => {
    // Prepare: 300 KiB of name in a line of its own, then a bad line after it
    const huge = line({
      ...registerOrg('HP', null, 'province'),
      data: { ...registerOrg('HP', null, 'province').data, name: 'ă'.repeat(150_000) },
    });
    const file = fileOf('huge.ndjson', [line(registerOrg('C1', null, 'province')), huge, 'nope'].join('\n'));
    // Act
    const result = await dangvien('validate', file);
    // Assess
    expect(result.code).toBe(1);
    expect(printed(result.stdout)).toEqual([
      { line: 2, id: null, reason: 'schema', message: expect.stringContaining(`too large (at most ${MAX_BODY_BYTES} bytes`) },
      { line: 3, id: null, reason: 'not-json', message: 'body is not valid JSON' },
    ]);
  });

  it('counts a line exactly at 256 KiB in UTF-8 as valid, one byte more as too large', async () => {
    // Prepare: every text field has a length limit, so pad with JSON whitespace to the byte
    const body = line(registerOrg('HP', null, 'province'));
    const padded = (bytes: number) => `${body.slice(0, -1)}${' '.repeat(bytes - Buffer.byteLength(body))}}`;
    // Act
    const found = await check([`${padded(MAX_BODY_BYTES)}\n${padded(MAX_BODY_BYTES + 1)}\n`]);
    // Assess
    expect(Buffer.byteLength(padded(MAX_BODY_BYTES))).toBe(MAX_BODY_BYTES);
    expect(found.map((f) => [f.line, f.reason])).toEqual([[2, 'schema']]);
  });

  it('reads a stream in any chunking: a character split across chunks, CRLF split, a lone CR inside a line', async () => {
    // Prepare: the bytes of a valid Vietnamese name cut in the middle of a character
    const bytes = Buffer.from(`${line(registerOrg('HP', null, 'province'))}\r\n{"a":1}\r${line(registerOrg('C1', 'HP', 'cell'))}\n`);
    const cut = bytes.indexOf(Buffer.from('ổ')) + 1;
    const crlf = bytes.indexOf('\r\n') + 1;
    // Act
    const whole = await check([bytes]);
    const pieces = await check([bytes.subarray(0, cut), bytes.subarray(cut, crlf), bytes.subarray(crlf)]);
    // Assess: the lone CR does not end a line (as in `send`), so line 2 is one unreadable body
    expect(cut).toBeGreaterThan(0);
    expect(whole).toEqual([{ line: 2, id: null, reason: 'not-json', message: 'body is not valid JSON' }]);
    expect(pieces).toEqual(whole);
  });

  it('names a byte order mark on line 1, which editors hide', async () => {
    // Act
    const found = await check([`\uFEFF${line(registerOrg('HP', null, 'province'))}`]);
    // Assess
    expect(found).toEqual([{ line: 1, id: null, reason: 'not-json', message: expect.stringContaining('byte order mark') }]);
  });

  it('exits 2 on bad usage: no file, a missing file, a directory, two files', async () => {
    // Prepare
    const valid = fileOf('one.ndjson', line(registerOrg('HP', null, 'province')));
    // Act
    const results = await Promise.all([
      dangvien('validate'),
      dangvien('validate', join(dir, 'missing.ndjson')),
      dangvien('validate', dir),
      dangvien('validate', valid, valid),
    ]);
    // Assess
    for (const r of results) {
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
    }
    expect(results[1]?.stderr).toContain('ENOENT');
    expect(results[2]?.stderr).toContain('not a file');
  });

  it('loads no AWS SDK: the validate chunk and what it imports reach no @aws-sdk or Powertools package', () => {
    // Prepare: the CLI as the global setup built it (rebuilding here would pull it from under other test files)
    const outDir = join('dist', 'cli');
    const entry = readdirSync(outDir).find((f) => /^validate-[A-Z0-9]+\.mjs$/.test(f));
    // Act: follow the static imports from main.mjs and the validate chunk
    const reached = new Set<string>();
    const externals = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      const code = readFileSync(join(outDir, file), 'utf8');
      for (const [, spec] of code.matchAll(/(?:^|\n)import\s*(?:[^;"]*?\sfrom\s*)?"([^"]+)";/g)) {
        if (spec!.startsWith('./')) visit(spec!.slice(2));
        else externals.add(spec!);
      }
    };
    visit('main.mjs');
    visit(entry!);
    // Assess
    expect(entry).toBeDefined();
    expect(reached.size).toBeGreaterThan(2);
    expect([...externals]).toContain('zod');
    expect([...externals].filter((p) => p.startsWith('@aws-sdk') || p.startsWith('@aws-lambda-powertools'))).toEqual([]);
  });
});
