// domain/figures: what each record and each fact contributes to its cells' figures, by
// business date (docs/architecture.md#the-figures-one-mechanism). Pure functions of the
// record alone: a cell's figures are the sum of the contributions of every record and fact
// that ever counted for it, so a recount is right however often and in whatever order it
// runs.
//
// A record (member, dossier, transfer) holds a state over time: a member on a cell's rolls
// from its admission to its exit, a dossier open from its receipt to its closing. Its
// contribution is +1 when a state begins and −1 when it ends, on the dates the record says.
// A fact (FactRecord: an admission, a recognition, an exit, a closing…) is one event: its
// contribution is +1 on its business date, in the cell it names.

import { addDays, maxDate, minDate } from '../dates.js';
import type {
  BusinessDate,
  CandidateRecord,
  DossierRecord,
  DossierStep,
  FactRecord,
  MemberRecord,
  StoredRecord,
  TransferRecord,
} from '../records.js';
import { DOSSIER_STEPS } from '../records.js';
import { certificateExpiresOn, temporaryTransferTooLongOn } from '../rules/index.js';
import { stintsOf } from '../stints.js';
import { cleanChanges, DUE_SOON_WINDOW_DAYS, keyed, type DatedChanges, type FixedFigure, type Tally } from './catalogue.js';

type CellChanges = Map<string, DatedChanges>;

function changesIn(out: CellChanges, cellId: string): DatedChanges {
  let c = out.get(cellId);
  if (!c) {
    c = {};
    out.set(cellId, c);
  }
  return c;
}

function bumpOn(into: DatedChanges, on: BusinessDate, entries: readonly string[], n: number): void {
  if (entries.length === 0) return;
  const t = into[on] ?? {};
  for (const e of entries) t[e] = (t[e] ?? 0) + n;
  into[on] = t;
}

/**
 * Adds a state held from `from` (included) to `until` (excluded; absent: still held),
 * whose figures may change on the `cuts` dates: `figuresOn(d)` are the figures held from
 * the cut `d` to the next one.
 */
function addState(
  into: DatedChanges,
  from: BusinessDate,
  until: BusinessDate | undefined,
  cuts: ReadonlyArray<BusinessDate | undefined>,
  figuresOn: (d: BusinessDate) => string[],
): void {
  if (until !== undefined && until <= from) return;
  const starts = [
    ...new Set([from, ...cuts.filter((c): c is BusinessDate => c !== undefined && c > from && (until === undefined || c < until))]),
  ].sort();
  let previous: string[] = [];
  for (const d of starts) {
    const now = figuresOn(d);
    bumpOn(into, d, previous, -1);
    bumpOn(into, d, now, +1);
    previous = now;
  }
  if (until !== undefined) bumpOn(into, until, previous, -1);
}

const TRAIT_FIGURES = {
  female: 'members.female',
  youthUnion: 'members.youthUnion',
  ethnicMinority: 'members.ethnicMinority',
  religious: 'members.religious',
} as const satisfies Record<keyof MemberRecord['traits'], FixedFigure>;

/**
 * A member on each stay: `members.total`, `official` from its recognition (else
 * `probationary`), `exempted` from its exemption, and the traits of the member's current
 * profile — a correction fixes data, not an event, so it applies to every date. Then the
 * admission work after the decision, by the dates of the stay's membership: the party
 * file filed, an official member still without a card, a member admitted by a decision
 * whose ceremony is still to be held.
 */
function memberChanges(member: MemberRecord, out: CellChanges): void {
  // The traits (personal-data.ts): the figures never read the profile itself.
  const flags = member.traits;
  const traits = (Object.keys(TRAIT_FIGURES) as Array<keyof typeof TRAIT_FIGURES>).filter((k) => flags[k]).map((k) => TRAIT_FIGURES[k]);
  const on = (date: BusinessDate | undefined, d: BusinessDate) => date !== undefined && date <= d;
  for (const stint of stintsOf(member)) {
    const { recognizedOn, exemptedOn, recordsFiledOn, cardIssuedOn, ceremonyOn } = stint.earlier ?? member;
    const byDecision = stint.earlier ? stint.earlier.byDecision === true : member.origin === 'admitted';
    const cuts = [recognizedOn, exemptedOn, recordsFiledOn, cardIssuedOn, ceremonyOn];
    addState(changesIn(out, stint.cellId), stint.from, stint.until, cuts, (d) => {
      const official = on(recognizedOn, d);
      return [
        'members.total',
        official ? 'members.official' : 'members.probationary',
        ...(on(exemptedOn, d) ? (['members.exempted'] as const) : []),
        ...traits,
        ...(on(recordsFiledOn, d) ? (['members.recordsFiled'] as const) : []),
        ...(official && !on(cardIssuedOn, d) ? (['members.officialWithoutCard'] as const) : []),
        ...(byDecision && !official && !on(ceremonyOn, d) ? (['members.ceremonyPending'] as const) : []),
      ];
    });
  }
  admissionFiled(member, out);
}

