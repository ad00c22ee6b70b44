// use case: bulk import of a legacy member export (`dangvien import FILE.csv`).
// (adapter) cli/import --> use case --> domain/ingest (importMember, through decide)
//
// One CSV row per member. Every row goes through exactly what a `member.imported`
// event goes through — the envelope's zod schema (NFC, dates that exist, the profile
// enums, recognizedOn ⇔ official) and the domain rule (`decide` with the loaded state:
// the cell must be a registered, active cell; the member must not exist) — but the
// writes are batched (BatchWriteItem, 25 items a request) instead of one transaction
// per event, which is what makes 127,000 members a matter of minutes.
//
// Resumable and never double-counting: each row that is written gets an audit marker
// `EVENT#import:<fileHash>:<line>` (the same item an applied event leaves, body
// included). A re-run of the same file skips the rows that have one. Within a chunk the
// member items are written first and the markers after them, so an interruption can
// leave a member without its marker but never a marker without its member; the re-run
// recognises such a member as its own (the stored record is exactly the one this row
// makes) and only adds the marker. The figures are not written here: they follow the
// member items through the Records stream, like any other change.
//
// BatchWriteItem has no conditions. "The member must not exist" is checked with a
// consistent read just before the write; a member created by the live feed in between
// would be overwritten. Import before the live feed starts sending members.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { decide } from '../domain/ingest/decide.js';
import { emptyState, type LoadedState } from '../domain/ingest/decision-types.js';
import { parseEvent, type EventOf } from '../domain/events.js';
import type { MemberRecord, OrgRecord } from '../domain/records.js';
import { config } from '../data/config.js';
import { batchGetAll, batchWriteAll } from '../data/dynamo-toolkit.js';
import { appliedEvent, markerItem as eventMarkerItem } from '../data/event-marker.js';
import { loadAllOrgs } from '../data/ingest-store.js';
import { eventKey, memberKey, stripStorage, toItem } from '../data/keys.js';
import { eventHash } from './ingest-event.js';

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

const OPTIONAL_COLUMNS: ReadonlySet<MemberCsvColumn> = new Set(['recognizedOn', 'fullName', 'religion']);

/** The source of the `member.imported` events an import stands for. */
export const IMPORT_SOURCE = 'legacy-import';

/** A file that cannot be imported at all (no header, unknown or missing columns). */
export class ImportFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/** A row that was not imported, with its line in the file (the header is line 1). */
export interface BadRow {
  line: number;
  /** Machine-readable: `columns`, `schema`, or the domain's reason (`missing-org`, `not-a-cell`, `member-exists`…). */
  reason: string;
  /** Human-readable; names columns, never a value (rows hold personal data). */
  message: string;
}

export interface ImportSummary {
  /** Data rows in the file. */
  rows: number;
  /** Rows written by this run. */
  imported: number;
  /** Rows an earlier run of the same file had already imported. */
  skipped: number;
  badRows: BadRow[];
  /** Set when the run was stopped (signal) before the end of the file: run it again to continue. */
  interrupted?: boolean;
}

export interface ImportProgress {
  rowsDone: number;
  rows: number;
  imported: number;
  skipped: number;
  bad: number;
}

export interface ImportOptions {
  /** Rows read, decided and written together (default 1000). */
  chunkSize?: number;
  /** BatchWriteItem / BatchGetItem requests in flight at once (default 16). */
  concurrency?: number;
  /** Stops cleanly after the chunk in flight (Ctrl-C). */
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Called before each BatchWriteItem request: lets tests simulate a crash there. */
  beforeBatchWrite?: (what: 'members' | 'markers', items: number) => void | Promise<void>;
}

// ---------------------------------------------------------------------------
// The file

