// `npm start` killed with kill -9 while events are queued and in flight: after a start on
// the same data directory every event is applied exactly once (CONTRACT §10: "an event
// sent and not yet applied when the stack stops is applied after the next start").
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { ENDPOINTS_FILE, type LocalEndpoints } from '../../local/endpoints.js';
import { useEmulators } from '../../local/use-emulators.js';
import { resetClients } from '../../shared/data/clients.js';
import { appliedKeys } from '../../shared/data/redrive.js';
import { outgoing, sendEvents } from '../../shared/data/queue-sender.js';
import { buildReport } from '../../shared/use-cases/build-report.js';
import { recomputeFigures } from '../../shared/use-cases/recompute-figures.js';
import { registerOrg, validEvent } from '../helpers/events.js';

/** `npm start` as a user runs it, in a process group of its own so that kill -9 takes java too. */
function startStack(data: string): { child: ChildProcess; ready: Promise<void> } {
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

function killGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
  return exited;
}

/** Points this test's SDK clients at the stack `npm start` runs in `data`. */
function target(data: string): LocalEndpoints {
  const endpoints = JSON.parse(readFileSync(join(data, ENDPOINTS_FILE), 'utf8')) as LocalEndpoints;
  useEmulators(endpoints);
  Object.assign(process.env, endpoints.env);
  resetClients();
  return endpoints;
}

/** Messages fauxqs keeps on disk for the ingest queue (visible and in flight). */
function persistedIngestMessages(data: string): number {
  const db = new DatabaseSync(join(data, 'sqs', 'fauxqs.db'), { readOnly: true });
  try {
    const row = db
      .prepare("SELECT COUNT(*) AS n FROM sqs_messages WHERE queue_name LIKE '%Ingest.fifo' AND queue_name NOT LIKE '%Dlq%'")
      .get() as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

describe('npm start killed and started again', () => {
  const data = mkdtempSync(join(tmpdir(), 'dangvien-restart-'));
  let running: ChildProcess | undefined;
  afterAll(async () => {
    if (running) await killGroup(running, 'SIGKILL');
  });

  it('applies every event that was queued or in flight at a kill -9 exactly once after the next start', { timeout: 180_000 }, async () => {
    // Prepare: a stack with a cell, then 150 admissions sent and the stack killed at once
    const first = startStack(data);
    running = first.child;
    await first.ready;
    const endpoints = target(data);
    const tree = [
      registerOrg('HP', null, 'province'),
      registerOrg('Q1', 'HP', 'upper-grassroots'),
      registerOrg('C1', 'Q1', 'grassroots-cell'),
    ];
    await sendEvents(
      endpoints.env.INGEST_QUEUE_URL!,
      tree.map((e) => outgoing(JSON.stringify(e))),
    );
    await fetch(`${endpoints.apiUrl}/_local/settled`);
    const admissions = Array.from({ length: 150 }, (_, i) =>
      validEvent('member.admitted', { id: `restart-${i}`, data: { memberId: `R${i}`, orgId: 'C1', dossierId: undefined } }),
    );
    const all = [...tree, ...admissions];
    await sendEvents(
      endpoints.env.INGEST_QUEUE_URL!,
      admissions.map((e) => outgoing(JSON.stringify(e))),
    );

    // Act: kill -9 the whole stack (node, the runners, java) with work still queued
    await killGroup(first.child, 'SIGKILL');
    const leftAtKill = persistedIngestMessages(data);
    const second = startStack(data);
    running = second.child;
    await second.ready;
    const restarted = target(data);
    const ids = all.map((e) => ({ source: e.source, eventId: e.id }));
    const deadline = Date.now() + 120_000;
    let applied = new Set<string>();
    while (applied.size < ids.length && Date.now() < deadline) {
      applied = await appliedKeys(ids);
      if (applied.size < ids.length) await new Promise((r) => setTimeout(r, 500));
    }
    await fetch(`${restarted.apiUrl}/_local/settled`);

    // Assess: work was left at the kill, all of it applied, each event counted once
    expect(leftAtKill).toBeGreaterThan(0);
    expect(applied.size).toBe(ids.length);
    const report = await buildReport('HP', { date: '2021-12-31' });
    expect(report.members.total).toBe(150);
    expect(report.admissions.total).toBe(150);
    expect(await recomputeFigures({ write: false })).toEqual([]);
    await killGroup(second.child, 'SIGINT');
    running = undefined;
  });
});
