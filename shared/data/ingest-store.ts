// data: what the ingest reads and writes in the Records table: the records an event's
// decision needs, and the one transaction that applies it with its marker. The rejected
// and waiting events, the markers and the redrive grants each have their module, shared
// with the operator's stores.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { LoadedState, Needs, Write } from '../domain/ingest/decision-types.js';
import type { CandidateRecord, DossierRecord, MemberRecord, OrgRecord, TransferRecord } from '../domain/records.js';
import type { AppliedEvent, CommitResult, IngestStore, WaitingRef } from '../use-cases/ingest-event/port.js';
import type { OrgTreeReader } from '../use-cases/org-tree.js';
import {
  candidateKey,
  deferredKey,
  dossierKey,
  factKey,
  memberKey,
  orgKey,
  cellPartition,
  personPartition,
  stripStorage,
  toItem,
  transferKey,
} from './keys.js';
import { clearDeferred, countWaiting, isDeferred, storeDeferred } from './deferred-events.js';
import { countEvents, countRejectedKept, noteQuotaReached } from './quotas.js';
import { batchGetAll, queryAll } from './dynamo-toolkit.js';
import { findApplied, markerItem } from './event-marker.js';
import { loadAllOrgs, orgTreeChanged } from './org-records.js';
import { stillSealsWith, type PersonalVault, type PersonKey } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { findRedriveGrant, useRedriveGrant } from './redrive-grant.js';
import { rejectedBodiesAbout, storeRejected } from './rejected-events.js';
import { resealPerson } from './reseal.js';
import { openSealed, personKeys, sealed, sealingPersonOf } from './sealed-records.js';

