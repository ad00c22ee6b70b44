// data: an operator's redrive keeps the identity of the producer that first sent the
// event (docs/security.md). The operator's CLI writes a grant — item REDRIVE/<token> holding
// the first sender and the hash of the body — and sends the body with the token as a
// message attribute; the ingest loads the grant from its own table and, when it vouches
// for that very body, processes the message as the recorded sender. Producers cannot
// write the table, so a token they make up or copy gets them nothing: without a grant,
// or for another body, a message is what its real SenderId may send.
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { bodyHash } from '../domain/ingest/idempotency.js';
import type { RedriveGrant } from '../use-cases/ingest-event/port.js';
import { redriveGrantKey, stripStorage } from './keys.js';
import type { RecordsTable } from './records-table.js';

/** Records that `body` is re-sent for `senderId`; answers the token the message must carry. */
export async function grantRedrive({ documentClient, tableName }: RecordsTable, senderId: string, body: string): Promise<string> {
  const grant: RedriveGrant = { token: randomUUID(), senderId, bodyHash: bodyHash(body), createdAt: new Date().toISOString() };
  await documentClient.send(
    new PutCommand({
      TableName: tableName,
      Item: { ...grant, ...redriveGrantKey(grant.token), entity: 'redrive' },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return grant.token;
}

/** The redrive grant of `token`, read consistently; undefined when there is none. */
export async function findRedriveGrant({ documentClient, tableName }: RecordsTable, token: string): Promise<RedriveGrant | undefined> {
  const out = await documentClient.send(new GetCommand({ TableName: tableName, Key: redriveGrantKey(token), ConsistentRead: true }));
  return out.Item ? stripStorage<RedriveGrant>(out.Item) : undefined;
}
