import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traitsOf } from '../../shared/domain/personal-data.js';
import {
  OrgTree,
  achievementPct,
  byMonth,
  cleanChanges,
  decodeChanges,
  decodeTally,
  diffChanges,
  encodeChanges,
  encodeTally,
  factChanges,
  figuresAt,
  medianOfCounts,
  mergeSources,
  recordChanges,
  renderReport,
  sameChanges,
  seriesOf,
  sumChanges,
  sumCounts,
  type DatedChanges,
  type FiguresAt,
} from '../../shared/domain/figures/index.js';
import type {
  DossierRecord,
  Fact,
  FactRecord,
  MemberRecord,
  OrgLevel,
  OrgRecord,
  Profile,
  TransferRecord,
} from '../../shared/domain/records.js';

// ---------------------------------------------------------------- builders

function org(orgId: string, parentId: string | null, level: OrgLevel, extra: Partial<OrgRecord> = {}): OrgRecord {
  return { version: 1, orgId, parentId, name: `Org ${orgId}`, level, status: 'active', targets: {}, ...extra };
}

function profile(extra: Partial<Profile> = {}): Profile {
  return {
    sex: 'male',
    birthDate: '1990-01-01',
    ethnicity: 'Kinh',
    religion: null,
    education: 'university',
    occupation: 'state-sector',
    youthUnion: false,
    ...extra,
  };
}

function member(memberId: string, cellId: string, extra: Partial<MemberRecord> = {}): MemberRecord {
  // The traits the ingest derives from the profile: what the figures count.
  const p = extra.profile ?? profile();
  return {
    version: 1,
    memberId,
    cellId,
    status: 'official',
    profile: p,
    traits: traitsOf(p),
    admittedOn: '2015-05-19',
    recognizedOn: '2016-05-19',
    ratings: {},
    badges: {},
    origin: 'admitted',
    ...extra,
  };
}

function dossier(dossierId: string, cellId: string, extra: Partial<DossierRecord> = {}): DossierRecord {
  return {
    version: 1,
    dossierId,
    personId: `P-${dossierId}`,
    cellId,
    receivedOn: '2021-01-04',
    dueOn: '2021-03-05',
    step: 'received',
    steps: { received: '2021-01-04' },
    status: 'open',
    profile: profile(),
    ...extra,
  };
}

function transfer(transferId: string, extra: Partial<TransferRecord>): TransferRecord {
  return {
    version: 1,
    transferId,
    memberId: `M-${transferId}`,
    kind: 'official',
    fromOrgId: 'C1',
    toOrgId: 'C2',
    fromExternal: false,
    toExternal: false,
    issuedOn: '2021-06-01',
    dueOn: '2021-07-13',
    status: 'issued',
    ...extra,
  };
}

let factSeq = 0;
function fact(cellId: string, f: Fact, on = '2021-06-01'): FactRecord {
  factSeq += 1;
  return { cellId, year: Number(on.slice(0, 4)), factId: `F${factSeq}`, on, fact: f };
}

const out = (counterpart: string, transferKind: 'official' | 'temporary' = 'official'): Fact => ({
  kind: 'transferOut',
  transferKind,
  counterpart,
});
const inn = (counterpart: string, transferKind: 'official' | 'temporary' = 'official'): Fact => ({
  kind: 'transferIn',
  transferKind,
  counterpart,
});
const admission = (extra: Partial<Extract<Fact, { kind: 'admission' }>> = {}): Fact => ({
  kind: 'admission',
  female: false,
  youthUnion: false,
  occupation: 'other',
  readmitted: false,
  ...extra,
});

/** A cell's changes: what its records contribute to it, and its facts. */
function cellChanges(
  cellId: string,
  held: { members?: MemberRecord[]; dossiers?: DossierRecord[]; transfers?: TransferRecord[]; facts?: FactRecord[] },
): DatedChanges {
  const records = [
    ...(held.members ?? []).map((record) => ({ entity: 'member' as const, record })),
    ...(held.dossiers ?? []).map((record) => ({ entity: 'dossier' as const, record })),
    ...(held.transfers ?? []).map((record) => ({ entity: 'transfer' as const, record })),
  ];
  return sumChanges([
    ...records.map((r) => recordChanges(r).get(cellId)),
    ...(held.facts ?? []).filter((f) => f.cellId === cellId).map((f) => factChanges(f).changes),
  ]);
}

/** The figures of some changes for a day and a year, read as the report reads them (no nets: every month). */
function at(changes: DatedChanges, date = '2021-12-31', year = Number(date.slice(0, 4)), keyed = true): FiguresAt {
  return figuresAt({ date, year, keyed, dueSoonDays: 15 }, undefined, byMonth(changes));
}

/** Every org's subtree changes, bottom-up, from its cells' changes (own changes of cells). */
function subtreeChanges(tree: OrgTree, own: Record<string, DatedChanges>): Map<string, DatedChanges> {
  const sub = new Map<string, DatedChanges>();
  for (const id of tree.bottomUp()) {
    const kids = tree.children(id).map((c) => sub.get(c.orgId));
    sub.set(
      id,
      mergeSources([own[id], ...kids], (x) => tree.isInSubtree(id, x)),
    );
  }
  return sub;
}

