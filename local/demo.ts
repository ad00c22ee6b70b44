// local: a small demo city for the first `npm start`, dated around today so that the
// report and the reminders have something to show (a dossier due soon, one overdue,
// a probation ending, a transfer in transit, a ceremony overdue, party files missing, a
// class certificate expiring, a temporary transfer too long). Deterministic for a given day. Its ids
// (orgs, people, dossiers, transfers) and its source are its own, none of those of
// examples/: the README's examples run as written beside it, as a second city.
import { sendAll } from '../shared/data/queue-sender.js';
import { addDays, addMonths, yearOf } from '../shared/domain/dates.js';
import { outgoing } from '../shared/domain/events/outgoing.js';
import type { EventQueue } from '../shared/use-cases/event-queue.js';

type Envelope = { id: string; type: string; occurredAt: string; source: string; data: Record<string, unknown> };

const FAMILY = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi'];
const GIVEN = ['Văn An', 'Thị Bình', 'Minh Châu', 'Thu Dung', 'Quốc Huy', 'Thị Lan', 'Đức Long', 'Ngọc Mai'];
const OCCUPATIONS = [
  'state-sector',
  'private-enterprise',
  'student',
  'farmer',
  'retired',
  'contract-freelance',
  'armed-forces',
  'enterprise-owner',
];

export const DEMO_ROOT = 'DN';

/**
 * The order a producer must respect across message groups: the structure first, and a
 * dossier's steps (grouped by dossier) before the admission that closes it (grouped by
 * person), the admission before its ceremony and party file. Within a phase, FIFO groups
 * keep each subject's order.
 */
const AFTER_ADMISSION = [
  'dossier.stepCompleted',
  'member.admitted',
  'member.ceremonyHeld',
  'member.recordsFiled',
  'transfer.received',
  'transfer.cancelled',
  'transfer.returned',
];
const PHASES: Array<(type: string) => boolean> = [
  (t) => t.startsWith('org.') || t === 'target.set',
  (t) => !AFTER_ADMISSION.includes(t),
  (t) => t === 'dossier.stepCompleted',
  (t) => t === 'member.admitted',
  () => true,
];

/** The demo's events in phases to send one after the other, each applied before the next. */
export function demoPhases(today: string): Envelope[][] {
  const remaining = demoCity(today);
  return PHASES.map((inPhase) => {
    const phase = remaining.filter((e) => inPhase(e.type));
    for (const e of phase) remaining.splice(remaining.indexOf(e), 1);
    return phase;
  });
}

/** Sends the demo city dated around `today`, phase by phase, each applied (`settle`) before the next. */
export async function loadDemoCity(stack: { queue: EventQueue; settle: () => Promise<void> }, today: string): Promise<void> {
  for (const part of demoPhases(today)) {
    await sendAll(
      stack.queue,
      part.map((e) => outgoing(JSON.stringify(e))),
    );
    await stack.settle();
  }
}

