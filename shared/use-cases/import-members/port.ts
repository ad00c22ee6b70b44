// use case importMembers: what the bulk import reads and writes. `dangvien import` passes
// the DynamoDB store (shared/data/member-import-store.ts), unit tests an in-memory one.
import type { AppliedEvent } from '../../domain/ingest/applied-event.js';
import type { MemberRecord } from '../../domain/records.js';
import type { OrgTreeReader } from '../org-tree.js';

/** An applied-event marker as the import leaves it: what the ingest stores for an event. */
export type ImportMarker = AppliedEvent;

/** What the import reads and writes (data/member-import-store.ts is the DynamoDB one). */
export interface MemberImportStore extends OrgTreeReader {
  /** Which of these event ids of `source` have a marker (the idempotency key is (source, id)). */
  findMarkers(source: string, eventIds: string[]): Promise<Set<string>>;
  /** The stored members among these ids (consistent reads). */
  findMembers(memberIds: string[]): Promise<Map<string, MemberRecord>>;
  putMembers(members: MemberRecord[]): Promise<void>;
  /** Called only once the members of the same rows are written. */
  putMarkers(markers: ImportMarker[]): Promise<void>;
}
