// Redrive grants on DynamoDB Local (docs/security.md "Redrives keep the first sender"): a
// grant vouches for one body through a keyed digest — nothing in the table can be checked
// against a guessed body — expires with its message, and serves the one message that used it.
import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redriveGrantKey } from '../../shared/data/keys.js';
import { redriveRejected } from '../../shared/use-cases/redrive/index.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { partition } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

describe('redrive grants in the Records table', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
    await stack.send(baseOrgs());
    await stack.settle();
  }, 60_000);
  afterAll(async () => stack?.stop());

  it('keeps a keyed digest of the body, never a plain hash a guess could be checked against', async () => {
    // Prepare
    const body = JSON.stringify(validEvent('member.updated', { data: { memberId: 'G1', profile: { religion: 'Công giáo' } } }));
    // Act
    const token = await stack.stores.redrive.grantRedrive('AROAQ1', body);
    // Assess
    const item = (await partition(stack, 'REDRIVE')).find((i) => i.sk === token)!;
    const plain = createHash('sha256').update(body).digest('hex');
    expect(JSON.stringify(item)).not.toContain(plain);
    expect(item.expiresAt).toBeGreaterThan(Date.now() / 1000 + 14 * 86_400);
    expect(await stack.stores.ingest.redriveGrantFor(token, body, 'm-1')).toMatchObject({ senderId: 'AROAQ1' });
    expect(await stack.stores.ingest.redriveGrantFor(token, `${body} `, 'm-1')).toBeUndefined();
  });

  it('vouches for nothing once expired, though DynamoDB Local never deletes it', async () => {
    // Prepare
    const body = JSON.stringify(validEvent('member.updated', { data: { memberId: 'G2' } }));
    const token = await stack.stores.redrive.grantRedrive('AROAQ1', body);
    // Act
    await stack.clients.documentClient.send(
      new UpdateCommand({
        TableName: stack.env.RECORDS_TABLE_NAME,
        Key: redriveGrantKey(token),
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
      }),
    );
    // Assess
    expect(await stack.stores.ingest.redriveGrantFor(token, body, 'm-2')).toBeUndefined();
    expect(await stack.stores.redrive.grantedSender(token, body)).toBeUndefined();
  });

  it('is kept once the ingest is done with its message, marked used by it, and serves no other message', async () => {
    // Prepare: a rejected event (its member does not exist as probationary)
    const before = (await partition(stack, 'REDRIVE')).map((i) => i.sk);
    const bad = validEvent('member.recognized', { data: { memberId: 'NOT-PROBATIONARY' } });
    await stack.send([validEvent('member.imported', { data: { memberId: 'NOT-PROBATIONARY', status: 'official' } }), bad]);
    await stack.settle();
    const rejection = (await stack.stores.redrive.listRejected()).find((r) => r.eventId === bad.id)!;
    // Act
    await redriveRejected(stack.stores.redrive, stack.stores.ingestQueue, [rejection.id]);
    await stack.settle();
    // Assess: rejected again, once, as its first sender; its grant kept and used by one message
    const again = (await stack.stores.redrive.listRejected()).filter((r) => r.eventId === bad.id);
    expect(again.map((r) => [r.senderId, r.reason])).toEqual([[rejection.senderId, rejection.reason]]);
    const grants = (await partition(stack, 'REDRIVE')).filter((i) => !before.includes(i.sk));
    expect(grants).toHaveLength(1);
    const [token, usedBy] = [String(grants[0]!.sk), String(grants[0]!.usedBy)];
    expect(await stack.stores.ingest.redriveGrantFor(token, rejection.body, usedBy)).toMatchObject({ senderId: rejection.senderId });
    expect(await stack.stores.ingest.redriveGrantFor(token, rejection.body, 'another-message')).toBeUndefined();
  });
});
