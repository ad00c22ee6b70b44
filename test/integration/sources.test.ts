// The sources as the operator sees them in `dangvien status` (docs/runbook.md "A
// producer gone silent"): each source with its last event and its seven days' counts,
// counted only for the producer registered for it, and a registered producer that has
// sent nothing for too long named in `attention` — by its own limit, else --silent-days.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { startLocalApi, type LocalApi } from '../../local/http-api.js';
import { freePort } from '../../local/ports.js';
import { todayInVietnam } from '../../shared/domain/dates.js';
import { dangvienAt } from '../helpers/cli.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

interface Status {
  sources: Array<{ source: string; lastEventAt: string | null; eventsLast7Days: number; rejectedLast7Days: number }>;
  silentProducers: Array<{ name: string }>;
  attention: string[];
}

describe('the sources in dangvien status', () => {
  let stack: TestStack;
  let api: LocalApi;
  let data: string;
  const dangvien = dangvienAt(() => data);
  const send = async (sender: string, events: object[]) => {
    const file = join(data, `events-${Math.random()}.ndjson`);
    writeFileSync(file, events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join('\n'));
    return dangvien('send', file, '--wait', '--timeout', '60', '--sender', sender);
  };
  const status = async (...args: string[]) => JSON.parse((await dangvien('status', ...args)).stdout) as Status;

  beforeAll(async () => {
    // Prepare: the city's system (sends), a district that never sent, a monthly one last heard from 20 days ago
    data = mkdtempSync(join(tmpdir(), 'dangvien-sources-'));
    const producers = join(data, 'producers.json');
    writeFileSync(
      producers,
      JSON.stringify({
        producers: [
          { senderId: 'AIDACITY', name: 'city', sources: ['src-city'], orgs: ['*'] },
          { senderId: 'AROAQUIET', name: 'quiet district', sources: ['src-quiet'], orgs: ['Q'] },
          { senderId: 'AROAMONTHLY', name: 'monthly district', sources: ['src-monthly'], orgs: ['M'], silentAfterDays: 40 },
        ],
      }),
    );
    stack = await startTestStack({ producersFile: producers });
    api = await startLocalApi({
      port: await freePort(),
      reportHandler: async () => ({ statusCode: 404 }),
      settle: () => stack.settle(),
      status: () => ({ ingestOldestAgeSeconds: 0, figuresLagSeconds: stack.figuresLagSeconds() }),
    });
    writeFileSync(
      join(data, ENDPOINTS_FILE),
      JSON.stringify({ ...inject('emulators'), apiUrl: api.url, env: stack.env, pid: process.pid }),
    );
    const twentyDaysAgo = new Date(Date.now() - 20 * 86_400_000);
    await stack.stores.sourceActivity.add([
      { source: 'src-monthly', day: todayInVietnam(twentyDaysAgo), events: 3, rejected: 0, lastEventAt: twentyDaysAgo.toISOString() },
    ]);
  });
  afterAll(async () => {
    await api?.close();
    await stack?.stop();
  });

  it('lists each source with its last event and counts; an intruder using another’s source counts for nobody', async () => {
    // Prepare: three events of the city, one rejected; an unregistered sender using the quiet district's source
    const before = Date.now();
    const city = [
      registerOrg('HP', null, 'province'),
      registerOrg('Q', 'HP', 'upper-grassroots'),
      { ...validEvent('org.renamed', { data: { orgId: 'Q' } }), unknown: 1 },
    ].map((e) => ({ ...e, source: 'src-city' }));
    expect(JSON.parse((await send('AIDACITY', city)).stdout)).toMatchObject({ accepted: 2, rejected: 1 });
    await send('AROAINTRUDER', [{ ...registerOrg('Q-C', 'Q', 'grassroots-cell'), source: 'src-quiet' }]);
    // Act
    const seen = await status();
    // Assess
    const bySource = Object.fromEntries(seen.sources.map((s) => [s.source, s]));
    expect(bySource['src-city']).toMatchObject({ eventsLast7Days: 3, rejectedLast7Days: 1 });
    expect(Date.parse(bySource['src-city']!.lastEventAt!)).toBeGreaterThanOrEqual(before - 1000);
    expect(bySource['src-quiet']).toEqual({ source: 'src-quiet', lastEventAt: null, eventsLast7Days: 0, rejectedLast7Days: 0 });
    expect(bySource['src-monthly']).toMatchObject({ eventsLast7Days: 0, rejectedLast7Days: 0 });
  });

  it('names a registered producer that never sent; one of 20 days’ silence only when its own limit or --silent-days says so', async () => {
    // Act
    const byDefault = await status();
    const stricter = await status('--silent-days', '10');
    const badDays = await dangvien('status', '--silent-days', 'soon');
    // Assess: the monthly district's own 40 days win over both
    expect(byDefault.silentProducers.map((p) => p.name)).toEqual(['quiet district']);
    expect(byDefault.attention).toContainEqual(
      expect.stringMatching(/^producer quiet district \(src-quiet\) has sent nothing since it was registered/),
    );
    expect(stricter.silentProducers.map((p) => p.name)).toEqual(['quiet district']);
    expect(badDays.code).toBe(2);
  });

  it('names the monthly producer once its own limit is passed', async () => {
    // Prepare: the same district, 45 days since it last sent
    const registry = {
      producers: [
        { senderId: 'AIDACITY', name: 'city', sources: ['src-city'], orgs: ['*'] },
        { senderId: 'AROAMONTHLY', name: 'monthly district', sources: ['src-monthly'], orgs: ['M'], silentAfterDays: 15 },
      ],
    };
    writeFileSync(stack.env.DANGVIEN_PRODUCERS_FILE!, JSON.stringify(registry));
    // Act
    const seen = await status();
    // Assess
    expect(seen.silentProducers.map((p) => p.name)).toEqual(['monthly district']);
    expect(seen.attention).toContainEqual(
      expect.stringMatching(/^producer monthly district \(src-monthly\) has sent nothing for 20 days \(last event .*; named after 15\)/),
    );
  });
});
