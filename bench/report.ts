// bench: the run's figures — per-event costs, the results JSON and the table printed at the end.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { FIGURES_SOURCE } from '../shared/resources.js';
import type { ReportCostResult } from './as-of.js';
import { FIGURES_RECORDS, FIGURES_COMPONENTS } from './as-of-counting.js';
import { bundleCell, type BundleResult } from './bundles.js';
import { sqsBilledRequests, totals, type Snapshot } from './capacity.js';
import type { Envelope } from './city.js';
import type { CeilingResult } from './dynamo-local.js';
import type { Counted, PhaseResult } from './harness.js';
import type { IngestOnlyResult } from './ingest-only.js';
import type { CheckResult, EventYearResult, ImportPhaseResult, NaiveResult, OrgTreeResult, PacedResult } from './phases.js';

// Prices: AWS list prices, us-east-1, on demand (DynamoDB after the November 2024 cut).
// The stack's default region, ap-southeast-1, is about 13 % dearer for DynamoDB.
export const PRICES = {
  region: 'us-east-1',
  dynamoWriteRequestUnit: 0.625 / 1e6,
  dynamoReadRequestUnit: 0.125 / 1e6,
  lambdaRequest: 0.2 / 1e6,
  lambdaArmGbSecond: 0.0000133334,
  sqsFifoRequest: 0.5 / 1e6,
} as const;
/** Memory of the ingest and figures functions (infra/constructs/ingest.ts, figures.ts). */
const LAMBDA_MEMORY_GB = 1;

export const round = (x: number, digits = 2) => Math.round(x * 10 ** digits) / 10 ** digits;

/** The nearest-rank percentile: the smallest value with at least p % of them at or below it. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A p50 and a p99 with the number of samples they are of. */
export interface Percentiles {
  n: number;
  p50: number;
  p99: number;
  /** Fewer than 100 samples: the p99 is then simply the largest of them. */
  p99IsMax: boolean;
}

export function percentiles(values: number[]): Percentiles {
  return { n: values.length, p50: percentile(values, 50), p99: percentile(values, 99), p99IsMax: values.length < 100 };
}

/** `121 / 256 ms (n=300)`, or `2,055 / 2,953 ms (n=20, p99 = max of 20)` when there are too few for a p99. */
export function formatPercentiles(p: Percentiles, fmt: (n: number) => string = (n) => n.toLocaleString('en-US')): string {
  return `${fmt(p.p50)} / ${fmt(p.p99)} ms (n=${p.n}${p.p99IsMax ? `, p99 = max of ${p.n}` : ''})`;
}

export type PerEvent = ReturnType<typeof perEvent>;

/** Capacity, requests, invocations, handler time and cost per event of a phase, for the components and functions named. */
export function perEvent(phase: PhaseResult, events: number, components: string[], fns: Counted[]) {
  const t = totals(phase.capacity, components);
  const invocations = fns.reduce((n, f) => n + phase[f].invocationMs.length, 0);
  const ms = fns.reduce((n, f) => n + phase[f].invocationMs.reduce((a, b) => a + b, 0), 0);
  const sqs = sqsBilledRequests(phase.capacity, ['producer', 'runner']);
  const cost = {
    dynamodb: ((t.read * PRICES.dynamoReadRequestUnit + t.write * PRICES.dynamoWriteRequestUnit) / events) * 1e6,
    lambdaRequests: ((invocations * PRICES.lambdaRequest) / events) * 1e6,
    sqs: ((sqs * PRICES.sqsFifoRequest) / events) * 1e6,
    lambdaComputeUpperBound: (((ms / 1000) * LAMBDA_MEMORY_GB * PRICES.lambdaArmGbSecond) / events) * 1e6,
  };
  return {
    capacityUnits: round(t.total / events, 2),
    readUnits: round(t.read / events, 2),
    writeUnits: round(t.write / events, 2),
    requests: round(t.requests / events, 2),
    invocations: round(invocations / events, 3),
    sqsRequests: round(sqs / events, 3),
    /** Handler milliseconds per event: every invocation's time ÷ the events, not one invocation's. */
    handlerMs: round(ms / events, 1),
    costPerMillionEvents: {
      dynamodb: round(cost.dynamodb),
      lambdaRequests: round(cost.lambdaRequests),
      sqs: round(cost.sqs),
      total: round(cost.dynamodb + cost.lambdaRequests + cost.sqs),
      lambdaComputeUpperBound: round(cost.lambdaComputeUpperBound),
    },
  };
}

