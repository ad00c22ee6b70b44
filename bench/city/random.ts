// The city's deterministic randomness: the same city for the same seed on every machine
// and Node version (pure-rand, not Math.random).
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { addDays, isWeekend } from '../../shared/domain/dates.js';

/** A seeded source of values in [0, 1). */
export function seededRandom(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

/** Draws of the shapes the city needs, from one seeded source. */
export function rng(seed: number) {
  const next = seededRandom(seed);
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
export type Rng = ReturnType<typeof rng>;

export const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** A day of `year` (1-based day of year), moved off a weekend: offices work Monday to Friday. */
export function workday(year: number, dayOfYear: number): string {
  let d = addDays(`${year}-01-01`, Math.max(0, dayOfYear - 1));
  while (isWeekend(d)) d = addDays(d, 1);
  return d;
}

/** A date in `year` with a day that every month has. */
export const someDateIn = (r: Rng, year: number) => `${year}-${pad(r.int(1, 12))}-${pad(r.int(1, 28))}`;
