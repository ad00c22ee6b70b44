// domain: the message group an event travels in must be its subject's (docs/events.md
// "Message groups"). SQS FIFO holds a group while one of its messages waits: an event sent
// in another person's group, or in `orgs`, could hold up what another producer sends. So
// an event in a group not its subject's is rejected at once (`wrong-group`), before it can
// wait.
import type { DomainEvent } from '../events/envelope.js';
import { groupIdOf, subjectOf } from '../events/groups.js';
import { reject, type Decision, type LoadedState } from './decision-types.js';

/**
 * The groups an event may travel in: its subject's (the person it names, or `orgs`), and —
 * for an event that leaves its person out (a dossier step or closing, a transfer's
 * receipt, cancellation or return) — the person of the stored dossier or transfer it
 * names, as `dangvien send` groups it. A record not stored yet names nobody.
 */
export function subjectGroups(event: DomainEvent, state: LoadedState): string[] {
  const groups = [subjectOf(event)];
  const person = (() => {
    switch (event.type) {
      case 'dossier.stepCompleted':
      case 'dossier.closed':
        return state.dossiers.get(event.data.dossierId)?.personId;
      case 'transfer.received':
      case 'transfer.cancelled':
      case 'transfer.returned':
        return state.transfers.get(event.data.transferId)?.memberId;
      default:
        return undefined;
    }
  })();
  if (person !== undefined) groups.push(groupIdOf(person));
  return [...new Set(groups)];
}

/**
 * `wrong-group` when the message's `groupId` is none of its event's {@link subjectGroups};
 * undefined when it is one, or when the message came without a group (not a FIFO queue).
 */
export function groupDecision(event: DomainEvent, groupId: string | undefined, state: LoadedState): Decision | undefined {
  if (groupId === undefined) return undefined;
  const allowed = subjectGroups(event, state);
  if (allowed.includes(groupId)) return undefined;
  return reject(
    'wrong-group',
    `the message group is not the group of this event's subject (${allowed.join(' or ')}): see docs/events.md#message-groups`,
  );
}
