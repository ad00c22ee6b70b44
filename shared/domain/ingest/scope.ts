// domain: producer scoping. An upstream system is registered with the subtrees it may
// write (a district's system: its own orgs); an event reaching an org outside them is
// rejected as `out-of-scope` (docs/security.md).
import type { DomainEvent } from '../events/index.js';
import type { OrgRecord, TransferRecord } from '../records.js';
import type { LoadedState } from './decision-types.js';
import type { Quotas } from './quotas.js';
import { openTransferIdsOf } from './members.js';
import { linkedCandidate } from './candidates.js';

/** A registered producer: who it is (SQS SenderId) and the roots of what it may write. */
export interface Producer {
  senderId: string;
  name: string;
  /** The envelope `source` values it may use (docs/events.md: ids are per source). */
  sources: string[];
  /** Org ids whose subtrees it may write; `*` for everything (the city's own system). */
  orgs: string[];
  /** Its own quotas, where the defaults do not fit (domain/ingest/quotas.ts). */
  quotas?: Partial<Quotas>;
}

/**
 * Every org an event reaches (docs/security.md): the orgs named in its data, and the cells of
 * the records it writes — the dossier it closes, the member record it creates, moves or
 * overwrites, both internal ends of the transfer it issues again, receives, cancels or
 * returns, the transfers a member's exit ends, the candidate it lists again, certifies,
 * drops or links to a dossier or an admission. `*` stands for "a new root". Orgs of
 * records not loaded (a missing predecessor) are not named: the event then waits.
 */
export function orgsTouched(event: DomainEvent, state: LoadedState): string[] {
  const memberCell = (id: string | undefined) => (id === undefined ? undefined : state.members.get(id)?.cellId);
  const dossierCell = (id: string | undefined) => (id === undefined ? undefined : state.dossiers.get(id)?.cellId);
  const candidateCell = (id: string) => state.candidates.get(id)?.cellId;
  /** The cell of the candidate a dossier or an admission links (candidates.ts), if any. */
  const linkedCell = (...ids: Array<string | undefined>) => linkedCandidate(state, ids)?.cellId;
  const ids: Array<string | null | undefined> = (() => {
    switch (event.type) {
      case 'org.registered': {
        const d = event.data;
        // An id already taken anywhere is that org's: registering it again reaches it.
        return [d.parentId ?? '*', state.orgs.has(d.orgId) ? d.orgId : undefined];
      }
      case 'org.renamed':
      case 'target.set':
      case 'org.updated':
      case 'org.evaluated':
        return [event.data.orgId];
      case 'org.moved':
        return [event.data.orgId, event.data.parentId];
      case 'org.dissolved':
        return [event.data.orgId, event.data.mergedInto];
      case 'dossier.received':
        return [event.data.orgId, dossierCell(event.data.dossierId), linkedCell(event.data.personId)];
      case 'dossier.stepCompleted':
      case 'dossier.closed':
        return [dossierCell(event.data.dossierId)];
      case 'member.admitted': {
        const d = event.data;
        const applicant = d.dossierId === undefined ? undefined : state.dossiers.get(d.dossierId)?.personId;
        return [d.orgId, dossierCell(d.dossierId), memberCell(d.memberId), linkedCell(applicant, d.memberId)];
      }
      case 'candidate.listed':
        return [event.data.orgId, candidateCell(event.data.personId), memberCell(event.data.personId)];
      case 'candidate.classCompleted':
      case 'candidate.dropped':
        return [candidateCell(event.data.personId)];
      case 'member.imported':
        return [event.data.orgId, memberCell(event.data.memberId)];
      case 'member.exited': {
        const member = state.members.get(event.data.memberId);
        const ended = member ? openTransferIdsOf(member).flatMap((id) => internalEnds(state.transfers.get(id))) : [];
        return [member?.cellId, ...ended];
      }
      case 'member.recognized':
      case 'member.updated':
      case 'member.exempted':
      case 'member.evaluated':
      case 'member.badgeAwarded':
      case 'member.ceremonyHeld':
      case 'member.recordsFiled':
      case 'member.cardIssued':
        return [memberCell(event.data.memberId)];
      case 'transfer.issued': {
        const d = event.data;
        return [d.fromOrgId, memberCell(d.memberId), ...internalEnds(state.transfers.get(d.transferId))];
      }
      case 'transfer.received': {
        const d = event.data;
        const known = state.transfers.get(d.transferId);
        if (known) return [...internalEnds(known), memberCell(known.memberId), memberCell(d.memberId)];
        // An arrival from outside: where it lands, where it comes from if that is an org
        // of this system, and the member record it would create or take over.
        return [
          d.toOrgId,
          d.fromOrgId !== undefined && state.orgs.has(d.fromOrgId) ? d.fromOrgId : undefined,
          memberCell(d.member?.memberId),
        ];
      }
      case 'transfer.cancelled':
      case 'transfer.returned': {
        const known = state.transfers.get(event.data.transferId);
        return [...internalEnds(known), memberCell(known?.memberId), memberCell(event.data.memberId)];
      }
    }
  })();
  return [...new Set(ids.filter((id): id is string => typeof id === 'string'))];
}

