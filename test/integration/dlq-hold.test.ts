// A message group held behind its event in the dead-letter queue (domain/ingest/hold.ts,
// docs/architecture.md): on the emulators, queue → ingest → DLQ → redrive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listWaiting, redriveDlq } from '../../shared/use-cases/redrive/index.js';
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
    expect((await listWaiting(stack.stores.redrive)).map((w) => [w.eventId, w.reason])).toEqual(
      expect.arrayContaining([
        [step.id, 'missing-dossier'],
        [admitted.id, 'held'],
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
});
