// Checks an exported table (CSV or Excel, read back) against the report JSON it came
// from, cell by cell, walking the JSON itself rather than trusting the table module.
import { parse } from 'csv-parse/sync';
import readXlsxFile from 'read-excel-file/node';
import { expect } from 'vitest';
import type { Report } from '../../shared/domain/figures/report.js';

/** The value at `path` (`dossiers.byStep.received`) in `source`, undefined when absent. */
export function jsonAt(source: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), source);
}

/** The CSV's records, the byte order mark checked and dropped. */
export function readCsv(bytes: Buffer): string[][] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return parse(bytes.subarray(3).toString('utf8'), { relax_column_count: false }) as string[][];
}

/** The first sheet of an .xlsx file, as read-excel-file gives it (numbers as numbers, empty as null). */
export async function readXlsx(bytes: Buffer): Promise<{ sheet: string; rows: unknown[][] }> {
  const [first] = await readXlsxFile(bytes);
  return { sheet: first!.sheet, rows: first!.data as unknown[][] };
}

/**
 * Every data cell equals the JSON value at its column's dotted path (`columns` are the
 * English header): row 0 is the org, row i the child i − 1. A number in the JSON is the
 * same number in the table (as text in a CSV); null or absent is an empty cell.
 */
export function expectCellsAreTheJson(rows: unknown[][], columns: readonly string[], report: Report, kind: 'csv' | 'xlsx'): void {
  const sources = [report, ...report.children];
  expect(rows).toHaveLength(sources.length);
  let numbers = 0;
  sources.forEach((source, r) => {
    expect(rows[r]).toHaveLength(columns.length);
    columns.forEach((column, c) => {
      const want = jsonAt(source, column);
      const cell = rows[r]![c];
      if (typeof want === 'number') {
        numbers++;
        expect(cell, `${source.orgId} ${column}`).toEqual(kind === 'csv' ? String(want) : want);
      } else if (want === null || want === undefined) {
        expect(cell, `${source.orgId} ${column}`).toEqual(kind === 'csv' ? '' : null);
      } else {
        expect(cell, `${source.orgId} ${column}`).toEqual(want);
      }
    });
  });
  // Not vacuous: the org's row alone has every figure.
  expect(numbers).toBeGreaterThan(40);
}
