// import: a legacy member export (CSV) → `member.imported` envelopes. Pure: no AWS,
// no file system; the use case (use-cases/import-members) decides and writes them.
//
// The file: strict UTF-8 (text-encoding.ts), RFC 4180 quoting (csv-parse), `,` or `;`
// between fields (Excel on a Vietnamese Windows writes `;`: the header line tells
// which), a header row naming the columns in English or Vietnamese, one row per member.
// Every line number is the file's own (the header is line 1; a row with a quoted line
// break is named by the line it starts on). Rows hold personal data: no message made
// here ever quotes a value from a row — column names only.
import { createHash } from 'node:crypto';
import { CsvError, parse } from 'csv-parse/sync';
import { decodeUtf8, NotUtf8Error } from './text-encoding.js';

/**
 * The columns of the legacy export, in the order `dangvien import` documents them.
 * The header row names them (any order); the optional ones may be left out.
 *
 * | column | rule |
 * |---|---|
 * | memberId | the member's id (số thẻ đảng viên): 1–128 of `A-Z a-z 0-9 . _ : -` |
 * | cellId | the cell (chi bộ) whose rolls hold the member: a registered, active `cell` or `grassroots-cell` |
 * | status | `official` or `probationary` |
 * | admittedOn | YYYY-MM-DD, the admission decision |
 * | recognizedOn | YYYY-MM-DD, required for `official`, empty for `probationary`; not before admittedOn |
 * | fullName | optional, ≤ 200 characters (NFC or NFD; stored NFC) |
 * | sex | `female` or `male` |
 * | birthDate | YYYY-MM-DD |
 * | ethnicity | e.g. `Kinh`, `Tày`, `Mường` |
 * | religion | optional; empty means none |
 * | education | `lower-secondary`, `upper-secondary`, `vocational`, `college`, `university`, `postgraduate` |
 * | occupation | `student`, `private-enterprise`, `enterprise-owner`, `state-sector`, `armed-forces`, `farmer`, `contract-freelance`, `retired`, `other` |
 * | youthUnion | `true` or `false` (also `1`/`0`): đoàn viên at admission |
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
  'occupation',
  'youthUnion',
] as const;

export type MemberCsvColumn = (typeof MEMBER_CSV_COLUMNS)[number];

/**
 * The Vietnamese names a header may use for each column (the values stay the contract's
 * English ones). Matched without regard to case, diacritics, NFC/NFD or spacing, so
 * `HỌ VÀ TÊN`, `Ho va ten` and `họ  và tên` all name `fullName` (see {@link columnKey}).
 * The README documents this table.
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
  education: ['Trình độ học vấn', 'Học vấn'],
  occupation: ['Nghề nghiệp'],
  youthUnion: ['Đoàn viên'],
};

const OPTIONAL_COLUMNS: ReadonlySet<MemberCsvColumn> = new Set(['recognizedOn', 'fullName', 'religion']);

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

/** A file read and checked as a whole, ready for its rows to be decided. */
export interface MemberCsv {
  /** Identifies the file's bytes: it names the rows' markers (see {@link rowEvent}). */
  fileHash: string;
  /** The header's columns, by position. */
  columns: MemberCsvColumn[];
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
  return { fileHash, columns: readHeader(header), rows };
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

/** A header cell as it is compared: NFC, no diacritics (đ → d), lowercase, single spaces. */
export function columnKey(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

const COLUMN_BY_KEY: ReadonlyMap<string, MemberCsvColumn> = new Map(
  MEMBER_CSV_COLUMNS.flatMap((c) => [c, ...MEMBER_CSV_ALIASES[c]].map((name) => [columnKey(name), c] as const)),
);

/** Column names are no personal data, but a header cell may be anything: show it only if it looks like a name. */
const printable = (name: string) => (/^[\p{L}\p{M}\p{N} _.()/-]{1,40}$/u.test(name) ? name : '<unprintable>');

/** The header's columns, by position; throws on an unknown, repeated or missing column. */
export function readHeader(record: CsvRecord | undefined): MemberCsvColumn[] {
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
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length > 0) throw new ImportFileError('header', `line 1: column(s) named twice: ${[...new Set(repeated)].join(', ')}`);
  const missing = MEMBER_CSV_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c) && !columns.includes(c));
  if (missing.length > 0) throw new ImportFileError('header', `line 1: missing column(s) ${missing.join(', ')}`);
  return columns;
}

const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false };

/** The `member.imported` event a row stands for; its id makes a re-run of the same file find it. */
export function rowEvent(columns: MemberCsvColumn[], { line, fields }: CsvRecord, fileHash: string, occurredAt: string) {
  return { id: `import:${fileHash}:${line}`, type: 'member.imported', occurredAt, source: IMPORT_SOURCE, data: rowData(columns, fields) };
}

/** The `member.imported` data a row stands for; empty cells become absent (religion: none). */
function rowData(columns: MemberCsvColumn[], fields: string[]): Record<string, unknown> {
  const v: Partial<Record<MemberCsvColumn, string>> = {};
  columns.forEach((c, i) => {
    v[c] = (fields[i] ?? '').trim();
  });
  const opt = (s: string | undefined) => (s === undefined || s === '' ? undefined : s);
  const youth = v.youthUnion === undefined || v.youthUnion === '' ? undefined : (BOOLEANS[v.youthUnion.toLowerCase()] ?? v.youthUnion);
  return {
    memberId: opt(v.memberId),
    orgId: opt(v.cellId),
    status: opt(v.status),
    admittedOn: opt(v.admittedOn),
    recognizedOn: opt(v.recognizedOn),
    profile: {
      fullName: opt(v.fullName),
      sex: opt(v.sex),
      birthDate: opt(v.birthDate),
      ethnicity: opt(v.ethnicity),
      religion: opt(v.religion) ?? null,
      education: opt(v.education),
      occupation: opt(v.occupation),
      youthUnion: youth,
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
