// domain/figures: small counts of sensitive traits suppressed (docs/report.md "Small counts
// suppressed"). In the report of a small organization — a cell (chi bộ trực thuộc), a
// grassroots cell (chi bộ cơ sở), a sub-committee (đảng bộ bộ phận) — a count of religious
// or ethnic-minority members or admissions says who they are to anyone who knows the few
// people in it, and a change from one day to the next says it of the one person admitted,
// moved or gone that day. So such a count is shown only when both it and the rest of its
// whole (total − count) are at least SMALL_COUNT_THRESHOLD; else it and its share are null,
// named in `suppressed`. Zero is suppressed too: "nobody here is religious" is a trait of
// each member, and a 0 turning into a suppressed value on the day of one admission would
// say that person's trait as surely as a 1.
import type { OrgLevel } from '../records.js';

/** A count and the rest of its whole must each reach this to be shown (docs/report.md: why 5). */
export const SMALL_COUNT_THRESHOLD = 5;

/** The levels whose reports and children rows hide small counts: below the grassroots level, and the chi bộ cơ sở, a cell's size. */
export const SMALL_ORG_LEVELS: readonly OrgLevel[] = ['sub-committee', 'grassroots-cell', 'cell'];

/** The traits whose small counts are hidden: the ones the Party's forms treat as sensitive. */
export const SENSITIVE_TRAITS = ['ethnicMinority', 'religious'] as const;
export type SensitiveTrait = (typeof SENSITIVE_TRAITS)[number];

/** Why a figure is null in a report: the only reason there is. */
export const SUPPRESSION_REASON = 'small-count';

/** Every figure a report may suppress, by its dotted path (its `previousYear` ones only for the report's own org). */
export const SUPPRESSIBLE_FIELDS = [
  ...SENSITIVE_TRAITS.map((t) => `members.${t}` as const),
  ...SENSITIVE_TRAITS.map((t) => `admissions.${t}` as const),
  ...SENSITIVE_TRAITS.map((t) => `admissions.sharesPct.${t}` as const),
  ...SENSITIVE_TRAITS.map((t) => `previousYear.admissions.${t}` as const),
];
export type SuppressibleField = (typeof SUPPRESSIBLE_FIELDS)[number];

/** A figure the report shows as null, and why. */
export interface SuppressedFigure {
  field: SuppressibleField;
  reason: typeof SUPPRESSION_REASON;
}

/** Whether the reports of an org at `level` hide small counts. */
export const hidesSmallCounts = (level: OrgLevel): boolean => SMALL_ORG_LEVELS.includes(level);

/** Whether `count` of a whole of `total` would single people out: it, or the rest, is below the threshold. */
export const revealsFew = (count: number, total: number): boolean => count < SMALL_COUNT_THRESHOLD || total - count < SMALL_COUNT_THRESHOLD;

/** A group of figures holding the sensitive traits, as the report shows them. */
type TraitGroup = { total: number } & Record<SensitiveTrait, number | null>;

/** A group of figures as a report shows it: its sensitive counts may be null. */
export type Shown<T> = Omit<T, SensitiveTrait> & Record<SensitiveTrait, number | null>;

/**
 * `group` with each sensitive count that reveals few set to null (and its share, when the
 * group has `sharesPct`), and the paths (under `prefix`) it nulled. Pure: a copy.
 */
export function hideFew<G extends TraitGroup>(
  group: G,
  prefix: 'members' | 'admissions' | 'previousYear.admissions',
): { group: Shown<G>; hidden: SuppressedFigure[] } {
  const out = { ...group } as G & { sharesPct?: Record<string, number | null> };
  if (out.sharesPct) out.sharesPct = { ...out.sharesPct };
  const hidden: SuppressedFigure[] = [];
  for (const trait of SENSITIVE_TRAITS) {
    const count = group[trait];
    if (count === null || !revealsFew(count, group.total)) continue;
    (out as TraitGroup)[trait] = null;
    hidden.push({ field: `${prefix}.${trait}`, reason: SUPPRESSION_REASON });
    if (out.sharesPct && trait in out.sharesPct) {
      out.sharesPct[trait] = null;
      hidden.push({ field: `admissions.sharesPct.${trait}`, reason: SUPPRESSION_REASON });
    }
  }
  return { group: out as Shown<G>, hidden };
}
