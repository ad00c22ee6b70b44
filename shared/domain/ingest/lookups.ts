// domain: finding the records an event names, or the decision when they are not fit.
import type {
  CandidateRecord,
  DossierRecord,
  FactRecord,
  MemberRecord,
  OrgRecord,
  TransferRecord,
  Fact,
  BusinessDate,
} from '../records.js';
import { yearOf } from '../dates.js';
import { reject, retry, type Decision, type LoadedState, type Write } from './decision-types.js';
import { isCell } from './orgs.js';

export const isDecision = (x: object): x is Decision => 'outcome' in x;

/**
 * A registered, active cell: the only place members and dossiers live. `on` is the
 * event's business date: a cell merged into another (`mergedInto`) after `on` was active
 * then, and is taken as it was. Across message groups nothing keeps order, so an
 * admission dated before a merge may arrive after it; applied to the old cell (a hidden
 * child of the target) it gives what it gave in order — a rejection would lose it.
 * Dissolved outright, a cell had to be empty: an event there is refused whatever its date.
 */
export function activeCell(state: LoadedState, orgId: string, on?: BusinessDate): OrgRecord | Decision {
  const org = state.orgs.get(orgId);
  if (!org) return retry('missing-org', `organization ${orgId} is not registered (yet)`);
  const activeThen = org.mergedInto !== undefined && org.dissolvedOn !== undefined && on !== undefined && on < org.dissolvedOn;
  if (org.status === 'dissolved' && !activeThen) return reject('org-dissolved', `organization ${orgId} is dissolved`);
  if (!isCell(org)) return reject('not-a-cell', `organization ${orgId} is a ${org.level}; members belong to cells only`);
  return org;
}

/**
 * The cell whose rolls a member of `cellId` is on now: a cell dissolved with
 * `mergedInto` hands its members to the target (docs/events.md#organizations), followed as far as loaded.
 */
export function effectiveCellId(state: LoadedState, cellId: string): string {
  const seen = new Set<string>();
  let id = cellId;
  for (let org = state.orgs.get(id); org?.status === 'dissolved' && org.mergedInto && !seen.has(id); org = state.orgs.get(id)) {
    seen.add(id);
    id = org.mergedInto;
  }
  return id;
}

/** The orgs after `orgId` along `mergedInto`, as far as they are loaded: what to load next. */
export function mergeChain(state: LoadedState, orgId: string): string[] {
  const chain: string[] = [];
  let id = orgId;
  for (
    let org = state.orgs.get(id);
    org?.status === 'dissolved' && org.mergedInto && !chain.includes(org.mergedInto);
    org = state.orgs.get(id)
  ) {
    id = org.mergedInto;
    chain.push(id);
  }
  return chain;
}

export function knownMember(state: LoadedState, memberId: string): MemberRecord | Decision {
  return state.members.get(memberId) ?? retry('missing-member', `member ${memberId} is not known (yet)`);
}

/** Probationary or official: the statuses that are on a cell's rolls. */
export function isActive(member: MemberRecord): boolean {
  return member.status === 'probationary' || member.status === 'official';
}

export function activeMember(state: LoadedState, memberId: string): MemberRecord | Decision {
  const member = knownMember(state, memberId);
  if (isDecision(member)) return member;
  if (!isActive(member)) return reject('not-active', `member ${memberId} is ${member.status}, not an active member`);
  return member;
}

export function knownDossier(state: LoadedState, dossierId: string): DossierRecord | Decision {
  return state.dossiers.get(dossierId) ?? retry('missing-dossier', `dossier ${dossierId} is not known (yet)`);
}

export function openDossier(state: LoadedState, dossierId: string): DossierRecord | Decision {
  const dossier = knownDossier(state, dossierId);
  if (isDecision(dossier)) return dossier;
  if (dossier.status !== 'open') return reject('dossier-closed', `dossier ${dossierId} is already closed (${dossier.status})`);
  return dossier;
}

export function knownTransfer(state: LoadedState, transferId: string): TransferRecord | Decision {
  return state.transfers.get(transferId) ?? retry('missing-transfer', `transfer ${transferId} is not known (yet)`);
}

/** A person listed in a pool (docs/events.md#the-candidate-pool); a person never listed waits for the listing. */
export function knownCandidate(state: LoadedState, personId: string): CandidateRecord | Decision {
  return state.candidates.get(personId) ?? retry('missing-candidate', `person ${personId} is not listed as a candidate (yet)`);
}

/** A fact put, attributed to `cellId` and to the year of `on`. */
export function putFact(cellId: string, on: BusinessDate, factId: string, fact: Fact, year = yearOf(on)): Write {
  const record: FactRecord = { cellId, year, factId, on, fact };
  return { entity: 'fact', op: 'put', record };
}

export function deleteFact(cellId: string, year: number, factId: string): Write {
  return { entity: 'fact', op: 'delete', record: { cellId, year, factId } };
}
