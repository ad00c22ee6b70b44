// local: one stack per data directory. Two DynamoDB Locals and two fauxqs on one set of
// files is how data gets lost, so `npm start` takes a lock file in the data directory
// before it starts anything, and a second start on the same directory is refused.
//
// The lock file holds the holder's pid. It is made complete and then linked into place
// (link fails when the name exists), so a reader never sees it half written. A crash
// (kill -9, a power cut) leaves it behind: a lock whose pid is no longer alive is stale
// and taken over. Taking over moves the stale file aside first (rename is atomic), so
// that of two starters that both found it stale only one removes it.
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The lock file's name in the data directory. */
export const LOCK_FILE = 'stack.lock';

/** Another process, alive, holds the data directory. */
export class DataDirectoryLockedError extends Error {
  override readonly name = 'DataDirectoryLockedError';
  constructor(
    readonly dataDir: string,
    readonly holderPid: number,
  ) {
    super(
      `another stack (pid ${holderPid}) is running on the data directory ${dataDir}: stop it first (Ctrl-C in its terminal, or kill ${holderPid}), ` +
        `or start this one on another directory with --data DIR. If no stack runs as pid ${holderPid}, delete ${join(dataDir, LOCK_FILE)}.`,
    );
  }
}

/** The lock this process holds on a data directory. */
export interface DataDirectoryLock {
  readonly path: string;
  /** Removes the lock file if it is still ours (idempotent). */
  release(): void;
}

/**
 * Whether a process with this pid runs (one of another user's counts: it holds the lock
 * as well). A zombie does not: it has exited and waits only for its parent to reap it,
 * which in a container whose first process reaps nothing may be never (Linux: its state
 * in /proc is Z).
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // `pid (comm) S …`: the state follows the last parenthesis (comm may hold spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return true;
  }
}

/** The pid a lock file names, or undefined when it is gone or not a lock file of ours. */
function holderOf(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Filesystems without hard links (some network and FUSE mounts) answer one of these. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Links `source` to `target`; false when `target` exists. Without hard links, an exclusive
 * create of `target` with the same content (a reader may then see it empty for a moment).
 */
function linkIfAbsent(source: string, target: string): boolean {
  try {
    linkSync(source, target);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return false;
    if (!NO_HARD_LINKS.has(code)) throw error;
  }
  try {
    writeFileSync(target, readFileSync(source), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Takes the data directory's lock for this process, or throws
 * {@link DataDirectoryLockedError} naming the live process that holds it. A lock left by a
 * process that no longer runs is taken over.
 */
export function lockDataDirectory(dataDir: string, pid = process.pid): DataDirectoryLock {
  const path = join(dataDir, LOCK_FILE);
  const mine = `${path}.${pid}`;
  writeFileSync(mine, `${pid}\n`, { mode: 0o644 });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      if (linkIfAbsent(mine, path)) return heldLock(path, pid);
      const holder = holderOf(path);
      if (holder !== undefined && holder !== pid && isAlive(holder)) throw new DataDirectoryLockedError(dataDir, holder);
      // Stale: move it aside, then look at what was moved. Another starter may have taken
      // the lock over between our read and the rename: then its lock goes back.
      const aside = `${path}.stale.${pid}`;
      try {
        renameSync(path, aside);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw error;
      }
      const moved = holderOf(aside);
      if (moved !== undefined && moved !== holder && moved !== pid && isAlive(moved)) {
        linkIfAbsent(aside, path);
        rmSync(aside, { force: true });
        throw new DataDirectoryLockedError(dataDir, moved);
      }
      rmSync(aside, { force: true });
    }
    throw new Error(`could not take the lock ${path}: other starters keep taking it`);
  } finally {
    rmSync(mine, { force: true });
  }
}

function heldLock(path: string, pid: number): DataDirectoryLock {
  return {
    path,
    release() {
      if (holderOf(path) === pid) rmSync(path, { force: true });
    },
  };
}
