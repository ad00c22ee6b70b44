// data: personal data sealed at rest, one key per person, erased by destroying the key
// (crypto-shredding, CONTRACT §11).
//
//   pk            sk      what
//   PERSON#<id>   SALT    32 random bytes; with the master secret they make the person's key
//   VAULT         MASTER  in the cloud: the master secret, encrypted by the KMS key
//
// A person's key is HKDF(master, salt): it exists only in memory. Every profile the
// Records table keeps (members, dossiers, attendees) and every rejected body is sealed
// with AES-256-GCM under the key of the person it is about, the person's id as the
// associated data (a blob copied onto another person's item does not open). Deleting
// the salt makes every copy unreadable at once, also those in stream records, backups
// and the free pages of a database file, which no delete can reach.
//
// The master secret never sits beside the data: in the cloud it is a KMS data key
// (one Decrypt per Lambda container), locally a file in the data directory. Which one a
// process uses is its composition root's choice; the vault only loads it, once.
import { hkdfSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { PERSONAL_DATA_KEY_CONTEXT } from '../resources.js';
import { batchGetAll, chunks } from './dynamo-toolkit.js';
import { mapLimit } from '../map-limit.js';
import type { RecordsTable } from './records-table.js';
import type { PersonKey } from './sealing.js';
import { lazy } from '../lazy.js';

/** Once per process, in the cloud only: the master secret is decrypted on first use. */
const kmsModule = lazy(() => import('@aws-sdk/client-kms'));

export const saltKey = (personId: string) => ({ pk: `PERSON#${personId}`, sk: 'SALT' });
const masterKey = { pk: 'VAULT', sk: 'MASTER' } as const;

export { isSealed, open, seal, type PersonKey } from './sealing.js';

const INFO = 'dangvien/personal-data/v1';

/** Where the master secret comes from. */
export interface MasterSecret {
  load(): Promise<Buffer>;
}

/**
 * Locally: a file of 32 random bytes in the data directory, made on first use. Created
 * exclusively (`wx`), so that two processes starting together agree on one secret.
 */
export function fileMasterSecret(path: string): MasterSecret {
  return {
    async load() {
      try {
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, randomBytes(32), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const secret = readFileSync(path);
      if (secret.length !== 32) throw new Error(`${path} is not a 32-byte personal data master key`);
      return secret;
    },
  };
}

/**
 * In the cloud: a KMS data key of `keyArn`, kept encrypted in the Records table and
 * decrypted once per process. The first process to need it generates it; a conditional
 * put makes all others use that one.
 */
export function kmsMasterSecret(opts: RecordsTable & { keyArn: string; region: string }): MasterSecret {
  const { documentClient, tableName, keyArn, region } = opts;
  return {
    async load() {
      const { KMSClient, DecryptCommand, GenerateDataKeyCommand } = await kmsModule();
      const kms = new KMSClient({ region });
      const context = { ...PERSONAL_DATA_KEY_CONTEXT };
      const stored = await documentClient.send(new GetCommand({ TableName: tableName, Key: masterKey, ConsistentRead: true }));
      if (stored.Item?.ciphertext) {
        const out = await kms.send(
          new DecryptCommand({ CiphertextBlob: Buffer.from(stored.Item.ciphertext as string, 'base64'), EncryptionContext: context }),
        );
        return Buffer.from(out.Plaintext ?? []);
      }
      const made = await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }));
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...masterKey, entity: 'vault', ciphertext: Buffer.from(made.CiphertextBlob ?? []).toString('base64') },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return Buffer.from(made.Plaintext ?? []);
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return this.load();
      }
    },
  };
}

/** The keys of persons, from their salts in the Records table. */
export interface PersonalVault {
  /**
   * The keys of these persons. `create`: a person without a salt gets one (a write that
   * seals); otherwise such a person is left out of the map (erased, or never sealed).
   */
  keys(personIds: Iterable<string>, opts: { create: boolean }): Promise<Map<string, PersonKey>>;
  /** Destroys a person's key: every copy sealed under it becomes unreadable. False when there was none. */
  erase(personId: string): Promise<boolean>;
}

