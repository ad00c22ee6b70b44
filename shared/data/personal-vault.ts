// data: personal data sealed at rest, one key per person, erased by destroying the key
// (crypto-shredding, docs/personal-data.md).
//
//   pk                  sk      what
//   PERSON#<id>         SALT    the person's keys: `keys` kid → "<master version>:<salt>", `current` the
//                               kid that seals now; a `salt` alone is key `1` under master 1 (before key ids)
//   ERASED#<pseudonym>  ERASED  a tombstone: the person with that pseudonym was erased at `erasedAt`
//   VAULT               ERASURE the erasure secret, sealed under the current master
//   VAULT               …       the master secrets and their versions (master-secret.ts)
//
// A person's key is HKDF(master of its version, salt): it exists only in memory. Every
// profile the Records table keeps (members, dossiers, attendees), every rejected body and
// every applied event's hash is sealed with AES-256-GCM under the key of the person it is
// about, the person's id as the associated data (a blob copied onto another person's item
// does not open). Deleting the salt item makes every copy unreadable at once, also those
// in stream records and the free pages of a database file, which no delete can reach.
//
// A person has several keys only while a rotation re-seals their copies (a correction,
// a rotation of the master secret: reseal.ts): the new one seals, the older ones open
// what is not re-sealed yet, and are destroyed when it is. A write that sealed with a key
// holds only if that key still seals (`stillSealsWith`): a rotation or an erasure that
// lands between its read and its write makes it read again.
//
// An erased person's id is replaced by a pseudonym, HMAC of the id under the erasure
// secret: stable (an erasure done again finds the same one), and no one without the
// master secret can compute it from a guessed id. The tombstone under it says when the
// person was erased, so that an event about them sent before then is refused.
//
// The master secret never sits beside the data: in the cloud it is a KMS data key
// (one Decrypt per Lambda container), locally a file in the data directory. Which one a
// process uses is its composition root's choice; the vault only loads it, once a version.
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, chunks } from './dynamo-toolkit.js';
import { mapLimit } from '../map-limit.js';
import { currentMasterVersion, markInUse, type MasterSecret } from './master-secret.js';
import type { RecordsTable } from './records-table.js';
import { FIRST_KID, isSealed, open, seal, type PersonKey } from './sealing.js';

export {
  checkKeyFile,
  fileMasterSecret,
  inUseKey,
  type KmsCalls,
  kmsMasterSecret,
  type MasterSecret,
  MasterSecretMissingError,
  readKeyFile,
  sealedDataExists,
  UnsafeKeyFileError,
} from './master-secret.js';
export { isSealed, open, seal, type PersonKey } from './sealing.js';

export const saltKey = (personId: string) => ({ pk: `PERSON#${personId}`, sk: 'SALT' });
export const tombstoneKey = (pseudonym: string) => ({ pk: `ERASED#${pseudonym}`, sk: 'ERASED' });
const erasureSecretKey = { pk: 'VAULT', sk: 'ERASURE' } as const;

const INFO = 'dangvien/personal-data/v1';
const VAULT_INFO = 'dangvien/vault/v1';

/** An erased person's ids start with this, which no producer's id can (docs/events.md: `A-Z a-z 0-9 . _ : -`). */
export const PSEUDONYM_PREFIX = '~';
export const isPseudonym = (id: string): boolean => id.startsWith(PSEUDONYM_PREFIX);

/** The keys of persons, from their salts in the Records table. */
export interface PersonalVault {
  /**
   * The keys of these persons. `create`: a person without a salt gets one (a write that
   * seals); otherwise such a person is left out of the map (erased, or never sealed).
   */
  keys(personIds: Iterable<string>, opts: { create: boolean }): Promise<Map<string, PersonKey>>;
  /** Destroys a person's keys: every copy sealed under them becomes unreadable. False when there were none. */
  erase(personId: string): Promise<boolean>;
  /**
   * Gives the person a new key, under the current master, that seals from now on; the
   * older ones still open until {@link PersonalVault.dropOlder}. Undefined: the person has no key.
   */
  rotate(personId: string): Promise<PersonKey | undefined>;
  /** Destroys every key of the person but `kid`, as long as `kid` is the one that seals. */
  dropOlder(personId: string, kid: string): Promise<void>;
  /** The pseudonym that replaces this id after an erasure. */
  pseudonym(personId: string): Promise<string>;
  /** Records that the person was erased at `erasedAt` (nothing about them but the time); answers the pseudonym. */
  tombstone(personId: string, erasedAt: string): Promise<string>;
  /** When each of these ids (or pseudonyms) was last erased, for those that were. */
  erasures(ids: Iterable<string>): Promise<Map<string, string>>;
  /** The master versions some key is made from now, and the current one (a rotation's bookkeeping). */
  masterVersionsOf(item: Record<string, unknown>): number[];
  /** The master version new keys are made under, read now (a rotation of the master). */
  masterVersion(): Promise<number>;
  /** Seals the erasure secret under the current master again (a rotation of the master). */
  rewrapSecrets(): Promise<void>;
  /**
   * A key for one `purpose` (HKDF of the vault's erasure secret, info `dangvien/<purpose>/v1`),
   * for what must be keyed but belongs to no person: a redrive grant's digest of a body
   * (redrive-grant.ts). Made from the secret that outlives a rotation of the master, so a
   * grant written before one still vouches after it. Held by whoever holds the master: the
   * ingest and the operators.
   */
  purposeKey(purpose: string): Promise<Buffer>;
}