function get<T>(m: Map<string, T>, key: string): T {
  const v = m.get(key);
  if (v === undefined) throw new Error(`missing ${key}`);
  return v;
}

// A small city: HP ▸ Q1 (district) ▸ G1 (grassroots committee) ▸ C1, C2 (cells);
// HP ▸ Q1 ▸ GC (grassroots cell); HP ▸ Q2 ▸ G2 ▸ C3; dissolved orgs sprinkled in.
function city(): OrgRecord[] {
  return [
    org('HP', null, 'province', { targets: { '2021': 6 } }),
    org('Q1', 'HP', 'upper-grassroots'),
    org('Q2', 'HP', 'upper-grassroots'),
    org('G1', 'Q1', 'grassroots-committee', { targets: { '2021': 16 } }),
    org('C1', 'G1', 'cell'),
    org('C2', 'G1', 'cell', { targets: { '2021': 0 } }),
    org('GC', 'Q1', 'grassroots-cell'),
    org('G2', 'Q2', 'grassroots-committee'),
    org('C3', 'G2', 'cell'),
    // Dissolved without a merge: still under its old parent, never counted.
    org('GX', 'Q2', 'grassroots-committee', { status: 'dissolved', dissolvedOn: '2020-01-01' }),
    // Dissolved cell merged into C1: a hidden child of C1.
    org('CD', 'C1', 'cell', { status: 'dissolved', dissolvedOn: '2021-07-01', mergedInto: 'C1' }),
  ];
}

// ---------------------------------------------------------------- what records contribute, read on a day

describe('members, transfers and dossiers on a day', () => {
  it('counts active members with their breakdowns; exempted still counts, exited and in-transit do not', () => {
    // Prepare
    const nfdKinh = 'Kinh'.normalize('NFD');
    const nfdTay = 'Tày'.normalize('NFD');
    const members = [
      member('M1', 'C1', { profile: profile({ sex: 'female', youthUnion: true, ethnicity: nfdTay, religion: 'Phật giáo' }) }),
      member('M2', 'C1', { status: 'probationary', recognizedOn: undefined, profile: profile({ ethnicity: nfdKinh, religion: '  ' }) }),
      member('M3', 'C1', { exemptedOn: '2020-01-01', profile: profile({ ethnicity: 'Mường', religion: '' }) }),
      member('M4', 'C1', { status: 'exited', exit: { reason: 'deceased', on: '2021-01-01' } }),
      member('M5', 'C1', { status: 'in-transit', transferId: 'T9' }),
      member('M6', 'C1', { status: 'transferred-out' }),
      member('M7', 'C2'),
    ];

    // Act
    const onDay = at(cellChanges('C1', { members }), '2021-12-31');
    const before = at(cellChanges('C1', { members }), '2020-12-31');

    // Assess
    expect(renderFor(onDay).members).toEqual({
      total: 3,
      official: 2,
      probationary: 1,
      female: 1,
      youthUnion: 1,
      ethnicMinority: 2,
      religious: 1,
      exempted: 1,
      inTransit: 0,
      temporaryAttendees: 0,
      recordsFiled: 0,
      recordsFiledPct: 0,
      officialWithoutCard: 2,
      ceremonyPending: 1,
    });
    // M4 died on 2021-01-01: still on the rolls the day before.
    expect(renderFor(before).members).toMatchObject({ total: 4, exempted: 1 });
  });

  it('counts an official transfer in transit on the sending side only, late from the day after its deadline, not one to an external org', () => {
    // Prepare
    const transfers = [
      transfer('T1', { fromOrgId: 'C1', toOrgId: 'C2', dueOn: '2021-07-13' }),
      transfer('T2', { fromOrgId: 'C1', toOrgId: 'EXT', toExternal: true, status: 'completed', dueOn: undefined }),
      transfer('T3', { fromOrgId: 'C1', toOrgId: 'C2', status: 'cancelled', endedOn: '2021-08-01' }),
      transfer('T4', { fromOrgId: 'C1', toOrgId: 'C2', status: 'received', receivedOn: '2021-07-20' }),
    ];

    // Act
    const sender = (date: string) => renderFor(at(cellChanges('C1', { transfers }), date));
    const receiver = renderFor(at(cellChanges('C2', { transfers }), '2021-12-31'));

    // Assess
    expect(sender('2021-05-31').members.inTransit).toBe(0);
    expect(sender('2021-07-13')).toMatchObject({ members: { inTransit: 2, total: 0 }, transfers: { late: 0 } });
    // T1 and T4 are late from 14 July; T4 until its receipt on 20 July. A cancelled one never was.
    expect(sender('2021-07-14')).toMatchObject({ members: { inTransit: 2 }, transfers: { late: 2 } });
    expect(sender('2021-07-20')).toMatchObject({ members: { inTransit: 1 }, transfers: { late: 1 } });
    expect(receiver.members.inTransit).toBe(0);
    expect(receiver.transfers.late).toBe(0);
  });

  it('counts temporary attendees on the receiving side, whatever the sender; a pending temporary one is not in transit', () => {
    // Prepare
    const transfers = [
      transfer('T1', { kind: 'temporary', fromOrgId: 'C1', toOrgId: 'C2', status: 'received', receivedOn: '2021-06-05' }),
      transfer('T2', {
        kind: 'temporary',
        fromOrgId: 'EXT',
        fromExternal: true,
        toOrgId: 'C2',
        status: 'received',
        issuedOn: undefined,
        receivedOn: '2021-06-05',
        dueOn: undefined,
        attendee: { status: 'official', profile: profile() },
      }),
      transfer('T3', {
        kind: 'temporary',
        fromOrgId: 'C1',
        toOrgId: 'C2',
        status: 'returned',
        receivedOn: '2021-06-02',
        endedOn: '2021-08-01',
      }),
      transfer('T4', { kind: 'temporary', fromOrgId: 'C1', toOrgId: 'C2', status: 'issued', dueOn: '2021-08-01' }),
    ];

    // Act
    const sender = renderFor(at(cellChanges('C1', { transfers }), '2021-12-31'));
    const receiver = renderFor(at(cellChanges('C2', { transfers }), '2021-12-31'));
    const receiverInJuly = renderFor(at(cellChanges('C2', { transfers }), '2021-07-01'));

    // Assess
    expect(receiver.members.temporaryAttendees).toBe(2);
    expect(receiverInJuly.members.temporaryAttendees).toBe(3);
    expect(sender.members.temporaryAttendees).toBe(0);
    expect(sender.members.inTransit).toBe(0);
    expect(sender.transfers.late).toBe(1);
  });

  it('counts open dossiers by last step, and those due soon and overdue among those open on the day', () => {
    // Prepare
    const dossiers = [
      dossier('D1', 'C1'),
      dossier('D2', 'C1', { step: 'reported', steps: { reported: '2021-02-01' }, dueOn: '2021-03-10' }),
      dossier('D3', 'C1', { step: 'reported', steps: { reported: '2021-02-15' }, dueOn: '2021-03-10' }),
      dossier('D4', 'C1', { status: 'admitted', closedOn: '2021-02-01' }),
      dossier('D5', 'C2'),
    ];

    // Act
    const january = renderFor(at(cellChanges('C1', { dossiers }), '2021-01-31'));
    const february = renderFor(at(cellChanges('C1', { dossiers }), '2021-02-28'));
    const march = renderFor(at(cellChanges('C1', { dossiers }), '2021-03-06'));

    // Assess
    expect(january.dossiers).toMatchObject({ open: 4, byStep: { received: 4, processing: 0, reported: 0, reviewed: 0 }, dueSoon: 0 });
    expect(february.dossiers).toMatchObject({ open: 3, byStep: { received: 1, processing: 0, reported: 2, reviewed: 0 }, dueSoon: 3 });
    expect(march.dossiers).toMatchObject({ open: 3, dueSoon: 2, overdue: 1 });
  });
});

