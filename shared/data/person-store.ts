// data: everything the tables hold about a person, for `person show` and `person erase`
// (use-cases/person-data). Found through index byPerson (keys.ts), and for the facts of a
// member's events written before facts carried their person, from the member's record.
// An erasure rewrites what stays under the person's pseudonym (domain/pseudonyms.ts): a
// member moves to the key of its pseudonym (`MEMBER#~…`), and the figures follow the
// move through the stream (the contribution of a record that no longer exists goes with
// it: use-cases/refresh-figures/as-of.ts).
// use case --> (PersonDataStore) --> DynamoDB
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { memberFactKeys } from '../domain/ingest/members.js';
import { factNames, pseudonymizedAudit, pseudonymizedFact, pseudonymizedRecord } from '../domain/pseudonyms.js';
import type { FactRecord, MemberRecord } from '../domain/records.js';
import type { HeldRecord, ItemKey, PersonDataStore } from '../use-cases/person-data/port.js';
import { batchGetAll, queryAll } from './dynamo-toolkit.js';
import { markerOf } from './event-marker.js';
import { dossierKey, factKey, holdKey, keyOf, personPartition, storedRecordOf, stripStorage, toItem } from './keys.js';
import type { PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { deleteRejected, linkedRejected, rejectedOf } from './rejected-events.js';
import { openSealed } from './sealed-records.js';

type Item = Record<string, unknown>;

/** A record as stored (`item`) and as opened with its person's key (`opened`). */
function held(item: Item, opened: Item): HeldRecord | undefined {
  const stored = storedRecordOf(opened);
  if (!stored || stored.entity === 'fact') return undefined;
  const attendee = item.attendee as Item | undefined;
  return {
    key: { pk: item.pk as string, sk: item.sk as string },
    stored,
    sealed: item.sealedProfile !== undefined || attendee?.sealedProfile !== undefined,
  };
}

const keyOfItem = (item: Item): ItemKey => ({ pk: String(item.pk), sk: String(item.sk) });

/** Attributes a record under a pseudonym does not keep: its place in index byPerson, and for a member its reminders (nobody can act on a pseudonym). */
const withoutPersonIndex = (item: Item, entity: string): Item => {
  const { personKey: _person, remindOn, remindMonth, ...rest } = item;
  return entity === 'member' ? rest : { ...rest, ...(remindOn ? { remindOn, remindMonth } : {}) };
};

/**
 * The person data store on the Records table (and the Figures table, where the reminders
 * job keeps what it sent); `vault` opens, erases and names.
 * @example
 * const store = createDynamoPersonDataStore({ documentClient: clients.documentClient, tableName: 'dangvien-Records', figuresTable: 'dangvien-Figures', vault });
 * const report = await showPerson(store, 'M1');
 */
export function createDynamoPersonDataStore(opts: RecordsTable & { figuresTable: string; vault: PersonalVault }): PersonDataStore {
  const { documentClient, tableName, figuresTable, vault } = opts;
  const table: RecordsTable = { documentClient, tableName };

  /** Facts named after a member, as its record places them, that exist. */
  const derivedFacts = async (members: MemberRecord[]): Promise<Item[]> => {
    const keys = members.flatMap((m) => memberFactKeys(m).map(factKey));
    return keys.length === 0 ? [] : batchGetAll(documentClient, tableName, keys, { consistentRead: true });
  };

  return {
    async holdingsOf(personId) {
      const { items } = await queryAll(documentClient, {
        TableName: tableName,
        IndexName: 'byPerson',
        KeyConditionExpression: 'personKey = :p',
        ExpressionAttributeValues: { ':p': personPartition(personId) },
      });
      const member = items.find((i) => i.entity === 'member');
      if (typeof member?.dossierId === 'string') {
        const out = await documentClient.send(
          new GetCommand({ TableName: tableName, Key: dossierKey(member.dossierId), ConsistentRead: true }),
        );
        if (out.Item) items.push(out.Item);
      }
      const opened = await openSealed(vault, items);
      const records = items.flatMap((item, i) => held(item, opened[i]!) ?? []);
      const members = records.flatMap((r) => (r.stored.entity === 'member' ? [r.stored.record] : []));
      const facts = new Map<string, Item>();
      for (const item of [...items.filter((i) => i.entity === 'fact'), ...(await derivedFacts(members))]) {
        facts.set(`${String(item.pk)}/${String(item.sk)}`, item);
      }
      const links = items.filter((i) => i.entity === 'rejected-link');
      // A message group held behind an event about them: the group is the person's id, or
      // `dossier:<id>` for a step that names only the dossier (group-holds.ts). The hold names
      // the person and what the parked events touch; the events themselves, in the dead-letter
      // queue, are refused `erased` when they come back.
      const dossiers = records.flatMap((r) => (r.stored.entity === 'dossier' ? [r.stored.record.dossierId] : []));
      const holds = await batchGetAll(documentClient, tableName, [personId, ...dossiers.map((d) => `dossier:${d}`)].map(holdKey), {
        consistentRead: true,
        projection: 'pk, sk',
      });
      return {
        records,
        auditTrail: items.filter((i) => i.entity === 'event').map((i) => ({ ...markerOf(i, new Map()), key: keyOfItem(i) })),
        rejected: await rejectedOf(vault, [...items.filter((i) => i.entity === 'rejected'), ...(await linkedRejected(table, links))]),
        facts: [...facts.values()].map((i) => ({ key: keyOfItem(i), record: stripStorage<FactRecord>(i) })),
        notes: [...links, ...items.filter((i) => i.entity === 'deferred'), ...holds].map(keyOfItem),
      };
    },
    tombstone: (personId, erasedAt) => vault.tombstone(personId, erasedAt),
    destroyKey: (personId) => vault.erase(personId),

    async pseudonymizeRecord(record, names) {
      const version = (record.stored.record as { version: number }).version;
      const renamed = pseudonymizedRecord(record.stored, names);
      // The version moves on, so that an ingest that read the record before the erasure
      // cannot write it back (its condition fails; it reads the tombstone).
      const next = { ...renamed, record: { ...renamed.record, version: version + 1 } } as typeof renamed;
      const item = withoutPersonIndex(toItem(next), next.entity);
      const moves = keyOf(next).pk !== record.key.pk;
      try {
        if (!moves) {
          await documentClient.send(
            new PutCommand({
              TableName: tableName,
              Item: item,
              ConditionExpression: 'version = :v',
              ExpressionAttributeValues: { ':v': version },
            }),
          );
          return true;
        }
        await documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: tableName,
                  Key: record.key,
                  ConditionExpression: 'version = :v',
                  ExpressionAttributeValues: { ':v': version },
                },
              },
              { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        if (error instanceof TransactionCanceledException) {
          // A member erased before under the same id (readmitted since) holds the pseudonym's key: a suffix tells them apart.
          if (error.CancellationReasons?.[1]?.Code === 'ConditionalCheckFailed' && record.stored.entity === 'member') {
            const id = record.stored.record.memberId;
            const taken = names.get(id) ?? id;
            const again = new Map(names).set(id, `${taken.replace(/\.\d+$/, '')}.${Number(/\.(\d+)$/.exec(taken)?.[1] ?? 1) + 1}`);
            return this.pseudonymizeRecord(record, again);
          }
          if (error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
        }
        throw error;
      }
    },

    async pseudonymizeFact(fact, names) {
      const renamed = pseudonymizedFact(fact.record, names);
      const { personKey: _person, ...item } = toItem({ entity: 'fact', record: renamed });
      if (!factNames(fact.record.factId, names)) {
        await documentClient.send(new UpdateCommand({ TableName: tableName, Key: fact.key, UpdateExpression: 'REMOVE personKey' }));
        return;
      }
      try {
        await documentClient.send(
          new TransactWriteCommand({
            TransactItems: [
              { Delete: { TableName: tableName, Key: fact.key, ConditionExpression: 'attribute_exists(pk)' } },
              { Put: { TableName: tableName, Item: item } },
            ],
          }),
        );
      } catch (error) {
        // Renamed already (an erasure done again).
        if (!(error instanceof TransactionCanceledException)) throw error;
      }
    },

    async pseudonymizeMarker(marker, names) {
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: marker.key,
            UpdateExpression: 'SET audit = :audit REMOVE personId, personKey, #hash, sealedHash',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#hash': 'hash' },
            ExpressionAttributeValues: { ':audit': pseudonymizedAudit(marker.audit, names) },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },

    forgetRejected: (r) => deleteRejected(table, r),

    async forgetNotes(notes) {
      for (const key of notes) await documentClient.send(new DeleteCommand({ TableName: tableName, Key: key }));
    },

    async forgetReminders(memberIds) {
      for (const memberId of memberIds) {
        // Each reminder recorded as sent (reminder-store.ts), its place in its day's list, and its outbox item if still there.
        const sent = `SENT#MEMBER#${memberId}`;
        const { items } = await queryAll(documentClient, {
          TableName: figuresTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': sent },
        });
        for (const item of items) {
          const outboxId = `${sent}|${String(item.sk)}`;
          const keys = [
            { pk: `REMINDED#${String(item.sentOn)}`, sk: outboxId },
            { pk: 'OUTBOX', sk: outboxId },
            { pk: sent, sk: item.sk },
          ];
          for (const key of keys) await documentClient.send(new DeleteCommand({ TableName: figuresTable, Key: key }));
        }
      }
    },
  };
}
