// domain: which records an event needs, and what applying it decides.
import type { DomainEvent } from '../events/index.js';
import { reject, type Decision, type LoadedState, type Needs } from './decision-types.js';
import { completeDossierStep, closeDossier, receiveDossier } from './dossiers.js';
import {
  admitMember,
  awardBadge,
  evaluateMember,
  exemptMember,
  exitMember,
  importMember,
  openTransferIdsOf,
  recognizeMember,
  updateMember,
} from './members.js';
import { dissolveOrg, evaluateOrg, moveOrg, registerOrg, renameOrg, rollsOf, setTarget, updateOrg } from './orgs.js';
import { mergeChain } from './lookups.js';
import { cancelTransfer, issueTransfer, receiveTransfer, returnTransfer } from './transfers.js';
import { completeClass, dropCandidate, listCandidate } from './candidates.js';
import { fileRecords, holdCeremony, issueCard } from './after-admission.js';

const none = (): Needs => ({ orgs: [], members: [], dossiers: [], transfers: [] });

/**
 * The records to load before `decide`. It is asked again with what was loaded so far,
 * because some needs follow from records (a transfer's member and cells).
 */
export function needsFor(event: DomainEvent, state: LoadedState): Needs {
  const needs = recordsNeeded(event, state);
  // A dissolved cell's members are on the rolls of its merge target: load the chain.
  return { ...needs, orgs: [...new Set([...needs.orgs, ...needs.orgs.flatMap((id) => mergeChain(state, id))])] };
}

function recordsNeeded(event: DomainEvent, state: LoadedState): Needs {
  const needs = none();
  switch (event.type) {
    case 'org.registered':
    case 'org.moved':
      return { ...needs, allOrgs: true };
    case 'org.renamed':
    case 'target.set':
    case 'org.updated':
    case 'org.evaluated':
      // Decided on the org alone: no other org's record changes, nor the tree's shape.
      // The scope check reads the chain above it from the batch's copy of the tree.
      return { ...needs, orgs: [event.data.orgId] };
    case 'org.dissolved': {
      // Without a merge target it must be empty: no active or in-transit member and no
      // open dossier on its rolls (its own and those of cells merged into it).
      const rolls = state.allOrgsLoaded && event.data.mergedInto === undefined ? rollsOf(state.orgs, event.data.orgId) : [];
      return { ...needs, allOrgs: true, activeMembersOf: rolls, openDossiersOf: rolls };
    }
    case 'dossier.received':
      // The person may be in the candidate pool: the dossier links them.
      return { ...needs, orgs: [event.data.orgId], dossiers: [event.data.dossierId], candidates: [event.data.personId] };
    case 'dossier.stepCompleted':
    case 'dossier.closed':
      return { ...needs, dossiers: [event.data.dossierId] };
    case 'member.admitted': {
      // The dossier's cell (and where it was merged) decides whether it is the admission's.
      const dossier = event.data.dossierId ? state.dossiers.get(event.data.dossierId) : undefined;
      return {
        ...needs,
        orgs: [event.data.orgId, ...(dossier ? [dossier.cellId] : [])],
        members: [event.data.memberId],
        dossiers: event.data.dossierId ? [event.data.dossierId] : [],
        // The candidate the admission takes out of the pool: the applicant's, else the member's id.
        candidates: [...(dossier ? [dossier.personId] : []), event.data.memberId],
      };
    }
    case 'candidate.listed':
      // A member is not a candidate: the person's member record, if any, refuses the listing.
      return { ...needs, orgs: [event.data.orgId], candidates: [event.data.personId], members: [event.data.personId] };
    case 'candidate.classCompleted':
    case 'candidate.dropped':
      return { ...needs, candidates: [event.data.personId] };
    case 'member.imported':
      return { ...needs, orgs: [event.data.orgId], members: [event.data.memberId] };
    case 'member.exited': {
      // An exit ends the member's open transfers (docs/events.md#members): load them.
      const member = state.members.get(event.data.memberId);
      return { ...needs, members: [event.data.memberId], transfers: member ? openTransferIdsOf(member) : [] };
    }
    case 'member.recognized':
    case 'member.updated':
    case 'member.exempted':
    case 'member.evaluated':
    case 'member.badgeAwarded':
    case 'member.ceremonyHeld':
    case 'member.recordsFiled':
    case 'member.cardIssued':
      return { ...needs, members: [event.data.memberId] };
    case 'transfer.issued': {
      const member = state.members.get(event.data.memberId);
      return {
        ...needs,
        orgs: [event.data.toOrgId, ...(member ? [member.cellId] : [])],
        members: [event.data.memberId],
        transfers: [event.data.transferId],
      };
    }
    case 'transfer.received': {
      const known = state.transfers.get(event.data.transferId);
      const d = event.data;
      if (known) return { ...needs, transfers: [d.transferId], members: [known.memberId], orgs: [known.toOrgId] };
      return {
        ...needs,
        transfers: [d.transferId],
        orgs: [d.fromOrgId, d.toOrgId].filter((x): x is string => x !== undefined),
        members: d.member ? [d.member.memberId] : [],
      };
    }
    case 'transfer.cancelled':
    case 'transfer.returned': {
      const known = state.transfers.get(event.data.transferId);
      return { ...needs, transfers: [event.data.transferId], members: known ? [known.memberId] : [] };
    }
  }
}

