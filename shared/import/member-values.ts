// import: the values of a member export as a Vietnamese member database writes them
// (`Nam`, `Chính thức`, `19/05/1995`, `Đại học`, `Có`), read into the values of a
// `member.imported` event. Pure. The contract's own values are read too, so that an export
// made by this project, or by a program that writes the contract, still imports.
//
// Names are matched folded (see {@link fold}): without regard to case, diacritics, NFC/NFD,
// spacing or punctuation, so `NỮ`, `nu`, `Nữ` in NFD and `Học sinh - sinh viên` all match.
// A value that matches nothing is refused with what the column takes; never guessed (a wrong
// guess would count a member in the wrong group of every report, silently). docs/import.md
// documents these tables (test/unit/docs checks it lists every name); test/unit/member-values
// checks no folded name stands for two values.
import type { BusinessDate, Education, Occupation, Sex } from '../domain/records.js';

/** Text as it is compared: no diacritics (đ → d), lowercase, single spaces, NFC or NFD alike. */
export function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** A value as it is compared: {@link fold}, and punctuation as spaces (`Học sinh, sinh viên` = `hoc sinh sinh vien`); `/` stays (`12/12`). */
function valueKey(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}/]+/gu, ' ')
    .trim();
}

/** The member's status: `Chính thức` / `Dự bị`. */
export const STATUS_NAMES: Readonly<Record<'official' | 'probationary', readonly string[]>> = {
  official: ['Chính thức', 'Đảng viên chính thức'],
  probationary: ['Dự bị', 'Đảng viên dự bị'],
};

export const SEX_NAMES: Readonly<Record<Sex, readonly string[]>> = {
  female: ['Nữ'],
  male: ['Nam'],
};

/**
 * Education, the highest level reached. Member databases keep two columns: general
 * education (giáo dục phổ thông: `Trung học phổ thông`, or the grade notation `12/12`,
 * `9/12`, and `10/10`, `7/10` of the old ten-year school) and professional education
 * (chuyên môn nghiệp vụ: `Trung cấp`, `Cao đẳng`, `Đại học`, `Thạc sĩ`…). Both columns take
 * this one table; a file with both imports the higher of the two.
 */
export const EDUCATION_NAMES: Readonly<Record<Education, readonly string[]>> = {
  'lower-secondary': ['Trung học cơ sở', 'THCS', '9/12', '10/12', '11/12', '7/10', '8/10', '9/10'],
  'upper-secondary': ['Trung học phổ thông', 'THPT', '12/12', '10/10'],
  vocational: [
    'Sơ cấp',
    'Sơ cấp nghề',
    'Trung cấp',
    'Trung cấp nghề',
    'Trung cấp chuyên nghiệp',
    'Trung học chuyên nghiệp',
    'Công nhân kỹ thuật',
  ],
  college: ['Cao đẳng', 'Cao đẳng nghề'],
  university: ['Đại học', 'Cử nhân', 'Kỹ sư'],
  postgraduate: ['Sau đại học', 'Thạc sĩ', 'Thạc sỹ', 'Tiến sĩ', 'Tiến sỹ', 'Tiến sĩ khoa học', 'Chuyên khoa I', 'Chuyên khoa II'],
};

/** What a professional-education cell holds for someone without one (an empty cell too). */
export const NO_QUALIFICATION_NAMES: readonly string[] = ['Không', 'Chưa qua đào tạo'];

/** The levels from the lowest: the higher of two is the member's education. */
const EDUCATION_ORDER: readonly Education[] = ['lower-secondary', 'upper-secondary', 'vocational', 'college', 'university', 'postgraduate'];

/**
 * Occupation, in the groups of the annual statistics on new members (the report's
 * `student`, `privateEnterprise`, `enterpriseOwner`, `contractFreelance`). `Công nhân` is
 * read as a worker of a private enterprise, where the statistics count workers; a worker
 * of a state enterprise is `other`.
 */
export const OCCUPATION_NAMES: Readonly<Record<Occupation, readonly string[]>> = {
  student: ['Học sinh', 'Sinh viên', 'Học sinh, sinh viên'],
  'private-enterprise': [
    'Công nhân',
    'Công nhân, người lao động',
    'Người lao động trong doanh nghiệp',
    'Người lao động trong doanh nghiệp tư nhân',
    'Người lao động doanh nghiệp tư nhân',
    'Người lao động trong doanh nghiệp ngoài khu vực nhà nước',
    'Người lao động trong doanh nghiệp có vốn đầu tư nước ngoài',
  ],
  'enterprise-owner': ['Chủ doanh nghiệp', 'Chủ doanh nghiệp tư nhân'],
  'state-sector': ['Cán bộ', 'Công chức', 'Viên chức', 'Cán bộ, công chức', 'Công chức, viên chức', 'Cán bộ, công chức, viên chức'],
  'armed-forces': ['Lực lượng vũ trang', 'Quân đội', 'Quân nhân', 'Bộ đội', 'Công an', 'Quân đội nhân dân', 'Công an nhân dân'],
  farmer: ['Nông dân'],
  'contract-freelance': ['Lao động hợp đồng', 'Lao động tự do', 'Lao động hợp đồng, tự do', 'Lao động hợp đồng, lao động tự do'],
  retired: ['Hưu trí', 'Nghỉ hưu'],
  other: ['Khác', 'Nghề khác', 'Nghề nghiệp khác'],
};