const byOperation = (s: Snapshot) => s.dynamo.map((l) => ({ ...l, capacityUnits: round(l.capacityUnits, 1) }));

export function countTypes(events: Envelope[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const e of events) out[e.type] = (out[e.type] ?? 0) + 1;
  return out;
}

export function orgsJson(o: OrgTreeResult) {
  return { events: o.events, via: o.via, seconds: round(o.phase.seconds, 1), eventsPerSecond: round(o.events / o.phase.seconds, 1) };
}

export function importJson(i: ImportPhaseResult) {
  const { summary, phase } = i;
  const importTotals = totals(phase.capacity, ['import']);
  const figuresTotals = totals(phase.capacity, FIGURES_COMPONENTS);
  const recordsTotals = totals(phase.capacity, [FIGURES_RECORDS]);
  return {
    rows: summary.rows,
    imported: summary.imported,
    skipped: summary.skipped,
    badRows: summary.badRows,
    badRowsAsExpected: i.badRowsAsExpected,
    writeSeconds: round(i.writeSeconds, 1),
    rowsPerSecond: round(summary.rows / i.writeSeconds, 0),
    figuresCaughtUpSeconds: round(phase.seconds - i.writeSeconds, 1),
    totalSeconds: round(phase.seconds, 1),
    reportMembersTotal: i.reportMembersTotal,
    reportMatches: i.reportMembersTotal === summary.imported,
    capacityUnitsPerMember: {
      import: round(importTotals.total / summary.imported, 2),
      figures: round(figuresTotals.total / summary.imported, 2),
      /** The figures' part spent on the records' contributions and the facts. */
      figuresRecords: round(recordsTotals.total / summary.imported, 2),
    },
    figuresInvocations: phase.figures.invocationMs.length,
    longestFiguresInvocationMs: longest(phase.figures.invocationMs),
    byOperation: byOperation(phase.capacity),
  };
}

/** The import against the same member items written by batch writes alone on a fresh table (bench/ingest-only.ts). */
export function rawWriteJson(i: ImportPhaseResult, io: IngestOnlyResult | undefined) {
  if (!io) return {};
  return {
    rawWriteSeconds: round(io.rawWriteSeconds, 1),
    rawWriteItems: io.rawWriteItems,
    /** Import + figures caught up ÷ the raw write: the target is ≤ 1.5. */
    totalOverRawWrite: round(i.phase.seconds / io.rawWriteSeconds, 2),
  };
}

/** The ingest alone (bench/ingest-only.ts), beside the end-to-end rate of the same events in the year. */
export function ingestOnlyJson(io: IngestOnlyResult | undefined, endToEndEventsPerSecond: number, yearEvents: number) {
  if (!io) return {};
  return {
    ingestOnlyEventsPerSecond: round(io.eventsPerSecond, 1),
    /** The events sent through the ingest alone: the first of the year's full-speed events. */
    sampleEvents: io.events,
    sample: io.events < yearEvents,
    ingestOnlySeconds: round(io.phase.seconds, 1),
    /** Rejected and waiting there at the end (as in the main year: 0 and 0). */
    ingestOnlyRejected: io.rejected,
    ingestOnlyWaiting: io.waiting,
    ingestOnlyPerEvent: perEvent(io.phase, io.events, ['ingest-only'], ['ingest']),
    /** End-to-end events/s of the same events in the year (the first `sampleEvents`, to the last reflected). */
    endToEndEventsPerSecond: round(endToEndEventsPerSecond, 1),
    /** End to end ÷ the ingest alone, on the same events: the target is ≥ 0.5. */
    endToEndOverIngestOnly: round(endToEndEventsPerSecond / io.eventsPerSecond, 2),
  };
}

/**
 * Each org event type's units in the year at full speed: the ingest's (each org event is
 * handed to it alone, bench/harness.ts) and the figures' for the org changes that reshape
 * the tree (a move, a merger; a rename or a target changes no figure), per event sent.
 */
