// `npm start` killed with kill -9 while events are queued and in flight: after a start on
// the same data directory every event is applied exactly once (docs/cli.md: "an event
// sent and not yet applied when the stack stops is applied after the next start").
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { outgoing } from '../../shared/domain/events/outgoing.js';
import { sendAll } from '../../shared/data/queue-sender.js';
import { buildReport } from '../../shared/use-cases/build-report/index.js';
import { recomputeFigures } from '../../shared/use-cases/recompute-figures/index.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { killGroup, startStack, target } from '../helpers/npm-start.js';
import { until } from '../helpers/until.js';

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

  it('applies every event that was queued or in flight at a kill -9 exactly once after the next start', async () => {
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
    await sendAll(
      endpoints.stores.ingestQueue,
      tree.map((e) => outgoing(JSON.stringify(e))),
    );
    await fetch(`${endpoints.apiUrl}/_local/settled`);
    const admissions = Array.from({ length: 150 }, (_, i) =>
      validEvent('member.admitted', { id: `restart-${i}`, data: { memberId: `R${i}`, orgId: 'C1', dossierId: undefined } }),
    );
    const all = [...tree, ...admissions];
    await sendAll(
      endpoints.stores.ingestQueue,
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
    let applied = new Set<string>();
    await until(
      'every event applied after the restart',
      async () => {
        applied = await restarted.stores.redrive.appliedKeys(ids);
        return applied.size === ids.length;
      },
      { intervalMs: 500 },
    );
    await fetch(`${restarted.apiUrl}/_local/settled`);

    // Assess: work was left at the kill, all of it applied, each event counted once
    expect(leftAtKill).toBeGreaterThan(0);
    expect(applied.size).toBe(ids.length);
    const report = await buildReport(restarted.stores.figures, 'HP', { date: '2021-12-31' });
    expect(report.members.total).toBe(150);
    expect(report.admissions.total).toBe(150);
    expect(await recomputeFigures(restarted.stores.recompute, { write: false })).toEqual([]);
    await killGroup(second.child, 'SIGINT');
    running = undefined;
  });
});
