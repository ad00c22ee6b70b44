// The chaos tests' independent reference: a plain fold over the generated events that
// shares no code with the product (no domain import; the holiday calendar read from the
// rule sets' data file), and the delivery helpers they share.
import type { OrgLevel } from '../../shared/domain/records.js';
import type { Shown } from '../../shared/domain/figures/suppression.js';
import { readFileSync } from 'node:fs';
import { subjectOf, type DomainEvent } from '../../shared/domain/events/index.js';
import type { City, Envelope } from '../../bench/city.js';

/** What the reference reads of a city: its events (org events among them, in date order), the tree before them, the targets of its year. */
export type ReferenceCity = Pick<City, 'events' | 'parents' | 'targets' | 'year'>;

/**
 * The tree as the org events change it (docs/events.md#organizations): a registered org under its parent,
 * a moved one under its new parent, a cell merged into another under the target (its
 * history rolls up there, "figures and all"). The reports are those of today's tree, on
 * any date. Whether the event was one of these.
 */
function restructure(
  parents: Record<string, string | null>,
  type: string,
  d: { orgId: string; parentId: string | null; mergedInto?: string },
): boolean {
  switch (type) {
    case 'org.registered':
    case 'org.moved':
      parents[d.orgId] = d.parentId;
      return true;
    case 'org.dissolved':
      // Without mergedInto it stays under its old parent, where its history counts.
      if (d.mergedInto !== undefined) parents[d.orgId] = d.mergedInto;
      return true;
    case 'target.set':
    case 'org.renamed':
    case 'org.updated':
    case 'org.evaluated':
      return true;
    default:
      return false;
  }
}

export interface Expected {
  organizations: { newInYear: number; privateSector: number };
  members: {
    total: number;
    official: number;
    probationary: number;
    female: number;
    youthUnion: number;
    ethnicMinority: number;
    religious: number;
    exempted: number;
    inTransit: number;
    temporaryAttendees: number;
    recordsFiled: number;
    recordsFiledPct: number | null;
    officialWithoutCard: number;
    ceremonyPending: number;
  };
  admissions: {
    total: number;
    female: number;
    youthUnion: number;
    student: number;
    privateEnterprise: number;
    enterpriseOwner: number;
    contractFreelance: number;
    readmitted: number;
    ethnicMinority: number;
    religious: number;
    populationPolicy: number;
    target: number | null;
    recordsFiled: number;
    recordsFiledPct: number | null;
  };
  candidates: { pool: number; certified: number; trained: number; classes: number; admitted: number };
  recognitions: { total: number };
  transfers: {
    officialIn: number;
    officialOut: number;
    temporaryIn: number;
    temporaryOut: number;
    late: number;
    temporaryTooLong: number;
  };
  exits: { expelled: number; struckOff: number; resigned: number; deceased: number };
  dossiers: {
    open: number;
    byStep: { received: number; processing: number; reported: number; reviewed: number };
    dueSoon: number;
    overdue: number;
    closedInYear: number;
    medianDaysToClose: number | null;
  };
  ratings: { excellent: number; good: number; completed: number; notCompleted: number };
  orgRatings: { excellent: number; good: number; completed: number; notCompleted: number };
  badges: { awarded: number };
}

/** A profile in raw event data, the fields the reference reads (an update carries only some). */
type RawProfile = { sex: string; youthUnion: boolean; ethnicity: string; religion?: string | null; occupation?: string };

/**
 * Raw event data as the reference reads it (plain JSON, no product types): the fields of
 * every event type it handles, of which each event carries only its own type's.
 */
type D = {
  orgId: string;
  parentId: string | null;
  mergedInto?: string;
  establishedOn?: string;
  sector?: string;
  dossierId: string;
  step: string;
  on: string;
  memberId: string;
  status: string;
  profile: RawProfile;
  admittedOn: string;
  readmitted?: boolean;
  exceptions?: string[];
  recognizedOn: string;
  reason: string;
  year: number;
  rating: string;
  awardedOn: string;
  transferId: string;
  kind: string;
  fromOrgId: string;
  toOrgId: string;
  issuedOn: string;
  receivedOn: string;
  member: { memberId: string; status: string; profile: RawProfile; recognizedOn?: string };
  ceremonyOn?: string;
  recordsFiledOn?: string;
  cardIssuedOn?: string;
  personId: string;
  classId: string;
};