/**
 * `admissions.recordsFiled`: an admission whose party file was filed in the year of the
 * admission, counted in the admitting cell on the later of the two dates — so that the
 * year to a day counts the year's admissions filed by that day (docs/report.md#admissions-in-year).
 */
function admissionFiled(member: MemberRecord, out: CellChanges): void {
  const { recordsFiledOn, admittedOn } = member;
  if (member.origin !== 'admitted' || recordsFiledOn === undefined || recordsFiledOn.slice(0, 4) !== admittedOn.slice(0, 4)) return;
  const admitting = stintsOf(member).find((s) => s.earlier === undefined)?.cellId ?? member.cellId;
  bumpOn(changesIn(out, admitting), maxDate(admittedOn, recordsFiledOn), ['admissions.recordsFiled'], 1);
}

/**
 * A dossier is open from `receivedOn` until it closes, at the last step completed by each
 * date; overdue from its deadline on; and in `dossiers.dueSoonBy` under its deadline from
 * {@link DUE_SOON_WINDOW_DAYS} before it (read: due soon on a day when the deadline lies
 * within the largest reminder threshold after it).
 */
function dossierChanges(dossier: DossierRecord, out: CellChanges): void {
  const into = changesIn(out, dossier.cellId);
  const until = dossier.status === 'open' ? undefined : dossier.closedOn;
  const stepOn = (d: BusinessDate): DossierStep => {
    let step: DossierStep = 'received';
    for (const s of DOSSIER_STEPS) {
      const on = dossier.steps[s];
      if (on !== undefined && on <= d) step = s;
    }
    return step;
  };
  const cuts = DOSSIER_STEPS.map((s) => dossier.steps[s]);
  addState(into, dossier.receivedOn, until, cuts, (d) => ['dossiers.open', `dossiers.byStep.${stepOn(d)}`]);
  const { dueOn, receivedOn } = dossier;
  addState(into, maxDate(dueOn, receivedOn), until, [], () => ['dossiers.overdue']);
  const soonUntil = until === undefined ? dueOn : minDate(until, dueOn);
  addState(into, maxDate(addDays(dueOn, -DUE_SOON_WINDOW_DAYS), receivedOn), soonUntil, [], () => [keyed('dossiers.dueSoonBy', dueOn)]);
}

/**
 * An official transfer to an org of this system is in transit at the sending cell from
 * `issuedOn` until received (or ended by the member's exit); a cancelled one never was.
 * A transfer to an org of this system is late at the sending cell from the day after its
 * deadline until received (or ended by the exit), a cancelled one never. A temporary
 * transfer received into a cell is an attendee there until it ends.
 */
function transferChanges(t: TransferRecord, out: CellChanges): void {
  const neverPending = t.status === 'cancelled' && t.receivedOn === undefined;
  if (!t.toExternal && !t.fromExternal && t.issuedOn !== undefined && t.dueOn !== undefined && !neverPending) {
    // Received, or ended by the member's exit (official: completed; temporary: returned).
    const until = t.receivedOn ?? t.endedOn;
    addState(changesIn(out, t.fromOrgId), maxDate(addDays(t.dueOn, 1), t.issuedOn), until, [], () => ['transfers.late']);
  }
  if (t.kind === 'official') {
    if (t.status === 'cancelled' || t.toExternal || t.fromExternal || t.issuedOn === undefined) return;
    const until = t.status === 'received' ? t.receivedOn : t.status === 'completed' ? t.endedOn : undefined;
    addState(changesIn(out, t.fromOrgId), t.issuedOn, until, [], () => ['members.inTransit']);
    return;
  }
  temporaryTooLong(t, out);
  if (t.receivedOn === undefined) return;
  const until = t.status === 'received' ? undefined : t.endedOn;
  addState(changesIn(out, t.toOrgId), t.receivedOn, until, [], () => ['members.temporaryAttendees']);
}

/**
 * A temporary transfer from a cell of this system, open (issued or received, not returned,
 * cancelled or ended by the exit) on and after the day it becomes too long (12 months
 * after its issue by default, the rules in force on `issuedOn`): at the sending cell. A
 * transfer cancelled before its receipt never was.
 */
function temporaryTooLong(t: TransferRecord, out: CellChanges): void {
  if (t.fromExternal || t.issuedOn === undefined) return;
  if (t.status === 'cancelled' && t.receivedOn === undefined) return;
  const open = t.status === 'issued' || t.status === 'received';
  addState(changesIn(out, t.fromOrgId), temporaryTransferTooLongOn(t.issuedOn), open ? undefined : t.endedOn, [], () => [
    'transfers.temporaryTooLong',
  ]);
}

/** The cell of a candidate's pool on `date`: the last stay begun by then (else the first). */
function candidateCellOn(c: CandidateRecord, date: BusinessDate): string {
  let cell = c.stays[0]?.cellId ?? c.cellId;
  for (const stay of c.stays) if (stay.from <= date) cell = stay.cellId;
  return cell;
}

