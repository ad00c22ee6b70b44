// bench: a synthetic city, deterministic for a seed. A province with 35 subordinate
// committees (Hải Phòng had 35 and 127,455 members at the end of 2021), grassroots
// committees (some with sub-committees) and grassroots cells, and cells; N members as
// a legacy CSV export (the state at the end of the year before); then a year of events
// in the contract's envelopes: admissions through dossiers (some rejected, withdrawn or
// still open), recognitions, transfers inside the city, out, in and temporary, exits,
// exemptions, corrections and badges. Every event is valid in the order given, and an
// event that depends on another is dated at least two days after it, so a FIFO queue
// that only keeps order per message group still applies them without retries.
//
// Rates per member and year are round figures of the right size for a Vietnamese
// province (about 3 % admitted, 1 % deceased, 2 % transferred), not official statistics.
import { addDays, addMonths, addYears, compareDates, isWeekend } from '../shared/domain/dates.js';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { BADGE_YEARS, type UncheckedEnvelope } from '../shared/domain/events.js';
import { MEMBER_CSV_COLUMNS } from '../shared/use-cases/import-members.js';

export type Envelope = UncheckedEnvelope;

export interface CityOptions {
  /** Members in the legacy export (good rows). */
  members: number;
  seed?: number;
  /** The year of events; the export is the state at the end of the year before. */
  year?: number;
  /** Adds four bad rows to the CSV (a date that does not exist, an unknown cell, a duplicate member, a sex that is not a contract value). */
  badRows?: boolean;
}

export interface City {
  rootId: string;
  year: number;
  /** `org.registered` parents first, then `target.set`: one message group (`orgs`). */
  orgEvents: Envelope[];
  /** The legacy export: header + one row per member (+ the bad rows). */
  csv: string;
  /** Lines of the bad rows and the reason the import must give. */
  badRows: Array<{ line: number; reason: string }>;
  /** The year's events, in the order a producer sends them. */
  events: Envelope[];
  /**
   * Event id → the event it follows in its story (a dossier's steps, a transfer's
   * receipt). A producer sees the first happen before it sends the second; across
   * message groups a FIFO queue keeps no order, so the bench waits the same way.
   */
  after: Record<string, string>;
  stats: {
    orgs: Record<string, number>;
    members: number;
    membersPerCell: { min: number; median: number; max: number };
    eventsByType: Record<string, number>;
  };
}

export const ROOT_ID = 'HP';
const SOURCE = 'csdl-dang-vien';

// ---------------------------------------------------------------------------
// Deterministic randomness

