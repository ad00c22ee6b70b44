// domain: the admission plans of an org (chỉ tiêu kết nạp), by year or by congress term,
// its own or assigned from above (docs/events.md#targets): how `target.set` changes them
// and how the report finds the one that counts. Pure: no AWS import.
import type { AdmissionPlan, OrgRecord, PlanKind } from './records.js';

/** What `target.set` carries (docs/events.md#targets), as parsed. */
export interface TargetSetData {
  year?: number | undefined;
  term?: { fromYear: number; toYear: number } | undefined;
  kind?: PlanKind | undefined;
  admissions: number;
  privateSector?: number | undefined;
  student?: number | undefined;
}

/** The plan a `target.set` states. */
export function planOf(d: TargetSetData): AdmissionPlan {
  const [fromYear, toYear] = d.term ? [d.term.fromYear, d.term.toYear] : [d.year!, d.year!];
  return {
    kind: d.kind ?? 'own',
    term: d.term !== undefined,
    fromYear,
    toYear,
    admissions: d.admissions,
    ...(d.privateSector === undefined ? {} : { privateSector: d.privateSector }),
    ...(d.student === undefined ? {} : { student: d.student }),
  };
}

const overlaps = (a: AdmissionPlan, b: AdmissionPlan) => a.fromYear <= b.toYear && b.fromYear <= a.toYear;

/**
 * Whether `later` replaces `earlier`: the same kind, both years or both terms, and the
 * same year — or, for terms, overlapping ones. One org has one congress term at a time, so
 * a term that overlaps an earlier one of the same kind is its correction (2020–2024 set
 * again as 2020–2025), not a second plan.
 */
const replaces = (later: AdmissionPlan, earlier: AdmissionPlan) =>
  later.kind === earlier.kind && later.term === earlier.term && overlaps(later, earlier);

/** Every plan of an org: its `plans`, and the own yearly targets of an older record that no plan replaced. */
export function plansOf(org: Pick<OrgRecord, 'targets' | 'plans'>): AdmissionPlan[] {
  const plans = org.plans ?? [];
  const legacy = Object.entries(org.targets ?? {})
    .map(([year, admissions]): AdmissionPlan => ({ kind: 'own', term: false, fromYear: Number(year), toYear: Number(year), admissions }))
    .filter((old) => Number.isInteger(old.fromYear) && !plans.some((p) => replaces(p, old)));
  return [...legacy, ...plans];
}

/** The org's plans once `plan` is set: what it replaces gone, sorted by kind, term and year (a stable record). */
export function withPlan(org: Pick<OrgRecord, 'targets' | 'plans'>, plan: AdmissionPlan): Pick<OrgRecord, 'targets' | 'plans'> {
  const plans = [...plansOf(org).filter((p) => !replaces(plan, p)), plan].sort(
    (a, b) => a.kind.localeCompare(b.kind) || Number(a.term) - Number(b.term) || a.fromYear - b.fromYear,
  );
  // The older yearly map is carried into `plans` once, so that one place holds them all.
  return { targets: {}, plans };
}

/** The plan of `kind` for `year` alone, if any. */
export function yearPlan(org: Pick<OrgRecord, 'targets' | 'plans'>, year: number, kind: PlanKind): AdmissionPlan | undefined {
  return plansOf(org).find((p) => !p.term && p.kind === kind && p.fromYear === year);
}

/**
 * The term plans that cover `year`: the own one (else none) and the assigned one of the
 * same term — or, without an own one, the assigned term alone. `period` is the term the
 * report counts over (the own plan's, else the assigned one's); undefined when no term
 * plan covers the year.
 */
export function termPlans(
  org: Pick<OrgRecord, 'targets' | 'plans'>,
  year: number,
): { fromYear: number; toYear: number; own?: AdmissionPlan; assigned?: AdmissionPlan } | undefined {
  const covering = (kind: PlanKind) => plansOf(org).find((p) => p.term && p.kind === kind && p.fromYear <= year && year <= p.toYear);
  const own = covering('own');
  const assigned = covering('assigned');
  const period = own ?? assigned;
  if (!period) return undefined;
  const sameTerm = assigned && assigned.fromYear === period.fromYear && assigned.toYear === period.toYear ? assigned : undefined;
  return {
    fromYear: period.fromYear,
    toYear: period.toYear,
    ...(own ? { own } : {}),
    ...(sameTerm ? { assigned: sameTerm } : {}),
  };
}
