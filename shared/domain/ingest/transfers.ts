// domain: the rules of the transfer events (CONTRACT §6). An official transfer takes
// the member off the sending cell at issue (cắt đảng số) and onto the receiving cell
// at receipt; in between the member is in transit, counted by the sending side only.
import type { EventOf } from '../events.js';
import type { MemberRecord, TransferRecord } from '../records.js';
import { probationEndsOn, transferDueOn } from '../rules/index.js';
import { apply, bump, reject, retry, type Decision, type LoadedState, type Write } from './decision-types.js';
import { activeCell, activeMember, deleteFact, effectiveCellId, isDecision, knownMember, knownTransfer, putFact } from './lookups.js';
import { yearOf } from '../dates.js';

const outFactId = (t: { transferId: string }) => `transferOut#${t.transferId}`;
const inFactId = (t: { transferId: string }) => `transferIn#${t.transferId}`;

export function issueTransfer(e: EventOf<'transfer.issued'>, state: LoadedState): Decision {
  const { transferId, memberId, kind, fromOrgId, toOrgId, issuedOn } = e.data;
  if (state.transfers.has(transferId)) return reject('transfer-exists', `transfer ${transferId} already exists`);
  const member = activeMember(state, memberId);
  if (isDecision(member)) return member;
  const onRollsOf = effectiveCellId(state, member.cellId);
  if (member.cellId !== fromOrgId && onRollsOf !== fromOrgId) {
    return reject('wrong-cell', `member ${memberId} is on the rolls of ${onRollsOf}, not ${fromOrgId}`);
  }
  // An org that is not registered is external (another province's system, abroad).
  const toExternal = !state.orgs.has(toOrgId);
  if (!toExternal) {
    const to = activeCell(state, toOrgId);
    if (isDecision(to)) return to;
    if (to.orgId === fromOrgId || to.orgId === onRollsOf) return reject('wrong-cell', 'a transfer must go to another cell');
  }
  const record = bump<TransferRecord>(
    {
      transferId,
      memberId,
      kind,
      fromOrgId,
      toOrgId,
      fromExternal: false,
      toExternal,
      issuedOn,
      ...(toExternal ? {} : { dueOn: transferDueOn(issuedOn) }),
      // No one here can see an external destination receive an official transfer.
      status: kind === 'official' && toExternal ? 'completed' : 'issued',
    },
    undefined,
  );
  const writes: Write[] = [
    { entity: 'transfer', record, expectedVersion: null },
    putFact(fromOrgId, issuedOn, outFactId(record), { kind: 'transferOut', transferKind: kind, counterpart: toOrgId }),
  ];
  if (kind === 'official') {
    const moved: MemberRecord = toExternal
      ? bump({ ...member, status: 'transferred-out', statusBeforeTransit: member.status as 'probationary' | 'official', transferId }, member)
      : bump({ ...member, status: 'in-transit', statusBeforeTransit: member.status as 'probationary' | 'official', transferId }, member);
    writes.push({ entity: 'member', record: moved, expectedVersion: member.version });
  }
  return apply(...writes);
}

export function receiveTransfer(e: EventOf<'transfer.received'>, state: LoadedState): Decision {
  const { transferId, receivedOn } = e.data;
  const known = state.transfers.get(transferId);
  if (known) return receiveKnownTransfer(known, receivedOn, state);
  const { fromOrgId, toOrgId, kind, member } = e.data;
  if (fromOrgId === undefined || toOrgId === undefined || kind === undefined) {
    return retry('missing-transfer', `transfer ${transferId} is not known (yet) and carries no arrival details`);
  }
  // From an org of this system the issue event is still to come.
  if (state.orgs.has(fromOrgId)) return retry('missing-transfer', `transfer ${transferId} from ${fromOrgId} has not been issued (yet)`);
  const to = activeCell(state, toOrgId);
  if (isDecision(to)) return to;
  const base = { transferId, kind, fromOrgId, toOrgId: to.orgId, fromExternal: true, toExternal: false, receivedOn, status: 'received' as const };
  const fact = putFact(to.orgId, receivedOn, inFactId({ transferId }), { kind: 'transferIn', transferKind: kind, counterpart: fromOrgId });
  if (kind === 'temporary') {
    const attendee = member ? { status: member.status, profile: member.profile } : undefined;
    const record = bump<TransferRecord>({ ...base, memberId: member?.memberId ?? transferId, ...(attendee ? { attendee } : {}) }, undefined);
    return apply({ entity: 'transfer', record, expectedVersion: null }, fact);
  }
  if (!member) return reject('schema', 'an official arrival from outside must carry member (memberId, status, admittedOn, profile)');
  const existing = state.members.get(member.memberId);
  if (existing && existing.status !== 'transferred-out' && existing.status !== 'exited') {
    return reject('member-exists', `member ${member.memberId} is already on the rolls of ${existing.cellId}`);
  }
  const arrived = bump<MemberRecord>(
    {
      memberId: member.memberId,
      cellId: to.orgId,
      status: member.status,
      profile: member.profile,
      admittedOn: member.admittedOn,
      ...(member.status === 'probationary' ? { probationEndsOn: probationEndsOn(member.admittedOn) } : { recognizedOn: member.recognizedOn }),
      ratings: existing?.ratings ?? {},
      badges: existing?.badges ?? {},
      origin: 'transferred-in',
    },
    existing,
  );
  return apply(
    { entity: 'transfer', record: bump<TransferRecord>({ ...base, memberId: member.memberId }, undefined), expectedVersion: null },
    { entity: 'member', record: arrived, expectedVersion: existing?.version ?? null },
    fact,
  );
}

