// report export: the table as CSV (RFC 4180: `,`, fields quoted by csv-stringify when they
// hold a comma or a quote, CRLF between records), UTF-8 with a byte order mark.
import { stringify } from 'csv-stringify/sync';
import type { TableCell } from './table.js';

/**
 * Excel reads a CSV without a byte order mark in the machine's ANSI code page
 * (Windows-1258 on a Vietnamese Windows), which garbles every diacritic (`Đảng` → `Ä�áº£ng`);
 * with the UTF-8 BOM (EF BB BF) it reads UTF-8. Programs that read CSV properly skip it.
 */
const UTF8_BOM = true;

/**
 * Text that Excel and LibreOffice would run as a formula when the file is opened
 * (`=HYPERLINK(…)`, `+`, `-`, `@`, or a tab or carriage return before one): org names
 * come from upstream systems, so such a cell gets a leading `'` (OWASP, "CSV Injection").
 * Numbers are numbers and never touched; the Excel export writes text as text and needs
 * none of this.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** The header and rows as CSV bytes: empty cells for null, numbers as JavaScript prints them (`41.7`). */
export function tableCsv(header: readonly string[], rows: readonly TableCell[][]): Buffer {
  const text = stringify([header, ...rows], {
    bom: UTF8_BOM,
    record_delimiter: 'windows',
    cast: { string: (value) => (FORMULA_START.test(value) ? `'${value}` : value) },
  });
  return Buffer.from(text, 'utf8');
}
