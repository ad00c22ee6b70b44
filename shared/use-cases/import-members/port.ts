// use case importMembers: what the bulk import reads and writes. `dangvien import` passes
// the DynamoDB store (shared/data/member-import-store.ts), unit tests an in-memory one.
import type { AppliedEvent } from '../../domain/ingest/applied-event.js';
import type { MemberRecord } from '../../domain/records.js';
import type { OrgTreeReader } from '../org-tree.js';
import type { FiguresStore } from '../refresh-figures/port.js';

/** An applied-event marker as the import leaves it: what the ingest stores for an event. */
export type ImportMarker = AppliedEvent;

/** What the import reads and writes (data/member-import-store.ts is the DynamoDB one). */
export interface MemberImportStore extends OrgTreeReader {
  /** Which of these event ids of `source` have a marker (the idempotency key is (source, id)). */
  findMarkers(source: string, eventIds: string[]): Promise<Set<string>>;
  /** The stored members among these ids (consistent reads). */
  findMembers(memberIds: string[]): Promise<Map<string, MemberRecord>>;
  /**
   * The stored members among these ids as the figures function reads them: without their
   * profile, which is not opened (consistent reads).
   */
  findMembersForFigures(memberIds: string[]): Promise<Map<string, MemberRecord>>;
  /** When each of these persons was erased, for those that were (their tombstones). */
  erasures(personIds: string[]): Promise<Map<string, string>>;
  /** Writes the members, marked as counted by the import: the figures function leaves these inserts aside. */
  putMembers(members: MemberRecord[]): Promise<void>;
  /** Called only once the members of the same rows are written and counted. */
  putMarkers(markers: ImportMarker[]): Promise<void>;
  /** Where the import counts the members it wrote: the figures function's own store. */
  readonly figures: FiguresStore;
  /** The partition key of a member's item, which its contributions name. */
  memberPk(memberId: string): string;
  /**
   * Begins a writing run of the file with this hash, before it marks any row: replaces the
   * file's note, in one write, by one that names a new run and says "not counted". Returns
   * the run's id and whether the note it replaced said that a run counted every row it
   * marked (no writing run began since).
   */
  beginFileRun(fileHash: string): Promise<FileRun>;
  /** At the end of a run, after its recount: notes the file as counted, if the note still names this run (no run of the file began since). */
  finishFileRun(fileHash: string, runId: string): Promise<void>;
}

/** A writing run of a file, as {@link MemberImportStore.beginFileRun} begins it. */
export interface FileRun {
  runId: string;
  /** Whether the file was counted before this run began. */
  counted: boolean;
}