/** Yes and no (đoàn viên at admission): a ticked column holds `x`, an unticked one nothing. */
export const YES_NO_NAMES: Readonly<Record<'true' | 'false', readonly string[]>> = {
  true: ['Có', 'x', '1'],
  false: ['Không', '', '0'],
};

/** A religion cell for someone with none: empty, or one of these (any other text is the religion's name). */
export const NO_RELIGION_NAMES: readonly string[] = ['', 'Không', 'Không có', 'Không tôn giáo'];

/** Folded name → value, the contract's own values included; throws when one name would stand for two values. */
function lookup<V extends string>(table: Readonly<Record<V, readonly string[]>>): ReadonlyMap<string, V> {
  const map = new Map<string, V>();
  for (const [value, names] of Object.entries(table) as [V, readonly string[]][]) {
    for (const name of [value, ...names]) {
      const key = valueKey(name);
      const other = map.get(key);
      if (other !== undefined && other !== value) throw new Error(`"${name}" would stand for both ${other} and ${value}`);
      map.set(key, value);
    }
  }
  return map;
}

const STATUS = lookup(STATUS_NAMES);
const SEX = lookup(SEX_NAMES);
const EDUCATION = lookup(EDUCATION_NAMES);
const OCCUPATION = lookup(OCCUPATION_NAMES);
const YES_NO = lookup(YES_NO_NAMES);
const NO_RELIGION: ReadonlySet<string> = new Set(NO_RELIGION_NAMES.map(valueKey));
const NO_QUALIFICATION: ReadonlySet<string> = new Set(NO_QUALIFICATION_NAMES.map(valueKey));

/** A cell read: its value, or what the column takes (for a bad row's message; never the cell's text, which is personal data). */
export type Read<V> = { ok: true; value: V } | { ok: false; expected: string };

const fromTable =
  <V extends string>(table: ReadonlyMap<string, V>, expected: string) =>
  (text: string): Read<V> => {
    const value = table.get(valueKey(text));
    return value === undefined ? { ok: false, expected } : { ok: true, value };
  };

export const readStatus = fromTable(STATUS, 'Chính thức or Dự bị (official, probationary)');
export const readSex = fromTable(SEX, 'Nam or Nữ (male, female)');
export const readOccupation = fromTable(
  OCCUPATION,
  'an occupation of the import table (Học sinh, sinh viên; Công nhân; Cán bộ, công chức, viên chức; Nông dân; Hưu trí; Khác…) or the contract’s value',
);
const readYesNo = fromTable(YES_NO, 'Có or x for yes, Không or empty for no (true, false)');

/** Đoàn viên at admission: yes or no; an empty cell is no. */
export function readYouthUnion(text: string): Read<boolean> {
  const read = readYesNo(text);
  return read.ok ? { ok: true, value: read.value === 'true' } : read;
}

/** The religion: null for none, else the text as written. */
export function readReligion(text: string): string | null {
  return NO_RELIGION.has(valueKey(text)) ? null : text;
}

/** General education: a level of the table. */
export const readEducation = fromTable(
  EDUCATION,
  'a level of the import table (Trung học cơ sở, Trung học phổ thông or 12/12, Trung cấp, Cao đẳng, Đại học, Thạc sĩ, Tiến sĩ…) or the contract’s value',
);

/** Professional education: a level of the table, or null for none (`Không`, `Chưa qua đào tạo`). */
export function readQualification(text: string): Read<Education | null> {
  return NO_QUALIFICATION.has(valueKey(text)) ? { ok: true, value: null } : readEducation(text);
}

/** The highest of the levels given (absent and null left out): the member's education. */
export function highestEducation(...levels: Array<Education | null | undefined>): Education | undefined {
  return levels
    .filter((l): l is Education => l !== null && l !== undefined)
    .sort((a, b) => EDUCATION_ORDER.indexOf(a) - EDUCATION_ORDER.indexOf(b))
    .at(-1);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * A date as `dd/mm/yyyy` (also `d/m/yyyy`, as Excel on a Vietnamese Windows writes it) or
 * `YYYY-MM-DD`, read as `YYYY-MM-DD`; refused when it is neither or does not exist
 * (`31/02/2021`). `01/02/2021` is the 1st of February: day first, always.
 */
export function readDate(text: string): Read<BusinessDate> {
  const expected = 'a date dd/mm/yyyy (or YYYY-MM-DD) that exists';
  const t = text.trim();
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(t) ?? /^(?<y>\d{4})-(?<m>\d{2})-(?<d>\d{2})$/.exec(t);
  if (!match) return { ok: false, expected };
  const [d, m, y] = match.groups ? [match.groups.d!, match.groups.m!, match.groups.y!] : [match[1]!, match[2]!, match[3]!];
  const [day, month, year] = [Number(d), Number(m), Number(y)];
  const last = month === 2 && isLeap(year) ? 29 : DAYS_IN_MONTH[month - 1];
  if (last === undefined || day < 1 || day > last) return { ok: false, expected };
  return { ok: true, value: `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` };
}