export function orgEventsJson(phase: PhaseResult, sent: Envelope[]) {
  const counts = countTypes(sent.filter((e) => e.type.startsWith('org.') || e.type === 'target.set'));
  const byType: Record<string, { count: number; perEvent: Record<string, number> }> = {};
  for (const [type, count] of Object.entries(counts)) {
    const lines = phase.capacity.tagged.filter((l) => l.tag === type);
    const sum = (ls: typeof lines, k: 'read' | 'write') => ls.reduce((n, l) => n + l[k], 0);
    const ingest = lines.filter((l) => l.component === 'ingest');
    const figures = lines.filter((l) => FIGURES_COMPONENTS.includes(l.component));
    const read = sum(lines, 'read');
    const write = sum(lines, 'write');
    byType[type] = {
      count,
      perEvent: {
        capacityUnits: round((read + write) / count, 2),
        readUnits: round(read / count, 2),
        writeUnits: round(write / count, 2),
        ingest: round((sum(ingest, 'read') + sum(ingest, 'write')) / count, 2),
        figures: round((sum(figures, 'read') + sum(figures, 'write')) / count, 2),
        requests: round(lines.reduce((n, l) => n + l.requests, 0) / count, 2),
      },
    };
  }
  return { events: Object.values(counts).reduce((a, b) => a + b, 0), byType };
}

/** The longest of some durations (ms, rounded), 0 for none: set beside the function's timeout. */
const longest = (ms: number[]) => Math.round(ms.reduce((a, b) => Math.max(a, b), 0));

/** The results JSON's sections from the events on (events, latency, naive, ratio, check). */
export function eventsJson(m: {
  events: EventYearResult & { sent: Envelope[] };
  latency: PacedResult & { sent: Envelope[] };
  naive: NaiveResult & { sent: Envelope[] };
}) {
  const { events, latency, naive } = m;
  const both: Counted[] = ['ingest', 'figures'];
  const components = ['ingest', ...FIGURES_COMPONENTS];
  const eff = perEvent(events.phase, events.sent.length, components, both);
  const effOneByOne = perEvent(naive.phase, naive.sent.length, components, both);
  const recordsPerEvent = (phase: typeof events.phase, n: number) => round(totals(phase.capacity, [FIGURES_RECORDS]).total / n, 2);
  const nai = perEvent(naive.phase, naive.sent.length, ['ingest', 'naive'], ['ingest', 'naive']);
  const naiveRate = naive.sent.length / naive.phase.seconds;
  return {
    events: {
      sent: events.sent.length,
      seconds: round(events.phase.seconds, 1),
      eventsPerSecond: round(events.eventsPerSecond, 1),
      latencyUnderFullLoadMs: percentiles(events.latencies),
      deferredDeliveries: events.phase.ingest.failedRecords,
      perEvent: eff,
      /** The figures' part of `perEvent.capacityUnits` spent on the records' contributions and the facts (the rest: month and nets items). */
      recordsCapacityUnitsPerEvent: recordsPerEvent(events.phase, events.sent.length),
      byOperation: byOperation(events.phase.capacity),
      sqs: events.phase.capacity.sqs,
      figuresInvocations: events.phase.figures.invocationMs.length,
      longestFiguresInvocationMs: longest(events.phase.figures.invocationMs),
      ingestInvocations: events.phase.ingest.invocationMs.length,
      byType: countTypes(events.sent),
    },
    latency: {
      events: latency.sent.length,
      ratePerSecond: latency.ratePerSecond,
      latencyMs: percentiles(latency.latencies),
      maxMs: Math.max(...latency.latencies),
      perEvent: perEvent(latency.phase, latency.sent.length, components, both),
    },
    naive: {
      events: naive.sent.length,
      types: countTypes(naive.sent),
      seconds: round(naive.phase.seconds, 1),
      eventsPerSecond: round(naiveRate, 3),
      latencyMs: percentiles(naive.latencies),
      perEvent: nai,
      naiveFiguresOnly: round(totals(naive.phase.capacity, ['naive']).total / naive.sent.length, 1),
      sameEventsDangvien: {
        perEvent: effOneByOne,
        latencyMs: percentiles(naive.sameEventsLatencies),
      },
      byOperation: byOperation(naive.phase.capacity),
      rootFiguresAgree: naive.rootDifferences.length === 0,
      rootDifferences: naive.rootDifferences,
    },
    ratio: {
      capacityUnitsPerEvent: round(nai.capacityUnits / eff.capacityUnits, 0),
      capacityUnitsPerEventSameEventsOneByOne: round(nai.capacityUnits / effOneByOne.capacityUnits, 0),
      eventsPerSecond: round(events.eventsPerSecond / naiveRate, 0),
      p50: round(percentile(naive.latencies, 50) / percentile(latency.latencies, 50), 0),
      /** The samples of the two p50s: the naive sample one at a time, dangvien's paced one. */
      p50Of: { naive: naive.latencies.length, dangvien: latency.latencies.length },
    },
  };
}