function derive(master: Buffer, personId: string, salt: Buffer): PersonKey {
  return { personId, key: Buffer.from(hkdfSync('sha256', master, salt, INFO, 32)) };
}

/**
 * The vault in the Records table: the salts beside the data, the master secret loaded
 * once from `masterSecret` (a failed load is not kept: the next call tries again).
 * @example
 * const vault = createDynamoVault({
 *   documentClient: clients.documentClient,
 *   tableName: 'dangvien-Records',
 *   masterSecret: fileMasterSecret('.local/personal-data.key'),
 * });
 * const keys = await vault.keys(['M1'], { create: true });
 */
export function createDynamoVault(opts: RecordsTable & { masterSecret: MasterSecret }): PersonalVault {
  const table: RecordsTable = { documentClient: opts.documentClient, tableName: opts.tableName };
  let master: Promise<Buffer> | undefined;
  const masterSecret = (): Promise<Buffer> => {
    if (!master) {
      const loading = opts.masterSecret.load();
      loading.catch(() => {
        if (master === loading) master = undefined;
      });
      master = loading;
    }
    return master;
  };
  return {
    async keys(personIds, { create }) {
      const ids = [...new Set(personIds)];
      const found = new Map<string, PersonKey>();
      if (ids.length === 0) return found;
      const secret = await masterSecret();
      const items = await batchGetAll(table.documentClient, table.tableName, ids.map(saltKey), { consistentRead: true });
      for (const item of items) {
        const personId = (item.pk as string).slice('PERSON#'.length);
        found.set(personId, derive(secret, personId, Buffer.from(item.salt as string, 'base64')));
      }
      if (!create) return found;
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length === 1) {
        found.set(missing[0]!, derive(secret, missing[0]!, await createSalt(table, missing[0]!)));
        return found;
      }
      for (const [personId, salt] of await createSalts(table, missing)) found.set(personId, derive(secret, personId, salt));
      return found;
    },
    async erase(personId) {
      const out = await table.documentClient.send(
        new DeleteCommand({ TableName: table.tableName, Key: saltKey(personId), ReturnValues: 'ALL_OLD' }),
      );
      return out.Attributes !== undefined;
    },
  };
}

/**
 * New salts for many persons (the bulk import: a thousand at a time), each still only if
 * the person has none: a hundred conditional puts per transaction instead of a request
 * each, which on DynamoDB Local was the import's slowest part (one PutItem per row). A
 * transaction refused because another writer made one of those salts first (or held it)
 * is done again person by person, each taking the salt that is there.
 */
async function createSalts(table: RecordsTable, personIds: readonly string[]): Promise<Map<string, Buffer>> {
  const made = new Map<string, Buffer>();
  await mapLimit(chunks(personIds, SALTS_PER_TRANSACTION), 16, async (group) => {
    const salts = group.map((personId) => [personId, randomBytes(32)] as const);
    try {
      await table.documentClient.send(
        new TransactWriteCommand({
          TransactItems: salts.map(([personId, salt]) => ({
            Put: {
              TableName: table.tableName,
              Item: { ...saltKey(personId), entity: 'salt', salt: salt.toString('base64') },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        }),
      );
      for (const [personId, salt] of salts) made.set(personId, salt);
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      for (const personId of group) made.set(personId, await createSalt(table, personId));
    }
  });
  return made;
}

/** TransactWriteItems' limit. */
const SALTS_PER_TRANSACTION = 100;

/** A new salt, unless another writer made one first: then that one. */
async function createSalt({ documentClient, tableName }: RecordsTable, personId: string): Promise<Buffer> {
  const salt = randomBytes(32);
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...saltKey(personId), entity: 'salt', salt: salt.toString('base64') },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return salt;
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: saltKey(personId), ConsistentRead: true }));
    return Buffer.from(out.Item?.salt as string, 'base64');
  }
}
