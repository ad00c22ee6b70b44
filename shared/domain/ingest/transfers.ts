// domain: the rules of the transfer events (docs/events.md#transfers). An official transfer takes
// the member off the sending cell at issue (cắt đảng số) and onto the receiving cell
// at receipt; in between the member is in transit, counted by the sending side only.
import type { EventOf } from '../events/index.js';
import type { MemberRecord, TransferRecord } from '../records.js';
import { probationEndsOn, transferDeadline, type Deadline } from '../rules/index.js';
import { apply, bump, reject, retry, type Decision, type LoadedState, type Write } from './decision-types.js';
import { activeCell, activeMember, deleteFact, effectiveCellId, isDecision, knownMember, knownTransfer, putFact } from './lookups.js';
import { yearOf } from '../dates.js';
import { traitsOf } from '../personal-data.js';
import { earlierStints, stintEnded, stintReopened, stintStarted, stintsOf } from '../stints.js';

/** A deadline as stored: `dueOnProvisional` only when the calendar may still move it (docs/reminders.md#deadlines). */
export function dueOnFields({ dueOn, provisional }: Deadline): { dueOn: string; dueOnProvisional?: true } {
  return provisional ? { dueOn, dueOnProvisional: true } : { dueOn };
}

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
    const to = activeCell(state, toOrgId, issuedOn);
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
      ...(toExternal ? {} : dueOnFields(transferDeadline(issuedOn))),
      // No one here can see an external destination receive an official transfer.
      status: kind === 'official' && toExternal ? 'completed' : 'issued',
    },
    undefined,
  );
  const writes: Write[] = [
    { entity: 'transfer', record, expectedVersion: null },
    putFact(fromOrgId, issuedOn, outFactId(record), { kind: 'transferOut', transferKind: kind, counterpart: toOrgId }),
  ];
  if (kind === 'temporary') {
    // The member stays on the sending cell's rolls; the record lists the open temporary
    // transfer so that an exit can end it (docs/events.md#members).
    const temporaryTransferIds = [...(member.temporaryTransferIds ?? []), transferId];
    writes.push({
      entity: 'member',
      record: bump<MemberRecord>({ ...member, temporaryTransferIds }, member),
      expectedVersion: member.version,
    });
  }
  if (kind === 'official') {
    // Off the sending cell's rolls on issuedOn (cắt đảng số), whether or not it is received here.
    const stints = stintEnded(stintsOf(member), issuedOn);
    const moved: MemberRecord = bump(
      {
        ...member,
        status: toExternal ? 'transferred-out' : 'in-transit',
        statusBeforeTransit: member.status as 'probationary' | 'official',
        transferId,
        stints,
      },
      member,
    );
    writes.push({ entity: 'member', record: moved, expectedVersion: member.version });
  }
  return apply(...writes);
}

/** The optional `memberId` of a transfer event (docs/events.md) must name the transfer's member. */
function memberMismatch(transfer: TransferRecord, memberId: string | undefined): Decision | undefined {
  if (memberId === undefined || memberId === transfer.memberId) return undefined;
  return reject('transfer-mismatch', `transfer ${transfer.transferId} is not a transfer of member ${memberId}`);
}

/** The member record without `transferId` among its open temporary transfers (unchanged when not listed). */
function withoutTemporary(member: MemberRecord, transferId: string): MemberRecord | undefined {
  const ids = member.temporaryTransferIds ?? [];
  if (!ids.includes(transferId)) return undefined;
  const rest = ids.filter((id) => id !== transferId);
  const { temporaryTransferIds: _ids, ...base } = member;
  return bump<MemberRecord>(rest.length > 0 ? { ...base, temporaryTransferIds: rest } : base, member);
}

/** The write that takes an ended temporary transfer off its member's open list, if the member lists it. */
function endTemporaryWrites(state: LoadedState, transfer: TransferRecord): Write[] {
  const member = state.members.get(transfer.memberId);
  const updated = member && withoutTemporary(member, transfer.transferId);
  return member && updated ? [{ entity: 'member', record: updated, expectedVersion: member.version }] : [];
}