// ---------------------------------------------------------------------------
// Dates, by hand: days since the epoch, no product code.

const dayNumber = (date: string) =>
  Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
const fromDayNumber = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
const plusDays = (date: string, days: number) => fromDayNumber(dayNumber(date) + days);
const daysFrom = (a: string, b: string) => dayNumber(b) - dayNumber(a);
/** `months` calendar months after `date`, the day clamped to the month's last (29 February + 12 months → 28 February). */
function plusMonths(date: string, months: number): string {
  const total = Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1 + months;
  const [y, m] = [Math.floor(total / 12), (total % 12) + 1];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(Math.min(Number(date.slice(8, 10)), last)).padStart(2, '0')}`;
}
/** round(100 × part / whole, 2); null of none. */
const share = (part: number, whole: number) => (whole === 0 ? null : Math.round((10_000 * part) / whole) / 100);
/** A class certificate is valid 60 months, a temporary transfer too long at 12 (the default rule set, docs/reminders.md#deadlines). */
const CERTIFICATE_MONTHS = 60;
const TEMPORARY_LIMIT_MONTHS = 12;

/**
 * The days public bodies are closed, and the weekend days worked in their place, as the
 * rule sets' data file lists them (docs/reminders.md#deadlines): the data the deadlines are
 * counted from, read here without the product's code that counts them.
 */
const calendar = (() => {
  const file = JSON.parse(readFileSync(new URL('../../shared/domain/rules/rule-sets.json', import.meta.url), 'utf8')) as {
    calendars: Record<string, Array<{ on: string; workingDay?: boolean }>>;
    ruleSets: Array<{ holidays: string | unknown[] }>;
  };
  const names = new Set(file.ruleSets.map((s) => s.holidays).filter((h): h is string => typeof h === 'string'));
  if (names.size !== 1) throw new Error('the reference counts working days with one calendar: the rule sets now use several');
  const entries = file.calendars[[...names][0]!]!;
  return {
    closed: new Set(entries.filter((e) => !e.workingDay).map((e) => e.on)),
    worked: new Set(entries.filter((e) => e.workingDay).map((e) => e.on)),
  };
})();

/** The 30th working day after `issuedOn` (the day itself never counts): a transfer's receipt deadline (docs/events.md#transfers). */
function transferDeadline(issuedOn: string): string {
  let date = issuedOn;
  for (let left = 30; left > 0; ) {
    date = plusDays(date, 1);
    const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
    const working = calendar.worked.has(date) || (weekday !== 0 && weekday !== 6 && !calendar.closed.has(date));
    if (working) left -= 1;
  }
  return date;
}

/** The median of some numbers, the mean of the two middle ones for an even count; null for none. */
function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** What a report is asked for: its day, and the year of its yearly figures. */
export interface Asked {
  date: string;
  year: number;
}

/**
 * The reference, folded once from the generated events in their order (docs/report.md):
 * for any org, day and year, the members and open dossiers at the end of the day; the
 * dossiers due soon and overdue, and the transfers late, among those open on that day; and
 * every yearly figure counting the events dated from 1 January of the year to the day (to
 * 31 December when the day is later). A move inside a subtree is neither in nor out of it;
 * a cancelled transfer never happened.
 */
export function referenceReports(city: ReferenceCity): (orgId: string, asked: Asked) => Expected {
  type Move = {
    from: string;
    to: string;
    toExternal: boolean;
    issuedOn: string;
    receivedOn?: string;
    cancelled?: boolean;
  };
  type Membership = {
    cell: string;
    startOn: string;
    recognizedOn?: string;
    exemptedOn?: string;
    exitOn?: string;
    moves: Move[];
    /** The admission work after the decision; `byDecision`: begun by member.admitted. */
    byDecision?: boolean;
    ceremonyOn?: string;
    recordsFiledOn?: string;
    cardIssuedOn?: string;
  };
  /** A person in the candidate pool: stays (cell, from, until), certificates by class, the admission. */
  type Candidate = {
    stays: Array<{ cell: string; from: string; until?: string }>;
    certificates: Map<string, string>;
    admission?: { cell: string; on: string };
  };
  const candidates = new Map<string, Candidate>();
  /** A transfer to an org of this system, for `late`: pending from its issue until received or ended by the exit. */
  type Pending = {
    memberId: string;
    from: string;
    issuedOn: string;
    dueOn: string;
    receivedOn?: string;
    endedOn?: string;
    cancelled?: boolean;
  };
  const memberships = new Map<string, Membership[]>();
  const current = (memberId: string) => memberships.get(memberId)!.at(-1)!;
  const start = (memberId: string, m: Membership) => memberships.set(memberId, [...(memberships.get(memberId) ?? []), m]);
  const cellOf = (memberId: string): string => {
    const m = current(memberId);
    let cell = m.cell;
    for (const move of m.moves) if (!move.cancelled && !move.toExternal && move.receivedOn !== undefined) cell = move.to;
    return cell;
  };
  const moves = new Map<string, Move>();
  const pending = new Map<string, Pending>();
  const temporaries = new Map<
    string,
    { to: string; memberId?: string; receivedOn?: string; endedOn?: string; from?: string; issuedOn?: string }
  >();
  const dossiers = new Map<
    string,
    { cell: string; receivedOn: string; dueOn: string; steps: Array<{ step: string; on: string }>; closedOn?: string }
  >();
  const profiles = new Map<string, RawProfile>();
  const admissions: Array<{
    cell: string;
    on: string;
    profile: RawProfile;
    readmitted: boolean;
    populationPolicy: boolean;
    membership: Membership;
  }> = [];
  const recognitions: Array<{ cell: string; on: string }> = [];
  const outs = new Map<string, { kind: string; cell: string; counterpart: string; on: string }>();
  const ins: Array<{ kind: string; cell: string; counterpart: string; on: string }> = [];
  const exits: Array<{ cell: string; reason: string; on: string }> = [];
  const ratings = new Map<string, { cell: string; year: number; rating: string }>();
  const badges: Array<{ cell: string; on: string }> = [];
  const parents = { ...city.parents };
  const registered = (orgId: string) => orgId in parents;
  const close = (dossierId: string, on: string) => {
    const dossier = dossiers.get(dossierId)!;
    dossier.closedOn = on;
  };

  /** The orgs' own data as the org events leave it: founding date, sector, dissolved, rating by year. */
  const orgData = new Map<string, { establishedOn?: string; sector?: string; dissolved?: boolean; ratings: Record<number, string> }>();
  const orgOf = (orgId: string) => {
    const o = orgData.get(orgId) ?? { ratings: {} };
    orgData.set(orgId, o);
    return o;
  };
  for (const envelope of city.events) {
    const d = envelope.data as D;
    if (envelope.type === 'org.registered' || envelope.type === 'org.updated') {
      if (d.establishedOn !== undefined) orgOf(d.orgId).establishedOn = d.establishedOn;
      if (d.sector !== undefined) orgOf(d.orgId).sector = d.sector;
    }
    if (envelope.type === 'org.dissolved') orgOf(d.orgId).dissolved = true;
    // A later rating of the same org and year replaces the earlier.
    if (envelope.type === 'org.evaluated') orgOf(d.orgId).ratings[d.year] = d.rating;
    if (restructure(parents, envelope.type, d)) continue;
    switch (envelope.type) {
      case 'dossier.received':
        dossiers.set(d.dossierId, { cell: d.orgId, receivedOn: d.receivedOn, dueOn: plusDays(d.receivedOn, 60), steps: [] });
        break;
      case 'dossier.stepCompleted':
        dossiers.get(d.dossierId)!.steps.push({ step: d.step, on: d.on });
        break;
      case 'dossier.closed':
        close(d.dossierId, d.on);
        break;
      case 'member.admitted': {
        if (d.dossierId) close(d.dossierId, d.admittedOn);
        const membership: Membership = { cell: d.orgId, startOn: d.admittedOn, moves: [], byDecision: true, ceremonyOn: d.ceremonyOn };
        start(d.memberId, membership);
        profiles.set(d.memberId, { ...d.profile });
        admissions.push({
          cell: d.orgId,
          on: d.admittedOn,
          profile: d.profile,
          readmitted: d.readmitted === true,
          populationPolicy: d.exceptions?.includes('population-policy') === true,
          membership,
        });
        // Out of the pool (the city uses one id for the applicant and the member).
        const c = candidates.get(d.memberId);
        const stay = c?.stays.at(-1);
        if (c && stay && stay.until === undefined) {
          stay.until = [stay.from, d.admittedOn].sort().at(-1)!;
          c.admission = { cell: d.orgId, on: d.admittedOn };
        }
        break;
      }
      case 'member.imported':
        start(d.memberId, {
          cell: d.orgId,
          startOn: d.admittedOn,
          recognizedOn: d.recognizedOn,
          moves: [],
          recordsFiledOn: d.recordsFiledOn,
          cardIssuedOn: d.cardIssuedOn,
        });
        profiles.set(d.memberId, { ...d.profile });
        break;
      case 'member.ceremonyHeld':
        current(d.memberId).ceremonyOn = d.on;
        break;
      case 'member.recordsFiled':
        current(d.memberId).recordsFiledOn = d.on;
        break;
      case 'member.cardIssued': {
        const m = current(d.memberId);
        if (m.cardIssuedOn === undefined || d.on < m.cardIssuedOn) m.cardIssuedOn = d.on;
        break;
      }
      case 'candidate.listed': {
        const c = candidates.get(d.personId) ?? { stays: [], certificates: new Map<string, string>() };
        c.stays.push({ cell: d.orgId, from: d.on });
        candidates.set(d.personId, c);
        break;
      }
      case 'candidate.classCompleted':
        candidates.get(d.personId)!.certificates.set(d.classId, d.on);
        break;
      case 'candidate.dropped':
        candidates.get(d.personId)!.stays.at(-1)!.until = d.on;
        break;
      case 'member.recognized':
        current(d.memberId).recognizedOn = d.recognizedOn;
        recognitions.push({ cell: cellOf(d.memberId), on: d.recognizedOn });
        break;
      case 'member.updated':
        profiles.set(d.memberId, { ...profiles.get(d.memberId)!, ...d.profile });
        break;
      case 'member.exempted':
        current(d.memberId).exemptedOn = d.on;
        break;
      case 'member.exited': {
        const m = current(d.memberId);
        // A member in transit exits from the sending cell.
        const transit = m.moves.find((move) => !move.cancelled && !move.toExternal && move.receivedOn === undefined);
        exits.push({ cell: transit ? transit.from : cellOf(d.memberId), reason: d.reason, on: d.on });
        m.exitOn = d.on;
        for (const t of temporaries.values()) if (t.endedOn === undefined && t.memberId === d.memberId) t.endedOn = d.on;
        for (const p of pending.values()) {
          if (p.memberId === d.memberId && p.receivedOn === undefined && p.endedOn === undefined && !p.cancelled) p.endedOn = d.on;
        }
        break;
      }
      case 'member.evaluated':
        // A second rating of the same year replaces the first, counted where the member is now.
        ratings.set(`${d.memberId}/${d.year}`, { cell: cellOf(d.memberId), year: d.year, rating: d.rating });
        break;
      case 'member.badgeAwarded':
        badges.push({ cell: cellOf(d.memberId), on: d.awardedOn });
        break;
      case 'transfer.issued': {
        const toExternal = !registered(d.toOrgId);
        outs.set(d.transferId, { kind: d.kind, cell: d.fromOrgId, counterpart: d.toOrgId, on: d.issuedOn });
        if (!toExternal) {
          pending.set(d.transferId, { memberId: d.memberId, from: d.fromOrgId, issuedOn: d.issuedOn, dueOn: transferDeadline(d.issuedOn) });
        }
        if (d.kind === 'official') {
          const move = { from: d.fromOrgId, to: d.toOrgId, toExternal, issuedOn: d.issuedOn };
          moves.set(d.transferId, move);
          current(d.memberId).moves.push(move);
        } else {
          temporaries.set(d.transferId, { to: d.toOrgId, memberId: d.memberId, from: d.fromOrgId, issuedOn: d.issuedOn });
        }
        break;
      }
      case 'transfer.received': {
        const move = moves.get(d.transferId);
        const temporary = temporaries.get(d.transferId);
        const issued = outs.get(d.transferId);
        const p = pending.get(d.transferId);
        if (p) p.receivedOn = d.receivedOn;
        if (move) move.receivedOn = d.receivedOn;
        else if (temporary) temporary.receivedOn = d.receivedOn;
        else if (d.kind === 'temporary') temporaries.set(d.transferId, { to: d.toOrgId, receivedOn: d.receivedOn });
        else {
          start(d.member.memberId, { cell: d.toOrgId, startOn: d.receivedOn, recognizedOn: d.member.recognizedOn, moves: [] });
          profiles.set(d.member.memberId, { ...d.member.profile });
        }
        if (issued)
          ins.push({ kind: issued.kind, cell: move?.to ?? temporary?.to ?? d.toOrgId, counterpart: issued.cell, on: d.receivedOn });
        else ins.push({ kind: d.kind, cell: d.toOrgId, counterpart: d.fromOrgId, on: d.receivedOn });
        break;
      }
      case 'transfer.cancelled': {
        // Undone: the member is back, the "out" never happened, nothing was ever pending.
        const move = moves.get(d.transferId);
        const temporary = temporaries.get(d.transferId);
        const p = pending.get(d.transferId);
        if (move) move.cancelled = true;
        if (temporary?.receivedOn !== undefined) temporary.endedOn = d.on;
        else {
          temporaries.delete(d.transferId);
          outs.delete(d.transferId);
          if (p) p.cancelled = true;
        }
        if (move) outs.delete(d.transferId);
        break;
      }
      case 'transfer.returned': {
        const temporary = temporaries.get(d.transferId);
        if (temporary) temporary.endedOn = d.on;
        break;
      }
      default:
        throw new Error(`the reference does not know ${envelope.type}`);
    }
  }

  return (orgId, { date, year }) => {
    const inside = (id: string): boolean => {
      for (let o: string | null | undefined = id; o; o = parents[o]) if (o === orgId) return true;
      return false;
    };
    const count = <T>(xs: Iterable<T>, pred: (x: T) => boolean) => {
      let n = 0;
      for (const x of xs) if (pred(x)) n++;
      return n;
    };
    // The yearly figures: dated in `year`, and not after `date`.
    const inYear = (on: string) => on.startsWith(`${year}-`) && on <= date;

    const m = {
      total: 0,
      official: 0,
      probationary: 0,
      female: 0,
      youthUnion: 0,
      ethnicMinority: 0,
      religious: 0,
      exempted: 0,
      inTransit: 0,
      temporaryAttendees: 0,
      recordsFiled: 0,
      recordsFiledPct: null as number | null,
      officialWithoutCard: 0,
      ceremonyPending: 0,
    };
    const by = (on: string | undefined) => on !== undefined && on <= date;
    for (const [memberId, list] of memberships) {
      const p = profiles.get(memberId)!;
      for (const ms of list) {
        if (ms.startOn > date || (ms.exitOn !== undefined && ms.exitOn <= date)) continue;
        let cell: string | undefined = ms.cell;
        let inTransitFrom: string | undefined;
        for (const move of ms.moves) {
          if (move.cancelled || move.issuedOn > date) continue;
          if (move.toExternal) cell = undefined;
          else if (move.receivedOn !== undefined && move.receivedOn <= date) {
            cell = move.to;
            inTransitFrom = undefined;
          } else {
            inTransitFrom = cell;
            cell = undefined;
          }
        }
        if (inTransitFrom !== undefined && inside(inTransitFrom)) m.inTransit++;
        if (cell === undefined || !inside(cell)) continue;
        m.total++;
        const official = by(ms.recognizedOn);
        if (official) m.official++;
        else m.probationary++;
        if (by(ms.recordsFiledOn)) m.recordsFiled++;
        if (official && !by(ms.cardIssuedOn)) m.officialWithoutCard++;
        if (!official && ms.byDecision && !by(ms.ceremonyOn)) m.ceremonyPending++;
        if (p.sex === 'female') m.female++;
        if (p.youthUnion) m.youthUnion++;
        if (p.ethnicity !== 'Kinh') m.ethnicMinority++;
        if (typeof p.religion === 'string' && p.religion !== '') m.religious++;
        if (ms.exemptedOn !== undefined && ms.exemptedOn <= date) m.exempted++;
      }
    }
    m.recordsFiledPct = share(m.recordsFiled, m.total);
    let temporaryTooLong = 0;
    for (const t of temporaries.values()) {
      const open = t.endedOn === undefined || t.endedOn > date;
      if (t.receivedOn !== undefined && t.receivedOn <= date && open && inside(t.to)) m.temporaryAttendees++;
      // Issued here (a cancelled one before its receipt was deleted above), open, 12 months on.
      if (
        t.from !== undefined &&
        t.issuedOn !== undefined &&
        inside(t.from) &&
        open &&
        plusMonths(t.issuedOn, TEMPORARY_LIMIT_MONTHS) <= date
      )
        temporaryTooLong++;
    }

    // The pool on the day, the year's certificates, the year's admissions from the pool.
    const pool = { pool: 0, certified: 0, trained: 0, classes: 0, admitted: 0 };
    const classes = new Set<string>();
    for (const c of candidates.values()) {
      const stay = c.stays.find((s) => s.from <= date && (s.until === undefined || s.until > date));
      const certs = [...c.certificates.entries()];
      if (stay && inside(stay.cell)) {
        pool.pool++;
        if (certs.some(([, on]) => on <= date && plusMonths(on, CERTIFICATE_MONTHS) > date)) pool.certified++;
      }
      for (const [classId, on] of certs) {
        let cell = c.stays[0]!.cell;
        for (const s of c.stays) if (s.from <= on) cell = s.cell;
        if (inYear(on) && inside(cell)) {
          pool.trained++;
          classes.add(classId);
        }
      }
      const a = c.admission;
      if (a && inYear(a.on) && inside(a.cell) && certs.some(([, on]) => on <= a.on)) pool.admitted++;
    }
    pool.classes = classes.size;

    const byStep = { received: 0, processing: 0, reported: 0, reviewed: 0 };
    let open = 0;
    let dueSoon = 0;
    let overdue = 0;
    for (const x of dossiers.values()) {
      if (!inside(x.cell) || x.receivedOn > date || (x.closedOn !== undefined && x.closedOn <= date)) continue;
      open++;
      const done = x.steps.filter((s) => s.on <= date).at(-1);
      byStep[(done?.step ?? 'received') as keyof typeof byStep]++;
      const daysLeft = daysFrom(date, x.dueOn);
      if (daysLeft <= 0) overdue++;
      else if (daysLeft <= 15) dueSoon++;
    }
    const closed = [...dossiers.values()].filter((x) => x.closedOn !== undefined && inYear(x.closedOn) && inside(x.cell));
    const late = count(
      pending.values(),
      (p) =>
        !p.cancelled &&
        inside(p.from) &&
        p.issuedOn <= date &&
        p.dueOn < date &&
        (p.receivedOn === undefined || p.receivedOn > date) &&
        (p.endedOn === undefined || p.endedOn > date),
    );

    const yAdm = admissions.filter((a) => inYear(a.on) && inside(a.cell));
    const yFiled = count(yAdm, (a) => by(a.membership.recordsFiledOn));
    const movesAcross = (list: Iterable<{ kind: string; cell: string; counterpart: string; on: string }>, kind: string) =>
      count(list, (x) => x.kind === kind && inYear(x.on) && inside(x.cell) && !inside(x.counterpart));
    // A rating counts on 31 December of the year rated.
    const yRatings = [...ratings.values()].filter((r) => r.year === year && `${year}-12-31` <= date && inside(r.cell));
    const yExits = exits.filter((e) => inYear(e.on) && inside(e.cell));
    const orgsInside = [...orgData].filter(([id]) => inside(id)).map(([, o]) => o);
    // An org's rating counts on 31 December of the year rated, as a member's does.
    const orgRated = `${year}-12-31` <= date ? orgsInside.map((o) => o.ratings[year]) : [];
    return {
      organizations: {
        newInYear: count(orgsInside, (o) => o.establishedOn !== undefined && inYear(o.establishedOn)),
        privateSector: count(orgsInside, (o) => !o.dissolved && (o.sector === 'private-enterprise' || o.sector === 'foreign-invested')),
      },
      members: m,
      admissions: {
        total: yAdm.length,
        female: count(yAdm, (a) => a.profile.sex === 'female'),
        youthUnion: count(yAdm, (a) => a.profile.youthUnion),
        student: count(yAdm, (a) => a.profile.occupation === 'student'),
        privateEnterprise: count(yAdm, (a) => a.profile.occupation === 'private-enterprise'),
        enterpriseOwner: count(yAdm, (a) => a.profile.occupation === 'enterprise-owner'),
        contractFreelance: count(yAdm, (a) => a.profile.occupation === 'contract-freelance'),
        readmitted: count(yAdm, (a) => a.readmitted),
        ethnicMinority: count(yAdm, (a) => a.profile.ethnicity !== 'Kinh'),
        religious: count(yAdm, (a) => typeof a.profile.religion === 'string' && a.profile.religion !== ''),
        populationPolicy: count(yAdm, (a) => a.populationPolicy),
        target: year === city.year ? (city.targets[orgId] ?? null) : null,
        recordsFiled: yFiled,
        recordsFiledPct: share(yFiled, yAdm.length),
      },
      candidates: pool,
      recognitions: { total: count(recognitions, (r) => inYear(r.on) && inside(r.cell)) },
      transfers: {
        officialIn: movesAcross(ins, 'official'),
        officialOut: movesAcross(outs.values(), 'official'),
        temporaryIn: movesAcross(ins, 'temporary'),
        temporaryOut: movesAcross(outs.values(), 'temporary'),
        late,
        temporaryTooLong,
      },
      exits: {
        expelled: count(yExits, (e) => e.reason === 'expelled'),
        struckOff: count(yExits, (e) => e.reason === 'struck-off'),
        resigned: count(yExits, (e) => e.reason === 'resigned'),
        deceased: count(yExits, (e) => e.reason === 'deceased'),
      },
      dossiers: {
        open,
        byStep,
        dueSoon,
        overdue,
        closedInYear: closed.length,
        medianDaysToClose: median(closed.map((x) => daysFrom(x.receivedOn, x.closedOn!))),
      },
      ratings: {
        excellent: count(yRatings, (r) => r.rating === 'excellent'),
        good: count(yRatings, (r) => r.rating === 'good'),
        completed: count(yRatings, (r) => r.rating === 'completed'),
        notCompleted: count(yRatings, (r) => r.rating === 'not-completed'),
      },
      orgRatings: {
        excellent: count(orgRated, (r) => r === 'excellent'),
        good: count(orgRated, (r) => r === 'good'),
        completed: count(orgRated, (r) => r === 'completed'),
        notCompleted: count(orgRated, (r) => r === 'not-completed'),
      },
      badges: { awarded: count(badges, (b) => inYear(b.on) && inside(b.cell)) },
    };
  };
}

/**
 * The reference as a report shows it: in the report of a cell, a grassroots cell or a
 * sub-committee, a sensitive count below 5, or leaving fewer than 5 others, is null
 * (docs/report.md "Small counts suppressed"). Written out here rather than imported, so
 * that a wrong threshold or level list in the code differs from it.
 */
export function asShown(
  want: Expected,
  level: OrgLevel,
): Omit<Expected, 'members' | 'admissions'> & {
  members: Shown<Expected['members']>;
  admissions: Shown<Expected['admissions']>;
} {
  if (!['cell', 'grassroots-cell', 'sub-committee'].includes(level)) return want;
  const few = (n: number, total: number) => n < 5 || total - n < 5;
  const hide = <G extends { total: number; ethnicMinority: number; religious: number }>(g: G): Shown<G> => ({
    ...g,
    ethnicMinority: few(g.ethnicMinority, g.total) ? null : g.ethnicMinority,
    religious: few(g.religious, g.total) ? null : g.religious,
  });
  return { ...want, members: hide(want.members), admissions: hide(want.admissions) };
}

/** The fields of `actual` that `shape` has, at any depth (the report has more than the reference checks). */
export function pick(actual: unknown, shape: unknown): unknown {
  if (shape === null || typeof shape !== 'object' || actual === null || typeof actual !== 'object') return actual;
  return Object.fromEntries(
    Object.keys(shape).map((k) => [k, pick((actual as Record<string, unknown>)[k], (shape as Record<string, unknown>)[k])]),
  );
}

// ---------------------------------------------------------------------------
// Delivery.

/** The message group of an event (docs/events.md): its person, or `orgs`. */
export const groupOf = (e: Envelope) => subjectOf(e as unknown as DomainEvent);

/** A uniformly random interleaving of the groups' sequences, each group's order kept. */
export function interleave(events: Envelope[], rng: () => number): Envelope[] {
  const queues = new Map<string, Envelope[]>();
  for (const e of events) {
    const g = groupOf(e);
    const q = queues.get(g);
    if (q) q.push(e);
    else queues.set(g, [e]);
  }
  const slots = events.map(groupOf);
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [slots[i], slots[j]] = [slots[j]!, slots[i]!];
  }
  return slots.map((g) => queues.get(g)!.shift()!);
}