// ---------------------------------------------------------------- yearly figures

describe('what a fact counts, year to date', () => {
  it('maps every kind of fact to its yearly figure', () => {
    // Prepare
    const facts = [
      fact('C1', admission({ female: true, youthUnion: true, occupation: 'student' })),
      fact('C1', admission({ occupation: 'private-enterprise', readmitted: true, ethnicMinority: true, religious: true })),
      fact('C1', admission({ occupation: 'enterprise-owner' })),
      fact('C1', admission({ occupation: 'contract-freelance', populationPolicy: true })),
      fact('C1', { kind: 'recognition' }),
      fact('C1', out('C2')),
      fact('C1', out('EXT', 'temporary')),
      fact('C1', inn('C3')),
      fact('C1', inn('C3')),
      fact('C1', inn('C2', 'temporary')),
      fact('C1', { kind: 'exit', reason: 'expelled' }),
      fact('C1', { kind: 'exit', reason: 'struck-off' }),
      fact('C1', { kind: 'exit', reason: 'resigned' }),
      fact('C1', { kind: 'exit', reason: 'deceased' }),
      fact('C1', { kind: 'dossierClosed', outcome: 'admitted', days: 40 }),
      fact('C1', { kind: 'dossierClosed', outcome: 'rejected', days: 40 }),
      fact('C1', { kind: 'dossierClosed', outcome: 'withdrawn', days: 12 }),
      fact('C1', { kind: 'rating', rating: 'excellent' }),
      fact('C1', { kind: 'rating', rating: 'good' }),
      fact('C1', { kind: 'rating', rating: 'completed' }),
      fact('C1', { kind: 'rating', rating: 'not-completed' }),
      fact('C1', { kind: 'badge', years: 30 }),
    ];

    // Act
    const { yearly } = at(cellChanges('C1', { facts }));
    const r = renderFor(at(cellChanges('C1', { facts })));

    // Assess
    expect(r.admissions).toMatchObject({
      total: 4,
      female: 1,
      youthUnion: 1,
      student: 1,
      privateEnterprise: 1,
      enterpriseOwner: 1,
      contractFreelance: 1,
      readmitted: 1,
      ethnicMinority: 1,
      religious: 1,
      populationPolicy: 1,
    });
    expect(r.recognitions.total).toBe(1);
    expect(seriesOf(yearly, 'transfers.officialOut')).toEqual({ C2: 1 });
    expect(seriesOf(yearly, 'transfers.officialIn')).toEqual({ C3: 2 });
    expect(seriesOf(yearly, 'transfers.temporaryOut')).toEqual({ EXT: 1 });
    expect(seriesOf(yearly, 'transfers.temporaryIn')).toEqual({ C2: 1 });
    expect(r.exits).toEqual({ expelled: 1, struckOff: 1, resigned: 1, deceased: 1 });
    expect(seriesOf(yearly, 'dossiers.daysToClose')).toEqual({ '12': 1, '40': 2 });
    expect(r.dossiers).toMatchObject({ closedInYear: 3, medianDaysToClose: 40 });
    expect(r.ratings).toEqual({ excellent: 1, good: 1, completed: 1, notCompleted: 1 });
    expect(r.badges.awarded).toBe(1);
  });

  it('counts a year to the day asked, whenever it is asked, and never another year', () => {
    // Prepare
    const facts = [
      fact('C1', admission(), '2020-12-31'),
      fact('C1', admission(), '2021-01-01'),
      fact('C1', admission({ female: true }), '2021-09-30'),
      fact('C1', admission(), '2021-10-01'),
      fact('C1', { kind: 'rating', rating: 'good' }, '2021-12-31'),
      fact('C1', admission(), '2022-01-01'),
      fact('C2', admission(), '2021-03-01'),
    ];
    const changes = cellChanges('C1', { facts });

    // Act
    const nineMonths = renderFor(at(changes, '2021-09-30', 2021));
    const yearEndAskedLater = renderFor(at(changes, '2022-02-10', 2021));
    const yearEnd = renderFor(at(changes, '2021-12-31', 2021));
    const beforeTheYear = renderFor(at(changes, '2020-06-30', 2021));

    // Assess
    expect(nineMonths.admissions).toMatchObject({ total: 2, female: 1 });
    expect(nineMonths.ratings.good).toBe(0);
    expect(yearEndAskedLater.admissions.total).toBe(3);
    expect(yearEndAskedLater.ratings.good).toBe(1);
    expect(yearEnd).toEqual(yearEndAskedLater);
    expect(beforeTheYear.admissions.total).toBe(0);
  });
});

