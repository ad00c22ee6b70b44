// domain: the rules of the member events (docs/events.md#members).
import type { EventOf } from '../events/index.js';
import type { BusinessDate, FactRecord, MemberRecord, TransferRecord } from '../records.js';
import { addYears, yearOf } from '../dates.js';
import { probationEndsOn } from '../rules/index.js';
import { apply, bump, reject, type Decision, type LoadedState, type Write } from './decision-types.js';
import { activeCell, deleteFact, effectiveCellId, isDecision, knownDossier, knownMember, putFact } from './lookups.js';
import { closeDossierWrites, lastStepOn } from './dossiers.js';
import { correctedTraits, traitsOf } from '../personal-data.js';
import { cellOn, earlierStints, stintEnded, stintStarted, stintsOf } from '../stints.js';
import { isOfficial, partyAgeFrom } from '../party-age.js';
import { admissionLinkWrite, linkedCandidate } from './candidates.js';

/**
 * kết nạp: a new probationary member; the dossier, if any, closes as admitted, and the
 * person leaves the candidate pool (docs/events.md#the-candidate-pool).
 */
export function admitMember(e: EventOf<'member.admitted'>, state: LoadedState): Decision {
  const { memberId, orgId, admittedOn, ceremonyOn, profile, dossierId, readmitted, firstAdmittedOn, interruptedDays, exceptions } = e.data;
  const cell = activeCell(state, orgId, admittedOn);
  if (isDecision(cell)) return cell;
  const existing = state.members.get(memberId);
  if (existing && !(readmitted && existing.status === 'exited')) {
    return reject(
      'member-exists',
      `member ${memberId} already exists (${existing.status})${existing.status === 'exited' ? '; set readmitted for kết nạp lại' : ''}`,
    );
  }
  if (ceremonyOn !== undefined && ceremonyOn < admittedOn) {
    return reject('date-order', 'ceremonyOn is before admittedOn');
  }
  const writes: Write[] = [];
  if (dossierId !== undefined) {
    // docs/events.md#admission-dossiers: the dossier must be open and in the cell of the admission (a cell
    // merged into the admission's cell hands its open dossiers over, docs/events.md#organizations).
    const dossier = knownDossier(state, dossierId);
    if (isDecision(dossier)) return dossier;
    if (dossier.status !== 'open') {
      return reject('dossier-mismatch', `dossier ${dossierId} is not open (${dossier.status}); an admission closes an open dossier only`);
    }
    if (dossier.cellId !== cell.orgId && effectiveCellId(state, dossier.cellId) !== cell.orgId) {
      return reject(
        'dossier-mismatch',
        `dossier ${dossierId} is in ${effectiveCellId(state, dossier.cellId)}, not in ${cell.orgId}, the cell of the admission`,
      );
    }
    if (admittedOn < dossier.receivedOn) return reject('date-order', 'admittedOn is before the dossier was received');
    if (admittedOn < lastStepOn(dossier)) return reject('date-order', `admittedOn is before the dossier's last step (${dossier.step})`);
    writes.push(...closeDossierWrites(dossier, 'admitted', admittedOn, memberId));
  }
  // The applicant's person id, else the member's: producers are told to use one id for both.
  const applicant = dossierId === undefined ? undefined : state.dossiers.get(dossierId)?.personId;
  const candidate = linkedCandidate(state, [applicant, memberId]);
  if (candidate) writes.push(admissionLinkWrite(candidate, memberId, admittedOn, cell.orgId));
  const populationPolicy = exceptions?.includes('population-policy') ?? false;
  const record = bump<MemberRecord>(
    {
      memberId,
      cellId: cell.orgId,
      status: 'probationary',
      profile,
      traits: traitsOf(profile),
      admittedOn,
      ceremonyOn,
      probationEndsOn: probationEndsOn(admittedOn, ceremonyOn),
      ratings: existing?.ratings ?? {},
      badges: existing?.badges ?? {},
      dossierId,
      readmitted: readmitted ?? false,
      ...(firstAdmittedOn !== undefined ? { firstAdmittedOn } : {}),
      ...(interruptedDays !== undefined ? { interruptedDays } : {}),
      ...(exceptions !== undefined && exceptions.length > 0 ? { exceptions } : {}),
      origin: 'admitted',
      stints: stintStarted(earlierStints(existing), cell.orgId, admittedOn),
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
      ...(record.traits.ethnicMinority ? { ethnicMinority: true as const } : {}),
      ...(record.traits.religious ? { religious: true as const } : {}),
      ...(populationPolicy ? { populationPolicy: true as const } : {}),
    }),
  );
  return apply(...writes);
}

