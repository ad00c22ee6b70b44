// The figures of the admission work (docs/report.md: `members.recordsFiled`, `recordsFiledPct`,
// `officialWithoutCard`, `ceremonyPending`, `admissions.recordsFiled`, `candidates`,
// `transfers.temporaryTooLong`): the real ingest on the in-memory store writes the records,
// the figures domain turns each record and fact into dated changes, and the report is
// rendered from the figures read back on a date, as the report of a cell or of Q1 (C1 + C2).
import { describe, expect, it } from 'vitest';
import {
  byMonth,
  factChanges,
  figuresAt,
  OrgTree,
  recordChanges,
  renderReport,
  sharePct,
  sumChanges,
  type DatedChanges,
  type Report,
} from '../../shared/domain/figures/index.js';
import type { DomainEvent } from '../../shared/domain/events/index.js';
import type { StoredRecord } from '../../shared/domain/records.js';
import { DomainHarness } from '../helpers/domain-harness.js';
import { baseOrgs, validEvent, validProfile } from '../helpers/events.js';

function recordsOf(h: DomainHarness): StoredRecord[] {
  return [
    ...[...h.members.values()].map((record) => ({ entity: 'member' as const, record })),
    ...[...h.dossiers.values()].map((record) => ({ entity: 'dossier' as const, record })),
    ...[...h.transfers.values()].map((record) => ({ entity: 'transfer' as const, record })),
    ...[...h.candidates.values()].map((record) => ({ entity: 'candidate' as const, record })),
  ];
}

/** What the cells contribute, records and facts: their parent's subtree when they are all its cells. */
function changesOf(h: DomainHarness, cells: readonly string[]): DatedChanges {
  const records = recordsOf(h).flatMap((r) => cells.map((c) => recordChanges(r).get(c)));
  const facts = [...h.facts.values()].filter((f) => cells.includes(f.cellId)).map((f) => factChanges(f).changes);
  return sumChanges([...records, ...facts]);
}

/** The report of `orgId` (C1 alone, or Q1 = C1 + C2) on `date`, for the year of `date` unless told. */
function reportOf(h: DomainHarness, orgId: 'C1' | 'C2' | 'Q1', date: string, year = Number(date.slice(0, 4))): Report {
  const cells = orgId === 'Q1' ? ['C1', 'C2'] : [orgId];
  const figures = figuresAt({ date, year, keyed: true, dueSoonDays: 15 }, undefined, byMonth(changesOf(h, cells)));
  const tree = new OrgTree([...h.orgs.values()]);
  return renderReport({ org: h.orgs.get(orgId)!, tree, figures, children: [], year, date });
}

async function given(events: readonly (DomainEvent | object)[]): Promise<DomainHarness> {
  return new DomainHarness().given([...baseOrgs(), ...events]);
}

const admit = (memberId: string, admittedOn: string, extra: Record<string, unknown> = {}) =>
  validEvent('member.admitted', { data: { memberId, admittedOn, ceremonyOn: undefined, profile: validProfile(), ...extra } });
const ceremony = (memberId: string, on: string) => validEvent('member.ceremonyHeld', { data: { memberId, on } });
const filed = (memberId: string, on: string) => validEvent('member.recordsFiled', { data: { memberId, on } });
const card = (memberId: string, on: string) => validEvent('member.cardIssued', { data: { memberId, on } });
const recognized = (memberId: string, recognizedOn: string) => validEvent('member.recognized', { data: { memberId, recognizedOn } });
const listed = (personId: string, orgId: string, on: string) => validEvent('candidate.listed', { data: { personId, orgId, on } });
const classDone = (personId: string, classId: string, on: string) =>
  validEvent('candidate.classCompleted', { data: { personId, classId, on } });
const temporary = (transferId: string, memberId: string, issuedOn: string, toOrgId = 'C2') =>
  validEvent('transfer.issued', { data: { transferId, memberId, kind: 'temporary', fromOrgId: 'C1', toOrgId, issuedOn } });

