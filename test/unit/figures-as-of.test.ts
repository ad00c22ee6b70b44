// The figures as of a date (docs/report.md#members-at-the-end-of-asof): the real ingest on the in-memory
// store writes the records, the figures domain turns each record into dated changes, and
// the figures on a date are read back from the form the Figures table keeps (months, and
// the nets of closed years).
import { describe, expect, it } from 'vitest';
import {
  applyNets,
  byMonth,
  encodeChanges,
  figuresAt,
  FIXED_FIGURES,
  MEMBER_FIGURES,
  monthsThatDiffer,
  planNets,
  recordChanges,
  sumChanges,
  type DatedChanges,
  type FiguresAt,
  type Nets,
  type Tally,
} from '../../shared/domain/figures/index.js';
import type { DomainEvent } from '../../shared/domain/events/index.js';
import type { StoredRecord } from '../../shared/domain/records.js';
import { DomainHarness } from '../helpers/domain-harness.js';
import { baseOrgs, validEvent, validExternalArrival, validProfile } from '../helpers/events.js';

/** Every record the harness holds, as the Records table stores them. */
function recordsOf(h: DomainHarness): StoredRecord[] {
  return [
    ...[...h.members.values()].map((record) => ({ entity: 'member' as const, record })),
    ...[...h.dossiers.values()].map((record) => ({ entity: 'dossier' as const, record })),
    ...[...h.transfers.values()].map((record) => ({ entity: 'transfer' as const, record })),
  ];
}

/** A cell's changes: the sum of what every record contributes to it. */
function cellChanges(h: DomainHarness, cellId: string): DatedChanges {
  return sumChanges(recordsOf(h).map((r) => recordChanges(r).get(cellId)));
}

/** The figures on a day of some changes, every month read (no nets). */
function on(date: string, changes: DatedChanges, nets?: Nets): FiguresAt {
  return figuresAt({ date, year: Number(date.slice(0, 4)), keyed: false, dueSoonDays: 15 }, nets, byMonth(changes));
}

const group = (t: Tally, prefix: string, names: readonly string[]) => Object.fromEntries(names.map((n) => [n, t[`${prefix}.${n}`] ?? 0]));

function membersOn(h: DomainHarness, cellId: string, date: string) {
  return group(on(date, cellChanges(h, cellId)).state, 'members', MEMBER_FIGURES);
}

function dossiersOn(changes: DatedChanges, date: string) {
  const { state } = on(date, changes);
  return { open: state['dossiers.open'] ?? 0, byStep: group(state, 'dossiers.byStep', ['received', 'processing', 'reported', 'reviewed']) };
}

async function given(events: readonly (DomainEvent | object)[]): Promise<DomainHarness> {
  return new DomainHarness().given([...baseOrgs(), ...events]);
}

const admit = (memberId: string, admittedOn: string, extra: Record<string, unknown> = {}) =>
  validEvent('member.admitted', { data: { memberId, admittedOn, ceremonyOn: undefined, profile: validProfile(), ...extra } });

