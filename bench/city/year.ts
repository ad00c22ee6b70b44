// A year of events in the contract's envelopes, drafted as stories: admissions through
// dossiers (some rejected, withdrawn or still open), recognitions, transfers inside the
// city, out, in and temporary, exits (a few readmitted later), exemptions, corrections,
// ratings and badges. Each member on the rolls has at most one story besides ratings and
// badges, so every event is valid in date order; an event that depends on another in its
// story is dated at least two days after it.
//
// Rates per member and year are round figures of the right size for a Vietnamese
// province (about 3 % admitted, 1 % deceased, 2 % transferred), not official statistics;
// `scale` multiplies them (a small city with a busy year).
import { addDays, addMonths, compareDates } from '../../shared/domain/dates.js';
import { type Member, profileFor } from './people.js';
import { pad, type Rng, someDateIn, workday } from './random.js';
import type { Unit } from './tree.js';

/** An event of the year before it has an id: its day, the person whose story it is, and the draft it follows. */
export interface Draft {
  on: string;
  type: string;
  data: Record<string, unknown>;
  person: string;
  after?: number;
  /** The envelope's source when it is not the members' system's (the org events: the city committee's). */
  source?: string;
}

export interface YearInput {
  year: number;
  units: Unit[];
  /** Members per unit, as `units`. */
  sizes: number[];
  members: Member[];
  /** Member numbers already used (the next new member is one more). */
  membersNumbered: number;
  /** Multiplies every rate. */
  scale: number;
  /** Members on the rolls arrive as `member.imported` events on the first day (else: they come from the CSV export). */
  importEvents: boolean;
  /** Drafts the admission work around the stories (city/pipeline.ts). */
  admissionWork: boolean;
}

/** The simulation's state, shared by the stories. */
export class YearDraft {
  readonly drafts: Draft[] = [];
  readonly pool: Member[];
  /** Members whose story keeps them on the rolls (ratings are drafted for some of them at the end). */
  readonly staying: Member[] = [];
  private nextMember: number;
  private nextTransfer = 1;
  private readonly unitWeights: Array<readonly [string, number]>;
  private readonly cellsByCommittee = new Map<number, string[]>();
  private readonly committeeOf: Map<string, number>;

  constructor(
    readonly r: Rng,
    readonly input: YearInput,
  ) {
    this.pool = r.shuffle(input.members.filter((m) => m.status === 'official'));
    this.nextMember = input.membersNumbered + 1;
    this.unitWeights = input.units.map((u, i) => [u.cellId, input.sizes[i]! + 1] as const);
    for (const u of input.units) this.cellsByCommittee.set(u.committee, [...(this.cellsByCommittee.get(u.committee) ?? []), u.cellId]);
    this.committeeOf = new Map(input.units.map((u) => [u.cellId, u.committee]));
  }

  get year(): number {
    return this.input.year;
  }

  /** Drafts an event of the year (later ones are dropped); returns its index, for `after`. */
  emit(on: string, type: string, data: Record<string, unknown>, person: string, after?: number): number {
    if (compareDates(on, `${this.year}-12-31`) > 0) return -1;
    this.drafts.push({ on, type, data, person, ...(after !== undefined && after >= 0 ? { after } : {}) });
    return this.drafts.length - 1;
  }

  /** How many stories of a kind for a yearly rate per member. */
  count(rate: number): number {
    return Math.round(rate * this.input.members.length * this.input.scale);
  }

  /** Members from the pool for stories of one kind (each member has one story). */
  take(count: number, accept: (m: Member) => boolean = () => true): Member[] {
    const out: Member[] = [];
    for (let i = this.pool.length - 1; i >= 0 && out.length < count; i--) {
      if (!accept(this.pool[i]!)) continue;
      out.push(this.pool[i]!);
      this.pool.splice(i, 1);
    }
    return out;
  }

  old = (m: Member): boolean => Number(m.profile.birthDate.slice(0, 4)) <= this.year - 65;
  newMemberId = (): string => `DV${pad(this.nextMember++, 8)}`;
  transferId = (): string => `CS${this.year}-${pad(this.nextTransfer++, 6)}`;
  /** A cell chosen by its size. */
  anyCell = (): string => this.r.weighted(this.unitWeights);
  /** A day of the year's working days between the given days of year. */
  day = (lo: number, hi: number): string => workday(this.year, this.r.int(lo, hi));

  /** Another cell: two moves in three stay within the district. */
  otherCell(cellId: string): string {
    const near = this.cellsByCommittee.get(this.committeeOf.get(cellId)!)!;
    for (let tries = 0; tries < 20; tries++) {
      const to = this.r.chance(0.66) && near.length > 1 ? this.r.pick(near) : this.anyCell();
      if (to !== cellId) return to;
    }
    return this.input.units.find((u) => u.cellId !== cellId)!.cellId;
  }

