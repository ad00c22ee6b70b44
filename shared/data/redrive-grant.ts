// data: an operator's redrive keeps the identity of the producer that first sent the
// event (docs/security.md). The operator's CLI writes a grant — item REDRIVE/<token> holding
// the first sender and a keyed digest of the body — and sends the body with the token as a
// message attribute; the ingest loads the grant from its own table and, when it vouches
// for that very body, processes the message as the recorded sender. The first message
// served marks the grant used by its SQS message id (`usedBy`): a redelivery of that
// message is served again, another message under the same token never. Producers cannot
// write the table, so a token they make up or copy gets them nothing.
//
// The digest is an HMAC under a key of the vault's master secret (personal-vault.ts
// purposeKey), never a plain hash: a body holds a profile, whose few small fields a plain
// hash would let anyone who reads the table or a backup recover by guessing. A grant
// expires with the message it was written for (retention.ts); a dlq redrive deletes the
// grant of a message it re-sends under a new one.
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RedriveGrant } from '../use-cases/ingest-event/port.js';
import { redriveGrantKey, stripStorage } from './keys.js';
import type { PersonalVault } from './personal-vault.js';
import type { RecordsTable } from './records-table.js';
import { expiresAtOf, isLive, RETENTION_DAYS } from './retention.js';

/** The Records table and the vault whose master keys the digests. */
export type GrantsTable = RecordsTable & { vault: PersonalVault };

/**
 * What a grant vouches for: the HMAC-SHA-256 of the body as sent, under the master's key
 * for redrive grants. The one place a grant's digest is made: re-point it here (another
 * key, a key version) and every grant follows.
 */
export async function grantDigest(vault: PersonalVault, body: string): Promise<string> {
  return createHmac('sha256', await vault.purposeKey('redrive-grant'))
    .update(body)
    .digest('hex');
}

/** Records that `body` is re-sent for `senderId`; answers the token the message must carry. */
export async function grantRedrive({ documentClient, tableName, vault }: GrantsTable, senderId: string, body: string): Promise<string> {
  const now = new Date();
  const grant: RedriveGrant = {
    token: randomUUID(),
    senderId,
    bodyDigest: await grantDigest(vault, body),
    createdAt: now.toISOString(),
    expiresAt: expiresAtOf(now, RETENTION_DAYS.grant),
  };
  await documentClient.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...grant, ...redriveGrantKey(grant.token), entity: 'redrive' },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return grant.token;
}

/**
 * The grant of `token` when it is still kept and vouches for this very `body`, read
 * consistently; undefined otherwise (none, expired, or for another body — a grant
 * written before digests were keyed vouches for nothing). With `messageId`, also
 * undefined when another message used it.
 */
export async function findRedriveGrant(
  table: GrantsTable,
  token: string,
  body: string,
  messageId?: string,
): Promise<RedriveGrant | undefined> {
  const out = await table.documentClient.send(
    new GetCommand({ TableName: table.tableName, Key: redriveGrantKey(token), ConsistentRead: true }),
  );
  if (!out.Item || !isLive(out.Item)) return undefined;
  const grant = stripStorage<RedriveGrant>(out.Item);
  if (typeof grant.bodyDigest !== 'string') return undefined;
  if (messageId !== undefined && grant.usedBy !== undefined && grant.usedBy !== messageId) return undefined;
  const expected = Buffer.from(await grantDigest(table.vault, body), 'hex');
  const stored = Buffer.from(grant.bodyDigest, 'hex');
  return stored.length === expected.length && timingSafeEqual(stored, expected) ? grant : undefined;
}

/**
 * Marks the grant of `token` used by the message `messageId`, in one conditional write:
 * of two messages under one token, one only gets it. False when another message has it,
 * or the grant is gone. It stays until it expires, for the redeliveries of that message.
 */
export async function useRedriveGrant({ documentClient, tableName }: RecordsTable, token: string, messageId: string): Promise<boolean> {
  try {
    await documentClient.send(
      new UpdateCommand({
        TableName: tableName,
        Key: redriveGrantKey(token),
        UpdateExpression: 'SET usedBy = :m',
        ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(usedBy) OR usedBy = :m)',
        ExpressionAttributeValues: { ':m': messageId },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Deletes a grant: a dlq redrive re-sent its message under another. */
export async function deleteRedriveGrant({ documentClient, tableName }: RecordsTable, token: string): Promise<void> {
  await documentClient.send(new DeleteCommand({ TableName: tableName, Key: redriveGrantKey(token) }));
}
