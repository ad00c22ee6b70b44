// The report as a table (docs/report.md#exports-csv-and-excel): columns from the JSON, children rows,
// empty cells, the Vietnamese header, and the CSV and Excel bytes read back.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { OrgTree, renderReport, type FiguresAt, type Report } from '../../shared/domain/figures/index.js';
import type { OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import { tableCsv } from '../../shared/report/csv.js';
import { formatFromAccept, headerRow, MEDIA_TYPES, renderTableExport } from '../../shared/report/export.js';
import { LABELS_VI } from '../../shared/report/labels-vi.js';
import { reportTable } from '../../shared/report/table.js';
import { expectCellsAreTheJson, jsonAt, LEVELS_VI, readCsv, readXlsx } from '../helpers/report-export.js';

function org(orgId: string, parentId: string | null, level: OrgLevel, extra: Partial<OrgRecord> = {}): OrgRecord {
  return { version: 1, orgId, parentId, name: `Đảng bộ ${orgId}`, level, status: 'active', targets: {}, ...extra };
}

/** Gives every number of the report (children included) a distinct value, so a column out of place shows. */
function distinctNumbers(value: unknown, next = { n: 1 }): void {
  if (value === null || typeof value !== 'object') return;
  for (const [key, v] of Object.entries(value)) {
    if (key === 'year') continue; // the report's parameter, not a figure
    if (typeof v === 'number') (value as Record<string, unknown>)[key] = next.n++ + (next.n % 3 === 0 ? 0.5 : 0);
    else distinctNumbers(v, next);
  }
}

/** A real report (renderReport) for HP with two children, HB with a target and LC without. */
function report(opts: { hpTarget?: number } = {}): Report {
  const orgs = [
    org('HP', null, 'province', {
      targets: opts.hpTarget === undefined ? {} : { '2026': opts.hpTarget },
      // Every plan, so that every column of the JSON holds a number.
      plans: [
        { kind: 'assigned', term: false, fromYear: 2026, toYear: 2026, admissions: 20, privateSector: 3, student: 2 },
        { kind: 'own', term: true, fromYear: 2025, toYear: 2030, admissions: 100 },
        { kind: 'assigned', term: true, fromYear: 2025, toYear: 2030, admissions: 120 },
      ],
    }),
    org('HB', 'HP', 'upper-grassroots', { targets: { '2026': 8 } }),
    org('LC', 'HP', 'upper-grassroots'),
  ];
  const tree = new OrgTree(orgs);
  // Two dossiers closed, so that every figure of the JSON is a number (none closed: a null median, an empty cell).
  const figures: FiguresAt = {
    state: {},
    yearly: { 'admissions.total': 4, 'dossiers.closedInYear': 2, 'dossiers.daysToClose#41': 1, 'dossiers.daysToClose#42': 1 },
    dueSoon: 0,
  };
  return renderReport({
    org: orgs[0]!,
    tree,
    figures,
    children: orgs.slice(1).map((o) => ({ org: o, figures: { state: {}, yearly: {}, dueSoon: 0 } })),
    termAdmitted: 9,
    year: 2026,
    date: '2026-11-23',
  });
}

describe('reportTable', () => {
  it('has orgId, name, level, asOf, year, then every number of the JSON by dotted path in the JSON’s order', () => {
    // Prepare
    const r = report({ hpTarget: 12 });
    // Act
    const { columns } = reportTable(r);
    // Assess
    expect(columns.slice(0, 6)).toEqual(['orgId', 'name', 'level', 'asOf', 'year', 'organizations.grassroots']);
    expect(columns.at(-1)).toBe('badges.awarded');
    expect(columns).toContain('dossiers.byStep.reviewed');
    expect(columns.indexOf('admissions.achievementPct')).toBe(columns.indexOf('admissions.target') + 1);
    // children are not a column, nor twice asOf or year; every other leaf of the JSON is one
    expect(columns.filter((c) => c === 'asOf' || c === 'year' || c.startsWith('children'))).toEqual(['asOf', 'year']);
    // a number each (two dossiers closed: the median is one), but a share of no member: null, still a column
    const shares = ['members.recordsFiledPct'];
    for (const column of columns.slice(4).filter((c) => !shares.includes(c))) expect(typeof jsonAt(r, column), column).toBe('number');
    expect(columns).toContain('dossiers.medianDaysToClose');
    for (const share of shares) {
      expect(columns).toContain(share);
      expect(jsonAt(r, share), share).toBeNull();
    }
  });

  it('follows the JSON’s key order, not a list of its own', () => {
    // Prepare: the same report with its sections and one section's keys in another order
    const { badges, members, ...rest } = report();
    const { female, total, ...otherMembers } = members;
    const reordered = { badges, ...rest, members: { female, ...otherMembers, total } } as unknown as Report;
    // Act
    const { columns } = reportTable(reordered);
    // Assess
    const figures = columns.slice(5);
    expect(figures.indexOf('badges.awarded')).toBeLessThan(figures.indexOf('organizations.grassroots'));
    expect(figures.at(-1)).toBe('members.total');
    expect(figures.filter((c) => c.startsWith('members.'))[0]).toBe('members.female');
  });

  it('gives a row for the org and one per child; a child’s cells for sections it does not carry are empty, not zero', () => {
    // Prepare
    const r = report({ hpTarget: 12 });
    distinctNumbers(r);
    // Act
    const { columns, rows } = reportTable(r);
    // Assess: every row says what day and year it is as of
    expect(rows.map((row) => row.slice(0, 5))).toEqual([
      ['HP', 'Đảng bộ HP', 'province', { date: '2026-11-23' }, 2026],
      ['HB', 'Đảng bộ HB', 'upper-grassroots', { date: '2026-11-23' }, 2026],
      ['LC', 'Đảng bộ LC', 'upper-grassroots', { date: '2026-11-23' }, 2026],
    ]);
    const hb = rows[1]!;
    const at = (column: string) => hb[columns.indexOf(column)];
    expect(at('members.total')).toBe(r.children[0]!.members.total);
    expect(at('admissions.target')).toBe(r.children[0]!.admissions.target);
    expect(at('organizations.grassroots')).toBeNull();
    expect(at('dossiers.byStep.received')).toBeNull();
    expect(at('badges.awarded')).toBeNull();
    // every cell of every row is the JSON's value at its path
    for (const [i, row] of rows.entries()) {
      const source = i === 0 ? r : r.children[i - 1]!;
      for (const [c, column] of columns.entries()) if (c >= 5) expect(row[c], column).toBe(jsonAt(source, column) ?? null);
    }
  });

  it('leaves target and achievementPct empty when there is no target, and gives both when there is', () => {
    // Prepare
    const without = reportTable(report());
    const withTarget = reportTable(report({ hpTarget: 12 }));
    const cell = (t: typeof without, row: number, column: string) => t.rows[row]![t.columns.indexOf(column)];
    // Assess
    expect(cell(without, 0, 'admissions.target')).toBeNull();
    expect(cell(without, 0, 'admissions.achievementPct')).toBeNull();
    expect(cell(without, 2, 'admissions.target')).toBeNull(); // LC: no target either
    expect(cell(withTarget, 0, 'admissions.target')).toBe(12);
    expect(cell(withTarget, 0, 'admissions.achievementPct')).toBe(33.3); // 4 of 12
    expect(cell(withTarget, 1, 'admissions.target')).toBe(8); // HB's own target
  });
});

describe('the columns do not depend on the data', () => {
  it('gives the term and sub-target columns, empty, for an org that has no term and no sub-target', () => {
    // Prepare: the children have no plan at all; HP has them all
    const r = report({ hpTarget: 12 });
    // Act
    const { columns, rows } = reportTable(r);
    // Assess
    expect(r.children[0]!.term).toBeNull();
    expect(r.children[0]!.admissions.subTargets).toEqual({});
    for (const column of ['term.admitted', 'admissions.subTargets.student.target', 'admissions.sharesPct.female']) {
      expect(columns, column).toContain(column);
      expect(rows[1]![columns.indexOf(column)], column).toBeNull();
    }
    expect(rows[0]![columns.indexOf('term.admitted')]).toBe(9);
    const noPlans = reportTable({ ...r, term: null, admissions: { ...r.admissions, subTargets: {} } });
    expect(noPlans.columns).toEqual(columns);
  });
});

describe('the Vietnamese header', () => {
  it('has a label for every column, none left over, no two alike', () => {
    // Prepare
    const { columns } = reportTable(report({ hpTarget: 12 }));
    // Act
    const header = headerRow(columns, 'vi');
    // Assess
    for (const column of columns) expect(LABELS_VI[column], column).toBeTruthy();
    expect(Object.keys(LABELS_VI).sort()).toEqual([...columns].sort());
    const folded = header.map((h) => h.normalize('NFC').toLocaleLowerCase('vi'));
    expect(new Set(folded).size).toBe(header.length);
    expect(header[columns.indexOf('members.total')]).toBe('Tổng số đảng viên');
    for (const label of header) expect(label, label).toBe(label.normalize('NFC'));
  });

  it('names the levels in Vietnamese with --lang vi, never as their keys, and leaves every other cell as it is', () => {
    // Prepare: a province with a child of every other level
    const levels = ['upper-grassroots', 'grassroots-committee', 'sub-committee', 'grassroots-cell', 'cell'] as const;
    const r = report();
    r.children = levels.map((level, i) => ({ ...r.children[0]!, orgId: `K${i}`, level }));
    // Act
    const vi = reportTable(r, 'vi');
    const en = reportTable(r);
    // Assess
    expect(vi.rows.map((row) => row[2])).toEqual(Object.values(LEVELS_VI));
    expect(vi.rows.map((row) => row.toSpliced(2, 1))).toEqual(en.rows.map((row) => row.toSpliced(2, 1)));
    expect(vi.columns).toEqual(en.columns);
  });

  it('leaves the English header as the column keys', () => {
    const { columns } = reportTable(report());
    expect(headerRow(columns, undefined)).toEqual(columns);
  });
});

describe('the CSV', () => {
  it('starts with a UTF-8 byte order mark, quotes what needs it and reads back to the JSON’s numbers', async () => {
    // Prepare: a name with a comma and quotes, distinct numbers, LC without a target
    const r = report({ hpTarget: 12 });
    r.name = 'Đảng bộ "thành phố", Hải Phòng';
    distinctNumbers(r);
    r.children[1]!.admissions.target = null;
    r.children[1]!.admissions.achievementPct = null;
    // Act
    const { body, contentType, fileName } = await renderTableExport(r, 'csv');
    // Assess
    expect(contentType).toBe('text/csv; charset=utf-8');
    expect(fileName).toBe('HP-2026.csv');
    const [header, ...rows] = readCsv(body);
    expect(header).toEqual(reportTable(r).columns);
    expect(rows[0]![1]).toBe('Đảng bộ "thành phố", Hải Phòng');
    expectCellsAreTheJson(rows, header!, r, 'csv');
    expect(body.toString('utf8')).toContain('\r\n');
  });

  it('keeps a name that Excel would run as a formula from being one', () => {
    // Prepare
    const rows = [['=HYPERLINK("http://evil/")', '+1', '-2+3', '@SUM(A1)', 'Chi bộ 1', 5]];
    // Act
    const [, parsed] = readCsv(tableCsv(['a', 'b', 'c', 'd', 'e', 'f'], rows));
    // Assess
    expect(parsed).toEqual(['\'=HYPERLINK("http://evil/")', "'+1", "'-2+3", "'@SUM(A1)", 'Chi bộ 1', '5']);
  });

  it('gives back any name and any numbers, whatever characters they hold (property)', () => {
    fc.assert(
      fc.property(
        // Well-formed text only: a name with an unpaired surrogate is refused at the schema (docs/events.md)
        fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/\p{Cs}/u.test(s)),
        fc.array(fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }), { minLength: 1, maxLength: 5 }),
        (name, numbers) => {
          // Act
          const [, row] = readCsv(tableCsv(['name', ...numbers.map((_, i) => `n${i}`)], [[name, ...numbers]]));
          // Assess: the name (a leading ' when it would be a formula), each number exactly, null empty
          expect(row![0]).toBe(/^[=+\-@\t\r]/.test(name) ? `'${name}` : name);
          for (const [i, n] of numbers.entries()) {
            if (n === null) expect(row![i + 1]).toBe('');
            else expect(Object.is(Number(row![i + 1]), n) || (n === 0 && Number(row![i + 1]) === 0)).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 20261202 },
    );
  });

  it('is written for a Vietnamese Excel with --lang vi: `;`, decimal commas, dd/mm/yyyy, levels by name, the numbers the JSON’s', async () => {
    // Prepare: fractional figures, and a name holding both separators
    const r = report({ hpTarget: 12 });
    r.name = 'Đảng bộ thành phố Hải Phòng; khóa XVI, nhiệm kỳ 2020–2025';
    distinctNumbers(r);
    // Act
    const { body } = await renderTableExport(r, 'csv', 'vi');
    const [header, ...rows] = readCsv(body, ';');
    // Assess
    expect(header).toEqual(headerRow(reportTable(r).columns, 'vi'));
    expectCellsAreTheJson(rows, reportTable(r).columns, r, { format: 'csv', lang: 'vi' });
    expect(rows[0]!.slice(0, 5)).toEqual(['HP', r.name, 'Đảng bộ tỉnh/thành phố', '23/11/2026', '2026']);
    const text = body.toString('utf8');
    expect(text.split('\r\n')[1]).toMatch(
      /^HP;"Đảng bộ thành phố Hải Phòng; khóa XVI, nhiệm kỳ 2020–2025";Đảng bộ tỉnh\/thành phố;23\/11\/2026;2026;/,
    );
    // A number with decimals is written 41,7: never with a point, which a Vietnamese Excel reads as text
    const figures = rows.flatMap((row) => row.slice(5)).filter((cell) => cell !== '');
    expect(figures.some((cell) => cell.includes(','))).toBe(true);
    for (const cell of figures) expect(cell).toMatch(/^-?\d+(,\d+)?$/);
  });

  it('gives back any name and any numbers in the Vietnamese dialect too (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !/\p{Cs}/u.test(s)),
        fc.array(fc.option(fc.double({ noNaN: true, noDefaultInfinity: true }), { nil: null }), { minLength: 1, maxLength: 5 }),
        (name, numbers) => {
          // Act
          const [, row] = readCsv(tableCsv(['name', ...numbers.map((_, i) => `n${i}`)], [[name, ...numbers]], 'vi'), ';');
          // Assess
          expect(row![0]).toBe(/^[=+\-@\t\r]/.test(name) ? `'${name}` : name);
          for (const [i, n] of numbers.entries()) {
            if (n === null) expect(row![i + 1]).toBe('');
            else {
              expect(row![i + 1]).toMatch(/^-?\d+(,\d+)?$/);
              expect(Number(row![i + 1]!.replace(',', '.'))).toBe(n === 0 ? 0 : n);
            }
          }
        },
      ),
      { numRuns: 300, seed: 20261206 },
    );
  });

  it('stays RFC 4180 without --lang: `,` between fields, `.` before decimals, ISO dates', async () => {
    // Prepare
    const r = report({ hpTarget: 7 });
    distinctNumbers(r);
    // Act
    const text = (await renderTableExport(r, 'csv')).body.toString('utf8');
    // Assess
    expect(text.split('\r\n')[1]).toMatch(/^HP,Đảng bộ HP,province,2026-11-23,2026,\d+(\.5)?,/);
    expect(text).toMatch(/,\d+\.5,/);
    expect(text).not.toContain(';');
  });
});

