// domain/figures: the report of docs/report.md as a zod schema, the one description of it
// that schemas/report.json and the HTTP API's OpenAPI document are generated from. The
// compile-time check below ties it to the `Report` type that `renderReport` returns, and
// the tests parse real reports with it, so the published shape cannot drift.
import * as z from 'zod';
import { BusinessDateSchema, IdSchema, ORG_LEVELS } from '../events/index.js';
import { ADMISSION_SHARES, type Report } from './report.js';
import { ADMISSION_FIGURES, MEMBER_FIGURES, MEMBER_WORK_FIGURES } from './types.js';
import { SMALL_COUNT_THRESHOLD, SUPPRESSIBLE_FIELDS, SUPPRESSION_REASON, type SensitiveTrait } from './suppression.js';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertSame<_T extends true>(): void {}

/** A count of people, orgs or events. */
const count = () => z.int().min(0);

/** Strict objects of counts, keys in the contract's order. */
function counts<const K extends readonly string[]>(keys: K) {
  return z.strictObject(Object.fromEntries(keys.map((k) => [k, count()])) as { [P in K[number]]: ReturnType<typeof count> });
}

/** Why a sensitive count may be null (suppression.ts), said once for each of them. */
const HIDDEN = `null when the org is a cell, grassroots cell or sub-committee and this count or the rest of its total is below ${String(SMALL_COUNT_THRESHOLD)} (named in suppressed)`;

/** Strict objects of counts, the sensitive traits among them nullable (suppression.ts). */
function countsWithTraits<const K extends readonly string[]>(keys: K) {
  const sensitive = (k: string): k is SensitiveTrait => k === 'ethnicMinority' || k === 'religious';
  return z.strictObject(
    Object.fromEntries(keys.map((k) => [k, sensitive(k) ? count().nullable().describe(HIDDEN) : count()])) as {
      [P in K[number]]: P extends SensitiveTrait ? z.ZodNullable<ReturnType<typeof count>> : ReturnType<typeof count>;
    },
  );
}

/** The figures of a row shown as null, and why (docs/report.md "Small counts suppressed"). */
const SuppressedSchema = z
  .array(z.strictObject({ field: z.enum(SUPPRESSIBLE_FIELDS), reason: z.literal(SUPPRESSION_REASON) }))
  .describe(
    `the figures of this row shown as null because they would single people out: in a cell, grassroots cell or sub-committee, a count of ethnicMinority or religious (members, admissions, the previous year's) and its share, when it or the rest of its total is below ${String(SMALL_COUNT_THRESHOLD)}, zero included; empty when none`,
  );

/** A share of a whole in percent, 2 decimals; null when the whole is 0. */
const share = () => z.number().min(0).max(100).nullable();

const [RECORDS_FILED, ...OTHER_WORK_FIGURES] = MEMBER_WORK_FIGURES;

const MembersSchema = z
  .strictObject({
    ...countsWithTraits(MEMBER_FIGURES).shape,
    [RECORDS_FILED]: count().describe('of total, those whose party file was filed on or before asOf'),
    recordsFiledPct: share().describe('round(100 × recordsFiled / total, 2); null when total is 0'),
    ...counts(OTHER_WORK_FIGURES).shape,
  })
  .describe(
    'active members at the end of asOf (official + probationary = total; in transit and exited not in total); officialWithoutCard: official members with no card by asOf; ceremonyPending: probationary members admitted by member.admitted with no ceremony by asOf',
  );

const AdmissionCountsSchema = countsWithTraits(ADMISSION_FIGURES);

/** A percentage, null when there is nothing to divide by. */
const pct = () => z.number().min(0).nullable();

const SubTargetSchema = z.strictObject({
  target: count().describe('the least admissions from the group the plan calls for'),
  admitted: count().describe("the year's admissions from the group, to asOf"),
  achievementPct: pct().describe('round(100 × admitted / target, 1); null when the target is 0'),
});

const AdmissionsSchema = z
  .strictObject({
    ...AdmissionCountsSchema.shape,
    target: count().nullable().describe("the org's own admission target for the year (chỉ tiêu), null when none"),
    achievementPct: pct().describe('round(100 × total / target, 1); null without a target or when it is 0'),
    targetAssigned: count()
      .nullable()
      .describe('the admission target the level above assigned for the year (kế hoạch cấp trên giao), null when none'),
    achievementPctAssigned: pct().describe('round(100 × total / targetAssigned, 1); null without one or when it is 0'),
    subTargets: z
      .strictObject({
        privateSector: SubTargetSchema.optional().describe('admissions from private enterprises: privateEnterprise + enterpriseOwner'),
        student: SubTargetSchema.optional().describe('admissions of students'),
      })
      .describe("each group the year's own plan names a sub-target for (else the assigned plan's); absent groups have none"),
    sharesPct: z
      .strictObject(
        Object.fromEntries(ADMISSION_SHARES.map((k) => [k, pct()])) as { [K in (typeof ADMISSION_SHARES)[number]]: ReturnType<typeof pct> },
      )
      .describe(
        'each breakdown as a share of total: round(100 × n / total, 2); privateSector = privateEnterprise + enterpriseOwner; null when total is 0, and ethnicMinority and religious when their count is suppressed',
      ),
    recordsFiled: count().describe('of total, those whose party file was filed by asOf'),
    recordsFiledPct: share().describe('round(100 × recordsFiled / total, 2); null when total is 0'),
  })
  .describe('admissions whose admittedOn falls in the year and not after asOf (year to date), by the profile at admission');

