// use case sendEvents: the person of events that do not name one, so that a file sent by
// `dangvien send` is always grouped by person (docs/events.md). A dossier step, a closing, a
// transfer's cancellation, return or receipt may leave the person out; it is then taken
// from an earlier line of the same file (the dossier's receipt, the transfer's issue),
// else from the stored dossier or transfer. Without a person such an event would travel
// in a group of its own and could overtake the person's other events (an admission
// before its dossier's last step, an exit before a return).
import type { Outgoing } from '../../domain/events/outgoing.js';
import type { PersonRef, SendStore } from './port.js';

type Data = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** What an event tells about whose dossier or transfer an id is. */
function learn(type: string, d: Data, dossiers: Map<string, string>, transfers: Map<string, string>): void {
  const person = str(d.personId) ?? str(d.memberId) ?? str((d.member as Data | undefined)?.memberId);
  if (person === undefined) return;
  if (type.startsWith('dossier.') && str(d.dossierId)) dossiers.set(str(d.dossierId)!, person);
  if (type.startsWith('transfer.') && str(d.transferId)) transfers.set(str(d.transferId)!, person);
}

/** The dossier or transfer whose person an event leaves out, if it does. */
function unnamed(type: string, d: Data): PersonRef | undefined {
  if ((type === 'dossier.stepCompleted' || type === 'dossier.closed') && !str(d.personId) && str(d.dossierId))
    return { dossierId: str(d.dossierId)! };
  const transferEvents = ['transfer.cancelled', 'transfer.returned', 'transfer.received'];
  if (transferEvents.includes(type) && !str(d.memberId) && !d.member && str(d.transferId)) return { transferId: str(d.transferId)! };
  return undefined;
}

/** Sets `person` on the items whose events leave it out, from earlier lines or the stored records. */
export async function resolvePersons(store: Pick<SendStore, 'personsOf'>, items: Outgoing[]): Promise<void> {
  const dossiers = new Map<string, string>();
  const transfers = new Map<string, string>();
  const unresolved: Array<{ item: Outgoing; ref: PersonRef }> = [];
  for (const item of items) {
    if (!item.event) continue;
    const d = item.event.data as Data;
    const ref = unnamed(item.event.type, d);
    if (ref) {
      const person = 'dossierId' in ref ? dossiers.get(ref.dossierId) : transfers.get(ref.transferId);
      if (person !== undefined) item.person = person;
      else unresolved.push({ item, ref });
    }
    learn(item.event.type, d, dossiers, transfers);
  }
  if (unresolved.length === 0) return;
  const persons = await store.personsOf(unresolved.map(({ ref }) => ref));
  unresolved.forEach(({ item }, i) => {
    const person = persons[i];
    if (person !== undefined) item.person = person;
  });
}
