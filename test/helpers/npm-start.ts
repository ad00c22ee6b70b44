// `npm start` in a child process, as a user runs it, for tests that need the stack's
// own data directory (a restart, the database files themselves).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENDPOINTS_FILE, type LocalEndpoints } from '../../local/endpoints.js';
import type { DynamoStores } from '../../shared/wiring/stores.js';
import { connect } from '../../cli/connect.js';
import { resolveTarget } from '../../cli/target.js';

/** A running `npm start`: its process, when it is ready, and everything it printed so far. */
export interface StartedStack {
  child: ChildProcess;
  ready: Promise<void>;
  /** stdout and stderr so far, interleaved as they came. */
  output(): string;
}

/** Every stack this process started and has not seen exit: what {@link killAllStarted} stops. */
const started = new Set<ChildProcess>();

/** Kills (-9) every stack this test file started that still runs: for an afterAll, also after a failure. */
export async function killAllStarted(): Promise<void> {
  await Promise.all([...started].map((child) => killGroup(child, 'SIGKILL')));
}

/**
 * `npm start` as a user runs it, in a process group of its own so that kill -9 takes java
 * too. `args` come after `--empty --no-schedule --data DIR`; `env` adds to this process's.
 */
export function startStack(data: string, opts: { args?: string[]; env?: Record<string, string> } = {}): StartedStack {
  const child = spawn('node_modules/.bin/tsx', ['local/start.ts', '--empty', '--no-schedule', '--data', data, ...(opts.args ?? [])], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A message a killed handler held comes back after this many seconds (AWS: 6 × the timeout).
    env: { ...process.env, DANGVIEN_VISIBILITY_TIMEOUT: '2', ...opts.env },
  });
  started.add(child);
  child.once('exit', () => started.delete(child));
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/\bready\b/.test(output)) resolve();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}) before ready:\n${output}`)));
  });
  // A start expected to be refused never gets ready: that is not an unhandled rejection.
  ready.catch(() => undefined);
  return { child, ready, output: () => output };
}

/** `npm start` that is expected to stop by itself: its exit code and what it printed. */
export async function runStackToExit(data: string, opts: { args?: string[]; env?: Record<string, string> } = {}) {
  const stack = startStack(data, opts);
  // 'close': the process has exited and everything it printed has been read.
  const code = await new Promise<number | null>((resolve) => stack.child.once('close', (exitCode) => resolve(exitCode)));
  return { code, output: stack.output() };
}

export function killGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
  return exited;
}

/** The stack `npm start` runs in `data`: its endpoints, and its stores as the CLI builds them. */
export function target(data: string): LocalEndpoints & { stores: DynamoStores } {
  const endpoints = JSON.parse(readFileSync(join(data, ENDPOINTS_FILE), 'utf8')) as LocalEndpoints;
  return { ...endpoints, stores: connect(resolveTarget({ data })) };
}
