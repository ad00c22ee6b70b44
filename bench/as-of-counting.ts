// bench: the figures as of a date counted apart from the rest of what a store does
// (bench/as-of.ts reports it; bench/harness.ts counts the figures Lambda's this way).
import type { AsOfStore } from '../shared/use-cases/refresh-figures/port.js';
import { withComponent } from './capacity.js';

/** The component the figures Lambda's as-of calls are counted under (inside `figures`). */
export const FIGURES_AS_OF = 'figures-as-of';
/** Every component of the figures Lambda. */
export const FIGURES_COMPONENTS = ['figures', FIGURES_AS_OF];

/** `store` with its as-of calls counted under `component`. */
export function countedAsOf<S extends Partial<AsOfStore>>(store: S, component: string): S {
  const counted = { ...store } as Record<string, unknown>;
  for (const name of ['readAsOf', 'writeAsOf', 'putContribution', 'queryContributions'] as const) {
    const fn = store[name] as ((...args: unknown[]) => Promise<unknown>) | undefined;
    if (fn) counted[name] = (...args: unknown[]) => withComponent(component, () => fn(...args));
  }
  return counted as S;
}