export function reportsJson(r: ReportCostResult) {
  return {
    reports: r.reports,
    capacityUnitsPerReport: round(r.capacityUnitsPerReport, 1),
    monthsCapacityUnitsPerReport: round(r.monthsCapacityUnitsPerReport, 1),
    msPerReport: round(r.msPerReport, 0),
  };
}

export function checkJson(c: CheckResult) {
  const r = c.finalReport;
  return {
    recomputeDifferences: c.recomputeDifferences,
    recomputeSeconds: round(c.recomputeSeconds, 1),
    rejected: c.rejected,
    waiting: c.waiting,
    finalMembersTotal: r.members.total,
    finalAdmissions: r.admissions.total,
    finalReport: {
      members: r.members,
      admissions: r.admissions,
      organizations: r.organizations,
      dossiers: r.dossiers,
      transfers: r.transfers,
    },
  };
}

/** Writes the results JSON and returns its path. */
export function writeResults(file: string, results: Record<string, unknown>): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

/** The sections of the results JSON that `render` prints, as bench/run.ts assembles them. */
export type RenderedResults = ReturnType<typeof eventsJson> & {
  city: { orgEvents: number; eventsUsed: number; year: number };
  bundles: BundleResult[];
  ceiling: CeilingResult & Partial<ReturnType<typeof ingestOnlyJson>>;
  orgs: ReturnType<typeof orgsJson>;
  import: ReturnType<typeof importJson> & Partial<ReturnType<typeof rawWriteJson>>;
  orgEvents?: ReturnType<typeof orgEventsJson>;
  check: ReturnType<typeof checkJson>;
  reports: ReturnType<typeof reportsJson>;
  totalSeconds: number;
};

