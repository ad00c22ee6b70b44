// domain: producer scoping. An upstream system is registered with the subtrees it may
// write (a district's system: its own orgs); an event touching an org outside them is
// rejected as `out-of-scope`.
import type { DomainEvent } from '../events.js';
import type { OrgRecord } from '../records.js';
import type { LoadedState } from './decision-types.js';

/** A registered producer: who it is (SQS SenderId) and the roots of what it may write. */
export interface Producer {
  senderId: string;
  name: string;
  /** The envelope `source` values it may use (CONTRACT §1: ids are per source). */
  sources: string[];
  /** Org ids whose subtrees it may write; `*` for everything (the city's own system). */
  orgs: string[];
}

/** The orgs an event writes in, from the event and the records it needs. */
export function orgsTouched(event: DomainEvent, state: LoadedState): string[] {
  const d = event.data as Record<string, unknown>;
  const member = (id: unknown) => (typeof id === 'string' ? state.members.get(id)?.cellId : undefined);
  const dossier = (id: unknown) => (typeof id === 'string' ? state.dossiers.get(id)?.cellId : undefined);
  const transfer = (id: unknown) => (typeof id === 'string' ? state.transfers.get(id) : undefined);
  const ids: Array<string | null | undefined> = (() => {
    switch (event.type) {
      case 'org.registered':
        return [event.data.parentId ?? '*'];
      case 'org.moved':
        return [event.data.orgId, event.data.parentId];
      case 'org.dissolved':
        return [event.data.orgId, event.data.mergedInto];
      case 'org.renamed':
      case 'target.set':
      case 'dossier.received':
      case 'member.admitted':
      case 'member.imported':
        return [d.orgId as string];
      case 'dossier.stepCompleted':
      case 'dossier.closed':
        return [dossier(d.dossierId)];
      case 'transfer.issued':
        return [event.data.fromOrgId];
      case 'transfer.received': {
        const known = transfer(event.data.transferId);
        return [known ? known.toOrgId : event.data.toOrgId];
      }
      case 'transfer.cancelled':
        return [transfer(event.data.transferId)?.fromOrgId];
      case 'transfer.returned': {
        const t = transfer(event.data.transferId);
        return [t?.toExternal ? t.fromOrgId : t?.toOrgId];
      }
      default:
        return [member(d.memberId)];
    }
  })();
  return ids.filter((id): id is string => typeof id === 'string');
}

/** Whether every org touched lies in one of the producer's subtrees (`*`: a new root). */
export function inScope(producer: Producer, touched: string[], orgs: Map<string, OrgRecord>): boolean {
  if (producer.orgs.includes('*')) return true;
  return touched.every((orgId) => {
    if (orgId === '*') return false;
    const seen = new Set<string>();
    for (let id: string | null | undefined = orgId; id && !seen.has(id); id = orgs.get(id)?.parentId) {
      if (producer.orgs.includes(id)) return true;
      seen.add(id);
    }
    return false;
  });
}
