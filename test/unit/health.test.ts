// When `dangvien status` says a person is needed (domain/health.ts).
import { describe, expect, it } from 'vitest';
import { needsAttention, type HealthSnapshot } from '../../shared/domain/health.js';

const NOW = '2026-12-02T08:00:00.000Z';
const healthy = (): HealthSnapshot => ({
  checkedAt: NOW,
  ingest: { visible: 3, inFlight: 1, oldestAgeSeconds: 2 },
  deadLetterQueue: { messages: 0 },
  rejected: 4,
  waiting: { count: 1, oldestSince: '2026-12-02T07:59:00.000Z' },
  figuresLagSeconds: 1,
  reminders: { lastRunDate: '2026-12-02', completedAt: '2026-12-02T00:00:05.000Z' },
  quotasReached: [],
});

describe('needsAttention', () => {
  it('is empty for a busy but healthy backend: rejected events and a fresh wait are normal', () => {
    expect(needsAttention(healthy())).toEqual([]);
  });

  it.each([
    ['a message in the DLQ', (s: HealthSnapshot) => ({ ...s, deadLetterQueue: { messages: 1 } }), 'dead-letter queue'],
    [
      'an ingest queue 31 minutes old',
      (s: HealthSnapshot) => ({ ...s, ingest: { ...s.ingest, oldestAgeSeconds: 31 * 60 } }),
      'oldest event',
    ],
    [
      'an event waiting for 16 minutes',
      (s: HealthSnapshot) => ({ ...s, waiting: { count: 2, oldestSince: '2026-12-02T07:44:00.000Z' } }),
      'wait for a predecessor',
    ],
    [
      'a producer at its quota of waiting events',
      (s: HealthSnapshot) => ({ ...s, quotasReached: [{ senderId: 'AIDADISTRICT', kind: 'waiting', limit: 2, at: NOW }] }),
      'AIDADISTRICT reached its quota of 2 waiting events',
    ],
    ['figures 6 minutes behind', (s: HealthSnapshot) => ({ ...s, figuresLagSeconds: 360 }), 'behind the records'],
    [
      'no reminders run for 27 hours',
      (s: HealthSnapshot) => ({ ...s, reminders: { lastRunDate: '2026-11-30', completedAt: '2026-12-01T05:00:00.000Z' } }),
      'last completed a run',
    ],
    [
      'a reminders job that never ran',
      (s: HealthSnapshot) => ({ ...s, reminders: { lastRunDate: null, completedAt: null } }),
      'not completed a run yet',
    ],
  ])('names %s', (_what, change, words) => {
    // Act
    const attention = needsAttention(change(healthy()));
    // Assess
    expect(attention).toHaveLength(1);
    expect(attention[0]).toContain(words);
  });
});
