// use case: bulk import of a legacy member export (`dangvien import FILE.csv`).
// (adapter) cli/import --> use case --> domain/ingest (importMember, through decide)
//                                   --> MemberImportStore (port.ts; data/member-import-store.ts)
//
// One CSV row per member (the file's format: import/member-csv.ts). Every row goes
// through exactly what a `member.imported` event goes through — the envelope's zod
// schema (NFC, dates that exist, the profile enums, recognizedOn ⇔ official) and the
// domain rule (`decide` with the loaded state: the cell must be a registered, active
// cell; the member must not exist) — but the writes are batched instead of one
// transaction per event, which is what makes 127,000 members a matter of minutes.
//
// Resumable and never double-counting: each row that is written gets an audit marker
// `EVENT#legacy-import/import:<fileHash>:<line>` (the same item an applied event leaves).
// A re-run of the same file skips the rows that have one. Within a chunk the
// member items are written first and the markers after them, so an interruption can
// leave a member without its marker but never a marker without its member; the re-run
// recognises such a member as its own (the stored record is exactly the one this row
// makes) and only adds the marker.
//
// The figures are written here, through the figures function's own steps
// (use-cases/refresh-figures): each chunk puts its members' contributions at their
// versions between the members and the markers, and the run ends with one recount of
// every cell and month they reached and one merge of the ancestors — once per file, where
// the stream would recount and merge once per batch. The member items carry the import's
// mark, by which the figures function leaves their inserts aside. A note per file says
// whether a run counted every row it marked. A writing run replaces it, before marking
// anything, by one naming the run and saying "not counted" (and learns from the same write
// what the note said), and marks it counted after its recount only if the note still names
// it: a second run of the file that began in between may have marked rows and stopped
// before its own recount. So a re-run after a stop before the recount finds the file not
// counted and redoes the figures of the whole file (every stored member of its rows: puts
// at the same version change nothing, recounts are full); counted, it counts only the
// unmarked rows whose member is stored (a run stopped before their markers). An event about an imported member racing the import is counted by the figures
// function as any change; the import's recount covers every month the import's version
// counted in, and the conditional writes of the figures decide between the two recounts.
//
// A dry run (`checkImport`) reads and decides exactly as the import does and writes
// nothing: what it reports is what the import would do now.
//
// Batched writes have no conditions. "The member must not exist" is checked with a
// consistent read just before the write; a member created by the live feed in between
// would be overwritten. Import before the live feed starts sending members.
import { isDeepStrictEqual } from 'node:util';
import { decide } from '../../domain/ingest/decide.js';
import { emptyState, type Decision, type LoadedState } from '../../domain/ingest/decision-types.js';
import { parseEvent, type EventOf } from '../../domain/events/index.js';
import type { MemberRecord, OrgRecord } from '../../domain/records.js';
import {
  columnName,
  columnOfMessage,
  IMPORT_SOURCE,
  inColumns,
  readMemberCsv,
  rowEvent,
  type CsvRecord,
  type MemberCsv,
} from '../../import/member-csv.js';
import { appliedEvent } from '../../domain/ingest/applied-event.js';
import { eventHash } from '../../domain/ingest/idempotency.js';
import { todayInVietnam } from '../../domain/dates.js';
import type { ChangedRecord } from '../../domain/figures/stale.js';
import type { Month } from '../../domain/figures/index.js';
import type { BusinessDate } from '../../domain/records.js';
import { addMonths, recountAndMerge, writeContributions } from '../refresh-figures/index.js';
import type { FileRun, ImportMarker, MemberImportStore } from './port.js';

export type { FileRun, ImportMarker, MemberImportStore };
export { ImportFileError, MEMBER_CSV_ALIASES, MEMBER_CSV_COLUMNS, type MemberCsvColumn } from '../../import/member-csv.js';

/** A row that was not imported, with its line in the file (the header is line 1). */
export interface BadRow {
  line: number;
  /** The column whose value is wrong, as the file's header names it (`Giới tính (sex)`), when one is. */
  column?: string;
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

/** What {@link checkImport} reports: the import's summary had it run now. */
export interface DryRunSummary {
  rows: number;
  wouldImport: number;
  skipped: number;
  badRows: BadRow[];
  /** Set when the check was stopped (signal) before the end of the file. */
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
  /** Stops cleanly after the chunk in flight (Ctrl-C). */
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Today in Vietnam, for the figures' closed years (default: the machine's clock). */
  today?: BusinessDate;
}