describe('members: the party file, the card, the ceremony', () => {
  it('counts files filed, official members without a card and ceremonies pending on each date', async () => {
    // Prepare: M1 decided without a ceremony, M2 with one on the day of the decision
    const h = await given([
      admit('M1', '2021-03-02'),
      admit('M2', '2021-03-02', { ceremonyOn: '2021-03-02' }),
      ceremony('M1', '2021-03-20'),
      filed('M1', '2021-04-05'),
      recognized('M1', '2022-03-20'),
      card('M1', '2022-04-15'),
    ]);

    // Act
    const on = (date: string) => reportOf(h, 'C1', date).members;

    // Assess
    expect(on('2021-03-19')).toMatchObject({ total: 2, recordsFiled: 0, recordsFiledPct: 0, ceremonyPending: 1, officialWithoutCard: 0 });
    expect(on('2021-03-20')).toMatchObject({ ceremonyPending: 0 });
    expect(on('2021-04-05')).toMatchObject({ recordsFiled: 1, recordsFiledPct: 50 });
    expect(on('2022-03-20')).toMatchObject({ official: 1, officialWithoutCard: 1 });
    expect(on('2022-04-15')).toMatchObject({ official: 1, officialWithoutCard: 0, recordsFiled: 1 });
    expect(on('2021-03-01')).toMatchObject({ total: 0, recordsFiled: 0, recordsFiledPct: null });
  });

  it('counts an imported member by the dates it came with, never as a ceremony pending', async () => {
    // Prepare
    const h = await given([
      validEvent('member.imported', { data: { memberId: 'M1', recordsFiledOn: '1992-06-01', cardIssuedOn: '1993-01-10' } }),
      validEvent('member.imported', { data: { memberId: 'M2', recordsFiledOn: undefined, cardIssuedOn: undefined } }),
      validEvent('member.imported', {
        data: { memberId: 'M3', status: 'probationary', admittedOn: '2020-12-01', recognizedOn: undefined },
      }),
    ]);

    // Act
    const m = reportOf(h, 'C1', '2021-01-05').members;

    // Assess
    expect(m).toMatchObject({ total: 3, official: 2, probationary: 1, recordsFiled: 1, recordsFiledPct: 33.33 });
    expect(m).toMatchObject({ officialWithoutCard: 1, ceremonyPending: 0 });
  });

  it('counts the same whatever order the events arrived in: a file before its admission waits, then counts', async () => {
    // Prepare
    const inOrder = await given([admit('M1', '2021-03-02'), filed('M1', '2021-04-05'), ceremony('M1', '2021-03-25')]);
    const scrambled = await given([]);
    const early = await scrambled.run(filed('M1', '2021-04-05'));
    await scrambled.given([admit('M1', '2021-03-02')]);
    await scrambled.given([filed('M1', '2021-04-05')]);
    // The ceremony reported weeks after a report for the end of March was read
    const before = reportOf(scrambled, 'C1', '2021-03-31').members.ceremonyPending;
    await scrambled.given([ceremony('M1', '2021-03-25')]);

    // Act
    const a = changesOf(inOrder, ['C1']);
    const b = changesOf(scrambled, ['C1']);

    // Assess
    expect(early.outcome).toBe('retry');
    expect(before).toBe(1);
    expect(b).toEqual(a);
    expect(reportOf(scrambled, 'C1', '2021-03-31').members).toMatchObject({ ceremonyPending: 0, recordsFiled: 0 });
    expect(reportOf(scrambled, 'C1', '2021-03-24').members).toMatchObject({ ceremonyPending: 1 });
  });

  it('keeps the first ceremony when a second is sent, and the earliest card when one is reissued', async () => {
    // Prepare
    const h = await given([
      admit('M1', '2021-03-02'),
      ceremony('M1', '2021-03-25'),
      recognized('M1', '2022-03-25'),
      card('M1', '2022-05-01'),
    ]);
    const before = changesOf(h, ['C1']);

    // Act
    const second = await h.run(ceremony('M1', '2021-04-10'));
    await h.given([card('M1', '2022-04-01'), card('M1', '2023-01-01')]);

    // Assess
    expect(second.outcome).toBe('rejected');
    expect(reportOf(h, 'C1', '2021-03-25').members.ceremonyPending).toBe(0);
    expect(reportOf(h, 'C1', '2022-04-01').members.officialWithoutCard).toBe(0);
    expect(reportOf(h, 'C1', '2022-03-31').members.officialWithoutCard).toBe(1);
    expect(changesOf(h, ['C1'])).not.toEqual(before);
  });

  it('keeps the dates of an earlier membership after a readmission: a past day counts as it stood', async () => {
    // Prepare: filed and carded in the first membership, out in 2019, readmitted in 2021
    const h = await given([
      admit('M1', '2010-03-02', { ceremonyOn: '2010-03-02' }),
      filed('M1', '2010-04-01'),
      recognized('M1', '2011-03-02'),
      card('M1', '2011-06-01'),
      validEvent('member.exited', { data: { memberId: 'M1', reason: 'resigned', on: '2019-01-10' } }),
    ]);
    const before = reportOf(h, 'C1', '2018-12-31').members;

    // Act
    await h.given([admit('M1', '2021-03-02', { readmitted: true })]);

    // Assess
    expect(before).toMatchObject({ total: 1, official: 1, recordsFiled: 1, officialWithoutCard: 0 });
    expect(reportOf(h, 'C1', '2018-12-31').members).toEqual(before);
    expect(reportOf(h, 'C1', '2011-03-10').members).toMatchObject({ official: 1, officialWithoutCard: 1 });
    expect(reportOf(h, 'C1', '2021-03-02').members).toMatchObject({ total: 1, probationary: 1, ceremonyPending: 1, recordsFiled: 0 });
  });
});

