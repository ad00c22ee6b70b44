// `npm start` in a child process, as a user runs it, for tests that need the stack's
// own data directory (a restart, the database files themselves).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENDPOINTS_FILE, type LocalEndpoints } from '../../local/endpoints.js';
import type { DynamoStores } from '../../shared/wiring/stores.js';
import { connect } from '../../cli/connect.js';
import { resolveTarget } from '../../cli/target.js';

/** `npm start` as a user runs it, in a process group of its own so that kill -9 takes java too. */
export function startStack(data: string): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn('node_modules/.bin/tsx', ['local/start.ts', '--empty', '--no-schedule', '--data', data], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A message a killed handler held comes back after this many seconds (AWS: 6 × the timeout).
    env: { ...process.env, DANGVIEN_VISIBILITY_TIMEOUT: '2' },
  });
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
  return { child, ready };
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