/**
 * A candidate (docs/report.md#candidates-the-pool-on-asof-the-classes-in-year): in `candidates.pool` on
 * each stay, and `certified` while a certificate is valid (from its date to its expiry);
 * each certificate in `candidates.certificatesBy` under its class, on its date, in the cell
 * of the pool on that date; `candidates.admitted` on the admission, in the admitting cell,
 * when a certificate is dated on or before it (the ingest refuses one dated after).
 */
function candidateChanges(c: CandidateRecord, out: CellChanges): void {
  const certificates = Object.entries(c.certificates);
  const validity = certificates.map(([, on]) => ({ from: on, until: certificateExpiresOn(on) }));
  const cuts = validity.flatMap((v) => [v.from, v.until]);
  for (const stay of c.stays) {
    addState(changesIn(out, stay.cellId), stay.from, stay.until, cuts, (d) => [
      'candidates.pool',
      ...(validity.some((v) => v.from <= d && d < v.until) ? (['candidates.certified'] as const) : []),
    ]);
  }
  for (const [classId, on] of certificates)
    bumpOn(changesIn(out, candidateCellOn(c, on)), on, [keyed('candidates.certificatesBy', classId)], 1);
  const { admission } = c;
  if (admission && certificates.some(([, on]) => on <= admission.admittedOn)) {
    bumpOn(changesIn(out, admission.cellId), admission.admittedOn, ['candidates.admitted'], 1);
  }
}

/**
 * What one record contributes, by cell (every cell it ever counted for) and date. Records
 * of other kinds contribute nothing here (a fact: {@link factChanges}).
 */
export function recordChanges(stored: StoredRecord): Map<string, DatedChanges> {
  const out: CellChanges = new Map();
  if (stored.entity === 'member') memberChanges(stored.record, out);
  else if (stored.entity === 'dossier') dossierChanges(stored.record, out);
  else if (stored.entity === 'transfer') transferChanges(stored.record, out);
  else if (stored.entity === 'candidate') candidateChanges(stored.record, out);
  for (const [cell, changes] of out) {
    const clean = cleanChanges(changes);
    if (Object.keys(clean).length === 0) out.delete(cell);
    else out.set(cell, clean);
  }
  return out;
}

const OCCUPATION_FIGURES: Partial<Record<string, FixedFigure>> = {
  student: 'admissions.student',
  'private-enterprise': 'admissions.privateEnterprise',
  'enterprise-owner': 'admissions.enterpriseOwner',
  'contract-freelance': 'admissions.contractFreelance',
};

/** The figures one fact adds on its date (see {@link factChanges}). */
export function factTally(fact: FactRecord['fact']): Tally {
  switch (fact.kind) {
    case 'admission': {
      const t: Tally = { 'admissions.total': 1 };
      if (fact.female) t['admissions.female'] = 1;
      if (fact.youthUnion) t['admissions.youthUnion'] = 1;
      if (fact.readmitted) t['admissions.readmitted'] = 1;
      if (fact.ethnicMinority) t['admissions.ethnicMinority'] = 1;
      if (fact.religious) t['admissions.religious'] = 1;
      if (fact.populationPolicy) t['admissions.populationPolicy'] = 1;
      const occupation = OCCUPATION_FIGURES[fact.occupation];
      if (occupation) t[occupation] = 1;
      return t;
    }
    case 'recognition':
      return { 'recognitions.total': 1 };
    case 'transferOut':
      return { [keyed(fact.transferKind === 'official' ? 'transfers.officialOut' : 'transfers.temporaryOut', fact.counterpart)]: 1 };
    case 'transferIn':
      return { [keyed(fact.transferKind === 'official' ? 'transfers.officialIn' : 'transfers.temporaryIn', fact.counterpart)]: 1 };
    case 'exit':
      return { [fact.reason === 'struck-off' ? 'exits.struckOff' : `exits.${fact.reason}`]: 1 };
    case 'dossierClosed':
      return { 'dossiers.closedInYear': 1, [keyed('dossiers.daysToClose', fact.days)]: 1 };
    case 'rating':
      return { [fact.rating === 'not-completed' ? 'ratings.notCompleted' : `ratings.${fact.rating}`]: 1 };
    case 'badge':
      return { 'badges.awarded': 1 };
    default: {
      const never: never = fact;
      throw new Error(`unknown fact ${JSON.stringify(never)}`);
    }
  }
}

/**
 * What one fact contributes: +1 of its figures on its business date (a rating: 31 December
 * of the year rated), in its cell. The FACT partition of a cell and year holds exactly these
 * contributions, so the fact needs no copy of its own (docs/architecture.md).
 */
export function factChanges(f: Pick<FactRecord, 'cellId' | 'on' | 'fact'>): { cellId: string; changes: DatedChanges } {
  return { cellId: f.cellId, changes: { [f.on]: factTally(f.fact) } };
}