  /** A member from another province: admitted 2–`maxYears` years ago, official. */
  outsider(memberId: string, maxYears: number, femaleShare: number) {
    const admittedYear = this.year - this.r.int(2, maxYears);
    const admittedOn = someDateIn(this.r, admittedYear);
    const profile = profileFor(this.r, admittedYear, this.r.int(20, 35), { femaleShare, year: this.year });
    return { memberId, status: 'official', admittedOn, recognizedOn: addMonths(admittedOn, 12), profile };
  }
}

/** The export's members as `member.imported` events on the first day of the year. */
export function importStories(y: YearDraft): void {
  for (const m of y.input.members) {
    const { memberId, cellId, status, admittedOn, recognizedOn, profile } = m;
    const data = { memberId, orgId: cellId, status, admittedOn, ...(recognizedOn ? { recognizedOn } : {}), profile };
    y.emit(`${y.year}-01-01`, 'member.imported', data, memberId);
  }
}

/** Recognitions: last year's admissions, a few days after probation ends. */
export function recognitionStories(y: YearDraft): void {
  for (const m of y.input.members) {
    if (m.status !== 'probationary') continue;
    const recognizedOn = addDays(addMonths(m.admittedOn, 12), y.r.int(3, 25));
    y.emit(recognizedOn, 'member.recognized', { memberId: m.memberId, recognizedOn }, m.memberId);
    y.staying.push(m);
  }
}

/** The profile of someone applying this year. */
function applicantProfile(y: YearDraft) {
  const { r } = y;
  const age = r.weighted([
    [r.int(18, 22), 25],
    [r.int(23, 30), 55],
    [r.int(31, 45), 20],
  ] as const);
  const profile = profileFor(r, y.year, age, { femaleShare: 0.45, year: y.year });
  if (profile.occupation === 'retired') profile.occupation = 'state-sector';
  if (r.chance(0.2) && age <= 35)
    profile.occupation = r.weighted([
      ['private-enterprise', 6],
      ['student', age <= 24 ? 4 : 0],
      ['contract-freelance', 2],
      ['enterprise-owner', 1],
    ] as const);
  return profile;
}

/** One dossier: received, up to three steps, then admitted (most), rejected or withdrawn; the autumn's still open at the year's end. */
function dossierStory(y: YearDraft, dossierId: string): void {
  const { r } = y;
  const personId = y.newMemberId();
  const cellId = y.anyCell();
  const receivedOn = y.day(4, 350);
  const profile = applicantProfile(y);
  let last = y.emit(receivedOn, 'dossier.received', { dossierId, personId, orgId: cellId, receivedOn, profile }, personId);
  const slow = r.chance(0.06);
  const processing = addDays(receivedOn, r.int(5, 12));
  const reported = addDays(processing, r.int(7, 15) + (slow ? 20 : 0));
  const reviewed = addDays(reported, r.int(5, 12));
  const steps: Array<[string, string]> = [
    ['processing', processing],
    ['reported', reported],
    ['reviewed', reviewed],
  ];
  const outcome = r.weighted([
    ['admitted', 94],
    ['rejected', 3],
    ['withdrawn', 3],
  ] as const);
  const stopAfter = outcome === 'admitted' ? 3 : r.int(0, 2);
  for (const [step, on] of steps.slice(0, stopAfter)) last = y.emit(on, 'dossier.stepCompleted', { dossierId, step, on }, personId, last);
  if (outcome === 'admitted') {
    const admittedOn = addDays(reviewed, r.int(5, 15));
    const ceremonyOn = r.chance(0.7) ? addDays(admittedOn, r.int(3, 14)) : undefined;
    const data = { memberId: personId, orgId: cellId, admittedOn, ...(ceremonyOn ? { ceremonyOn } : {}), profile, dossierId };
    y.emit(admittedOn, 'member.admitted', data, personId, last);
  } else {
    const on = addDays(steps[stopAfter]?.[1] ?? processing, r.int(2, 8));
    y.emit(on, 'dossier.closed', { dossierId, outcome, on }, personId, last);
  }
}

/** Admissions through dossiers, 20 % more than the admissions planned. */
export function dossierStories(y: YearDraft, admissionsPlanned: number): void {
  const dossiers = Math.round(admissionsPlanned * 1.2);
  for (let k = 1; k <= dossiers; k++) dossierStory(y, `HS${y.year}-${pad(k, 6)}`);
}
