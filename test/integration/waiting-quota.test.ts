// The notes behind the quota of waiting events on DynamoDB Local (docs/security.md
// "Quotas"): a note expires with the message it is about, and an expired one — which
// DynamoDB Local never deletes, and DynamoDB only within days — is neither counted against
// its producer nor listed to the operator; nor is a quota reached more than a day ago.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deferredKey, quotaReachedKey } from '../../shared/data/keys.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

describe('waiting notes and reached quotas in the Records table', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
  }, 60_000);
  afterAll(async () => stack?.stop());

  const expire = (key: Record<string, string>) =>
    stack.clients.documentClient.send(
      new UpdateCommand({
        TableName: stack.env.RECORDS_TABLE_NAME,
        Key: key,
        UpdateExpression: 'SET expiresAt = :past',
        ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 60 },
      }),
    );

  it('counts and lists a waiting event until its note expires, then neither', async () => {
    // Prepare: AIDAEXPIRE waits with two events
    const note = (eventId: string) => ({ id: `csdl-q1/${eventId}@AIDAEXPIRE`, eventId, source: 'csdl-q1', senderId: 'AIDAEXPIRE' });
    const [kept, old] = [note('kept-1'), note('old-1')];
    for (const w of [kept, old]) await stack.stores.ingest.storeDeferred(w, 'missing-member', 'member M1 does not exist');
    const before = await stack.stores.ingest.countWaiting('AIDAEXPIRE');
    // Act
    await expire(deferredKey(old));
    // Assess
    expect(before).toBe(2);
    expect(await stack.stores.ingest.countWaiting('AIDAEXPIRE')).toBe(1);
    expect(await stack.stores.ingest.isDeferred(old)).toBe(false);
    const listed = (await stack.stores.redrive.listDeferred()).filter((w) => w.senderId === 'AIDAEXPIRE');
    expect(listed.map((w) => w.eventId)).toEqual(['kept-1']);
  });

  it('shows a reached quota for a day, the latest time standing', async () => {
    // Prepare
    const reached = { senderId: 'AIDAQUOTA', kind: 'waiting' as const, limit: 3 };
    await stack.stores.ingest.noteQuotaReached({ ...reached, at: '2026-12-06T08:00:00.000Z' });
    // Act
    await stack.stores.ingest.noteQuotaReached({ ...reached, at: new Date().toISOString() });
    const shown = (await stack.stores.redrive.listQuotasReached()).filter((q) => q.senderId === 'AIDAQUOTA');
    await expire(quotaReachedKey('AIDAQUOTA', 'waiting'));
    // Assess
    expect(shown).toHaveLength(1);
    expect(shown[0]?.at).not.toBe('2026-12-06T08:00:00.000Z');
    expect((await stack.stores.redrive.listQuotasReached()).filter((q) => q.senderId === 'AIDAQUOTA')).toEqual([]);
  });
});
