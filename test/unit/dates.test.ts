import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  addMonths,
  addYears,
  compareDates,
  dayOfWeek,
  daysBetween,
  isBusinessDate,
  isWeekend,
  maxDate,
  minDate,
  todayInVietnam,
  toDayNumberOf,
  yearOf,
} from '../../shared/domain/dates.js';

/** Any real date 1900–2100, built through Date only as an independent oracle. */
const anyDate = fc
  .integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2100, 11, 31) / 86_400_000 })
  .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10));

describe('addDays', () => {
  it('crosses month, leap-day and year boundaries', () => {
    // Prepare
    const cases: [string, number, string][] = [
      ['2024-02-28', 1, '2024-02-29'],
      ['2023-02-28', 1, '2023-03-01'],
      ['2023-12-31', 1, '2024-01-01'],
      ['2021-03-02', 60, '2021-05-01'],
      ['2021-01-01', -1, '2020-12-31'],
      ['0099-12-31', 1, '0100-01-01'],
    ];
    // Act
    const results = cases.map(([date, n]) => addDays(date, n));
    // Assess
    expect(results).toEqual(cases.map(([, , want]) => want));
  });

  it('agrees with UTC Date arithmetic and is undone by daysBetween', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -5000, max: 5000 }), (date, n) => {
        // Prepare
        const oracle = new Date(Date.parse(`${date}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
        // Act
        const result = addDays(date, n);
        // Assess
        expect(result).toBe(oracle);
        expect(daysBetween(date, result)).toBe(n);
        expect(addDays(result, -n)).toBe(date);
      }),
    );
  });

  it('rejects a fractional count and a malformed date', () => {
    // Prepare
    const bad = () => addDays('2021-01-01', 1.5);
    // Act, Assess
    expect(bad).toThrow(RangeError);
    expect(() => addDays('2021-02-29', 1)).toThrow(RangeError);
    expect(() => addDays('2021-1-01', 1)).toThrow(RangeError);
    expect(() => addDays('20210101', 1)).toThrow(RangeError);
  });
});

describe('addMonths', () => {
  it('clamps to the end of a shorter month', () => {
    // Prepare
    const cases: [string, number, string][] = [
      ['2021-01-31', 1, '2021-02-28'],
      ['2024-01-31', 1, '2024-02-29'],
      ['2020-02-29', 12, '2021-02-28'],
      ['2021-03-31', -1, '2021-02-28'],
      ['2021-05-31', 1, '2021-06-30'],
      ['2021-11-15', 3, '2022-02-15'],
      ['2022-01-15', -13, '2020-12-15'],
      ['2021-03-02', 12, '2022-03-02'],
    ];
    // Act
    const results = cases.map(([date, n]) => addMonths(date, n));
    // Assess
    expect(results).toEqual(cases.map(([, , want]) => want));
  });

  it('addYears is twelve months a year (29 February clamps)', () => {
    // Prepare
    const admitted = '1996-02-29';
    // Act
    const thirty = addYears(admitted, 30);
    // Assess
    expect(thirty).toBe('2026-02-28');
    expect(addYears('1995-06-15', 30)).toBe('2025-06-15');
  });

  it('never leaves the target month', () => {
    fc.assert(
      fc.property(anyDate, fc.integer({ min: -240, max: 240 }), (date, n) => {
        // Prepare
        const [y, m] = date.split('-').map(Number) as [number, number];
        const index = y * 12 + (m - 1) + n;
        // Act
        const result = addMonths(date, n);
        // Assess
        expect(yearOf(result) * 12 + Number(result.slice(5, 7)) - 1).toBe(index);
        expect(Number(result.slice(8))).toBeLessThanOrEqual(Number(date.slice(8)));
      }),
    );
  });
});

describe('daysBetween, yearOf, isWeekend, compareDates', () => {
  it('counts b − a in calendar days', () => {
    // Prepare, Act
    const year = daysBetween('2021-01-01', '2021-12-31');
    const leapYear = daysBetween('2024-01-01', '2025-01-01');
    const back = daysBetween('2025-03-31', '2025-03-16');
    // Assess
    expect(year).toBe(364);
    expect(leapYear).toBe(366);
    expect(back).toBe(-15);
  });

  it('reads the year and the weekday', () => {
    // Prepare
    const saturday = '2025-01-25';
    const sunday = '2025-01-26';
    const monday = '2025-01-27';
    // Act, Assess
    expect(yearOf('2021-12-31')).toBe(2021);
    expect(isWeekend(saturday)).toBe(true);
    expect(isWeekend(sunday)).toBe(true);
    expect(isWeekend(monday)).toBe(false);
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('1969-12-28')).toBe(0);
  });

  it('orders dates, usable as a sort comparator', () => {
    // Prepare
    const dates = ['2025-07-01', '2021-01-01', '2025-01-01', '2024-12-31'];
    // Act
    const sorted = [...dates].sort(compareDates);
    // Assess
    expect(sorted).toEqual(['2021-01-01', '2024-12-31', '2025-01-01', '2025-07-01']);
    expect(compareDates('2025-01-01', '2025-01-01')).toBe(0);
    expect(maxDate('2025-01-01', '2024-01-01')).toBe('2025-01-01');
    expect(minDate('2025-01-01', '2024-01-01')).toBe('2024-01-01');
    expect(toDayNumberOf('1970-01-02')).toBe(1);
  });

  it('knows a real date from a look-alike', () => {
    // Prepare
    const values: unknown[] = ['2024-02-29', '2023-02-29', '2021-13-01', '2021-04-31', ' 2021-01-01', 20210101, null];
    // Act
    const verdicts = values.map(isBusinessDate);
    // Assess
    expect(verdicts).toEqual([true, false, false, false, false, false, false]);
  });
});

describe('todayInVietnam', () => {
  it('turns the date at midnight UTC+7, whatever the host time zone', () => {
    // Prepare
    const justBefore = new Date('2021-03-01T16:59:59.999Z');
    const midnight = new Date('2021-03-01T17:00:00Z');
    const sevenAm = new Date('2021-03-02T07:00:00+07:00');
    // Act
    const results = [justBefore, midnight, sevenAm].map(todayInVietnam);
    // Assess
    expect(results).toEqual(['2021-03-01', '2021-03-02', '2021-03-02']);
  });

  it('rejects an invalid Date', () => {
    // Prepare
    const invalid = new Date('not a date');
    // Act, Assess
    expect(() => todayInVietnam(invalid)).toThrow(RangeError);
  });
});
