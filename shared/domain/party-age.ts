// domain: party age (tuổi đảng, docs/events.md#party-age). It counts from the decision
// that first admitted the member, less the time out of party activity (Điều lệ Đảng
// art. 5; Quy định 24-QĐ/TW 2021 §4.5), and belongs to official members only: badge
// milestones and the `too-early` check count from it. Pure.
import { addDays } from './dates.js';
import type { BusinessDate, MemberRecord } from './records.js';

/**
 * The day the member's party age starts: `firstAdmittedOn` + `interruptedDays` days for
 * a readmitted or imported member that gave them, else `admittedOn`.
 */
export function partyAgeFrom(member: Pick<MemberRecord, 'admittedOn' | 'firstAdmittedOn' | 'interruptedDays'>): BusinessDate {
  if (member.firstAdmittedOn === undefined) return member.admittedOn;
  return addDays(member.firstAdmittedOn, member.interruptedDays ?? 0);
}

/**
 * Whether the member is official (chính thức), also while an official transfer is under
 * way (in transit: the status they left with). Only official members have a party age.
 */
export function isOfficial(member: Pick<MemberRecord, 'status' | 'statusBeforeTransit'>): boolean {
  return member.status === 'official' || (member.status === 'in-transit' && member.statusBeforeTransit === 'official');
}

/** Whether the member is probationary (dự bị), also while an official transfer is under way. */
export function isProbationary(member: Pick<MemberRecord, 'status' | 'statusBeforeTransit'>): boolean {
  return member.status === 'probationary' || (member.status === 'in-transit' && member.statusBeforeTransit === 'probationary');
}
