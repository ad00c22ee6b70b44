// A message group held behind its event in the dead-letter queue (domain/ingest/hold.ts,
// docs/architecture.md): on the emulators, queue → ingest → DLQ → redrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDynamoGroupHolds } from '../../shared/data/group-holds.js';
import { erasePerson } from '../../shared/use-cases/person-data/index.js';
import { discardDeadLetters } from '../../shared/use-cases/redrive/discard.js';
import type { GroupHolds } from '../../shared/use-cases/ingest-event/port.js';
import { listWaiting, redriveDlq, redriveRejected } from '../../shared/use-cases/redrive/index.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { getDossier, getMember, partition } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

describe('a person whose dossier step went to the dead-letter queue', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
    await stack.send(baseOrgs());
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('keeps the admission behind the step until it is redriven, lets the dossier it waits for through, and applies all in order', async () => {
    // Prepare: the step overtook its dossier's reception, and waits for it until the DLQ.
    const step = validEvent('dossier.stepCompleted', { data: { dossierId: 'DH1', personId: 'PH1', step: 'processing', on: '2021-01-11' } });
    const received = validEvent('dossier.received', { data: { dossierId: 'DH1', personId: 'PH1', orgId: 'C1', receivedOn: '2021-01-04' } });
    const admitted = validEvent('member.admitted', { data: { memberId: 'PH1', orgId: 'C1', dossierId: 'DH1', admittedOn: '2021-03-02' } });
    await stack.send([step]);
    await stack.settle();
    // Act: the reception comes after all (the missing predecessor, sent later in the same
    // group), then the admission that closes the dossier.
    await stack.send([received, admitted]);
    await stack.settle();
    // Assess: the group is held behind the step, the admission parked, the reception applied.
    const holds = await stack.stores.holds.list();
    expect(holds).toMatchObject([{ group: 'PH1', heldEventId: step.id, reason: 'missing-dossier', parked: 1 }]);
    expect(await getDossier(stack, 'DH1')).toMatchObject({ status: 'open' });
    expect(await getMember(stack, 'PH1')).toBeUndefined();
    expect((await listWaiting(stack.stores.redrive)).map((w) => [w.eventId, w.reason, w.receiveCount, w.inDeadLetterQueue])).toEqual(
      expect.arrayContaining([
        [step.id, 'missing-dossier', 6, undefined],
        [admitted.id, 'held', 1, true],
      ]),
    );
    // Act: the operator redrives the dead-letter queue.
    const moved = await redriveDlq(stack.stores.redrive, stack.stores.deadLetterQueue, stack.stores.ingestQueue);
    await stack.settle();
    // Assess: the step applied before the admission closed the dossier; nothing refused, nothing held or waiting.
    expect(moved).toBe(2);
    expect(await getDossier(stack, 'DH1')).toMatchObject({ status: 'admitted', step: 'processing' });
    expect(await getMember(stack, 'PH1')).toMatchObject({ status: 'probationary', cellId: 'C1' });
    expect((await partition(stack, 'REJECTED')).map((r) => `${r.eventId} ${r.reason}`)).toEqual([]);
    expect(await stack.stores.holds.list()).toEqual([]);
    expect(await listWaiting(stack.stores.redrive)).toEqual([]);
  });

  it('releases the group when the operator discards the step: the admission applies, the step is kept rejected `discarded`', async () => {
    // Prepare: the step waits for its dossier until the DLQ; the reception passes the hold, the admission is parked.
    const step = validEvent('dossier.stepCompleted', { data: { dossierId: 'DH2', personId: 'PH2', step: 'processing', on: '2021-01-11' } });
    const received = validEvent('dossier.received', { data: { dossierId: 'DH2', personId: 'PH2', orgId: 'C1', receivedOn: '2021-01-04' } });
    const admitted = validEvent('member.admitted', { data: { memberId: 'PH2', orgId: 'C1', dossierId: 'DH2', admittedOn: '2021-03-02' } });
    await stack.send([step]);
    await stack.settle();
    await stack.send([received, admitted]);
    await stack.settle();
    expect(await stack.stores.holds.list()).toMatchObject([{ group: 'PH2', heldEventId: step.id, parked: 1 }]);
    const { stores } = stack;
    const discardStores = { redrive: stores.redrive, rejections: stores.ingest, holds: stores.holds, dlq: stores.deadLetterQueue };
    // Act: the operator decides the step must never apply, looks first with a dry run, then discards it.
    const preview = await discardDeadLetters(discardStores, [step.id], { dryRun: true });
    const discarded = await discardDeadLetters(discardStores, [step.id]);
    // Assess: the dry run named the step and gave back what it read (the discard found it at
    // once); the group is released; the step is kept, rejected `discarded`, and no longer waits.
    expect(preview).toMatchObject({ outcome: 'dry-run', wouldDiscard: [{ eventId: step.id, group: 'PH2' }] });
    expect(discarded).toMatchObject({ outcome: 'discarded', discarded: [{ eventId: step.id, group: 'PH2', released: true }] });
    expect(await stores.holds.list()).toEqual([]);
    const rejected = (await stores.redrive.listRejected()).filter((r) => r.eventId === step.id);
    expect(rejected).toMatchObject([{ reason: 'discarded', body: JSON.stringify(step), personId: 'PH2' }]);
    expect((await listWaiting(stores.redrive)).map((w) => w.eventId)).toEqual([admitted.id]);
    // Act: the operator redrives the DLQ: the admission parked behind the step is there, visible at once.
    const moved = await redriveDlq(stores.redrive, stores.deadLetterQueue, stores.ingestQueue);
    await stack.settle();
    // Assess: the admission applied and closed the dossier, without the step.
    expect(moved).toBe(1);
    expect(await getMember(stack, 'PH2')).toMatchObject({ status: 'probationary', cellId: 'C1' });
    expect(await getDossier(stack, 'DH2')).toMatchObject({ status: 'admitted', step: 'received' });
    expect(await listWaiting(stores.redrive)).toEqual([]);
    // Act: the discarded step is sent again after all — too late now.
    const again = await redriveRejected(stores.redrive, stores.ingestQueue, [rejected[0]!.id]);
    await stack.settle();
    // Assess: it is refused `dossier-closed` (its dossier was closed by the admission), still kept.
    expect(again).toMatchObject({ redriven: [rejected[0]!.id], unknown: [], failed: [] });
    expect((await stores.redrive.listRejected()).filter((r) => r.eventId === step.id).map((r) => r.reason)).toEqual(['dossier-closed']);
  });

  it('keeps a discarded event about the applicant its dossier names, and erasing her forgets it', async () => {
    // Prepare: a step that names only its dossier, and an admission of MH6 from applicant
    // PH6's dossier, each waiting for its dossier until the DLQ; then both dossiers come.
    const step = validEvent('dossier.stepCompleted', { data: { dossierId: 'DH5', step: 'processing', on: '2021-01-11' } });
    const admitted = validEvent('member.admitted', { data: { memberId: 'MH6', orgId: 'C1', dossierId: 'DH6', admittedOn: '2021-03-02' } });
    await stack.send([step, admitted]);
    await stack.settle();
    await stack.send(
      [
        ['DH5', 'PH5'],
        ['DH6', 'PH6'],
      ].map(([dossierId, personId]) =>
        validEvent('dossier.received', { data: { dossierId, personId, orgId: 'C1', receivedOn: '2021-01-04' } }),
      ),
    );
    await stack.settle();
    const { stores } = stack;
    const discardStores = { redrive: stores.redrive, rejections: stores.ingest, holds: stores.holds, dlq: stores.deadLetterQueue };
    const discarded = await discardDeadLetters(discardStores, [step.id, admitted.id]);
    const kept = async () => (await stores.redrive.listRejected()).filter((r) => r.eventId === step.id || r.eventId === admitted.id);
    expect(discarded).toMatchObject({ outcome: 'discarded' });
    expect((await kept()).map((r) => r.reason)).toEqual(['discarded', 'discarded']);
    // Act: each applicant's personal data is erased.
    const erased = [
      await erasePerson(stores.personData, 'PH5', { force: false }),
      await erasePerson(stores.personData, 'PH6', { force: false }),
    ];
    // Assess: each erasure forgot the discarded event about her; nothing of them is kept.
    expect(erased.map((e) => e.rejectedForgotten)).toEqual([1, 1]);
    expect(await kept()).toEqual([]);
  });

  it('counts a parked event before it is sent: a send that fails leaves the hold counting it, never a hold that looks empty', async () => {
    // Prepare: group PH3 held; a dead-letter queue that refuses every message.
    const { stores } = stack;
    await holdBehindCorrection(stores.holds, 'PH3', 'held-3');
    const refusing = createDynamoGroupHolds({
      documentClient: stack.clients.documentClient,
      tableName: stack.env.RECORDS_TABLE_NAME!,
      vault: stores.vault,
      deadLetterQueue: { send: async () => [{ ok: false, message: 'injected: the queue is unreachable' }] },
    });
    const parked = validEvent('member.evaluated', { data: { memberId: 'PH3' } });
    // Act
    const park = refusing.park('PH3', JSON.stringify(parked), 'CITY', ['person:PH3']);
    // Assess: the park failed (the message stays on the ingest queue, to be parked again), and
    // the hold counts it: a re-send of the held event by its producer does not end the hold.
    await expect(park).rejects.toThrow('injected');
    expect((await stores.holds.list()).find((h) => h.group === 'PH3')).toMatchObject({ parked: 1 });
  });

  it('keeps each record a held group touches once, however many events are parked behind it', async () => {
    // Prepare: group PH4 held behind a correction of PH4.
    const { stores } = stack;
    await holdBehindCorrection(stores.holds, 'PH4', 'held-4');
    // Act: three events about PH4 parked, one of them about a dossier as well.
    for (const touches of [['person:PH4'], ['person:PH4', 'dossier:DH4'], ['person:PH4']]) {
      await stores.holds.park('PH4', JSON.stringify(validEvent('member.evaluated', { data: { memberId: 'PH4' } })), 'CITY', touches);
    }
    // Assess: the chain names each record once (the item cannot grow past DynamoDB's limit).
    const held = (await stores.holds.list()).find((h) => h.group === 'PH4');
    expect(held).toMatchObject({ parked: 3 });
    expect([...held!.chain.touches].sort()).toEqual(['dossier:DH4', 'person:PH4']);
  });
});

/** Holds `person`'s group behind a correction of them (`eventId`) that waits for the member. */
function holdBehindCorrection(holds: GroupHolds, person: string, eventId: string): Promise<void> {
  return holds.hold({
    group: person,
    heldKey: `csdl-dang-vien/${eventId}`,
    heldEventId: eventId,
    reason: 'missing-member',
    since: new Date().toISOString(),
    chain: { waitsFor: { reason: 'missing-member', records: [`person:${person}`] }, touches: [`person:${person}`] },
  });
}