export function demoCity(today: string): Envelope[] {
  const events: Envelope[] = [];
  const emit = (type: string, on: string, data: Record<string, unknown>) =>
    events.push({
      id: `demo-${String(events.length + 1).padStart(4, '0')}`,
      type,
      occurredAt: `${on}T08:00:00+07:00`,
      source: 'demo',
      data,
    });
  const profile = (i: number) => ({
    fullName: `${FAMILY[i % FAMILY.length]} ${GIVEN[(i * 3) % GIVEN.length]}`,
    sex: i % 3 === 1 ? 'female' : i % 5 === 0 ? 'female' : 'male',
    birthDate: `${1960 + (i % 40)}-0${1 + (i % 9)}-1${i % 10}`,
    ethnicity: i % 7 === 3 ? 'Tày' : 'Kinh',
    religion: i % 11 === 4 ? 'Phật giáo' : null,
    education: i % 4 === 0 ? 'postgraduate' : 'university',
    occupation: OCCUPATIONS[i % OCCUPATIONS.length],
    youthUnion: i % 2 === 0,
  });
  const longAgo = addMonths(today, -18);
  const year = yearOf(today);

  emit('org.registered', longAgo, { orgId: DEMO_ROOT, parentId: null, name: 'Đảng bộ thành phố Đà Nẵng (demo)', level: 'province' });
  // Two wards as they stand since 1 July 2025 (the districts are gone): under each ward's
  // party organization, a school's grassroots committee with two cells, and a residential
  // grassroots cell.
  const wards = [
    { id: 'HC', name: 'Hải Châu' },
    { id: 'TK', name: 'Thanh Khê' },
  ];
  const cells: string[] = [];
  for (const w of wards) {
    emit('org.registered', longAgo, { orgId: w.id, parentId: DEMO_ROOT, name: `Đảng bộ phường ${w.name}`, level: 'upper-grassroots' });
    emit('org.registered', longAgo, {
      orgId: `${w.id}-P1`,
      parentId: w.id,
      name: `Đảng bộ Trường Trung học phổ thông ${w.name}`,
      level: 'grassroots-committee',
    });
    for (const n of [1, 2]) {
      emit('org.registered', longAgo, {
        orgId: `${w.id}-P1-C${n}`,
        parentId: `${w.id}-P1`,
        name: `Chi bộ Giáo viên số ${n}`,
        level: 'cell',
      });
      cells.push(`${w.id}-P1-C${n}`);
    }
    emit('org.registered', longAgo, { orgId: `${w.id}-S1`, parentId: w.id, name: 'Chi bộ Tổ dân phố số 1', level: 'grassroots-cell' });
    cells.push(`${w.id}-S1`);
  }
  emit('target.set', addDays(today, -300), { orgId: DEMO_ROOT, year, admissions: 12 });
  emit('target.set', addDays(today, -300), { orgId: wards[0]!.id, year, admissions: 6 });

  // Members from the legacy database: six official members per cell, their party files
  // filed and cards issued, except a few the report will show as missing; M33 was
  // readmitted in 2000 after a year out, so their party age counts from 1986.
  let person = 0;
  for (const cell of cells) {
    for (let k = 0; k < 6; k++, person++) {
      const admittedOn = person === 33 ? '2000-03-15' : `${1975 + (person % 45)}-0${1 + (person % 9)}-15`;
      const recognizedOn = addMonths(admittedOn, 12);
      emit('member.imported', longAgo, {
        memberId: `M${person}`,
        orgId: cell,
        status: 'official',
        admittedOn,
        recognizedOn,
        profile: profile(person),
        ...(person % 10 === 9 ? {} : { recordsFiledOn: addDays(admittedOn, 40) }),
        ...(person % 7 === 6 ? {} : { cardIssuedOn: addDays(recognizedOn, 60) }),
        ...(person === 33 ? { firstAdmittedOn: '1986-02-03', interruptedDays: 365 } : {}),
      });
    }
  }

  // The candidate pool (tạo nguồn): a few times the year's admissions, most with the class
  // certificate; one certificate expires within three months, one person left the pool.
  for (let k = 0; k < 12; k++) {
    const personId = `Q${k}`;
    const listedOn = addDays(today, -400 + k * 25);
    emit('candidate.listed', listedOn, {
      personId,
      orgId: cells[k % cells.length]!,
      on: listedOn,
      profile: profile(100 + k),
      nominatedBy: k % 3 === 0 ? 'trade-union' : 'youth-union',
    });
    if (k % 4 !== 3) {
      const classOn = addDays(listedOn, 30);
      emit('candidate.classCompleted', classOn, { personId, classId: `NTVD-${classOn.slice(0, 7)}`, on: classOn });
    }
  }
  const expiringClassOn = addDays(addMonths(today, -60), 45);
  emit('candidate.listed', addDays(expiringClassOn, -20), {
    personId: 'Q-old',
    orgId: cells[2]!,
    on: addDays(expiringClassOn, -20),
    profile: profile(120),
  });
  emit('candidate.classCompleted', expiringClassOn, { personId: 'Q-old', classId: 'NTVD-old', on: expiringClassOn });
  emit('candidate.dropped', addDays(today, -40), { personId: 'Q11', on: addDays(today, -40), reason: 'moved-away' });

  // This year's admissions, each from the pool through a dossier: listed, certified,
  // received, processed, admitted; the ceremony 1–6 weeks after the decision (the last one
  // not yet held: overdue), the party file filed for the first two.
  const ceremonies: Array<[member: string, on: string | undefined, filedAfter: number | undefined]> = [];
  for (let k = 0; k < 5; k++, person++) {
    const receivedOn = addDays(today, -150 + k * 10);
    const cell = cells[k % cells.length]!;
    const listedOn = addDays(receivedOn, -120);
    emit('candidate.listed', listedOn, { personId: `M${person}`, orgId: cell, on: listedOn, profile: profile(person) });
    emit('candidate.classCompleted', addDays(listedOn, 30), {
      personId: `M${person}`,
      classId: `NTVD-${addDays(listedOn, 30).slice(0, 7)}`,
      on: addDays(listedOn, 30),
    });
    emit('dossier.received', receivedOn, {
      dossierId: `D${person}`,
      personId: `M${person}`,
      orgId: cell,
      receivedOn,
      profile: profile(person),
    });
    emit('dossier.stepCompleted', addDays(receivedOn, 7), { dossierId: `D${person}`, step: 'processing', on: addDays(receivedOn, 7) });
    emit('dossier.stepCompleted', addDays(receivedOn, 20), { dossierId: `D${person}`, step: 'reported', on: addDays(receivedOn, 20) });
    emit('dossier.stepCompleted', addDays(receivedOn, 30), { dossierId: `D${person}`, step: 'reviewed', on: addDays(receivedOn, 30) });
    const admittedOn = addDays(receivedOn, 40 + k);
    emit('member.admitted', admittedOn, {
      memberId: `M${person}`,
      orgId: cell,
      admittedOn,
      profile: profile(person),
      dossierId: `D${person}`,
    });
    ceremonies.push([`M${person}`, k < 4 ? addDays(admittedOn, 7 + k * 10) : undefined, k < 2 ? 20 : undefined]);
  }
  for (const [memberId, ceremonyOn, filedAfter] of ceremonies) {
    if (ceremonyOn === undefined) continue;
    emit('member.ceremonyHeld', ceremonyOn, { memberId, on: ceremonyOn });
    if (filedAfter !== undefined)
      emit('member.recordsFiled', addDays(ceremonyOn, filedAfter), { memberId, on: addDays(ceremonyOn, filedAfter) });
  }

  // Open dossiers: one overdue, one due within the reminder window, two on time.
  for (const [k, age] of [65, 50, 20, 5].entries()) {
    const receivedOn = addDays(today, -age);
    emit('dossier.received', receivedOn, {
      dossierId: `D-open-${k}`,
      personId: `P-open-${k}`,
      orgId: cells[k]!,
      receivedOn,
      profile: profile(person + k),
    });
    if (age > 10)
      emit('dossier.stepCompleted', addDays(receivedOn, 5), { dossierId: `D-open-${k}`, step: 'processing', on: addDays(receivedOn, 5) });
  }

  // A probationary member whose probation ends within the month.
  const probationer = `M${person++}`;
  const admittedOn = addDays(addMonths(today, -12), 20);
  emit('member.admitted', admittedOn, { memberId: probationer, orgId: cells[1]!, admittedOn, profile: profile(person) });

  // Transfers: received across districts, one still in transit, one abroad, one temporary.
  emit('transfer.issued', addDays(today, -40), {
    transferId: 'TR-1',
    memberId: 'M0',
    kind: 'official',
    fromOrgId: cells[0]!,
    toOrgId: cells[3]!,
    issuedOn: addDays(today, -40),
  });
  emit('transfer.received', addDays(today, -35), { transferId: 'TR-1', receivedOn: addDays(today, -35) });
  emit('transfer.issued', addDays(today, -50), {
    transferId: 'TR-2',
    memberId: 'M7',
    kind: 'official',
    fromOrgId: cells[1]!,
    toOrgId: cells[4]!,
    issuedOn: addDays(today, -50),
  });
  emit('transfer.issued', addDays(today, -20), {
    transferId: 'TR-3',
    memberId: 'M13',
    kind: 'official',
    fromOrgId: cells[2]!,
    toOrgId: 'HANOI-EXT',
    issuedOn: addDays(today, -20),
  });
  emit('transfer.issued', addDays(today, -15), {
    transferId: 'TR-4',
    memberId: 'M20',
    kind: 'temporary',
    fromOrgId: cells[3]!,
    toOrgId: cells[5]!,
    issuedOn: addDays(today, -15),
  });
  emit('transfer.received', addDays(today, -12), { transferId: 'TR-4', receivedOn: addDays(today, -12) });
  // A temporary transfer open for more than a year: it should have become an official one.
  const longAway = addMonths(today, -13);
  emit('transfer.issued', longAway, {
    transferId: 'TR-5',
    memberId: 'M31',
    kind: 'temporary',
    fromOrgId: cells[5]!,
    toOrgId: cells[0]!,
    issuedOn: longAway,
  });
  emit('transfer.received', addDays(longAway, 5), { transferId: 'TR-5', receivedOn: addDays(longAway, 5) });

  // An exit, an exemption, ratings for last year and a badge.
  emit('member.exited', addDays(today, -60), { memberId: 'M25', reason: 'deceased', on: addDays(today, -60) });
  emit('member.exempted', addDays(today, -90), { memberId: 'M26', on: addDays(today, -90) });
  for (let m = 1; m < 12; m++)
    emit('member.evaluated', `${year}-01-10`, { memberId: `M${m}`, year: year - 1, rating: m % 4 === 0 ? 'excellent' : 'good' });
  emit('member.badgeAwarded', addDays(today, -30), { memberId: 'M2', years: 30, awardedOn: addDays(today, -30) });
  return events;
}
