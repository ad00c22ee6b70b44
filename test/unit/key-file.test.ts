// The local personal data master key file is read only when this user alone could have
// written it: a regular file, not a symbolic link, owned by this user, mode 0600. A file
// planted by someone else (another user in a shared /tmp, a link to their file) would
// otherwise become the key that seals every profile, or the key they read them with.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileMasterSecret, MasterSecretMissingError, readKeyFile, UnsafeKeyFileError } from '../../shared/data/personal-vault.js';

/** A private folder (mkdtemp: 0700) with a key file of these bytes and mode. */
function keyFile(mode = 0o600, bytes = randomBytes(32)): string {
  const path = join(mkdtempSync(join(tmpdir(), 'dangvien-key-')), 'personal-data.key');
  writeFileSync(path, bytes, { mode });
  chmodSync(path, mode);
  return path;
}

const NOTHING_SEALED = async () => false;
const SOMETHING_SEALED = async () => true;

describe('the local key file', () => {
  it('reads a 0600 file of 32 bytes owned by this user', () => {
    // Prepare
    const bytes = randomBytes(32);
    const path = keyFile(0o600, bytes);
    // Act
    const read = readKeyFile(path);
    // Assess
    expect(read).toEqual(bytes);
  });

  it.each([
    ['readable by the group', 0o640, /mode is 0640/],
    ['readable by everyone', 0o644, /mode is 0644/],
    ['writable by everyone', 0o602, /mode is 0602/],
  ])('refuses a file %s, naming its mode', (_case, mode, message) => {
    // Prepare
    const path = keyFile(mode);
    // Act / Assess
    expect(() => readKeyFile(path)).toThrow(UnsafeKeyFileError);
    expect(() => readKeyFile(path)).toThrow(message);
  });

  it('refuses a symbolic link, even to a good key file of this user', () => {
    // Prepare
    const target = keyFile();
    const link = join(mkdtempSync(join(tmpdir(), 'dangvien-key-')), 'personal-data.key');
    symlinkSync(target, link);
    // Act / Assess
    expect(() => readKeyFile(link)).toThrow(/symbolic link/);
  });

  it('refuses a file that belongs to another user', () => {
    // Prepare
    const path = keyFile();
    const someoneElse = statSync(path).uid + 1;
    // Act / Assess
    expect(() => readKeyFile(path, someoneElse)).toThrow(/belongs to user/);
  });

  it('refuses a file that is not 32 bytes', () => {
    // Prepare
    const path = keyFile(0o600, randomBytes(31));
    // Act / Assess
    expect(() => readKeyFile(path)).toThrow(/32-byte/);
  });

  it('makes a 0600 file on first use while nothing is sealed, and reads the same one after', async () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'dangvien-key-')), 'data', 'personal-data.key');
    // Act
    const made = await fileMasterSecret(path, NOTHING_SEALED).load();
    const again = await fileMasterSecret(path, SOMETHING_SEALED).load();
    // Assess
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(again).toEqual(made);
  });

  it('never makes a new one when sealed data exists: the key is missing, said loudly', async () => {
    // Prepare
    const path = join(mkdtempSync(join(tmpdir(), 'dangvien-key-')), 'personal-data.key');
    // Act
    const load = fileMasterSecret(path, SOMETHING_SEALED).load();
    // Assess
    await expect(load).rejects.toBeInstanceOf(MasterSecretMissingError);
    expect(() => statSync(path)).toThrow(/ENOENT/);
  });
});