describe('admissions: files filed, year to date', () => {
  it('counts the year’s admissions filed by the day, in the cell that admitted them', async () => {
    // Prepare: M1 filed in April, then moved to C2; M2 admitted in December, filed in January
    const h = await given([
      admit('M1', '2021-03-02'),
      filed('M1', '2021-04-05'),
      validEvent('transfer.issued', {
        data: { transferId: 'T1', memberId: 'M1', kind: 'official', fromOrgId: 'C1', toOrgId: 'C2', issuedOn: '2021-06-01' },
      }),
      validEvent('transfer.received', { data: { transferId: 'T1', receivedOn: '2021-06-05' } }),
      admit('M2', '2021-12-20'),
      filed('M2', '2022-01-10'),
    ]);

    // Act
    const march = reportOf(h, 'C1', '2021-03-31').admissions;
    const april = reportOf(h, 'C1', '2021-04-05').admissions;
    const yearEnd = reportOf(h, 'C1', '2021-12-31').admissions;
    const c2 = reportOf(h, 'C2', '2021-12-31').admissions;
    const next = reportOf(h, 'C1', '2022-12-31').admissions;

    // Assess
    expect(march).toMatchObject({ total: 1, recordsFiled: 0, recordsFiledPct: 0 });
    expect(april).toMatchObject({ total: 1, recordsFiled: 1, recordsFiledPct: 100 });
    expect(yearEnd).toMatchObject({ total: 2, recordsFiled: 1, recordsFiledPct: 50 });
    expect(c2).toMatchObject({ total: 0, recordsFiled: 0, recordsFiledPct: null });
    // Filed in the next year: not an admission of that year either
    expect(next).toMatchObject({ total: 0, recordsFiled: 0 });
  });

  it('rounds a share half up to two decimals, null of none', () => {
    expect(sharePct(1994, 3298)).toBe(60.46);
    expect(sharePct(1, 800)).toBe(0.13);
    expect(sharePct(2, 3)).toBe(66.67);
    expect(sharePct(0, 0)).toBeNull();
  });
});