const TermSchema = z
  .strictObject({
    fromYear: z.int().min(1930).max(2199),
    toYear: z.int().min(1930).max(2199),
    target: count().nullable().describe('the own term target (nghị quyết đại hội), null when only an assigned one covers the year'),
    targetAssigned: count().nullable().describe('the assigned target of the same term, null when none'),
    admitted: count().describe('admissions from 1 January of fromYear to asOf, at most to 31 December of toYear'),
    achievementPct: pct().describe('round(100 × admitted / target, 1)'),
    achievementPctAssigned: pct().describe('round(100 × admitted / targetAssigned, 1)'),
  })
  .nullable()
  .describe('the congress term (nhiệm kỳ) a term target of the org covers the year with; null when none does');

const OrgLevelSchema = z.enum(ORG_LEVELS);

/** The candidate pool of a subtree (docs/report.md). */
const CandidatesSchema = counts(['pool', 'certified', 'trained', 'classes', 'admitted'] as const).describe(
  "the candidate pool (tạo nguồn): pool on asOf (listed, not dropped or admitted), certified (of pool, a class certificate valid on asOf), trained (certificates dated in the year to asOf), classes (their distinct classIds), admitted (the year's admissions of candidates with a certificate dated on or before their admission)",
);

/** One child in `children`: the same members, admissions and candidate pool, one level down. */
export const ReportChildSchema = z.strictObject({
  orgId: IdSchema,
  name: z.string(),
  level: OrgLevelSchema,
  members: MembersSchema,
  admissions: AdmissionsSchema,
  term: TermSchema,
  candidates: CandidatesSchema,
  suppressed: SuppressedSchema,
});

/** The report of one org for its whole subtree (docs/report.md), keys in the contract's order. */
export const ReportSchema = z
  .strictObject({
    orgId: IdSchema,
    name: z.string(),
    level: OrgLevelSchema,
    asOf: BusinessDateSchema.describe(
      'the day members, open dossiers, dueSoon, overdue and late are judged on, and the last day the yearly figures count',
    ),
    year: z.int().min(1930).max(2200).describe('the year of the yearly figures, counted from 1 January to asOf'),
    organizations: counts([
      'grassroots',
      'grassrootsCommittees',
      'grassrootsCells',
      'cells',
      'newInYear',
      'privateSector',
    ] as const).describe(
      'orgs of the subtree by level, today (grassroots = grassrootsCommittees + grassrootsCells; cells = level cell only); newInYear: founded in the year to asOf; privateSector: active, in a private-enterprise or foreign-invested body, today',
    ),
    members: MembersSchema,
    admissions: AdmissionsSchema,
    term: TermSchema,
    previousYear: z
      .strictObject({ year: z.int().min(1929).max(2199), admissions: AdmissionCountsSchema })
      .describe("the previous year's admissions, the whole year (no targets, no shares), for the change from it"),
    candidates: CandidatesSchema,
    recognitions: counts(['total'] as const),
    transfers: counts(['officialIn', 'officialOut', 'temporaryIn', 'temporaryOut', 'late', 'temporaryTooLong'] as const).describe(
      'transfers across the subtree boundary in the year to asOf; late: those open and late on asOf; temporaryTooLong: temporary transfers from the subtree open on asOf and issued 12 months or more before it',
    ),
    exits: counts(['expelled', 'struckOff', 'resigned', 'deceased'] as const),
    dossiers: z.strictObject({
      open: count(),
      byStep: counts(['received', 'processing', 'reported', 'reviewed'] as const),
      dueSoon: count().describe('dossiers open on asOf whose deadline is 1 to 15 days after it'),
      overdue: count().describe('dossiers open on asOf whose deadline is asOf or before'),
      closedInYear: count(),
      medianDaysToClose: z
        .number()
        .min(0)
        .nullable()
        .describe(
          'the median days from receipt to closing of the dossiers closed in the year to asOf; may end in .5; null when none closed',
        ),
    }),
    ratings: counts(['excellent', 'good', 'completed', 'notCompleted'] as const),
    orgRatings: counts(['excellent', 'good', 'completed', 'notCompleted'] as const).describe(
      "the subtree's organizations (itself included) by their rating for the year, counted from 31 December of it",
    ),
    badges: counts(['awarded'] as const),
    suppressed: SuppressedSchema,
    children: z.array(ReportChildSchema).describe('the active children, sorted by orgId'),
  })
  .meta({ title: 'report', description: 'The report of an org and its whole subtree: figures only, never personal data.' });
assertSame<Same<z.output<typeof ReportSchema>, Report>>();