/** The keys a salt item holds, by kid: master version and salt. */
function entriesOf(item: Record<string, unknown>): Map<string, { master: number; salt: Buffer }> {
  const entries = new Map<string, { master: number; salt: Buffer }>();
  if (typeof item.salt === 'string') entries.set(FIRST_KID, { master: 1, salt: Buffer.from(item.salt, 'base64') });
  for (const [kid, entry] of Object.entries((item.keys as Record<string, string> | undefined) ?? {})) {
    const [master, salt] = entry.split(':');
    entries.set(kid, { master: Number(master), salt: Buffer.from(salt ?? '', 'base64') });
  }
  return entries;
}

/** The kid that seals now. */
const currentKidOf = (item: Record<string, unknown>): string => (typeof item.current === 'string' ? item.current : FIRST_KID);

const newKid = () => randomBytes(6).toString('base64url');
const entryText = (master: number, salt: Buffer) => `${master}:${salt.toString('base64')}`;

/**
 * The condition a write sealed with `key` puts on the person's salt item: that key still
 * seals (no rotation gave the person a newer one, no erasure destroyed it).
 */
export function stillSealsWith(tableName: string, key: PersonKey) {
  return {
    ConditionCheck: {
      TableName: tableName,
      Key: saltKey(key.personId),
      ConditionExpression: key.kid === FIRST_KID ? 'attribute_exists(salt) AND attribute_not_exists(#current)' : '#current = :kid',
      ExpressionAttributeNames: { '#current': 'current' },
      ...(key.kid === FIRST_KID ? {} : { ExpressionAttributeValues: { ':kid': key.kid } }),
    },
  };
}

