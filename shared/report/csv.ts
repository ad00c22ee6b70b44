// report export: the table as CSV, UTF-8 with a byte order mark, CRLF between records,
// fields quoted by csv-stringify when they hold the delimiter, a quote or a line break.
// Two dialects: RFC 4180 (`,` between fields, `.` before decimals, ISO dates), read by
// programs and by Excel outside Vietnam; and, with `--lang vi`, the CSV that Excel on a
// Vietnamese Windows opens by double-click (its list separator is `;` and its decimal
// mark `,`, so `41,7` is a number there and `41.7` is text; dates `dd/mm/yyyy`).
import { stringify } from 'csv-stringify/sync';
import { vietnameseDate, vietnameseDecimal } from '../domain/vietnamese.js';
import type { TableCell, TableLang } from './table.js';

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

/** How each dialect writes what is not plain text. */
const DIALECTS = {
  contract: { delimiter: ',', number: (n: number) => String(n), date: (d: string) => d },
  vi: { delimiter: ';', number: vietnameseDecimal, date: vietnameseDate },
} as const;

/**
 * The header and rows as CSV bytes: empty cells for null; numbers as JavaScript prints
 * them (`41.7`) or, with `lang` `vi`, with a decimal comma (`41,7`); every digit kept.
 */
export function tableCsv(header: readonly string[], rows: readonly TableCell[][], lang?: TableLang): Buffer {
  const dialect = lang === 'vi' ? DIALECTS.vi : DIALECTS.contract;
  const records = rows.map((row) => row.map((cell) => (cell !== null && typeof cell === 'object' ? dialect.date(cell.date) : cell)));
  const text = stringify([header, ...records], {
    bom: UTF8_BOM,
    delimiter: dialect.delimiter,
    record_delimiter: 'windows',
    cast: {
      string: (value) => (FORMULA_START.test(value) ? `'${value}` : value),
      number: dialect.number,
    },
  });
  return Buffer.from(text, 'utf8');
}
