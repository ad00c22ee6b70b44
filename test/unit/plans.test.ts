// The admission plans of an org (docs/events.md#targets): records written before plans
// stay readable, a later plan replaces the one it stands for, and the report finds the
// year's and the term's plans.
import { describe, expect, it } from 'vitest';
import { planOf, plansOf, termPlans, withPlan, yearPlan } from '../../shared/domain/plans.js';
import type { OrgRecord } from '../../shared/domain/records.js';

type Plans = Pick<OrgRecord, 'targets' | 'plans'>;

describe('admission plans', () => {
  it('reads the yearly targets of a record written before plans as own year plans', () => {
    // Prepare
    const old: Plans = { targets: { '2020': 40, '2021': 50 } };
    // Act
    const plan = yearPlan(old, 2021, 'own');
    // Assess
    expect(plan).toEqual({ kind: 'own', term: false, fromYear: 2021, toYear: 2021, admissions: 50 });
    expect(yearPlan(old, 2021, 'assigned')).toBeUndefined();
    expect(termPlans(old, 2021)).toBeUndefined();
  });

  it('carries an older record into plans once, the year set again replaced', () => {
    // Prepare
    const old: Plans = { targets: { '2020': 40, '2021': 50 } };
    // Act
    const next = withPlan(old, planOf({ year: 2021, admissions: 60, student: 5 }));
    // Assess
    expect(next.targets).toEqual({});
    expect(plansOf(next).map((p) => [p.fromYear, p.admissions, p.student])).toEqual([
      [2020, 40, undefined],
      [2021, 60, 5],
    ]);
  });

  it('keeps the year of a term and the term apart, and own apart from assigned', () => {
    // Prepare
    let org: Plans = { targets: {} };
    // Act
    for (const d of [
      { year: 2018, admissions: 200 },
      { year: 2018, kind: 'assigned' as const, admissions: 227 },
      { term: { fromYear: 2015, toYear: 2020 }, admissions: 1000 },
      { term: { fromYear: 2015, toYear: 2020 }, kind: 'assigned' as const, admissions: 1100 },
    ])
      org = withPlan(org, planOf(d));
    // Assess
    expect(yearPlan(org, 2018, 'own')?.admissions).toBe(200);
    expect(yearPlan(org, 2018, 'assigned')?.admissions).toBe(227);
    expect(termPlans(org, 2018)).toMatchObject({ fromYear: 2015, toYear: 2020, own: { admissions: 1000 }, assigned: { admissions: 1100 } });
    expect(termPlans(org, 2021)).toBeUndefined();
  });

  it('counts the term of an assigned plan alone when the org has no own term plan', () => {
    // Prepare
    const org = withPlan({ targets: {} }, planOf({ term: { fromYear: 2020, toYear: 2025 }, kind: 'assigned', admissions: 500 }));
    // Act
    const term = termPlans(org, 2025);
    // Assess
    expect(term).toEqual({ fromYear: 2020, toYear: 2025, assigned: expect.objectContaining({ admissions: 500 }) });
    expect(term?.own).toBeUndefined();
  });

  it('leaves an assigned term of another period out of an own term', () => {
    // Prepare
    let org: Plans = { targets: {} };
    org = withPlan(org, planOf({ term: { fromYear: 2020, toYear: 2025 }, admissions: 500 }));
    org = withPlan(org, planOf({ term: { fromYear: 2021, toYear: 2026 }, kind: 'assigned', admissions: 600 }));
    // Act
    const term = termPlans(org, 2022);
    // Assess
    expect(term).toMatchObject({ fromYear: 2020, toYear: 2025, own: { admissions: 500 } });
    expect(term?.assigned).toBeUndefined();
  });
});
