// `dangvien send --wait` as a newcomer meets it on a stack where someone else's event
// waits for a predecessor that never comes (docs/cli.md): the send waits for its own
// lines and the figures they move, never for the whole stack; `--timeout` is a hard
// limit, and at it the command says which lines are pending and why. The stack keeps the
// queue's real visibility timeout (180 s), so the other event keeps waiting throughout.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { createReportHandler } from '../../functions/report-api/handler.js';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { startLocalApi, type LocalApi } from '../../local/http-api.js';
import { freePort } from '../../local/ports.js';
import { sendAll } from '../../shared/data/queue-sender.js';
import { outgoing } from '../../shared/domain/events/outgoing.js';
import { INGEST_QUEUE } from '../../shared/resources.js';
import { dangvienAt } from '../helpers/cli.js';
import { CSV_HEADER, csvRow } from '../helpers/member-csv.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

/** Less than the visibility timeout a waiting event of the old schedule sat out, and than the whole-stack wait of the old `send`. */
const HOLD_GUARD_MS = 100_000;

describe('send --wait beside someone else’s waiting event', () => {
  let stack: TestStack;
  let api: LocalApi;
  let data: string;
  const dangvien = dangvienAt(() => data);
  const file = (name: string, events: object[]) => {
    const path = join(data, name);
    writeFileSync(path, events.map((e) => JSON.stringify(e)).join('\n'));
    return path;
  };

  beforeAll(async () => {
    // Prepare: a stack with the queue's own visibility timeout, its HTTP API, the endpoints file `npm start` leaves
    stack = await startTestStack({ visibilityTimeout: INGEST_QUEUE.visibilityTimeout });
    api = await startLocalApi({
      port: await freePort(),
      reportHandler: createReportHandler(stack.deps.report) as never,
      settle: () => stack.settle(),
      figuresCaughtUp: (instant, timeoutMs) => stack.figuresCaughtUp(instant, timeoutMs),
      status: () => ({ ingestOldestAgeSeconds: 0, figuresLagSeconds: stack.figuresLagSeconds() }),
    });
    data = mkdtempSync(join(tmpdir(), 'dangvien-send-wait-'));
    writeFileSync(
      join(data, ENDPOINTS_FILE),
      JSON.stringify({ ...inject('emulators'), apiUrl: api.url, env: stack.env, pid: process.pid }),
    );
    await stack.send([registerOrg('HP', null, 'province'), registerOrg('W-C1', 'HP', 'grassroots-cell')]);
    await stack.settle();
    // Another producer's event about a member nobody admitted: it waits, and keeps the queue from settling.
    const ghost = validEvent('member.recognized', { id: 'others-ghost', source: 'csdl-other', data: { memberId: 'GHOST' } });
    await sendAll(stack.stores.ingestQueue, [outgoing(JSON.stringify(ghost))], { localSender: 'other-producer' });
    await until('the ghost waits', async () => (await stack.stores.send.listWaiting()).some((w) => w.eventId === 'others-ghost'), {
      intervalMs: 200,
    });
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  it('returns once its own lines are applied and their figures have followed', async () => {
    // Prepare
    const own = file('own.ndjson', [validEvent('member.admitted', { data: { memberId: 'W-M1', orgId: 'W-C1', dossierId: undefined } })]);
    // Act
    const started = Date.now();
    const sent = await dangvien('send', own, '--wait', '--timeout', '150');
    const tookMs = Date.now() - started;
    const report = await dangvien('report', 'W-C1');
    // Assess: its own line counted, the figures already show it, the ghost never waited for
    expect(sent.code, sent.stderr).toBe(0);
    expect(JSON.parse(sent.stdout)).toEqual({ sent: 1, accepted: 1, duplicates: 0, rejected: 0 });
    expect(JSON.parse(report.stdout)).toMatchObject({ members: { total: 1 } });
    expect(tookMs).toBeLessThan(HOLD_GUARD_MS);
    expect((await stack.stores.send.listWaiting()).map((w) => w.eventId)).toContain('others-ghost');
  });

  it('keeps --timeout: exit 1 at the limit, naming each pending line and why', async () => {
    // Prepare: its own good line, and one that waits for a member nobody admitted
    const own = file('own-waiting.ndjson', [
      validEvent('member.admitted', { data: { memberId: 'W-M2', orgId: 'W-C1', dossierId: undefined } }),
      validEvent('member.recognized', { id: 'own-ghost', data: { memberId: 'NOBODY', recognizedOn: '2022-03-10' } }),
    ]);
    // Act
    const started = Date.now();
    const sent = await dangvien('send', own, '--wait', '--timeout', '10');
    const tookMs = Date.now() - started;
    // Assess
    expect(sent.code).toBe(1);
    const summary = JSON.parse(sent.stdout);
    expect(summary).toMatchObject({ sent: 2, accepted: 1, duplicates: 0, rejected: 0, pending: 1 });
    expect(summary.pendingLines).toEqual([
      {
        line: 2,
        key: 'csdl-dang-vien/own-ghost',
        why: expect.stringMatching(/^waiting: member NOBODY is not known \(yet\); tried \d+ times?, (next in \d+ s|being tried again)$/),
      },
    ]);
    expect(sent.stderr).toMatch(/line 2 \(csdl-dang-vien\/own-ghost\): waiting: member NOBODY is not known/);
    expect(sent.stderr).toContain('1 line(s) still pending after --timeout 10 s');
    expect(tookMs).toBeLessThan(HOLD_GUARD_MS);
  });

  it('import waits for the figures of its own rows only', async () => {
    // Prepare
    const csv = join(data, 'members.csv');
    writeFileSync(csv, [CSV_HEADER, csvRow('W-I1', 'W-C1'), csvRow('W-I2', 'W-C1')].join('\n'));
    const before = JSON.parse((await dangvien('report', 'W-C1')).stdout).members.total as number;
    // Act
    const started = Date.now();
    const imported = await dangvien('import', csv, '--timeout', '150');
    const tookMs = Date.now() - started;
    const report = await dangvien('report', 'W-C1');
    // Assess
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows: 2, imported: 2 });
    expect(JSON.parse(report.stdout).members.total).toBe(before + 2);
    expect(tookMs).toBeLessThan(HOLD_GUARD_MS);
  });
});
