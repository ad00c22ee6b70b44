// data: the Records table as the bulk import sees it (use-cases/import-members.ts).
// use case --> (MemberImportStore) --> DynamoDB
//
// Batched and parallel through the one DynamoDB toolkit: BatchGetItem (100 keys,
// consistent reads) and BatchWriteItem (25 puts), unprocessed keys and items retried
// with bounded backoff. The markers are the same items the ingest leaves (event-marker.ts).
import type { MemberRecord, OrgRecord } from '../domain/records.js';
import type { MemberImportStore } from '../use-cases/import-members.js';
import { config } from './config.js';
import { batchGetAll, batchWriteAll } from './dynamo-toolkit.js';
import { markerItem } from './event-marker.js';
import { loadAllOrgs, openSealed, sealed } from './ingest-store.js';
import { eventKey, memberKey, stripStorage, toItem } from './keys.js';

export interface DynamoMemberImportStoreOptions {
  /** BatchWriteItem / BatchGetItem requests in flight at once (default 16). */
  concurrency?: number;
  /** Called before each BatchWriteItem request: lets tests simulate a crash there. */
  beforeBatchWrite?: (what: 'members' | 'markers', items: number) => void | Promise<void>;
}

/** The import's store on the Records table (the table of `config.recordsTable()`). */
export function dynamoMemberImportStore(opts: DynamoMemberImportStoreOptions = {}): MemberImportStore {
  const concurrency = opts.concurrency ?? 16;
  const table = () => config.recordsTable();
  const write = (what: 'members' | 'markers', items: Record<string, unknown>[]) =>
    batchWriteAll(table(), items, { concurrency, beforeRequest: (n) => opts.beforeBatchWrite?.(what, n) });
  return {
    loadOrgs: (): Promise<OrgRecord[]> => loadAllOrgs(),
    async findMarkers(source, eventIds) {
      const byPk = new Map(eventIds.map((id) => [eventKey(source, id).pk, id]));
      const keys = eventIds.map((id) => eventKey(source, id));
      const items = await batchGetAll(table(), keys, { concurrency, consistentRead: true, projection: 'pk' });
      return new Set(items.map((item) => byPk.get(String(item.pk))!));
    },
    async findMembers(memberIds) {
      const items = await openSealed(
        await batchGetAll(table(), [...new Set(memberIds)].map(memberKey), { concurrency, consistentRead: true }),
      );
      return new Map(items.map((item) => stripStorage<MemberRecord>(item)).map((m) => [m.memberId, m]));
    },
    putMembers: async (members) => write('members', await sealed(members.map((record) => toItem({ entity: 'member', record })))),
    putMarkers: (markers) => write('markers', markers.map(markerItem)),
  };
}
