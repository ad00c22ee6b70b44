// bench: what the figures as of a date cost, counted apart from the rest: the figures
// Lambda's as-of reads and writes under `figures-as-of`, a report's under `report-as-of`.
import { performance } from 'node:perf_hooks';
import { dynamoFiguresStore } from '../shared/data/figures-store.js';
import { buildReport, type ReportReader } from '../shared/use-cases/build-report.js';
import type { AsOfStore, FiguresStore } from '../shared/use-cases/ports.js';
import { totals } from './capacity.js';
import { withComponent } from './capacity.js';
import type { City } from './city.js';
import type { BenchStack, PhaseResult } from './harness.js';

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

/** The figures Lambda's store, its as-of calls counted apart. */
export const countedFiguresStore: FiguresStore = countedAsOf(dynamoFiguresStore, FIGURES_AS_OF);

export interface ReportCostResult {
  reports: number;
  phase: PhaseResult;
  /** Capacity units per report, all of it and the as-of items' part. */
  capacityUnitsPerReport: number;
  asOfCapacityUnitsPerReport: number;
  msPerReport: number;
}

/** 7. What a report costs: the root and its first child, on four dates of the year. */
export async function reportCostPhase(bench: BenchStack, city: City): Promise<ReportCostResult> {
  const reader: ReportReader = countedAsOf(dynamoFiguresStore, 'report-as-of');
  const firstChild = Object.keys(city.parents).find((id) => city.parents[id] === city.rootId);
  const orgs = [city.rootId, ...(firstChild ? [firstChild] : [])];
  const dates = ['01-01', '03-31', '06-30', '12-31'].map((d) => `${city.year}-${d}`);
  const p = bench.phase();
  const t0 = performance.now();
  for (const orgId of orgs) for (const date of dates) await withComponent('report', () => buildReport(orgId, { date }, reader));
  const ms = performance.now() - t0;
  const phase = bench.phaseEnd(p);
  const reports = orgs.length * dates.length;
  return {
    reports,
    phase,
    capacityUnitsPerReport: totals(phase.capacity, ['report', 'report-as-of']).total / reports,
    asOfCapacityUnitsPerReport: totals(phase.capacity, ['report-as-of']).total / reports,
    msPerReport: ms / reports,
  };
}
