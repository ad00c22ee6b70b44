// The report as CSV and Excel (docs/report.md#exports-csv-and-excel, §10 `report`), through the CLI and
// the local HTTP API on one stack: every cell is the JSON's number at its dotted path, and
// the CLI and the API give the same bytes.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createReportHandler } from '../../functions/report-api/handler.js';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { startLocalApi, type LocalApi } from '../../local/http-api.js';
import { freePort } from '../../local/ports.js';
import type { Report } from '../../shared/domain/figures/report.js';
import { LABELS_VI } from '../../shared/report/labels-vi.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { expectCellsAreTheJson, readCsv, readXlsx } from '../helpers/report-export.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const run = promisify(execFile);
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** A name a spreadsheet would run as a formula, with a comma and quotes to be quoted. */
const HOSTILE_NAME = '=HYPERLINK("http://x.invalid/"), Đảng bộ "Lê Chân"';
const WHEN = ['--year', '2021', '--date', '2021-12-31'];

describe('report exports on a local stack', () => {
  let stack: TestStack;
  let api: LocalApi;
  let data: string;
  /** The JSON report of HP that every export is checked against, from the CLI on the same stack. */
  let report: Report;
  const dangvien = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/dangvien.js', ...args, '--data', data], {
        env: { ...process.env, DANGVIEN_DATA: '' },
        encoding: 'buffer',
      });
      return { code: 0, stdout, stderr: stderr.toString('utf8') };
    } catch (error) {
      const e = error as { code: number; stdout: Buffer; stderr: Buffer };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr.toString('utf8') };
    }
  };
  const jsonReport = async (): Promise<Report> => {
    const out = await dangvien('report', 'HP', ...WHEN);
    expect(out.code).toBe(0);
    return JSON.parse(out.stdout.toString('utf8')) as Report;
  };

  beforeAll(async () => {
    // Prepare: HP > HB (target 2) > HBC, HP > LC (no target, a hostile name) > LCG > LCC;
    // three admissions, one open dossier, HP's target 7 (an achievement of 42.9%)
    stack = await startTestStack();
    api = await startLocalApi({
      port: await freePort(),
      reportHandler: createReportHandler(stack.deps.report) as never,
      settle: () => stack.settle(),
      status: () => ({ ingestOldestAgeSeconds: 0, figuresLagSeconds: 0 }),
    });
    data = mkdtempSync(join(tmpdir(), 'dangvien-export-'));
    writeFileSync(
      join(data, ENDPOINTS_FILE),
      JSON.stringify({ ...inject('emulators'), apiUrl: api.url, env: stack.env, pid: process.pid }),
    );
    await stack.send([
      registerOrg('HP', null, 'province'),
      registerOrg('HB', 'HP', 'upper-grassroots'),
      validEvent('org.registered', { data: { orgId: 'LC', parentId: 'HP', name: HOSTILE_NAME, level: 'upper-grassroots' } }),
      registerOrg('HBC', 'HB', 'grassroots-cell'),
      registerOrg('LCG', 'LC', 'grassroots-committee'),
      registerOrg('LCC', 'LCG', 'cell'),
      validEvent('target.set', { data: { orgId: 'HP', year: 2021, admissions: 7 } }),
      validEvent('target.set', { data: { orgId: 'HB', year: 2021, admissions: 2 } }),
      validEvent('target.set', { data: { orgId: 'HB', year: 2021, kind: 'assigned', admissions: 4 } }),
      validEvent('target.set', { data: { orgId: 'HB', year: undefined, term: { fromYear: 2020, toYear: 2025 }, admissions: 10 } }),
    ]);
    await stack.settle();
    await stack.send([
      validEvent('member.admitted', { data: { memberId: 'A1', orgId: 'HBC', profile: validProfile({ sex: 'female' }) } }),
      validEvent('member.admitted', { data: { memberId: 'A2', orgId: 'HBC', profile: validProfile({ youthUnion: false }) } }),
      validEvent('member.admitted', { data: { memberId: 'A3', orgId: 'LCC', profile: validProfile({ ethnicity: 'Tày' }) } }),
      validEvent('dossier.received', { data: { dossierId: 'D9', personId: 'P9', orgId: 'LCC', receivedOn: '2021-12-01' } }),
    ]);
    await stack.settle();
    report = await jsonReport();
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  it('writes the CSV with every cell the JSON’s value, children’s missing sections empty', async () => {
    // Prepare
    expect(report).toMatchObject({ asOf: '2021-12-31', members: { total: 3 }, admissions: { total: 3, target: 7, achievementPct: 42.9 } });
    // Act
    const csv = await dangvien('report', 'HP', ...WHEN, '--format', 'csv');
    // Assess
    expect(csv.code).toBe(0);
    const [header, ...rows] = readCsv(csv.stdout);
    expect(header!.slice(0, 6)).toEqual(['orgId', 'name', 'level', 'asOf', 'year', 'organizations.grassroots']);
    expect(rows.map((r) => r.slice(0, 5))).toEqual([
      ['HP', 'Tổ chức HP', 'province', '2021-12-31', '2021'],
      ['HB', 'Tổ chức HB', 'upper-grassroots', '2021-12-31', '2021'],
      ['LC', `'${HOSTILE_NAME}`, 'upper-grassroots', '2021-12-31', '2021'],
    ]);
    expect(rows[0]![header!.indexOf('admissions.achievementPct')]).toBe('42.9');
    // The hostile name arrives whole, quoted, and cannot run as a formula
    expect(rows[2]![1]).toBe(`'${HOSTILE_NAME}`);
    rows[2]![1] = HOSTILE_NAME;
    expectCellsAreTheJson(rows, header!, report, 'csv');
    const lc = rows[2]!;
    expect(lc[header!.indexOf('admissions.target')]).toBe('');
    expect(lc[header!.indexOf('organizations.cells')]).toBe('');
    expect(lc[header!.indexOf('members.ethnicMinority')]).toBe('1');
  });

  it('writes the Excel sheet to --out and to a pipe, the same bytes, read back to the JSON’s numbers', async () => {
    // Prepare
    const file = join(data, 'hp.xlsx');
    // Act
    const [toFile, toPipe] = await Promise.all([
      dangvien('report', 'HP', ...WHEN, '--format', 'xlsx', '--lang', 'vi', '--out', file),
      dangvien('report', 'HP', ...WHEN, '--format', 'xlsx', '--lang', 'vi'),
    ]);
    // Assess
    expect(toFile).toMatchObject({ code: 0, stderr: '' });
    expect(toFile.stdout).toHaveLength(0);
    const bytes = readFileSync(file);
    expect(toPipe.stdout.equals(bytes)).toBe(true);
    const { rows } = await readXlsx(bytes);
    const [title, header, ...cells] = rows;
    expect(title![0]).toBe('Báo cáo số liệu công tác đảng viên năm 2021 của Tổ chức HP, tính đến ngày 31/12/2021');
    expect(header).toContain('Tổng số đảng viên');
    const columns = (header as string[]).map((label) => Object.keys(LABELS_VI).find((k) => LABELS_VI[k] === label)!);
    expectCellsAreTheJson(cells, columns, report, { format: 'xlsx', lang: 'vi' });
    expect(cells.map((row) => row[2])).toEqual(['Đảng bộ tỉnh/thành phố', 'Đảng bộ cấp trên cơ sở', 'Đảng bộ cấp trên cơ sở']);
    expect(cells[0]![columns.indexOf('admissions.achievementPct')]).toBe(42.9); // a number cell: Excel shows 42,9 on a Vietnamese Windows
    expect(cells[2]![1]).toBe(HOSTILE_NAME); // text in a sheet is never a formula: left as it is
  });

  it('writes the CSV for a Vietnamese Excel with --lang vi: `;`, 42,9, 31/12/2021, levels by name, every number the JSON’s', async () => {
    // Act
    const csv = await dangvien('report', 'HP', ...WHEN, '--format', 'csv', '--lang', 'vi');
    // Assess
    expect(csv.code).toBe(0);
    const [header, ...rows] = readCsv(csv.stdout, ';');
    const columns = header!.map((label) => Object.keys(LABELS_VI).find((k) => LABELS_VI[k] === label)!);
    expect(columns.slice(0, 6)).toEqual(['orgId', 'name', 'level', 'asOf', 'year', 'organizations.grassroots']);
    expect(rows[0]!.slice(0, 5)).toEqual(['HP', 'Tổ chức HP', 'Đảng bộ tỉnh/thành phố', '31/12/2021', '2021']);
    expect(rows[0]![columns.indexOf('admissions.achievementPct')]).toBe('42,9');
    rows[2]![1] = rows[2]![1]!.replace(/^'/, '');
    expectCellsAreTheJson(rows, columns, report, { format: 'csv', lang: 'vi' });
  });

  it('writes JSON and CSV to --out too', async () => {
    // Prepare
    const jsonFile = join(data, 'hp.json');
    const csvFile = join(data, 'hp.csv');
    // Act
    const [json, csv, csvOut] = await Promise.all([
      dangvien('report', 'HP', ...WHEN, '--out', jsonFile),
      dangvien('report', 'HP', ...WHEN, '--format', 'csv', '--out', csvFile),
      dangvien('report', 'HP', ...WHEN, '--format', 'csv'),
    ]);
    // Assess
    expect([json.code, csv.code]).toEqual([0, 0]);
    expect(JSON.parse(readFileSync(jsonFile, 'utf8'))).toEqual(report);
    expect(readFileSync(csvFile).equals(csvOut.stdout)).toBe(true);
  });

  it('refuses a bad --format, a --lang other than vi, --lang with JSON and an unwritable --out: exit 2, a message, nothing on stdout', async () => {
    // Prepare
    const cases: [string[], string][] = [
      [['--format', 'pdf'], '--format must be json, csv, xlsx or text'],
      [['--format', 'csv', '--lang', 'en'], '--lang must be vi'],
      [['--lang', 'vi'], 'JSON keeps its English keys'],
      [['--format', 'csv', '--out', join(data, 'no-such-dir', 'x.csv')], 'cannot write --out'],
    ];
    // Act
    const outs = await Promise.all(cases.map(([options]) => dangvien('report', 'HP', ...WHEN, ...options)));
    // Assess
    for (const [i, out] of outs.entries()) {
      expect(out.code, cases[i]![1]).toBe(2);
      expect(out.stderr).toContain(cases[i]![1]);
      expect(out.stdout).toHaveLength(0);
    }
  });

  it('exits 2 for an unknown org in any format, writing no file', async () => {
    const file = join(data, 'nope.xlsx');
    const out = await dangvien('report', 'NOPE', '--format', 'xlsx', '--out', file);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('NOPE');
    expect(() => readFileSync(file)).toThrow();
  });

  it("writes the committee's text: the year against both plans, the term since its start, the change from 2020", async () => {
    // Act
    const out = await dangvien('report', 'HB', ...WHEN, '--format', 'text');
    const withLang = await dangvien('report', 'HB', ...WHEN, '--format', 'text', '--lang', 'vi');
    // Assess
    expect(out).toMatchObject({ code: 0, stderr: '' });
    const text = out.stdout.toString('utf8');
    expect(text).toContain(
      'Năm 2021 đã kết nạp được 2 đảng viên, tăng 2 người so với năm 2020, bằng 100% kế hoạch của Tổ chức HB, bằng 50% kế hoạch của Tổ chức HP giao; từ đầu nhiệm kỳ kết nạp được 2/10 đảng viên mới, bằng 20% chỉ tiêu nhiệm kỳ 2020 - 2025.',
    );
    expect(text).toContain('Tính đến ngày 31/12/2021, Tổ chức HB có 2 đảng viên (0 đảng viên chính thức, 2 đảng viên dự bị).');
    expect(text).not.toMatch(/A1|A2|HBC/);
    expect(withLang.stdout.equals(out.stdout)).toBe(true);
  });

  describe('the HTTP API', () => {
    const get = (query: string, headers: Record<string, string> = {}) =>
      fetch(`${api.url}/orgs/HP/report?year=2021&date=2021-12-31${query}`, { headers });
    const bytes = async (response: Response) => Buffer.from(await response.arrayBuffer());

    it('serves the CLI’s bytes for ?format=csv and for Accept: text/csv', async () => {
      // Prepare
      const cli = await dangvien('report', 'HP', ...WHEN, '--format', 'csv');
      // Act
      const byQuery = await get('&format=csv');
      const byAccept = await get('', { accept: 'text/csv' });
      // Assess
      for (const response of [byQuery, byAccept]) {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
        expect(response.headers.get('content-disposition')).toBe('attachment; filename="HP-2021.csv"');
        expect((await bytes(response)).equals(cli.stdout)).toBe(true);
      }
    });

    it('serves the CLI’s Vietnamese CSV for ?format=csv&lang=vi', async () => {
      // Prepare
      const cli = await dangvien('report', 'HP', ...WHEN, '--format', 'csv', '--lang', 'vi');
      // Act
      const response = await get('&format=csv&lang=vi');
      // Assess
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect((await bytes(response)).equals(cli.stdout)).toBe(true);
    });

    it('serves the CLI’s Excel bytes for ?format=xlsx&lang=vi and for the xlsx Accept', async () => {
      // Prepare
      const [cli, cliEnglish] = await Promise.all([
        dangvien('report', 'HP', ...WHEN, '--format', 'xlsx', '--lang', 'vi'),
        dangvien('report', 'HP', ...WHEN, '--format', 'xlsx'),
      ]);
      // Act
      const byQuery = await get('&format=xlsx&lang=vi');
      const byAccept = await get('', { accept: `${XLSX}, application/json;q=0.5` });
      // Assess
      expect(byQuery.headers.get('content-type')).toBe(XLSX);
      expect((await bytes(byQuery)).equals(cli.stdout)).toBe(true);
      expect((await bytes(byAccept)).equals(cliEnglish.stdout)).toBe(true);
      expect((await readXlsx(cli.stdout)).sheet).toBe('Báo cáo');
    });

    it("serves the CLI's text for ?format=text and for Accept: text/plain", async () => {
      // Prepare
      const cli = await dangvien('report', 'HP', ...WHEN, '--format', 'text');
      // Act
      const byQuery = await get('&format=text');
      const byAccept = await get('', { accept: 'text/plain' });
      // Assess
      for (const response of [byQuery, byAccept]) {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
        expect(await response.text()).toBe(cli.stdout.toString('utf8'));
      }
      expect(cli.stdout.toString('utf8')).toContain('Năm 2021 đã kết nạp được 3 đảng viên');
    });

    it('keeps the JSON for no Accept, a browser’s Accept and ?format=json, whatever Accept says', async () => {
      for (const response of [
        await get(''),
        await get('', { accept: 'text/html,*/*;q=0.8' }),
        await get('&format=json', { accept: 'text/csv' }),
      ]) {
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(await response.json()).toEqual(report);
      }
    });

    it('answers 400 with a clear message for an unknown format, a lang other than vi, lang with JSON; 404 for an unknown org', async () => {
      // Act
      const pdf = await get('&format=pdf');
      const repeated = await get('&format=csv&format=xlsx');
      const english = await get('&format=csv&lang=en');
      const jsonVi = await get('&lang=vi');
      const unknown = await fetch(`${api.url}/orgs/NOPE/report?format=xlsx`);
      // Assess
      expect([pdf.status, repeated.status, english.status, jsonVi.status, unknown.status]).toEqual([400, 400, 400, 400, 404]);
      expect(((await pdf.json()) as { message: string }).message).toContain('format: must be json, csv, xlsx or text');
      expect(((await english.json()) as { message: string }).message).toContain('lang: must be vi');
      expect(((await jsonVi.json()) as { message: string }).message).toContain('JSON keeps its English keys');
    });
  });
});
