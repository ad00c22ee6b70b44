// Small counts of sensitive traits suppressed (docs/report.md "Small counts suppressed"):
// someone who knows the dozen members of a cell tries to learn who is religious or of an
// ethnic minority from the cell's report, from the cell's row in the report above it, from
// the committee's text, from the Vietnamese CSV, from a zero, from "all but two", and from
// the day-to-day difference around one admission. The real buildReport on in-memory
// stores, figures refreshed as the stream would.
import { describe, expect, it } from 'vitest';
import { recordChangesOf } from '../../shared/data/stream-changes.js';
import { toItem } from '../../shared/data/keys.js';
import { staleFrom } from '../../shared/domain/figures/stale.js';
import { revealsFew, SMALL_COUNT_THRESHOLD } from '../../shared/domain/figures/suppression.js';
import type { FactRecord, MemberRecord, OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import { renderTableExport } from '../../shared/report/export.js';
import { buildReport, buildReportText } from '../../shared/use-cases/build-report/index.js';
import { refreshFigures } from '../../shared/use-cases/refresh-figures/index.js';
import { InMemoryFiguresStore } from '../helpers/in-memory-stores.js';

const TODAY = '2026-12-06';

const org = (orgId: string, parentId: string | null, level: OrgLevel): OrgRecord => ({
  orgId,
  parentId,
  name: `Tổ chức ${orgId}`,
  level,
  status: 'active',
  targets: {},
  version: 1,
});

/** `count` members of `cellId`, the first `religious` with a religion, the first `ethnicMinority` of an ethnic minority. */
function members(cellId: string, count: number, religious: number, ethnicMinority: number): MemberRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    memberId: `${cellId}-M${String(i)}`,
    cellId,
    status: 'official' as const,
    traits: { female: false, youthUnion: false, ethnicMinority: i < ethnicMinority, religious: i < religious },
    admittedOn: '2010-03-01',
    recognizedOn: '2011-03-01',
    ratings: {},
    badges: {},
    origin: 'admitted' as const,
    version: 1,
  }));
}

/** One admission into `cellId` on `on`, with its traits. */
const admission = (cellId: string, on: string, i: number, traits: { religious?: true; ethnicMinority?: true } = {}): FactRecord => ({
  cellId,
  year: Number(on.slice(0, 4)),
  factId: `adm-${cellId}-${String(i)}`,
  on,
  fact: { kind: 'admission', female: false, youthUnion: false, occupation: 'state-sector', readmitted: false, ...traits },
});

/**
 * HP (province) > G (grassroots committee) > C1, C2, C3 (cells). C1: 12 members, 3 religious,
 * 1 ethnic minority, two admissions in 2026 (one religious, on 1 June). C2: 20 members, 8
 * religious, 6 of an ethnic minority. C3: 12 members, all religious, none of a minority.
 */
async function city(): Promise<InMemoryFiguresStore> {
  const store = new InMemoryFiguresStore();
  for (const o of [
    org('HP', null, 'province'),
    org('G', 'HP', 'grassroots-committee'),
    ...['C1', 'C2', 'C3'].map((c) => org(c, 'G', 'cell')),
  ])
    store.putOrg(o);
  const facts = [admission('C1', '2026-03-01', 0), admission('C1', '2026-06-01', 1, { religious: true })];
  store.facts.push(...facts);
  const rolls = [...members('C1', 12, 3, 1), ...members('C2', 20, 8, 6), ...members('C3', 12, 12, 0)];
  const stale = staleFrom(
    recordChangesOf([
      ...facts.map((f) => ({ newImage: toItem({ entity: 'fact', record: f }) })),
      ...rolls.map((m) => ({ newImage: toItem({ entity: 'member', record: m }) })),
    ]),
  );
  await refreshFigures(store, stale, { today: TODAY });
  return store;
}