/** A record of the CSV with the line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * RFC 4180: comma-separated, `"` quotes (a quoted field may hold commas, `""` and line
 * breaks), CRLF or LF. A leading UTF-8 byte order mark is ignored; blank lines are skipped.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let atFieldStart = true;
    let ended = false;
    while (i < n && !ended) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i += 1;
          }
        } else {
          if (c === '\n') line += 1;
          field += c;
          i += 1;
        }
      } else if (c === '"' && atFieldStart) {
        quoted = true;
        atFieldStart = false;
        i += 1;
      } else if (c === ',') {
        fields.push(field);
        field = '';
        atFieldStart = true;
        i += 1;
      } else if (c === '\n' || c === '\r') {
        i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line += 1;
        ended = true;
      } else {
        field += c;
        atFieldStart = false;
        i += 1;
      }
    }
    fields.push(field);
    if (fields.length === 1 && fields[0]!.trim() === '') continue;
    records.push({ line: startLine, fields });
  }
  return records;
}

/** The first 16 hex digits of the file's SHA-256: the same bytes, the same markers. */
export function fileHashOf(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The header's columns, by position; throws on an unknown, repeated or missing column. */
export function readHeader(record: CsvRecord | undefined): MemberCsvColumn[] {
  if (!record) throw new ImportFileError('the file is empty: the first line must name the columns');
  const known = new Set<string>(MEMBER_CSV_COLUMNS);
  const columns = record.fields.map((f) => f.trim());
  const unknown = columns.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    const shown = unknown.map((c) => (/^[A-Za-z0-9_ -]{1,40}$/.test(c) ? c : '<unprintable>')).join(', ');
    throw new ImportFileError(`line 1: unknown column(s) ${shown}; the columns are ${MEMBER_CSV_COLUMNS.join(', ')}`);
  }
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  if (repeated.length > 0) throw new ImportFileError(`line 1: column(s) named twice: ${[...new Set(repeated)].join(', ')}`);
  const missing = MEMBER_CSV_COLUMNS.filter((c) => !OPTIONAL_COLUMNS.has(c) && !columns.includes(c));
  if (missing.length > 0) throw new ImportFileError(`line 1: missing column(s) ${missing.join(', ')}`);
  return columns as MemberCsvColumn[];
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
function inColumns(message: string): string {
  return message.replace(/data\.profile\./g, '').replace(/data\.orgId/g, 'cellId').replace(/data\./g, '');
}

// ---------------------------------------------------------------------------
// The import

type Imported = EventOf<'member.imported'>;

interface Pending {
  line: number;
  event: Imported;
  body: string;
}

/**
 * Imports the rows of `content` (a CSV with the columns of {@link MEMBER_CSV_COLUMNS}).
 * Bad rows are reported and skipped; a row already imported by an earlier run of the same
 * file is skipped. Throws {@link ImportFileError} when the file as a whole is unusable.
 */
export async function importMembers(content: string | Buffer, opts: ImportOptions = {}): Promise<ImportSummary> {
  const chunkSize = opts.chunkSize ?? 1000;
  const concurrency = opts.concurrency ?? 16;
  const text = typeof content === 'string' ? content : content.toString('utf8');
  const hash = fileHashOf(content);
  const [header, ...records] = parseCsv(text);
  const columns = readHeader(header);

  const summary: ImportSummary = { rows: records.length, imported: 0, skipped: 0, badRows: [] };
  const bad = (line: number, reason: string, message: string) => summary.badRows.push({ line, reason, message });
  // The members this run has seen go in, by line: a second row for one of them is a duplicate.
  const claimed = new Map<string, number>();
  const orgs = new Map((await loadAllOrgs()).map((o) => [o.orgId, o]));
  const appliedAt = new Date().toISOString();
  let rowsDone = 0;
  opts.onProgress?.({ rowsDone, rows: records.length, imported: 0, skipped: 0, bad: 0 });

  for (let start = 0; start < records.length; start += chunkSize) {
    if (opts.signal?.aborted) return { ...summary, badRows: byLine(summary.badRows), interrupted: true };
    const chunk = records.slice(start, start + chunkSize);

    // 1. The schema, row by row, as the queue would parse a member.imported event.
    const pending: Pending[] = [];
    for (const { line, fields } of chunk) {
      if (fields.length !== columns.length) {
        bad(line, 'columns', `expected ${columns.length} fields, found ${fields.length}`);
        continue;
      }
      const body = JSON.stringify(rowEvent(columns, { line, fields }, hash, appliedAt));
      const parsed = parseEvent(body);
      if (!parsed.ok) bad(line, parsed.reason, inColumns(parsed.message));
      else pending.push({ line, event: parsed.event as Imported, body });
    }

    // 2. What is already there: this file's markers, and the members.
    const [markers, members] = await Promise.all([
      existingKeys(pending.map((p) => eventKey(p.event.id)), concurrency),
      existingMembers(pending.map((p) => p.event.data.memberId), concurrency),
    ]);

    // 3. The domain rule, row by row in file order, on the loaded state.
    const memberItems: Record<string, unknown>[] = [];
    const markerItems: Record<string, unknown>[] = [];
    for (const p of pending) {
      const { memberId } = p.event.data;
      if (markers.has(eventKey(p.event.id).pk)) {
        summary.skipped += 1;
        if (!claimed.has(memberId)) claimed.set(memberId, p.line);
        continue;
      }
      const earlier = claimed.get(memberId);
      if (earlier !== undefined) {
        bad(p.line, 'member-exists', `member ${memberId} already exists (line ${earlier} of this file)`);
        continue;
      }
      const stored = members.get(memberId);
      const fresh = decide(p.event, stateWith(orgs, undefined));
      if (fresh.outcome === 'apply' && stored && isDeepStrictEqual(plain(fresh.writes[0]!.record), plain(stored))) {
        // An earlier run of this file wrote the member and was stopped before its marker.
        markerItems.push(markerItem(p, appliedAt));
        claimed.set(memberId, p.line);
        summary.imported += 1;
        continue;
      }
      const decision = stored ? decide(p.event, stateWith(orgs, stored)) : fresh;
      if (decision.outcome !== 'apply') {
        bad(p.line, decision.reason, decision.message);
        continue;
      }
      for (const w of decision.writes) {
        if (w.entity === 'fact' && w.op === 'delete') throw new Error(`line ${p.line}: an import never deletes a fact`);
        memberItems.push(toItem(w));
      }
      markerItems.push(markerItem(p, appliedAt));
      claimed.set(memberId, p.line);
      summary.imported += 1;
    }

    // 4. Members first, then their markers (see the top of the file).
    await batchWrite(memberItems, 'members', concurrency, opts.beforeBatchWrite);
    await batchWrite(markerItems, 'markers', concurrency, opts.beforeBatchWrite);
    rowsDone += chunk.length;
    opts.onProgress?.({ rowsDone, rows: records.length, imported: summary.imported, skipped: summary.skipped, bad: summary.badRows.length });
  }
  return { ...summary, badRows: byLine(summary.badRows) };
}

const byLine = (rows: BadRow[]) => [...rows].sort((a, b) => a.line - b.line);

/**
 * The loaded state `decide` needs for one row: the whole tree (read once, shared: the
 * domain only reads it), and the member if it exists.
 */
function stateWith(orgs: Map<string, OrgRecord>, member: MemberRecord | undefined): LoadedState {
  return { ...emptyState(), orgs, allOrgsLoaded: true, members: new Map(member ? [[member.memberId, member]] : []) };
}

/** The applied-event marker of a row: what the ingest stores for an event, body included (the audit trail). */
function markerItem(p: Pending, appliedAt: string): Record<string, unknown> {
  return eventMarkerItem(appliedEvent(p.event, eventHash(p.event), p.body, appliedAt));
}

/** A record as it comes back from the table (no undefined fields). */
const plain = (record: object) => JSON.parse(JSON.stringify(record)) as unknown;

// ---------------------------------------------------------------------------
// Batched reads and writes

/** Which of these keys exist (consistent reads, key attributes only); answers their `pk`s. */
async function existingKeys(keys: Array<{ pk: string; sk: string }>, concurrency: number): Promise<Set<string>> {
  const found = new Set<string>();
  await batchGet(keys, concurrency, { ProjectionExpression: 'pk' }, (item) => found.add(String(item.pk)));
  return found;
}

async function existingMembers(memberIds: string[], concurrency: number): Promise<Map<string, MemberRecord>> {
  const found = new Map<string, MemberRecord>();
  const keys = [...new Set(memberIds)].map(memberKey);
  await batchGet(keys, concurrency, {}, (item) => {
    const member = stripStorage<MemberRecord>(item);
    found.set(member.memberId, member);
  });
  return found;
}

async function batchGet(keys: Array<Record<string, string>>, concurrency: number, extra: { ProjectionExpression?: string }, put: (item: Record<string, unknown>) => void): Promise<void> {
  const items = await batchGetAll(config.recordsTable(), keys, { consistentRead: true, concurrency, ...(extra.ProjectionExpression ? { projection: extra.ProjectionExpression } : {}) });
  for (const item of items) put(item);
}

async function batchWrite(items: Record<string, unknown>[], what: 'members' | 'markers', concurrency: number, before?: ImportOptions['beforeBatchWrite']): Promise<void> {
  await batchWriteAll(config.recordsTable(), items, { concurrency, ...(before ? { beforeRequest: (n: number) => before(what, n) } : {}) });
}