describe('transfers: temporary ones too long', () => {
  it('counts a temporary transfer open 12 months after its issue, at the sending cell, until it is returned', async () => {
    // Prepare
    const h = await given([
      admit('M1', '2019-03-02'),
      admit('M2', '2019-03-02'),
      admit('M3', '2019-03-02'),
      temporary('T1', 'M1', '2020-02-29'),
      validEvent('transfer.received', { data: { transferId: 'T1', receivedOn: '2020-03-05' } }),
      validEvent('transfer.returned', { data: { transferId: 'T1', on: '2021-06-01' } }),
      temporary('T2', 'M2', '2020-06-01', 'EXT-DN'),
      temporary('T3', 'M3', '2020-06-01'),
      validEvent('transfer.cancelled', { data: { transferId: 'T3', on: '2020-07-01' } }),
    ]);

    // Act
    const on = (date: string) => reportOf(h, 'C1', date).transfers.temporaryTooLong;

    // Assess: 29 February + 12 months is 28 February; T1 returned on 1 June, as T2 to another system turns 12 months; T3 never was
    expect(on('2021-02-27')).toBe(0);
    expect(on('2021-02-28')).toBe(1);
    expect(on('2021-05-31')).toBe(1);
    expect(on('2021-06-01')).toBe(1);
    expect(on('2022-06-01')).toBe(1);
    expect(reportOf(h, 'C2', '2021-05-31').transfers.temporaryTooLong).toBe(0);
    expect(reportOf(h, 'C2', '2021-05-31').members.temporaryAttendees).toBe(1);
    expect(reportOf(h, 'Q1', '2021-05-31').transfers.temporaryTooLong).toBe(1);
  });
});

describe('transfers: a temporary one cancelled after its receipt', () => {
  it('stops counting it as too long on the day it was cancelled', async () => {
    // Prepare
    const h = await given([
      admit('M1', '2019-03-02'),
      temporary('T1', 'M1', '2020-01-15'),
      validEvent('transfer.received', { data: { transferId: 'T1', receivedOn: '2020-01-20' } }),
      validEvent('transfer.cancelled', { data: { transferId: 'T1', on: '2021-03-01' } }),
    ]);

    // Act
    const on = (date: string) => reportOf(h, 'C1', date).transfers.temporaryTooLong;

    // Assess
    expect([on('2021-01-14'), on('2021-01-15'), on('2021-02-28'), on('2021-03-01')]).toEqual([0, 1, 1, 0]);
  });
});

