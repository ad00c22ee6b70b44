// data: the Records table as the bulk import sees it (use-cases/import-members.ts).
// use case --> (MemberImportStore) --> DynamoDB
//
// Batched and parallel: BatchGetItem (100 keys, consistent reads) and BatchWriteItem
// (25 puts) with their unprocessed keys/items retried after a growing pause. All of the
// import's DynamoDB access is here, so it can move onto the shared paging/batching
// toolkit without touching the use case.
import { BatchGetCommand, BatchWriteCommand, type BatchGetCommandOutput, type BatchWriteCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { MemberRecord, OrgRecord } from '../domain/records.js';
import type { ImportMarker, MemberImportStore } from '../use-cases/import-members.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { loadAllOrgs } from './ingest-store.js';
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
  return {
    loadOrgs: (): Promise<OrgRecord[]> => loadAllOrgs(),
    async findMarkers(eventIds) {
      const found = new Set<string>();
      const byPk = new Map(eventIds.map((id) => [eventKey(id).pk, id]));
      await batchGet(eventIds.map(eventKey), concurrency, { ProjectionExpression: 'pk' }, (item) => found.add(byPk.get(String(item.pk))!));
      return found;
    },
    async findMembers(memberIds) {
      const found = new Map<string, MemberRecord>();
      await batchGet([...new Set(memberIds)].map(memberKey), concurrency, {}, (item) => {
        const member = stripStorage<MemberRecord>(item);
        found.set(member.memberId, member);
      });
      return found;
    },
    putMembers: (members) => batchWrite(members.map((m) => toItem('member', m)), 'members', concurrency, opts.beforeBatchWrite),
    putMarkers: (markers) => batchWrite(markers.map(markerItem), 'markers', concurrency, opts.beforeBatchWrite),
  };
}

/** What the ingest stores for an applied event, body included (the audit trail). */
function markerItem(m: ImportMarker): Record<string, unknown> {
  return { ...m, ...eventKey(m.eventId), entity: 'event' };
}

async function inParallel<T>(items: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (!failed && next < items.length) await work(items[next++]!);
    } catch (error) {
      // Stop handing out work: a crash stops everything, and so does this.
      failed = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

const pause = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

function slices<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function batchGet(
  keys: Array<Record<string, string>>,
  concurrency: number,
  extra: { ProjectionExpression?: string },
  put: (item: Record<string, unknown>) => void,
): Promise<void> {
  const table = config.recordsTable();
  await inParallel(slices(keys, 100), concurrency, async (slice) => {
    let todo: Record<string, unknown>[] | undefined = slice;
    for (let attempt = 0; todo?.length; attempt++) {
      if (attempt > 0) await pause(attempt);
      const out: BatchGetCommandOutput = await documentClient().send(new BatchGetCommand({ RequestItems: { [table]: { Keys: todo, ConsistentRead: true, ...extra } } }));
      for (const item of out.Responses?.[table] ?? []) put(item);
      todo = out.UnprocessedKeys?.[table]?.Keys;
    }
  });
}

async function batchWrite(
  items: Record<string, unknown>[],
  what: 'members' | 'markers',
  concurrency: number,
  before: DynamoMemberImportStoreOptions['beforeBatchWrite'],
): Promise<void> {
  const table = config.recordsTable();
  await inParallel(slices(items, 25), concurrency, async (slice) => {
    await before?.(what, slice.length);
    let todo = slice.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; todo.length > 0; attempt++) {
      if (attempt > 0) await pause(attempt);
      const out: BatchWriteCommandOutput = await documentClient().send(new BatchWriteCommand({ RequestItems: { [table]: todo } }));
      todo = (out.UnprocessedItems?.[table] ?? []) as typeof todo;
    }
  });
}
