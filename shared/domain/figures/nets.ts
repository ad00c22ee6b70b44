// domain/figures: keeping an org's nets of closed years (months.ts `Nets`) equal to the
// sum of its month items, with the delta merge's bookkeeping: a change of a month is added
// to a year's net only when the net holds the version that change started from; otherwise
// the year is summed again from its twelve months. Pure: the use case reads and writes.
import { addTally, cleanTally, type DatedChanges, type Tally } from './catalogue.js';
import type { SourceReport } from './delta.js';
import { netOf, type Month, type Nets } from './months.js';

/** What bringing the nets up to date needs: the years to sum again from their months, the deltas to add. */
export interface NetsPlan {
  /** Years to sum again from their twelve month items. */
  full: Set<number>;
  /** Years after `through` up to `closable` that the nets must take in (all of them, summed from months). */
  cover?: { after: number | undefined; through: number };
  /** Changes of months of years the nets hold, each from the version they hold. */
  deltas: Array<{ month: Month; version: number; before: DatedChanges; after: DatedChanges }>;
}

const yearOfMonth = (m: Month) => Number(m.slice(0, 4));
const monthIndex = (m: Month) => Number(m.slice(5, 7)) - 1;

/** The version of month `m` a net holds (0: none). */
export const seenVersion = (nets: Nets | undefined, m: Month): number => nets?.seen[String(yearOfMonth(m))]?.[monthIndex(m)] ?? 0;

/**
 * How the `nets` (undefined: absent) take in what this refresh did to the org's months
 * (`reports`, by month), on a day when the years up to `closable` are closed.
 */
export function planNets(nets: Nets | undefined, reports: ReadonlyMap<Month, SourceReport<DatedChanges>>, closable: number): NetsPlan {
  const plan: NetsPlan = { full: new Set(), deltas: [] };
  const through = nets?.through;
  if (through === undefined || through < closable) plan.cover = { after: through, through: closable };
  for (const [m, report] of reports) {
    const y = yearOfMonth(m);
    if (through === undefined || y > through) continue; // open, or taken in by `cover`
    const held = seenVersion(nets, m);
    if (held >= report.version) continue;
    if (report.change?.beforeVersion === held) plan.deltas.push({ month: m, version: report.version, ...report.change });
    else plan.full.add(y);
  }
  plan.deltas = plan.deltas.filter((d) => !plan.full.has(yearOfMonth(d.month)));
  return plan;
}

/** Whether a plan changes nothing. */
export const nothingToDo = (plan: NetsPlan): boolean => plan.full.size === 0 && plan.deltas.length === 0 && !plan.cover;

/**
 * The nets after `plan`, given the org's month items of every year the plan sums again
 * (`months`: month → its changes and version; a month not given is absent, version 0).
 */
export function applyNets(
  nets: Nets | undefined,
  plan: NetsPlan,
  months: ReadonlyMap<Month, { changes: DatedChanges; version: number }>,
): Nets {
  const out: Nets = {
    ...(nets?.through !== undefined ? { through: nets.through } : {}),
    years: { ...(nets?.years ?? {}) },
    seen: Object.fromEntries(Object.entries(nets?.seen ?? {}).map(([y, v]) => [y, [...v]])),
  };
  const summed = new Set(plan.full);
  if (plan.cover) {
    for (const m of months.keys()) {
      const y = yearOfMonth(m);
      if ((plan.cover.after === undefined || y > plan.cover.after) && y <= plan.cover.through) summed.add(y);
    }
    out.through = plan.cover.through;
  }
  for (const y of summed) {
    const net: Tally = {};
    const seen = Array.from({ length: 12 }, () => 0);
    for (const [m, item] of months) {
      if (yearOfMonth(m) !== y) continue;
      addTally(net, netOf(item.changes));
      seen[monthIndex(m)] = item.version;
    }
    setYear(out, y, net, seen);
  }
  for (const d of plan.deltas) {
    const y = yearOfMonth(d.month);
    const net = addTally(addTally({ ...(out.years[String(y)] ?? {}) }, netOf(d.after)), netOf(d.before), -1);
    const seen = [...(out.seen[String(y)] ?? Array.from({ length: 12 }, () => 0))];
    seen[monthIndex(d.month)] = d.version;
    setYear(out, y, net, seen);
  }
  return out;
}

function setYear(nets: Nets, y: number, net: Tally, seen: number[]): void {
  const clean = cleanTally(net);
  if (Object.keys(clean).length > 0) nets.years[String(y)] = clean;
  else delete nets.years[String(y)];
  if (seen.some((v) => v !== 0)) nets.seen[String(y)] = seen;
  else delete nets.seen[String(y)];
}

/** The years a plan sums again from months (those `cover` takes in are found by reading). */
export const yearsSummed = (plan: NetsPlan): number[] => [...plan.full];

/** Whether the versions of the month items read for a year still match what the nets recorded (the check after covering). */
export function seenStill(nets: Nets, months: ReadonlyMap<Month, { version: number }>, years: Iterable<number>): boolean {
  for (const y of years) {
    const seen = nets.seen[String(y)] ?? Array.from({ length: 12 }, () => 0);
    for (let i = 0; i < 12; i++) {
      const m = `${String(y).padStart(4, '0')}-${String(i + 1).padStart(2, '0')}`;
      if ((months.get(m)?.version ?? 0) !== (seen[i] ?? 0)) return false;
    }
  }
  return true;
}