/**
 * The vault in the Records table: the salts beside the data, the master secrets loaded
 * once each from `masterSecret` (a failed load is not kept: the next call tries again)
 * and, before anything is sealed with one, the table marked as holding sealed data.
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
  const { documentClient, tableName } = table;
  const masters = new Map<number, Promise<Buffer>>();
  const master = (version: number): Promise<Buffer> => {
    let loading = masters.get(version);
    if (!loading) {
      // Marked in use before anything is sealed with it; a table sealed by an earlier version
      // is marked by the first process of this one that opens its master.
      const made = opts.masterSecret.load(version).then(async (secret) => {
        await markInUse(table);
        return secret;
      });
      made.catch(() => {
        if (masters.get(version) === made) masters.delete(version);
      });
      masters.set(version, made);
      loading = made;
    }
    return loading;
  };
  /**
   * The master version new keys are made under, read at most {@link KEYRING_TTL_MS} ago: a
   * rotation of the master waits longer than that before it looks for keys made under the
   * old one for the last time (master-rotation.ts).
   */
  let current: { version: Promise<number>; readAt: number } | undefined;
  const currentVersion = (again = false): Promise<number> => {
    if (!current || again || Date.now() - current.readAt > KEYRING_TTL_MS) {
      const reading = currentMasterVersion(table);
      const entry = { version: reading, readAt: Date.now() };
      reading.catch(() => {
        if (current === entry) current = undefined;
      });
      current = entry;
    }
    return current.version;
  };

  const derive = async (version: number, salt: Buffer): Promise<Buffer> =>
    Buffer.from(hkdfSync('sha256', await master(version), salt, INFO, 32));

  const keyOf = async (personId: string, item: Record<string, unknown>): Promise<PersonKey | undefined> => {
    const entries = entriesOf(item);
    const kid = currentKidOf(item);
    const now = entries.get(kid);
    if (!now) return undefined;
    const older = new Map<string, Buffer>();
    for (const [other, entry] of entries) if (other !== kid) older.set(other, await derive(entry.master, entry.salt));
    return { personId, kid, key: await derive(now.master, now.salt), ...(older.size > 0 ? { older } : {}) };
  };

  /** A salt item making `kid` the person's first key, under master `version`. */
  const saltItem = (personId: string, version: number, kid: string, salt: Buffer) => ({
    ...saltKey(personId),
    entity: 'salt',
    keys: { [kid]: entryText(version, salt) },
    current: kid,
  });

  /**
   * New salts for many persons (the bulk import: a hundred at a time), each still only if
   * the person has none: a hundred conditional puts per transaction instead of a request
   * each, which on DynamoDB Local was the import's slowest part (one PutItem per row). A
   * transaction refused because another writer made one of those salts first (or held it)
   * is done again person by person, each taking the salt that is there.
   */
  const createSalts = async (personIds: readonly string[]): Promise<Map<string, PersonKey>> => {
    const made = new Map<string, PersonKey>();
    await mapLimit(chunks(personIds, SALTS_PER_TRANSACTION), 16, async (group) => {
      const version = await currentVersion();
      const salts = group.map((personId) => ({ personId, kid: newKid(), salt: randomBytes(32) }));
      try {
        await documentClient.send(
          new TransactWriteCommand({
            TransactItems: salts.map(({ personId, kid, salt }) => ({
              Put: { TableName: tableName, Item: saltItem(personId, version, kid, salt), ConditionExpression: 'attribute_not_exists(pk)' },
            })),
          }),
        );
        for (const { personId, kid, salt } of salts) made.set(personId, { personId, kid, key: await derive(version, salt) });
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        for (const personId of group) made.set(personId, await createSalt(personId));
      }
    });
    return made;
  };

  /** A new salt, unless another writer made one first: then that one. */
  const createSalt = async (personId: string): Promise<PersonKey> => {
    const version = await currentVersion();
    const kid = newKid();
    const salt = randomBytes(32);
    try {
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: saltItem(personId, version, kid, salt),
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { personId, kid, key: await derive(version, salt) };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: saltKey(personId), ConsistentRead: true }));
      const key = out.Item ? await keyOf(personId, out.Item) : undefined;
      if (!key) throw new Error(`the keys of person ${personId} changed while one was being made`);
      return key;
    }
  };

  /** The erasure secret: made on first use, sealed under the current master. */
  let erasureSecret: Promise<Buffer> | undefined;
  const vaultKey = async (version: number): Promise<PersonKey> => ({
    personId: 'VAULT/ERASURE',
    kid: `m${version}`,
    key: Buffer.from(hkdfSync('sha256', await master(version), Buffer.alloc(0), VAULT_INFO, 32)),
  });
  const openVaultSecret = async (sealed: string): Promise<Buffer> => {
    const version = Number(/^sealed:v2:m(\d+)\./.exec(sealed)?.[1]);
    const opened = open(await vaultKey(version), sealed);
    if (typeof opened !== 'string') throw new Error('the erasure secret (item VAULT/ERASURE) does not open under its master');
    return Buffer.from(opened, 'base64');
  };
  const loadErasureSecret = async (): Promise<Buffer> => {
    const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: erasureSecretKey, ConsistentRead: true }));
    if (isSealed(out.Item?.sealed)) return openVaultSecret(out.Item.sealed);
    const secret = randomBytes(32);
    try {
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...erasureSecretKey, entity: 'vault', sealed: seal(await vaultKey(await currentVersion()), secret.toString('base64')) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return secret;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      return loadErasureSecret();
    }
  };
  const erasureKey = (): Promise<Buffer> => {
    if (!erasureSecret) {
      const loading = loadErasureSecret();
      loading.catch(() => {
        if (erasureSecret === loading) erasureSecret = undefined;
      });
      erasureSecret = loading;
    }
    return erasureSecret;
  };
  const pseudonym = async (personId: string): Promise<string> =>
    isPseudonym(personId)
      ? personId
      : `${PSEUDONYM_PREFIX}${createHmac('sha256', await erasureKey())
          .update(personId, 'utf8')
          .digest('base64url')
          .slice(0, 22)}`;

  return {
    async keys(personIds, { create }) {
      const ids = [...new Set(personIds)];
      const found = new Map<string, PersonKey>();
      if (ids.length === 0) return found;
      const items = await batchGetAll(documentClient, tableName, ids.map(saltKey), { consistentRead: true });
      for (const item of items) {
        const personId = (item.pk as string).slice('PERSON#'.length);
        const key = await keyOf(personId, item);
        if (key) found.set(personId, key);
      }
      if (!create) return found;
      const missing = ids.filter((id) => !found.has(id));
      if (missing.length === 1) found.set(missing[0]!, await createSalt(missing[0]!));
      else for (const [personId, key] of await createSalts(missing)) found.set(personId, key);
      return found;
    },
    async purposeKey(purpose) {
      return Buffer.from(hkdfSync('sha256', await erasureKey(), Buffer.alloc(0), `dangvien/${purpose}/v1`, 32));
    },
    async erase(personId) {
      const out = await documentClient.send(new DeleteCommand({ TableName: tableName, Key: saltKey(personId), ReturnValues: 'ALL_OLD' }));
      return out.Attributes !== undefined;
    },
    async rotate(personId) {
      const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: saltKey(personId), ConsistentRead: true }));
      if (!out.Item) return undefined;
      const version = await currentVersion();
      const kid = newKid();
      const entry = entryText(version, randomBytes(32));
      const hasMap = out.Item.keys !== undefined;
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: saltKey(personId),
            UpdateExpression: hasMap ? 'SET #keys.#kid = :entry, #current = :kid' : 'SET #keys = :map, #current = :kid',
            ConditionExpression: hasMap ? 'attribute_exists(#keys)' : 'attribute_exists(pk) AND attribute_not_exists(#keys)',
            ExpressionAttributeNames: { '#keys': 'keys', '#current': 'current', ...(hasMap ? { '#kid': kid } : {}) },
            ExpressionAttributeValues: { ':kid': kid, ...(hasMap ? { ':entry': entry } : { ':map': { [kid]: entry } }) },
          }),
        );
      } catch (error) {
        // Erased meanwhile (no item), or another rotation turned the legacy salt into a map: read again.
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return this.rotate(personId);
      }
      return keyOf(personId, { ...out.Item, keys: { ...((out.Item.keys as Record<string, string>) ?? {}), [kid]: entry }, current: kid });
    },
    async dropOlder(personId, kid) {
      const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: saltKey(personId), ConsistentRead: true }));
      if (!out.Item || currentKidOf(out.Item) !== kid) return;
      const others = [...entriesOf(out.Item).keys()].filter((k) => k !== kid);
      if (others.length === 0) return;
      const names: Record<string, string> = { '#current': 'current' };
      const removed = others.map((other, i) => {
        if (other === FIRST_KID && typeof out.Item!.salt === 'string') return 'salt';
        names['#keys'] = 'keys';
        names[`#k${i}`] = other;
        return `#keys.#k${i}`;
      });
      try {
        await documentClient.send(
          new UpdateCommand({
            TableName: tableName,
            Key: saltKey(personId),
            UpdateExpression: `REMOVE ${removed.join(', ')}`,
            ConditionExpression: '#current = :kid',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':kid': kid },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    pseudonym,
    async tombstone(personId, erasedAt) {
      const name = await pseudonym(personId);
      await documentClient.send(new PutCommand({ TableName: tableName, Item: { ...tombstoneKey(name), entity: 'tombstone', erasedAt } }));
      return name;
    },
    async erasures(ids) {
      const byName = new Map<string, string[]>();
      for (const id of new Set(ids)) {
        const name = await pseudonym(id);
        byName.set(name, [...(byName.get(name) ?? []), id]);
      }
      const found = new Map<string, string>();
      if (byName.size === 0) return found;
      const items = await batchGetAll(documentClient, tableName, [...byName.keys()].map(tombstoneKey), { consistentRead: true });
      for (const item of items) {
        const name = String(item.pk).slice('ERASED#'.length);
        for (const id of byName.get(name) ?? []) found.set(id, String(item.erasedAt));
      }
      return found;
    },
    masterVersion: () => currentVersion(true),
    masterVersionsOf: (item) => [...new Set([...entriesOf(item).values()].map((e) => e.master))],
    async rewrapSecrets() {
      const secret = await erasureKey();
      await documentClient.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...erasureSecretKey,
            entity: 'vault',
            sealed: seal(await vaultKey(await currentVersion(true)), secret.toString('base64')),
          },
        }),
      );
    },
  };
}

/** TransactWriteItems' limit. */
const SALTS_PER_TRANSACTION = 100;
/** How long a process keeps the master version new keys are made under before reading it again. */
export const KEYRING_TTL_MS = 60_000;
