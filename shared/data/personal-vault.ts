// data: personal data sealed at rest, one key per person, erased by destroying the key
// (crypto-shredding, docs/security.md).
//
//   pk            sk      what
//   PERSON#<id>   SALT    32 random bytes; with the master secret they make the person's key
//   VAULT         MASTER  in the cloud: the master secret, encrypted by the KMS key
//   VAULT         IN-USE  written when a process first uses the master, before any salt
//
// A master secret is made only for a table whose master was never used (no IN-USE item):
// nothing can be sealed under it yet. Once it was, a missing master is an error that
// stops the work loudly (MasterSecretMissingError), never replaced by a new one: every
// profile would then read as absent, and the old master, restored from a backup, would
// no longer fit the salts made since. The IN-USE item is kept apart from the master, so
// that deleting the master item (or the local key file) does not delete the evidence.
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
import { closeSync, constants, fstatSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
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
/** Present once a process used the master secret: data sealed under it may exist. */
export const inUseKey = { pk: 'VAULT', sk: 'IN-USE' } as const;

/**
 * The master secret is gone while the Records table holds data sealed under it. Nothing
 * that seals or opens personal data can go on until it is restored from a backup.
 */
export class MasterSecretMissingError extends Error {
  constructor(where: string) {
    super(
      `the personal data master secret (${where}) is missing, but the Records table holds personal data sealed under it: ` +
        'restore it from a backup. A new secret is never made in its place: every profile would read as absent.',
    );
    this.name = 'MasterSecretMissingError';
  }
}

/** The local key file is not one this user alone could have written: it is not read. */
export class UnsafeKeyFileError extends Error {
  constructor(path: string, why: string) {
    super(`refusing to read the personal data master key ${path}: ${why}`);
    this.name = 'UnsafeKeyFileError';
  }
}

/** Whether data may have been sealed under the master secret of this Records table (its IN-USE item). */
export async function sealedDataExists({ documentClient, tableName }: RecordsTable): Promise<boolean> {
  const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: inUseKey, ConsistentRead: true }));
  return out.Item !== undefined;
}

/** Writes the IN-USE item (idempotent). */
async function markInUse({ documentClient, tableName }: RecordsTable): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...inUseKey, entity: 'vault', note: 'personal data is sealed under the master secret: never replace it' },
    }),
  );
}

export { isSealed, open, seal, type PersonKey } from './sealing.js';

const INFO = 'dangvien/personal-data/v1';

/** Where the master secret comes from. */
export interface MasterSecret {
  load(): Promise<Buffer>;
}

/**
 * The key file's bytes, or undefined when there is none. Read only if it is a regular
 * file (not a symbolic link: opened with O_NOFOLLOW), owned by this user and readable by
 * nobody else; the checks are made on the opened file, so it cannot be swapped between
 * the check and the read.
 * @param owner the user it must belong to: this process's.
 * @throws UnsafeKeyFileError otherwise.
 */
export function readKeyFile(path: string, owner: number | undefined = process.getuid?.()): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP' || code === 'EMLINK') throw new UnsafeKeyFileError(path, 'it is a symbolic link');
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw new UnsafeKeyFileError(path, 'it is not a regular file');
    if (owner !== undefined && stat.uid !== owner) {
      throw new UnsafeKeyFileError(path, `it belongs to user ${stat.uid}, not to you (${owner})`);
    }
    const mode = (stat.mode & 0o777).toString(8).padStart(4, '0');
    if ((stat.mode & 0o077) !== 0) {
      throw new UnsafeKeyFileError(
        path,
        `its mode is ${mode}: others may read or change it (it must be 0600; \`chmod 600\` it only if you know where it came from)`,
      );
    }
    const secret = readFileSync(fd);
    if (secret.length !== 32) throw new UnsafeKeyFileError(path, 'it is not a 32-byte personal data master key');
    return secret;
  } finally {
    closeSync(fd);
  }
}

/**
 * Locally: a file of 32 random bytes in the data directory, made on first use while no
 * data is sealed yet. Created exclusively (`wx`, mode 0600), so that two processes starting
 * together agree on one secret; read only after {@link readKeyFile}'s checks.
 * @param sealed whether data may be sealed already: {@link sealedDataExists} of the Records table.
 * @example
 * const secret = fileMasterSecret('.local/personal-data.key', () => sealedDataExists(records));
 */
