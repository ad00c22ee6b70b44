// The rule of a message group held behind an event in the dead-letter queue
// (shared/domain/ingest/hold.ts): which events pass, over every event type.
import { describe, expect, it } from 'vitest';
import { parseEvent, type DomainEvent } from '../../shared/domain/events/index.js';
import { EVENT_TYPES, type EventType } from '../../shared/domain/events/payloads.js';
import { heldChainOf, holdDecision, recordsTouched, type HeldChain } from '../../shared/domain/ingest/hold.js';
import { validEvent } from '../helpers/events.js';

/** `validEvent` parsed as the ingest sees it. */
function event<T extends EventType>(type: T, data: Record<string, unknown> = {}): DomainEvent {
  const parsed = parseEvent(JSON.stringify(validEvent(type, { data } as never)));
  if (!parsed.ok) throw new Error(`${type}: ${parsed.message}`);
  return parsed.event;
}

const outcomeOf = (e: DomainEvent, chain: ReturnType<typeof heldChainOf>) => {
  const d = holdDecision(e, chain);
  return d.outcome === 'pass' ? `pass:${d.why}` : 'hold';
};

describe('a group held behind a dossier step that waited for its dossier (person M1, dossier D1)', () => {
  // The defaults of test/helpers/events.ts are all about person M1, dossier D1, transfer T1.
  const chain = heldChainOf(event('dossier.stepCompleted', { personId: 'M1' }), 'missing-dossier');
  const expected: Record<EventType, string> = {
    // Org events travel in the `orgs` group and touch none of the person's records.
    'org.registered': 'pass:independent',
    'org.renamed': 'pass:independent',
    'org.moved': 'pass:independent',
    'org.dissolved': 'pass:independent',
    'target.set': 'pass:independent',
    'org.updated': 'pass:independent',
    'org.evaluated': 'pass:independent',
    // The dossier the step waits for: held, the two would wait for each other for ever.
    'dossier.received': 'pass:creates-missing',
    'dossier.stepCompleted': 'hold',
    'dossier.closed': 'hold',
    'candidate.listed': 'hold',
    'candidate.classCompleted': 'hold',
    'candidate.dropped': 'hold',
    // The admission that would close the dossier before the step: the reason for the hold.
    'member.admitted': 'hold',
    'member.imported': 'hold',
    'member.recognized': 'hold',
    'member.updated': 'hold',
    'member.exempted': 'hold',
    'member.exited': 'hold',
    'member.evaluated': 'hold',
    'member.badgeAwarded': 'hold',
    'member.ceremonyHeld': 'hold',
    'member.recordsFiled': 'hold',
    'member.cardIssued': 'hold',
    'transfer.issued': 'hold',
    // A receipt, cancellation or return that names no member touches the transfer alone.
    'transfer.received': 'pass:independent',
    'transfer.cancelled': 'pass:independent',
    'transfer.returned': 'pass:independent',
  };

  it.each(EVENT_TYPES.map((t) => [t]))('%s', (type) => {
    // Prepare / Act / Assess
    expect(outcomeOf(event(type), chain)).toBe(expected[type]);
  });

  it('holds a transfer receipt, cancellation or return that names the member', () => {
    for (const type of ['transfer.received', 'transfer.cancelled', 'transfer.returned'] as const) {
      expect(outcomeOf(event(type, { memberId: 'M1' }), chain)).toBe('hold');
    }
  });

  it('holds the reception of another dossier of the same person: it creates nothing the step waits for', () => {
    expect(outcomeOf(event('dossier.received', { dossierId: 'D2' }), chain)).toBe('hold');
  });
});

describe('a group held behind an event that waited for its member (M1)', () => {
  const chain = heldChainOf(event('member.recognized'), 'missing-member');

  it('lets through every event that creates the member, and holds the others about the person', () => {
    const arrival = event('transfer.received', {
      fromOrgId: 'OUT',
      toOrgId: 'C1',
      kind: 'official',
      member: {
        memberId: 'M1',
        status: 'official',
        admittedOn: '2001-01-01',
        recognizedOn: '2002-01-01',
        profile: validEvent('member.imported').data.profile,
      },
    });
    const outcomes = [event('member.imported'), event('member.admitted', { dossierId: undefined }), arrival].map((e) =>
      outcomeOf(e, chain),
    );
    expect(outcomes).toEqual(['pass:creates-missing', 'pass:creates-missing', 'pass:creates-missing']);
    expect(outcomeOf(event('member.evaluated'), chain)).toBe('hold');
    // Another member is not the one awaited, and is not this person's.
    expect(outcomeOf(event('member.imported', { memberId: 'M2' }), chain)).toBe('pass:independent');
  });
});

describe('the orgs group held behind a registration that waited for its parent', () => {
  const chain = heldChainOf(event('org.registered', { orgId: 'C9', parentId: 'Q9' }), 'missing-org');

  it('lets the parent through, and holds every other change of the tree', () => {
    expect(outcomeOf(event('org.registered', { orgId: 'Q9', parentId: 'HP', level: 'upper-grassroots' }), chain)).toBe(
      'pass:creates-missing',
    );
    expect(outcomeOf(event('org.registered', { orgId: 'C8', parentId: 'Q1' }), chain)).toBe('hold');
    expect(outcomeOf(event('org.dissolved', { orgId: 'Q1', mergedInto: undefined }), chain)).toBe('hold');
  });
});

/** The chain once `parked` is parked behind it: what the hold store adds (shared/data/group-holds.ts park). */
const withParked = (chain: HeldChain, parked: DomainEvent): HeldChain => ({
  ...chain,
  touches: [...new Set([...chain.touches, ...recordsTouched(parked)])],
});

describe('events held behind the dead-lettered one hold what touches them too', () => {
  it('lets a profile correction pass a step that names no person, until an admission of that person is held', () => {
    // Prepare: the step names its dossier only; the person's correction touches nothing it touches.
    const chain = heldChainOf(event('dossier.stepCompleted'), 'missing-dossier');
    const correction = event('member.updated');
    expect(outcomeOf(correction, chain)).toBe('pass:independent');
    // Act: the admission closing D1 is held behind the step.
    const longer = withParked(chain, event('member.admitted', { dossierId: 'D1' }));
    // Assess: the correction must not overtake the held admission that creates the member.
    expect(outcomeOf(correction, longer)).toBe('hold');
  });

  it('still lets the missing dossier through once events are held behind the step', () => {
    const chain = withParked(
      heldChainOf(event('dossier.stepCompleted', { personId: 'M1' }), 'missing-dossier'),
      event('member.admitted', { dossierId: 'D1' }),
    );
    expect(outcomeOf(event('dossier.received'), chain)).toBe('pass:creates-missing');
  });
});