function receiveKnownTransfer(transfer: TransferRecord, receivedOn: string, state: LoadedState): Decision {
  // Issued before its destination's registration was applied (org events travel in
  // their own message group), it was taken as external; received here, it was not.
  const registeredSince = transfer.status === 'completed' && transfer.toExternal && state.orgs.has(transfer.toOrgId);
  if (registeredSince) {
    const member = state.members.get(transfer.memberId);
    if (member?.status !== 'transferred-out' || member.transferId !== transfer.transferId) {
      return reject('transfer-not-pending', `member ${transfer.memberId} is no longer out on transfer ${transfer.transferId}`);
    }
    return receiveKnownTransfer({ ...transfer, status: 'issued', toExternal: false }, receivedOn, state);
  }
  if (transfer.status !== 'issued' || transfer.toExternal) {
    return reject('transfer-not-pending', `transfer ${transfer.transferId} is ${transfer.toExternal ? 'to an external org' : transfer.status}, not awaiting receipt`);
  }
  if (transfer.issuedOn && receivedOn < transfer.issuedOn) return reject('date-order', 'receivedOn is before issuedOn');
  // Merged away while the transfer was under way: the target's rolls take the member.
  // Dissolved outright: nobody can receive; the sending side can still cancel.
  const to = state.orgs.get(effectiveCellId(state, transfer.toOrgId));
  if (!to) return retry('missing-org', `organization ${transfer.toOrgId} is not loaded`);
  if (to.status === 'dissolved') return reject('org-dissolved', `organization ${transfer.toOrgId} was dissolved; cancel the transfer instead`);
  const writes: Write[] = [
    { entity: 'transfer', record: bump<TransferRecord>({ ...transfer, status: 'received', receivedOn }, transfer), expectedVersion: transfer.version },
    putFact(transfer.toOrgId, receivedOn, inFactId(transfer), { kind: 'transferIn', transferKind: transfer.kind, counterpart: transfer.fromOrgId }),
  ];
  if (transfer.kind === 'official') {
    const member = knownMember(state, transfer.memberId);
    if (isDecision(member)) return member;
    const { statusBeforeTransit, transferId: _open, ...rest } = member;
    const arrived = bump<MemberRecord>({ ...rest, cellId: transfer.toOrgId, status: statusBeforeTransit ?? 'official' }, member);
    writes.push({ entity: 'member', record: arrived, expectedVersion: member.version });
  }
  return apply(...writes);
}

/** Undoes an issued transfer exactly: the member is back on the sending cell's rolls, the "out" never happened. */
export function cancelTransfer(e: EventOf<'transfer.cancelled'>, state: LoadedState): Decision {
  const transfer = knownTransfer(state, e.data.transferId);
  if (isDecision(transfer)) return transfer;
  if (transfer.status !== 'issued') {
    return reject('transfer-not-pending', `transfer ${transfer.transferId} is ${transfer.status}; only an issued transfer can be cancelled`);
  }
  const writes: Write[] = [
    { entity: 'transfer', record: bump<TransferRecord>({ ...transfer, status: 'cancelled', endedOn: e.data.on }, transfer), expectedVersion: transfer.version },
  ];
  if (transfer.issuedOn) writes.push(deleteFact(transfer.fromOrgId, yearOf(transfer.issuedOn), outFactId(transfer)));
  if (transfer.kind === 'official') {
    const member = knownMember(state, transfer.memberId);
    if (isDecision(member)) return member;
    const { statusBeforeTransit, transferId: _open, ...rest } = member;
    writes.push({ entity: 'member', record: bump<MemberRecord>({ ...rest, status: statusBeforeTransit ?? 'official' }, member), expectedVersion: member.version });
  }
  return apply(...writes);
}

/** A temporary transfer ends: the attendee leaves the receiving cell. */
export function returnTransfer(e: EventOf<'transfer.returned'>, state: LoadedState): Decision {
  const transfer = knownTransfer(state, e.data.transferId);
  if (isDecision(transfer)) return transfer;
  if (transfer.kind !== 'temporary') return reject('not-temporary', `transfer ${transfer.transferId} is official; only a temporary one returns`);
  const open = transfer.status === 'received' || (transfer.status === 'issued' && transfer.toExternal);
  if (!open) return reject('transfer-not-pending', `transfer ${transfer.transferId} is ${transfer.status}, not under way`);
  const record = bump<TransferRecord>({ ...transfer, status: 'returned', endedOn: e.data.on }, transfer);
  return apply({ entity: 'transfer', record, expectedVersion: transfer.version });
}
