// The organizations' own figures of docs/report.md: founded in the year, in the private
// sector, and by their annual rating, over a subtree, as the report renders them.
import { describe, expect, it } from 'vitest';
import { ReportSchema } from '../../shared/domain/figures/report-schema.js';
import { renderReport } from '../../shared/domain/figures/report.js';
import { OrgTree } from '../../shared/domain/figures/tree.js';
import type { OrgLevel, OrgRecord } from '../../shared/domain/records.js';

const org = (orgId: string, parentId: string | null, level: OrgLevel, more: Partial<OrgRecord> = {}): OrgRecord => ({
  orgId,
  parentId,
  name: `Tổ chức ${orgId}`,
  level,
  status: 'active',
  targets: {},
  version: 1,
  ...more,
});

/**
 * HP > Q1 > {C1 (private, founded 2021-05-19, rated good then corrected to excellent), C2
 * (foreign-invested, dissolved), C3 (founded 2021-10-02)}; HP > Q2 > C9 (private, founded
 * 2021-03-01, rated not-completed). Q1 itself rated completed for 2021, good for 2020.
 */
function tree(): OrgTree {
  return new OrgTree([
    org('HP', null, 'province'),
    org('Q1', 'HP', 'upper-grassroots', { orgRatings: { '2020': 'good', '2021': 'completed' } }),
    org('C1', 'Q1', 'grassroots-cell', { sector: 'private-enterprise', establishedOn: '2021-05-19', orgRatings: { '2021': 'excellent' } }),
    org('C2', 'Q1', 'grassroots-cell', {
      sector: 'foreign-invested',
      status: 'dissolved',
      dissolvedOn: '2021-08-01',
      establishedOn: '2021-01-05',
    }),
    org('C3', 'Q1', 'grassroots-cell', { sector: 'residential', establishedOn: '2021-10-02' }),
    org('Q2', 'HP', 'upper-grassroots'),
    org('C9', 'Q2', 'grassroots-cell', {
      sector: 'private-enterprise',
      establishedOn: '2021-03-01',
      orgRatings: { '2021': 'not-completed' },
    }),
  ]);
}

function report(orgId: string, year: number, date: string) {
  const t = tree();
  const empty = { state: {}, yearly: {}, dueSoon: 0 };
  return renderReport({ org: t.get(orgId)!, tree: t, figures: empty, children: [], year, date });
}

describe('the organizations’ own figures', () => {
  it('counts orgs founded in the year up to the day asked, a dissolved one too', () => {
    // Act
    const september = report('Q1', 2021, '2021-09-30');
    const yearEnd = report('Q1', 2021, '2021-12-31');
    const nextYear = report('Q1', 2022, '2022-12-31');
    // Assess
    expect(september.organizations.newInYear).toBe(2); // C1, C2; C3 only from 2 October
    expect(yearEnd.organizations.newInYear).toBe(3);
    expect(nextYear.organizations.newInYear).toBe(0);
  });

  it('counts active orgs in private or foreign-invested enterprises of the subtree only', () => {
    // Act
    const q1 = report('Q1', 2021, '2021-12-31');
    const hp = report('HP', 2021, '2021-12-31');
    // Assess
    expect(q1.organizations.privateSector).toBe(1); // C1; C2 is dissolved, C3 residential
    expect(hp.organizations.privateSector).toBe(2); // and C9
  });

  it('counts the subtree’s orgs, itself included, by their latest rating for the year, from 31 December', () => {
    // Act
    const yearEnd = report('Q1', 2021, '2021-12-31');
    const within = report('Q1', 2021, '2021-12-30');
    const earlier = report('HP', 2020, '2020-12-31');
    const hp = report('HP', 2021, '2022-02-01');
    // Assess
    expect(yearEnd.orgRatings).toEqual({ excellent: 1, good: 0, completed: 1, notCompleted: 0 });
    expect(within.orgRatings).toEqual({ excellent: 0, good: 0, completed: 0, notCompleted: 0 });
    expect(earlier.orgRatings).toEqual({ excellent: 0, good: 1, completed: 0, notCompleted: 0 });
    expect(hp.orgRatings).toEqual({ excellent: 1, good: 0, completed: 1, notCompleted: 1 });
  });

  it('publishes them in the report’s schema', () => {
    // Act
    const parsed = ReportSchema.safeParse(report('HP', 2021, '2021-12-31'));
    // Assess
    expect(parsed.success).toBe(true);
  });
});
