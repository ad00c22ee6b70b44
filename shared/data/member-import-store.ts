// data: the Records table as the bulk import sees it (use-cases/import-members).
// use case --> (MemberImportStore) --> DynamoDB
//
// Batched and parallel through the one DynamoDB toolkit: BatchGetItem (100 keys,
// consistent reads) and BatchWriteItem (25 puts), unprocessed keys and items retried
// with bounded backoff. The markers are the same items the ingest leaves (event-marker.ts).
import type { MemberRecord } from '../domain/records.js';
import type { MemberImportStore } from '../use-cases/import-members/port.js';
import type { OrgTreeReader } from '../use-cases/org-tree.js';
import type { FiguresStore } from '../use-cases/refresh-figures/port.js';
import { batchGetAll, batchWriteAll } from './dynamo-toolkit.js';
import { markerItem } from './event-marker.js';
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { eventKey, FIGURES_BY_IMPORT, importFiguresKey, memberKey, stripStorage, toItem } from './keys.js';
import type { PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { openSealed, sealed } from './sealed-records.js';

export interface DynamoMemberImportStoreOptions extends RecordsTable {
  vault: PersonalVault;
  orgTree: OrgTreeReader;
  /** The figures function's store, where the import counts what it wrote. */
  figures: FiguresStore;
  /** BatchWriteItem / BatchGetItem requests in flight at once (default 16). */
  concurrency?: number;
}

/**
 * The import's store on the Records table.
 * @example
 * const store = createDynamoMemberImportStore({ documentClient: clients.documentClient, tableName: 'dangvien-Records', vault, orgTree });
 * const summary = await importMembers(readFileSync('members.csv'), store);
 */
export function createDynamoMemberImportStore(opts: DynamoMemberImportStoreOptions): MemberImportStore {
  const { documentClient, tableName, vault, orgTree, figures } = opts;
  const concurrency = opts.concurrency ?? 16;
  const write = (items: Record<string, unknown>[]) => batchWriteAll(documentClient, tableName, items, { concurrency });
  return {
    currentOrgTree: () => orgTree.currentOrgTree(),
    figures,
    memberPk: (memberId) => memberKey(memberId).pk,
    async beginFileRun(fileHash) {
      // One put that returns the note it replaced: two runs beginning at once cannot both
      // read "counted" (the second reads the first's note).
      const runId = randomUUID();
      const out = await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...importFiguresKey(fileHash), entity: 'import-figures', runId, counted: false },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { runId, counted: out.Attributes?.counted === true };
    },
    async finishFileRun(fileHash, runId) {
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...importFiguresKey(fileHash), entity: 'import-figures', runId, counted: true, countedAt: new Date().toISOString() },
            ConditionExpression: 'runId = :runId',
            ExpressionAttributeValues: { ':runId': runId },
          }),
        );
      } catch (error) {
        // Another run of the file began since: its note stays, and says "not counted".
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    async findMarkers(source, eventIds) {
      const byPk = new Map(eventIds.map((id) => [eventKey(source, id).pk, id]));
      const keys = eventIds.map((id) => eventKey(source, id));
      const items = await batchGetAll(documentClient, tableName, keys, { concurrency, consistentRead: true, projection: 'pk' });
      return new Set(items.map((item) => byPk.get(String(item.pk))!));
    },
    async findMembers(memberIds) {
      const items = await openSealed(
        vault,
        await batchGetAll(documentClient, tableName, [...new Set(memberIds)].map(memberKey), { concurrency, consistentRead: true }),
      );
      return new Map(items.map((item) => stripStorage<MemberRecord>(item)).map((m) => [m.memberId, m]));
    },
    async findMembersForFigures(memberIds) {
      // The figures read members from the stream without the vault: the sealed profile stays sealed, and is dropped.
      const items = await batchGetAll(documentClient, tableName, [...new Set(memberIds)].map(memberKey), {
        concurrency,
        consistentRead: true,
      });
      return new Map(items.map((item) => stripStorage<MemberRecord>(item)).map((m) => [m.memberId, m]));
    },
    erasures: (personIds) => vault.erasures(personIds),
    putMembers: async (members) => {
      const items = await sealed(
        vault,
        members.map((record) => toItem({ entity: 'member', record })),
      );
      await write(items.map((item) => ({ ...item, ...FIGURES_BY_IMPORT })));
    },
    async putMarkers(markers) {
      // Each hash sealed under its member's key (event-marker.ts): made with the member's record.
      const keys = await vault.keys(
        markers.flatMap((m) => (m.personId ? [m.personId] : [])),
        { create: true },
      );
      await write(markers.map((m) => markerItem(m, m.personId ? keys.get(m.personId) : undefined)));
    },
  };
}