/** The ends of a transfer that are orgs of this system (as decided when it was seen). */
function internalEnds(transfer: TransferRecord | undefined): string[] {
  if (!transfer) return [];
  return [...(transfer.fromExternal ? [] : [transfer.fromOrgId]), ...(transfer.toExternal ? [] : [transfer.toOrgId])];
}

/** What the scope check reads of the tree: a Map, or the figures' `OrgTree` (a kept copy). */
export interface OrgLookup {
  get(orgId: string): OrgRecord | undefined;
}

/** The touched orgs that lie in none of the producer's subtrees (`*`: a new root); empty when it may write them all. */
export function outsideScope(producer: Producer, touched: readonly string[], orgs: OrgLookup): string[] {
  if (producer.orgs.includes('*')) return [];
  return [...new Set(touched)].filter((orgId) => !withinSubtrees(producer.orgs, orgId, orgs));
}

/**
 * The producer for which the registry reserves the id of an org `registering` wants to
 * register, if any (docs/security.md "Organization ids the registry grants"): another
 * producer is granted that id, and `registering` does not cover that producer's scope —
 * it is not `*`, and neither is that id also granted to it nor does each other org of
 * that producer lie in its subtrees. So a district cannot register, under itself, the
 * id the city reserved for another's ward, and take that ward's subtree with it.
 */
export function reservedFor(orgId: string, registering: Producer, producers: readonly Producer[], orgs: OrgLookup): Producer | undefined {
  if (registering.orgs.includes('*')) return undefined;
  const covers = (granted: string) =>
    granted !== '*' && (granted === orgId ? registering.orgs.includes(orgId) : withinSubtrees(registering.orgs, granted, orgs));
  return producers.find((p) => p.senderId !== registering.senderId && p.orgs.includes(orgId) && !p.orgs.every(covers));
}

/** Whether `orgId` lies in the subtree of one of `roots` (never for `*`, a new root). */
export function withinSubtrees(roots: readonly string[], orgId: string, orgs: OrgLookup): boolean {
  if (orgId === '*') return false;
  const seen = new Set<string>();
  for (let id: string | null | undefined = orgId; id && !seen.has(id); id = orgs.get(id)?.parentId) {
    if (roots.includes(id)) return true;
    seen.add(id);
  }
  return false;
}

/**
 * Whether a kept copy of the tree is older than what the event read, so that its scope
 * must be judged on a newer one: an org the event loaded is missing from the copy or
 * newer than the copy's, or a touched org's chain meets an org the copy lacks (an org
 * registered since, or one that does not exist — then the newer copy says so too).
 */
export function copyIsBehind(touched: readonly string[], state: LoadedState, copy: OrgLookup): boolean {
  for (const org of state.orgs.values()) {
    const kept = copy.get(org.orgId);
    if (!kept || kept.version < org.version) return true;
  }
  for (const start of touched) {
    const seen = new Set<string>();
    for (let id: string | null | undefined = start; id && id !== '*' && !seen.has(id); id = copy.get(id)?.parentId) {
      seen.add(id);
      if (!copy.get(id)) return true;
    }
  }
  return false;
}