/**
 * A report of cell C1 from figures read for it (the tree of `city()`), rendered as a
 * grassroots committee's so that its small counts of sensitive traits are shown: these
 * tests check the counting; test/unit/adversarial-small-counts checks what a cell hides.
 */
function renderFor(figures: FiguresAt, opts: { date?: string; year?: number } = {}) {
  const tree = new OrgTree(city());
  return renderReport({
    org: { ...(tree.get('C1') as OrgRecord), level: 'grassroots-committee' },
    tree,
    figures,
    children: [],
    year: opts.year ?? 2021,
    date: opts.date ?? '2021-12-31',
  });
}

// ---------------------------------------------------------------- the tree

describe('OrgTree', () => {
  it('counts organizations by level in the subtree, the root included, dissolved ones excluded', () => {
    // Prepare
    const tree = new OrgTree(city());

    // Act
    const all = tree.countOrganizations('HP');
    const q2 = tree.countOrganizations('Q2');
    const gc = tree.countOrganizations('GC');

    // Assess
    expect(all).toEqual({ grassroots: 3, grassrootsCommittees: 2, grassrootsCells: 1, cells: 3 });
    expect(q2).toEqual({ grassroots: 1, grassrootsCommittees: 1, grassrootsCells: 0, cells: 1 });
    expect(gc).toEqual({ grassroots: 1, grassrootsCommittees: 0, grassrootsCells: 1, cells: 0 });
  });

  it('lists hidden dissolved children, ancestors nearest first, subtrees and the effective cell', () => {
    // Prepare
    const tree = new OrgTree([...city(), org('CE', 'CD', 'cell', { status: 'dissolved', mergedInto: 'CD' })]);

    // Act
    const children = tree.children('C1').map((o) => o.orgId);
    const ancestors = tree.ancestors('CD').map((o) => o.orgId);

    // Assess
    expect(children).toEqual(['CD']);
    expect(ancestors).toEqual(['C1', 'G1', 'Q1', 'HP']);
    expect(tree.isInSubtree('Q1', 'CD')).toBe(true);
    expect(tree.isInSubtree('Q2', 'CD')).toBe(false);
    expect(tree.isInSubtree('HP', 'HP')).toBe(true);
    expect(tree.isInSubtree('HP', 'EXT')).toBe(false);
    expect(tree.effectiveCell('CE')).toBe('C1');
    expect(tree.effectiveCell('C3')).toBe('C3');
    expect(tree.effectiveCell('GX')).toBeUndefined();
    expect(tree.effectiveCell('EXT')).toBeUndefined();
    const order = tree.bottomUp();
    expect(order.indexOf('CE')).toBeLessThan(order.indexOf('CD'));
    expect(order.indexOf('C1')).toBeLessThan(order.indexOf('HP'));
    expect(order).toHaveLength(12);
  });

  it('never loops on a cycle in corrupt data', () => {
    // Prepare
    const tree = new OrgTree([org('A', 'B', 'cell'), org('B', 'A', 'cell')]);

    // Act
    const ancestors = tree.ancestors('A').map((o) => o.orgId);

    // Assess
    expect(ancestors).toEqual(['B']);
    expect(tree.isInSubtree('A', 'B')).toBe(true);
    expect(tree.bottomUp().sort()).toEqual(['A', 'B']);
  });
});

