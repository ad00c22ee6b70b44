// bench: the figures' per-record part counted apart from the rest of what a store does
// (bench/harness.ts counts the figures Lambda's this way, bench/as-of.ts a report's
// months): the records' contributions and the facts a cell is recounted from, beside the
// month and nets items of every org.
import type { FiguresStore } from '../shared/use-cases/refresh-figures/port.js';
import { withComponent } from './capacity.js';

/** The component the figures Lambda's contributions and facts are counted under (inside `figures`). */
export const FIGURES_RECORDS = 'figures-records';
/** Every component of the figures Lambda. */
export const FIGURES_COMPONENTS = ['figures', FIGURES_RECORDS];

/** `store` with the calls named counted under `component`. */
export function counted<S extends object>(store: S, component: string, names: ReadonlyArray<keyof S & string>): S {
  const out = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value.bind(target) as (...args: unknown[]) => unknown;
      return names.includes(prop as keyof S & string) ? (...args: unknown[]) => withComponent(component, () => fn(...args)) : fn;
    },
  });
  return out;
}

/** A figures store whose records' contributions and facts are counted under `component`. */
export const countedRecords = <S extends Partial<FiguresStore> & object>(store: S, component: string): S =>
  counted(store, component, ['putContribution', 'queryContributions', 'queryFacts'] as Array<keyof S & string>);
