// The ingest checks the message group against the event's subject (docs/events.md "Message
// groups"): a message in a group not its subject's is rejected `wrong-group` at once, so
// that no producer can hold up another's group, or `orgs`, with an event that waits.
import { describe, expect, it } from 'vitest';
import { groupIdOf } from '../../shared/domain/events/groups.js';
import { ingestEvent, PredecessorMissingError } from '../../shared/use-cases/ingest-event/index.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';

let messages = 0;
const ingest = (store: InMemoryIngestStore, event: object, groupId?: string) =>
  ingestEvent(store, JSON.stringify(event), { messageId: `g${++messages}`, receiveCount: 1, context: { groupId } });

/** The example tree, and person P1's dossier D1 in C1. */
async function storeWithDossier(): Promise<InMemoryIngestStore> {
  const store = new InMemoryIngestStore();
  for (const e of baseOrgs()) await ingest(store, e, 'orgs');
  await ingest(store, validEvent('dossier.received', { data: { dossierId: 'D1', personId: 'P1', orgId: 'C1' } }), 'P1');
  return store;
}

describe('the message group of an event', () => {
  const long = 'L'.repeat(128);

  it.each<[string, object, string]>([
    ['an org event in orgs', validEvent('org.renamed', { data: { orgId: 'C1' } }), 'orgs'],
    [
      'a step naming its person, in that person’s group',
      validEvent('dossier.stepCompleted', { data: { dossierId: 'D1', personId: 'P1' } }),
      'P1',
    ],
    [
      'a step without its person, in the dossier’s own group',
      validEvent('dossier.stepCompleted', { data: { dossierId: 'D1' } }),
      'dossier:D1',
    ],
    [
      'a step without its person, in the group of the stored dossier’s person (as `dangvien send` groups it)',
      validEvent('dossier.stepCompleted', { data: { dossierId: 'D1' } }),
      'P1',
    ],
    [
      'a member event in its member’s group',
      validEvent('member.admitted', { data: { memberId: 'P1', orgId: 'C1', dossierId: 'D1' } }),
      'P1',
    ],
  ])('applies %s', async (_case, event, group) => {
    // Prepare
    const store = await storeWithDossier();
    // Act
    const out = await ingest(store, event, group);
    // Assess
    expect(out.outcome).toBe('applied');
  });

  it('takes a subject too long for a group id in its hashed group, as `dangvien send` sends it', async () => {
    // Prepare: `transfer:` and a 128-character id is longer than SQS allows
    const store = await storeWithDossier();
    const event = validEvent('transfer.cancelled', { data: { transferId: long } });
    // Act / Assess: it waits for its transfer, in its own group — it is not refused
    await expect(ingest(store, event, groupIdOf(`transfer:${long}`))).rejects.toBeInstanceOf(PredecessorMissingError);
    expect(await ingest(store, event, `transfer:${long}`.slice(0, 128))).toMatchObject({ reason: 'wrong-group' });
  });

  it.each<[string, object, string]>([
    ['an org event in a person’s group', validEvent('org.renamed', { data: { orgId: 'C1' } }), 'P1'],
    ['a member event in orgs', validEvent('member.evaluated', { data: { memberId: 'P1' } }), 'orgs'],
    ['a member event in another member’s group', validEvent('member.updated', { data: { memberId: 'NOBODY' } }), 'P1'],
    [
      'a step naming its person, in another group',
      validEvent('dossier.stepCompleted', { data: { dossierId: 'D1', personId: 'P1' } }),
      'P2',
    ],
    ['a step without its person, in another person’s group', validEvent('dossier.stepCompleted', { data: { dossierId: 'D1' } }), 'P2'],
    [
      'a step of a dossier not stored yet, in a person’s group nothing can vouch for',
      validEvent('dossier.stepCompleted', { data: { dossierId: 'D-LATER' } }),
      'P1',
    ],
  ])('rejects %s at once as wrong-group, though it would wait', async (_case, event, group) => {
    // Prepare
    const store = await storeWithDossier();
    // Act
    const out = await ingest(store, event, group);
    // Assess
    expect(out).toMatchObject({ outcome: 'rejected', reason: 'wrong-group' });
    expect(store.deferred.size).toBe(0);
  });

  it('does not check a message that came without a group (not a FIFO queue)', async () => {
    // Prepare
    const store = await storeWithDossier();
    // Act
    const out = await ingest(store, validEvent('member.admitted', { data: { memberId: 'P1', orgId: 'C1', dossierId: 'D1' } }));
    // Assess
    expect(out.outcome).toBe('applied');
  });
});
