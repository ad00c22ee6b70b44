// import: a legacy member export (CSV) → `member.imported` envelopes. Pure: no AWS,
// no file system; the use case (use-cases/import-members) decides and writes them.
//
// The file: strict UTF-8 (text-encoding.ts), RFC 4180 quoting (csv-parse), `,` or `;`
// between fields (Excel on a Vietnamese Windows writes `;`: the header line tells
// which), a header row naming the columns in English or Vietnamese, one row per member,
// its values as the contract writes them or as a Vietnamese member database does
// (member-values.ts). Every line number is the file's own (the header is line 1; a row
// with a quoted line break is named by the line it starts on). Rows hold personal data:
// no message made here ever quotes a value from a row — column names only.
import { createHash } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import {
  fold,
  highestEducation,
  readDate,
  readEducation,
  readOccupation,
  readQualification,
  readReligion,
  readSex,
  readStatus,
  readYouthUnion,
  type Read,
} from './member-values.js';
import { decodeUtf8, NotUtf8Error } from './text-encoding.js';

/**
 * The columns of the legacy export, in the order `dangvien import` documents them.
 * The header row names them (any order); the optional ones may be left out. Values are
 * the contract's or their Vietnamese names (member-values.ts).
 *
 * | column | rule |
 * |---|---|
 * | memberId | the member's id (số thẻ đảng viên): 1–128 of `A-Z a-z 0-9 . _ : -` |
 * | cellId | the cell (chi bộ) whose rolls hold the member: a registered, active `cell` or `grassroots-cell` |
 * | status | `official` or `probationary` (`Chính thức`, `Dự bị`) |
 * | admittedOn | the admission decision: dd/mm/yyyy or YYYY-MM-DD |
 * | recognizedOn | the same, required for `official`, empty for `probationary`; not before admittedOn |
 * | fullName | optional, ≤ 200 characters (NFC or NFD; stored NFC) |
 * | sex | `female` or `male` (`Nữ`, `Nam`) |
 * | birthDate | dd/mm/yyyy or YYYY-MM-DD |
 * | ethnicity | e.g. `Kinh`, `Tày`, `Mường` |
 * | religion | optional; empty or `Không` means none |
 * | education | general education: `lower-secondary` … `postgraduate`, or its Vietnamese name (`Trung học phổ thông`, `12/12`…) |
 * | qualification | optional: professional education (`Trung cấp`, `Đại học`, `Thạc sĩ`…); the member's education is the higher of the two |
 * | occupation | `student`, `private-enterprise`, `enterprise-owner`, `state-sector`, `armed-forces`, `farmer`, `contract-freelance`, `retired`, `other`, or its Vietnamese name |
 * | youthUnion | đoàn viên at admission: `true`/`false`, `1`/`0`, `Có`/`Không`, `x`/empty |
 *
 * A file needs `education` or `qualification` (or both); a column `STT` (the row's
 * number, in nearly every Vietnamese export) is read and left aside.
 */
export const MEMBER_CSV_COLUMNS = [
  'memberId',
  'cellId',
  'status',
  'admittedOn',
  'recognizedOn',
  'fullName',
  'sex',
  'birthDate',
  'ethnicity',
  'religion',
  'education',
  'qualification',
  'occupation',
  'youthUnion',
] as const;

export type MemberCsvColumn = (typeof MEMBER_CSV_COLUMNS)[number];

/**
 * The Vietnamese names a header may use for each column. Matched without regard to case,
 * diacritics, NFC/NFD or spacing, so `HỌ VÀ TÊN`, `Ho va ten` and `họ  và tên` all name
 * `fullName` (see {@link columnKey}). docs/import.md documents this table.
 */