/**
 * Imports the rows of `content` (a CSV with the columns of `MEMBER_CSV_COLUMNS`).
 * Bad rows are reported and skipped; a row already imported by an earlier run of the same
 * file is skipped. Throws `ImportFileError` when the file as a whole is unusable.
 */
export async function importMembers(
  content: string | Uint8Array,
  store: MemberImportStore,
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  return run(readMemberCsv(content), store, opts, true);
}

/**
 * Everything {@link importMembers} checks (the file, the schema, the domain rules against
 * the stored org tree and members), and nothing written.
 */
export async function checkImport(
  content: string | Uint8Array,
  store: MemberImportStore,
  opts: ImportOptions = {},
): Promise<DryRunSummary> {
  const { rows, imported, skipped, badRows, interrupted } = await run(readMemberCsv(content), store, opts, false);
  return { rows, wouldImport: imported, skipped, badRows, ...(interrupted ? { interrupted } : {}) };
}

type Imported = EventOf<'member.imported'>;

interface Pending {
  line: number;
  event: Imported;
  body: string;
}

/** The state of one run across its chunks. */
interface Run {
  file: MemberCsv;
  store: MemberImportStore;
  summary: ImportSummary;
  /** The members this run has seen go in, by line: a second row for one of them is a duplicate. */
  claimed: Map<string, number>;
  orgs: Map<string, OrgRecord>;
  appliedAt: string;
  today: BusinessDate;
  /**
   * Whether this run counts again the rows an earlier run marked: no run of this file is
   * known to have counted the figures of every row it marked (it stopped before its
   * recount), so this one redoes the figures of the whole file.
   */
  recountMarked: boolean;
  /** The months of each cell whose contributions this run put: recounted once, at the end. */
  cellMonths: Map<string, Set<Month>>;
}

async function run(file: MemberCsv, store: MemberImportStore, opts: ImportOptions, write: boolean): Promise<ImportSummary> {
  const orgs = new Map((await store.currentOrgTree()).all().map((o) => [o.orgId, o]));
  // A writing run notes the file as not counted before it marks any row: stopped before its
  // own recount, it leaves its re-run to count the whole file again.
  const fileRun = write ? await store.beginFileRun(file.fileHash) : undefined;
  const r: Run = {
    file,
    store,
    summary: { rows: file.rows.length, imported: 0, skipped: 0, badRows: [] },
    claimed: new Map(),
    orgs,
    appliedAt: new Date().toISOString(),
    today: opts.today ?? todayInVietnam(new Date()),
    recountMarked: fileRun !== undefined && !fileRun.counted,
    cellMonths: new Map(),
  };
  const summary = await runChunks(r, opts, write);
  if (fileRun) {
    // Once for the file: each cell its contributions reached, every month they touch, and each ancestor.
    await recountAndMerge(store.figures, await store.figures.currentOrgTree(), r.cellMonths, new Set(), { today: r.today });
    await store.finishFileRun(file.fileHash, fileRun.runId);
  }
  return summary;
}

/** The chunks of a run, to the end of the file or the signal: members, their contributions, markers. */
async function runChunks(r: Run, opts: ImportOptions, write: boolean): Promise<ImportSummary> {
  const { file, store } = r;
  const chunkSize = opts.chunkSize ?? 1000;
  const rows = file.rows.length;
  const progress = (rowsDone: number) =>
    opts.onProgress?.({ rowsDone, rows, imported: r.summary.imported, skipped: r.summary.skipped, bad: r.summary.badRows.length });
  progress(0);
  // A chunk is read and decided while the one before it is written: the reads cannot miss
  // anything that matters (a member of that chunk appearing again is caught by `claimed`,
  // in file order), and the writes stay one chunk at a time, members before markers.
  let writing: Promise<void> = Promise.resolve();
  for (let start = 0; start < rows; start += chunkSize) {
    if (opts.signal?.aborted) {
      await writing;
      return { ...r.summary, badRows: byLine(r.summary.badRows), interrupted: true };
    }
    const counted = { imported: r.summary.imported, skipped: r.summary.skipped, bad: r.summary.badRows.length };
    const decided = decideChunk(r, file.rows.slice(start, start + chunkSize));
    // Both settle before going on, so that a failed write is never left unobserved.
    const [read, written] = await Promise.allSettled([decided, writing]);
    if (written.status === 'rejected') throw written.reason;
    if (read.status === 'rejected') throw read.reason;
    if (opts.signal?.aborted) {
      // Stopped while this chunk was being decided: it is not written, so not counted.
      Object.assign(r.summary, { imported: counted.imported, skipped: counted.skipped });
      r.summary.badRows.length = counted.bad;
      return { ...r.summary, badRows: byLine(r.summary.badRows), interrupted: true };
    }
    const { members, counted: toCount, markers } = read.value;
    const done = Math.min(rows, start + chunkSize);
    writing = (async () => {
      if (write) {
        // Members first, then their contributions, then their markers (see the top of the file).
        if (members.length > 0) await store.putMembers(members);
        if (toCount.length > 0) addMonths(r.cellMonths, await putContributions(store, toCount));
        if (markers.length > 0) await store.putMarkers(markers);
      }
      progress(done);
    })();
  }
  await writing;
  return { ...r.summary, badRows: byLine(r.summary.badRows) };
}

