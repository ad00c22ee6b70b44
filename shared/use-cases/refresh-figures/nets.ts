// use case refreshFigures: an org's nets of closed years brought up to date with what this
// refresh did to its months (domain/figures/nets.ts), after those months were written.
import { applyNets, nothingToDo, planNets, type Month, type Nets, type NetsPlan } from '../../domain/figures/index.js';
import { ConcurrentUpdateError } from '../errors.js';
import type { MonthReports } from './cells.js';
import { netsId, type FiguresKind, type FiguresStore, type StoredMonth } from './port.js';

const MAX_CONFLICTS = 20;
const pad = (year: number) => String(year).padStart(4, '0');

/**
 * What the warm function knows of the nets it wrote or read: `kind:orgId` → the last year
 * they hold. It spares the read of nets that need nothing while the year is open.
 */
export type NetsKnown = Map<string, number>;

/** The month items a plan sums again from, read consistently. */
async function monthsFor(
  store: Pick<FiguresStore, 'queryMonths'>,
  orgId: string,
  kind: FiguresKind,
  plan: NetsPlan,
): Promise<Map<Month, StoredMonth>> {
  const ranges = [...plan.full].map((y) => ({ from: `${pad(y)}-01`, to: `${pad(y)}-12` }));
  if (plan.cover) {
    const { after, through } = plan.cover;
    ranges.push({ from: after === undefined ? '0000-01' : `${pad(after + 1)}-01`, to: `${pad(through)}-12` });
  }
  const found = await Promise.all(ranges.map((r) => store.queryMonths(orgId, kind, r, true)));
  return new Map(found.flat().map((m) => [m.month, m]));
}

/** Whether every month a plan summed still has the version the nets recorded (none written since, none new). */
function stillAsSummed(nets: Nets, plan: NetsPlan, now: ReadonlyMap<Month, StoredMonth>): boolean {
  const { cover } = plan;
  const summed = (y: number) =>
    plan.full.has(y) || (cover !== undefined && (cover.after === undefined || y > cover.after) && y <= cover.through);
  const years = [...plan.full, ...[...now.keys()].map((m) => Number(m.slice(0, 4))), ...Object.keys(nets.seen).map(Number)];
  for (const y of new Set(years.filter(summed))) {
    const seen = nets.seen[String(y)] ?? [];
    for (let i = 0; i < 12; i++) {
      const m = `${pad(y)}-${String(i + 1).padStart(2, '0')}`;
      if ((now.get(m)?.version ?? 0) !== (seen[i] ?? 0)) return false;
    }
  }
  return true;
}

/**
 * Brings the nets of (`orgId`, `kind`) up to date after this refresh wrote the months in
 * `reports`, on a day when years up to `closable` are closed. A year summed again from its
 * months (the nets take in a newly closed year, or missed a change) is checked once more
 * after the write: a month written meanwhile by a writer that read the nets before they
 * held that year would otherwise be missed, so the sum is redone.
 */
export async function syncNets(
  store: Pick<FiguresStore, 'readItems' | 'queryMonths' | 'writeNets'>,
  org: { orgId: string; kind: FiguresKind },
  reports: MonthReports,
  closable: number,
  known?: NetsKnown,
  /** Years to sum again from their months whatever the nets record (`recompute`). */
  force: Iterable<number> = [],
): Promise<void> {
  const { orgId, kind } = org;
  const id = netsId(orgId, kind);
  const touchesClosed = [...reports.keys()].some((m) => Number(m.slice(0, 4)) <= closable);
  const forced = new Set<number>(force);
  if (!touchesClosed && forced.size === 0 && (known?.get(id) ?? Number.NEGATIVE_INFINITY) >= closable) return;
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const nets = (await store.readItems({ nets: [{ orgId, kind }] })).nets.get(id);
    const plan = planNets(nets, reports, closable);
    for (const y of forced) if (nets?.through !== undefined && y <= nets.through) plan.full.add(y);
    plan.deltas = plan.deltas.filter((d) => !plan.full.has(Number(d.month.slice(0, 4))));
    if (nothingToDo(plan)) {
      if (nets?.through !== undefined) known?.set(id, nets.through);
      return;
    }
    const months = await monthsFor(store, orgId, kind, plan);
    const next = applyNets(nets, plan, months);
    if (!(await store.writeNets({ orgId, kind, ...next }, nets?.version))) continue;
    if (plan.full.size > 0 || plan.cover) {
      const now = await monthsFor(store, orgId, kind, plan);
      if (!stillAsSummed(next, plan, now)) {
        for (const m of now.keys()) forced.add(Number(m.slice(0, 4)));
        for (const y of plan.full) forced.add(y);
        continue;
      }
    }
    if (next.through !== undefined) known?.set(id, next.through);
    return;
  }
  throw new ConcurrentUpdateError(`nets of ${id}`, MAX_CONFLICTS);
}