export const MEMBER_CSV_ALIASES: Readonly<Record<MemberCsvColumn, readonly string[]>> = {
  memberId: ['Số thẻ đảng viên', 'Mã đảng viên'],
  cellId: ['Chi bộ', 'Mã chi bộ'],
  status: ['Trạng thái'],
  admittedOn: ['Ngày vào Đảng', 'Ngày kết nạp'],
  recognizedOn: ['Ngày chính thức', 'Ngày công nhận chính thức'],
  fullName: ['Họ và tên', 'Họ tên'],
  sex: ['Giới tính'],
  birthDate: ['Ngày sinh'],
  ethnicity: ['Dân tộc'],
  religion: ['Tôn giáo'],
  education: ['Trình độ học vấn', 'Học vấn', 'Giáo dục phổ thông', 'Trình độ giáo dục phổ thông', 'Trình độ GDPT'],
  qualification: ['Trình độ chuyên môn', 'Trình độ chuyên môn nghiệp vụ', 'Chuyên môn nghiệp vụ', 'Chuyên môn'],
  occupation: ['Nghề nghiệp'],
  youthUnion: ['Đoàn viên'],
};

/** Header names of a column that numbers the rows (số thứ tự): read and left aside. */
export const ROW_NUMBER_COLUMNS: readonly string[] = ['STT', 'Số TT', 'Số thứ tự', 'TT'];

const OPTIONAL_COLUMNS: ReadonlySet<MemberCsvColumn> = new Set(['recognizedOn', 'fullName', 'religion', 'education', 'qualification']);

/** The source of the `member.imported` events an import stands for. */
export const IMPORT_SOURCE = 'legacy-import';

/** Why a file as a whole cannot be imported: branch on it, the message is for people. */
export type ImportFileProblem = 'encoding' | 'quoting' | 'header' | 'empty';

