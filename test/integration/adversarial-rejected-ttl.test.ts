// Rejected events expire (docs/security.md "What expires"): a flood of rejections must not
// be kept for ever, and DynamoDB Local never deletes an expired item, so every read of them
// ignores the expired ones itself — the operator's list, the redrive, `status`, the cap of
// bodies per person — while an erasure still reaches them as long as they are in the table.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rejectedKey, rejectedLinkKey } from '../../shared/data/keys.js';
import { RETENTION_DAYS } from '../../shared/data/retention.js';
import type { RejectedEvent } from '../../shared/use-cases/ingest-event/port.js';
import { erasePerson, showPerson } from '../../shared/use-cases/person-data/index.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const DAY_MS = 86_400_000;

/** A rejected event about `personId` from `senderId`, rejected `daysAgo` days ago, with a body. */
const rejectedAbout = (id: string, personId: string, daysAgo: number): RejectedEvent => ({
  id,
  reason: 'schema',
  message: 'a test rejection',
  body: JSON.stringify({ id, about: personId }),
  key: `csdl-x/${id}`,
  source: 'csdl-x',
  eventId: id,
  senderId: 'AROAX',
  rejectedAt: new Date(Date.now() - daysAgo * DAY_MS).toISOString(),
  personId,
  linkedPersonIds: ['P-LINKED'],
});

describe('rejected events expire', () => {
  let stack: TestStack;
  const item = async (key: { pk: string; sk: string }) =>
    (await stack.clients.documentClient.send(new GetCommand({ TableName: stack.env.RECORDS_TABLE_NAME!, Key: key, ConsistentRead: true })))
      .Item;

  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
    // Prepare: one rejection past its time, one fresh, about the same person
    await stack.stores.ingest.storeRejected(rejectedAbout('old', 'P-1', RETENTION_DAYS.rejected + 1));
    await stack.stores.ingest.storeRejected(rejectedAbout('new', 'P-1', 1));
  });
  afterAll(() => stack?.stop());

  it('each rejected item and its link carry expiresAt, a month after the rejection', async () => {
    // Act
    const fresh = await item(rejectedKey('new'));
    const link = await item(rejectedLinkKey('new', 'P-LINKED'));

    // Assess
    const expected = Math.floor((Date.now() - DAY_MS) / 1000) + RETENTION_DAYS.rejected * 86_400;
    expect(Math.abs(Number(fresh?.expiresAt) - expected)).toBeLessThan(120);
    expect(link?.expiresAt).toBe(fresh?.expiresAt);
  });

  it('the operator’s list, the redrive’s and the cap of bodies per person ignore the expired one', async () => {
    // Act
    const listed = (await stack.stores.redrive.listRejected()).map((r) => r.id);
    const counted = await stack.stores.ingest.rejectedBodiesAbout('P-1', 'AROAX', 100);

    // Assess
    expect(listed).toEqual(['new']);
    expect(counted).toBe(1);
  });

  it('`person show` leaves it out; `person erase` still deletes it and its link while it is in the table', async () => {
    // Act
    const shown = await showPerson(stack.stores.personData, 'P-1');
    const erased = await erasePerson(stack.stores.personData, 'P-1', { force: false });

    // Assess
    expect(shown.rejected.map((r) => r.id)).toEqual(['new']);
    expect(erased.rejectedForgotten).toBe(2);
    expect(await item(rejectedKey('old'))).toBeUndefined();
    expect(await item(rejectedLinkKey('old', 'P-LINKED'))).toBeUndefined();
  });
});

describe('rejected bodies kept, counted', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
  });
  afterAll(() => stack?.stop());

  it('the same failing event sent again holds one place, and a redrive gives it back', async () => {
    // Prepare
    const again = (daysAgo: number) => ({ ...rejectedAbout('same', 'P-2', daysAgo), linkedPersonIds: [] });

    // Act
    for (const daysAgo of [3, 2, 1]) await stack.stores.ingest.storeRejected(again(daysAgo));
    await stack.stores.ingest.storeRejected({ ...rejectedAbout('other', 'P-3', 1), linkedPersonIds: [] });
    const heldBefore = await stack.stores.ingest.countRejectedKept('AROAX');
    const stored = (await stack.stores.redrive.listRejected()).find((r) => r.id === 'same')!;
    await stack.stores.redrive.deleteRejected(stored);
    const heldAfter = await stack.stores.ingest.countRejectedKept('AROAX');

    // Assess
    expect([heldBefore, heldAfter]).toEqual([2, 1]);
  });
});
