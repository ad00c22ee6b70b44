// A lost personal data master secret is never silently replaced. Before, a missing master
// (the item VAULT/MASTER deleted in the cloud, the key file deleted locally) was made
// anew on the next use, and every profile sealed under the old one read as absent from
// then on. Now a new master is made only for a table whose master was never used (no
// VAULT/IN-USE item, written when a process first uses one, before any salt); after that
// a missing one is an error.
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inUseKey, type KmsCalls, kmsMasterSecret, MasterSecretMissingError, sealedDataExists } from '../../shared/data/personal-vault.js';
import type { RecordsTable } from '../../shared/data/records-table.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const KEY_ARN = 'arn:aws:kms:ap-southeast-1:123456789012:key/test';
const masterItem = { pk: 'VAULT', sk: 'MASTER' };

/** KMS as the vault uses it: data keys whose "ciphertext" opens only here, and what was called. */
function fakeKms(): KmsCalls & { calls: string[] } {
  const issued = new Map<string, Buffer>();
  const calls: string[] = [];
  return {
    calls,
    send: (async (command: unknown) => {
      if (command instanceof GenerateDataKeyCommand) {
        calls.push('GenerateDataKey');
        const plaintext = randomBytes(32);
        const ciphertext = randomBytes(16);
        issued.set(ciphertext.toString('hex'), plaintext);
        return { Plaintext: plaintext, CiphertextBlob: ciphertext };
      }
      if (command instanceof DecryptCommand) {
        calls.push('Decrypt');
        return { Plaintext: issued.get(Buffer.from(command.input.CiphertextBlob!).toString('hex')) };
      }
      throw new Error('unexpected KMS call');
    }) as KmsCalls['send'],
  };
}

/** A stack's Records table, as the vault is handed it. */
const recordsOf = (stack: TestStack): RecordsTable => ({
  documentClient: stack.clients.documentClient,
  tableName: stack.env.RECORDS_TABLE_NAME!,
});
const storedMaster = async ({ documentClient, tableName }: RecordsTable) =>
  (await documentClient.send(new GetCommand({ TableName: tableName, Key: masterItem }))).Item;
/** The KMS master secret of the stack's table, through `kms`. */
const kmsMaster = (records: RecordsTable, kms: KmsCalls) => kmsMasterSecret({ ...records, keyArn: KEY_ARN, region: 'ap-southeast-1', kms });

describe('the vault master secret in the cloud (KMS)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
  });
  afterAll(async () => stack?.stop());

  it('is made once on a new table, stored encrypted, and the same one is read back', async () => {
    // Prepare
    const kms = fakeKms();
    // Act
    const made = await kmsMaster(recordsOf(stack), kms).load();
    const read = await kmsMaster(recordsOf(stack), kms).load();
    // Assess
    expect(read).toEqual(made);
    expect(kms.calls).toEqual(['GenerateDataKey', 'Decrypt']);
    expect((await storedMaster(recordsOf(stack)))?.ciphertext).toEqual(expect.any(String));
  });

  it('once a salt exists, a deleted master is an error: no new one is made or stored', async () => {
    // Prepare: a person sealed (the local master of the test stack), then the master item deleted
    const records = recordsOf(stack);
    await stack.stores.vault.keys(['P-sealed'], { create: true });
    await records.documentClient.send(new DeleteCommand({ TableName: records.tableName, Key: masterItem }));
    const kms = fakeKms();
    // Act
    const load = kmsMaster(records, kms).load();
    // Assess
    await expect(load).rejects.toBeInstanceOf(MasterSecretMissingError);
    await expect(load).rejects.toThrow(/restore it from a backup/);
    expect(kms.calls).toEqual([]);
    expect(await storedMaster(records)).toBeUndefined();
    expect(await sealedDataExists(records)).toBe(true);
  });

  it('the IN-USE item is written when a process first uses a master, before the first salt', async () => {
    // Prepare: another stack's table, nothing sealed
    const other = await startTestStack({ figures: false });
    try {
      const records = recordsOf(other);
      const before = await sealedDataExists(records);
      // Act
      await other.stores.vault.keys(['P-first'], { create: true });
      // Assess
      expect(before).toBe(false);
      expect((await records.documentClient.send(new GetCommand({ TableName: records.tableName, Key: inUseKey }))).Item).toMatchObject({
        entity: 'vault',
      });
    } finally {
      await other.stop();
    }
  });
});
