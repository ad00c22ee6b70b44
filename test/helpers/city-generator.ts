// A seeded, deterministic generator of a valid event history for one city in 2021, for
// the chaos test. It keeps its own simple model of the city (who is a member where, which
// dossiers and transfers are open) and only emits an event that this model says is valid
// at that moment, so a correct backend rejects none of them.
//
// Tree: HP (province) > Q1..Q3 (upper-grassroots) > each {Qk-G (grassroots-committee) >
// Qk-G-C1, Qk-G-C2 (cells); Qk-C (grassroots-cell)}: nine cells in all.
//
// Every event is returned with `after`: the ids of the events it causally needs (the
// previous event of each record it touches). The caller uses them to deliver events whose
// predecessor is in another message group only after that predecessor has been applied.
//
// Deliberately independent of shared/domain's rules: plain objects, own dates, own rules
// (only the envelope's type is shared).

import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { UncheckedEnvelope } from '../../shared/domain/events.js';

/** A seeded source of values in [0, 1). */
export function seededRandom(seed: number): () => number {
  const generator = xoroshiro128plus(seed);
  return () => uniformFloat64(generator);
}

export type Envelope = UncheckedEnvelope;

export interface GeneratedEvent {
  envelope: Envelope;
  /** Ids of the events this one causally follows (the last event of each record it touches). */
  after: string[];
}

export interface City {
  province: string;
  districts: string[];
  cells: string[];
  /** Every registered org → its parent (null for the root). */
  parents: Record<string, string | null>;
  /** org.registered and target.set, parents first. */
  orgEvents: Envelope[];
  /** Everything else, in a valid (generation) order. */
  events: GeneratedEvent[];
  /** Admission targets for 2021 by org. */
  targets: Record<string, number>;
}

export const EXTERNAL_ORGS = ['EXT-HN', 'EXT-DN', 'EXT-CT'] as const;

// ---------------------------------------------------------------------------
// Dates: day 0 is 2021-01-01, day 364 is 2021-12-31.

const DAY_MS = 86_400_000;
const YEAR_START = Date.UTC(2021, 0, 1);
const LAST_DAY = 364;

export function dateOf(day: number): string {
  return new Date(YEAR_START + day * DAY_MS).toISOString().slice(0, 10);
}

/** The day index of a 2021 date. */
function dayOf(date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - YEAR_START) / DAY_MS);
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

// ---------------------------------------------------------------------------
// The generator's model

type Status = 'probationary' | 'official' | 'in-transit' | 'transferred-out' | 'exited';

interface Member {
  id: string;
  cell: string;
  status: Status;
  admittedYear: number;
  /** Day index when probation ends (probationary members only). */
  probationEnds?: number;
  exempted: boolean;
  badges: Set<number>;
  rated: Set<number>;
  /** Open transfer (official in transit, or temporary not yet ended): one at a time. */
  openTransfer?: string;
  /** The status to come back to when an official transfer is received or cancelled. */
  statusBeforeTransit?: 'probationary' | 'official';
  /** The member's last event (for causality) and its day. */
  last?: string;
  lastDay: number;
}

interface Dossier {
  id: string;
  personId: string;
  cell: string;
  /** 0 received, 1 processing, 2 reported, 3 reviewed. */
  step: number;
  open: boolean;
  last: string;
  lastDay: number;
}

interface Transfer {
  id: string;
  memberId: string;
  kind: 'official' | 'temporary';
  from: string;
  to: string;
  external: boolean;
  status: 'issued' | 'received';
  startDay: number;
  last: string;
}

const STEPS = ['processing', 'reported', 'reviewed'] as const;
const EXIT_REASONS = ['expelled', 'struck-off', 'resigned', 'deceased'] as const;
const RATINGS = ['excellent', 'good', 'completed', 'not-completed'] as const;
const BADGES = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90] as const;
const OCCUPATIONS = [
  'student',
  'private-enterprise',
  'enterprise-owner',
  'state-sector',
  'armed-forces',
  'farmer',
  'contract-freelance',
  'retired',
  'other',
] as const;
const EDUCATIONS = ['lower-secondary', 'upper-secondary', 'vocational', 'college', 'university', 'postgraduate'] as const;
const ETHNICITIES = ['Kinh', 'Kinh', 'Kinh', 'Kinh', 'Tày', 'Mường', 'Khmer', 'Hoa'] as const;
const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'] as const;
const GIVEN = ['An', 'Bình', 'Cường', 'Dũng', 'Hà', 'Lan', 'Minh', 'Thảo', 'Tuấn', 'Yến'] as const;

