// data: a rotation of the personal data master secret (docs/runbook.md#rotating-the-personal-data-master-secret).
// A new version is made and becomes the one new person keys are made under; every person
// then gets a new key under it and every copy kept about them is sealed again
// (reseal.ts), the erasure secret too; the older versions are destroyed once no key is
// made from them any more. Processes read the current version at most KEYRING_TTL_MS
// ago, so the last look for keys made under an older version waits longer than that.
// Each step can be done again: a rotation that stopped is finished by running it again.
import { setCurrentMasterVersion } from './master-secret.js';
import { scanAll } from './dynamo-toolkit.js';
import type { MasterSecret } from './master-secret.js';
import { KEYRING_TTL_MS, type PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { resealPerson } from './reseal.js';

export interface MasterRotation {
  /** The version new keys were made under before, and now. */
  from: number;
  to: number;
  /** Persons whose keys were made again under the new version. */
  persons: number;
  /** Items sealed again. */
  resealed: number;
  /** Versions destroyed. */
  retired: number[];
  /** Persons still with a key under an older version (then nothing was destroyed: run the rotation again). */
  left: number;
}

/** The persons (and sealers of rejected bodies) some of whose keys are made from a version before `current`. */
async function personsUnder(table: RecordsTable, vault: PersonalVault, current: number): Promise<string[]> {
  const persons: string[] = [];
  await scanAll(table.documentClient, table.tableName, (item) => {
    if (item.sk !== 'SALT' || typeof item.pk !== 'string' || !item.pk.startsWith('PERSON#')) return;
    if (vault.masterVersionsOf(item).some((v) => v < current)) persons.push(item.pk.slice('PERSON#'.length));
  });
  return persons;
}

/**
 * Rotates the master secret, or finishes a rotation that stopped: with an older version
 * still present, no new one is made.
 * @param opts.settleMs how long after the switch the last look waits (default: twice
 *   what a process may keep the old current version); `now` and `sleep` for tests.
 */
export async function rotateMasterSecret(
  table: RecordsTable & { vault: PersonalVault; masterSecret: MasterSecret },
  opts: { settleMs?: number; log?: (line: string) => void } = {},
): Promise<MasterRotation> {
  const { vault, masterSecret } = table;
  const log = opts.log ?? (() => undefined);
  const settleMs = opts.settleMs ?? 2 * KEYRING_TTL_MS;
  const from = await vault.masterVersion();
  const present = await masterSecret.versions();
  let to = from;
  if (!present.some((v) => v < from)) {
    to = Math.max(from, ...present) + 1;
    await masterSecret.create(to);
    if (!(await setCurrentMasterVersion(table, from, to))) throw new Error('another rotation of the master secret is under way');
    log(`master secret version ${to} made; new keys are made under it`);
  } else {
    log(`finishing the rotation to version ${to}`);
  }
  const switchedAt = Date.now();
  await vault.masterVersion();
  await vault.rewrapSecrets();
  let persons = 0;
  let resealed = 0;
  const rekey = async () => {
    const todo = await personsUnder(table, vault, to);
    for (const personId of todo) {
      resealed += (await resealPerson(table, personId)) ?? 0;
      persons += 1;
      if (persons % 1000 === 0) log(`${persons} persons given keys under version ${to}`);
    }
    return todo.length;
  };
  await rekey();
  // A process that read the current version before the switch may still make a key under
  // the old one until it reads again: the last look comes after that.
  const wait = switchedAt + settleMs - Date.now();
  if (wait > 0) {
    log(`waiting ${Math.ceil(wait / 1000)} s for every process to read the new version`);
    await new Promise((r) => setTimeout(r, wait));
  }
  await rekey();
  const left = await personsUnder(table, vault, to);
  const retired: number[] = [];
  if (left.length === 0) {
    for (const version of (await masterSecret.versions()).filter((v) => v < to).sort()) {
      await masterSecret.remove(version);
      retired.push(version);
    }
  } else {
    log(`${left.length} persons still have keys under an older version: run the rotation again`);
  }
  return { from, to, persons, resealed, retired, left: left.length };
}
