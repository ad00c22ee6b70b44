// The chaos tests' independent reference: a plain fold over the generated events that
// shares no code with the product (no domain import), and the delivery helpers they share.
import { subjectOf, type DomainEvent } from '../../shared/domain/events/index.js';
import type { City, Envelope } from '../../bench/city.js';

/** What the reference reads of a city: its events (org events among them, in date order), the tree before them, the targets. */
export type ReferenceCity = Pick<City, 'events' | 'parents' | 'targets'>;

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
      return true;
    default:
      return false;
  }
}

export interface Expected {
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
    target: number | null;
  };
  recognitions: { total: number };
  transfers: { officialIn: number; officialOut: number; temporaryIn: number; temporaryOut: number };
  exits: { expelled: number; struckOff: number; resigned: number; deceased: number };
  dossiers: { open: number; byStep: { received: number; processing: number; reported: number; reviewed: number }; closedInYear: number };
  ratings: { excellent: number; good: number; completed: number; notCompleted: number };
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
  dossierId: string;
  step: string;
  on: string;
  memberId: string;
  status: string;
  profile: RawProfile;
  admittedOn: string;
  readmitted?: boolean;
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
  member: { memberId: string; status: string; profile: RawProfile };
};

export function referenceReports(city: ReferenceCity, year: number): (orgId: string) => Expected {
  type Person = { sex: string; youthUnion: boolean; ethnicity: string; religion?: string | null };
  const members = new Map<string, { cell: string; status: string; profile: Person; exempted: boolean; before?: string }>();
  const dossiers = new Map<string, { cell: string; open: boolean; step: string }>();
  const transfers = new Map<string, { memberId: string; kind: string; from: string; to: string; toExternal: boolean; status: string }>();
  const admissions: Array<{ cell: string; on: string; profile: RawProfile; readmitted: boolean }> = [];
  const recognitions: Array<{ cell: string; on: string }> = [];
  const outs = new Map<string, { kind: string; cell: string; counterpart: string; on: string }>();
  const ins: Array<{ kind: string; cell: string; counterpart: string; on: string }> = [];
  const exits: Array<{ cell: string; reason: string; on: string }> = [];
  const closings: Array<{ cell: string; on: string }> = [];
  const ratings = new Map<string, { cell: string; year: number; rating: string }>();
  const badges: Array<{ cell: string; on: string }> = [];
  const parents = { ...city.parents };
  const registered = (orgId: string) => orgId in parents;

  for (const envelope of city.events) {
    const d = envelope.data as D;
    if (restructure(parents, envelope.type, d)) continue;
    switch (envelope.type) {
      case 'dossier.received':
        dossiers.set(d.dossierId, { cell: d.orgId, open: true, step: 'received' });
        break;
      case 'dossier.stepCompleted':
        dossiers.get(d.dossierId)!.step = d.step;
        break;
      case 'dossier.closed': {
        const dossier = dossiers.get(d.dossierId)!;
        dossier.open = false;
        closings.push({ cell: dossier.cell, on: d.on });
        break;
      }
      case 'member.admitted':
        if (d.dossierId) {
          const dossier = dossiers.get(d.dossierId)!;
          dossier.open = false;
          closings.push({ cell: dossier.cell, on: d.admittedOn });
        }
        members.set(d.memberId, { cell: d.orgId, status: 'probationary', profile: { ...d.profile }, exempted: false });
        admissions.push({ cell: d.orgId, on: d.admittedOn, profile: d.profile, readmitted: d.readmitted === true });
        break;
      case 'member.imported':
        members.set(d.memberId, { cell: d.orgId, status: d.status, profile: { ...d.profile }, exempted: false });
        break;
      case 'member.recognized': {
        const m = members.get(d.memberId)!;
        m.status = 'official';
        recognitions.push({ cell: m.cell, on: d.recognizedOn });
        break;
      }
      case 'member.updated': {
        const m = members.get(d.memberId)!;
        m.profile = { ...m.profile, ...d.profile };
        break;
      }
      case 'member.exempted':
        members.get(d.memberId)!.exempted = true;
        break;
      case 'member.exited': {
        const m = members.get(d.memberId)!;
        m.status = 'exited';
        exits.push({ cell: m.cell, reason: d.reason, on: d.on });
        break;
      }
      case 'member.evaluated':
        // A second rating of the same year replaces the first, counted where the member is now.
        ratings.set(`${d.memberId}/${d.year}`, { cell: members.get(d.memberId)!.cell, year: d.year, rating: d.rating });
        break;
      case 'member.badgeAwarded':
        badges.push({ cell: members.get(d.memberId)!.cell, on: d.awardedOn });
        break;
      case 'transfer.issued': {
        const m = members.get(d.memberId)!;
        const toExternal = !registered(d.toOrgId);
        outs.set(d.transferId, { kind: d.kind, cell: d.fromOrgId, counterpart: d.toOrgId, on: d.issuedOn });
        transfers.set(d.transferId, { memberId: d.memberId, kind: d.kind, from: d.fromOrgId, to: d.toOrgId, toExternal, status: 'issued' });
        if (d.kind === 'official') {
          m.before = m.status;
          m.status = toExternal ? 'gone' : 'in-transit';
        }
        break;
      }
      case 'transfer.received': {
        const t = transfers.get(d.transferId);
        if (t) {
          t.status = 'received';
          ins.push({ kind: t.kind, cell: t.to, counterpart: t.from, on: d.receivedOn });
          if (t.kind === 'official') {
            const m = members.get(t.memberId)!;
            m.cell = t.to;
            m.status = m.before!;
          }
        } else {
          // An arrival from outside.
          ins.push({ kind: d.kind, cell: d.toOrgId, counterpart: d.fromOrgId, on: d.receivedOn });
          transfers.set(d.transferId, {
            memberId: d.member.memberId,
            kind: d.kind,
            from: d.fromOrgId,
            to: d.toOrgId,
            toExternal: false,
            status: 'received',
          });
          if (d.kind === 'official') {
            members.set(d.member.memberId, { cell: d.toOrgId, status: d.member.status, profile: { ...d.member.profile }, exempted: false });
          }
        }
        break;
      }
      case 'transfer.cancelled': {
        // Undone: the member is back, the "out" never happened.
        const t = transfers.get(d.transferId)!;
        t.status = 'cancelled';
        outs.delete(d.transferId);
        if (t.kind === 'official') {
          const m = members.get(t.memberId)!;
          m.status = m.before!;
        }
        break;
      }
      case 'transfer.returned':
        transfers.get(d.transferId)!.status = 'returned';
        break;
      default:
        throw new Error(`the reference does not know ${envelope.type}`);
    }
  }

  const inYear = (on: string) => on.startsWith(`${year}-`);
  return (orgId) => {
    const inside = (id: string): boolean => {
      for (let o: string | null | undefined = id; o; o = parents[o]) if (o === orgId) return true;
      return false;
    };
    const count = <T>(xs: Iterable<T>, pred: (x: T) => boolean) => {
      let n = 0;
      for (const x of xs) if (pred(x)) n++;
      return n;
    };
    const active = [...members.values()].filter((m) => (m.status === 'official' || m.status === 'probationary') && inside(m.cell));
    const yAdm = admissions.filter((a) => inYear(a.on) && inside(a.cell));
    const moves = (list: Iterable<{ kind: string; cell: string; counterpart: string; on: string }>, kind: string) =>
      count(list, (x) => x.kind === kind && inYear(x.on) && inside(x.cell) && !inside(x.counterpart));
    const yRatings = [...ratings.values()].filter((r) => r.year === year && inside(r.cell));
    const yExits = exits.filter((e) => inYear(e.on) && inside(e.cell));
    return {
      members: {
        total: active.length,
        official: count(active, (m) => m.status === 'official'),
        probationary: count(active, (m) => m.status === 'probationary'),
        female: count(active, (m) => m.profile.sex === 'female'),
        youthUnion: count(active, (m) => m.profile.youthUnion),
        ethnicMinority: count(active, (m) => m.profile.ethnicity !== 'Kinh'),
        religious: count(active, (m) => typeof m.profile.religion === 'string' && m.profile.religion !== ''),
        exempted: count(active, (m) => m.exempted),
        inTransit: count(transfers.values(), (t) => t.kind === 'official' && t.status === 'issued' && !t.toExternal && inside(t.from)),
        temporaryAttendees: count(transfers.values(), (t) => t.kind === 'temporary' && t.status === 'received' && inside(t.to)),
      },
      admissions: {
        total: yAdm.length,
        female: count(yAdm, (a) => a.profile.sex === 'female'),
        youthUnion: count(yAdm, (a) => a.profile.youthUnion),
        student: count(yAdm, (a) => a.profile.occupation === 'student'),
        privateEnterprise: count(yAdm, (a) => a.profile.occupation === 'private-enterprise'),
        enterpriseOwner: count(yAdm, (a) => a.profile.occupation === 'enterprise-owner'),
        contractFreelance: count(yAdm, (a) => a.profile.occupation === 'contract-freelance'),
        readmitted: count(yAdm, (a) => a.readmitted),
        target: city.targets[orgId] ?? null,
      },
      recognitions: { total: count(recognitions, (r) => inYear(r.on) && inside(r.cell)) },
      transfers: {
        officialIn: moves(ins, 'official'),
        officialOut: moves(outs.values(), 'official'),
        temporaryIn: moves(ins, 'temporary'),
        temporaryOut: moves(outs.values(), 'temporary'),
      },
      exits: {
        expelled: count(yExits, (e) => e.reason === 'expelled'),
        struckOff: count(yExits, (e) => e.reason === 'struck-off'),
        resigned: count(yExits, (e) => e.reason === 'resigned'),
        deceased: count(yExits, (e) => e.reason === 'deceased'),
      },
      dossiers: {
        open: count(dossiers.values(), (x) => x.open && inside(x.cell)),
        byStep: {
          received: count(dossiers.values(), (x) => x.open && x.step === 'received' && inside(x.cell)),
          processing: count(dossiers.values(), (x) => x.open && x.step === 'processing' && inside(x.cell)),
          reported: count(dossiers.values(), (x) => x.open && x.step === 'reported' && inside(x.cell)),
          reviewed: count(dossiers.values(), (x) => x.open && x.step === 'reviewed' && inside(x.cell)),
        },
        closedInYear: count(closings, (c) => inYear(c.on) && inside(c.cell)),
      },
      ratings: {
        excellent: count(yRatings, (r) => r.rating === 'excellent'),
        good: count(yRatings, (r) => r.rating === 'good'),
        completed: count(yRatings, (r) => r.rating === 'completed'),
        notCompleted: count(yRatings, (r) => r.rating === 'not-completed'),
      },
      badges: { awarded: count(badges, (b) => inYear(b.on) && inside(b.cell)) },
    };
  };
}