describe('the Excel sheet', () => {
  it('reads back (read-excel-file) to the same table under its title, numbers as numbers, the date a date, empty cells empty', async () => {
    // Prepare
    const r = report();
    r.name = 'Đảng bộ thành phố Hải Phòng';
    distinctNumbers(r);
    r.admissions.target = null;
    r.admissions.achievementPct = null;
    // Act
    const { body, contentType, fileName } = await renderTableExport(r, 'xlsx', 'vi');
    const { sheet, rows } = await readXlsx(body);
    // Assess
    expect(contentType).toBe(MEDIA_TYPES.xlsx);
    expect(fileName).toBe('HP-2026.xlsx');
    expect(sheet).toBe('Báo cáo');
    const [title, header, ...data] = rows;
    expect(title!.filter((cell) => cell !== null)).toEqual([
      'Báo cáo số liệu công tác đảng viên năm 2026 của Đảng bộ thành phố Hải Phòng, tính đến ngày 23/11/2026',
    ]);
    expect(header).toEqual(headerRow(reportTable(r).columns, 'vi'));
    expectCellsAreTheJson(data, reportTable(r).columns, r, { format: 'xlsx', lang: 'vi' });
  });

  it('has no title without --lang vi: the header is the first row, for programs', async () => {
    // Prepare
    const r = report({ hpTarget: 3 });
    distinctNumbers(r);
    // Act
    const { sheet, rows } = await readXlsx((await renderTableExport(r, 'xlsx')).body);
    // Assess
    expect(sheet).toBe('report');
    const [header, ...data] = rows;
    expect(header).toEqual(reportTable(r).columns);
    expectCellsAreTheJson(data, reportTable(r).columns, r, 'xlsx');
  });

  it('is the same bytes for the same report, whenever it is made', async () => {
    // Prepare
    const r = report({ hpTarget: 3 });
    const first = await renderTableExport(r, 'xlsx');
    // Act: past the zip format's two-second clock
    vi.useFakeTimers({ now: Date.now() + 3_600_000, toFake: ['Date'] });
    const later = await renderTableExport(r, 'xlsx').finally(() => vi.useRealTimers());
    // Assess
    expect(later.body.equals(first.body)).toBe(true);
  });
});

describe('formatFromAccept', () => {
  it.each([
    [undefined, 'json'],
    ['', 'json'],
    ['text/csv', 'csv'],
    ['TEXT/CSV; charset=utf-8', 'csv'],
    [MEDIA_TYPES.xlsx, 'xlsx'],
    ['text/html,application/xhtml+xml,*/*;q=0.8', 'json'],
    ['application/json;q=0.5, text/csv', 'csv'],
    [`text/csv;q=0.4, ${MEDIA_TYPES.xlsx};q=0.9`, 'xlsx'],
    ['text/csv;q=0, application/json', 'json'],
    ['text/csv;q=abc', 'json'],
    ['image/png', 'json'],
  ])('%j → %s', (accept, format) => {
    expect(formatFromAccept(accept)).toBe(format);
  });
});
