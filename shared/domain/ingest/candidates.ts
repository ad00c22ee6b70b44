// domain: the rules of the candidate pool (tạo nguồn, docs/events.md#the-candidate-pool):
// cells list outstanding people (quần chúng ưu tú), send them to the class on Party
// awareness (lớp bồi dưỡng nhận thức về Đảng) and open a dossier for those who qualify.
// A person is in the pool from `candidate.listed` until dropped or admitted; a dossier
// received or an admission for a person in the pool links them.
import type { EventOf } from '../events/index.js';
import { maxDate } from '../dates.js';
import type { BusinessDate, CandidateRecord } from '../records.js';
import { apply, bump, reject, type Decision, type LoadedState, type Write } from './decision-types.js';
import { activeCell, isDecision, knownCandidate } from './lookups.js';

/** Whether the person is in the pool now: their last stay is still open. */
export function inPool(candidate: CandidateRecord): boolean {
  const last = candidate.stays.at(-1);
  return last !== undefined && last.until === undefined;
}

/** Where the person stands, in words, for a rejection's message (ids and dates only). */
function standing(candidate: CandidateRecord): string {
  if (candidate.admission) return `was admitted from the pool (member ${candidate.admission.memberId})`;
  const last = candidate.stays.at(-1);
  if (last?.until === undefined) return `is in the pool of ${candidate.cellId}`;
  return `left the pool of ${last.cellId} on ${last.until}`;
}

/** Lists a person in a cell's pool; a person dropped before may be listed again, later. */
export function listCandidate(e: EventOf<'candidate.listed'>, state: LoadedState): Decision {
  const { personId, orgId, on, profile, nominatedBy } = e.data;
  const cell = activeCell(state, orgId, on);
  if (isDecision(cell)) return cell;
  const existing = state.candidates.get(personId);
  if (existing && (existing.admission || inPool(existing))) {
    return reject('candidate-exists', `person ${personId} ${standing(existing)}`);
  }
  // The pool is of non-members (quần chúng): a member on the rolls, here or gone elsewhere, is refused.
  const member = state.members.get(personId);
  if (member && member.status !== 'exited') return reject('member-exists', `person ${personId} is a party member`);
  const left = existing?.stays.at(-1)?.until;
  if (left !== undefined && on < left) return reject('date-order', `the listing is before person ${personId} left the pool (${left})`);
  const record = bump<CandidateRecord>(
    {
      personId,
      cellId: cell.orgId,
      profile,
      ...(nominatedBy ? { nominatedBy } : {}),
      stays: [...(existing?.stays ?? []), { cellId: cell.orgId, from: on }],
      certificates: existing?.certificates ?? {},
      ...(existing?.dossierId ? { dossierId: existing.dossierId } : {}),
    },
    existing,
  );
  return apply({ entity: 'candidate', record, expectedVersion: existing?.version ?? null });
}

/**
 * The class certificate. One per class: a second one for the same `classId` corrects its
 * date. A certificate dated after the person's admission cannot have counted for it.
 */
export function completeClass(e: EventOf<'candidate.classCompleted'>, state: LoadedState): Decision {
  const { personId, classId, on } = e.data;
  const candidate = knownCandidate(state, personId);
  if (isDecision(candidate)) return candidate;
  if (candidate.admission && on > candidate.admission.admittedOn) {
    return reject('date-order', `the certificate is dated after person ${personId} was admitted (${candidate.admission.admittedOn})`);
  }
  const record = bump<CandidateRecord>({ ...candidate, certificates: { ...candidate.certificates, [classId]: on } }, candidate);
  return apply({ entity: 'candidate', record, expectedVersion: candidate.version });
}

/** Out of the pool without admission; the record (and the profile, like a closed dossier's) is kept. */
export function dropCandidate(e: EventOf<'candidate.dropped'>, state: LoadedState): Decision {
  const { personId, on, reason } = e.data;
  const candidate = knownCandidate(state, personId);
  if (isDecision(candidate)) return candidate;
  const last = candidate.stays.at(-1);
  if (!last || !inPool(candidate)) return reject('not-in-pool', `person ${personId} ${standing(candidate)}`);
  if (on < last.from) return reject('date-order', `the drop is before person ${personId} was listed (${last.from})`);
  const stays = [...candidate.stays.slice(0, -1), { ...last, until: on, ended: { by: 'dropped' as const, reason } }];
  return apply({
    entity: 'candidate',
    record: bump<CandidateRecord>({ ...candidate, stays }, candidate),
    expectedVersion: candidate.version,
  });
}

/**
 * The candidate a dossier or an admission about these persons links to: the first of them
 * in the pool. A person who left the pool (dropped) is not taken back by a dossier: the
 * cell lists them again. Scope checks (scope.ts) ask the same, so that what is written is
 * what is checked.
 */
export function linkedCandidate(state: LoadedState, personIds: ReadonlyArray<string | undefined>): CandidateRecord | undefined {
  for (const id of personIds) {
    const candidate = id === undefined ? undefined : state.candidates.get(id);
    if (candidate && inPool(candidate)) return candidate;
  }
  return undefined;
}

/** The candidate with the dossier received for them: the latest dossier is the one followed. */
export function dossierLinkWrites(state: LoadedState, personId: string, dossierId: string): Write[] {
  const candidate = linkedCandidate(state, [personId]);
  if (!candidate) return [];
  return [
    { entity: 'candidate', record: bump<CandidateRecord>({ ...candidate, dossierId }, candidate), expectedVersion: candidate.version },
  ];
}

/**
 * The candidate admitted: out of the pool on `admittedOn`, linked to the member. The
 * profile goes: the member record holds it now (docs/personal-data.md), so that a
 * correction of the member has no second copy to reach.
 */
export function admissionLinkWrite(candidate: CandidateRecord, memberId: string, admittedOn: BusinessDate, cellId: string): Write {
  const { profile: _held, ...rest } = candidate;
  const last = candidate.stays.at(-1)!;
  // A listing dated after the decision (late, or a typo) still ends with it, never before it begins.
  const ended = { ...last, until: maxDate(last.from, admittedOn), ended: { by: 'admitted' as const } };
  return {
    entity: 'candidate',
    record: bump<CandidateRecord>(
      { ...rest, stays: [...candidate.stays.slice(0, -1), ended], admission: { memberId, admittedOn, cellId } },
      candidate,
    ),
    expectedVersion: candidate.version,
  };
}
