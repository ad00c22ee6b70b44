// data: the personal data master secrets, by version, and which version makes new keys.
//
//   pk      sk           what
//   VAULT   MASTER       in the cloud: master secret version 1, encrypted by the KMS key
//   VAULT   MASTER#<n>   in the cloud: version n (n ≥ 2), made by a rotation
//   VAULT   KEYRING      `current`: the version new person keys are made under (absent: 1)
//   VAULT   IN-USE       written when a process first uses a master, before any salt
//
// Locally version 1 is the file `personal-data.key` of the data directory, version n the
// file `personal-data.key.<n>` beside it.
//
// Version 1 is made only for a table whose master was never used (no IN-USE item):
// nothing can be sealed under it yet. Once it was, a missing master is an error that
// stops the work loudly (MasterSecretMissingError), never replaced by a new one: every
// profile would then read as absent, and the old master, restored from a backup, would
// no longer fit the salts made since. The IN-USE item is kept apart from the master, so
// that deleting the master item (or the local key file) does not delete the evidence.
// Later versions are made only by a rotation (master-rotation.ts), which retires the
// older ones once no person's key is made from them.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import type { KMSClient } from '@aws-sdk/client-kms';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { PERSONAL_DATA_KEY_CONTEXT } from '../resources.js';
import { lazy } from '../lazy.js';
import type { RecordsTable } from './records-table.js';

/** Once per process, in the cloud only: the master secret is decrypted on first use. */
const kmsModule = lazy(() => import('@aws-sdk/client-kms'));

const masterKey = (version: number) => ({ pk: 'VAULT', sk: version === 1 ? 'MASTER' : `MASTER#${version}` });
/** Present once a process used the master secret: data sealed under it may exist. */
export const inUseKey = { pk: 'VAULT', sk: 'IN-USE' } as const;
/** Which master version new person keys are made under. */
export const keyringKey = { pk: 'VAULT', sk: 'KEYRING' } as const;

/**
 * A master secret is gone while the Records table holds data sealed under it. Nothing
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
export async function markInUse({ documentClient, tableName }: RecordsTable): Promise<void> {
  await documentClient.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...inUseKey, entity: 'vault', note: 'personal data is sealed under the master secret: never replace it' },
    }),
  );
}

/** The master version new person keys are made under (1 until a rotation), read consistently. */
export async function currentMasterVersion({ documentClient, tableName }: RecordsTable): Promise<number> {
  const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: keyringKey, ConsistentRead: true }));
  return Number(out.Item?.current ?? 1);
}