// ---------------------------------------------------------------- rolling up

describe('mergeSources', () => {
  const moves = (changes: DatedChanges | undefined) => {
    const { yearly } = at(changes ?? {});
    return { officialOut: seriesOf(yearly, 'transfers.officialOut'), officialIn: seriesOf(yearly, 'transfers.officialIn') };
  };

  it('counts a move between two cells of one subtree as out/in at each cell but neither at their common ancestor', () => {
    // Prepare
    const tree = new OrgTree(city());
    const facts = [fact('C1', out('C2')), fact('C2', inn('C1')), fact('C1', out('C3')), fact('C3', inn('C1')), fact('C1', out('EXT'))];
    const own = Object.fromEntries(['C1', 'C2', 'C3'].map((c) => [c, cellChanges(c, { facts })]));

    // Act
    const sub = subtreeChanges(tree, own);

    // Assess
    expect(moves(sub.get('C1'))).toEqual({ officialOut: { C2: 1, C3: 1, EXT: 1 }, officialIn: {} });
    expect(moves(sub.get('C2'))).toEqual({ officialOut: {}, officialIn: { C1: 1 } });
    expect(moves(sub.get('G1'))).toEqual({ officialOut: { C3: 1, EXT: 1 }, officialIn: {} });
    expect(moves(sub.get('Q2'))).toEqual({ officialOut: {}, officialIn: { C1: 1 } });
    expect(moves(sub.get('HP'))).toEqual({ officialOut: { EXT: 1 }, officialIn: {} });
    const hp = renderReport({
      org: tree.get('HP') as OrgRecord,
      tree,
      figures: at(get(sub, 'HP')),
      children: [],
      year: 2021,
      date: '2021-12-31',
    });
    expect(hp.transfers).toMatchObject({ officialIn: 0, officialOut: 1 });
  });

  it('rolls a dissolved cell merged into another up under the target, history and all', () => {
    // Prepare
    const tree = new OrgTree(city());
    const facts = [
      fact('CD', admission({ female: true }), '2021-03-01'),
      fact('CD', out('C1'), '2021-04-01'),
      fact('C1', inn('CD'), '2021-04-05'),
      fact('C1', admission(), '2021-08-01'),
    ];
    const own = {
      CD: cellChanges('CD', { facts }),
      C1: cellChanges('C1', { facts, members: [member('M1', 'C1'), member('M2', 'C1')] }),
    };

    // Act
    const sub = subtreeChanges(tree, own);

    // Assess
    const c1 = renderFor(at(get(sub, 'C1')));
    expect(c1.admissions).toMatchObject({ total: 2, female: 1 });
    expect(c1.transfers).toMatchObject({ officialIn: 0, officialOut: 0 });
    expect(renderFor(at(get(sub, 'HP'))).admissions.total).toBe(2);
    expect(renderFor(at(get(sub, 'HP'))).members.total).toBe(2);
    const report = renderReport({
      org: tree.get('G1') as OrgRecord,
      tree,
      figures: at(get(sub, 'G1')),
      children: tree.children('G1').map((o) => ({ org: o, figures: at(sub.get(o.orgId) ?? {}, '2021-12-31', 2021, false) })),
      year: 2021,
      date: '2021-12-31',
    });
    expect(report.children.map((c) => [c.orgId, c.admissions.total])).toEqual([
      ['C1', 2],
      ['C2', 0],
    ]);
    expect(report.organizations.cells).toBe(2);
  });

  it('sums every figure of its sources: members, dossiers, transfers, closings by days', () => {
    // Prepare
    const a = cellChanges('C1', {
      members: [member('M1', 'C1')],
      dossiers: [dossier('D1', 'C1')],
      transfers: [transfer('T1', {})],
      facts: [fact('C1', { kind: 'dossierClosed', outcome: 'admitted', days: 30 })],
    });
    const b = cellChanges('C2', {
      members: [member('M2', 'C2', { recognizedOn: undefined, status: 'probationary' })],
      dossiers: [dossier('D2', 'C2')],
      facts: [fact('C2', { kind: 'dossierClosed', outcome: 'rejected', days: 30 }), fact('C2', { kind: 'badge', years: 40 })],
    });

    // Act
    const merged = mergeSources([a, b], () => false);
    const r = renderFor(at(merged, '2021-07-14'));

    // Assess
    expect(r.members).toMatchObject({ total: 2, official: 1, probationary: 1, inTransit: 1 });
    expect(r.dossiers).toMatchObject({ open: 2, overdue: 2, closedInYear: 2, medianDaysToClose: 30 });
    expect(r.transfers.late).toBe(1);
    expect(r.badges.awarded).toBe(1);
  });

  it('gives, at every org, officialOut/In equal to a brute-force count of moves across its boundary', () => {
    const arbitrary = fc.integer({ min: 1, max: 10 }).chain((n) =>
      fc.record({
        n: fc.constant(n),
        parents: fc.tuple(...Array.from({ length: n }, (_, i) => (i === 0 ? fc.constant(null) : fc.option(fc.nat(i - 1))))),
        dissolved: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
        facts: fc.array(
          fc.record({
            cell: fc.nat(n - 1),
            direction: fc.constantFrom('out' as const, 'in' as const),
            transferKind: fc.constantFrom('official' as const, 'temporary' as const),
            counterpart: fc.oneof(
              fc.nat(n - 1).map((i) => `O${i}`),
              fc.constantFrom('EXT1', 'EXT2'),
            ),
            year: fc.constantFrom(2021, 2022),
          }),
          { maxLength: 40 },
        ),
      }),
    );
    fc.assert(
      fc.property(arbitrary, ({ n, parents, dissolved, facts }) => {
        // Prepare
        const parentOf = (i: number): number | null => (parents[i] ?? null) as number | null;
        const orgs = Array.from({ length: n }, (_, i) => {
          const p = parentOf(i);
          return org(`O${i}`, p === null ? null : `O${p}`, 'cell', dissolved[i] ? { status: 'dissolved' } : {});
        });
        const factRecords = facts.map((f) =>
          fact(
            `O${f.cell}`,
            f.direction === 'out' ? out(f.counterpart, f.transferKind) : inn(f.counterpart, f.transferKind),
            `${f.year}-05-01`,
          ),
        );
        const tree = new OrgTree(orgs);
        // Brute force: is org j (or an external id) in the subtree of org i, by the parent array.
        const inSub = (root: number, id: string): boolean => {
          if (!/^O\d+$/.test(id)) return false;
          let j: number | null = Number(id.slice(1));
          while (j !== null) {
            if (j === root) return true;
            j = parentOf(j);
          }
          return false;
        };

        // Act
        const own = Object.fromEntries(orgs.map((o) => [o.orgId, cellChanges(o.orgId, { facts: factRecords })]));
        const sub = subtreeChanges(tree, own);

        // Assess
        for (let i = 0; i < n; i++) {
          for (const year of [2021, 2022]) {
            const { yearly } = at(get(sub, `O${i}`), `${year}-12-31`, year);
            const count = (dir: 'out' | 'in', kind: 'official' | 'temporary') =>
              facts.filter(
                (f) =>
                  f.year === year && f.direction === dir && f.transferKind === kind && inSub(i, `O${f.cell}`) && !inSub(i, f.counterpart),
              ).length;
            expect(sumCounts(seriesOf(yearly, 'transfers.officialOut'))).toBe(count('out', 'official'));
            expect(sumCounts(seriesOf(yearly, 'transfers.officialIn'))).toBe(count('in', 'official'));
            expect(sumCounts(seriesOf(yearly, 'transfers.temporaryOut'))).toBe(count('out', 'temporary'));
            expect(sumCounts(seriesOf(yearly, 'transfers.temporaryIn'))).toBe(count('in', 'temporary'));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---------------------------------------------------------------- comparing and storing

describe('cleanChanges, diffChanges, the stored text', () => {
  it('compares equal after a JSON round trip and a stored round trip, with zero entries and empty days dropped', () => {
    // Prepare
    const a = cellChanges('C1', { members: [member('M1', 'C1')], facts: [fact('C1', out('C2'))] });
    const b = JSON.parse(JSON.stringify(a)) as DatedChanges;
    b['2021-06-01'] = { ...b['2021-06-01'], 'transfers.officialIn#C9': 0 };
    b['2019-01-01'] = { 'members.total': 0 };

    // Act
    const stored = decodeChanges(JSON.parse(JSON.stringify(encodeChanges(b))));

    // Assess
    expect(diffChanges(a, b)).toEqual([]);
    expect(sameChanges(a, b)).toBe(true);
    expect(cleanChanges(stored)).toEqual(cleanChanges(a));
    expect(sameChanges({}, { '2021-01-01': {} })).toBe(true);
  });

  it('names every figure that differs, by day', () => {
    // Prepare
    const a = cellChanges('C1', { members: [member('M1', 'C1')], facts: [fact('C1', out('C2'))] });
    const b = cellChanges('C1', { facts: [fact('C1', out('C3'))] });

    // Act
    const diff = diffChanges(a, b);

    // Assess
    expect(diff).toEqual([
      '2015-05-19 members.ceremonyPending: 1 → 0',
      '2015-05-19 members.probationary: 1 → 0',
      '2015-05-19 members.total: 1 → 0',
      '2016-05-19 members.ceremonyPending: -1 → 0',
      '2016-05-19 members.official: 1 → 0',
      '2016-05-19 members.officialWithoutCard: 1 → 0',
      '2016-05-19 members.probationary: -1 → 0',
      '2021-06-01 transfers.officialOut#C2: 1 → 0',
      '2021-06-01 transfers.officialOut#C3: 0 → 1',
    ]);
  });

  it('stores a tally as compact text, and reads the lists of numbers the first figures as of a date stored', () => {
    // Prepare
    const tally = { 'members.total': 3, 'members.female': -1, 'transfers.officialOut#HP-Q2:C4': 1, 'dossiers.daysToClose#41': 2 };

    // Act
    const text = encodeTally(tally);

    // Assess
    expect(text).toBe('3,,,-1;d41=2;oHP-Q2:C4=1');
    expect(decodeTally(text)).toEqual(tally);
    expect(decodeTally([1, 0, 1])).toEqual({ 'members.total': 1, 'members.probationary': 1 });
    expect(encodeTally({})).toBe('');
    expect(() => decodeTally(';xABC=1')).toThrow(/unknown keyed entry/);
    expect(() => encodeTally({ 'members.nobody': 1 })).toThrow(/not a figure/);
  });
});

// ---------------------------------------------------------------- the report

describe('renderReport', () => {
  function report(
    opts: {
      changes?: DatedChanges;
      org?: OrgRecord;
      year?: number;
      date?: string;
      children?: { org: OrgRecord; changes: DatedChanges }[];
    } = {},
  ) {
    const orgs = city();
    const tree = new OrgTree(orgs);
    const date = opts.date ?? '2021-12-31';
    const year = opts.year ?? 2021;
    return renderReport({
      org: opts.org ?? (tree.get('HP') as OrgRecord),
      tree,
      figures: at(opts.changes ?? {}, date, year),
      children: (opts.children ?? []).map((c) => ({ org: c.org, figures: at(c.changes, date, year, false) })),
      year,
      date,
    });
  }

  it('has the keys of docs/report.md in order, and zeros for a year without figures', () => {
    // Prepare
    const changes = cellChanges('C1', { facts: [fact('C1', admission(), '2020-01-01')] });

    // Act
    const r = report({ changes, year: 2021 });

    // Assess
    expect(Object.keys(r)).toEqual([
      'orgId',
      'name',
      'level',
      'asOf',
      'year',
      'organizations',
      'members',
      'admissions',
      'term',
      'previousYear',
      'candidates',
      'recognitions',
      'transfers',
      'exits',
      'dossiers',
      'ratings',
      'orgRatings',
      'badges',
      'suppressed',
      'children',
    ]);
    expect(Object.keys(r.organizations)).toEqual([
      'grassroots',
      'grassrootsCommittees',
      'grassrootsCells',
      'cells',
      'newInYear',
      'privateSector',
    ]);
    expect(Object.keys(r.orgRatings)).toEqual(['excellent', 'good', 'completed', 'notCompleted']);
    expect(Object.keys(r.members)).toEqual([
      'total',
      'official',
      'probationary',
      'female',
      'youthUnion',
      'ethnicMinority',
      'religious',
      'exempted',
      'inTransit',
      'temporaryAttendees',
      'recordsFiled',
      'recordsFiledPct',
      'officialWithoutCard',
      'ceremonyPending',
    ]);
    expect(Object.keys(r.admissions)).toEqual([
      'total',
      'female',
      'youthUnion',
      'student',
      'privateEnterprise',
      'enterpriseOwner',
      'contractFreelance',
      'readmitted',
      'ethnicMinority',
      'religious',
      'populationPolicy',
      'target',
      'achievementPct',
      'targetAssigned',
      'achievementPctAssigned',
      'subTargets',
      'sharesPct',
      'recordsFiled',
      'recordsFiledPct',
    ]);
    expect(Object.keys(r.candidates)).toEqual(['pool', 'certified', 'trained', 'classes', 'admitted']);
    expect(Object.keys(r.transfers)).toEqual(['officialIn', 'officialOut', 'temporaryIn', 'temporaryOut', 'late', 'temporaryTooLong']);
    expect(Object.keys(r.dossiers)).toEqual(['open', 'byStep', 'dueSoon', 'overdue', 'closedInYear', 'medianDaysToClose']);
    expect(Object.keys(r.dossiers.byStep)).toEqual(['received', 'processing', 'reported', 'reviewed']);
    expect(Object.keys(r.exits)).toEqual(['expelled', 'struckOff', 'resigned', 'deceased']);
    expect(Object.keys(r.ratings)).toEqual(['excellent', 'good', 'completed', 'notCompleted']);
    expect(r).toMatchObject({
      orgId: 'HP',
      name: 'Org HP',
      level: 'province',
      asOf: '2021-12-31',
      year: 2021,
      organizations: { grassroots: 3, grassrootsCommittees: 2, grassrootsCells: 1, cells: 3 },
      admissions: { total: 0, target: 6, achievementPct: 0, recordsFiled: 0, recordsFiledPct: null },
      candidates: { pool: 0, certified: 0, trained: 0, classes: 0, admitted: 0 },
      recognitions: { total: 0 },
      transfers: { officialIn: 0, officialOut: 0, temporaryIn: 0, temporaryOut: 0, late: 0, temporaryTooLong: 0 },
      dossiers: { closedInYear: 0, medianDaysToClose: null },
      badges: { awarded: 0 },
      children: [],
    });
  });

  it('rounds achievementPct to one decimal, half up; null without a target or with a target of 0', () => {
    // Prepare
    const tree = new OrgTree(city());
    const admissions = (n: number) => cellChanges('C1', { facts: Array.from({ length: n }, () => fact('C1', admission())) });

    // Act
    const hp = report({ changes: admissions(5) }); // 5 / 6
    const g1 = report({ org: tree.get('G1') as OrgRecord, changes: admissions(1) }); // 1 / 16 = 6.25
    const c2 = report({ org: tree.get('C2') as OrgRecord, changes: admissions(1) }); // target 0
    const c3 = report({ org: tree.get('C3') as OrgRecord, changes: admissions(1) }); // no target

    // Assess
    expect(hp.admissions).toMatchObject({ total: 5, target: 6, achievementPct: 83.3 });
    expect(g1.admissions).toMatchObject({ target: 16, achievementPct: 6.3 });
    expect(c2.admissions).toMatchObject({ target: 0, achievementPct: null });
    expect(c3.admissions).toMatchObject({ target: null, achievementPct: null });
    expect(achievementPct(7, 6)).toBe(116.7);
    expect(achievementPct(2, 3)).toBe(66.7);
  });

  it('takes the median of days to close: the middle one, the mean of the two middle ones, null when none', () => {
    // Prepare
    const closed = (days: number[]) =>
      cellChanges('C1', { facts: days.map((d) => fact('C1', { kind: 'dossierClosed', outcome: 'admitted', days: d })) });

    // Act
    const odd = report({ changes: closed([50, 10, 30]) }).dossiers;
    const even = report({ changes: closed([10, 40, 30, 60]) }).dossiers;
    const none = report({ changes: closed([]) }).dossiers;

    // Assess
    expect(odd).toMatchObject({ closedInYear: 3, medianDaysToClose: 30 });
    expect(even).toMatchObject({ closedInYear: 4, medianDaysToClose: 35 });
    expect(none).toMatchObject({ closedInYear: 0, medianDaysToClose: null });
    expect(medianOfCounts({ '3': 1, '4': 1 })).toBe(3.5);
    expect(medianOfCounts({ '9': 2, '2': 1 })).toBe(9);
    expect(medianOfCounts({})).toBeNull();
  });

  it('judges dueSoon, overdue and late over what is open on the given date', () => {
    // Prepare
    const date = '2021-03-01';
    const dossiers = [
      dossier('D1', 'C1', { dueOn: '2021-03-16' }), // 15 days left: due soon
      dossier('D2', 'C1', { dueOn: '2021-03-17' }), // 16 days left: neither
      dossier('D3', 'C1', { dueOn: '2021-03-02' }), // 1 day left: due soon
      dossier('D4', 'C1', { dueOn: '2021-03-01', step: 'reviewed', steps: { reviewed: '2021-02-20' } }), // due today: overdue
      dossier('D5', 'C1', { dueOn: '2021-02-27' }), // past (across a month end): overdue
      dossier('D6', 'C1', { dueOn: '2021-02-27', status: 'rejected', closedOn: '2021-03-05' }), // overdue then, closed since
    ];
    const transfers = [
      transfer('T1', { issuedOn: '2021-01-15', dueOn: '2021-02-28' }), // deadline passed: late
      transfer('T2', { issuedOn: '2021-01-15', dueOn: '2021-03-01' }), // deadline today: not late yet
      transfer('T3', { kind: 'temporary', issuedOn: '2020-12-01', dueOn: '2021-01-15' }), // temporary, late too
      transfer('T4', { issuedOn: '2021-01-15', dueOn: '2021-02-20', status: 'received', receivedOn: '2021-03-10' }), // late then
    ];
    const changes = cellChanges('C1', { dossiers, transfers });

    // Act
    const r = report({ changes, date, year: 2021 });
    const later = report({ changes, date: '2021-03-20', year: 2021 });

    // Assess
    expect(r.asOf).toBe(date);
    expect(r.dossiers).toMatchObject({ open: 6, byStep: { received: 5, processing: 0, reported: 0, reviewed: 1 }, dueSoon: 2, overdue: 3 });
    expect(r.transfers.late).toBe(3);
    expect(r.members.inTransit).toBe(3);
    expect(later.dossiers).toMatchObject({ open: 5, dueSoon: 0, overdue: 5 });
    expect(later.transfers.late).toBe(3);
  });

  it('lists the active children only, sorted by orgId, with their members, admissions and pool', () => {
    // Prepare
    const tree = new OrgTree(city());
    const withMembers = (cellId: string, n: number, admitted: number) =>
      cellChanges(cellId, {
        members: Array.from({ length: n }, (_, i) => member(`${cellId}-${i}`, cellId)),
        facts: Array.from({ length: admitted }, () => fact(cellId, admission())),
      });
    const children = [
      { org: tree.get('Q2') as OrgRecord, changes: withMembers('C3', 2, 0) },
      { org: tree.get('GX') as OrgRecord, changes: withMembers('GX', 0, 4) },
      { org: tree.get('Q1') as OrgRecord, changes: withMembers('C1', 3, 1) },
    ];

    // Act
    const r = report({ children });

    // Assess
    expect(r.children.map((c) => c.orgId)).toEqual(['Q1', 'Q2']);
    expect(r.children[0]).toEqual({
      orgId: 'Q1',
      name: 'Org Q1',
      level: 'upper-grassroots',
      members: expect.objectContaining({ total: 3, official: 3 }),
      admissions: expect.objectContaining({ total: 1, target: null, achievementPct: null }),
      term: null,
      candidates: { pool: 0, certified: 0, trained: 0, classes: 0, admitted: 0 },
      suppressed: [],
    });
    expect(Object.keys(r.children[0] ?? {})).toEqual([
      'orgId',
      'name',
      'level',
      'members',
      'admissions',
      'term',
      'candidates',
      'suppressed',
    ]);
    expect(r.children[1]?.members.total).toBe(2);
  });
});
