// `dangvien status` as an operator runs it: healthy after a day's run, then a DLQ
// message, a waiting event and a missed reminders day make it say so and exit 1.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { startLocalApi, type LocalApi } from '../../local/http-api.js';
import { freePort } from '../../local/ports.js';
import { sqsClient } from '../helpers/emulators.js';
import { listWaiting } from '../../shared/use-cases/redrive/index.js';
import { until } from '../helpers/until.js';
import { recordCompletedRun } from '../../shared/data/run-status.js';
import { todayInVietnam } from '../../shared/domain/dates.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { dangvienAt } from '../helpers/cli.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

describe('dangvien status', () => {
  let stack: TestStack;
  let api: LocalApi;
  let data: string;
  const cli = dangvienAt(() => data);
  const dangvien = async (...args: string[]) => {
    const out = await cli(...args);
    return { ...out, json: () => JSON.parse(out.stdout) as Record<string, unknown> };
  };

  beforeAll(async () => {
    // Prepare: a stack, its local API (status included) and the endpoints file `npm start` leaves
    stack = await startTestStack();
    api = await startLocalApi({
      port: await freePort(),
      reportHandler: async () => ({ statusCode: 404 }),
      settle: () => stack.settle(),
      status: () => ({ ingestOldestAgeSeconds: 0, figuresLagSeconds: stack.figuresLagSeconds() }),
    });
    data = mkdtempSync(join(tmpdir(), 'dangvien-status-'));
    writeFileSync(
      join(data, ENDPOINTS_FILE),
      JSON.stringify({ ...inject('emulators'), apiUrl: api.url, env: stack.env, pid: process.pid }),
    );
    await stack.send([registerOrg('HP', null, 'province'), registerOrg('C1', 'HP', 'grassroots-cell')]);
    await stack.settle();
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  it('is healthy (exit 0) once the day’s reminders have run and nothing waits', async () => {
    // Prepare
    expect((await dangvien('remind', '--date', todayInVietnam(new Date()))).code).toBe(0);
    // Act
    const status = await dangvien('status');
    // Assess
    expect(status.code, `${status.stdout}\n${status.stderr}`).toBe(0);
    expect(status.json()).toMatchObject({ healthy: true, attention: [], deadLetterQueue: { messages: 0 }, waiting: { count: 0 } });
  });

  it('reports a DLQ message, a waiting event and a missed reminders day, and exits 1', async () => {
    // Prepare: an event in the DLQ, a recognition of a member not yet admitted, no run for two days
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: stack.env.INGEST_DLQ_URL,
        MessageBody: '{}',
        MessageGroupId: 'status-test',
        MessageDeduplicationId: 'status-test',
      }),
    );
    await stack.send([
      validEvent('member.recognized', { id: 'status-waiting', data: { memberId: 'NOT-YET', recognizedOn: '2022-03-10' } }),
    ]);
    await until('the recognition waits for its admission', async () =>
      (await listWaiting(stack.stores.redrive)).some((w) => w.eventId === 'status-waiting'),
    );
    await recordCompletedRun(stack.stores.runStatus, 'reminders', '2026-01-01', new Date(Date.now() - 2 * 86_400_000));
    // Act
    const status = await dangvien('status');
    // Assess
    expect(status.code).toBe(1);
    expect(status.json()).toMatchObject({ healthy: false, reminders: { lastRunDate: '2026-01-01' } });
    // The message put there, and on a slow machine the waiting event too once its retries ran out.
    expect((status.json().deadLetterQueue as { messages: number }).messages).toBeGreaterThanOrEqual(1);
    expect((status.json().waiting as { count: number }).count).toBe(1);
    const attention = (status.json().attention as string[]).join('\n');
    expect(attention).toContain('dead-letter queue');
    expect(attention).toContain('reminders job last completed a run');
  });

  it('names an event whose predecessor did not come within its short waits, and what it waits for', async () => {
    // Prepare: a recognition of a member nobody admitted, tried until past its short waits
    await stack.send([
      validEvent('member.recognized', { id: 'status-named', data: { memberId: 'NAMED-GHOST', recognizedOn: '2022-03-10' } }),
    ]);
    const pastShortWaits = async () => {
      const listed = JSON.parse((await cli('rejected', 'list')).stdout) as { waiting: Array<{ eventId: string; receiveCount?: number }> };
      return (listed.waiting.find((w) => w.eventId === 'status-named')?.receiveCount ?? 0) >= 5;
    };
    await until('status-named past its short waits', pastShortWaits, { intervalMs: 250 });
    // Act
    const status = await dangvien('status');
    // Assess
    expect(status.code).toBe(1);
    expect(status.json().attention).toContainEqual(
      expect.stringMatching(
        /^event csdl-dang-vien\/status-named \(sender \S+\) has waited \d+ s, waiting: member NAMED-GHOST is not known \(yet\); tried [56] times, /,
      ),
    );
  });

  it('names a held group by its held event and what it waits for, never by the group (a person id)', async () => {
    // Prepare: the group of person HELD-PERSON held behind one of its events.
    await stack.stores.holds.hold({
      group: 'HELD-PERSON',
      heldKey: 'csdl-dang-vien/status-held',
      heldEventId: 'status-held',
      reason: 'missing-member',
      since: new Date().toISOString(),
      chain: { waitsFor: { reason: 'missing-member', records: ['person:HELD-PERSON'] }, touches: ['person:HELD-PERSON'] },
      producer: 'CITY',
    });
    // Act
    const status = await dangvien('status');
    // Assess
    expect(status.json().attention).toContainEqual(expect.stringContaining('event csdl-dang-vien/status-held waits (missing-member)'));
    expect(status.json().heldGroups).toEqual([expect.objectContaining({ behind: 'csdl-dang-vien/status-held', reason: 'missing-member' })]);
    expect(status.stdout).not.toContain('HELD-PERSON');
  });
});
