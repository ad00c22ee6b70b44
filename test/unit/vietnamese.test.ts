// Vietnamese notation as a committee writes it: the figures of the party organizations'
// own reports (Hải Phòng 2021, Hồng Bàng 2018) must come out exactly as they printed them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ORG_LEVEL_NAMES, vietnameseDate, vietnameseDecimal, vietnameseNumber, vietnamesePercent } from '../../shared/domain/vietnamese.js';
import { LEVELS_VI } from '../helpers/report-export.js';

describe('vietnameseNumber', () => {
  it.each([
    [3298, '3.298'],
    [2079, '2.079'],
    [63.04, '63,04'],
    [79, '79'],
    [69.6, '69,6'],
    [833, '833'],
    [1000, '1.000'],
    [0, '0'],
    [-0, '0'],
    [-1234.5, '-1.234,5'],
    [1234567.891, '1.234.567,891'],
    [0.5, '0,5'],
    [1e21, '1.000.000.000.000.000.000.000'],
    [1.5e-7, '0,00000015'],
  ])('%d → %s', (n, written) => {
    expect(vietnameseNumber(n)).toBe(written);
  });

  it('rounds half up at the decimals asked, on the digits a reader sees, and drops trailing zeros', () => {
    expect(vietnameseNumber(83.333333, 1)).toBe('83,3');
    expect(vietnameseNumber(1.005, 2)).toBe('1,01'); // 1.00499999… in binary: a reader sees 1,005
    expect(vietnameseNumber(63.0449, 2)).toBe('63,04');
    expect(vietnameseNumber(9.995, 2)).toBe('10');
    expect(vietnameseNumber(999.96, 1)).toBe('1.000');
    expect(vietnameseNumber(-0.004, 2)).toBe('0');
    expect(vietnameseNumber(52.5, 0)).toBe('53');
  });

  it('refuses what has no notation', () => {
    for (const n of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(() => vietnameseNumber(n)).toThrow(RangeError);
  });

  it('reads back to the same number for any finite double (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        // Act
        const written = vietnameseNumber(n);
        // Assess: dots only between groups of three, one comma at most, the same value
        expect(written).toMatch(/^-?\d{1,3}(\.\d{3})*(,\d+)?$/);
        expect(Number(written.replace(/\./g, '').replace(',', '.'))).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: 500, seed: 20261206 },
    );
  });
});

describe('vietnamesePercent', () => {
  it('writes the shares and achievements as the reports do', () => {
    expect([63.04, 52.52, 79, 69.6, 83.3, 100, 4.21].map((p) => vietnamesePercent(p))).toEqual([
      '63,04%',
      '52,52%',
      '79%',
      '69,6%',
      '83,3%',
      '100%',
      '4,21%',
    ]);
    expect(vietnamesePercent(25.525)).toBe('25,53%');
  });
});

describe('vietnameseDecimal', () => {
  it('writes a decimal comma, no grouping, every digit', () => {
    expect([41.7, 3298, 0, -2.25, 1e21, 1.5e-7].map(vietnameseDecimal)).toEqual([
      '41,7',
      '3298',
      '0',
      '-2,25',
      '1000000000000000000000',
      '0,00000015',
    ]);
  });

  it('reads back to the same number for any finite double (property)', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const written = vietnameseDecimal(n);
        expect(written).toMatch(/^-?\d+(,\d+)?$/);
        expect(Number(written.replace(',', '.'))).toBe(n === 0 ? 0 : n);
      }),
      { numRuns: 500, seed: 20261206 },
    );
  });
});

describe('vietnameseDate', () => {
  it('writes dd/mm/yyyy and refuses anything but a date YYYY-MM-DD', () => {
    expect(vietnameseDate('2021-12-31')).toBe('31/12/2021');
    expect(vietnameseDate('2027-01-02')).toBe('02/01/2027');
    for (const bad of ['31/12/2021', '2021-1-2', '', '2021-12-31T00:00:00Z']) expect(() => vietnameseDate(bad)).toThrow(RangeError);
  });
});

describe('the levels by name', () => {
  it('names every level as the Party does, none left as its key', () => {
    expect(ORG_LEVEL_NAMES).toEqual(LEVELS_VI);
    expect(ORG_LEVEL_NAMES['upper-grassroots']).toBe('Đảng bộ cấp trên cơ sở');
    for (const name of Object.values(ORG_LEVEL_NAMES)) expect(name).toBe(name.normalize('NFC'));
  });
});