/** Backfill from a legacy database: on the rolls, but not an admission of any year. */
export function importMember(e: EventOf<'member.imported'>, state: LoadedState): Decision {
  const { memberId, orgId, status, admittedOn, recognizedOn, profile, recordsFiledOn, cardIssuedOn, firstAdmittedOn, interruptedDays } =
    e.data;
  const cell = activeCell(state, orgId, admittedOn);
  if (isDecision(cell)) return cell;
  if (state.members.has(memberId)) return reject('member-exists', `member ${memberId} already exists`);
  if (recognizedOn !== undefined && recognizedOn < admittedOn) return reject('date-order', 'recognizedOn is before admittedOn');
  const record = bump<MemberRecord>(
    {
      memberId,
      cellId: cell.orgId,
      status,
      profile,
      traits: traitsOf(profile),
      admittedOn,
      ...(status === 'probationary' ? { probationEndsOn: probationEndsOn(admittedOn) } : { recognizedOn }),
      ...(recordsFiledOn !== undefined ? { recordsFiledOn } : {}),
      ...(cardIssuedOn !== undefined ? { cardIssuedOn } : {}),
      ...(firstAdmittedOn !== undefined ? { firstAdmittedOn } : {}),
      ...(interruptedDays !== undefined ? { interruptedDays } : {}),
      ratings: {},
      badges: {},
      origin: 'imported',
      stints: stintStarted([], cell.orgId, admittedOn),
    },
    undefined,
  );
  return apply({ entity: 'member', record, expectedVersion: null });
}

/**
 * A member the events of docs/events.md#members apply to: probationary, official, or in transit
 * (still a member, counted by the sending cell). Exited or gone to another system: not.
 */
export function currentMember(state: LoadedState, memberId: string): MemberRecord | Decision {
  const member = knownMember(state, memberId);
  if (isDecision(member)) return member;
  if (member.status !== 'probationary' && member.status !== 'official' && member.status !== 'in-transit') {
    return reject('not-active', `member ${memberId} is ${member.status}, not a member of this system now`);
  }
  return member;
}

/** docs/events.md#members: no member event is dated before the member's admittedOn. */
export function beforeAdmission(member: MemberRecord, on: BusinessDate, what: string): Decision | undefined {
  return on < member.admittedOn ? reject('before-admission', `${what} is before member ${member.memberId} was admitted`) : undefined;
}

/** công nhận đảng viên chính thức: only a probationary member, not before probation ends. */
export function recognizeMember(e: EventOf<'member.recognized'>, state: LoadedState): Decision {
  const member = knownMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  if (member.status !== 'probationary') {
    return reject('not-probationary', `member ${member.memberId} is ${member.status}, not probationary`);
  }
  const { recognizedOn } = e.data;
  const early = beforeAdmission(member, recognizedOn, 'recognizedOn');
  if (early) return early;
  const ends = member.probationEndsOn ?? probationEndsOn(member.admittedOn, member.ceremonyOn);
  if (recognizedOn < ends) return reject('probation-not-ended', `recognizedOn is before the end of probation (${ends})`);
  const { probationEndsOn: _ended, ...rest } = member;
  return apply(
    {
      entity: 'member',
      record: bump<MemberRecord>({ ...rest, status: 'official', recognizedOn }, member),
      expectedVersion: member.version,
    },
    putFact(cellOn(member, recognizedOn), recognizedOn, `recognition#${member.memberId}#${recognizedOn}`, { kind: 'recognition' }),
  );
}

/**
 * Corrections of the profile; the cell never changes this way. The traits follow the
 * corrected fields, also for a member whose profile was erased (then only what the
 * correction says is kept: it is new data the producer sent).
 */
export function updateMember(e: EventOf<'member.updated'>, state: LoadedState): Decision {
  const member = knownMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const profile = { ...member.profile, ...e.data.profile } as MemberRecord['profile'];
  const traits = correctedTraits(member.traits, e.data.profile);
  return apply({ entity: 'member', record: bump({ ...member, profile, traits }, member), expectedVersion: member.version });
}

/** miễn sinh hoạt: still a member, still counted. */
export function exemptMember(e: EventOf<'member.exempted'>, state: LoadedState): Decision {
  const member = currentMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const early = beforeAdmission(member, e.data.on, 'the exemption');
  if (early) return early;
  return apply({ entity: 'member', record: bump({ ...member, exemptedOn: e.data.on }, member), expectedVersion: member.version });
}

/**
 * Off the rolls for good; the record is kept. Whatever transfer of the member is still
 * open ends with the exit (docs/events.md#members): a temporary one as if returned on the exit
 * date, an official one in transit as `completed` (`endedBy: 'exit'`): its transferOut
 * fact stands (the member did leave the sending cell's rolls on `issuedOn`) and the exit
 * counts for the sending cell, so nothing stays in transit, attending or late.
 */