export interface DynamoIngestStoreOptions extends RecordsTable {
  /** The keys that seal profiles and rejected bodies. */
  vault: PersonalVault;
  /** The process's org tree reader (org-tree.ts), shared with the other stores that read the tree. */
  orgTree: OrgTreeReader;
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
type Loader = { key: Record<string, string>; look: string; put: (item: Record<string, unknown>) => void };

/**
 * The ingest's store on the Records table.
 * @example
 * const clients = createAwsClients({ region: 'ap-southeast-1' });
 * const records = { documentClient: clients.documentClient, tableName: 'dangvien-Records' };
 * const store = createDynamoIngestStore({
 *   ...records,
 *   vault: createDynamoVault({ ...records, masterSecret: fileMasterSecret('.local/personal-data.key') }),
 *   orgTree: createDynamoOrgTreeReader(records),
 * });
 * await ingestEvent(store, body, { messageId, receiveCount: 1 });
 */
export function createDynamoIngestStore(opts: DynamoIngestStoreOptions): IngestStore {
  const { documentClient, tableName, vault, orgTree } = opts;
  const table: RecordsTable = { documentClient, tableName };
  const withVault = { ...table, vault };

  /**
   * The persons' keys opened while loading one event's state, so that its commit seals with
   * them instead of reading the salts again. Held no longer than the state itself; a salt
   * erased in between leaves the commit sealed under a key nobody can make again.
   */
  const openedKeys = new WeakMap<LoadedState, Map<string, PersonKey>>();
  const keysOpenedFor = (state: LoadedState): Map<string, PersonKey> => {
    let keys = openedKeys.get(state);
    if (!keys) {
      keys = new Map();
      openedKeys.set(state, keys);
    }
    return keys;
  };

  const batchGet = async (loaders: Loader[], known: Map<string, PersonKey>): Promise<void> => {
    const keys = loaders.map((l) => l.key);
    const items = await openSealed(vault, await batchGetAll(documentClient, tableName, keys, { consistentRead: true }), known);
    for (const item of items) loaders.find((l) => l.key.pk === item.pk && l.key.sk === item.sk)?.put(item);
  };

  /** How many of a cell's items in index byCell pass `filter` (names and values beside `:c`). */
  const countInCell = async (orgId: string, filter: string, values: Record<string, string>): Promise<number> => {
    const { count } = await queryAll(documentClient, {
      TableName: tableName,
      IndexName: 'byCell',
      KeyConditionExpression: 'cellKey = :c',
      FilterExpression: filter,
      ExpressionAttributeValues: { ':c': cellPartition(orgId), ...values },
      Select: 'COUNT',
    });
    return count;
  };

  /**
   * Members on the cell's rolls, and those in transit from it (a cancel would bring them
   * back): each has an item in index byCell, the member or its pending official transfer.
   */
  const countActiveMembers = (orgId: string) =>
    countInCell(orgId, 'entity = :member OR (entity = :transfer AND kind = :official AND fromOrgId = :cell)', {
      ':member': 'member',
      ':transfer': 'transfer',
      ':official': 'official',
      ':cell': orgId,
    });

  /** Open dossiers of the cell: each has an item in index byCell while it is open. */
  const countOpenDossiers = (orgId: string) => countInCell(orgId, 'entity = :dossier', { ':dossier': 'dossier' });

  return {
    findApplied: (key) => findApplied(table, vault, key),
    redriveGrantFor: (token, body, messageId) => findRedriveGrant(withVault, token, body, messageId),
    useRedriveGrant: (token, messageId) => useRedriveGrant(table, token, messageId),
    storeRejected: (rejected) => storeRejected(withVault, rejected),
    rejectedBodiesAbout: (personId, senderId, limit) => rejectedBodiesAbout(table, personId, senderId, limit),
    followCorrection: async (personId, correction) => {
      await resealPerson(withVault, personId, { correction });
    },
    erasures: (personIds) => vault.erasures(personIds),
    storeDeferred: (waiting, reason, message) => storeDeferred(table, waiting, reason, message),
    clearDeferred: (waiting) => clearDeferred(table, waiting),
    isDeferred: (waiting) => isDeferred(table, waiting),
    countWaiting: (quotaKey) => countWaiting(table, quotaKey),
    noteQuotaReached: (reached) => noteQuotaReached(table, reached),
    countEvents: (quotaKey, minute, n) => countEvents(table, quotaKey, minute, n),
    countRejectedKept: (quotaKey) => countRejectedKept(table, quotaKey),
    // The copy the figures and the report keep too: one counter read, the whole tree only when it moved.
    currentOrgTree: () => orgTree.currentOrgTree(),

    async loadNeeds(needs: Needs, state: LoadedState): Promise<boolean> {
      const loaders: Loader[] = [];
      const want = <T>(kind: string, ids: string[], key: (id: string) => Record<string, string>, map: Map<string, T>) => {
        for (const id of ids) {
          const look = `${kind}:${id}`;
          if (state.looked.has(look) || loaders.some((l) => l.look === look)) continue;
          loaders.push({ key: key(id), look, put: (item) => map.set(id, stripStorage<T>(item)) });
        }
      };
      if (!state.allOrgsLoaded) want<OrgRecord>('org', needs.orgs, orgKey, state.orgs);
      want<MemberRecord>('member', needs.members, memberKey, state.members);
      want<DossierRecord>('dossier', needs.dossiers, dossierKey, state.dossiers);
      want<TransferRecord>('transfer', needs.transfers, transferKey, state.transfers);
      want<CandidateRecord>('candidate', needs.candidates ?? [], candidateKey, state.candidates);
      let loaded = loaders.length > 0;
      await batchGet(loaders, keysOpenedFor(state));
      for (const l of loaders) state.looked.add(l.look);

      if (needs.allOrgs && !state.allOrgsLoaded) {
        for (const org of await loadAllOrgs(table)) state.orgs.set(org.orgId, org);
        state.allOrgsLoaded = true;
        loaded = true;
      }
      for (const orgId of needs.activeMembersOf ?? []) {
        if (state.activeMembers.has(orgId)) continue;
        state.activeMembers.set(orgId, await countActiveMembers(orgId));
        loaded = true;
      }
      for (const orgId of needs.openDossiersOf ?? []) {
        if (state.openDossiers.has(orgId)) continue;
        state.openDossiers.set(orgId, await countOpenDossiers(orgId));
        loaded = true;
      }
      return loaded;
    },

    /**
     * Writes the state change and the event's marker in one transaction, so that a crash
     * can never leave one without the other and a retry finds the marker and does nothing.
     */
    async commit(
      marker: AppliedEvent,
      writes: readonly Write[],
      commitOpts: { clearDeferred?: WaitingRef; loaded?: LoadedState },
    ): Promise<CommitResult> {
      const known = commitOpts.loaded ? keysOpenedFor(commitOpts.loaded) : new Map<string, PersonKey>();
      const plain = writes.map((w) => (w.entity === 'fact' ? {} : toItem(w)));
      const recordItems = await sealed(vault, plain, known);
      const about = marker.personId;
      if (about) await personKeys(vault, [about], true, known);
      // A fact is part of its event's person's history: found and renamed with it on an erasure.
      const factPerson = about ? { personKey: personPartition(about) } : {};
      const items: TransactItem[] = writes.map((w, i): TransactItem => {
        if (w.entity === 'fact') {
          return w.op === 'put'
            ? {
                Put: {
                  TableName: tableName,
                  Item: { ...toItem({ entity: 'fact', record: w.record }), ...factPerson, lastEventId: marker.eventId },
                },
              }
            : { Delete: { TableName: tableName, Key: factKey(w.record) } };
        }
        const condition =
          w.expectedVersion === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :v', ExpressionAttributeValues: { ':v': w.expectedVersion } };
        // The event that wrote it last: the figures log it, so one event can be followed
        // from the ingest through the stream (Logs Insights: `filter eventId = …`).
        return { Put: { TableName: tableName, Item: { ...recordItems[i], lastEventId: marker.eventId }, ...condition } };
      });
      if (writes.some((w) => w.entity === 'org' && !w.sameTree)) items.push(orgTreeChanged(tableName));
      const markerIndex = items.length;
      items.push({
        Put: {
          TableName: tableName,
          Item: markerItem(marker, about ? known.get(about) : undefined),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
      if (commitOpts.clearDeferred) items.push({ Delete: { TableName: tableName, Key: deferredKey(commitOpts.clearDeferred) } });
      // Every key that sealed something here must still be the one that seals: a correction
      // that replaced it, or an erasure that destroyed it, since it was read makes this stale.
      const sealers = new Set([...plain.map(sealingPersonOf), about].filter((p): p is string => p !== undefined));
      for (const person of sealers) items.push(stillSealsWith(tableName, known.get(person)!));
      try {
        await documentClient.send(new TransactWriteCommand({ TransactItems: items }));
        return 'committed';
      } catch (error) {
        if (error instanceof TransactionCanceledException) {
          const reasons = error.CancellationReasons ?? [];
          if (reasons[markerIndex]?.Code === 'ConditionalCheckFailed') return 'already-applied';
          if (reasons.some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict')) return 'stale';
        }
        throw error;
      }
    },
  };
}