/**
 * Puts the contributions of `members` (as stored now) at their versions, as the figures
 * function does for a batch of changes; returns the months of each cell to recount.
 */
async function putContributions(store: MemberImportStore, members: readonly MemberRecord[]) {
  const changed = members.map((record): ChangedRecord => {
    const stored = { entity: 'member' as const, record };
    const pk = store.memberPk(record.memberId);
    return { pk, version: record.version, firstVersion: record.version, images: [stored], latest: stored };
  });
  const months = await writeContributions(store.figures, changed);
  // A member changed since it was read (erased, or written over by another import at the
  // same version) may have been counted by the figures function before the put above
  // replaced or brought back its contribution: counted again here as the figures function
  // counts a change, from what is stored now. A change after this read is the figures
  // function's to follow, after the put. The profile is left out on both sides: the
  // figures never read it (only the traits, in the clear), so it is not opened.
  const now = await store.findMembersForFigures(members.map((m) => m.memberId));
  const since = members.flatMap((record, i): ChangedRecord[] => {
    const stored = now.get(record.memberId);
    if (stored && isDeepStrictEqual(plain(withoutProfile(stored)), plain(withoutProfile(record)))) return [];
    const latest = stored ? { entity: 'member' as const, record: stored } : undefined;
    const { pk, images } = changed[i]!;
    return [
      {
        pk,
        version: stored?.version ?? record.version,
        firstVersion: record.version,
        images: [...images, ...(latest ? [latest] : [])],
        ...(latest ? { latest } : {}),
      },
    ];
  });
  if (since.length > 0) addMonths(months, await writeContributions(store.figures, since));
  return months;
}

/** What a chunk writes: its new members, the members whose figures it writes (those and the unmarked ones stored), the markers. */
interface ChunkWrites {
  members: MemberRecord[];
  counted: MemberRecord[];
  markers: ImportMarker[];
}

/** One chunk: the schema row by row, what is already stored, then the domain rule in file order. */
async function decideChunk(r: Run, chunk: CsvRecord[]): Promise<ChunkWrites> {
  const pending = parseRows(r, chunk);
  const [marked, stored, erased] = await Promise.all([
    r.store.findMarkers(
      IMPORT_SOURCE,
      pending.map((p) => p.event.id),
    ),
    r.store.findMembers(pending.map((p) => p.event.data.memberId)),
    r.store.erasures(pending.map((p) => p.event.data.memberId)),
  ]);
  const members: MemberRecord[] = [];
  const counted = new Map<string, MemberRecord>();
  const markers: ImportMarker[] = [];
  for (const p of pending) {
    const erasedAt = erased.get(p.event.data.memberId);
    if (erasedAt !== undefined) {
      // An export made before the erasure would bring back what it erased (docs/import.md).
      bad(r, p.line, 'erased', `the personal data of this member was erased on ${erasedAt.slice(0, 10)}; the row is not imported`);
      continue;
    }
    const isMarked = marked.has(p.event.id);
    const storedMember = stored.get(p.event.data.memberId);
    // Stored and unmarked: maybe an earlier run's, stopped before its markers (a recount is
    // harmless if not); marked, when no run is known to have counted what it marked.
    if (storedMember && (!isMarked || r.recountMarked)) counted.set(storedMember.memberId, storedMember);
    const outcome = decideRow(r, p, isMarked, storedMember);
    if (outcome === 'skipped') continue;
    members.push(...outcome.members);
    for (const m of outcome.members) counted.set(m.memberId, m);
    markers.push(markerOf(p, r.appliedAt));
  }
  return { members, counted: [...counted.values()], markers };
}

