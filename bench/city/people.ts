// People: names, profiles, and the members on the rolls at the end of the year before.
import { addDays, addMonths } from '../../shared/domain/dates.js';
import { FAMILY, GIVEN_FEMALE, GIVEN_MALE, MIDDLE_FEMALE, MIDDLE_MALE, MINORITIES } from './names.js';
import { pad, type Rng, someDateIn, workday } from './random.js';
import type { Unit } from './tree.js';

export interface Profile {
  fullName?: string;
  sex: 'female' | 'male';
  birthDate: string;
  ethnicity: string;
  religion: string | null;
  education: string;
  occupation: string;
  youthUnion: boolean;
}

export interface Member {
  memberId: string;
  cellId: string;
  status: 'official' | 'probationary';
  admittedOn: string;
  recognizedOn?: string;
  profile: Profile;
}

function fullName(r: Rng, sex: 'female' | 'male'): string {
  const name = `${r.weighted(FAMILY)} ${r.pick(sex === 'female' ? MIDDLE_FEMALE : MIDDLE_MALE)} ${r.pick(sex === 'female' ? GIVEN_FEMALE : GIVEN_MALE)}`;
  // Legacy systems send some names decomposed (NFD): the schema stores them NFC.
  return r.chance(0.01) ? name.normalize('NFD') : name;
}

/** Relative frequencies: education of those admitted since 2000 and before, occupation of the retired age and the rest. */
const EDUCATION_SINCE_2000 = { university: 60, postgraduate: 10, college: 10, vocational: 8, 'upper-secondary': 12 };
const EDUCATION_BEFORE_2000 = {
  'upper-secondary': 40,
  'lower-secondary': 15,
  vocational: 15,
  college: 10,
  university: 18,
  postgraduate: 2,
};
const OCCUPATION_OVER_60 = { retired: 85, other: 6, farmer: 6, 'state-sector': 3 };
const OCCUPATION = {
  'state-sector': 38,
  'armed-forces': 10,
  'private-enterprise': 15,
  'enterprise-owner': 2,
  farmer: 10,
  'contract-freelance': 5,
};

function educationFor(r: Rng, admittedYear: number): string {
  return r.weighted(Object.entries(admittedYear >= 2000 ? EDUCATION_SINCE_2000 : EDUCATION_BEFORE_2000));
}

function occupationFor(r: Rng, age: number): string {
  if (age >= 60) return r.weighted(Object.entries(OCCUPATION_OVER_60));
  return r.weighted([...Object.entries(OCCUPATION), ['student', age <= 24 ? 20 : 0], ['other', 10]] as const);
}

/** A profile for someone admitted in `admittedYear` at `ageAtAdmission`, as seen in `year`. */
export function profileFor(r: Rng, admittedYear: number, ageAtAdmission: number, opts: { femaleShare: number; year: number }): Profile {
  const sex = r.chance(opts.femaleShare) ? 'female' : 'male';
  const birthYear = admittedYear - ageAtAdmission;
  const education = educationFor(r, admittedYear);
  const occupation = occupationFor(r, opts.year - birthYear);
  return {
    fullName: fullName(r, sex),
    sex,
    birthDate: `${birthYear}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`,
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

/** Someone admitted last year, still on probation. */
function probationaryMember(r: Rng, memberId: string, cellId: string, year: number): Member {
  const lastYear = year - 1;
  const admittedOn = workday(lastYear, r.int(10, 350));
  const profile = profileFor(r, lastYear, r.int(19, 32), { femaleShare: 0.45, year });
  return { memberId, cellId, status: 'probationary', admittedOn, profile };
}

/** An official member: most joined in the last thirty years, some in the 1940s–70s; nobody is older than 98. */
function officialMember(r: Rng, memberId: string, cellId: string, year: number): Member {
  const lastYear = year - 1;
  const yearsIn = Math.min(lastYear - 1945, 2 + Math.floor(-Math.log(1 - r.next()) * 17));
  const admittedYear = lastYear - yearsIn;
  const age = Math.min(
    admittedYear - (year - 98),
    r.weighted([
      [r.int(18, 20), 10],
      [r.int(21, 30), 68],
      [r.int(31, 40), 17],
      [r.int(41, 50), 5],
    ] as const),
  );
  const admittedOn = someDateIn(r, admittedYear);
  const recognizedOn = addDays(addMonths(admittedOn, 12), r.int(0, 40));
  const profile = profileFor(r, admittedYear, age, { femaleShare: 0.34, year });
  return { memberId, cellId, status: 'official', admittedOn, recognizedOn, profile };
}

/** The members on the rolls at the end of the year before, `sizes[i]` in `units[i]`. */
export function membersOnRolls(r: Rng, units: Unit[], sizes: number[], year: number, newMemberId: () => string): Member[] {
  const members: Member[] = [];
  units.forEach((u, i) => {
    for (let k = 0; k < sizes[i]!; k++) {
      const make = r.chance(0.03) ? probationaryMember : officialMember;
      members.push(make(r, newMemberId(), u.cellId, year));
    }
  });
  return members;
}

/** Splits `total` into integers proportional to `weights` (largest remainder), at least one each when there are enough. */
export function apportion(total: number, weights: number[]): number[] {
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