/** Makes `version` the one new person keys are made under, if `from` still is; false when it no longer is. */
export async function setCurrentMasterVersion(
  { documentClient, tableName }: RecordsTable,
  from: number,
  version: number,
): Promise<boolean> {
  try {
    await documentClient.send(
      new PutCommand({
        TableName: tableName,
        Item: { ...keyringKey, entity: 'vault', current: version },
        ConditionExpression: from === 1 ? 'attribute_not_exists(pk) OR #current = :from' : '#current = :from',
        ExpressionAttributeNames: { '#current': 'current' },
        ExpressionAttributeValues: { ':from': from },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Where the master secrets come from. */
export interface MasterSecret {
  /**
   * The secret of `version` (default 1). Version 1 is made on first use while nothing is
   * sealed; a later one only by {@link MasterSecret.create}.
   * @throws MasterSecretMissingError when it is absent and data may be sealed under it.
   */
  load(version?: number): Promise<Buffer>;
  /** Makes version `version` (≥ 2) unless it exists: the first step of a rotation. */
  create(version: number): Promise<void>;
  /** The versions present. */
  versions(): Promise<number[]>;
  /** Destroys version `version`: the last step of a rotation, once no person key is made from it. */
  remove(version: number): Promise<void>;
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

/** The file of master version `version`: `path` itself for version 1, `path.<n>` after. */
export const keyFileOf = (path: string, version: number): string => (version === 1 ? path : `${path}.${version}`);

/** Writes 32 random bytes to a new file (exclusive: two processes agree on one), mode 0600. */
function makeKeyFile(path: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, randomBytes(32), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * Locally: files of 32 random bytes in the data directory, version 1 made on first use
 * while no data is sealed yet. Created exclusively (`wx`, mode 0600), so that two
 * processes starting together agree on one secret; read only after {@link readKeyFile}'s checks.
 * @param sealed whether data may be sealed already: {@link sealedDataExists} of the Records table.
 * @example
 * const secret = fileMasterSecret('.local/personal-data.key', () => sealedDataExists(records));
 */
export function fileMasterSecret(path: string, sealed: () => Promise<boolean>): MasterSecret {
  return {
    async load(version = 1) {
      const file = keyFileOf(path, version);
      const existing = readKeyFile(file);
      if (existing) return existing;
      if (version !== 1) throw new MasterSecretMissingError(file);
      // Another process may have made the file (and sealed under it) since it was looked
      // for: read it again before calling it lost.
      if (await sealed()) {
        const madeMeanwhile = readKeyFile(file);
        if (madeMeanwhile) return madeMeanwhile;
        throw new MasterSecretMissingError(file);
      }
      makeKeyFile(file);
      const made = readKeyFile(file);
      if (!made) throw new Error(`${file} disappeared as it was made`);
      return made;
    },
    async create(version) {
      makeKeyFile(keyFileOf(path, version));
    },
    async versions() {
      const name = basename(path);
      let names: string[];
      try {
        names = readdirSync(dirname(path));
      } catch {
        return [];
      }
      return names.flatMap((n) =>
        n === name ? [1] : n.startsWith(`${name}.`) && /^\d+$/.test(n.slice(name.length + 1)) ? [Number(n.slice(name.length + 1))] : [],
      );
    },
    async remove(version) {
      rmSync(join(dirname(path), basename(keyFileOf(path, version))), { force: true });
    },
  };
}

/** The two KMS calls the vault makes (a test passes a fake). */
export type KmsCalls = Pick<KMSClient, 'send'>;

/**
 * In the cloud: KMS data keys of `keyArn`, kept encrypted in the Records table and
 * decrypted once per process each. The first process to need version 1 generates it,
 * while no data is sealed yet (the table's IN-USE item); a conditional put makes all
 * others use that one.
 * @param opts.kms the KMS client (default: one for `region`, made on first use).
 */
export function kmsMasterSecret(opts: RecordsTable & { keyArn: string; region: string; kms?: KmsCalls }): MasterSecret {
  const { documentClient, tableName, keyArn, region } = opts;
  const client = async () => {
    const kms = await kmsModule();
    return { kms, client: opts.kms ?? new kms.KMSClient({ region }) };
  };
  const context = { ...PERSONAL_DATA_KEY_CONTEXT };
  /** Generates a data key and stores it as `version` unless one is there; answers the plaintext stored. */
  const generate = async (version: number): Promise<Buffer | undefined> => {
    const { kms, client: c } = await client();
    const made = await c.send(new kms.GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: context }));
    try {
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...masterKey(version), entity: 'vault', version, ciphertext: Buffer.from(made.CiphertextBlob ?? []).toString('base64') },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return Buffer.from(made.Plaintext ?? []);
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return undefined;
    }
  };
  const secret: MasterSecret = {
    async load(version = 1) {
      const stored = await documentClient.send(new GetCommand({ TableName: tableName, Key: masterKey(version), ConsistentRead: true }));
      if (stored.Item?.ciphertext) {
        const { kms, client: c } = await client();
        const out = await c.send(
          new kms.DecryptCommand({ CiphertextBlob: Buffer.from(stored.Item.ciphertext as string, 'base64'), EncryptionContext: context }),
        );
        return Buffer.from(out.Plaintext ?? []);
      }
      const where = `item VAULT/${masterKey(version).sk} of ${tableName}`;
      if (version !== 1 || (await sealedDataExists({ documentClient, tableName }))) throw new MasterSecretMissingError(where);
      return (await generate(1)) ?? secret.load(1);
    },
    async create(version) {
      const stored = await documentClient.send(new GetCommand({ TableName: tableName, Key: masterKey(version), ConsistentRead: true }));
      if (!stored.Item) await generate(version);
    },
    async versions() {
      const out = await documentClient.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :vault AND begins_with(sk, :master)',
          ExpressionAttributeValues: { ':vault': 'VAULT', ':master': 'MASTER' },
          ConsistentRead: true,
        }),
      );
      return (out.Items ?? []).map((i) => (i.sk === 'MASTER' ? 1 : Number(String(i.sk).slice('MASTER#'.length))));
    },
    async remove(version) {
      await documentClient.send(new DeleteCommand({ TableName: tableName, Key: masterKey(version) }));
    },
  };
  return secret;
}

/**
 * Checks, without making anything, that the local key file of the current master version
 * can be used: a safe file, or none while no data is sealed in `records` (version 1 is then
 * made on first use). For `npm start`, before any handler runs.
 * @throws MasterSecretMissingError or UnsafeKeyFileError.
 */
export async function checkKeyFile(path: string, records: RecordsTable): Promise<void> {
  const file = keyFileOf(path, await currentMasterVersion(records));
  if (!readKeyFile(file) && (await sealedDataExists(records))) throw new MasterSecretMissingError(file);
}