/** The rows that pass the schema, as the queue would parse a member.imported event; the others are bad rows. */
function parseRows(r: Run, chunk: CsvRecord[]): Pending[] {
  const { columns } = r.file;
  const pending: Pending[] = [];
  for (const record of chunk) {
    if (record.fields.length !== columns.length) {
      bad(r, record.line, 'columns', `expected ${columns.length} fields, found ${record.fields.length}`);
      continue;
    }
    const row = rowEvent(r.file, record, r.appliedAt);
    if (!row.ok) {
      bad(r, record.line, 'schema', row.message, row.column);
      continue;
    }
    const body = JSON.stringify(row.event);
    const parsed = parseEvent(body);
    if (parsed.ok) pending.push({ line: record.line, event: parsed.event as Imported, body });
    else {
      const column = columnOfMessage(parsed.message);
      bad(r, record.line, parsed.reason, inColumns(parsed.message), column && columnName(r.file, column));
    }
  }
  return pending;
}

/**
 * One row on the loaded state: already imported (skipped), a bad row (skipped, reported),
 * or the members to write with its marker (none when an earlier run wrote them).
 */
function decideRow(r: Run, p: Pending, marked: boolean, stored: MemberRecord | undefined): 'skipped' | { members: MemberRecord[] } {
  const { memberId } = p.event.data;
  if (marked) {
    r.summary.skipped += 1;
    if (!r.claimed.has(memberId)) r.claimed.set(memberId, p.line);
    return 'skipped';
  }
  const earlier = r.claimed.get(memberId);
  if (earlier !== undefined) {
    bad(r, p.line, 'member-exists', `member ${memberId} already exists (line ${earlier} of this file)`);
    return 'skipped';
  }
  const fresh = safeDecide(p.event, stateWith(r.orgs, undefined));
  const ours = fresh.outcome === 'apply' && stored && isDeepStrictEqual(plain(fresh.writes[0]!.record), plain(stored));
  const decision = stored && !ours ? safeDecide(p.event, stateWith(r.orgs, stored)) : fresh;
  if (decision.outcome !== 'apply') {
    bad(r, p.line, decision.reason, decision.message);
    return 'skipped';
  }
  r.claimed.set(memberId, p.line);
  r.summary.imported += 1;
  // An earlier run of this file wrote the member and was stopped before its marker: only the marker is missing.
  return { members: ours ? [] : decision.writes.map(memberOf) };
}

/**
 * `decide`, with a date the domain cannot compute with (a probation end past year 9999…)
 * as a bad row instead of an exception that would stop the whole file. The message
 * names no value: RangeError's would.
 */
function safeDecide(event: Imported, state: LoadedState): Decision {
  try {
    return decide(event, state);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return {
      outcome: 'reject',
      reason: 'schema',
      message: 'a date is outside the range the rules compute with (1900-01-01 to 2199-12-31)',
    };
  }
}

function memberOf(w: Extract<Decision, { outcome: 'apply' }>['writes'][number]): MemberRecord {
  if (w.entity !== 'member') throw new Error(`member.imported wrote a ${w.entity}: the import writes members only`);
  return w.record;
}

function bad(r: Run, line: number, reason: string, message: string, column?: string): void {
  r.summary.badRows.push({ line, ...(column === undefined ? {} : { column }), reason, message });
}

const byLine = (rows: BadRow[]) => [...rows].sort((a, b) => a.line - b.line);

/**
 * The loaded state `decide` needs for one row: the whole tree (read once, shared: the
 * domain only reads it), and the member if it exists.
 */
function stateWith(orgs: Map<string, OrgRecord>, member: MemberRecord | undefined): LoadedState {
  return { ...emptyState(), orgs, allOrgsLoaded: true, members: new Map(member ? [[member.memberId, member]] : []) };
}

function markerOf(p: Pending, appliedAt: string): ImportMarker {
  return appliedEvent(p.event, eventHash(p.event), appliedAt, p.event.data.memberId);
}

/** A member as the figures see it: the profile is never read by them. */
function withoutProfile(record: MemberRecord): Omit<MemberRecord, 'profile'> {
  const { profile: _profile, ...rest } = record;
  return rest;
}

/** A record as it comes back from the table (no undefined fields). */
const plain = (record: object) => JSON.parse(JSON.stringify(record)) as unknown;
