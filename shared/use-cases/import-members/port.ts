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
  /** Whether a run of the file with this hash counted every row it marked, and no writing run began since. */
  fileCounted(fileHash: string): Promise<boolean>;
  /** Records that (`true`, at the end of a run), or forgets it (`false`, before a run marks any row). */
  setFileCounted(fileHash: string, counted: boolean): Promise<void>;
}
