// domain: Vietnamese notation, the one place for it — numbers (`3.298`, `63,04`), percentages
// (`69,6%`), dates (`31/12/2021`) and the names of the org levels, as a committee writes them.
// The exports, the digest and the committee's text all write through this module, so that a
// figure reads the same wherever a reader meets it. Pure: no I/O.
import type { BusinessDate, OrgLevel } from './records.js';

/**
 * The levels by the names the Party's own documents give them (Điều lệ Đảng, chương III and
 * V; Quy định thi hành Điều lệ Đảng): what a reader sees instead of `upper-grassroots`.
 * `upper-grassroots` is the level directly above the grassroots (cấp trên trực tiếp của tổ
 * chức cơ sở đảng): the district committees until July 2025, the commune, ward and bloc
 * committees after.
 */
export const ORG_LEVEL_NAMES: Readonly<Record<OrgLevel, string>> = {
  province: 'Đảng bộ tỉnh/thành phố',
  'upper-grassroots': 'Đảng bộ cấp trên cơ sở',
  'grassroots-committee': 'Đảng bộ cơ sở',
  'sub-committee': 'Đảng bộ bộ phận',
  'grassroots-cell': 'Chi bộ cơ sở',
  cell: 'Chi bộ trực thuộc',
};

/** A finite number's decimal digits without a sign: `1e21` → `{int: "1000…", frac: ""}`, `1.5e-7` → `{int: "0", frac: "00000015"}`. */
function decimalDigits(x: number): { int: string; frac: string } {
  const [mantissa = '', exponent = '0'] = String(Math.abs(x)).split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  const digits = whole + fraction;
  const point = whole.length + Number(exponent);
  if (point <= 0) return { int: '0', frac: '0'.repeat(-point) + digits };
  if (point >= digits.length) return { int: digits + '0'.repeat(point - digits.length), frac: '' };
  return { int: digits.slice(0, point), frac: digits.slice(point) };
}

/**
 * Rounds the digits half up at `decimals` places, on the decimal digits JavaScript prints
 * (its shortest exact form), so that `1.005` rounds to `1.01` as a reader expects, not to
 * the `1.00` its binary value would give.
 */
function roundDigits({ int, frac }: { int: string; frac: string }, decimals: number): { int: string; frac: string } {
  if (frac.length <= decimals) return { int, frac };
  const kept = int + frac.slice(0, decimals);
  const rounded = (BigInt(kept) + (frac[decimals]! >= '5' ? 1n : 0n)).toString().padStart(kept.length, '0');
  const intLength = rounded.length - decimals;
  return { int: rounded.slice(0, intLength), frac: rounded.slice(intLength) };
}

function assertFinite(n: number): void {
  if (!Number.isFinite(n)) throw new RangeError(`${n} has no Vietnamese notation`);
}

/**
 * A number as Vietnamese prose writes it: `.` between thousands, `,` before the decimals,
 * trailing zeros dropped — `3.298`, `63,04`, `79`, `69,6`, `-1.234,5`. With `maxDecimals`,
 * rounded half up to at most that many decimals (`83.333…`, 1 → `83,3`).
 * @throws RangeError for NaN and the infinities.
 */
export function vietnameseNumber(n: number, maxDecimals?: number): string {
  assertFinite(n);
  const exact = decimalDigits(n);
  const { int, frac } = maxDecimals === undefined ? exact : roundDigits(exact, maxDecimals);
  const whole = int.replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const decimals = frac.replace(/0+$/, '');
  const zero = /^0$/.test(whole) && decimals === '';
  return `${n < 0 && !zero ? '-' : ''}${whole}${decimals === '' ? '' : `,${decimals}`}`;
}

/** A percentage as a committee writes it: `63,04%`, `79%`, `69,6%` (at most two decimals, half up). */
export function vietnamesePercent(pct: number, maxDecimals = 2): string {
  return `${vietnameseNumber(pct, maxDecimals)}%`;
}

/**
 * A number as a Vietnamese spreadsheet reads it from a cell of text: `,` before the
 * decimals and no grouping (`3298`, `41,7`), every digit kept, so that Excel on a
 * Vietnamese Windows takes it as the same number.
 * @throws RangeError for NaN and the infinities.
 */
export function vietnameseDecimal(n: number): string {
  assertFinite(n);
  const { int, frac } = decimalDigits(n);
  const zero = /^0+$/.test(int + frac);
  return `${n < 0 && !zero ? '-' : ''}${int}${frac === '' ? '' : `,${frac}`}`;
}

/**
 * `2026-11-23` → `23/11/2026`, as dates are written in Vietnam.
 * @throws RangeError for anything but a `YYYY-MM-DD` date.
 */
export function vietnameseDate(date: BusinessDate): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError('not a date YYYY-MM-DD');
  const [, y, m, d] = match;
  return `${d}/${m}/${y}`;
}
