// domain/figures: the compact text a stored item keeps a tally in (docs/architecture.md#the-items).
// A province's month holds a tally for nearly every day, rewritten at every change: its
// size is what a write costs. A tally is written as its fixed figures by position in
// FIXED_FIGURES, comma-separated, zeros empty and trailing ones dropped, then each keyed
// entry as `;` + its series' one-character code + key + `=` + count:
//   `3,,1,,,,1;oHP-Q2-C4=1;d41=2`
// Keys are organization ids, dates or numbers ([A-Za-z0-9._:-]), which none of `,;=` are.
import { FIXED_FIGURES, fixedIndex, KEYED_SERIES, splitKeyed, type DatedChanges, type Tally } from './catalogue.js';

const SERIES_BY_CODE = new Map<string, string>(KEYED_SERIES.map((s) => [s.code, s.name]));

/** A tally as stored text (`''` for an all-zero tally). */
export function encodeTally(t: Tally): string {
  const fixed: number[] = [];
  const keyedParts: string[] = [];
  for (const k of Object.keys(t).sort()) {
    const n = t[k];
    if (typeof n !== 'number' || n === 0 || !Number.isFinite(n)) continue;
    const i = fixedIndex(k);
    if (i !== undefined) {
      fixed[i] = n;
      continue;
    }
    const split = splitKeyed(k);
    if (!split) throw new Error(`not a figure of the catalogue: ${k}`);
    keyedParts.push(`;${split.series.code}${split.key}=${n}`);
  }
  let text = '';
  for (let i = 0; i < fixed.length; i++) text += `${i > 0 ? ',' : ''}${fixed[i] ?? ''}`;
  return text + keyedParts.join('');
}

/**
 * A stored tally back: text as {@link encodeTally} writes it, or a list of numbers by
 * position (how the first figures as of a date stored theirs).
 * @throws Error on a code or a figure position this version does not know.
 */
export function decodeTally(stored: unknown): Tally {
  const out: Tally = {};
  const fixedAt = (i: number, n: number) => {
    if (!Number.isFinite(n) || n === 0) return;
    const figure = FIXED_FIGURES[i];
    if (!figure) throw new Error(`figure position ${i} is not in the catalogue`);
    out[figure.name] = (out[figure.name] ?? 0) + n;
  };
  if (Array.isArray(stored)) {
    for (const [i, n] of stored.entries()) fixedAt(i, Number(n));
    return out;
  }
  if (typeof stored !== 'string' || stored === '') return out;
  const [fixed = '', ...entries] = stored.split(';');
  if (fixed !== '') for (const [i, n] of fixed.split(',').entries()) if (n !== '') fixedAt(i, Number(n));
  for (const entry of entries) {
    const eq = entry.lastIndexOf('=');
    const series = SERIES_BY_CODE.get(entry.charAt(0));
    if (!series || eq < 1) throw new Error(`unknown keyed entry ${JSON.stringify(entry)}`);
    const key = `${series}#${entry.slice(1, eq)}`;
    out[key] = (out[key] ?? 0) + Number(entry.slice(eq + 1));
  }
  return out;
}

/** Dated changes as stored: date → text, empty days dropped. */
export function encodeChanges(changes: DatedChanges, dateKey: (date: string) => string = (d) => d): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of Object.keys(changes).sort()) {
    const text = encodeTally(changes[d] ?? {});
    if (text !== '') out[dateKey(d)] = text;
  }
  return out;
}

/** Stored dated changes back (`date` turns a stored key into its date). */
export function decodeChanges(stored: unknown, date: (key: string) => string = (k) => k): DatedChanges {
  const out: DatedChanges = {};
  if (!stored || typeof stored !== 'object') return out;
  for (const [k, v] of Object.entries(stored as Record<string, unknown>)) {
    const t = decodeTally(v);
    if (Object.keys(t).length > 0) out[date(k)] = t;
  }
  return out;
}
