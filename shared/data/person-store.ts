// data: everything the Records table holds about a person, for `person show` and
// `person erase` (use-cases/person-data). Found through index byPerson (keys.ts).
// use case --> (PersonDataStore) --> DynamoDB
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { AppliedEvent } from '../domain/ingest/applied-event.js';
import type { HeldRecord, PersonDataStore } from '../use-cases/person-data/port.js';
import { queryAll } from './dynamo-toolkit.js';
import { dossierKey, personPartition, storedRecordOf, stripStorage } from './keys.js';
import type { PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { deleteRejected, rejectedOf } from './rejected-events.js';
import { openSealed } from './sealed-records.js';

type Item = Record<string, unknown>;

/** A record as stored (`item`) and as opened with its person's key (`opened`). */
function held(item: Item, opened: Item): HeldRecord | undefined {
  const stored = storedRecordOf(opened);
  if (!stored) return undefined;
  const attendee = item.attendee as Item | undefined;
  return {
    key: { pk: item.pk as string, sk: item.sk as string },
    stored,
    sealed: item.sealedProfile !== undefined || attendee?.sealedProfile !== undefined,
  };
}

/**
 * The person data store on the Records table; `vault` opens (and erases) the persons' keys.
 * @example
 * const store = createDynamoPersonDataStore({ documentClient: clients.documentClient, tableName: 'dangvien-Records', vault });
 * const report = await showPerson(store, 'M1');
 */
export function createDynamoPersonDataStore(opts: RecordsTable & { vault: PersonalVault }): PersonDataStore {
  const { documentClient, tableName, vault } = opts;
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
      return {
        records,
        auditTrail: items.filter((i) => i.entity === 'event').map((i) => stripStorage<AppliedEvent>(i)),
        rejected: await rejectedOf(
          vault,
          items.filter((i) => i.entity === 'rejected'),
        ),
      };
    },
    destroyKey: (personId) => vault.erase(personId),
    async dropSealedProfile(record) {
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: record.key,
            // The version moves on, so that an ingest that read the record before the
            // erasure cannot write its opened profile back (its condition fails; it reloads).
            UpdateExpression:
              record.stored.entity === 'transfer'
                ? 'REMOVE sealedProfile, attendee.sealedProfile SET version = version + :one'
                : 'REMOVE sealedProfile SET version = version + :one',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':v': (record.stored.record as { version: number }).version, ':one': 1 },
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return false;
        throw error;
      }
    },
    forgetRejected: (r) => deleteRejected({ documentClient, tableName }, r),
  };
}
