// Transfers: official ones inside the city (received after a few days, some late or
// cancelled), out of the city (complete when issued), in from other provinces, and
// temporary ones inside the city and from outside (half of them back within months).
// A transfer of one of ours names the member in every event, so it is grouped, and
// ordered, with the person's other events (docs/events.md).
import { addDays } from '../../shared/domain/dates.js';
import { EXTERNAL_ORGS } from './names.js';
import type { YearDraft } from './year.js';

/** Whether the k-th story of a kind is one of the `rate` share: spread evenly, so a small city has them too. */
const quota = (k: number, rate: number) => Math.floor((k + 1) * rate) > Math.floor(k * rate);

function insideTransfer(y: YearDraft, k: number, memberId: string, fromOrgId: string): void {
  const { r } = y;
  const transferId = y.transferId();
  const issuedOn = y.day(5, 345);
  const issued = y.emit(
    issuedOn,
    'transfer.issued',
    { transferId, memberId, kind: 'official', fromOrgId, toOrgId: y.otherCell(fromOrgId), issuedOn },
    memberId,
  );
  if (quota(k, 0.02)) {
    const on = addDays(issuedOn, r.int(2, 10));
    y.emit(on, 'transfer.cancelled', { transferId, on, memberId }, memberId, issued);
  } else if (!quota(k + 17, 0.03)) {
    // The rest arrive; three in a hundred are still on their way at the year's end.
    const receivedOn = addDays(issuedOn, r.int(2, 25));
    y.emit(receivedOn, 'transfer.received', { transferId, receivedOn, memberId }, memberId, issued);
  }
}

function temporaryInside(y: YearDraft, memberId: string, fromOrgId: string): void {
  const { r } = y;
  const transferId = y.transferId();
  const issuedOn = y.day(5, 300);
  const data = { transferId, memberId, kind: 'temporary', fromOrgId, toOrgId: y.otherCell(fromOrgId), issuedOn };
  const issued = y.emit(issuedOn, 'transfer.issued', data, memberId);
  const receivedOn = addDays(issuedOn, r.int(2, 10));
  const received = y.emit(receivedOn, 'transfer.received', { transferId, receivedOn, memberId }, memberId, issued);
  if (r.chance(0.5)) {
    const on = addDays(receivedOn, r.int(40, 150));
    y.emit(on, 'transfer.returned', { transferId, on, memberId }, memberId, received);
  }
}

/** An arrival from another province: official (a new member of ours) or temporary (an attendee, back home after a while or not). */
function arrival(y: YearDraft, kind: 'official' | 'temporary'): void {
  const { r } = y;
  const transferId = y.transferId();
  const receivedOn = y.day(5, kind === 'official' ? 360 : 300);
  const member = kind === 'official' ? y.outsider(y.newMemberId(), 30, 0.36) : y.outsider(`${transferId}-M`, 20, 0.4);
  const data = { transferId, receivedOn, fromOrgId: r.pick(EXTERNAL_ORGS), toOrgId: y.anyCell(), kind, member };
  const received = y.emit(receivedOn, 'transfer.received', data, member.memberId);
  if (kind === 'temporary' && r.chance(0.5)) {
    const on = addDays(receivedOn, r.int(40, 150));
    y.emit(on, 'transfer.returned', { transferId, on }, member.memberId, received);
  }
}

export function transferStories(y: YearDraft): void {
  y.take(y.count(0.014)).forEach((m, k) => {
    insideTransfer(y, k, m.memberId, m.cellId);
  });
  for (const m of y.take(y.count(0.0035))) {
    const issuedOn = y.day(5, 360);
    const data = {
      transferId: y.transferId(),
      memberId: m.memberId,
      kind: 'official',
      fromOrgId: m.cellId,
      toOrgId: y.r.pick(EXTERNAL_ORGS),
      issuedOn,
    };
    y.emit(issuedOn, 'transfer.issued', data, m.memberId);
  }
  for (let k = 0; k < y.count(0.0035); k++) arrival(y, 'official');
  for (const m of y.take(y.count(0.002))) temporaryInside(y, m.memberId, m.cellId);
  for (let k = 0; k < y.count(0.0008); k++) arrival(y, 'temporary');
}