describe('candidates', () => {
  it('ends a certificate of 29 February on 28 February 60 months later', async () => {
    // Prepare
    const h = await given([listed('P1', 'C1', '2020-02-03'), classDone('P1', 'LOP-2020-02', '2020-02-29')]);

    // Act
    const on = (date: string) => reportOf(h, 'C1', date).candidates;

    // Assess
    expect(on('2025-02-27')).toMatchObject({ pool: 1, certified: 1 });
    expect(on('2025-02-28')).toMatchObject({ pool: 1, certified: 0 });
    expect(on('2020-12-31')).toMatchObject({ trained: 1, classes: 1 });
  });

  it('counts the pool and the certified on a day, the certificates and classes of the year, the admitted from the pool', async () => {
    // Prepare: one class trains P1 (C1) and P2 (C2); P3 another class; P4 never trained; P1 admitted
    const h = await given([
      listed('P1', 'C1', '2020-09-01'),
      listed('P2', 'C2', '2020-09-01'),
      listed('P3', 'C1', '2020-09-01'),
      listed('P4', 'C1', '2020-09-01'),
      classDone('P1', 'LOP-2020-05', '2020-10-15'),
      classDone('P2', 'LOP-2020-05', '2020-10-15'),
      classDone('P3', 'LOP-2020-07', '2020-12-01'),
      validEvent('candidate.dropped', { data: { personId: 'P4', on: '2020-11-01', reason: 'withdrew' } }),
      admit('P1', '2021-03-02'),
    ]);

    // Act
    const q1 = (date: string, year?: number) => reportOf(h, 'Q1', date, year).candidates;

    // Assess
    expect(q1('2020-10-14')).toEqual({ pool: 4, certified: 0, trained: 0, classes: 0, admitted: 0 });
    expect(q1('2020-10-15')).toEqual({ pool: 4, certified: 2, trained: 2, classes: 1, admitted: 0 });
    expect(q1('2020-12-31')).toEqual({ pool: 3, certified: 3, trained: 3, classes: 2, admitted: 0 });
    expect(q1('2021-03-02')).toEqual({ pool: 2, certified: 2, trained: 0, classes: 0, admitted: 1 });
    expect(reportOf(h, 'C1', '2020-12-31').candidates).toEqual({ pool: 2, certified: 2, trained: 2, classes: 2, admitted: 0 });
    expect(reportOf(h, 'C2', '2021-12-31').candidates).toMatchObject({ pool: 1, admitted: 0 });
    // A certificate is valid 60 months: P2's until 14 October 2025
    expect(q1('2025-10-14')).toMatchObject({ pool: 2, certified: 2 });
    expect(q1('2025-10-15')).toMatchObject({ pool: 2, certified: 1 });
  });

  it('gives each child its own pool beside its admissions and plan, so the committee above sees a cell short of candidates', async () => {
    // Prepare: C1 plans 3 admissions and has 1 in its pool; C2 plans 1 and has 2
    const h = await given([
      validEvent('target.set', { data: { orgId: 'C1', year: 2021, admissions: 3 } }),
      validEvent('target.set', { data: { orgId: 'C2', year: 2021, admissions: 1 } }),
      listed('P1', 'C1', '2020-09-01'),
      listed('P2', 'C2', '2020-09-01'),
      listed('P3', 'C2', '2020-09-01'),
    ]);
    const date = '2021-06-30';
    const figuresOf = (cell: string) =>
      figuresAt({ date, year: 2021, keyed: true, dueSoonDays: 15 }, undefined, byMonth(changesOf(h, [cell])));
    // Act
    const r = renderReport({
      org: h.orgs.get('Q1')!,
      tree: new OrgTree([...h.orgs.values()]),
      figures: figuresOf('C1'),
      children: ['C1', 'C2'].map((c) => ({ org: h.orgs.get(c)!, figures: figuresOf(c) })),
      year: 2021,
      date,
    });
    // Assess
    expect(r.children.map((c) => [c.orgId, c.candidates.pool, c.admissions.total, c.admissions.target])).toEqual([
      ['C1', 1, 0, 3],
      ['C2', 2, 0, 1],
    ]);
  });

  it('counts an admission from the pool only with a certificate dated by then, whatever order it arrived in', async () => {
    // Prepare: P1 admitted, its certificate (dated before) reported after; P2 admitted untrained
    const h = await given([
      listed('P1', 'C1', '2020-09-01'),
      listed('P2', 'C1', '2020-09-01'),
      admit('P1', '2021-03-02'),
      admit('P2', '2021-03-02'),
    ]);
    const before = reportOf(h, 'C1', '2021-12-31').candidates.admitted;

    // Act
    await h.given([classDone('P1', 'LOP-2020-05', '2021-03-02')]);
    const late = await h.run(classDone('P2', 'LOP-2021-01', '2021-03-03'));

    // Assess
    expect(before).toBe(0);
    expect(late.outcome).toBe('rejected');
    expect(reportOf(h, 'C1', '2021-12-31').candidates).toMatchObject({ admitted: 1, trained: 1, classes: 1, pool: 0 });
    expect(reportOf(h, 'C1', '2021-03-01').candidates).toMatchObject({ admitted: 0, pool: 2, certified: 0 });
  });

  it('counts a candidate listed again in another cell in each cell for its own stay, a certificate in the cell of its date', async () => {
    // Prepare
    const h = await given([
      listed('P1', 'C1', '2020-09-01'),
      classDone('P1', 'LOP-2020-05', '2020-10-15'),
      validEvent('candidate.dropped', { data: { personId: 'P1', on: '2021-01-10', reason: 'moved-away' } }),
      listed('P1', 'C2', '2021-02-01'),
    ]);

    // Act / Assess
    expect(reportOf(h, 'C1', '2020-12-31').candidates).toMatchObject({ pool: 1, certified: 1, trained: 1 });
    expect(reportOf(h, 'C2', '2020-12-31').candidates).toMatchObject({ pool: 0, trained: 0 });
    expect(reportOf(h, 'C1', '2021-02-01').candidates).toMatchObject({ pool: 0, certified: 0 });
    expect(reportOf(h, 'C2', '2021-02-01').candidates).toMatchObject({ pool: 1, certified: 1 });
  });
});