/** The results as the README's tables. */
export function render(r: RenderedResults, members: number): string {
  const fmt = (n: number, d = 0) =>
    Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '–';
  const usd = (n: number) => `$${fmt(n, 2)}`;
  const e = r.events;
  const n = r.naive;
  const lines = [
    `### ${fmt(members)} members — ${r.city.orgEvents} org events before the year (the tree), ${fmt(r.city.eventsUsed)} events of ${r.city.year}`,
    '',
    '| | dangvien (recount the cell, merge up) | naive (recount every subtree on the path, per event) | naive ÷ dangvien |',
    '|---|---:|---:|---:|',
    `| events/s end to end | ${fmt(e.eventsPerSecond, 1)} | ${fmt(n.eventsPerSecond, 2)} | 1/${fmt(r.ratio.eventsPerSecond)} |`,
    `| enqueue → report, p50 / p99 | ${formatPercentiles(r.latency.latencyMs, fmt)} | ${formatPercentiles(n.latencyMs, fmt)} | ${fmt(r.ratio.p50)}× |`,
    `| … the naive sample's events in dangvien, p50 / p99 | ${formatPercentiles(n.sameEventsDangvien.latencyMs, fmt)} | | |`,
    `| … under full load (the producer keeps 2,000 queued), p50 / p99 | ${formatPercentiles(e.latencyUnderFullLoadMs, fmt)} | | |`,
    `| capacity units per event | ${fmt(e.perEvent.capacityUnits, 1)} (${fmt(e.perEvent.readUnits, 1)} R + ${fmt(e.perEvent.writeUnits, 1)} W) | ${fmt(n.perEvent.capacityUnits, 0)} (${fmt(n.perEvent.readUnits, 0)} R + ${fmt(n.perEvent.writeUnits, 0)} W) | ${fmt(r.ratio.capacityUnitsPerEvent)}× |`,
    `| … of which the records' contributions and facts | ${fmt(e.recordsCapacityUnitsPerEvent, 1)} | | |`,
    `| … the same ${n.events} events, one at a time | ${fmt(n.sameEventsDangvien.perEvent.capacityUnits, 1)} | ${fmt(n.perEvent.capacityUnits, 0)} | ${fmt(r.ratio.capacityUnitsPerEventSameEventsOneByOne)}× |`,
    `| Lambda invocations / SQS requests per event | ${fmt(e.perEvent.invocations, 2)} / ${fmt(e.perEvent.sqsRequests, 2)} | ${fmt(n.perEvent.invocations, 2)} / ${fmt(n.perEvent.sqsRequests, 2)} | |`,
    `| longest figures invocation (the function's timeout: ${FIGURES_SOURCE.functionTimeoutSeconds} s) | ${fmt(e.longestFiguresInvocationMs / 1000, 1)} s | | |`,
    `| AWS cost per million events (DynamoDB + Lambda requests + SQS) | ${usd(e.perEvent.costPerMillionEvents.total)} | ${usd(n.perEvent.costPerMillionEvents.total)} | ${fmt(n.perEvent.costPerMillionEvents.total / e.perEvent.costPerMillionEvents.total)}× |`,
    `| … Lambda compute at this machine's handler times (upper bound) | ${usd(e.perEvent.costPerMillionEvents.lambdaComputeUpperBound)} | ${usd(n.perEvent.costPerMillionEvents.lambdaComputeUpperBound)} | |`,
    '',
    `| bulk import | |`,
    '|---|---:|',
    `| rows (bad rows reported and skipped) | ${fmt(r.import.rows)} (${r.import.badRows.length}: lines ${r.import.badRows.map((b: { line: number }) => b.line).join(', ')}) |`,
    `| write time, rows/s | ${fmt(r.import.writeSeconds, 1)} s, ${fmt(r.import.rowsPerSecond)} |`,
    `| figures caught up after the last write | ${fmt(r.import.figuresCaughtUpSeconds, 1)} s |`,
    `| longest figures invocation | ${fmt(r.import.longestFiguresInvocationMs / 1000, 1)} s |`,
    `| capacity units per member (import + figures) | ${fmt(r.import.capacityUnitsPerMember.import, 1)} + ${fmt(r.import.capacityUnitsPerMember.figures, 1)} |`,
    ...(r.import.rawWriteSeconds === undefined
      ? []
      : [
          `| the same member items by batch writes alone (fresh table); import + figures ÷ that | ${fmt(r.import.rawWriteSeconds, 1)} s; ${fmt(r.import.totalOverRawWrite ?? NaN, 2)} |`,
        ]),
    `| capacity units per report (root and a district, 4 dates; of which month items) | ${fmt(r.reports.capacityUnitsPerReport, 1)} (${fmt(r.reports.monthsCapacityUnitsPerReport, 1)}) |`,
    `| report members.total after the import | ${fmt(r.import.reportMembersTotal)} (${r.import.reportMatches ? 'exact' : 'WRONG'}) |`,
    `| \`recompute --check\` at the end | ${r.check.recomputeDifferences === 0 ? 'clean' : `${r.check.recomputeDifferences} differences`} (${fmt(r.check.recomputeSeconds, 1)} s); ${r.check.rejected} rejected, ${r.check.waiting} waiting |`,
    '',
    `| this machine | |`,
    '|---|---:|',
    `| org tree (${r.orgs.events} events, one FIFO group) | ${fmt(r.orgs.seconds, 1)} s |`,
    `| DynamoDB Local: 2-item TransactWriteItems, ${r.ceiling.workers} workers | ${fmt(r.ceiling.transactionsPerSecond)}/s (${r.ceiling.capacityUnitsPerTransaction} WCU each) |`,
    ...(r.ceiling.ingestOnlyEventsPerSecond === undefined
      ? []
      : [
          `| the year's events through the ingest alone${r.ceiling.sample ? ` (the first ${fmt(r.ceiling.sampleEvents ?? NaN)})` : ''}; end to end (the same events) ÷ that | ${fmt(r.ceiling.endToEndEventsPerSecond ?? NaN, 1)} ÷ ${fmt(r.ceiling.ingestOnlyEventsPerSecond, 1)}/s = ${fmt(r.ceiling.endToEndOverIngestOnly ?? NaN, 2)} |`,
        ]),
    ...r.bundles.map(
      (b: BundleResult) =>
        `| λ ${b.function}: bundle, zipped, cold init wall / CPU (median) | ${bundleCell(b, (n) => `${fmt(n / 1024)} KiB`)} |`,
    ),
    `| whole run | ${fmt(r.totalSeconds / 60, 1)} min |`,
  ];
  const orgTypes = Object.entries(r.orgEvents?.byType ?? {});
  if (orgTypes.length > 0) {
    lines.push(
      '',
      '| org events of the year | events | capacity units per event: ingest + figures = total |',
      '|---|---:|---:|',
      ...orgTypes.map(
        ([type, t]) =>
          `| \`${type}\` | ${fmt(t.count)} | ${fmt(t.perEvent.ingest ?? NaN, 1)} + ${fmt(t.perEvent.figures ?? NaN, 1)} = ${fmt(t.perEvent.capacityUnits ?? NaN, 1)} |`,
      ),
    );
  }
  return lines.join('\n');
}
