// When `dangvien status` says a person is needed (domain/health.ts).
import { describe, expect, it } from 'vitest';
import { eventsFlowing, needsAttention, type HealthSnapshot } from '../../shared/domain/health.js';

const NOW = '2026-12-02T08:00:00.000Z';
const healthy = (): HealthSnapshot => ({
  checkedAt: NOW,
  ingest: { visible: 3, inFlight: 1, oldestAgeSeconds: 2 },
  deadLetterQueue: { messages: 0 },
  rejected: 4,
  waiting: { count: 1, oldestSince: '2026-12-02T07:59:00.000Z' },
  figuresLagSeconds: 1,
  reminders: { lastRunDate: '2026-12-02', completedAt: '2026-12-02T00:00:05.000Z' },
  sources: [{ source: 'csdl-hb', lastEventAt: '2026-12-02T07:30:00.000Z', eventsLast7Days: 120, rejectedLast7Days: 3 }],
  silentProducers: [],
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
      'a message group held behind an event in the DLQ',
      (s: HealthSnapshot) => ({
        ...s,
        heldGroups: [{ behind: 'csdl-dang-vien/ev-step-1', reason: 'missing-dossier', since: '2026-12-02T07:00:00.000Z', parked: 2 }],
      }),
      'event csdl-dang-vien/ev-step-1 waits (missing-dossier) in the dead-letter queue since 2026-12-02T07:00:00.000Z, its message group held behind it: 2 later event(s) parked',
    ],
    [
      'a producer at its quota of waiting events',
      (s: HealthSnapshot) => ({ ...s, quotasReached: [{ senderId: 'AIDADISTRICT', kind: 'waiting', limit: 2, at: NOW }] }),
      'AIDADISTRICT reached its quota of 2 events waiting',
    ],
    [
      'a producer at its quota of events a minute',
      (s: HealthSnapshot) => ({ ...s, quotasReached: [{ senderId: 'AIDADISTRICT', kind: 'eventsPerMinute', limit: 600, at: NOW }] }),
      'AIDADISTRICT reached its quota of 600 events a minute: its events over it are rejected `too-many-events`',
    ],
    [
      'a producer at its quota of rejected events kept',
      (s: HealthSnapshot) => ({ ...s, quotasReached: [{ senderId: 'AIDADISTRICT', kind: 'rejectedKept', limit: 10, at: NOW }] }),
      'AIDADISTRICT reached its quota of 10 rejected events kept',
    ],
    ['figures 6 minutes behind', (s: HealthSnapshot) => ({ ...s, figuresLagSeconds: 360 }), 'behind the records'],
    [
      'no reminders run for 27 hours',
      (s: HealthSnapshot) => ({ ...s, reminders: { lastRunDate: '2026-11-30', completedAt: '2026-12-01T05:00:00.000Z' } }),
      'last completed a run',
    ],
    [
      'a registered producer silent for 20 days',
      (s: HealthSnapshot) => ({
        ...s,
        silentProducers: [
          { name: 'CSDL phường Lê Chân', sources: ['csdl-lc'], lastEventAt: '2026-11-12T08:00:00.000Z', silentAfterDays: 14 },
        ],
      }),
      'producer CSDL phường Lê Chân (csdl-lc) has sent nothing for 20 days',
    ],
    [
      'a registry that cannot be read',
      (s: HealthSnapshot) => ({ ...s, registryUnreadable: 'the producer registry is not JSON' }),
      'the producer registry cannot be read (the producer registry is not JSON)',
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

  it('names a dead-lettered event 11 days old with the day SQS deletes it, and not one of 9 days beyond the DLQ line', () => {
    // Act
    const eleven = needsAttention({ ...healthy(), deadLetterQueue: { messages: 2, oldestAgeSeconds: 11 * 86_400 } });
    const nine = needsAttention({ ...healthy(), deadLetterQueue: { messages: 2, oldestAgeSeconds: 9 * 86_400 } });

    // Assess: it arrived on 21 November; the DLQ keeps it 14 days
    expect(eleven).toHaveLength(2);
    expect(eleven[1]).toContain('has been there 11 days: SQS deletes it for good on 2026-12-05 unless it is redriven');
    expect(nine).toHaveLength(1);
  });

  it('names an event that has waited over a minute: what it waits for, its tries and its next one', () => {
    // Prepare: tried 3 times, the last 2 s ago (next after 8 s); another after its last try
    const waiting = {
      count: 3,
      oldestSince: '2026-12-02T07:55:00.000Z',
      oldest: [
        {
          source: 'csdl-hb',
          eventId: 'evt-7',
          senderId: 'AROA1',
          reason: 'missing-org',
          message: 'organization HB-X is not registered (yet)',
          attempts: 3,
          receiveCount: 3,
          since: '2026-12-02T07:55:00.000Z',
          lastTriedAt: '2026-12-02T07:59:58.000Z',
        },
        {
          source: 'csdl-hb',
          eventId: 'evt-8',
          reason: 'missing-member',
          message: 'member M-9 is not known (yet)',
          attempts: 6,
          receiveCount: 6,
          since: '2026-12-02T07:56:00.000Z',
          lastTriedAt: '2026-12-02T07:59:30.000Z',
        },
        // A fresh wait: not named
        { eventId: 'evt-9', reason: 'missing-org', message: 'x', attempts: 1, since: '2026-12-02T07:59:50.000Z' },
      ],
    };
    // Act
    const attention = needsAttention({ ...healthy(), waiting });
    // Assess
    expect(attention).toEqual([
      'event csdl-hb/evt-7 (sender AROA1) has waited 5 min, waiting: organization HB-X is not registered (yet); tried 3 times, next in 6 s: `dangvien rejected list`',
      'event csdl-hb/evt-8 has waited 4 min, waiting: member M-9 is not known (yet); tried 6 times, now in the dead-letter queue: `dangvien rejected list`',
    ]);
  });

  it('names an event parked behind a held one at once: it is in the dead-letter queue after one try', () => {
    // Prepare: parked 5 s ago, at its first receive
    const parked = {
      source: 'csdl-hb',
      eventId: 'evt-10',
      reason: 'held',
      message: 'held behind event evt-8 of its message group, which is in the dead-letter queue',
      attempts: 1,
      receiveCount: 1,
      inDeadLetterQueue: true,
      since: '2026-12-02T07:59:55.000Z',
      lastTriedAt: '2026-12-02T07:59:55.000Z',
    };
    // Act
    const attention = needsAttention({ ...healthy(), waiting: { count: 1, oldestSince: parked.since, oldest: [parked] } });
    // Assess
    expect(attention).toEqual([
      'event csdl-hb/evt-10 has waited 5 s, waiting: held behind event evt-8 of its message group, which is in the dead-letter queue; tried 1 time, now in the dead-letter queue: `dangvien rejected list`',
    ]);
  });

  it('names the five oldest waits and counts the others', () => {
    // Prepare
    const oldest = Array.from({ length: 7 }, (_, i) => ({
      eventId: `e${i}`,
      reason: 'missing-org',
      message: 'organization X is not registered (yet)',
      attempts: 1,
      since: `2026-12-02T07:0${i}:00.000Z`,
    }));
    // Act
    const attention = needsAttention({ ...healthy(), waiting: { count: 9, oldestSince: oldest[0]!.since, oldest } });
    // Assess
    expect(attention).toHaveLength(6);
    expect(attention[5]).toMatch(/^and 4 more event\(s\) wait for a predecessor/);
  });
});

describe('eventsFlowing', () => {
  it('lets a writing recompute run only with nothing on the ingest queue and the figures caught up', () => {
    // Act / Assess
    expect(eventsFlowing({ visible: 0, inFlight: 0 }, 0)).toBeUndefined();
    expect(eventsFlowing({ visible: 0, inFlight: 0 }, undefined)).toBeUndefined();
    expect(eventsFlowing({ visible: 0, inFlight: 1 }, 0)).toBe('1 message(s) on the ingest queue');
    expect(eventsFlowing({ visible: 2, inFlight: 1 }, 4)).toBe('3 message(s) on the ingest queue, the figures 4 s behind the records');
    expect(eventsFlowing({ visible: 0, inFlight: 0 }, 1)).toBe('the figures 1 s behind the records');
  });
});
