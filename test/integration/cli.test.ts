// `dangvien` as an operator runs it: JSON on stdout, exit 0 / 1 / 2 (CONTRACT §10).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const run = promisify(execFile);

describe('the dangvien CLI against a local stack', () => {
  let stack: TestStack;
  let data: string;
  const dangvien = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/dangvien.js', ...args, '--data', data], { env: { ...process.env, DANGVIEN_DATA: '' } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  beforeAll(async () => {
    // Prepare: a stack and the endpoints file `npm start` would leave in its data directory
    stack = await startTestStack();
    data = mkdtempSync(join(tmpdir(), 'dangvien-cli-'));
    writeFileSync(join(data, ENDPOINTS_FILE), JSON.stringify({ ...inject('emulators'), apiUrl: '', env: stack.env, pid: process.pid }));
    await stack.send([registerOrg('HP', null, 'province'), registerOrg('C1', 'HP', 'grassroots-cell')]);
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('sends a file and waits: accepted, duplicates and rejected, a bad line named by its number', async () => {
    // Prepare
    const admitted = validEvent('member.admitted', { data: { memberId: 'CLI1', orgId: 'C1' } });
    const recognized = validEvent('member.recognized', { data: { memberId: 'CLI1', recognizedOn: '2022-03-10' } });
    const file = join(data, 'events.ndjson');
    writeFileSync(file, [JSON.stringify(admitted), 'not json', JSON.stringify(recognized), JSON.stringify(recognized)].join('\n'));
    // Act
    const first = await dangvien('send', file, '--wait');
    const again = await dangvien('send', file, '--wait');
    // Assess
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 4, accepted: 2, rejected: 1 });
    expect(first.stderr).toContain('line 2');
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 4, accepted: 0, duplicates: 2, rejected: 1 });
  });

  it('prints the report of an org and exits 2 for an org that is not registered', async () => {
    // Prepare
    await stack.settle();
    // Act
    const report = await dangvien('report', 'HP', '--date', '2021-12-31');
    const unknown = await dangvien('report', 'NOPE');
    const badDate = await dangvien('report', 'HP', '--date', '2021-02-30');
    // Assess
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toMatchObject({ orgId: 'HP', year: 2021, members: { total: 1, official: 1 } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('NOPE');
    expect(badDate.code).toBe(2);
  });

  it('lists rejected events without their bodies, and checks the figures against a recount', async () => {
    // Act
    const list = await dangvien('rejected', 'list');
    const check = await dangvien('recompute', '--check');
    // Assess
    const { rejected } = JSON.parse(list.stdout) as { rejected: Array<Record<string, unknown>> };
    // The bad line of each of the two sends, stored per message.
    expect(rejected.map((r) => r.reason)).toEqual(['not-json', 'not-json']);
    expect(rejected.every((r) => !('body' in r))).toBe(true);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ differences: 0 });
  });
});
