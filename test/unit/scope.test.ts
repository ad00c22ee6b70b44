// Producer scoping in the domain (docs/security.md): every org an event reaches, per event
// type — the orgs in its data and the cells of the records it writes — and which of them
// lie outside a district's subtree.
import { describe, expect, it } from 'vitest';
import { emptyState, type LoadedState } from '../../shared/domain/ingest/decision-types.js';
import { orgsTouched, outsideScope, reservedFor, type Producer } from '../../shared/domain/ingest/scope.js';
import type { EventOf, EventType } from '../../shared/domain/events/index.js';
import type { CandidateRecord, DossierRecord, MemberRecord, OrgRecord, TransferRecord } from '../../shared/domain/records.js';
import { validEvent, type EventOverrides } from '../helpers/events.js';

const Q1: Producer = { senderId: 'Q1', name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'] };
const CITY: Producer = { senderId: 'CITY', name: 'city', sources: ['csdl-city'], orgs: ['*'] };

const org = (orgId: string, parentId: string | null): OrgRecord =>
  ({ orgId, parentId, name: orgId, level: parentId === null ? 'province' : 'cell', status: 'active', version: 1 }) as OrgRecord;
const member = (memberId: string, cellId: string, more: Partial<MemberRecord> = {}): MemberRecord =>
  ({ memberId, cellId, status: 'official', version: 1, ...more }) as MemberRecord;
const transfer = (transferId: string, memberId: string, fromOrgId: string, toOrgId: string, toExternal = false): TransferRecord =>
  ({
    transferId,
    memberId,
    kind: 'official',
    fromOrgId,
    toOrgId,
    fromExternal: false,
    toExternal,
    status: 'issued',
    version: 1,
  }) as TransferRecord;

/**
 * HP > Q1 > C1, C2 and HP > Q2 > C9; members M1 (C1) and M9 (C9, with a temporary transfer
 * TT to C1 open); dossiers D1 (C1), D9 (C9, of person P9); transfers T19 (C1 → C9), T91
 * (C9 → C1), T9X (C9 → external X); candidates P9 (in C9's pool) and P8 (dropped from C9's).
 */
function state(): LoadedState {
  const s = emptyState();
  for (const o of [org('HP', null), org('Q1', 'HP'), org('C1', 'Q1'), org('C2', 'Q1'), org('Q2', 'HP'), org('C9', 'Q2')])
    s.orgs.set(o.orgId, o);
  s.members.set('M1', member('M1', 'C1'));
  s.members.set('M9', member('M9', 'C9', { temporaryTransferIds: ['TT'] } as Partial<MemberRecord>));
  s.dossiers.set('D1', { dossierId: 'D1', cellId: 'C1', status: 'open', version: 1 } as DossierRecord);
  s.dossiers.set('D9', { dossierId: 'D9', personId: 'P9', cellId: 'C9', status: 'open', version: 1 } as DossierRecord);
  const candidate = (personId: string, until?: string): CandidateRecord => ({
    personId,
    cellId: 'C9',
    stays: [{ cellId: 'C9', from: '2020-01-01', ...(until ? { until, ended: { by: 'dropped', reason: 'moved-away' } } : {}) }],
    certificates: {},
    version: 1,
  });
  s.candidates.set('P9', candidate('P9'));
  s.candidates.set('P8', candidate('P8', '2020-06-01'));
  for (const t of [transfer('T19', 'M1', 'C1', 'C9'), transfer('T91', 'M9', 'C9', 'C1'), transfer('T9X', 'M9', 'C9', 'X', true)])
    s.transfers.set(t.transferId, t);
  s.transfers.set('TT', { ...transfer('TT', 'M9', 'C9', 'C1'), kind: 'temporary', status: 'received' });
  return s;
}

const ev = <T extends EventType>(type: T, data: EventOverrides<T>['data']): EventOf<T> => validEvent(type, { data });
const external = (data: object) =>
  ev('transfer.received', { transferId: 'NEW', receivedOn: '2022-07-01', fromOrgId: 'X', kind: 'official', ...data });
const arrival = (memberId: string) => ({
  memberId,
  status: 'official',
  admittedOn: '2010-05-19',
  recognizedOn: '2011-05-19',
  profile: validEvent('member.admitted').data.profile,
});

describe('orgsTouched: every org an event reaches', () => {
  it.each<[string, EventOf<EventType>, string[]]>([
    ['org.registered: its parent', ev('org.registered', { orgId: 'N', parentId: 'C1' }), ['C1']],
    ['org.registered of a root', ev('org.registered', { orgId: 'N', parentId: null }), ['*']],
    ['org.registered of an id already taken: that org too', ev('org.registered', { orgId: 'C9', parentId: 'Q1' }), ['Q1', 'C9']],
    ['org.renamed', ev('org.renamed', { orgId: 'C9' }), ['C9']],
    ['org.moved: the org and its new parent', ev('org.moved', { orgId: 'C9', parentId: 'Q1' }), ['C9', 'Q1']],
    ['org.dissolved: the org and its merge target', ev('org.dissolved', { orgId: 'C1', mergedInto: 'C9' }), ['C1', 'C9']],
    ['target.set', ev('target.set', { orgId: 'Q2' }), ['Q2']],
    ['org.updated', ev('org.updated', { orgId: 'C9' }), ['C9']],
    ['org.evaluated', ev('org.evaluated', { orgId: 'Q2' }), ['Q2']],
    ['dossier.received', ev('dossier.received', { dossierId: 'NEW', orgId: 'C1' }), ['C1']],
    ['dossier.received reusing a dossier id: its cell too', ev('dossier.received', { dossierId: 'D9', orgId: 'C1' }), ['C1', 'C9']],
    ['dossier.stepCompleted: the dossier’s cell', ev('dossier.stepCompleted', { dossierId: 'D9' }), ['C9']],
    ['dossier.closed: the dossier’s cell', ev('dossier.closed', { dossierId: 'D9' }), ['C9']],
    [
      'member.admitted closing a dossier: its cell too',
      ev('member.admitted', { memberId: 'NEW', orgId: 'C1', dossierId: 'D9' }),
      ['C1', 'C9'],
    ],
    ['member.admitted over an existing member: its cell too', ev('member.admitted', { memberId: 'M9', orgId: 'C1' }), ['C1', 'C9']],
    ['member.imported over an existing member: its cell too', ev('member.imported', { memberId: 'M9', orgId: 'C1' }), ['C1', 'C9']],
    ['member.recognized', ev('member.recognized', { memberId: 'M9' }), ['C9']],
    ['member.updated', ev('member.updated', { memberId: 'M9' }), ['C9']],
    ['member.exempted', ev('member.exempted', { memberId: 'M9' }), ['C9']],
    ['member.evaluated', ev('member.evaluated', { memberId: 'M9' }), ['C9']],
    ['member.badgeAwarded', ev('member.badgeAwarded', { memberId: 'M9' }), ['C9']],
    ['member.exited: the cell and the transfers it ends', ev('member.exited', { memberId: 'M9' }), ['C9', 'C1']],
    ['member.ceremonyHeld', ev('member.ceremonyHeld', { memberId: 'M9' }), ['C9']],
    ['member.recordsFiled', ev('member.recordsFiled', { memberId: 'M9' }), ['C9']],
    ['member.cardIssued', ev('member.cardIssued', { memberId: 'M9' }), ['C9']],
    ['candidate.listed of a new person', ev('candidate.listed', { personId: 'NEW', orgId: 'C1' }), ['C1']],
    ['candidate.listed of a person in another pool: that cell too', ev('candidate.listed', { personId: 'P9', orgId: 'C1' }), ['C1', 'C9']],
    ['candidate.listed of a member of another cell: that cell too', ev('candidate.listed', { personId: 'M9', orgId: 'C1' }), ['C1', 'C9']],
    ['candidate.listed again after a drop: the old cell too', ev('candidate.listed', { personId: 'P8', orgId: 'C1' }), ['C1', 'C9']],
    ['candidate.classCompleted: the candidate’s cell', ev('candidate.classCompleted', { personId: 'P9' }), ['C9']],
    ['candidate.dropped: the candidate’s cell', ev('candidate.dropped', { personId: 'P9' }), ['C9']],
    [
      'dossier.received for a person in a pool: the candidate’s cell too (the link)',
      ev('dossier.received', { dossierId: 'NEW', personId: 'P9', orgId: 'C1' }),
      ['C1', 'C9'],
    ],
    [
      'dossier.received for a person dropped from a pool: no link, not that cell',
      ev('dossier.received', { dossierId: 'NEW', personId: 'P8', orgId: 'C1' }),
      ['C1'],
    ],
    [
      'member.admitted of a person in a pool: the candidate’s cell too',
      ev('member.admitted', { memberId: 'P9', orgId: 'C1' }),
      ['C1', 'C9'],
    ],
    [
      'transfer.issued: the sending cell and the member’s',
      ev('transfer.issued', { transferId: 'NEW', memberId: 'M9', fromOrgId: 'C1', toOrgId: 'C2' }),
      ['C1', 'C9'],
    ],
    [
      'transfer.issued reusing a transfer id: its ends too',
      ev('transfer.issued', { transferId: 'T91', memberId: 'M1', fromOrgId: 'C1', toOrgId: 'C2' }),
      ['C1', 'C9'],
    ],
    ['transfer.received: both internal ends and the member', ev('transfer.received', { transferId: 'T91' }), ['C9', 'C1']],
    ['transfer.received of a transfer complete at issue: the internal end only', ev('transfer.received', { transferId: 'T9X' }), ['C9']],
    ['transfer.received from outside: where it lands', external({ toOrgId: 'C1', member: arrival('NEW') }), ['C1']],
    [
      'transfer.received from outside over a member here: that member’s cell too',
      external({ toOrgId: 'C1', member: arrival('M9') }),
      ['C1', 'C9'],
    ],
    ['transfer.received from an org of this system', external({ toOrgId: 'C1', fromOrgId: 'C9', member: arrival('NEW') }), ['C1', 'C9']],
    ['transfer.cancelled: both internal ends', ev('transfer.cancelled', { transferId: 'T19' }), ['C1', 'C9']],
    ['transfer.returned: both internal ends', ev('transfer.returned', { transferId: 'TT' }), ['C9', 'C1']],
    [
      'transfer.cancelled naming another member: that member’s cell too',
      ev('transfer.cancelled', { transferId: 'T9X', memberId: 'M1' }),
      ['C9', 'C1'],
    ],
  ])('%s', (_case, event, touched) => {
    // Act
    const result = orgsTouched(event, state());
    // Assess
    expect(result).toEqual(touched);
  });

  it('names nothing it has not loaded: an event whose records are missing waits instead', () => {
    // Act
    const result = orgsTouched(ev('dossier.closed', { dossierId: 'UNKNOWN' }), state());
    const candidate = orgsTouched(ev('candidate.dropped', { personId: 'UNKNOWN' }), state());
    // Assess
    expect(result).toEqual([]);
    expect(candidate).toEqual([]);
  });

  it('a district may not reach a person of another district through the pool, the ceremony, the file or the card', () => {
    // Prepare
    const events = [
      ev('candidate.classCompleted', { personId: 'P9' }),
      ev('candidate.dropped', { personId: 'P9' }),
      ev('candidate.listed', { personId: 'P9', orgId: 'C1' }),
      ev('dossier.received', { dossierId: 'NEW', personId: 'P9', orgId: 'C1' }),
      ev('member.ceremonyHeld', { memberId: 'M9' }),
      ev('member.recordsFiled', { memberId: 'M9' }),
      ev('member.cardIssued', { memberId: 'M9' }),
    ];
    // Act
    const outside = events.map((e) => outsideScope(Q1, orgsTouched(e, state()), state().orgs));
    // Assess
    expect(outside).toEqual(events.map(() => ['C9']));
  });
});

describe('a district rates and updates only its own organizations', () => {
  it('may rate and update itself and its cells, not another district or the city above', () => {
    // Prepare
    const mine = [ev('org.evaluated', { orgId: 'Q1' }), ev('org.updated', { orgId: 'C2', sector: 'residential' })];
    const theirs = [ev('org.evaluated', { orgId: 'C9' }), ev('org.updated', { orgId: 'Q2' }), ev('org.evaluated', { orgId: 'HP' })];
    // Act
    const outsideMine = mine.map((e) => outsideScope(Q1, orgsTouched(e, state()), state().orgs));
    const outsideTheirs = theirs.map((e) => outsideScope(Q1, orgsTouched(e, state()), state().orgs));
    // Assess
    expect(outsideMine).toEqual([[], []]);
    expect(outsideTheirs).toEqual([['C9'], ['Q2'], ['HP']]);
  });
});

describe('outsideScope', () => {
  it('answers the touched orgs outside every subtree of the producer', () => {
    // Act
    const outside = outsideScope(Q1, ['C1', 'C2', 'C9', 'Q2', 'Q1'], state().orgs);
    // Assess
    expect(outside).toEqual(['C9', 'Q2']);
  });

  it('never lets a district create a root or write above its own subtree', () => {
    // Act
    const outside = outsideScope(Q1, ['*', 'HP'], state().orgs);
    // Assess
    expect(outside).toEqual(['*', 'HP']);
  });

  it('lets the city write everything', () => {
    // Act
    const outside = outsideScope(CITY, ['*', 'HP', 'C9'], state().orgs);
    // Assess
    expect(outside).toEqual([]);
  });

  it('follows a dissolved cell to the cell it was merged into (its parent since)', () => {
    // Prepare: C9 merged into C1
    const s = state();
    s.orgs.set('C9', { ...s.orgs.get('C9')!, status: 'dissolved', mergedInto: 'C1', parentId: 'C1' } as OrgRecord);
    // Act
    const outside = outsideScope(Q1, orgsTouched(ev('member.updated', { memberId: 'M9' }), s), s.orgs);
    // Assess
    expect(outside).toEqual([]);
  });
});

describe('org ids the registry grants are reserved for their producer', () => {
  const ward: Producer = { senderId: 'W', name: 'ward of Q2', sources: ['csdl-w'], orgs: ['W1'] };
  const district2: Producer = { senderId: 'Q2', name: 'district Q2', sources: ['csdl-q2'], orgs: ['Q2', 'W1'] };

  it.each<[string, Producer, Producer[], Producer | undefined]>([
    ["refuses a district registering the id of another's ward", Q1, [Q1, ward], ward],
    ['lets the city register it', CITY, [CITY, ward], undefined],
    ['lets a producer whose entry names the id too register it', district2, [district2, ward], undefined],
    [
      "refuses a district whose subtrees hold the holder's other grants, but not granted the id itself",
      Q1,
      [Q1, { ...ward, orgs: ['W1', 'C1'] }],
      { ...ward, orgs: ['W1', 'C1'] },
    ],
    [
      'lets one granted the id whose subtrees hold all the holder’s other grants',
      { ...Q1, orgs: ['Q1', 'W1'] },
      [{ ...ward, orgs: ['W1', 'C1'] }],
      undefined,
    ],
    [
      "refuses one granted the id whose subtrees miss one of the holder's other grants",
      { ...Q1, orgs: ['Q1', 'W1'] },
      [{ ...ward, orgs: ['W1', 'C9'] }],
      { ...ward, orgs: ['W1', 'C9'] },
    ],
    ['leaves an id nobody is granted to the tree', Q1, [Q1, CITY], undefined],
  ])('%s', (_name, registering, producers, holder) => {
    // Act
    const found = reservedFor('W1', registering, producers, state().orgs);
    // Assess
    expect(found).toEqual(holder);
  });
});