export function fileMasterSecret(path: string, sealed: () => Promise<boolean>): MasterSecret {
  return {
    async load() {
      const existing = readKeyFile(path);
      if (existing) return existing;
      // Another process may have made the file (and sealed under it) since it was looked
      // for: read it again before calling it lost.
      if (await sealed()) {
        const madeMeanwhile = readKeyFile(path);
        if (madeMeanwhile) return madeMeanwhile;
        throw new MasterSecretMissingError(path);
      }
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, randomBytes(32), { flag: 'wx', mode: 0o600 });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const made = readKeyFile(path);
      if (!made) throw new Error(`${path} disappeared as it was made`);
      return made;
    },
  };
}

/** The two KMS calls the vault makes (a test passes a fake). */
export type KmsCalls = Pick<KMSClient, 'send'>;

/**
 * In the cloud: a KMS data key of `keyArn`, kept encrypted in the Records table and
 * decrypted once per process. The first process to need it generates it, while no data
 * is sealed yet (the table's IN-USE item); a conditional put makes all others use that one.
 * @param opts.kms the KMS client (default: one for `region`, made on first use).
 */
export function kmsMasterSecret(opts: RecordsTable & { keyArn: string; region: string; kms?: KmsCalls }): MasterSecret {
  const { documentClient, tableName, keyArn, region } = opts;
  return {
    async load() {
      const { KMSClient, DecryptCommand, GenerateDataKeyCommand } = await kmsModule();
      const kms = opts.kms ?? new KMSClient({ region });
      const context = { ...PERSONAL_DATA_KEY_CONTEXT };
      const stored = await documentClient.send(new GetCommand({ TableName: tableName, Key: masterKey, ConsistentRead: true }));
      if (stored.Item?.ciphertext) {
        const out = await kms.send(
          new DecryptCommand({ CiphertextBlob: Buffer.from(stored.Item.ciphertext as string, 'base64'), EncryptionContext: context }),
        );
        return Buffer.from(out.Plaintext ?? []);
      }
      if (await sealedDataExists({ documentClient, tableName })) throw new MasterSecretMissingError(`item VAULT/MASTER of ${tableName}`);
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

/**
 * Checks, without making anything, that the local key file can be used: a safe file, or
 * none while no data is sealed in `records` (it is then made on first use). For `npm
 * start`, before any handler runs.
 * @throws MasterSecretMissingError or UnsafeKeyFileError.
 */
export async function checkKeyFile(path: string, records: RecordsTable): Promise<void> {
  if (!readKeyFile(path) && (await sealedDataExists(records))) throw new MasterSecretMissingError(path);
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
  /**
   * A key of the master secret for one `purpose` (HKDF, info `dangvien/<purpose>/v1`), for
   * what must be keyed but belongs to no person: a redrive grant's digest of a body
   * (redrive-grant.ts). Held by whoever holds the master: the ingest and the operators.
   */
  purposeKey(purpose: string): Promise<Buffer>;
}

function derive(master: Buffer, personId: string, salt: Buffer): PersonKey {
  return { personId, key: Buffer.from(hkdfSync('sha256', master, salt, INFO, 32)) };
}

/**
 * The vault in the Records table: the salts beside the data, the master secret loaded
 * once from `masterSecret` (a failed load is not kept: the next call tries again) and,
 * before anything is sealed with it, the table marked as holding data sealed under it.
 * @example
 * const records = { documentClient: clients.documentClient, tableName: 'dangvien-Records' };
 * const vault = createDynamoVault({
 *   ...records,
 *   masterSecret: fileMasterSecret('.local/personal-data.key', () => sealedDataExists(records)),
 * });
 * const keys = await vault.keys(['M1'], { create: true });
 */
export function createDynamoVault(opts: RecordsTable & { masterSecret: MasterSecret }): PersonalVault {
  const table: RecordsTable = { documentClient: opts.documentClient, tableName: opts.tableName };
  let master: Promise<Buffer> | undefined;
  const masterSecret = (): Promise<Buffer> => {
    if (!master) {
      // Marked in use before anything is sealed with it; a table sealed by an earlier version
      // is marked by the first process of this one that opens its master.
      const loading = opts.masterSecret.load().then(async (secret) => {
        await markInUse(table);
        return secret;
      });
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
    async purposeKey(purpose) {
      return Buffer.from(hkdfSync('sha256', await masterSecret(), Buffer.alloc(0), `dangvien/${purpose}/v1`, 32));
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