/**
 * Applies the contract's rules for one event to the records it needs. Never throws for
 * what an event carries: date arithmetic that leaves the range dates can hold (a
 * `RangeError` from dates.ts, e.g. a deadline derived past year 9999) is rejected as
 * `date-out-of-range`. Any other exception is a bug and is thrown as it is.
 */
export function decide(event: DomainEvent, state: LoadedState): Decision {
  try {
    return dispatch(event, state);
  } catch (err) {
    if (err instanceof RangeError) {
      // The message of a RangeError from dates.ts may quote a date from the event:
      // not copied, since rejected events' messages are shown to operators.
      return reject('date-out-of-range', `a date of this ${event.type} or one derived from it is outside the range dates can hold`);
    }
    throw err;
  }
}

function dispatch(event: DomainEvent, state: LoadedState): Decision {
  switch (event.type) {
    case 'org.registered':
      return registerOrg(event, state);
    case 'org.renamed':
      return renameOrg(event, state);
    case 'org.moved':
      return moveOrg(event, state);
    case 'org.dissolved':
      return dissolveOrg(event, state);
    case 'target.set':
      return setTarget(event, state);
    case 'org.updated':
      return updateOrg(event, state);
    case 'org.evaluated':
      return evaluateOrg(event, state);
    case 'dossier.received':
      return receiveDossier(event, state);
    case 'dossier.stepCompleted':
      return completeDossierStep(event, state);
    case 'dossier.closed':
      return closeDossier(event, state);
    case 'candidate.listed':
      return listCandidate(event, state);
    case 'candidate.classCompleted':
      return completeClass(event, state);
    case 'candidate.dropped':
      return dropCandidate(event, state);
    case 'member.admitted':
      return admitMember(event, state);
    case 'member.imported':
      return importMember(event, state);
    case 'member.recognized':
      return recognizeMember(event, state);
    case 'member.updated':
      return updateMember(event, state);
    case 'member.exempted':
      return exemptMember(event, state);
    case 'member.exited':
      return exitMember(event, state);
    case 'member.evaluated':
      return evaluateMember(event, state);
    case 'member.badgeAwarded':
      return awardBadge(event, state);
    case 'member.ceremonyHeld':
      return holdCeremony(event, state);
    case 'member.recordsFiled':
      return fileRecords(event, state);
    case 'member.cardIssued':
      return issueCard(event, state);
    case 'transfer.issued':
      return issueTransfer(event, state);
    case 'transfer.received':
      return receiveTransfer(event, state);
    case 'transfer.cancelled':
      return cancelTransfer(event, state);
    case 'transfer.returned':
      return returnTransfer(event, state);
  }
}
