// report export: the table as an Excel workbook of one sheet (write-excel-file: pure
// JavaScript, no temporary files), re-packed so that the same table is the same bytes.
import { unzipSync, zipSync } from 'fflate';
import writeXlsxFile, { type Row } from 'write-excel-file/node';
import type { TableCell, TableLang } from './table.js';

/**
 * The time stamped on every file inside the workbook (an .xlsx is a zip). write-excel-file
 * stamps the current time, so two exports of one report would differ in a few bytes; with
 * a fixed one the CLI, the Lambda and the local API give byte-identical files, and a file
 * can be checked against another by its hash. 1980-01-01 is the zip format's earliest date.
 */
const ZIP_ENTRY_TIME = new Date(1980, 0, 1);

/**
 * How a date cell shows: as dates are written in Vietnam, or as the JSON writes them.
 * The cell holds the date itself (Excel sorts and filters it as one); only its look differs.
 */
const DATE_FORMATS = { vi: 'dd/mm/yyyy', contract: 'yyyy-mm-dd' } as const;

/** The same zip with every entry stamped ZIP_ENTRY_TIME (entries and their order unchanged). */
function reproducible(zip: Buffer): Buffer {
  return Buffer.from(zipSync(unzipSync(zip), { mtime: ZIP_ENTRY_TIME }));
}

export interface SheetOptions {
  sheetName: string;
  /** A title above the table, on a row of its own (the Vietnamese sheet's `Báo cáo số liệu … tính đến ngày …`). */
  title?: string;
  lang?: TableLang;
}

/**
 * The header and rows as the bytes of an .xlsx file: numbers as number cells (Excel sums
 * them, and shows them with the machine's decimal mark), dates as date cells, text as text
 * cells (never a formula), null as an empty cell; the title, when there is one, and the
 * header row bold and frozen, so they stay in view when scrolling a province's children.
 */
export async function tableXlsx(header: readonly string[], rows: readonly TableCell[][], options: SheetOptions): Promise<Buffer> {
  const dateFormat = options.lang === 'vi' ? DATE_FORMATS.vi : DATE_FORMATS.contract;
  const title: Row[] = options.title === undefined ? [] : [[{ value: options.title, type: String, fontWeight: 'bold' as const }]];
  const data: Row[] = [
    ...title,
    header.map((value) => ({ value, type: String, fontWeight: 'bold' as const })),
    ...rows.map((row) =>
      row.map((value) => {
        if (value === null) return null;
        if (typeof value === 'number') return { value, type: Number };
        if (typeof value === 'string') return { value, type: String };
        return { value: new Date(`${value.date}T00:00:00Z`), type: Date, format: dateFormat };
      }),
    ),
  ];
  const sheet = writeXlsxFile(data, { sheet: options.sheetName, stickyRowsCount: title.length + 1 });
  return reproducible(await sheet.toBuffer());
}