/** What the reference checks on a past date: members and open dossiers at the end of it. */
export type OnDate = Pick<Expected, 'members'> & { dossiers: Pick<Expected['dossiers'], 'open' | 'byStep'> };

/**
 * The members and open dossiers at the end of any date, folded independently from the
 * generated events: each membership (admission, import or arrival) with its dated
 * recognition, exemption, exit and official moves; a cancelled move never happened.
 */
export function referenceOnDate(city: ReferenceCity): (orgId: string, date: string) => OnDate {
  type Move = {
    transferId: string;
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
    profile: RawProfile;
    recognizedOn?: string;
    exemptedOn?: string;
    exitOn?: string;
    moves: Move[];
  };
  const memberships = new Map<string, Membership[]>();
  const current = (memberId: string) => memberships.get(memberId)!.at(-1)!;
  const start = (memberId: string, m: Membership) => memberships.set(memberId, [...(memberships.get(memberId) ?? []), m]);
  const moves = new Map<string, Move>();
  const temporaries = new Map<string, { to: string; memberId?: string; receivedOn?: string; endedOn?: string }>();
  const dossiers = new Map<string, { cell: string; receivedOn: string; steps: Array<{ step: string; on: string }>; closedOn?: string }>();
  const profiles = new Map<string, RawProfile>();
  const parents = { ...city.parents };
  const registered = (orgId: string) => orgId in parents;

  for (const envelope of city.events) {
    const d = envelope.data as D & { receivedOn: string };
    if (restructure(parents, envelope.type, d)) continue;
    switch (envelope.type) {
      case 'dossier.received':
        dossiers.set(d.dossierId, { cell: d.orgId, receivedOn: d.receivedOn, steps: [] });
        break;
      case 'dossier.stepCompleted':
        dossiers.get(d.dossierId)!.steps.push({ step: d.step, on: d.on });
        break;
      case 'dossier.closed':
        dossiers.get(d.dossierId)!.closedOn = d.on;
        break;
      case 'member.admitted':
        if (d.dossierId) dossiers.get(d.dossierId)!.closedOn = d.admittedOn;
        start(d.memberId, { cell: d.orgId, startOn: d.admittedOn, profile: d.profile, moves: [] });
        profiles.set(d.memberId, { ...d.profile });
        break;
      case 'member.imported':
        start(d.memberId, { cell: d.orgId, startOn: d.admittedOn, profile: d.profile, recognizedOn: d.recognizedOn, moves: [] });
        profiles.set(d.memberId, { ...d.profile });
        break;
      case 'member.recognized':
        current(d.memberId).recognizedOn = d.recognizedOn;
        break;
      case 'member.updated':
        profiles.set(d.memberId, { ...profiles.get(d.memberId)!, ...d.profile });
        break;
      case 'member.exempted':
        current(d.memberId).exemptedOn = d.on;
        break;
      case 'member.exited': {
        current(d.memberId).exitOn = d.on;
        for (const t of temporaries.values()) if (t.endedOn === undefined && t.memberId === d.memberId) t.endedOn = d.on;
        break;
      }
      case 'transfer.issued':
        if (d.kind === 'official') {
          const move = {
            transferId: d.transferId,
            from: d.fromOrgId,
            to: d.toOrgId,
            toExternal: !registered(d.toOrgId),
            issuedOn: d.issuedOn,
          };
          moves.set(d.transferId, move);
          current(d.memberId).moves.push(move);
        } else {
          temporaries.set(d.transferId, { to: d.toOrgId, memberId: d.memberId });
        }
        break;
      case 'transfer.received': {
        const move = moves.get(d.transferId);
        const temporary = temporaries.get(d.transferId);
        if (move) move.receivedOn = d.receivedOn;
        else if (temporary) temporary.receivedOn = d.receivedOn;
        else if (d.kind === 'temporary') temporaries.set(d.transferId, { to: d.toOrgId, receivedOn: d.receivedOn });
        else {
          start(d.member.memberId, {
            cell: d.toOrgId,
            startOn: d.receivedOn,
            profile: d.member.profile,
            recognizedOn: (d.member as { recognizedOn?: string }).recognizedOn,
            moves: [],
          });
          profiles.set(d.member.memberId, { ...d.member.profile });
        }
        break;
      }
      case 'transfer.cancelled': {
        const move = moves.get(d.transferId);
        const temporary = temporaries.get(d.transferId);
        if (move) move.cancelled = true;
        else if (temporary?.receivedOn !== undefined) temporary.endedOn = d.on;
        else temporaries.delete(d.transferId);
        break;
      }
      case 'transfer.returned': {
        const temporary = temporaries.get(d.transferId);
        if (temporary) temporary.endedOn = d.on;
        break;
      }
      default:
        break;
    }
  }

  return (orgId, date) => {
    const inside = (id: string): boolean => {
      for (let o: string | null | undefined = id; o; o = parents[o]) if (o === orgId) return true;
      return false;
    };
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
    };
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
        if (ms.recognizedOn !== undefined && ms.recognizedOn <= date) m.official++;
        else m.probationary++;
        if (p.sex === 'female') m.female++;
        if (p.youthUnion) m.youthUnion++;
        if (p.ethnicity !== 'Kinh') m.ethnicMinority++;
        if (typeof p.religion === 'string' && p.religion !== '') m.religious++;
        if (ms.exemptedOn !== undefined && ms.exemptedOn <= date) m.exempted++;
      }
    }
    for (const t of temporaries.values()) {
      if (t.receivedOn !== undefined && t.receivedOn <= date && (t.endedOn === undefined || t.endedOn > date) && inside(t.to))
        m.temporaryAttendees++;
    }
    const byStep = { received: 0, processing: 0, reported: 0, reviewed: 0 };
    let open = 0;
    for (const x of dossiers.values()) {
      if (!inside(x.cell) || x.receivedOn > date || (x.closedOn !== undefined && x.closedOn <= date)) continue;
      open++;
      const done = x.steps.filter((s) => s.on <= date).at(-1);
      byStep[(done?.step ?? 'received') as keyof typeof byStep]++;
    }
    return { members: m, dossiers: { open, byStep } };
  };
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