describe('a cell’s few religious or ethnic-minority members are not shown', () => {
  it('the cell’s own report: its 3 religious and 1 minority member, the admission’s trait and its share are null, each named with its reason', async () => {
    // Act
    const report = await buildReport(await city(), 'C1', { date: '2026-12-31', today: TODAY });

    // Assess
    expect(report.members).toMatchObject({ total: 12, religious: null, ethnicMinority: null });
    expect(report.admissions).toMatchObject({ total: 2, religious: null, ethnicMinority: null });
    expect(report.admissions.sharesPct).toMatchObject({ religious: null, ethnicMinority: null });
    expect(report.suppressed).toEqual(
      expect.arrayContaining([
        { field: 'members.religious', reason: 'small-count' },
        { field: 'members.ethnicMinority', reason: 'small-count' },
        { field: 'admissions.religious', reason: 'small-count' },
        { field: 'admissions.sharesPct.religious', reason: 'small-count' },
      ]),
    );
  });

  it('the grassroots committee’s report: its own counts are shown, but the rows of C1 and C3 hide theirs, C2’s large ones are shown (its year without admissions hidden)', async () => {
    // Act
    const report = await buildReport(await city(), 'G', { date: '2026-12-31', today: TODAY });
    const row = (id: string) => report.children.find((c) => c.orgId === id)!;

    // Assess
    expect(report.members).toMatchObject({ total: 44, religious: 23, ethnicMinority: 7 });
    expect(report.suppressed).toEqual([]);
    expect(row('C1').members).toMatchObject({ religious: null, ethnicMinority: null });
    expect(row('C1').admissions).toMatchObject({ religious: null });
    expect(row('C1').suppressed.map((s) => s.field)).toContain('members.religious');
    expect(row('C2').members).toMatchObject({ total: 20, religious: 8, ethnicMinority: 6 });
    expect(
      row('C2')
        .suppressed.map((s) => s.field)
        .sort(),
    ).toEqual([
      'admissions.ethnicMinority',
      'admissions.religious',
      'admissions.sharesPct.ethnicMinority',
      'admissions.sharesPct.religious',
    ]);
  });

  it('a zero and an "everyone" are hidden too: C3’s 12 religious of 12 and its 0 of a minority', async () => {
    // Act
    const report = await buildReport(await city(), 'C3', { date: '2026-12-31', today: TODAY });

    // Assess
    expect(report.members).toMatchObject({ total: 12, religious: null, ethnicMinority: null });
  });

  it('the day of one admission gives nothing away: the cell’s figure is hidden the day before and the day after', async () => {
    // Prepare
    const store = await city();

    // Act
    const before = await buildReport(store, 'C1', { date: '2026-05-31', today: TODAY });
    const after = await buildReport(store, 'C1', { date: '2026-06-01', today: TODAY });

    // Assess
    expect([before.admissions.religious, after.admissions.religious]).toEqual([null, null]);
    expect([before.admissions.total, after.admissions.total]).toEqual([1, 2]);
  });

  it('the committee’s text says nothing of them, the previous year’s change neither', async () => {
    // Act
    const text = await buildReportText(await city(), 'C1', { date: '2026-12-31', today: TODAY });

    // Assess
    expect(text).toContain('kết nạp');
    expect(text).not.toMatch(/có đạo|dân tộc thiểu số/);
  });

  it('the Vietnamese CSV of the committee above says "không công bố" in C1’s cells, not the number', async () => {
    // Prepare
    const report = await buildReport(await city(), 'G', { date: '2026-12-31', today: TODAY });

    // Act
    const file = await renderTableExport(report, 'csv', 'vi');
    const lines = file.body.toString('utf8').split(/\r?\n/);

    // Assess
    const hidden = (id: string) =>
      lines
        .find((l) => l.startsWith(`${id};`))!
        .split(';')
        .filter((c) => c === 'không công bố (số lượng ít)').length;
    // C1: members' two, admissions' two and their shares; C2: only its year's admissions (none)
    expect([hidden('G'), hidden('C1'), hidden('C2')]).toEqual([0, 6, 4]);
  });

  it('the rule’s edges: a count and the rest of its total must each reach the threshold', () => {
    expect(SMALL_COUNT_THRESHOLD).toBe(5);
    expect([revealsFew(0, 40), revealsFew(4, 40), revealsFew(5, 40), revealsFew(5, 10), revealsFew(6, 10)]).toEqual([
      true,
      true,
      false,
      false,
      true,
    ]);
  });
});