export function exitMember(e: EventOf<'member.exited'>, state: LoadedState): Decision {
  const member = currentMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const { reason, on } = e.data;
  const early = beforeAdmission(member, on, 'the exit');
  if (early) return early;
  const writes: Write[] = [];
  for (const transferId of openTransferIdsOf(member)) {
    const transfer = state.transfers.get(transferId);
    if (!transfer) continue; // looked up and absent: nothing open to end
    if (!isOpen(transfer)) continue;
    if (transfer.issuedOn !== undefined && on < transfer.issuedOn) {
      return reject('date-order', `the exit is before transfer ${transfer.transferId} was issued`);
    }
    const ended: TransferRecord =
      transfer.kind === 'temporary'
        ? bump<TransferRecord>({ ...transfer, status: 'returned', endedOn: on, endedBy: 'exit' }, transfer)
        : bump<TransferRecord>({ ...transfer, status: 'completed', endedOn: on, endedBy: 'exit' }, transfer);
    writes.push({ entity: 'transfer', record: ended, expectedVersion: transfer.version });
  }
  const { probationEndsOn: _ended, statusBeforeTransit: _before, transferId: _open, temporaryTransferIds: _temporary, ...rest } = member;
  return apply(
    {
      entity: 'member',
      record: bump<MemberRecord>({ ...rest, status: 'exited', exit: { reason, on }, stints: stintEnded(stintsOf(member), on) }, member),
      expectedVersion: member.version,
    },
    ...writes,
    putFact(cellOn(member, on), on, `exit#${member.memberId}#${on}`, { kind: 'exit', reason }),
  );
}

/**
 * Where the facts named after a member sit (`<kind>#<memberId>#…`), as the rules above
 * make them, read back from the member's record: an erasure renames them
 * (domain/pseudonyms.ts). The facts of an earlier membership (before a readmission) are
 * not derivable from the record; facts written since facts carry their person are found
 * by person anyway (shared/data/person-store.ts).
 */
export function memberFactKeys(member: MemberRecord): Array<Pick<FactRecord, 'cellId' | 'year' | 'factId'>> {
  const id = member.memberId;
  const at = (on: BusinessDate, factId: string, cellId = cellOn(member, on)) => ({ cellId, year: yearOf(on), factId });
  const keys = [];
  if (member.origin === 'admitted') keys.push(at(member.admittedOn, `admission#${id}#${member.admittedOn}`));
  if (member.recognizedOn) keys.push(at(member.recognizedOn, `recognition#${id}#${member.recognizedOn}`));
  if (member.exit) keys.push(at(member.exit.on, `exit#${id}#${member.exit.on}`));
  for (const [year, { cellId }] of Object.entries(member.ratings)) keys.push({ cellId, year: Number(year), factId: `rating#${id}` });
  for (const [years, awardedOn] of Object.entries(member.badges)) keys.push(at(awardedOn, `badge#${id}#${years}`));
  return keys;
}

/** The transfers of a member that may still be open: the official one in transit and the temporary ones. */
export function openTransferIdsOf(member: MemberRecord): string[] {
  const ids = [...(member.status === 'in-transit' && member.transferId ? [member.transferId] : []), ...(member.temporaryTransferIds ?? [])];
  return [...new Set(ids)];
}

/** Issued and not yet ended, or a temporary one under way (received, or to an external org). */
function isOpen(t: TransferRecord): boolean {
  return t.status === 'issued' || (t.status === 'received' && t.kind === 'temporary');
}

/** The annual rating; a second rating of the same year replaces the first, wherever it was counted. */
export function evaluateMember(e: EventOf<'member.evaluated'>, state: LoadedState): Decision {
  const member = currentMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const { year, rating } = e.data;
  if (year < yearOf(member.admittedOn)) {
    return reject('before-admission', `the rating's year is before member ${member.memberId} was admitted`);
  }
  const previous = member.ratings[String(year)];
  const factId = `rating#${member.memberId}`;
  // The cell the member was in at the end of the rated year: the one that rates the year.
  const cellId = cellOn(member, `${year}-12-31`);
  const writes: Write[] = [];
  if (previous && previous.cellId !== cellId) writes.push(deleteFact(previous.cellId, year, factId));
  const ratings = { ...member.ratings, [String(year)]: { rating, cellId } };
  writes.push(
    { entity: 'member', record: bump({ ...member, ratings }, member), expectedVersion: member.version },
    putFact(cellId, `${year}-12-31`, factId, { kind: 'rating', rating }, year),
  );
  return apply(...writes);
}

/**
 * Huy hiệu Đảng: each milestone once, for an official member (party age belongs to
 * official members), not before the start of party age + years − 1 year
 * (docs/events.md#party-age).
 */
export function awardBadge(e: EventOf<'member.badgeAwarded'>, state: LoadedState): Decision {
  const member = currentMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const { years, awardedOn } = e.data;
  if (!isOfficial(member)) return reject('not-official', `member ${member.memberId} is probationary: party age counts once recognized`);
  const early = beforeAdmission(member, awardedOn, 'the award');
  if (early) return early;
  if (member.recognizedOn !== undefined && awardedOn < member.recognizedOn) {
    return reject('not-official', `the award is dated before member ${member.memberId} was recognized (${member.recognizedOn})`);
  }
  const earliest = addYears(partyAgeFrom(member), years - 1);
  if (awardedOn < earliest) return reject('too-early', `the ${years}-year badge may be awarded from ${earliest}`);
  if (member.badges[String(years)]) return reject('already-awarded', `member ${member.memberId} already has the ${years}-year badge`);
  const badges = { ...member.badges, [String(years)]: awardedOn };
  return apply(
    { entity: 'member', record: bump({ ...member, badges }, member), expectedVersion: member.version },
    putFact(cellOn(member, awardedOn), awardedOn, `badge#${member.memberId}#${years}`, { kind: 'badge', years }),
  );
}
