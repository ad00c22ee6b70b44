// report export: the table as an Excel workbook of one sheet (write-excel-file: pure
// JavaScript, no temporary files), re-packed so that the same table is the same bytes.
import { unzipSync, zipSync } from 'fflate';
import writeXlsxFile, { type Row } from 'write-excel-file/node';
import type { TableCell } from './table.js';

/**
 * The time stamped on every file inside the workbook (an .xlsx is a zip). write-excel-file
 * stamps the current time, so two exports of one report would differ in a few bytes; with
 * a fixed one the CLI, the Lambda and the local API give byte-identical files, and a file
 * can be checked against another by its hash. 1980-01-01 is the zip format's earliest date.
 */
const ZIP_ENTRY_TIME = new Date(1980, 0, 1);

/** The same zip with every entry stamped ZIP_ENTRY_TIME (entries and their order unchanged). */
function reproducible(zip: Buffer): Buffer {
  return Buffer.from(zipSync(unzipSync(zip), { mtime: ZIP_ENTRY_TIME }));
}

/**
 * The header and rows as the bytes of an .xlsx file: numbers as number cells (Excel sums
 * them), text as text cells (never a formula), null as an empty cell; the header row bold
 * and frozen, so it stays in view when scrolling a province's children.
 */
export async function tableXlsx(header: readonly string[], rows: readonly TableCell[][], sheetName: string): Promise<Buffer> {
  const data: Row[] = [
    header.map((value) => ({ value, type: String, fontWeight: 'bold' as const })),
    ...rows.map((row) =>
      row.map((value) => {
        if (value === null) return null;
        return typeof value === 'number' ? { value, type: Number } : { value, type: String };
      }),
    ),
  ];
  return reproducible(await writeXlsxFile(data, { sheet: sheetName, stickyRowsCount: 1 }).toBuffer());
}
