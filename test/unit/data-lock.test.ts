// One stack per data directory (local/data-lock.ts): the lock file names its holder, a
// second taker is refused while the holder lives, and a lock left by a crash is taken over.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirectoryLockedError, LOCK_FILE, lockDataDirectory } from '../../local/data-lock.js';

const dataDir = () => mkdtempSync(join(tmpdir(), 'dangvien-lock-'));

/** The pid of a process that has exited: a crashed holder. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
}

describe('the data directory lock', () => {
  const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 600_000)'], { stdio: 'ignore' });
  afterAll(() => {
    sleeper.kill('SIGKILL');
  });

  it('holds the holder pid, and is removed by its release', () => {
    // Prepare
    const dir = dataDir();
    // Act
    const lock = lockDataDirectory(dir);
    const held = readFileSync(join(dir, LOCK_FILE), 'utf8');
    lock.release();
    // Assess
    expect(held.trim()).toBe(String(process.pid));
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('refuses a second taker while the holder lives, naming its pid', () => {
    // Prepare
    const dir = dataDir();
    lockDataDirectory(dir, sleeper.pid!);
    // Act
    const second = () => lockDataDirectory(dir);
    // Assess
    expect(second).toThrow(DataDirectoryLockedError);
    expect(second).toThrow(`pid ${sleeper.pid}`);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(sleeper.pid));
  });

  it('takes over a lock whose holder is gone (kill -9, a power cut)', () => {
    // Prepare
    const dir = dataDir();
    writeFileSync(join(dir, LOCK_FILE), `${deadPid()}\n`);
    // Act
    const lock = lockDataDirectory(dir);
    // Assess
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('takes over a lock file that names no pid', () => {
    // Prepare
    const dir = dataDir();
    writeFileSync(join(dir, LOCK_FILE), '');
    // Act
    const lock = lockDataDirectory(dir);
    // Assess
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('a release does not remove a lock another process took over since', () => {
    // Prepare: our lock, taken over by a live process after a (simulated) stale period
    const dir = dataDir();
    const ours = lockDataDirectory(dir);
    writeFileSync(join(dir, LOCK_FILE), `${sleeper.pid}\n`);
    // Act
    ours.release();
    // Assess
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(sleeper.pid));
  });
});
