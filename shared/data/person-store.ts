// data: everything the Records table holds about a person, for `person show` and
// `person erase` (use-cases/person-data.ts). Found through index byPerson (keys.ts).
// use case --> (PersonDataStore) --> DynamoDB
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { HeldRecord, PersonDataStore } from '../use-cases/person-data.js';
import type { AppliedEvent } from '../use-cases/ports.js';
import { documentClient } from './clients.js';
import { config } from './config.js';
import { queryAll } from './dynamo-toolkit.js';
import { deleteRejected, openSealed, rejectedOf } from './ingest-store.js';
import { dossierKey, personPartition, storedRecordOf, stripStorage } from './keys.js';
import { dynamoVault } from './personal-vault.js';

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

/** The person data store on the Records table. */
export const dynamoPersonDataStore: PersonDataStore = {
  async holdingsOf(personId) {
    const { items } = await queryAll({
      TableName: config.recordsTable(),
      IndexName: 'byPerson',
      KeyConditionExpression: 'personKey = :p',
      ExpressionAttributeValues: { ':p': personPartition(personId) },
    });
    const member = items.find((i) => i.entity === 'member');
    if (typeof member?.dossierId === 'string') {
      const out = await documentClient().send(
        new GetCommand({ TableName: config.recordsTable(), Key: dossierKey(member.dossierId), ConsistentRead: true }),
      );
      if (out.Item) items.push(out.Item);
    }
    const opened = await openSealed(items);
    const records = items.flatMap((item, i) => held(item, opened[i]!) ?? []);
    return {
      records,
      auditTrail: items.filter((i) => i.entity === 'event').map((i) => stripStorage<AppliedEvent>(i)),
      rejected: await rejectedOf(items.filter((i) => i.entity === 'rejected')),
    };
  },
  destroyKey: (personId) => dynamoVault.erase(personId),
  async dropSealedProfile(record) {
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: config.recordsTable(),
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
  forgetRejected: (r) => deleteRejected(r.id, r.rejectedAt),
};
