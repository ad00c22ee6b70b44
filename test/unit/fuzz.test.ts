// A seeded fuzz of the ingest's pure entry points: 10,000+ generated message bodies,
// hostile ones included, through parseEvent and then decide on a small loaded state.
// Nothing may throw; every input ends applied, rejected or retried with a reason.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES, parseEvent } from '../../shared/domain/events/index.js';
import { decide, needsFor } from '../../shared/domain/ingest/decide.js';
import { emptyState, type LoadedState } from '../../shared/domain/ingest/decision-types.js';
import { DomainHarness } from '../helpers/domain-harness.js';
import { baseOrgs, validEvent, validExternalArrival } from '../helpers/events.js';

/** A small world: orgs, a member, a dossier, a transfer. */
const world = await new DomainHarness().given([
  ...baseOrgs(),
  validEvent('dossier.received'),
  validEvent('member.imported'),
  validEvent('transfer.issued', { data: { kind: 'temporary' } }),
  validExternalArrival(),
]);

function loaded(event: Parameters<typeof needsFor>[0]): LoadedState {
  const state = emptyState();
  for (let round = 0; round < 4; round++) {
    const needs = needsFor(event, state);
    for (const o of world.orgs.values()) state.orgs.set(o.orgId, structuredClone(o));
    state.allOrgsLoaded = true;
    for (const id of needs.members) if (world.members.has(id)) state.members.set(id, structuredClone(world.members.get(id)!));
    for (const id of needs.dossiers) if (world.dossiers.has(id)) state.dossiers.set(id, structuredClone(world.dossiers.get(id)!));
    for (const id of needs.transfers) if (world.transfers.has(id)) state.transfers.set(id, structuredClone(world.transfers.get(id)!));
    for (const id of needs.activeMembersOf ?? []) state.activeMembers.set(id, world.rollsCount(id));
    for (const id of needs.openDossiersOf ?? []) state.openDossiers.set(id, 0);
  }
  return state;
}

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    'Nguyễn'.normalize('NFD'),
    '\u0000',
    '\u202e',
    '\u200b',
    '\ufeff',
    '\ud800',
    ' ',
    '',
    'Kinh',
    'Không',
    '__proto__',
    'constructor',
  ),
  fc.constantFrom('0000-01-01', '9999-12-31', '9999-12-01', '1899-12-31', '2199-12-31', '2021-02-29', '2021-03-02', '1991-03-02'),
);
const hostileNumber = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(1e308, -1e308, 2 ** 53, 30, 40, 2021, 9999, 0, -1));
const garbage: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString')), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;

/** A valid event of any type with some fields replaced by hostile values. */
const mutated = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    field: fc.constantFrom(
      'orgId',
      'memberId',
      'dossierId',
      'transferId',
      'on',
      'admittedOn',
      'ceremonyOn',
      'awardedOn',
      'issuedOn',
      'receivedOn',
      'recognizedOn',
      'year',
      'years',
      'name',
      'profile',
      'note',
      'mergedInto',
      'personId',
      '__proto__',
      'constructor',
    ),
    value: garbage,
    envelope: fc.option(fc.record({ key: fc.constantFrom('id', 'source', 'occurredAt', 'type', '__proto__'), value: garbage }), {
      nil: undefined,
    }),
  })
  .map(({ type, field, value, envelope }) => {
    const e = validEvent(type) as unknown as Record<string, unknown>;
    const data = { ...(e.data as Record<string, unknown>) };
    Object.defineProperty(data, field, { value, enumerable: true, writable: true, configurable: true });
    const out = { ...e, data };
    if (envelope) Object.defineProperty(out, envelope.key, { value: envelope.value, enumerable: true, writable: true, configurable: true });
    return JSON.stringify(out);
  });

/** Valid events with far dates, which parse and must then be decided without a throw. */
const farDates = fc
  .record({
    type: fc.constantFrom(...EVENT_TYPES),
    date: fc.constantFrom('1900-01-01', '2199-12-31', '2199-11-30', '2150-06-01'),
    field: fc.constantFrom('on', 'admittedOn', 'ceremonyOn', 'awardedOn', 'issuedOn', 'receivedOn', 'recognizedOn'),
  })
  .map(({ type, date, field }) => {
    const e = validEvent(type) as unknown as { data: Record<string, unknown> };
    if (field in e.data) e.data[field] = date;
    return JSON.stringify(e);
  });

const body = fc.oneof(
  { weight: 5, arbitrary: mutated },
  { weight: 2, arbitrary: farDates },
  { weight: 1, arbitrary: garbage.map((g) => JSON.stringify(g) ?? 'undefined') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary' }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"__proto__":{"polluted":true},"type":"org.renamed"}',
      '{"constructor":{"prototype":{"x":1}}}',
      '[]',
      'null',
      '1e999',
      '"x"',
      `{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    ),
  },
);

describe('fuzz: parseEvent and decide never throw', () => {
  it('10,000 generated bodies (seeded) are each applied, rejected or retried with a reason', () => {
    // Prepare
    const outcomes = new Map<string, number>();
    const tally = (k: string) => outcomes.set(k, (outcomes.get(k) ?? 0) + 1);
    const property = fc.property(body, (b) => {
      // Act
      const parsed = parseEvent(b);
      if (!parsed.ok) {
        expect(parsed.reason).toMatch(/^(not-json|unknown-type|schema)$/);
        expect(parsed.message.length).toBeGreaterThan(0);
        tally(`parse:${parsed.reason}`);
        return;
      }
      const decision = decide(parsed.event, loaded(parsed.event));

      // Assess
      expect(['apply', 'reject', 'retry']).toContain(decision.outcome);
      if (decision.outcome !== 'apply') expect(decision.reason.length).toBeGreaterThan(0);
      tally(`decide:${decision.outcome}`);
    });

    fc.assert(property, { numRuns: 10_000, seed: 20261202 });

    // Assess: the generator reaches every kind of end, and no prototype was polluted
    expect([...outcomes.keys()].sort()).toEqual(
      expect.arrayContaining(['decide:apply', 'decide:reject', 'parse:not-json', 'parse:schema', 'parse:unknown-type']),
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('300 KB bodies and 9999/0000 dates are rejected schema', () => {
    // Prepare
    const bodies = [
      JSON.stringify(validEvent('org.renamed', { data: { name: 'a'.repeat(300_000) } })),
      `${' '.repeat(300_000)}{}`,
      JSON.stringify(validEvent('member.exempted', { data: { on: '9999-12-31' } })),
      JSON.stringify(validEvent('member.exempted', { data: { on: '0000-01-01' } })),
    ];

    // Act
    const results = bodies.map(parseEvent);

    // Assess
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['schema', 'schema', 'schema', 'schema']);
  });
});
