// Personal data (names, birth dates) never reaches a log line, whatever happens to the event.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { validEvent, validProfile } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { until } from '../helpers/until.js';

// Before any module builds the logger: Powertools resets the level to the configured one
// on every invocation (injectLambdaContext), so the level must be the configured one.
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'DEBUG';
});

const NAME = 'Nguyễn Thị Bí Mật';
const BIRTH = '1987-06-05';

describe('logs carry no personal data', () => {
  let stack: TestStack;
  const written: string[] = [];
  const restore: Array<() => void> = [];

  beforeAll(async () => {
    // Prepare: capture everything this process writes (Powertools logs go to stdout).
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write.bind(stream);
      stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        written.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
        return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write;
      restore.push(() => (stream.write = original as typeof stream.write));
    }
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
    for (const r of restore) r();
  });

  it('logs ids and reasons only, for applied, rejected, conflicting and waiting events, candidates included', async () => {
    // Prepare
    const profile = validProfile({ fullName: NAME, birthDate: BIRTH });
    const admitted = validEvent('member.admitted', { data: { memberId: 'PII1', orgId: 'C1', profile } });
    const badSchema = validEvent('member.admitted', {
      data: { memberId: 'PII2', orgId: 'C1', profile: { ...profile, sex: 'x' as never } },
    });
    const conflict = { ...admitted, data: { ...admitted.data, orgId: 'C2' } };
    const waiting = validEvent('dossier.received', { data: { dossierId: 'PIID', personId: 'PII3', orgId: 'NOT-YET', profile } });
    // Act
    await stack.send([
      validEvent('org.registered', { data: { orgId: 'HP', parentId: null, name: 'HP', level: 'province' } }),
      validEvent('org.registered', { data: { orgId: 'C1', parentId: 'HP', name: 'C1', level: 'grassroots-cell' } }),
    ]);
    await stack.settle();
    const candidate = validEvent('candidate.listed', { data: { personId: 'PII4', orgId: 'C1', on: '2021-01-11', profile } });
    const listedTwice = validEvent('candidate.listed', { data: { personId: 'PII4', orgId: 'C1', on: '2021-02-01', profile } });
    await stack.send([admitted, badSchema, waiting, candidate, JSON.stringify(profile)]);
    await stack.settle();
    await stack.send([listedTwice]);
    await stack.settle();
    await stack.send([conflict]);
    await stack.settle();
    // Assess: the run did log (so the check below can fail), and never the name or birth date
    const log = written.join('');
    expect(log).toContain(admitted.id);
    expect(log).toContain(listedTwice.id);
    expect(log).toContain('event deferred');
    expect(log.normalize('NFC')).not.toContain(NAME);
    expect(log).not.toContain(BIRTH);
  });

  it('puts the request id, the cold-start flag and the event id on every line about an event', async () => {
    // Prepare: the JSON lines the ingest function wrote during the run above
    const lines = written
      .join('')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.function_name === 'ingest');
    // Assess: a follow-one-event query (`filter eventId = …`) finds each event's lines
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(line).toHaveProperty('function_request_id');
      expect(line).toHaveProperty('cold_start');
      expect(line).toHaveProperty('eventId');
    }
    const admittedLines = lines.filter((l) => typeof l.eventId === 'string' && l.eventId.startsWith('ev-member.admitted'));
    expect(admittedLines.map((l) => l.message)).toContain('event ingested');
    // …and the figures function's line about the same event, through the stream (which may
    // still be on its way when the queue is settled on a loaded machine)
    const admittedId = admittedLines.find((l) => l.outcome === 'applied')?.eventId;
    expect(admittedId).toBeDefined();
    const about = () =>
      written
        .join('')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.eventId === admittedId)
        .map((l) => `${String(l.function_name)}: ${String(l.message)}`);
    await until("the figures' line about the admitted event", () => about().includes('figures: figures refreshed'), { intervalMs: 200 });
    expect(about()).toEqual(expect.arrayContaining(['ingest: event ingested', 'figures: figures refreshed']));
  });
});