export function receiveTransfer(e: EventOf<'transfer.received'>, state: LoadedState): Decision {
  const { transferId, receivedOn } = e.data;
  const known = state.transfers.get(transferId);
  if (known) {
    const mismatch = memberMismatch(known, e.data.memberId);
    if (mismatch) return mismatch;
    return receiveKnownTransfer(known, receivedOn, state);
  }
  const { fromOrgId, toOrgId, kind, member } = e.data;
  if (fromOrgId === undefined || toOrgId === undefined || kind === undefined) {
    return retry('missing-transfer', `transfer ${transferId} is not known (yet) and carries no arrival details`);
  }
  // From an org of this system the issue event is still to come.
  if (state.orgs.has(fromOrgId)) return retry('missing-transfer', `transfer ${transferId} from ${fromOrgId} has not been issued (yet)`);
  const to = activeCell(state, toOrgId, receivedOn);
  if (isDecision(to)) return to;
  // docs/events.md#transfers: a memberId this system holds comes back from outside only when that
  // member left by an official transfer to an external org; a member who exited (even
  // deceased) comes back only by readmission, and one on our rolls cannot arrive.
  const existing = member ? state.members.get(member.memberId) : undefined;
  if (existing && existing.status !== 'transferred-out') {
    return reject(
      'member-exists',
      `member ${existing.memberId} is ${existing.status} in this system; ${existing.status === 'exited' ? 'readmission (member.admitted with readmitted) brings them back' : 'only a member who left for an external org arrives from outside'}`,
    );
  }
  const base = {
    transferId,
    kind,
    fromOrgId,
    toOrgId: to.orgId,
    fromExternal: true,
    toExternal: false,
    receivedOn,
    status: 'received' as const,
  };
  const fact = putFact(to.orgId, receivedOn, inFactId({ transferId }), { kind: 'transferIn', transferKind: kind, counterpart: fromOrgId });
  if (kind === 'temporary') {
    const attendee = member ? { status: member.status, profile: member.profile } : undefined;
    const record = bump<TransferRecord>(
      { ...base, memberId: member?.memberId ?? transferId, ...(attendee ? { attendee } : {}) },
      undefined,
    );
    return apply({ entity: 'transfer', record, expectedVersion: null }, fact);
  }
  if (!member) return reject('schema', 'an official arrival from outside must carry member (memberId, status, admittedOn, profile)');
  const arrived = bump<MemberRecord>(
    {
      memberId: member.memberId,
      cellId: to.orgId,
      status: member.status,
      profile: member.profile,
      traits: traitsOf(member.profile),
      admittedOn: member.admittedOn,
      ...(member.status === 'probationary'
        ? { probationEndsOn: probationEndsOn(member.admittedOn) }
        : { recognizedOn: member.recognizedOn }),
      ratings: existing?.ratings ?? {},
      badges: existing?.badges ?? {},
      origin: 'transferred-in',
      stints: stintStarted(earlierStints(existing), to.orgId, receivedOn),
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
  // docs/events.md#transfers: whether the destination is external was decided at issue, for good: a
  // transfer complete at issue is never received, even if an org with that id has been
  // registered since, and a temporary one to an external org ends only by return or
  // cancellation.
  if (transfer.status !== 'issued' || transfer.toExternal) {
    return reject(
      'not-pending',
      `transfer ${transfer.transferId} is ${transfer.toExternal ? 'to an external org' : transfer.status}, not awaiting receipt`,
    );
  }
  if (transfer.issuedOn && receivedOn < transfer.issuedOn) return reject('date-order', 'receivedOn is before issuedOn');
  // Merged away while the transfer was under way: the target's rolls take the member.
  // Dissolved outright: nobody can receive; the sending side can still cancel.
  const to = state.orgs.get(effectiveCellId(state, transfer.toOrgId));
  if (!to) return retry('missing-org', `organization ${transfer.toOrgId} is not loaded`);
  if (to.status === 'dissolved')
    return reject('org-dissolved', `organization ${transfer.toOrgId} was dissolved; cancel the transfer instead`);
  const writes: Write[] = [
    {
      entity: 'transfer',
      record: bump<TransferRecord>({ ...transfer, status: 'received', receivedOn }, transfer),
      expectedVersion: transfer.version,
    },
    putFact(transfer.toOrgId, receivedOn, inFactId(transfer), {
      kind: 'transferIn',
      transferKind: transfer.kind,
      counterpart: transfer.fromOrgId,
    }),
  ];
  if (transfer.kind === 'official') {
    const member = knownMember(state, transfer.memberId);
    if (isDecision(member)) return member;
    const { statusBeforeTransit, transferId: _open, ...rest } = member;
    const arrived = bump<MemberRecord>(
      {
        ...rest,
        cellId: transfer.toOrgId,
        status: statusBeforeTransit ?? 'official',
        stints: stintStarted(stintsOf(member), transfer.toOrgId, receivedOn),
      },
      member,
    );
    writes.push({ entity: 'member', record: arrived, expectedVersion: member.version });
  }
  return apply(...writes);
}

/**
 * Undoes an issued transfer exactly: the member is back on the sending cell's rolls, the
 * "out" never happened. A temporary transfer already received ends instead
 * (docs/events.md#transfers), like a return: the attendance did happen, its facts stand.
 */
export function cancelTransfer(e: EventOf<'transfer.cancelled'>, state: LoadedState): Decision {
  const transfer = knownTransfer(state, e.data.transferId);
  if (isDecision(transfer)) return transfer;
  const mismatch = memberMismatch(transfer, e.data.memberId);
  if (mismatch) return mismatch;
  if (transfer.kind === 'temporary' && transfer.status === 'received') {
    if (transfer.receivedOn && e.data.on < transfer.receivedOn)
      return reject('date-order', 'the cancellation is before the transfer was received');
    return apply(
      {
        entity: 'transfer',
        record: ended(transfer, 'cancelled', e.data.on),
        expectedVersion: transfer.version,
      },
      ...endTemporaryWrites(state, transfer),
    );
  }
  if (transfer.status !== 'issued') {
    return reject(
      'not-pending',
      `transfer ${transfer.transferId} is ${transfer.status}; only an issued transfer or a received temporary one can be cancelled`,
    );
  }
  const writes: Write[] = [
    {
      entity: 'transfer',
      record: bump<TransferRecord>({ ...transfer, status: 'cancelled', endedOn: e.data.on }, transfer),
      expectedVersion: transfer.version,
    },
  ];
  if (transfer.issuedOn) writes.push(deleteFact(transfer.fromOrgId, yearOf(transfer.issuedOn), outFactId(transfer)));
  if (transfer.kind === 'official') {
    const member = knownMember(state, transfer.memberId);
    if (isDecision(member)) return member;
    const { statusBeforeTransit, transferId: _open, ...rest } = member;
    writes.push({
      entity: 'member',
      record: bump<MemberRecord>(
        { ...rest, status: statusBeforeTransit ?? 'official', ...(member.stints ? { stints: stintReopened(member.stints) } : {}) },
        member,
      ),
      expectedVersion: member.version,
    });
  } else {
    writes.push(...endTemporaryWrites(state, transfer));
  }
  return apply(...writes);
}

/**
 * A temporary transfer ends. An attendee from outside leaves the receiving cell, and
 * their profile with them: nothing here needs it any more (docs/personal-data.md).
 */
function ended(transfer: TransferRecord, status: 'cancelled' | 'returned', on: string): TransferRecord {
  const attendee = transfer.attendee ? { attendee: { status: transfer.attendee.status } } : {};
  return bump<TransferRecord>({ ...transfer, ...attendee, status, endedOn: on }, transfer);
}

/** A temporary transfer ends: the attendee leaves the receiving cell. */
export function returnTransfer(e: EventOf<'transfer.returned'>, state: LoadedState): Decision {
  const transfer = knownTransfer(state, e.data.transferId);
  if (isDecision(transfer)) return transfer;
  const mismatch = memberMismatch(transfer, e.data.memberId);
  if (mismatch) return mismatch;
  if (transfer.kind !== 'temporary')
    return reject('not-temporary', `transfer ${transfer.transferId} is official; only a temporary one returns`);
  const open = transfer.status === 'received' || (transfer.status === 'issued' && transfer.toExternal);
  if (!open) return reject('not-pending', `transfer ${transfer.transferId} is ${transfer.status}, not under way`);
  const record = ended(transfer, 'returned', e.data.on);
  return apply({ entity: 'transfer', record, expectedVersion: transfer.version }, ...endTemporaryWrites(state, transfer));
}
