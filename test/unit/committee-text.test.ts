// The committee's figures and text (docs/report.md#targets-and-terms,
// #the-committees-text): the Hồng Bàng and Hải Phòng sentences come out of the real
// buildReport and buildReportText on in-memory stores, from data built like theirs
// (plans set by target.set's rules, admissions as the ingest records them).
import { describe, expect, it } from 'vitest';
import { recordChangesOf } from '../../shared/data/stream-changes.js';
import { toItem } from '../../shared/data/keys.js';
import { staleFrom } from '../../shared/domain/figures/stale.js';
import { planOf, withPlan, type TargetSetData } from '../../shared/domain/plans.js';
import type { FactRecord, MemberRecord, OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import { changePhrase, periodPhrase, reportText } from '../../shared/domain/report-text.js';
import { buildReport, buildReportText } from '../../shared/use-cases/build-report/index.js';
import { refreshFigures } from '../../shared/use-cases/refresh-figures/index.js';
import { InMemoryFiguresStore } from '../helpers/in-memory-stores.js';

const TODAY = '2026-12-06';

function org(orgId: string, parentId: string | null, level: OrgLevel, name: string, plans: TargetSetData[] = []): OrgRecord {
  let record: OrgRecord = { orgId, parentId, name, level, status: 'active', targets: {}, version: 1 };
  for (const p of plans) record = { ...record, ...withPlan(record, planOf(p)) };
  return record;
}

type Occupation = 'student' | 'private-enterprise' | 'enterprise-owner' | 'contract-freelance' | 'state-sector';

/** `count` admissions into `cellId` on `on`, the first `female` of them women, the first `youthUnion` union members, by occupation. */
function admissions(
  cellId: string,
  on: string,
  count: number,
  opts: {
    female?: number;
    youthUnion?: number;
    ethnicMinority?: number;
    religious?: number;
    populationPolicy?: number;
    occupations?: Partial<Record<Occupation, number>>;
  } = {},
): FactRecord[] {
  const occupations = Object.entries(opts.occupations ?? {}).flatMap(([o, k]) => Array.from({ length: k ?? 0 }, () => o as Occupation));
  return Array.from({ length: count }, (_, i) => ({
    cellId,
    year: Number(on.slice(0, 4)),
    factId: `adm-${cellId}-${on}-${i}`,
    on,
    fact: {
      kind: 'admission',
      female: i < (opts.female ?? 0),
      youthUnion: i < (opts.youthUnion ?? 0),
      occupation: occupations[i] ?? 'state-sector',
      readmitted: false,
      ...(i < (opts.ethnicMinority ?? 0) ? { ethnicMinority: true as const } : {}),
      ...(i < (opts.religious ?? 0) ? { religious: true as const } : {}),
      ...(i < (opts.populationPolicy ?? 0) ? { populationPolicy: true as const } : {}),
    },
  }));
}

function member(memberId: string, cellId: string, status: 'official' | 'probationary'): MemberRecord {
  return {
    memberId,
    cellId,
    status,
    traits: { female: false, youthUnion: false, ethnicMinority: false, religious: false },
    admittedOn: '2010-03-01',
    ...(status === 'official' ? { recognizedOn: '2011-03-01' } : {}),
    ratings: {},
    badges: {},
    origin: 'admitted',
    version: 1,
  };
}

/** A store holding `orgs`, with the figures of `facts` and `members` refreshed as the stream would. */
async function storeWith(orgs: OrgRecord[], facts: FactRecord[], members: MemberRecord[] = []): Promise<InMemoryFiguresStore> {
  const store = new InMemoryFiguresStore();
  for (const o of orgs) store.putOrg(o);
  store.facts.push(...facts);
  const stale = staleFrom(
    recordChangesOf([
      ...facts.map((f) => ({ newImage: toItem({ entity: 'fact', record: f }) })),
      ...members.map((m) => ({ newImage: toItem({ entity: 'member', record: m }) })),
    ]),
  );
  await refreshFigures(store, stale, { today: TODAY });
  return store;
}

/**
 * Hải Phòng > Hồng Bàng > one cell. Hồng Bàng's term 2015–2020 plans 1.000 admissions;
 * for 2018 its own plan is 200 and the city assigned it 227. It admitted 170, 170 and 335
 * in 2015–2017, 158 by 30 September 2018 and 40 more in the last quarter.
 */
function hongBang() {
  const orgs = [
    org('HP', null, 'province', 'Đảng bộ thành phố Hải Phòng'),
    org('HB', 'HP', 'upper-grassroots', 'Đảng bộ quận Hồng Bàng', [
      { term: { fromYear: 2015, toYear: 2020 }, admissions: 1000 },
      { year: 2018, admissions: 200 },
      { year: 2018, kind: 'assigned', admissions: 227 },
    ]),
    org('HB-C1', 'HB', 'grassroots-cell', 'Chi bộ phường Hoàng Văn Thụ'),
  ];
  const facts = [
    ...admissions('HB-C1', '2015-06-01', 170),
    ...admissions('HB-C1', '2016-06-01', 170),
    ...admissions('HB-C1', '2017-06-01', 335),
    ...admissions('HB-C1', '2018-03-15', 100),
    ...admissions('HB-C1', '2018-09-30', 58),
    ...admissions('HB-C1', '2018-10-01', 40),
  ];
  return storeWith(orgs, facts);
}

/**
 * Hải Phòng's 2021: 3.298 admissions, 2.079 women, 1.732 union members, 842 from private
 * enterprises, 326 students, 139 contract or freelance workers, 33 of an ethnic minority, 66 with a religion, 41 under the population-policy exception; in 2020 1.691 women and
 * 1.705 union members among 3.100.
 */
function haiPhong() {
  const orgs = [
    org('HP', null, 'province', 'Đảng bộ thành phố Hải Phòng', [{ year: 2021, admissions: 3300, privateSector: 800 }]),
    org('HP-C1', 'HP', 'grassroots-cell', 'Chi bộ Cảng Hải Phòng'),
  ];
  const facts = [
    ...admissions('HP-C1', '2020-05-19', 3100, { female: 1691, youthUnion: 1705 }),
    ...admissions('HP-C1', '2021-05-19', 3298, {
      female: 2079,
      youthUnion: 1732,
      ethnicMinority: 33,
      religious: 66,
      populationPolicy: 41,
      occupations: { 'private-enterprise': 800, 'enterprise-owner': 42, student: 326, 'contract-freelance': 139 },
    }),
  ];
  const members = [member('M1', 'HP-C1', 'official'), member('M2', 'HP-C1', 'official'), member('M3', 'HP-C1', 'probationary')];
  return storeWith(orgs, facts, members);
}

describe("the committee's figures", () => {
  it('gives the assigned plan, the term since its start and the year to date, as Hồng Bàng reported them', async () => {
    // Prepare
    const store = await hongBang();
    // Act
    const r = await buildReport(store, 'HB', { date: '2018-09-30', today: TODAY });
    // Assess
    expect(r.admissions).toMatchObject({ total: 158, target: 200, achievementPct: 79, targetAssigned: 227, achievementPctAssigned: 69.6 });
    expect(r.term).toEqual({
      fromYear: 2015,
      toYear: 2020,
      target: 1000,
      targetAssigned: null,
      admitted: 833,
      achievementPct: 83.3,
      achievementPctAssigned: null,
    });
    expect(r.previousYear).toMatchObject({ year: 2017, admissions: { total: 335 } });
  });

  it('counts the term to the end of its last year at most, and gives no term for a year outside it', async () => {
    // Prepare
    const store = await hongBang();
    // Act
    const end = await buildReport(store, 'HB', { year: 2020, date: '2021-06-30', today: TODAY });
    const after = await buildReport(store, 'HB', { date: '2021-06-30', today: TODAY });
    // Assess
    expect(end.term).toMatchObject({ admitted: 873 });
    expect(after.term).toBeNull();
    // The city has no plan of its own; its child's term is in its children
    const city = await buildReport(store, 'HP', { date: '2018-09-30', today: TODAY });
    expect(city.term).toBeNull();
    expect(city.children[0]?.term).toMatchObject({ admitted: 833, target: 1000 });
  });

  it('gives the shares to two decimals and the sub-target of the own plan, as Hải Phòng reported them', async () => {
    // Prepare
    const store = await haiPhong();
    // Act
    const r = await buildReport(store, 'HP', { year: 2021, today: TODAY });
    // Assess
    expect(r.asOf).toBe('2021-12-31');
    expect(r.admissions.sharesPct).toEqual({
      female: 63.04,
      youthUnion: 52.52,
      student: 9.88,
      privateSector: 25.53,
      contractFreelance: 4.21,
      ethnicMinority: 1,
      religious: 2,
      readmitted: 0,
    });
    expect(r.admissions.subTargets).toEqual({ privateSector: { target: 800, admitted: 842, achievementPct: 105.3 } });
    expect(r.previousYear).toMatchObject({ year: 2020, admissions: { total: 3100, female: 1691, youthUnion: 1705 } });
  });
});

describe("the committee's text", () => {
  it('writes Hồng Bàng’s sentence for 30 September 2018, the city named as the one that assigned the plan', async () => {
    // Prepare
    const store = await hongBang();
    // Act
    const text = await buildReportText(store, 'HB', { date: '2018-09-30', today: TODAY });
    // Assess
    expect(text).toContain(
      '9 tháng đầu năm 2018 đã kết nạp được 158 đảng viên, bằng 79% kế hoạch của Đảng bộ quận Hồng Bàng, bằng 69,6% kế hoạch của Đảng bộ thành phố Hải Phòng giao',
    );
    expect(text).toContain('từ đầu nhiệm kỳ kết nạp được 833/1.000 đảng viên mới, bằng 83,3% chỉ tiêu');
    expect(text).toContain('tính đến ngày 30/09/2018');
    // A part of the year is not compared with the whole previous year
    expect(text).not.toMatch(/tăng|giảm|bằng năm/);
  });

  it('writes Hải Phòng’s sentence for 2021, with the shares and the change from 2020', async () => {
    // Prepare
    const store = await haiPhong();
    // Act
    const text = await buildReportText(store, 'HP', { year: 2021, today: TODAY });
    // Assess
    expect(text).toContain('Năm 2021 đã kết nạp được 3.298 đảng viên, tăng 198 người so với năm 2020');
    expect(text).toContain('2.079 nữ, chiếm 63,04%, tăng 388 người so với năm 2020; 1.732 đoàn viên, chiếm 52,52%, tăng 27 người;');
    expect(text).toContain('842 người làm việc trong doanh nghiệp tư nhân (kể cả chủ doanh nghiệp), chiếm 25,53%');
    expect(text).toContain(
      '326 học sinh, sinh viên, chiếm 9,88%; 139 lao động hợp đồng, tự do, chiếm 4,21%; 33 người dân tộc thiểu số, chiếm 1%; 66 người có đạo, chiếm 2%; 41 quần chúng vi phạm chính sách dân số',
    );
    expect(text).toContain('kết nạp được 842/800 đảng viên trong doanh nghiệp tư nhân, bằng 105,3% chỉ tiêu');
    expect(text).toContain('Đảng bộ thành phố Hải Phòng có 3 đảng viên (2 đảng viên chính thức, 1 đảng viên dự bị)');
    // A root has no level above: no one is said to have assigned it anything
    expect(text).not.toContain('giao');
  });

  it('names organizations only: no member id, no cell of a person, one paragraph', async () => {
    // Prepare
    const store = await haiPhong();
    // Act
    const text = await buildReportText(store, 'HP', { year: 2021, today: TODAY });
    // Assess
    expect(text).not.toMatch(/M1|M2|M3|HP-C1/);
    expect(text.trimEnd().split('\n')).toHaveLength(1);
    expect(text).toBe(text.normalize('NFC'));
  });
});

describe('the words of the text', () => {
  it('names the period as a committee does', () => {
    expect(periodPhrase(2018, '2018-09-30')).toBe('9 tháng đầu năm 2018');
    expect(periodPhrase(2018, '2018-06-30')).toBe('6 tháng đầu năm 2018');
    expect(periodPhrase(2018, '2018-02-28')).toBe('2 tháng đầu năm 2018');
    expect(periodPhrase(2020, '2020-02-28')).toBe('Từ đầu năm 2020 đến ngày 28/02/2020');
    expect(periodPhrase(2018, '2018-09-15')).toBe('Từ đầu năm 2018 đến ngày 15/09/2018');
    expect(periodPhrase(2018, '2018-12-31')).toBe('Năm 2018');
    expect(periodPhrase(2018, '2019-02-01')).toBe('Năm 2018');
  });

  it('says an increase, a decrease and no change', () => {
    expect(changePhrase(2079, 1691, 2020, true)).toBe('tăng 388 người so với năm 2020');
    expect(changePhrase(1691, 2079, 2020, true)).toBe('giảm 388 người so với năm 2020');
    expect(changePhrase(1732, 1705, 2020, false)).toBe('tăng 27 người');
    expect(changePhrase(5, 5, 2020, true)).toBe('bằng năm 2020');
  });

  it('says that nothing was admitted rather than a share of nothing', async () => {
    // Prepare
    const store = await storeWith([org('HP', null, 'province', 'Đảng bộ thành phố Hải Phòng')], []);
    const r = await buildReport(store, 'HP', { year: 2021, today: TODAY });
    // Act
    const text = reportText(r);
    // Assess
    expect(r.admissions.sharesPct.female).toBeNull();
    expect(text).toContain('Năm 2021 chưa kết nạp được đảng viên mới');
    expect(text).not.toContain('chiếm');
  });

  it('says the party files and the candidate pool as Hải Phòng and Dương Kinh do, and nothing of them when there is none', async () => {
    // Prepare: the report of a year with files and classes (the figures as the engine gives them)
    const store = await storeWith([org('HP', null, 'province', 'Đảng bộ thành phố Hải Phòng')], []);
    const none = await buildReport(store, 'HP', { year: 2021, today: TODAY });
    const r = {
      ...none,
      admissions: { ...none.admissions, total: 3298, recordsFiled: 1994, recordsFiledPct: 60.46 },
      members: { ...none.members, total: 127455, recordsFiled: 126715, recordsFiledPct: 99.42 },
      candidates: { pool: 600, certified: 420, trained: 198, classes: 5, admitted: 179 },
    };
    // Act
    const text = reportText(r);
    const without = reportText(none);
    // Assess
    expect(text).toContain('Hồ sơ đảng viên mới kết nạp được cập nhật vào cơ sở dữ liệu là 1.994 hồ sơ, đạt tỷ lệ 60,46%');
    expect(text).toContain('cập nhật hồ sơ của 126.715/127.455 đảng viên vào cơ sở dữ liệu, đạt tỷ lệ 99,42%');
    expect(text).toContain(
      'Trong năm 2021 đã mở 5 lớp bồi dưỡng nhận thức về Đảng cho 198 quần chúng ưu tú; kết nạp được 179 đảng viên mới là quần chúng đã học lớp bồi dưỡng',
    );
    expect(text).toContain(
      'nguồn phát triển đảng viên hiện có 600 quần chúng ưu tú, trong đó 420 quần chúng có giấy chứng nhận bồi dưỡng nhận thức về Đảng còn giá trị',
    );
    expect(without).not.toMatch(/hồ sơ đảng viên|lớp bồi dưỡng|nguồn phát triển/i);
  });
});
