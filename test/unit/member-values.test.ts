// The values of a Vietnamese member export read as the contract's: every name of the
// documented tables, however it is typed, and the values that must be refused, not guessed.
import { describe, expect, it } from 'vitest';
import {
  EDUCATION_NAMES,
  highestEducation,
  NO_RELIGION_NAMES,
  OCCUPATION_NAMES,
  readDate,
  readEducation,
  readOccupation,
  readQualification,
  readReligion,
  readSex,
  readStatus,
  readYouthUnion,
  SEX_NAMES,
  STATUS_NAMES,
} from '../../shared/import/member-values.js';

/** The ways one name gets typed: as written, NFD, capitals, without diacritics, padded. */
const typings = (name: string) => [
  name,
  name.normalize('NFD'),
  name.toLocaleUpperCase('vi'),
  name.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D'),
  `  ${name.replace(/ /g, '  ')} `,
];

describe('the tables of Vietnamese values', () => {
  it.each([
    ['status', STATUS_NAMES, readStatus],
    ['sex', SEX_NAMES, readSex],
    ['education', EDUCATION_NAMES, readEducation],
    ['occupation', OCCUPATION_NAMES, readOccupation],
  ] as const)('reads every %s name, and the contract’s value, however it is typed', (_, table, read) => {
    for (const [value, names] of Object.entries(table)) {
      for (const name of [value, ...names]) {
        for (const typed of typings(name)) expect((read as (t: string) => unknown)(typed), typed).toEqual({ ok: true, value });
      }
    }
  });

  it('reads the real examples of the committees’ exports', () => {
    expect(readOccupation('Học sinh - sinh viên')).toEqual({ ok: true, value: 'student' });
    expect(readOccupation('CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC')).toEqual({ ok: true, value: 'state-sector' });
    expect(readOccupation('Lao động hợp đồng, tự do')).toEqual({ ok: true, value: 'contract-freelance' });
    expect(readEducation('12/12')).toEqual({ ok: true, value: 'upper-secondary' });
    expect(readEducation('9/12')).toEqual({ ok: true, value: 'lower-secondary' });
    expect(readEducation('Thạc sỹ')).toEqual({ ok: true, value: 'postgraduate' });
    expect(readStatus('chinh thuc')).toEqual({ ok: true, value: 'official' });
  });

  it('refuses what it does not know, instead of guessing a group that every report would then count', () => {
    for (const bad of ['Tiểu học', '6/12', '12', 'Trung cấp lý luận chính trị', 'Cao cấp', 'Giáo sư'])
      expect(readEducation(bad).ok, bad).toBe(false);
    for (const bad of ['Thợ may', 'Người lao động', 'Kinh doanh', 'Ngư dân']) expect(readOccupation(bad).ok, bad).toBe(false);
    for (const bad of ['Khác', 'N', 'F', 'Nam Nữ']) expect(readSex(bad).ok, bad).toBe(false);
    for (const bad of ['Đình chỉ', 'Chính', 'official member']) expect(readStatus(bad).ok, bad).toBe(false);
    for (const bad of ['Chưa', 'v', 'yes', '2']) expect(readYouthUnion(bad).ok, bad).toBe(false);
  });

  it('reads yes and no, an unticked box as no', () => {
    expect(['Có', 'CÓ', 'co', 'x', 'X', 'true', '1'].map((t) => readYouthUnion(t))).toEqual(Array(7).fill({ ok: true, value: true }));
    expect(['Không', 'KHÔNG', 'khong', '', 'false', '0'].map((t) => readYouthUnion(t))).toEqual(Array(6).fill({ ok: true, value: false }));
  });

  it('reads no religion as null, and keeps any religion’s name as written', () => {
    for (const none of [...NO_RELIGION_NAMES, 'KHÔNG', 'khong', '  Không  '.normalize('NFD')]) expect(readReligion(none), none).toBeNull();
    expect(readReligion('Công giáo')).toBe('Công giáo');
    expect(readReligion('Phật giáo Hòa Hảo')).toBe('Phật giáo Hòa Hảo');
  });

  it('takes the highest education; no professional education is none', () => {
    expect(readQualification('Chưa qua đào tạo')).toEqual({ ok: true, value: null });
    expect(readQualification('KHÔNG')).toEqual({ ok: true, value: null });
    expect(highestEducation('upper-secondary', 'postgraduate')).toBe('postgraduate');
    expect(highestEducation('university', 'vocational')).toBe('university');
    expect(highestEducation('lower-secondary', null)).toBe('lower-secondary');
    expect(highestEducation(undefined, null)).toBeUndefined();
  });
});

describe('readDate', () => {
  it.each([
    ['19/05/1995', '1995-05-19'],
    ['1/2/2021', '2021-02-01'],
    ['01/02/2021', '2021-02-01'],
    ['29/02/2024', '2024-02-29'],
    ['29/02/2000', '2000-02-29'],
    [' 31/12/2021 ', '2021-12-31'],
    ['2021-12-31', '2021-12-31'],
  ])('reads %s day first as %s', (text, iso) => {
    expect(readDate(text)).toEqual({ ok: true, value: iso });
  });

  it.each([
    '31/02/2021',
    '29/02/2023',
    '29/02/1900',
    '00/01/2021',
    '12/13/2021',
    '05/19/2020',
    '2021-02-30',
    '2021-2-3',
    '3/2/90',
    '19.05.1995',
    '19-05-1995',
    '19/05/1995 00:00',
    '123/01/2021',
    '',
  ])('refuses %j', (text) => {
    expect(readDate(text)).toEqual({ ok: false, expected: expect.stringContaining('dd/mm/yyyy') });
  });
});