/** A file that cannot be imported at all: not UTF-8, a broken quote, no header, unknown or missing columns. */
export class ImportFileError extends Error {
  constructor(
    readonly problem: ImportFileProblem,
    message: string,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** A record of the CSV with the line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/** A header's columns by position; null for a column left aside (`STT`). */
export type HeaderColumns = Array<MemberCsvColumn | null>;

/** A file read and checked as a whole, ready for its rows to be decided. */
export interface MemberCsv {
  /** Identifies the file's bytes: it names the rows' markers (see {@link rowEvent}). */
  fileHash: string;
  /** The header's columns, by position. */
  columns: HeaderColumns;
  /** The header's names as the file writes them (NFC), by position: bad rows name columns so. */
  header: string[];
  /** The data rows (blank ones left out). */
  rows: CsvRecord[];
}

/**
 * Reads a member export: decodes, splits and checks the header.
 * @throws ImportFileError when the file as a whole is unusable.
 */
export function readMemberCsv(content: string | Uint8Array): MemberCsv {
  const fileHash = fileHashOf(content);
  let text: string;
  try {
    text = typeof content === 'string' ? content.replace(/^\uFEFF/, '') : decodeUtf8(content);
  } catch (error) {
    if (error instanceof NotUtf8Error) throw new ImportFileError('encoding', error.message);
    throw error;
  }
  const [header, ...rows] = parseCsv(text);
  return { fileHash, columns: readHeader(header), header: headerNames(header), rows };
}

/** The first 16 hex digits of the file's SHA-256: the same bytes, the same markers. */
export function fileHashOf(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** `;` when the header line has more semicolons than commas (Excel's list separator in Vietnam), else `,`. */
export function detectDelimiter(text: string): ',' | ';' {
  const end = text.search(/\r|\n/);
  const first = end < 0 ? text : text.slice(0, end);
  const count = (c: string) => first.split(c).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/**
 * RFC 4180 records with the line each starts on: `"` quotes (a quoted field may hold
 * the delimiter, `""` and line breaks), CRLF, LF or CR line ends, the delimiter of
 * {@link detectDelimiter}. Blank lines and lines of empty fields (`;;;;`, Excel's
 * trailing rows) are skipped.
 * @throws ImportFileError naming the line of a quote that is never closed or misplaced.
 */
export function parseCsv(text: string): CsvRecord[] {
  // One line end for csv-parse's line counting (it miscounts CRLF inside quotes).
  const lf = text.replace(/\r\n?/g, '\n');
  const records: CsvRecord[] = [];
  let lastLine = 0;
  try {
    const parsed = parse(lf, {
      delimiter: detectDelimiter(lf),
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true,
      info: true,
      raw: true,
      // The last record read, for the line of an unclosed quote (the error only knows the end of the file).
      on_record: (record: string[], context: { lines: number }) => {
        lastLine = context.lines;
        return record;
      },
    }) as unknown as Array<{ record: string[]; info: { lines: number }; raw: string }>;
    for (const { record, info, raw } of parsed) {
      records.push({ line: info.lines - linesWithin(raw), fields: record });
    }
  } catch (error) {
    if (error instanceof CsvError) throw quotingError(error, lf, lastLine);
    throw error;
  }
  return records;
}

/** How many line breaks a record's raw text spans (leading blank lines and its own line end aside). */
function linesWithin(raw: string): number {
  return raw.replace(/^\n+/, '').replace(/\n$/, '').split('\n').length - 1;
}

/** csv-parse's error in the file's terms, without the value it quotes. */
function quotingError(error: CsvError, text: string, lastLine: number): ImportFileError {
  const line = (error as CsvError & { lines?: number }).lines ?? lastLine + 1;
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return new ImportFileError(
        'quoting',
        `line ${firstRecordLineAfter(text, lastLine)}: a quote (") opens a field and is never closed; nothing after it could be read`,
      );
    case 'INVALID_OPENING_QUOTE':
      return new ImportFileError(
        'quoting',
        `line ${line}: a quote (") in the middle of a field; quote the whole field and double the quotes inside it ("")`,
      );
    case 'CSV_INVALID_CLOSING_QUOTE':
      return new ImportFileError(
        'quoting',
        `line ${line}: text right after a closing quote ("); quote the whole field and double the quotes inside it ("")`,
      );
    default:
      return new ImportFileError('quoting', `line ${line}: the file is not valid CSV (${error.code})`);
  }
}

/** The first line after `lastLine` that holds more than delimiters and spaces: where the unread record begins. */
function firstRecordLineAfter(text: string, lastLine: number): number {
  const lines = text.split('\n');
  for (let i = lastLine; i < lines.length; i++) if (/[^\s,;]/.test(lines[i]!)) return i + 1;
  return lastLine + 1;
}

/** A header cell as it is compared: no diacritics (đ → d), lowercase, single spaces, NFC or NFD alike. */
export const columnKey = fold;

const COLUMN_BY_KEY: ReadonlyMap<string, MemberCsvColumn | null> = new Map([
  ...MEMBER_CSV_COLUMNS.flatMap((c) => [c, ...MEMBER_CSV_ALIASES[c]].map((name) => [columnKey(name), c] as const)),
  ...ROW_NUMBER_COLUMNS.map((name) => [columnKey(name), null] as const),
]);

/** Column names are no personal data, but a header cell may be anything: show it only if it looks like a name. */
const printable = (name: string) => (/^[\p{L}\p{M}\p{N} _.()/-]{1,40}$/u.test(name) ? name : '<unprintable>');

/** The header's names as written (NFC, trimmed), by position. */
export function headerNames(record: CsvRecord | undefined): string[] {
  return (record?.fields ?? []).map((f) => f.normalize('NFC').trim());
}

/** The header's columns, by position; throws on an unknown, repeated or missing column. */
export function readHeader(record: CsvRecord | undefined): HeaderColumns {
  if (!record) throw new ImportFileError('empty', 'the file is empty: the first line must name the columns');
  const names = record.fields.map((f) => f.trim());
  const unknown = names.filter((n) => !COLUMN_BY_KEY.has(columnKey(n)));
  if (unknown.length > 0) {
    throw new ImportFileError(
      'header',
      `line 1: unknown column(s) ${unknown.map(printable).join(', ')}; the columns are ${MEMBER_CSV_COLUMNS.join(', ')} (or their Vietnamese names)`,
    );
  }
  const columns = names.map((n) => COLUMN_BY_KEY.get(columnKey(n))!);
  const repeated = columns.filter((c, i) => c !== null && columns.indexOf(c) !== i);
  if (repeated.length > 0) throw new ImportFileError('header', `line 1: column(s) named twice: ${[...new Set(repeated)].join(', ')}`);
  const missing: string[] = MEMBER_CSV_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c) && !columns.includes(c));
  if (!columns.includes('education') && !columns.includes('qualification')) missing.push('education (or qualification)');
  if (missing.length > 0) throw new ImportFileError('header', `line 1: missing column(s) ${missing.join(', ')}`);
  return columns;
}

/** The part of a read file that rows are made from. */
export type RowSource = Pick<MemberCsv, 'fileHash' | 'columns' | 'header'>;

/** The `member.imported` envelope of a row. */
export interface RowEnvelope {
  id: string;
  type: 'member.imported';
  occurredAt: string;
  source: string;
  data: Record<string, unknown>;
}

/** A row as an envelope, or the column whose value is neither the contract's nor a known Vietnamese one. */
export type RowResult = { ok: true; event: RowEnvelope } | { ok: false; column: string; message: string };

/**
 * The `member.imported` event a row stands for; its id makes a re-run of the same file
 * find it. A value neither the contract's nor a known Vietnamese one is refused here, with
 * its column as the file names it; everything else is for the event's schema to judge.
 */
export function rowEvent(file: RowSource, { line, fields }: CsvRecord, occurredAt: string): RowResult {
  const data = rowData(file, fields);
  if (!data.ok) return data;
  return {
    ok: true,
    event: { id: `import:${file.fileHash}:${line}`, type: 'member.imported', occurredAt, source: IMPORT_SOURCE, data: data.value },
  };
}

/** The file's name for a column, with the contract's in parentheses when they differ: `Giới tính (sex)`. */
export function columnName(file: Pick<MemberCsv, 'columns' | 'header'>, column: MemberCsvColumn): string {
  const written = file.header[file.columns.indexOf(column)];
  return written === undefined || written === column ? column : `${written} (${column})`;
}

/** The `member.imported` data a row stands for; empty cells become absent (religion: none; youthUnion: no). */
function rowData(file: RowSource, fields: string[]): { ok: true; value: Record<string, unknown> } | Extract<RowResult, { ok: false }> {
  const v: Partial<Record<MemberCsvColumn, string>> = {};
  file.columns.forEach((c, i) => {
    if (c !== null) v[c] = (fields[i] ?? '').trim();
  });
  const opt = (s: string | undefined) => (s === undefined || s === '' ? undefined : s);
  let refused: { column: MemberCsvColumn; expected: string } | undefined;
  /** A non-empty cell read by `read`; the first refusal is the row's. */
  const cell = <V>(column: MemberCsvColumn, read: (text: string) => Read<V>): V | undefined => {
    const text = opt(v[column]);
    if (text === undefined || refused) return undefined;
    const r = read(text);
    if (r.ok) return r.value;
    refused = { column, expected: r.expected };
    return undefined;
  };
  const status = cell('status', readStatus);
  const admittedOn = cell('admittedOn', readDate);
  const recognizedOn = cell('recognizedOn', readDate);
  const sex = cell('sex', readSex);
  const birthDate = cell('birthDate', readDate);
  const education = highestEducation(cell('education', readEducation), cell('qualification', readQualification));
  const occupation = cell('occupation', readOccupation);
  // An unticked box: no.
  const youthUnion = v.youthUnion === '' ? false : cell('youthUnion', readYouthUnion);
  if (refused) {
    const name = columnName(file, refused.column);
    return { ok: false, column: name, message: `${name}: expected ${refused.expected}` };
  }
  return {
    ok: true,
    value: {
      memberId: opt(v.memberId),
      orgId: opt(v.cellId),
      status,
      admittedOn,
      recognizedOn,
      profile: {
        fullName: opt(v.fullName),
        sex,
        birthDate,
        ethnicity: opt(v.ethnicity),
        religion: v.religion === undefined ? null : readReligion(v.religion),
        education,
        occupation,
        youthUnion,
      },
    },
  };
}

/** The schema's paths in the file's words: `data.profile.birthDate` → `birthDate`, `data.orgId` → `cellId`. */
export function inColumns(message: string): string {
  return message
    .replace(/data\.profile\./g, '')
    .replace(/data\.orgId/g, 'cellId')
    .replace(/data\./g, '');
}

/** The column a schema message is about (its first path), when it is one of the file's. */
export function columnOfMessage(message: string): MemberCsvColumn | undefined {
  const name = /^[\w.]+/.exec(inColumns(message))?.[0];
  return MEMBER_CSV_COLUMNS.find((c) => c === name);
}