describe('members as of a date', () => {
  it('does not count an admission dated after the date, and counts it from its admittedOn', async () => {
    // Prepare
    const h = await given([admit('M1', '2021-03-02')]);

    // Act
    const before = membersOn(h, 'C1', '2021-03-01');
    const on = membersOn(h, 'C1', '2021-03-02');

    // Assess
    expect(before.total).toBe(0);
    expect(on).toMatchObject({ total: 1, probationary: 1, official: 0, youthUnion: 1 });
  });

  it('counts a death dated before the date even when it was reported long after', async () => {
    // Prepare: admitted in 2021, dies on 20 December; the news comes in February
    const h = await given([
      admit('M1', '2021-03-02'),
      admit('M2', '2021-04-02'),
      validEvent('member.exited', {
        occurredAt: '2022-02-15T09:00:00+07:00',
        data: { memberId: 'M1', reason: 'deceased', on: '2021-12-20' },
      }),
    ]);

    // Act / Assess
    expect(membersOn(h, 'C1', '2021-12-19').total).toBe(2);
    expect(membersOn(h, 'C1', '2021-12-20').total).toBe(1);
    expect(membersOn(h, 'C1', '2021-12-31').total).toBe(1);
  });

  it('gives the same changes whatever order the events arrived in', async () => {
    // Prepare: the same story, told in two arrival orders the ingest accepts
    const m2 = admit('M2', '2021-01-10');
    const exit2 = validEvent('member.exited', { data: { memberId: 'M2', reason: 'resigned', on: '2021-06-30' } });
    const m1 = admit('M1', '2021-03-02');
    const recognized1 = validEvent('member.recognized', { data: { memberId: 'M1', recognizedOn: '2022-03-10' } });
    const exempted1 = validEvent('member.exempted', { data: { memberId: 'M1', on: '2022-01-05' } });
    const inOrder = await given([m2, m1, exit2, exempted1, recognized1]);
    const scrambled = await given([m1, recognized1, exempted1, m2, exit2]);

    // Act
    const a = cellChanges(inOrder, 'C1');
    const b = cellChanges(scrambled, 'C1');

    // Assess
    expect(b).toEqual(a);
    expect(membersOn(scrambled, 'C1', '2021-05-01')).toMatchObject({ total: 2, probationary: 2 });
    expect(membersOn(scrambled, 'C1', '2022-01-05')).toMatchObject({ total: 1, probationary: 1, exempted: 1 });
    expect(membersOn(scrambled, 'C1', '2022-03-10')).toMatchObject({ total: 1, official: 1, probationary: 0, exempted: 1 });
  });

  it('counts a transfer in the old cell before issuedOn, in transit until receivedOn, then in the new cell', async () => {
    // Prepare: M1 official in C1, moved to C2 (issued 2022-06-01, received 2022-06-10)
    const h = await given([
      admit('M1', '2021-03-02'),
      validEvent('member.recognized', { data: { memberId: 'M1', recognizedOn: '2022-03-10' } }),
      validEvent('transfer.issued'),
      validEvent('transfer.received'),
    ]);

    // Act
    const on = (date: string) => ({ C1: membersOn(h, 'C1', date), C2: membersOn(h, 'C2', date) });

    // Assess
    expect(on('2022-05-31')).toMatchObject({ C1: { total: 1, official: 1, inTransit: 0 }, C2: { total: 0 } });
    expect(on('2022-06-01')).toMatchObject({ C1: { total: 0, inTransit: 1 }, C2: { total: 0 } });
    expect(on('2022-06-09')).toMatchObject({ C1: { total: 0, inTransit: 1 }, C2: { total: 0 } });
    expect(on('2022-06-10')).toMatchObject({ C1: { total: 0, inTransit: 0 }, C2: { total: 1, official: 1 } });
    expect(on('2021-12-31')).toMatchObject({ C1: { total: 1, probationary: 1 }, C2: { total: 0 } });
  });

  it('forgets a cancelled transfer on every date', async () => {
    // Prepare
    const h = await given([admit('M1', '2021-03-02'), validEvent('transfer.issued'), validEvent('transfer.cancelled')]);

    // Act / Assess
    for (const date of ['2022-05-31', '2022-06-01', '2022-06-07', '2023-01-01']) {
      expect(membersOn(h, 'C1', date)).toMatchObject({ total: 1, inTransit: 0 });
      expect(membersOn(h, 'C2', date).total).toBe(0);
    }
  });

  it('counts an imported member from its admittedOn in the cell it was imported into', async () => {
    // Prepare
    const h = await given([validEvent('member.imported')]);

    // Act / Assess
    expect(membersOn(h, 'C1', '1991-03-01').total).toBe(0);
    expect(membersOn(h, 'C1', '1991-03-02')).toMatchObject({ total: 1, probationary: 1 });
    expect(membersOn(h, 'C1', '1992-03-02')).toMatchObject({ total: 1, official: 1, probationary: 0 });
  });

  it('keeps the stays of an earlier membership after a readmission', async () => {
    // Prepare: official from 2016, resigned in 2019, readmitted in 2021
    const h = await given([
      validEvent('member.imported', { data: { admittedOn: '2015-05-19', recognizedOn: '2016-05-19' } }),
      validEvent('member.exempted', { data: { memberId: 'M1', on: '2018-01-02' } }),
      validEvent('member.exited', { data: { memberId: 'M1', reason: 'resigned', on: '2019-01-02' } }),
      admit('M1', '2021-03-02', { orgId: 'C2', readmitted: true }),
    ]);

    // Act / Assess
    expect(membersOn(h, 'C1', '2018-06-01')).toMatchObject({ total: 1, official: 1, exempted: 1 });
    expect(membersOn(h, 'C1', '2020-01-01').total).toBe(0);
    expect(membersOn(h, 'C2', '2021-03-02')).toMatchObject({ total: 1, probationary: 1, exempted: 0 });
  });

  it('counts temporary attendees while they attend, and arrivals from outside from their receipt', async () => {
    // Prepare
    const h = await given([
      validExternalArrival(),
      validExternalArrival({
        data: {
          transferId: 'T3',
          receivedOn: '2022-08-01',
          toOrgId: 'C2',
          kind: 'temporary',
          member: { memberId: 'M9', status: 'probationary', admittedOn: '2022-01-10', profile: validProfile() },
        },
      }),
      validEvent('transfer.returned', { data: { transferId: 'T3', on: '2022-09-01' } }),
    ]);

    // Act / Assess
    expect(membersOn(h, 'C1', '2022-06-30').total).toBe(0);
    expect(membersOn(h, 'C1', '2022-07-01')).toMatchObject({ total: 1, official: 1, female: 1 });
    expect(membersOn(h, 'C2', '2022-08-15').temporaryAttendees).toBe(1);
    expect(membersOn(h, 'C2', '2022-09-01').temporaryAttendees).toBe(0);
  });

  it('applies a profile correction to every date: it fixes data, not an event', async () => {
    // Prepare
    const h = await given([
      admit('M1', '2021-03-02'),
      validEvent('member.updated', { data: { memberId: 'M1', profile: { ethnicity: 'Tày', sex: 'female' } } }),
    ]);

    // Act / Assess
    expect(membersOn(h, 'C1', '2021-03-02')).toMatchObject({ total: 1, female: 1, ethnicMinority: 1 });
  });

  it('equals the count of the records now on a date after every event', async () => {
    // Prepare: a bit of everything
    const h = await given([
      validEvent('dossier.received'),
      admit('M1', '2021-03-02', { dossierId: 'D1' }),
      admit('M3', '2021-04-02'),
      validEvent('member.recognized', { data: { memberId: 'M1', recognizedOn: '2022-03-10' } }),
      validEvent('member.exempted', { data: { memberId: 'M3', on: '2022-01-05' } }),
      validEvent('transfer.issued'),
      validExternalArrival(),
      validEvent('dossier.received', { data: { dossierId: 'D2', personId: 'P2', receivedOn: '2022-01-04' } }),
      validEvent('dossier.stepCompleted', { data: { dossierId: 'D2', step: 'reported', on: '2022-02-01' } }),
    ]);

    // Act / Assess: what the records hold now, counted plainly
    for (const cellId of ['C1', 'C2']) {
      const active = [...h.members.values()].filter((m) => m.cellId === cellId && (m.status === 'official' || m.status === 'probationary'));
      const open = [...h.dossiers.values()].filter((d) => d.cellId === cellId && d.status === 'open');
      const inTransit = [...h.transfers.values()].filter((t) => t.kind === 'official' && t.status === 'issued' && t.fromOrgId === cellId);
      expect(membersOn(h, cellId, '2030-01-01')).toMatchObject({
        total: active.length,
        official: active.filter((m) => m.status === 'official').length,
        exempted: active.filter((m) => m.exemptedOn !== undefined).length,
        female: active.filter((m) => m.traits.female).length,
        inTransit: inTransit.length,
      });
      expect(dossiersOn(cellChanges(h, cellId), '2030-01-01')).toEqual({
        open: open.length,
        byStep: Object.fromEntries(
          ['received', 'processing', 'reported', 'reviewed'].map((step) => [step, open.filter((d) => d.step === step).length]),
        ),
      });
    }
    expect(membersOn(h, 'C1', '2030-01-01')).toMatchObject({ total: 2, inTransit: 1 });
  });
});

