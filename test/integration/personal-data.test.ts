// Personal data (names, birth dates) never reaches a log line, whatever happens to the event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logger } from '../../shared/observability/logger.js';
import { validEvent, validProfile } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

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
    logger.setLogLevel('DEBUG');
    stack = await startTestStack();
  });
  afterAll(async () => {
    await stack?.stop();
    for (const r of restore) r();
    logger.setLogLevel('WARN');
  });

  it('logs ids and reasons only, for applied, rejected, conflicting and waiting events', async () => {
    // Prepare
    const profile = validProfile({ fullName: NAME, birthDate: BIRTH });
    const admitted = validEvent('member.admitted', { data: { memberId: 'PII1', orgId: 'C1', profile } });
    const badSchema = validEvent('member.admitted', { data: { memberId: 'PII2', orgId: 'C1', profile: { ...profile, sex: 'x' as never } } });
    const conflict = { ...admitted, data: { ...admitted.data, orgId: 'C2' } };
    const waiting = validEvent('dossier.received', { data: { dossierId: 'PIID', personId: 'PII3', orgId: 'NOT-YET', profile } });
    // Act
    await stack.send([
      validEvent('org.registered', { data: { orgId: 'HP', parentId: null, name: 'HP', level: 'province' } }),
      validEvent('org.registered', { data: { orgId: 'C1', parentId: 'HP', name: 'C1', level: 'grassroots-cell' } }),
    ]);
    await stack.settle();
    await stack.send([admitted, badSchema, waiting, JSON.stringify(profile)]);
    await stack.settle();
    await stack.send([conflict]);
    await stack.settle();
    // Assess: the run did log (so the check below can fail), and never the name or birth date
    const log = written.join('');
    expect(log).toContain(admitted.id);
    expect(log).toContain('event deferred');
    expect(log.normalize('NFC')).not.toContain(NAME);
    expect(log).not.toContain(BIRTH);
  });
});
