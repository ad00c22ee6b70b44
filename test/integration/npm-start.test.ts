// `npm start` on one data directory, as a newcomer uses it: a second start is refused
// while the first runs (and the first keeps its endpoints), a lock left by kill -9 is
// taken over, `--reset` starts over (never under a running stack), the start-up lines
// name this run's endpoints and the `--data` the CLI needs, a waiting event is one
// readable line, and a key file lost while records are sealed under it stops the start
// instead of making a new key (every profile would read as absent).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, LOCK_FILE } from '../../local/data-lock.js';
import { ENDPOINTS_FILE, type LocalEndpoints } from '../../local/endpoints.js';
import { sendAll } from '../../shared/data/queue-sender.js';
import { outgoing } from '../../shared/domain/events/outgoing.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { killAllStarted, killGroup, runStackToExit, startStack, target, type StartedStack } from '../helpers/npm-start.js';
import { until as eventually } from '../helpers/until.js';

const data = mkdtempSync(join(tmpdir(), 'dangvien-npm-start-'));
const endpointsOf = (): LocalEndpoints => JSON.parse(readFileSync(join(data, ENDPOINTS_FILE), 'utf8')) as LocalEndpoints;
const lockHolder = () => Number(readFileSync(join(data, LOCK_FILE), 'utf8'));
const reportStatus = async (endpoints: LocalEndpoints) => (await fetch(`${endpoints.apiUrl}/orgs/HP/report`)).status;

/** Waits until `check` holds (the stack's output is read as it comes); fails with `what` on a deadline. */
async function until(check: () => boolean, what: () => string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms:\n${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start on one data directory', () => {
  let first: StartedStack;
  afterAll(killAllStarted);

  it('prints hints with its --data, and a waiting event as one readable line', async () => {
    // Prepare
    first = startStack(data, { env: { DANGVIEN_LOG_FORMAT: 'text' } });
    await first.ready;
    const endpoints = target(data);
    // Act: a cell with a member (sealed profile), and an event about a member nobody admitted
    const ghost = validEvent('member.recognized', { id: 'ghost-1', data: { memberId: 'GHOST' } });
    const events = [...baseOrgs(), validEvent('member.admitted', { data: { memberId: 'M7', orgId: 'C1', dossierId: undefined } }), ghost];
    await sendAll(
      endpoints.stores.ingestQueue,
      events.map((e) => outgoing(JSON.stringify(e))),
    );
    await until(() => /waiting: csdl-dang-vien\/ghost-1 \S+ \(receive 1\), tried again in \d+ s/.test(first.output()), first.output);
    // Assess
    expect(first.output()).toContain(`npx dangvien send FILE.ndjson --wait --data ${data}`);
    expect(first.output()).not.toMatch(/"message":"event deferred"/);
    // The org tree travels in a group of its own: the ghost may wait before HP is registered.
    await eventually('the report of HP served once its registration applied', async () => (await reportStatus(endpoints)) === 200);
  });

  it('refuses a second start on the same directory (exit 2, naming the holder), and the first keeps running', async () => {
    // Prepare
    const before = endpointsOf();
    // Act
    const second = await runStackToExit(data);
    // Assess
    expect(second.code).toBe(2);
    expect(second.output).toContain(`pid ${before.pid}`);
    expect(endpointsOf()).toEqual(before);
    expect(lockHolder()).toBe(before.pid);
    expect(await reportStatus(before)).toBe(200);
  });

  it('refuses --reset while a stack runs on the directory, and deletes nothing', async () => {
    // Act
    const reset = await runStackToExit(data, { args: ['--reset'] });
    // Assess
    expect(reset.code).toBe(2);
    expect(reset.output).toContain(`pid ${endpointsOf().pid}`);
    expect(await reportStatus(endpointsOf())).toBe(200);
  });

  it('takes over the lock a kill -9 left, and its ready line names this run’s queue port', async () => {
    // Prepare
    const killed = endpointsOf();
    await killGroup(first.child, 'SIGKILL');
    await until(
      () => !isAlive(killed.pid),
      () => `pid ${killed.pid} still runs`,
    );
    expect(lockHolder()).toBe(killed.pid);
    // Act
    const again = startStack(data);
    await again.ready;
    // Assess
    const now = endpointsOf();
    expect(lockHolder()).toBe(now.pid);
    expect(now.pid).not.toBe(killed.pid);
    const queueUrl = /ready in [\d.]+ s: ingest queue (\S+)/.exec(again.output())![1]!;
    expect(new URL(queueUrl).port).toBe(new URL(now.sqsEndpoint).port);
    expect(queueUrl).toBe(now.env.INGEST_QUEUE_URL);
    expect(await reportStatus(now)).toBe(200);

    // Act: a clean stop
    await killGroup(again.child, 'SIGINT');
    // Assess: the lock and the endpoints go with it
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
    expect(existsSync(join(data, ENDPOINTS_FILE))).toBe(false);
  });

  it('refuses to start when the key file is gone while profiles are sealed under it, and says how to start over', async () => {
    // Prepare
    rmSync(join(data, 'personal-data.key'));
    // Act
    const started = await runStackToExit(data);
    // Assess
    expect(started.code).toBe(2);
    expect(started.output).toContain('personal data master secret');
    expect(started.output).toContain(`npm start -- --reset --data ${data}`);
    expect(existsSync(join(data, 'personal-data.key'))).toBe(false);
    expect(existsSync(join(data, LOCK_FILE))).toBe(false);
  });

  it('--reset says what it deletes, then starts on an empty directory', async () => {
    // Act
    const fresh = startStack(data, { args: ['--reset'] });
    await fresh.ready;
    // Assess
    expect(fresh.output()).toContain(`--reset: deleting every record, figure, queued message and the personal data key of ${data}`);
    expect(fresh.output()).toContain(join(data, 'dynamodb'));
    expect(await reportStatus(endpointsOf())).toBe(404);
    await killGroup(fresh.child, 'SIGINT');
  });
});
