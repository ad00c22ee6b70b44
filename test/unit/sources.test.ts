// The sources as an operator sees them (domain/sources.ts, use-cases/source-activity):
// the last event and the seven days' counts of each, and the registered producers gone silent.
import { describe, expect, it } from 'vitest';
import { describeSilence, silentProducers, sourcesSeen, type SourceDay } from '../../shared/domain/sources.js';
import { tallyBatch } from '../../shared/use-cases/source-activity/index.js';

// 6 December 2026, 15:00 in Vietnam.
const NOW = new Date('2026-12-06T08:00:00.000Z');
const day = (d: string, source: string, events: number, rejected = 0): SourceDay => ({ source, day: d, events, rejected });

describe('sourcesSeen', () => {
  it('adds up the last seven days (today included), keeps each source’s last event, and lists registered sources never seen', () => {
    // Prepare: 30 November is the first day of the window; 29 November is outside it
    const days = [
      day('2026-11-29', 'csdl-hb', 50, 5),
      day('2026-11-30', 'csdl-hb', 10, 1),
      day('2026-12-06', 'csdl-hb', 4),
      day('2026-12-01', 'csdl-lc', 0, 0),
    ];
    const lasts = [
      { source: 'csdl-hb', lastEventAt: '2026-12-06T07:59:00.000Z' },
      { source: 'csdl-lc', lastEventAt: '2026-12-01T02:00:00.000Z' },
    ];
    // Act
    const seen = sourcesSeen(days, lasts, NOW, ['csdl-nk']);
    // Assess
    expect(seen).toEqual([
      { source: 'csdl-hb', lastEventAt: '2026-12-06T07:59:00.000Z', eventsLast7Days: 14, rejectedLast7Days: 1 },
      { source: 'csdl-lc', lastEventAt: '2026-12-01T02:00:00.000Z', eventsLast7Days: 0, rejectedLast7Days: 0 },
      { source: 'csdl-nk', lastEventAt: null, eventsLast7Days: 0, rejectedLast7Days: 0 },
    ]);
  });
});

describe('silentProducers', () => {
  const seen = sourcesSeen(
    [],
    [
      { source: 'csdl-hb', lastEventAt: '2026-11-21T07:00:00.000Z' },
      { source: 'csdl-hb-2', lastEventAt: '2026-12-05T07:00:00.000Z' },
      { source: 'csdl-lc', lastEventAt: '2026-11-21T07:00:00.000Z' },
    ],
    NOW,
  );

  it('names a producer none of whose sources sent anything for more than 14 days, or ever', () => {
    // Act
    const silent = silentProducers(
      [
        { name: 'HB', sources: ['csdl-hb', 'csdl-hb-2'] },
        { name: 'LC', sources: ['csdl-lc'] },
        { name: 'NK', sources: ['csdl-nk'] },
      ],
      seen,
      NOW,
    );
    // Assess: HB's second source is alive; LC is 15 days silent; NK never sent
    expect(silent.map((p) => p.name)).toEqual(['LC', 'NK']);
    expect(describeSilence(silent[0]!, NOW)).toBe(
      'producer LC (csdl-lc) has sent nothing for 15 days (last event 2026-11-21T07:00:00.000Z; named after 14): is its system sending?',
    );
  });

  it('keeps a producer’s own limit over the default, and the default over nothing', () => {
    // Act
    const monthly = silentProducers([{ name: 'LC', sources: ['csdl-lc'], silentAfterDays: 40 }], seen, NOW);
    const strict = silentProducers([{ name: 'HB', sources: ['csdl-hb-2'] }], seen, NOW, 0.5);
    // Assess
    expect(monthly).toEqual([]);
    expect(strict.map((p) => p.name)).toEqual(['HB']);
  });
});

describe('tallyBatch', () => {
  it('counts events and rejections by source on the day in Vietnam; a duplicate only says the source is alive', () => {
    // Act: 17:30 UTC on 5 December is 00:30 on 6 December in Vietnam
    const counts = tallyBatch(
      [
        { source: 'a', outcome: 'applied' },
        { source: 'a', outcome: 'rejected' },
        { source: 'a', outcome: 'duplicate' },
        { source: 'b', outcome: 'duplicate' },
      ],
      new Date('2026-12-05T17:30:00.000Z'),
    );
    // Assess
    expect(counts).toEqual([
      { source: 'a', day: '2026-12-06', events: 2, rejected: 1, lastEventAt: '2026-12-05T17:30:00.000Z' },
      { source: 'b', day: '2026-12-06', events: 0, rejected: 0, lastEventAt: '2026-12-05T17:30:00.000Z' },
    ]);
  });
});