/** The same city for the same seed on every machine and Node version. */
function rng(seed: number) {
  const generator = xoroshiro128plus(seed);
  const next = () => uniformFloat64(generator);
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const chance = (p: number) => next() < p;
  const weighted = <T>(pairs: ReadonlyArray<readonly [T, number]>): T => {
    const total = pairs.reduce((n, [, w]) => n + w, 0);
    let r = next() * total;
    for (const [v, w] of pairs) {
      r -= w;
      if (r < 0) return v;
    }
    return pairs[pairs.length - 1]![0];
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  const shuffle = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  return { next, int, pick, chance, weighted, normal, shuffle };
}
type Rng = ReturnType<typeof rng>;

/** A day of `year` (1-based day of year), moved off a weekend: offices work Monday to Friday. */
function workday(year: number, dayOfYear: number): string {
  let d = addDays(`${year}-01-01`, Math.max(0, dayOfYear - 1));
  while (isWeekend(d)) d = addDays(d, 1);
  return d;
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

// ---------------------------------------------------------------------------
// Names

const COMMITTEES = [
  'quận Hồng Bàng',
  'quận Ngô Quyền',
  'quận Lê Chân',
  'quận Hải An',
  'quận Kiến An',
  'quận Đồ Sơn',
  'quận Dương Kinh',
  'huyện Thủy Nguyên',
  'huyện An Dương',
  'huyện An Lão',
  'huyện Kiến Thụy',
  'huyện Tiên Lãng',
  'huyện Vĩnh Bảo',
  'huyện Cát Hải',
  'huyện Bạch Long Vĩ',
  'Khối các cơ quan thành phố',
  'Khối Doanh nghiệp thành phố',
  'Quân sự thành phố',
  'Công an thành phố',
  'Bộ đội Biên phòng thành phố',
  'Cảng Hải Phòng',
  'Trường Đại học Hàng hải Việt Nam',
  'Trường Đại học Hải Phòng',
  'Trường Đại học Y Dược Hải Phòng',
  'Cục Hải quan thành phố',
  'Cục Thuế thành phố',
  'Kho bạc Nhà nước thành phố',
  'Bảo hiểm xã hội thành phố',
  'Ngân hàng Nhà nước chi nhánh Hải Phòng',
  'Cục Thống kê thành phố',
  'Công ty Cấp nước Hải Phòng',
  'Công ty Điện lực Hải Phòng',
  'Tổng công ty Công nghiệp tàu thủy Bạch Đằng',
  'Vùng Cảnh sát biển 1',
  'Bộ Tư lệnh Vùng 1 Hải quân',
] as const;
/** Relative sizes: the urban districts and the big rural districts hold most members. */
const COMMITTEE_WEIGHTS = [
  6, 7, 8, 5, 5, 2, 2, 12, 7, 6, 6, 6, 7, 2, 0.3, 4, 4, 2, 2.5, 1, 1.5, 0.8, 0.8, 0.6, 0.5, 0.5, 0.3, 0.3, 0.3, 0.2, 0.3, 0.4, 0.6, 0.4,
  0.6,
];

const FAMILY: ReadonlyArray<readonly [string, number]> = [
  ['Nguyễn', 38],
  ['Trần', 11],
  ['Lê', 9.5],
  ['Phạm', 7],
  ['Hoàng', 5],
  ['Vũ', 4],
  ['Phan', 4],
  ['Đặng', 2],
  ['Bùi', 2],
  ['Đỗ', 1.5],
  ['Hồ', 1.3],
  ['Ngô', 1.3],
  ['Dương', 1],
  ['Lý', 0.5],
  ['Đinh', 1],
  ['Đào', 1],
  ['Mạc', 0.5],
  ['Lương', 0.5],
];
const MIDDLE_MALE = ['Văn', 'Đức', 'Minh', 'Quốc', 'Hữu', 'Xuân', 'Thanh', 'Công', 'Mạnh', 'Ngọc'];
const MIDDLE_FEMALE = ['Thị', 'Thị', 'Thị', 'Thu', 'Ngọc', 'Thanh', 'Hồng', 'Phương', 'Minh', 'Kim'];
const GIVEN_MALE = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Đạt',
  'Hải',
  'Hùng',
  'Huy',
  'Khánh',
  'Long',
  'Nam',
  'Phong',
  'Quang',
  'Sơn',
  'Thắng',
  'Thành',
  'Toàn',
  'Trung',
  'Tuấn',
  'Việt',
];
const GIVEN_FEMALE = [
  'Anh',
  'Châu',
  'Dung',
  'Giang',
  'Hà',
  'Hạnh',
  'Hằng',
  'Hoa',
  'Hương',
  'Lan',
  'Linh',
  'Mai',
  'Nga',
  'Ngân',
  'Nhung',
  'Oanh',
  'Phượng',
  'Thảo',
  'Trang',
  'Yến',
];
const MINORITIES = ['Tày', 'Mường', 'Hoa', 'Nùng', 'Thái', 'Dao', 'Sán Dìu'];
const EXTERNAL_ORGS = ['EXT-HN', 'EXT-HD', 'EXT-QN', 'EXT-TB', 'EXT-ND', 'EXT-HCM', 'EXT-NN'];
const BADGE_OCCASIONS = ['02-03', '05-19', '09-02', '11-07'];

interface Profile {
  fullName?: string;
  sex: 'female' | 'male';
  birthDate: string;
  ethnicity: string;
  religion: string | null;
  education: string;
  occupation: string;
  youthUnion: boolean;
}

function fullName(r: Rng, sex: 'female' | 'male'): string {
  const name = `${r.weighted(FAMILY)} ${r.pick(sex === 'female' ? MIDDLE_FEMALE : MIDDLE_MALE)} ${r.pick(sex === 'female' ? GIVEN_FEMALE : GIVEN_MALE)}`;
  // Legacy systems send some names decomposed (NFD): the schema stores them NFC.
  return r.chance(0.01) ? name.normalize('NFD') : name;
}

/** A profile for someone admitted in `admittedYear` at `ageAtAdmission`; `recent` = a 2020s admission. */
function profileFor(r: Rng, admittedYear: number, ageAtAdmission: number, opts: { femaleShare: number; year: number }): Profile {
  const sex = r.chance(opts.femaleShare) ? 'female' : 'male';
  const birthYear = admittedYear - ageAtAdmission;
  const age = opts.year - birthYear;
  const education =
    admittedYear >= 2000
      ? r.weighted([
          ['university', 60],
          ['postgraduate', 10],
          ['college', 10],
          ['vocational', 8],
          ['upper-secondary', 12],
        ] as const)
      : r.weighted([
          ['upper-secondary', 40],
          ['lower-secondary', 15],
          ['vocational', 15],
          ['college', 10],
          ['university', 18],
          ['postgraduate', 2],
        ] as const);
  const occupation =
    age >= 60
      ? r.weighted([
          ['retired', 85],
          ['other', 6],
          ['farmer', 6],
          ['state-sector', 3],
        ] as const)
      : r.weighted([
          ['state-sector', 38],
          ['armed-forces', 10],
          ['private-enterprise', 15],
          ['enterprise-owner', 2],
          ['farmer', 10],
          ['contract-freelance', 5],
          ['student', age <= 24 ? 20 : 0],
          ['other', 10],
        ] as const);
  return {
    fullName: fullName(r, sex),
    sex,
    birthDate: `${birthYear}-${pad(r.int(1, 12), 2)}-${pad(r.int(1, 28), 2)}`,
    ethnicity: r.chance(0.012) ? r.pick(MINORITIES) : 'Kinh',
    religion: r.weighted([
      [null, 96.5],
      ['Công giáo', 2.2],
      ['Phật giáo', 1.3],
    ] as const),
    education,
    occupation,
    youthUnion: ageAtAdmission <= 30 ? r.chance(0.88) : r.chance(0.1),
  };
}

// ---------------------------------------------------------------------------
// The city

interface Member {
  memberId: string;
  cellId: string;
  status: 'official' | 'probationary';
  admittedOn: string;
  recognizedOn?: string;
  profile: Profile;
}

export function generateCity(opts: CityOptions): City {
  const r = rng(opts.seed ?? 2021);
  const year = opts.year ?? 2021;
  const n = opts.members;

  // --- Organizations --------------------------------------------------------
  const orgEvents: Envelope[] = [];
  const orgCount: Record<string, number> = {};
  const register = (orgId: string, parentId: string | null, name: string, level: string) => {
    orgCount[level] = (orgCount[level] ?? 0) + 1;
    orgEvents.push({
      id: `org-${orgId}`,
      type: 'org.registered',
      occurredAt: `${year - 1}-01-02T08:00:00+07:00`,
      source: SOURCE,
      data: { orgId, parentId, name, level },
    });
  };
  register(ROOT_ID, null, 'Đảng bộ thành phố Hải Phòng', 'province');

  const grassrootsTotal = Math.max(COMMITTEES.length, Math.round(n / 140));
  const weightSum = COMMITTEE_WEIGHTS.reduce((a, b) => a + b, 0);
  /** Member-holding units (chi bộ) and how big they tend to be. */
  const units: Array<{ cellId: string; weight: number; committee: number }> = [];
  COMMITTEES.forEach((name, c) => {
    const committeeId = `${ROOT_ID}-${pad(c + 1, 2)}`;
    register(committeeId, ROOT_ID, `Đảng bộ ${name}`, 'upper-grassroots');
    const grassroots = Math.max(1, Math.round((grassrootsTotal * COMMITTEE_WEIGHTS[c]!) / weightSum));
    for (let g = 1; g <= grassroots; g++) {
      const gId = `${committeeId}-G${pad(g, 3)}`;
      if (r.chance(0.45)) {
        register(gId, committeeId, `Chi bộ cơ sở số ${g}, ${name}`, 'grassroots-cell');
        units.push({ cellId: gId, weight: 1.3 * Math.exp(0.6 * r.normal()), committee: c });
        continue;
      }
      register(gId, committeeId, `Đảng bộ cơ sở số ${g}, ${name}`, 'grassroots-committee');
      const cells = r.int(3, 10);
      const subs = r.chance(0.1) ? 2 : 0;
      for (let s = 1; s <= subs; s++) register(`${gId}-B${s}`, gId, `Đảng bộ bộ phận số ${s}`, 'sub-committee');
      for (let k = 1; k <= cells; k++) {
        const parent = subs ? `${gId}-B${1 + (k % subs)}` : gId;
        const cellId = `${gId}-C${pad(k, 2)}`;
        register(cellId, parent, `Chi bộ khu dân cư số ${k}`, 'cell');
        units.push({ cellId, weight: Math.exp(0.5 * r.normal()), committee: c });
      }
    }
  });
  // Admission targets for the year: the city's and each subordinate committee's.
  const admissionsPlanned = Math.round(0.032 * n);
  const target = (orgId: string, admissions: number) =>
    orgEvents.push({
      id: `target-${orgId}-${year}`,
      type: 'target.set',
      occurredAt: `${year}-01-04T08:00:00+07:00`,
      source: SOURCE,
      data: { orgId, year, admissions },
    });
  target(ROOT_ID, Math.round(admissionsPlanned * 1.05));
  COMMITTEES.forEach((_, c) => {
    target(`${ROOT_ID}-${pad(c + 1, 2)}`, Math.max(1, Math.round((admissionsPlanned * 1.05 * COMMITTEE_WEIGHTS[c]!) / weightSum)));
  });

  // --- Members on the rolls at the end of the year before ----------------------
  const sizes = apportion(
    n,
    units.map((u) => u.weight),
  );
  const members: Member[] = [];
  let nextMember = 1;
  const newMemberId = () => `DV${pad(nextMember++, 8)}`;
  const lastYear = year - 1;
  units.forEach((u, i) => {
    for (let k = 0; k < sizes[i]!; k++) {
      const probationary = r.chance(0.03);
      if (probationary) {
        const admittedOn = workday(lastYear, r.int(10, 350));
        members.push({
          memberId: newMemberId(),
          cellId: u.cellId,
          status: 'probationary',
          admittedOn,
          profile: profileFor(r, lastYear, r.int(19, 32), { femaleShare: 0.45, year }),
        });
        continue;
      }
      // Years of membership: most members joined in the last thirty years, some in the 1940s–70s.
      const yearsIn = Math.min(lastYear - 1945, 2 + Math.floor(-Math.log(1 - r.next()) * 17));
      const admittedYear = lastYear - yearsIn;
      // Nobody on the rolls is older than 98.
      const age = Math.min(
        admittedYear - (year - 98),
        r.weighted([
          [r.int(18, 20), 10],
          [r.int(21, 30), 68],
          [r.int(31, 40), 17],
          [r.int(41, 50), 5],
        ] as const),
      );
      const admittedOn = `${admittedYear}-${pad(r.int(1, 12), 2)}-${pad(r.int(1, 28), 2)}`;
      const recognizedOn = addDays(addMonths(admittedOn, 12), r.int(0, 40));
      members.push({
        memberId: newMemberId(),
        cellId: u.cellId,
        status: 'official',
        admittedOn,
        recognizedOn,
        profile: profileFor(r, admittedYear, age, { femaleShare: 0.34, year }),
      });
    }
  });

  // --- The CSV ----------------------------------------------------------------
  const csvLines: string[] = [MEMBER_CSV_COLUMNS.join(',')];
  const badRows: City['badRows'] = [];
  const badAt = opts.badRows
    ? new Map([
        [Math.floor(n * 0.2), 'schema'],
        [Math.floor(n * 0.45), 'missing-org'],
        [Math.floor(n * 0.7), 'member-exists'],
        [Math.floor(n * 0.9), 'schema'],
      ])
    : new Map<number, string>();
  let badIndex = 0;
  members.forEach((m, i) => {
    const reason = badAt.get(i);
    if (reason) {
      const victim = members[Math.floor(i / 2)]!;
      const bad = { ...m, memberId: `DVX${pad(++badIndex, 7)}`, profile: { ...m.profile } };
      if (badIndex === 1) bad.profile.birthDate = `${m.profile.birthDate.slice(0, 4)}-02-30`;
      if (badIndex === 2) bad.cellId = `${ROOT_ID}-99-G999`;
      if (badIndex === 3) bad.memberId = victim.memberId;
      if (badIndex === 4) (bad.profile as { sex: string }).sex = 'nam';
      csvLines.push(csvRow(bad));
      badRows.push({ line: csvLines.length, reason });
    }
    csvLines.push(csvRow(m));
  });

  // --- The year ---------------------------------------------------------------
  const drafts: Array<{ on: string; type: string; data: Record<string, unknown>; after?: number }> = [];
  /** Drafts an event of the year (later ones are dropped); returns its index, for `after`. */
  const emit = (on: string, type: string, data: Record<string, unknown>, after?: number): number => {
    if (compareDates(on, `${year}-12-31`) > 0) return -1;
    drafts.push({ on, type, data, ...(after !== undefined && after >= 0 ? { after } : {}) });
    return drafts.length - 1;
  };
  const cellsByCommittee = new Map<number, string[]>();
  for (const u of units) cellsByCommittee.set(u.committee, [...(cellsByCommittee.get(u.committee) ?? []), u.cellId]);
  const committeeOf = new Map(units.map((u) => [u.cellId, u.committee]));
  const unitWeights = units.map((u, i) => [u.cellId, sizes[i]! + 1] as const);
  const otherCell = (cellId: string) => {
    // Two moves in three stay within the district.
    const near = cellsByCommittee.get(committeeOf.get(cellId)!)!;
    for (let tries = 0; tries < 20; tries++) {
      const to = r.chance(0.66) && near.length > 1 ? r.pick(near) : r.weighted(unitWeights);
      if (to !== cellId) return to;
    }
    return units.find((u) => u.cellId !== cellId)!.cellId;
  };

  // Recognitions: last year's admissions, a few days after probation ends.
  for (const m of members) {
    if (m.status !== 'probationary') continue;
    const recognizedOn = addDays(addMonths(m.admittedOn, 12), r.int(3, 25));
    emit(recognizedOn, 'member.recognized', { memberId: m.memberId, recognizedOn });
  }

  // Admissions through dossiers: received, three steps, admitted within the 60 days
  // (most), a few rejected or withdrawn, and the autumn's still open at the year's end.
  const dossiers = Math.round(admissionsPlanned * 1.2);
  let nextDossier = 1;
  for (let k = 0; k < dossiers; k++) {
    const dossierId = `HS${year}-${pad(nextDossier++, 6)}`;
    const personId = newMemberId();
    const cellId = r.weighted(unitWeights);
    const receivedOn = workday(year, r.int(4, 350));
    const age = r.weighted([
      [r.int(18, 22), 25],
      [r.int(23, 30), 55],
      [r.int(31, 45), 20],
    ] as const);
    const profile = profileFor(r, year, age, { femaleShare: 0.45, year });
    if (profile.occupation === 'retired') profile.occupation = 'state-sector';
    if (r.chance(0.2) && age <= 35)
      profile.occupation = r.weighted([
        ['private-enterprise', 6],
        ['student', age <= 24 ? 4 : 0],
        ['contract-freelance', 2],
        ['enterprise-owner', 1],
      ] as const);
    let last = emit(receivedOn, 'dossier.received', { dossierId, personId, orgId: cellId, receivedOn, profile });
    const slow = r.chance(0.06);
    const processing = addDays(receivedOn, r.int(5, 12));
    const reported = addDays(processing, r.int(7, 15) + (slow ? 20 : 0));
    const reviewed = addDays(reported, r.int(5, 12));
    const steps: Array<[string, string]> = [
      ['processing', processing],
      ['reported', reported],
      ['reviewed', reviewed],
    ];
    const outcome = r.weighted([
      ['admitted', 94],
      ['rejected', 3],
      ['withdrawn', 3],
    ] as const);
    const stopAfter = outcome === 'admitted' ? 3 : r.int(0, 2);
    for (const [step, on] of steps.slice(0, stopAfter)) last = emit(on, 'dossier.stepCompleted', { dossierId, step, on }, last);
    if (outcome === 'admitted') {
      const admittedOn = addDays(reviewed, r.int(5, 15));
      const ceremonyOn = r.chance(0.7) ? addDays(admittedOn, r.int(3, 14)) : undefined;
      emit(
        admittedOn,
        'member.admitted',
        { memberId: personId, orgId: cellId, admittedOn, ...(ceremonyOn ? { ceremonyOn } : {}), profile, dossierId },
        last,
      );
    } else {
      const on = addDays(steps[stopAfter]?.[1] ?? processing, r.int(2, 8));
      emit(on, 'dossier.closed', { dossierId, outcome, on }, last);
    }
  }

  // The rest use members on the rolls, each for one story only.
  const pool = r.shuffle(members.filter((m) => m.status === 'official'));
  const take = (count: number, accept: (m: Member) => boolean = () => true): Member[] => {
    const out: Member[] = [];
    for (let i = pool.length - 1; i >= 0 && out.length < count; i--) {
      if (!accept(pool[i]!)) continue;
      out.push(pool[i]!);
      pool.splice(i, 1);
    }
    return out;
  };
  const count = (rate: number) => Math.round(rate * n);
  const old = (m: Member) => Number(m.profile.birthDate.slice(0, 4)) <= year - 65;
  let nextTransfer = 1;
  const transferId = () => `CS${year}-${pad(nextTransfer++, 6)}`;

  // Exits: mostly deaths among the oldest members.
  for (const m of take(count(0.0085), old)) {
    const on = workday(year, r.int(2, 362));
    emit(on, 'member.exited', { memberId: m.memberId, reason: 'deceased', on });
  }
  for (const m of take(count(0.0015))) {
    const on = workday(year, r.int(2, 362));
    emit(on, 'member.exited', { memberId: m.memberId, reason: 'deceased', on });
  }
  for (const [reason, rate] of [
    ['struck-off', 0.0012],
    ['resigned', 0.0003],
    ['expelled', 0.0003],
  ] as const) {
    for (const m of take(count(rate), (x) => !old(x))) {
      const on = workday(year, r.int(2, 362));
      emit(on, 'member.exited', { memberId: m.memberId, reason, on });
    }
  }
  // Official transfers inside the city: received after a few days, some late or cancelled.
  for (const m of take(count(0.014))) {
    const id = transferId();
    const issuedOn = workday(year, r.int(5, 345));
    const toOrgId = otherCell(m.cellId);
    const issued = emit(issuedOn, 'transfer.issued', {
      transferId: id,
      memberId: m.memberId,
      kind: 'official',
      fromOrgId: m.cellId,
      toOrgId,
      issuedOn,
    });
    const fate = r.weighted([
      ['received', 95],
      ['late', 3],
      ['cancelled', 2],
    ] as const);
    if (fate === 'received') {
      const on = addDays(issuedOn, r.int(2, 25));
      emit(on, 'transfer.received', { transferId: id, receivedOn: on }, issued);
    }
    if (fate === 'cancelled') {
      const on = addDays(issuedOn, r.int(2, 10));
      emit(on, 'transfer.cancelled', { transferId: id, on }, issued);
    }
  }
  // Out of the city (complete when issued) and in from other provinces.
  for (const m of take(count(0.0035))) {
    const issuedOn = workday(year, r.int(5, 360));
    emit(issuedOn, 'transfer.issued', {
      transferId: transferId(),
      memberId: m.memberId,
      kind: 'official',
      fromOrgId: m.cellId,
      toOrgId: r.pick(EXTERNAL_ORGS),
      issuedOn,
    });
  }
  for (let k = 0; k < count(0.0035); k++) {
    const receivedOn = workday(year, r.int(5, 360));
    const admittedYear = year - r.int(2, 30);
    const admittedOn = `${admittedYear}-${pad(r.int(1, 12), 2)}-${pad(r.int(1, 28), 2)}`;
    emit(receivedOn, 'transfer.received', {
      transferId: transferId(),
      receivedOn,
      fromOrgId: r.pick(EXTERNAL_ORGS),
      toOrgId: r.weighted(unitWeights),
      kind: 'official',
      member: {
        memberId: newMemberId(),
        status: 'official',
        admittedOn,
        recognizedOn: addMonths(admittedOn, 12),
        profile: profileFor(r, admittedYear, r.int(20, 35), { femaleShare: 0.36, year }),
      },
    });
  }
  // Temporary: inside the city (received, half of them back within months), and attendees from outside.
  for (const m of take(count(0.002))) {
    const id = transferId();
    const issuedOn = workday(year, r.int(5, 300));
    const issued = emit(issuedOn, 'transfer.issued', {
      transferId: id,
      memberId: m.memberId,
      kind: 'temporary',
      fromOrgId: m.cellId,
      toOrgId: otherCell(m.cellId),
      issuedOn,
    });
    const receivedOn = addDays(issuedOn, r.int(2, 10));
    const received = emit(receivedOn, 'transfer.received', { transferId: id, receivedOn }, issued);
    if (r.chance(0.5)) {
      const on = addDays(receivedOn, r.int(40, 150));
      emit(on, 'transfer.returned', { transferId: id, on }, received);
    }
  }
  for (let k = 0; k < count(0.0008); k++) {
    const id = transferId();
    const receivedOn = workday(year, r.int(5, 300));
    const admittedYear = year - r.int(2, 20);
    const admittedOn = `${admittedYear}-${pad(r.int(1, 12), 2)}-${pad(r.int(1, 28), 2)}`;
    const received = emit(receivedOn, 'transfer.received', {
      transferId: id,
      receivedOn,
      fromOrgId: r.pick(EXTERNAL_ORGS),
      toOrgId: r.weighted(unitWeights),
      kind: 'temporary',
      member: {
        memberId: `${id}-M`,
        status: 'official',
        admittedOn,
        recognizedOn: addMonths(admittedOn, 12),
        profile: profileFor(r, admittedYear, r.int(20, 35), { femaleShare: 0.4, year }),
      },
    });
    if (r.chance(0.5)) {
      const on = addDays(receivedOn, r.int(40, 150));
      emit(on, 'transfer.returned', { transferId: id, on }, received);
    }
  }
  // Exemptions (miễn sinh hoạt) for the oldest, corrections of profiles.
  for (const m of take(count(0.002), old)) {
    const on = workday(year, r.int(2, 362));
    emit(on, 'member.exempted', { memberId: m.memberId, on });
  }
  for (const m of take(count(0.004))) {
    const on = workday(year, r.int(2, 362));
    const profile = r.chance(0.5) ? { education: 'university' } : { occupation: old(m) ? 'retired' : 'private-enterprise' };
    emit(on, 'member.updated', { memberId: m.memberId, profile });
  }
  // Badges (Huy hiệu Đảng): milestones reached this year, awarded on the next occasion.
  for (const m of pool) {
    for (const years of BADGE_YEARS) {
      const milestone = addYears(m.admittedOn, years);
      if (milestone.slice(0, 4) !== String(year)) continue;
      const occasion = BADGE_OCCASIONS.map((d) => `${year}-${d}`).find((d) => compareDates(d, milestone) >= 0);
      if (occasion) emit(occasion, 'member.badgeAwarded', { memberId: m.memberId, years, awardedOn: occasion });
    }
  }

  // In date order (stable: a story's events were drafted in their own order).
  const order = drafts.map((d, i) => ({ d, i })).sort((a, b) => compareDates(a.d.on, b.d.on) || a.i - b.i);
  const events: Envelope[] = order.map(({ d }, k) => ({
    id: `csdl-${year}-${pad(k + 1, 6)}`,
    type: d.type,
    occurredAt: `${d.on}T${pad(8 + (k % 9), 2)}:${pad(k % 60, 2)}:00+07:00`,
    source: SOURCE,
    data: d.data,
  }));

  const idOfDraft = new Map(order.map(({ i }, k) => [i, events[k]!.id]));
  const after: Record<string, string> = {};
  order.forEach(({ d }, k) => {
    if (d.after !== undefined) after[events[k]!.id] = idOfDraft.get(d.after)!;
  });

  const eventsByType: Record<string, number> = {};
  for (const e of events) eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
  const sorted = [...sizes].sort((a, b) => a - b);
  return {
    rootId: ROOT_ID,
    year,
    orgEvents,
    csv: `${csvLines.join('\n')}\n`,
    badRows,
    events,
    after,
    stats: {
      orgs: orgCount,
      members: n,
      membersPerCell: { min: sorted[0] ?? 0, median: sorted[Math.floor(sorted.length / 2)] ?? 0, max: sorted[sorted.length - 1] ?? 0 },
      eventsByType,
    },
  };
}

/** Splits `total` into integers proportional to `weights` (largest remainder), at least one each when there are enough. */
function apportion(total: number, weights: number[]): number[] {
  const base = total >= weights.length ? 1 : 0;
  const rest = total - base * weights.length;
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (rest * w) / sum);
  const out = exact.map((x) => base + Math.floor(x));
  let left = total - out.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  for (let k = 0; left > 0; k++, left--) out[byRemainder[k % byRemainder.length]![1]]! += 1;
  return out;
}

/** One CSV line in the documented column order, quoted where needed. */
function csvRow(m: Member): string {
  const p = m.profile;
  const values: Record<(typeof MEMBER_CSV_COLUMNS)[number], string> = {
    memberId: m.memberId,
    cellId: m.cellId,
    status: m.status,
    admittedOn: m.admittedOn,
    recognizedOn: m.recognizedOn ?? '',
    fullName: p.fullName ?? '',
    sex: p.sex,
    birthDate: p.birthDate,
    ethnicity: p.ethnicity,
    religion: p.religion ?? '',
    education: p.education,
    occupation: p.occupation,
    youthUnion: String(p.youthUnion),
  };
  return MEMBER_CSV_COLUMNS.map((c) => quote(values[c])).join(',');
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
