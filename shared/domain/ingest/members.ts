// domain: the rules of the member events (CONTRACT §5).
import type { EventOf } from '../events.js';
import type { MemberRecord } from '../records.js';
import { probationEndsOn } from '../rules/index.js';
import { apply, bump, reject, type Decision, type LoadedState, type Write } from './decision-types.js';
import { activeCell, activeMember, deleteFact, isDecision, knownMember, openDossier, putFact } from './lookups.js';
import { closeDossierWrites } from './dossiers.js';

/** kết nạp: a new probationary member; the dossier, if any, closes as admitted. */
export function admitMember(e: EventOf<'member.admitted'>, state: LoadedState): Decision {
  const { memberId, orgId, admittedOn, ceremonyOn, profile, dossierId, readmitted } = e.data;
  const cell = activeCell(state, orgId);
  if (isDecision(cell)) return cell;
  const existing = state.members.get(memberId);
  if (existing && !(readmitted && existing.status === 'exited')) {
    return reject('member-exists', `member ${memberId} already exists (${existing.status})${existing.status === 'exited' ? '; set readmitted for kết nạp lại' : ''}`);
  }
  if (ceremonyOn !== undefined && ceremonyOn < admittedOn) {
    return reject('date-order', 'ceremonyOn is before admittedOn');
  }
  const writes: Write[] = [];
  if (dossierId !== undefined) {
    const dossier = openDossier(state, dossierId);
    if (isDecision(dossier)) return dossier;
    if (admittedOn < dossier.receivedOn) return reject('date-order', 'admittedOn is before the dossier was received');
    writes.push(...closeDossierWrites(dossier, 'admitted', admittedOn));
  }
  const record = bump<MemberRecord>(
    {
      memberId,
      cellId: cell.orgId,
      status: 'probationary',
      profile,
      admittedOn,
      ceremonyOn,
      probationEndsOn: probationEndsOn(admittedOn, ceremonyOn),
      ratings: existing?.ratings ?? {},
      badges: existing?.badges ?? {},
      dossierId,
      readmitted: readmitted ?? false,
      origin: 'admitted',
    },
    existing,
  );
  writes.push(
    { entity: 'member', record, expectedVersion: existing?.version ?? null },
    putFact(cell.orgId, admittedOn, `admission#${memberId}#${admittedOn}`, {
      kind: 'admission',
      female: profile.sex === 'female',
      youthUnion: profile.youthUnion,
      occupation: profile.occupation,
      readmitted: readmitted ?? false,
    }),
  );
  return apply(...writes);
}

/** Backfill from a legacy database: on the rolls, but not an admission of any year. */
export function importMember(e: EventOf<'member.imported'>, state: LoadedState): Decision {
  const { memberId, orgId, status, admittedOn, recognizedOn, profile } = e.data;
  const cell = activeCell(state, orgId);
  if (isDecision(cell)) return cell;
  if (state.members.has(memberId)) return reject('member-exists', `member ${memberId} already exists`);
  if (recognizedOn !== undefined && recognizedOn < admittedOn) return reject('date-order', 'recognizedOn is before admittedOn');
  const record = bump<MemberRecord>(
    {
      memberId,
      cellId: cell.orgId,
      status,
      profile,
      admittedOn,
      ...(status === 'probationary' ? { probationEndsOn: probationEndsOn(admittedOn) } : { recognizedOn }),
      ratings: {},
      badges: {},
      origin: 'imported',
    },
    undefined,
  );
  return apply({ entity: 'member', record, expectedVersion: null });
}

/** công nhận đảng viên chính thức: only a probationary member. */
export function recognizeMember(e: EventOf<'member.recognized'>, state: LoadedState): Decision {
  const member = knownMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  if (member.status !== 'probationary') {
    return reject('not-probationary', `member ${member.memberId} is ${member.status}, not probationary`);
  }
  const { recognizedOn } = e.data;
  if (recognizedOn < member.admittedOn) return reject('date-order', 'recognizedOn is before admittedOn');
  const { probationEndsOn: _ended, ...rest } = member;
  return apply(
    { entity: 'member', record: bump<MemberRecord>({ ...rest, status: 'official', recognizedOn }, member), expectedVersion: member.version },
    putFact(member.cellId, recognizedOn, `recognition#${member.memberId}#${recognizedOn}`, { kind: 'recognition' }),
  );
}

/** Corrections of the profile; the cell never changes this way. */
export function updateMember(e: EventOf<'member.updated'>, state: LoadedState): Decision {
  const member = knownMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const profile = { ...member.profile, ...e.data.profile };
  return apply({ entity: 'member', record: bump({ ...member, profile }, member), expectedVersion: member.version });
}

/** miễn sinh hoạt: still a member, still counted. */
export function exemptMember(e: EventOf<'member.exempted'>, state: LoadedState): Decision {
  const member = activeMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  return apply({ entity: 'member', record: bump({ ...member, exemptedOn: e.data.on }, member), expectedVersion: member.version });
}

/** Off the rolls for good; the record is kept. */
export function exitMember(e: EventOf<'member.exited'>, state: LoadedState): Decision {
  const member = activeMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const { reason, on } = e.data;
  if (on < member.admittedOn) return reject('date-order', 'the exit is before admittedOn');
  const { probationEndsOn: _ended, ...rest } = member;
  return apply(
    { entity: 'member', record: bump<MemberRecord>({ ...rest, status: 'exited', exit: { reason, on } }, member), expectedVersion: member.version },
    putFact(member.cellId, on, `exit#${member.memberId}#${on}`, { kind: 'exit', reason }),
  );
}

/** The annual rating; a second rating of the same year replaces the first, wherever it was counted. */
export function evaluateMember(e: EventOf<'member.evaluated'>, state: LoadedState): Decision {
  const member = activeMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const { year, rating } = e.data;
  const previous = member.ratings[String(year)];
  const factId = `rating#${member.memberId}`;
  const writes: Write[] = [];
  if (previous && previous.cellId !== member.cellId) writes.push(deleteFact(previous.cellId, year, factId));
  const ratings = { ...member.ratings, [String(year)]: { rating, cellId: member.cellId } };
  writes.push(
    { entity: 'member', record: bump({ ...member, ratings }, member), expectedVersion: member.version },
    putFact(member.cellId, `${year}-12-31`, factId, { kind: 'rating', rating }, year),
  );
  return apply(...writes);
}

/** Huy hiệu Đảng: each milestone once. */
export function awardBadge(e: EventOf<'member.badgeAwarded'>, state: LoadedState): Decision {
  const member = activeMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const { years, awardedOn } = e.data;
  if (member.badges[String(years)]) return reject('already-awarded', `member ${member.memberId} already has the ${years}-year badge`);
  const badges = { ...member.badges, [String(years)]: awardedOn };
  return apply(
    { entity: 'member', record: bump({ ...member, badges }, member), expectedVersion: member.version },
    putFact(member.cellId, awardedOn, `badge#${member.memberId}#${years}`, { kind: 'badge', years }),
  );
}

