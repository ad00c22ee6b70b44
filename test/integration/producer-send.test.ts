// Producer scoping end to end on the emulators: `dangvien send --sender ID` sends as a
// producer identity (docs/cli.md, §11), the local runner hands it to the ingest as the
// SQS SenderId, and the registry file decides what it may write.
import { execFile } from 'node:child_process';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { sqsClient } from '../helpers/emulators.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { getMember, partition } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

const run = promisify(execFile);

describe('dangvien send --sender on the local stack', () => {
  let stack: TestStack;
  let data: string;
  let producers: string;
  const dangvien = (...args: string[]) =>
    run(process.execPath, ['bin/dangvien.js', ...args, '--data', data], { env: { ...process.env, DANGVIEN_DATA: '' } });
  const send = async (sender: string | undefined, events: object[]) => {
    const file = join(data, `events-${Math.random()}.ndjson`);
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n'));
    const args = ['bin/dangvien.js', 'send', file, '--wait', '--data', data, ...(sender ? ['--sender', sender] : [])];
    const { stdout } = await run(process.execPath, args, { env: { ...process.env, DANGVIEN_DATA: '' } });
    return JSON.parse(stdout) as { accepted: number; rejected: number };
  };

  beforeAll(async () => {
    // Prepare: the city's system writes everything, district Q1's system its subtree, as source csdl-q1
    data = mkdtempSync(join(tmpdir(), 'dangvien-sender-'));
    producers = join(data, 'producers.json');
    writeFileSync(
      producers,
      JSON.stringify({
        producers: [
          { senderId: 'AIDACITY', name: 'city', sources: ['csdl-dang-vien'], orgs: ['*'] },
          { senderId: 'AROAQ1', name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'] },
        ],
      }),
    );
    stack = await startTestStack({ figures: false, producersFile: producers });
    writeFileSync(join(data, ENDPOINTS_FILE), JSON.stringify({ ...inject('emulators'), apiUrl: '', env: stack.env, pid: process.pid }));
    const tree = [
      registerOrg('HP', null, 'province'),
      registerOrg('Q1', 'HP', 'upper-grassroots'),
      registerOrg('Q2', 'HP', 'upper-grassroots'),
    ];
    const cells = [registerOrg('Q1-C', 'Q1', 'grassroots-cell'), registerOrg('Q2-C', 'Q2', 'grassroots-cell')];
    expect(await send('AIDACITY', [...tree, ...cells])).toMatchObject({ accepted: 5, rejected: 0 });
  });
  afterAll(async () => stack?.stop());

  it('applies what a district writes in its subtree with its own source, and refuses the rest as out-of-scope', async () => {
    // Prepare
    const own = validEvent('member.imported', { source: 'csdl-q1', data: { memberId: 'S-Q1', orgId: 'Q1-C' } });
    const elsewhere = validEvent('member.imported', { source: 'csdl-q1', data: { memberId: 'S-Q2', orgId: 'Q2-C' } });
    const cityIsSource = validEvent('member.imported', { source: 'csdl-dang-vien', data: { memberId: 'S-Q1B', orgId: 'Q1-C' } });
    // Act
    const result = await send('AROAQ1', [own, elsewhere, cityIsSource]);
    // Assess
    expect(result).toMatchObject({ accepted: 1, rejected: 2 });
    expect(await getMember(stack, 'S-Q1')).toMatchObject({ cellId: 'Q1-C' });
    expect(await getMember(stack, 'S-Q2')).toBeUndefined();
    expect(await getMember(stack, 'S-Q1B')).toBeUndefined();
    // …and keeps nothing of what it was refused: no profile, no birth date (docs/personal-data.md)
    const kept = (await partition(stack, 'REJECTED')).filter((r) => r.eventId === elsewhere.id || r.eventId === cityIsSource.id);
    expect(kept.map((r) => r.reason)).toEqual(['out-of-scope', 'out-of-scope']);
    expect(JSON.stringify(kept)).not.toContain(own.data.profile.birthDate);
  });

  it('refuses everything from a sender that is not registered', async () => {
    // Act: no --sender: fauxqs's own SenderId, which no producer has
    const result = await send(undefined, [validEvent('member.imported', { data: { memberId: 'S-ANON', orgId: 'Q1-C' } })]);
    // Assess
    expect(result).toMatchObject({ accepted: 0, rejected: 1 });
    expect(await getMember(stack, 'S-ANON')).toBeUndefined();
  });

  it('stores no conflict (and no body) when an unknown sender reuses an id already applied', async () => {
    // Prepare: the id of an applied event, with a profile, from nobody registered
    const applied = validEvent('member.imported', { source: 'csdl-q1', data: { memberId: 'S-KEEP', orgId: 'Q1-C' } });
    await send('AROAQ1', [applied]);
    const hostile = { ...applied, data: { ...applied.data, profile: { ...applied.data.profile, birthDate: '1911-11-11' } } };
    // Act
    await send(undefined, [hostile]);
    // Assess
    const kept = (await partition(stack, 'REJECTED')).filter((r) => r.eventId === applied.id);
    expect(kept.map((r) => r.reason)).toEqual(['out-of-scope']);
    expect(JSON.stringify(kept)).not.toContain('1911-11-11');
  });

  it('applies nothing while the registry file is broken, and after the fix a DLQ redrive applies it as its first sender', async () => {
    // Prepare: Q1's event sent while the registry does not parse
    const registry = readFileSync(producers, 'utf8');
    const event = validEvent('member.imported', { source: 'csdl-q1', data: { memberId: 'S-BROKEN', orgId: 'Q1-C' } });
    const file = join(data, 'broken.ndjson');
    writeFileSync(file, JSON.stringify(event));
    try {
      writeFileSync(producers, '{"producers": [');
      // Act: every receive fails the batch as a whole, until the message reaches the DLQ
      await dangvien('send', file, '--sender', 'AROAQ1');
      await until('the event in the DLQ', async () => (await dlqDepth()) > 0, { intervalMs: 250 });
    } finally {
      writeFileSync(producers, registry);
    }
    // Assess: neither applied nor rejected
    expect(await getMember(stack, 'S-BROKEN')).toBeUndefined();
    expect((await partition(stack, 'REJECTED')).filter((r) => r.eventId === event.id)).toEqual([]);
    // Act: the operator redrives the DLQ (fauxqs's SenderId is the operator's)
    await dangvien('dlq', 'redrive');
    await until('the redriven event applied', async () => (await getMember(stack, 'S-BROKEN')) !== undefined, { intervalMs: 250 });
    // Assess: applied as Q1, whose scope it is
    expect(await getMember(stack, 'S-BROKEN')).toMatchObject({ cellId: 'Q1-C' });
  });

  const dlqDepth = async () => {
    const out = await sqsClient().send(
      new GetQueueAttributesCommand({ QueueUrl: stack.env.INGEST_DLQ_URL, AttributeNames: ['ApproximateNumberOfMessages'] }),
    );
    return Number(out.Attributes?.ApproximateNumberOfMessages ?? 0);
  };
});
