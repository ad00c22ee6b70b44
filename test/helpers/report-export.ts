// Checks an exported table (CSV or Excel, read back) against the report JSON it came
// from, cell by cell, walking the JSON itself rather than trusting the table module.
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { expect } from 'vitest';
import type { Report } from '../../shared/domain/figures/report.js';
import type { OrgLevel } from '../../shared/domain/records.js';

/**
 * The level names a Vietnamese reader must see (the Party's own, in the tree's order),
 * written out here rather than imported from the code under test, so that a wrong name fails.
 */
export const LEVELS_VI: Readonly<Record<OrgLevel, string>> = {
  province: 'Đảng bộ tỉnh/thành phố',
  'upper-grassroots': 'Đảng bộ cấp trên cơ sở',
  'grassroots-committee': 'Đảng bộ cơ sở',
  'sub-committee': 'Đảng bộ bộ phận',
  'grassroots-cell': 'Chi bộ cơ sở',
  cell: 'Chi bộ trực thuộc',
};

/** The value at `path` (`dossiers.byStep.received`) in `source`, undefined when absent. */
export function jsonAt(source: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), source);
}

/** The CSV's records, the byte order mark checked and dropped; `;` between fields for a Vietnamese CSV. */
export function readCsv(bytes: Buffer, delimiter: ',' | ';' = ','): string[][] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(bytes.subarray(3).toString('utf8'), { delimiter, relax_column_count: false }) as string[][];
}

/** The first sheet of an .xlsx file, as read-excel-file gives it (numbers as numbers, dates as Dates, empty as null). */
export async function readXlsx(bytes: Buffer): Promise<{ sheet: string; rows: unknown[][] }> {
  const [first] = await readXlsxFile(bytes);
  return { sheet: first!.sheet, rows: first!.data as unknown[][] };
}

/** What was exported, and so how a JSON value must read back. */
export interface ExportKind {
  format: 'csv' | 'xlsx';
  lang?: 'vi';
}

/** A number as the CSV writes it: `41.7`, or `41,7` (no grouping) in a Vietnamese one. */
function csvNumber(n: number, lang: 'vi' | undefined): string {
  return lang === 'vi' ? String(n).replace('.', ',') : String(n);
}

/** How `want`, the JSON's value for `column`, reads back from an export of `kind`; a number also counts itself. */
function expectedCell(column: string, want: unknown, { format, lang }: ExportKind): unknown {
  if (column === 'asOf') {
    if (format === 'xlsx') return new Date(`${want}T00:00:00Z`);
    const [y, m, d] = String(want).split('-');
    return lang === 'vi' ? `${d}/${m}/${y}` : want;
  }
  if (column === 'level' && lang === 'vi') return LEVELS_VI[want as OrgLevel];
  if (typeof want === 'number') return format === 'csv' ? csvNumber(want, lang) : want;
  if (want === null || want === undefined) return format === 'csv' ? '' : null;
  return want;
}

/**
 * Every data cell equals the JSON value at its column's dotted path (`columns` are the
 * English header): row 0 is the org, row i the child i − 1; `asOf` and `year` are the
 * report's own on every row. A number in the JSON is the same number in the table (as text
 * in a CSV, with a decimal comma in a Vietnamese one); null or absent is an empty cell; a
 * Vietnamese table names the levels; `asOf` is a date cell in a sheet, `dd/mm/yyyy` in a
 * Vietnamese CSV.
 */
export function expectCellsAreTheJson(
  rows: unknown[][],
  columns: readonly string[],
  report: Report,
  kind: ExportKind | 'csv' | 'xlsx',
): void {
  const exported = typeof kind === 'string' ? { format: kind } : kind;
  const sources = [report, ...report.children];
  expect(rows).toHaveLength(sources.length);
  let numbers = 0;
  sources.forEach((source, r) => {
    expect(rows[r]).toHaveLength(columns.length);
    columns.forEach((column, c) => {
      const want = column === 'asOf' || column === 'year' ? jsonAt(report, column) : jsonAt(source, column);
      if (typeof want === 'number') numbers++;
      expect(rows[r]![c], `${source.orgId} ${column}`).toEqual(expectedCell(column, want, exported));
    });
  });
  // Not vacuous: the org's row alone has every figure.
  expect(numbers).toBeGreaterThan(40);
}
