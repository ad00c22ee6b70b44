// domain/events: the contract's vocabularies (docs/events.md), each written once as a zod
// enum; the TypeScript types are derived from them, so a value cannot be added on one
// side only. The records (records.ts) and the payloads (payloads.ts) both use these.
import * as z from 'zod';

/** Org levels, top down (docs/events.md#organizations). */
export const OrgLevelSchema = z.enum(['province', 'upper-grassroots', 'grassroots-committee', 'sub-committee', 'grassroots-cell', 'cell']);
export type OrgLevel = z.infer<typeof OrgLevelSchema>;
export const ORG_LEVELS = OrgLevelSchema.options;

/** Levels that hold members (chi bộ). */
export const CELL_LEVELS: readonly OrgLevel[] = OrgLevelSchema.extract(['grassroots-cell', 'cell']).options;

export const SexSchema = z.enum(['female', 'male']);
export type Sex = z.infer<typeof SexSchema>;

export const EducationSchema = z.enum(['lower-secondary', 'upper-secondary', 'vocational', 'college', 'university', 'postgraduate']);
export type Education = z.infer<typeof EducationSchema>;

export const OccupationSchema = z.enum([
  'student',
  'private-enterprise',
  'enterprise-owner',
  'state-sector',
  'armed-forces',
  'farmer',
  'contract-freelance',
  'retired',
  'other',
]);
export type Occupation = z.infer<typeof OccupationSchema>;

/** A dossier's steps, in order; `received` is its start. */
export const DossierStepSchema = z.enum(['received', 'processing', 'reported', 'reviewed']);
export type DossierStep = z.infer<typeof DossierStepSchema>;
export const DOSSIER_STEPS: readonly DossierStep[] = DossierStepSchema.options;

/** The steps a `dossier.stepCompleted` may report. */
export const CompletableStepSchema = DossierStepSchema.exclude(['received']);

export const DossierOutcomeSchema = z.enum(['admitted', 'rejected', 'withdrawn']);
export type DossierOutcome = z.infer<typeof DossierOutcomeSchema>;

/** How `dossier.closed` may close a dossier: `admitted` closes it through `member.admitted`. */
export const ClosingOutcomeSchema = DossierOutcomeSchema.exclude(['admitted']);

/**
 * A member's status: on a cell's rolls (`probationary`, `official`); `in-transit`: an
 * official transfer issued to an org of this system, not yet received;
 * `transferred-out`: an official transfer completed to an external org (off our rolls);
 * `exited`.
 */
export const MemberStatusSchema = z.enum(['probationary', 'official', 'in-transit', 'transferred-out', 'exited']);
export type MemberStatus = z.infer<typeof MemberStatusSchema>;

/** The statuses a member may arrive with (import, transfer from outside). */
export const ArrivingStatusSchema = MemberStatusSchema.extract(['probationary', 'official']);

export const ExitReasonSchema = z.enum(['expelled', 'struck-off', 'resigned', 'deceased']);
export type ExitReason = z.infer<typeof ExitReasonSchema>;

export const RatingSchema = z.enum(['excellent', 'good', 'completed', 'not-completed']);
export type Rating = z.infer<typeof RatingSchema>;

/**
 * What kind of body a party organization is in (docs/events.md#organizations): for
 * `organizations.privateSector` and the sentences about party organizations in enterprises.
 */
export const OrgSectorSchema = z.enum([
  'private-enterprise',
  'foreign-invested',
  'state-enterprise',
  'public-agency',
  'residential',
  'armed-forces',
  'education',
  'other',
]);
export type OrgSector = z.infer<typeof OrgSectorSchema>;

export const TransferKindSchema = z.enum(['official', 'temporary']);
export type TransferKind = z.infer<typeof TransferKindSchema>;

/** Who put a candidate forward for the pool (quần chúng ưu tú, docs/events.md#the-candidate-pool). */
export const NominatorSchema = z.enum(['youth-union', 'trade-union', 'women-union', 'cell', 'other']);
export type Nominator = z.infer<typeof NominatorSchema>;

/** Why a candidate leaves the pool without admission. */
export const CandidateDropReasonSchema = z.enum(['withdrew', 'not-qualified', 'moved-away', 'other']);
export type CandidateDropReason = z.infer<typeof CandidateDropReasonSchema>;

/**
 * The exceptions an admission may be made under: `population-policy`, admitted although
 * the person had broken the population and family-planning policy (the annual
 * statistics count them).
 */
export const AdmissionExceptionSchema = z.enum(['population-policy']);
export type AdmissionException = z.infer<typeof AdmissionExceptionSchema>;

/** Badge milestones in years of membership (Huy hiệu Đảng, docs/events.md#members). */
export const BADGE_YEARS = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90] as const;
