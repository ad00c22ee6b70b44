// bench: what a report costs, its month items counted apart from the rest (the org tree,
// the org records, the nets) under `report-months`.
import { performance } from 'node:perf_hooks';
import { buildReport, type ReportReader } from '../shared/use-cases/build-report/index.js';
import { counted } from './as-of-counting.js';
import { totals, withComponent } from './capacity.js';
import type { City } from './city.js';
import type { BenchStack, PhaseResult } from './harness.js';

export interface ReportCostResult {
  reports: number;
  phase: PhaseResult;
  /** Capacity units per report, all of it and the month items' part. */
  capacityUnitsPerReport: number;
  monthsCapacityUnitsPerReport: number;
  msPerReport: number;
}

/** 7. What a report costs: the root and its first child, on four dates of the year. */
export async function reportCostPhase(bench: BenchStack, city: City): Promise<ReportCostResult> {
  const reader: ReportReader = counted<ReportReader>(bench.stack.stores.figures, 'report-months', ['queryMonths']);
  const firstChild = Object.keys(city.parents).find((id) => city.parents[id] === city.rootId);
  const orgs = [city.rootId, ...(firstChild ? [firstChild] : [])];
  const dates = ['01-01', '03-31', '06-30', '12-31'].map((d) => `${city.year}-${d}`);
  const p = bench.phase();
  const t0 = performance.now();
  for (const orgId of orgs) for (const date of dates) await withComponent('report', () => buildReport(reader, orgId, { date }));
  const ms = performance.now() - t0;
  const phase = bench.phaseEnd(p);
  const reports = orgs.length * dates.length;
  return {
    reports,
    phase,
    capacityUnitsPerReport: totals(phase.capacity, ['report', 'report-months']).total / reports,
    monthsCapacityUnitsPerReport: totals(phase.capacity, ['report-months']).total / reports,
    msPerReport: ms / reports,
  };
}