describe('dossiers as of a date', () => {
  it('counts a dossier open from receipt to closing, at the step completed by the date', async () => {
    // Prepare
    const h = await given([
      validEvent('dossier.received'),
      validEvent('dossier.stepCompleted', { data: { dossierId: 'D1', step: 'processing', on: '2021-01-11' } }),
      validEvent('dossier.closed', { data: { dossierId: 'D1', outcome: 'withdrawn', on: '2021-02-15' } }),
    ]);
    const at = (date: string) => dossiersOn(cellChanges(h, 'C1'), date);

    // Act / Assess
    expect(at('2021-01-03').open).toBe(0);
    expect(at('2021-01-04')).toEqual({ open: 1, byStep: { received: 1, processing: 0, reported: 0, reviewed: 0 } });
    expect(at('2021-01-11')).toEqual({ open: 1, byStep: { received: 0, processing: 1, reported: 0, reviewed: 0 } });
    expect(at('2021-02-15').open).toBe(0);
  });
});

describe('the stored form: months, and the nets of closed years', () => {
  it('answers any date from the nets of the years before it and the months of its own year', async () => {
    // Prepare: changes over several years, the nets holding the years up to 2022
    const h = await given([
      validEvent('member.imported', { data: { admittedOn: '2015-05-19', recognizedOn: '2016-05-19' } }),
      admit('M2', '2021-03-02'),
      validEvent('member.exited', { data: { memberId: 'M2', reason: 'deceased', on: '2023-12-20' } }),
    ]);
    const changes = cellChanges(h, 'C1');
    const months = new Map([...byMonth(changes)].map(([m, c]) => [m, { changes: c, version: 1 }]));

    // Act
    const nets = applyNets(undefined, planNets(undefined, new Map(), 2022), months);

    // Assess: every month in a month item of its own, the nets one per year, and any day read the same
    expect([...byMonth(changes).keys()]).toEqual(['2015-05', '2016-05', '2021-03', '2023-12']);
    expect(nets.through).toBe(2022);
    expect(Object.keys(nets.years).sort()).toEqual(['2015', '2016', '2021']);
    expect(nets.seen['2021']).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    for (const date of ['2015-05-18', '2016-01-01', '2021-12-31', '2022-06-30', '2023-12-19', '2023-12-20', '2024-01-01']) {
      expect(on(date, changes, nets)).toEqual(on(date, changes));
    }
    // A day of a year the nets hold needs no month but its own year's.
    const onlyTheNets = figuresAt({ date: '2022-06-30', year: 2022, keyed: false, dueSoonDays: 15 }, nets, new Map());
    expect(group(onlyTheNets.state, 'members', MEMBER_FIGURES)).toMatchObject({ total: 2, official: 1, probationary: 1 });
  });

  it('keeps a province-sized month small', () => {
    // Prepare: a change of every fixed figure and forty keyed entries on every day of a month, numbers of a province
    const changes: DatedChanges = {};
    for (let day = 1; day <= 31; day++) {
      const t: Tally = Object.fromEntries(FIXED_FIGURES.map((f, i) => [f.name, i % 2 ? -1234 : 5678]));
      for (let k = 0; k < 20; k++) t[`transfers.officialOut#HP-Q${k}-G3-C12`] = 3;
      for (let k = 0; k < 20; k++) t[`dossiers.dueSoonBy#2024-02-${String(k + 1).padStart(2, '0')}`] = -1;
      changes[`2024-01-${String(day).padStart(2, '0')}`] = t;
    }

    // Act
    const stored = encodeChanges(changes, (d) => d.slice(8));
    const bytes = Object.entries(stored).reduce((n, [k, v]) => n + k.length + v.length, 0);

    // Assess: well under DynamoDB's 400 KB, and a few write units
    expect(Object.keys(stored)).toHaveLength(31);
    expect(bytes).toBeLessThan(40_000);
  });
});

describe('the months two contributions differ in', () => {
  it('names only the months whose dated changes differ, whatever the zeros', () => {
    const before: DatedChanges = {
      '2020-06-01': { 'members.total': 1, 'members.probationary': 1 },
      '2021-06-01': { 'members.official': 1, 'members.probationary': -1 },
      '2023-01-02': { 'members.total': 1 },
    };
    expect(monthsThatDiffer(before, { ...before, '2021-06-01': { ...before['2021-06-01'], 'members.exempted': 0 } })).toEqual([]);
    expect(monthsThatDiffer(before, { ...before, '2021-06-01': undefined as never, '2021-07-01': before['2021-06-01']! })).toEqual([
      '2021-06',
      '2021-07',
    ]);
    expect(monthsThatDiffer(before, { '2020-06-01': before['2020-06-01']! })).toEqual(['2021-06', '2023-01']);
    expect(monthsThatDiffer(undefined, { '9999-12-31': { 'members.total': 1 } })).toEqual(['9999-12']);
  });
});