export interface GenerateOptions {
  seed: number;
  /** Roughly how many events after the org events (the result is within a few of it). */
  events: number;
}

export function generateCity({ seed, events: wanted }: GenerateOptions): City {
  const rng = seededRandom(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
  const chance = (p: number) => rng() < p;
  const between = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));

  // --- the tree -----------------------------------------------------------
  const province = 'HP';
  const districts = ['Q1', 'Q2', 'Q3'];
  const parents: Record<string, string | null> = { [province]: null };
  const levels: Record<string, string> = { [province]: 'province' };
  const cells: string[] = [];
  for (const d of districts) {
    parents[d] = province;
    levels[d] = 'upper-grassroots';
    const g = `${d}-G`;
    parents[g] = d;
    levels[g] = 'grassroots-committee';
    for (const c of [`${g}-C1`, `${g}-C2`]) {
      parents[c] = g;
      levels[c] = 'cell';
      cells.push(c);
    }
    const gc = `${d}-C`;
    parents[gc] = d;
    levels[gc] = 'grassroots-cell';
    cells.push(gc);
  }
  const districtOf = (cell: string) => cell.slice(0, 2);
  const targets: Record<string, number> = { [province]: 150, Q1: 50, Q2: 45, Q3: 55 };
  let seq = 0;
  const orgEvents: Envelope[] = [];
  for (const orgId of Object.keys(parents)) {
    orgEvents.push({
      id: `chaos-org-${orgId}`,
      type: 'org.registered',
      occurredAt: '2020-12-01T08:00:00+07:00',
      source: 'csdl-dang-vien',
      data: { orgId, parentId: parents[orgId], name: `Tổ chức đảng ${orgId}`, level: levels[orgId] },
    });
  }
  for (const [orgId, admissions] of Object.entries(targets)) {
    orgEvents.push({
      id: `chaos-target-${orgId}`,
      type: 'target.set',
      occurredAt: '2021-01-02T08:00:00+07:00',
      source: 'csdl-dang-vien',
      data: { orgId, year: 2021, admissions },
    });
  }

  // --- the model ------------------------------------------------------------
  const members = new Map<string, Member>();
  const dossiers = new Map<string, Dossier>();
  const transfers = new Map<string, Transfer>();
  const out: GeneratedEvent[] = [];
  let today = 0;
  let minuteOfDay = 0;
  let memberSeq = 0;
  let dossierSeq = 0;
  let transferSeq = 0;
  let attendeeSeq = 0;

  const emit = (type: string, data: Record<string, unknown>, after: Array<string | undefined>): string => {
    seq += 1;
    const id = `chaos-${pad(seq, 6)}`;
    const minutes = 7 * 60 + minuteOfDay++;
    const occurredAt = `${dateOf(today)}T${pad(Math.floor(minutes / 60) % 24)}:${pad(minutes % 60)}:00+07:00`;
    out.push({
      envelope: { id, type, occurredAt, source: 'csdl-dang-vien', data },
      after: after.filter((x): x is string => x !== undefined),
    });
    return id;
  };

  const profile = (opts: { young?: boolean; old?: boolean } = {}) => {
    const birthYear = opts.old ? between(1930, 1965) : opts.young ? between(1995, 2002) : between(1960, 2000);
    const occupation = opts.old ? pick(['retired', 'retired', 'state-sector', 'farmer'] as const) : pick(OCCUPATIONS);
    return {
      fullName: `${pick(FAMILY)} ${pick(GIVEN)}`,
      sex: chance(0.42) ? 'female' : 'male',
      birthDate: `${birthYear}-${pad(between(1, 12))}-${pad(between(1, 28))}`,
      ethnicity: pick(ETHNICITIES),
      religion: chance(0.15) ? 'Phật giáo' : null,
      education: pick(EDUCATIONS),
      occupation,
      youthUnion: opts.young ? chance(0.8) : opts.old ? false : chance(0.4),
    };
  };

  const newMemberId = () => `M${pad(++memberSeq, 5)}`;
  const isActive = (m: Member) => m.status === 'probationary' || m.status === 'official';
  const activeMembers = () => [...members.values()].filter(isActive);
  /** Admission date of a legacy member: old enough for badges now and then. */
  const legacyAdmission = () => {
    const y = chance(0.25) ? between(1955, 1991) : between(1992, 2019);
    return { date: `${y}-${pad(between(1, 12))}-${pad(between(1, 28))}`, year: y };
  };

  // --- actions ----------------------------------------------------------------
  // Each returns whether it emitted an event (false: nothing eligible right now).

  const importMember = (): boolean => {
    const id = newMemberId();
    const cell = pick(cells);
    if (chance(0.2)) {
      // Probationary, admitted in 2020: probation ends in 2021 (no ceremony: 12 months after admittedOn).
      const m = between(1, 12);
      const d = between(1, 28);
      const admittedOn = `2020-${pad(m)}-${pad(d)}`;
      const probationEnds = dayOf(`2021-${pad(m)}-${pad(d)}`);
      const last = emit(
        'member.imported',
        { memberId: id, orgId: cell, status: 'probationary', admittedOn, profile: profile({ young: true }) },
        [],
      );
      members.set(id, {
        id,
        cell,
        status: 'probationary',
        admittedYear: 2020,
        probationEnds,
        exempted: false,
        badges: new Set(),
        rated: new Set(),
        last,
        lastDay: today,
      });
    } else {
      const adm = legacyAdmission();
      const recognizedOn = `${adm.year + 1}-${adm.date.slice(5)}`;
      const last = emit(
        'member.imported',
        { memberId: id, orgId: cell, status: 'official', admittedOn: adm.date, recognizedOn, profile: profile({ old: adm.year < 1992 }) },
        [],
      );
      members.set(id, {
        id,
        cell,
        status: 'official',
        admittedYear: adm.year,
        exempted: false,
        badges: new Set(),
        rated: new Set(),
        last,
        lastDay: today,
      });
    }
    return true;
  };

  const admitDirect = (): boolean => {
    const id = newMemberId();
    const cell = pick(cells);
    const data: Record<string, unknown> = { memberId: id, orgId: cell, admittedOn: dateOf(today), profile: profile({ young: true }) };
    if (chance(0.5) && today + 14 <= LAST_DAY) data.ceremonyOn = dateOf(today + between(0, 14));
    const last = emit('member.admitted', data, []);
    members.set(id, {
      id,
      cell,
      status: 'probationary',
      admittedYear: 2021,
      exempted: false,
      badges: new Set(),
      rated: new Set(),
      last,
      lastDay: today,
    });
    return true;
  };

  const receiveDossier = (): boolean => {
    const personId = newMemberId();
    const id = `D${pad(++dossierSeq, 5)}`;
    const cell = pick(cells);
    const last = emit(
      'dossier.received',
      { dossierId: id, personId, orgId: cell, receivedOn: dateOf(today), profile: profile({ young: true }) },
      [],
    );
    dossiers.set(id, { id, personId, cell, step: 0, open: true, last, lastDay: today });
    return true;
  };

  const openDossiers = (pred: (d: Dossier) => boolean) => [...dossiers.values()].filter((d) => d.open && d.lastDay < today && pred(d));

  const completeStep = (): boolean => {
    const candidates = openDossiers((d) => d.step < 3);
    if (candidates.length === 0) return false;
    const d = pick(candidates);
    // Skipping a step is allowed; mostly they come one by one.
    const next = Math.min(3, d.step + (chance(0.15) ? 2 : 1));
    d.last = emit('dossier.stepCompleted', { dossierId: d.id, step: STEPS[next - 1], on: dateOf(today) }, [d.last]);
    d.step = next;
    d.lastDay = today;
    return true;
  };

  const admitFromDossier = (): boolean => {
    const candidates = openDossiers((d) => d.step === 3);
    if (candidates.length === 0) return false;
    const d = pick(candidates);
    const data: Record<string, unknown> = {
      memberId: d.personId,
      orgId: d.cell,
      admittedOn: dateOf(today),
      profile: profile({ young: true }),
      dossierId: d.id,
    };
    if (chance(0.6) && today + 10 <= LAST_DAY) data.ceremonyOn = dateOf(today + between(1, 10));
    const last = emit('member.admitted', data, [d.last]);
    d.open = false;
    d.last = last;
    members.set(d.personId, {
      id: d.personId,
      cell: d.cell,
      status: 'probationary',
      admittedYear: 2021,
      exempted: false,
      badges: new Set(),
      rated: new Set(),
      last,
      lastDay: today,
    });
    return true;
  };

  const closeDossier = (): boolean => {
    const candidates = openDossiers(() => true);
    if (candidates.length === 0) return false;
    const d = pick(candidates);
    const outcome = chance(0.5) ? 'rejected' : 'withdrawn';
    d.last = emit(
      'dossier.closed',
      { dossierId: d.id, outcome, on: dateOf(today), ...(chance(0.3) ? { note: 'Ghi chú kết thúc hồ sơ' } : {}) },
      [d.last],
    );
    d.open = false;
    return true;
  };

  /** A member event: the member's previous event is its predecessor. */
  const memberEvent = (m: Member, type: string, data: Record<string, unknown>) => {
    m.last = emit(type, data, [m.last]);
    m.lastDay = today;
  };

  const recognize = (): boolean => {
    const candidates = activeMembers().filter(
      (m) => m.status === 'probationary' && m.probationEnds !== undefined && m.probationEnds <= today,
    );
    if (candidates.length === 0) return false;
    const m = pick(candidates);
    memberEvent(m, 'member.recognized', { memberId: m.id, recognizedOn: dateOf(today) });
    m.status = 'official';
    delete m.probationEnds;
    return true;
  };

  const exempt = (): boolean => {
    const candidates = activeMembers().filter((m) => !m.exempted);
    if (candidates.length === 0) return false;
    const m = pick(candidates);
    memberEvent(m, 'member.exempted', { memberId: m.id, on: dateOf(today) });
    m.exempted = true;
    return true;
  };

  const exit = (): boolean => {
    const candidates = activeMembers().filter((m) => m.openTransfer === undefined && m.lastDay < today);
    if (candidates.length === 0) return false;
    const m = pick(candidates);
    memberEvent(m, 'member.exited', { memberId: m.id, reason: pick(EXIT_REASONS), on: dateOf(today) });
    m.status = 'exited';
    return true;
  };

  const readmit = (): boolean => {
    const candidates = [...members.values()].filter((m) => m.status === 'exited' && m.lastDay < today);
    if (candidates.length === 0) return false;
    const m = pick(candidates);
    const cell = pick(cells);
    memberEvent(m, 'member.admitted', { memberId: m.id, orgId: cell, admittedOn: dateOf(today), profile: profile(), readmitted: true });
    Object.assign(m, { cell, status: 'probationary', admittedYear: 2021, exempted: false });
    delete m.probationEnds;
    return true;
  };

  const evaluate = (year: number): boolean => {
    const candidates = activeMembers().filter((m) => !m.rated.has(year) || chance(0.05));
    if (candidates.length === 0) return false;
    const m = pick(candidates);
    memberEvent(m, 'member.evaluated', { memberId: m.id, year, rating: pick(RATINGS) });
    m.rated.add(year);
    return true;
  };

  const awardBadge = (): boolean => {
    const eligible = (m: Member) => BADGES.filter((y) => m.admittedYear + y <= 2021 && !m.badges.has(y));
    const candidates = activeMembers().filter((m) => eligible(m).length > 0);
    if (candidates.length === 0) return false;
    const m = pick(candidates);
    const years = eligible(m).at(-1)!;
    memberEvent(m, 'member.badgeAwarded', { memberId: m.id, years, awardedOn: dateOf(today) });
    m.badges.add(years);
    return true;
  };

  const update = (): boolean => {
    const candidates = activeMembers();
    if (candidates.length === 0) return false;
    const m = pick(candidates);
    const patch = chance(0.5)
      ? { sex: chance(0.5) ? 'female' : 'male' }
      : chance(0.5)
        ? { youthUnion: chance(0.5) }
        : { education: pick(EDUCATIONS) };
    memberEvent(m, 'member.updated', { memberId: m.id, profile: patch });
    return true;
  };

  const issueTransfer = (): boolean => {
    const candidates = activeMembers().filter((m) => m.openTransfer === undefined);
    if (candidates.length === 0) return false;
    const m = pick(candidates);
    const kind = chance(0.6) ? 'official' : 'temporary';
    const r = rng();
    const sameDistrict = cells.filter((c) => c !== m.cell && districtOf(c) === districtOf(m.cell));
    const otherDistrict = cells.filter((c) => districtOf(c) !== districtOf(m.cell));
    const to = r < 0.35 ? pick(sameDistrict) : r < 0.8 ? pick(otherDistrict) : pick(EXTERNAL_ORGS);
    const external = to.startsWith('EXT-');
    const id = `T${pad(++transferSeq, 5)}`;
    memberEvent(m, 'transfer.issued', { transferId: id, memberId: m.id, kind, fromOrgId: m.cell, toOrgId: to, issuedOn: dateOf(today) });
    if (kind === 'official' && external) {
      m.status = 'transferred-out';
      return true;
    }
    if (kind === 'official') {
      m.statusBeforeTransit = m.status as 'probationary' | 'official';
      m.status = 'in-transit';
    }
    m.openTransfer = id;
    transfers.set(id, { id, memberId: m.id, kind, from: m.cell, to, external, status: 'issued', startDay: today, last: m.last! });
    return true;
  };

  const pendingTransfers = (pred: (t: Transfer) => boolean) => [...transfers.values()].filter((t) => t.startDay < today && pred(t));

  const receiveTransfer = (): boolean => {
    const candidates = pendingTransfers((t) => t.status === 'issued' && !t.external);
    if (candidates.length === 0) return false;
    const t = pick(candidates);
    const m = members.get(t.memberId)!;
    // The member is named (CONTRACT §1) so that the event is grouped, and ordered, with the person's others.
    t.last = emit('transfer.received', { transferId: t.id, receivedOn: dateOf(today), memberId: m.id }, [t.last, m.last]);
    Object.assign(m, { last: t.last, lastDay: today });
    t.status = 'received';
    t.startDay = today;
    if (t.kind === 'official') {
      // The member's next event needs the receipt: it puts them on the new cell's rolls.
      Object.assign(m, { cell: t.to, status: m.statusBeforeTransit, last: t.last, lastDay: today });
      delete m.openTransfer;
      transfers.delete(t.id);
    }
    return true;
  };

  const cancelTransfer = (): boolean => {
    const candidates = pendingTransfers((t) => t.status === 'issued');
    if (candidates.length === 0) return false;
    const t = pick(candidates);
    const m = members.get(t.memberId)!;
    t.last = emit('transfer.cancelled', { transferId: t.id, on: dateOf(today), memberId: m.id }, [t.last, m.last]);
    Object.assign(m, { last: t.last, lastDay: today });
    if (t.kind === 'official') m.status = m.statusBeforeTransit!;
    delete m.openTransfer;
    transfers.delete(t.id);
    return true;
  };

  const returnTransfer = (): boolean => {
    const candidates = pendingTransfers((t) => t.kind === 'temporary' && (t.status === 'received' || t.external));
    if (candidates.length === 0) return false;
    const t = pick(candidates);
    const m = members.get(t.memberId);
    t.last = emit('transfer.returned', { transferId: t.id, on: dateOf(today), ...(m ? { memberId: m.id } : {}) }, [t.last, m?.last]);
    if (m) Object.assign(m, { last: t.last, lastDay: today });
    if (m?.openTransfer === t.id) delete m.openTransfer;
    transfers.delete(t.id);
    return true;
  };

  /** An official arrival from outside: a new member, or one of ours who left for another province and comes back. */
  const arriveOfficial = (): boolean => {
    const returning = [...members.values()].filter((m) => m.status === 'transferred-out' && m.lastDay < today);
    const back = returning.length > 0 && chance(0.4) ? pick(returning) : undefined;
    const id = back?.id ?? newMemberId();
    const cell = pick(cells);
    const probationary = !back && chance(0.25);
    const adm = probationary ? { date: `2020-${pad(between(1, 12))}-${pad(between(1, 28))}`, year: 2020 } : legacyAdmission();
    const member = probationary
      ? { memberId: id, status: 'probationary', admittedOn: adm.date, profile: profile({ young: true }) }
      : {
          memberId: id,
          status: 'official',
          admittedOn: adm.date,
          recognizedOn: `${adm.year + 1}-${adm.date.slice(5)}`,
          profile: profile(),
        };
    const transferId = `TX${pad(++transferSeq, 5)}`;
    const last = emit(
      'transfer.received',
      { transferId, receivedOn: dateOf(today), fromOrgId: pick(EXTERNAL_ORGS), toOrgId: cell, kind: 'official', member },
      [back?.last],
    );
    const m: Member = back ?? {
      id,
      cell,
      status: 'official',
      admittedYear: adm.year,
      exempted: false,
      badges: new Set(),
      rated: new Set(),
      lastDay: today,
    };
    Object.assign(m, { cell, status: member.status, admittedYear: adm.year, exempted: false, last, lastDay: today });
    if (probationary) m.probationEnds = dayOf(`2021-${adm.date.slice(5)}`);
    else delete m.probationEnds;
    members.set(id, m);
    return true;
  };

  /** A temporary attendee from another province: not on our rolls. */
  const arriveTemporary = (): boolean => {
    const attendee = `A${pad(++attendeeSeq, 5)}`;
    const cell = pick(cells);
    const transferId = `TX${pad(++transferSeq, 5)}`;
    const adm = legacyAdmission();
    const member = {
      memberId: attendee,
      status: 'official',
      admittedOn: adm.date,
      recognizedOn: `${adm.year + 1}-${adm.date.slice(5)}`,
      profile: profile(),
    };
    const last = emit(
      'transfer.received',
      { transferId, receivedOn: dateOf(today), fromOrgId: pick(EXTERNAL_ORGS), toOrgId: cell, kind: 'temporary', member },
      [],
    );
    transfers.set(transferId, {
      id: transferId,
      memberId: attendee,
      kind: 'temporary',
      from: 'EXT',
      to: cell,
      external: false,
      status: 'received',
      startDay: today,
      last,
    });
    return true;
  };

  // --- the year ---------------------------------------------------------------
  const imports = Math.round(wanted * 0.2);
  const importDays = 10;
  type Action = [weight: number, run: () => boolean];
  const actionsOn = (day: number): Action[] => [
    [10, receiveDossier],
    [16, completeStep],
    [6, admitFromDossier],
    [3, closeDossier],
    [4, admitDirect],
    [1, readmit],
    [6, recognize],
    [2.5, exempt],
    [3.5, exit],
    [day < 60 ? 12 : 0, () => evaluate(2020)],
    [day >= 320 ? 90 : day >= 180 ? 1 : 0, () => evaluate(2021)],
    [2, awardBadge],
    [1.2, update],
    [8, issueTransfer],
    [4, receiveTransfer],
    [1.2, cancelTransfer],
    [2, returnTransfer],
    [1.5, arriveOfficial],
    [1, arriveTemporary],
  ];

  for (today = 0; today <= LAST_DAY; today++) {
    minuteOfDay = 0;
    if (today < importDays) {
      const n = Math.round(imports / importDays);
      for (let i = 0; i < n; i++) importMember();
      continue;
    }
    const remainingDays = LAST_DAY - today + 1;
    const budget = Math.max(0, Math.round(((wanted - out.length) / remainingDays) * (0.6 + 0.8 * rng())));
    const actions = actionsOn(today);
    const total = actions.reduce((s, [w]) => s + w, 0);
    let done = 0;
    for (let tries = 0; done < budget && tries < budget * 5; tries++) {
      let r = rng() * total;
      const action =
        actions.find(([w]) => {
          r -= w;
          return r < 0;
        }) ?? actions[0]!;
      if (action[1]()) done++;
    }
  }

  return { province, districts, cells, parents, orgEvents, events: out, targets };
}
