// domain: the admission work after the decision (docs/events.md#after-the-decision): the
// ceremony (lễ kết nạp) that starts probation, the party file (lý lịch đảng viên, phiếu
// đảng viên) complete and entered, and the party card (thẻ đảng viên) after recognition.
import type { EventOf } from '../events/index.js';
import { minDate } from '../dates.js';
import type { MemberRecord } from '../records.js';
import { isOfficial, isProbationary } from '../party-age.js';
import { probationEndsOn } from '../rules/index.js';
import { apply, bump, reject, type Decision, type LoadedState } from './decision-types.js';
import { isDecision } from './lookups.js';
import { beforeAdmission, currentMember } from './members.js';

const written = (member: MemberRecord, changes: Partial<MemberRecord>): Decision =>
  apply({ entity: 'member', record: bump<MemberRecord>({ ...member, ...changes }, member), expectedVersion: member.version });

/**
 * The ceremony of a probationary member, once: probation now ends 12 months after it, and
 * every deadline and reminder counted from the end of probation moves with it.
 */
export function holdCeremony(e: EventOf<'member.ceremonyHeld'>, state: LoadedState): Decision {
  const member = currentMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  if (!isProbationary(member)) {
    return reject('not-probationary', `member ${member.memberId} is official; the ceremony comes before recognition`);
  }
  const { on } = e.data;
  const early = beforeAdmission(member, on, 'the ceremony');
  if (early) return early;
  if (member.ceremonyOn !== undefined) {
    return reject('already-held', `the admission ceremony of member ${member.memberId} was held on ${member.ceremonyOn}`);
  }
  return written(member, { ceremonyOn: on, probationEndsOn: probationEndsOn(member.admittedOn, on) });
}

/** The party file complete and in the member database, once. */
export function fileRecords(e: EventOf<'member.recordsFiled'>, state: LoadedState): Decision {
  const member = currentMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const early = beforeAdmission(member, e.data.on, 'the party file');
  if (early) return early;
  if (member.recordsFiledOn !== undefined) {
    return reject('already-filed', `the party file of member ${member.memberId} was filed on ${member.recordsFiledOn}`);
  }
  return written(member, { recordsFiledOn: e.data.on });
}

/**
 * The party card, for an official member and not before the recognition. A reissue is
 * accepted and changes nothing counted: the record keeps the earliest card.
 */
export function issueCard(e: EventOf<'member.cardIssued'>, state: LoadedState): Decision {
  const member = currentMember(state, e.data.memberId);
  if (isDecision(member)) return member;
  const { on } = e.data;
  if (!isOfficial(member)) return reject('not-official', `member ${member.memberId} is probationary; the card comes after recognition`);
  const early = beforeAdmission(member, on, 'the card');
  if (early) return early;
  if (member.recognizedOn !== undefined && on < member.recognizedOn) {
    return reject('not-official', `the card is dated before member ${member.memberId} was recognized (${member.recognizedOn})`);
  }
  return written(member, { cardIssuedOn: member.cardIssuedOn === undefined ? on : minDate(member.cardIssuedOn, on) });
}
