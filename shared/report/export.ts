// report export: which format a caller asked for, and the report rendered in it — the one
// place the CLI (`--format`, `--lang`), the report Lambda and the local HTTP API
// (`?format=`, `Accept:`, `?lang=`) share, so that all three give the same bytes.
import * as z from 'zod';
import type { Report } from '../domain/figures/report.js';
import { vietnameseDate } from '../domain/vietnamese.js';
import { LABELS_VI } from './labels-vi.js';
import { reportTable } from './table.js';
import { lazy } from '../lazy.js';

// The writers load with the first CSV or Excel export: a JSON report, the API's default, needs neither.
const csvWriter = lazy(() => import('./csv.js'));
const xlsxWriter = lazy(() => import('./xlsx.js'));

export const EXPORT_FORMATS = ['json', 'csv', 'xlsx', 'text'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The formats that are the report as a table. */
export type TableFormat = 'csv' | 'xlsx';

/** `--format` / `?format=`. `text` is the committee's paragraph in Vietnamese (docs/report.md#the-committees-text). */
export const ExportFormatSchema = z.enum(EXPORT_FORMATS, { error: 'must be json, csv, xlsx or text' });

/**
 * `--lang` / `?lang=`: the table in Vietnamese — labels in the header, levels by their
 * names, and the CSV and the sheet as a Vietnamese Excel reads them; English (the column
 * keys, the contract's values) is the default.
 */
export const ExportLangSchema = z.literal('vi', { error: 'must be vi (the default header is English)' });
export type ExportLang = z.infer<typeof ExportLangSchema>;

/** The media type of each format, as answered in `Content-Type` and matched in `Accept`. */
export const MEDIA_TYPES: Readonly<Record<ExportFormat, string>> = {
  json: 'application/json',
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  text: 'text/plain',
};

/**
 * The message when `lang` is asked of the JSON: its keys are the contract's (English),
 * read by programs, so a Vietnamese JSON would be a different interface.
 */
export const LANG_NEEDS_TABLE = 'lang=vi writes the csv and xlsx exports in Vietnamese; the JSON keeps its English keys';

/**
 * The format an `Accept` header prefers among ours: the acceptable media type with the
 * highest quality (the first on a tie); JSON when none of ours is named, for a missing
 * header, for wildcards (what a browser sends) and for types we do not serve.
 */
export function formatFromAccept(accept: string | undefined): ExportFormat {
  if (!accept) return 'json';
  const ranked = accept
    .split(',')
    .map((part, index) => {
      const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { type, quality: Number.isFinite(quality) ? quality : 0, index };
    })
    .filter((m) => m.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { type } of ranked) {
    const format = EXPORT_FORMATS.find((f) => MEDIA_TYPES[f] === type);
    if (format) return format;
  }
  return 'json';
}

/** The header row: the column keys, or their Vietnamese labels. */
export function headerRow(columns: readonly string[], lang: ExportLang | undefined): string[] {
  // A column without a label falls back to its key; test/unit/report-table sees that none does.
  return lang === 'vi' ? columns.map((c) => LABELS_VI[c] ?? c) : [...columns];
}

/** A rendered table export. */
export interface TableExport {
  /** `Content-Type`: the media type, with the charset for text. */
  contentType: string;
  body: Buffer;
  /** `ORG-YEAR.csv` / `.xlsx`, for `Content-Disposition`. */
  fileName: string;
}

/**
 * The title above the Vietnamese sheet: what it reports, of which org, for which year and
 * as of which day — `Báo cáo số liệu công tác đảng viên năm 2021 của Đảng bộ thành phố Hải
 * Phòng, tính đến ngày 31/12/2021`. The org's name is as registered, never a person's.
 */
export function sheetTitleVi(report: Pick<Report, 'name' | 'year' | 'asOf'>): string {
  return `Báo cáo số liệu công tác đảng viên năm ${report.year} của ${report.name}, tính đến ngày ${vietnameseDate(report.asOf)}`;
}

/** The report as a CSV or Excel table (JSON is the report itself and needs no rendering). */
export async function renderTableExport(report: Report, format: TableFormat, lang?: ExportLang): Promise<TableExport> {
  const table = reportTable(report, lang);
  const header = headerRow(table.columns, lang);
  const fileName = `${report.orgId}-${report.year}.${format}`;
  if (format === 'csv') {
    const { tableCsv } = await csvWriter();
    return { contentType: `${MEDIA_TYPES.csv}; charset=utf-8`, body: tableCsv(header, table.rows, lang), fileName };
  }
  const { tableXlsx } = await xlsxWriter();
  const sheet = lang === 'vi' ? { sheetName: 'Báo cáo', title: sheetTitleVi(report), lang } : { sheetName: 'report' };
  return { contentType: MEDIA_TYPES.xlsx, body: await tableXlsx(header, table.rows, sheet), fileName };
}
