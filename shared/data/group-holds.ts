// data: message groups held behind an event in the dead-letter queue (domain/ingest/hold.ts,
// docs/architecture.md). The hold is one item, HOLD/<group>: the held event, why it waited,
// the records its chain touches (a string set, each once) and how many events were parked. A parked event goes to
// the dead-letter queue itself, behind the held one in the same FIFO group, under a redrive
// grant for its sender (redrive-grant.ts): `dangvien dlq redrive` brings the whole group
// back in order, each event applied as its producer's. The hold expires with the message it
// is about (retention.ts).
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { EventQueue } from '../use-cases/event-queue.js';
import type { GroupHolds, HeldGroup } from '../use-cases/ingest-event/port.js';
import { queryAll } from './dynamo-toolkit.js';
import { holdKey, stripStorage } from './keys.js';
import { grantRedrive, type GrantsTable } from './redrive-grant.js';
import { expiresAtOf, isLive, RETENTION_DAYS } from './retention.js';

/** The holds of the Records table; `deadLetterQueue` is where parked events go. */
export function createDynamoGroupHolds(table: GrantsTable & { deadLetterQueue: EventQueue }): GroupHolds {
  const { documentClient, tableName } = table;
  const read = (item: Record<string, unknown>): HeldGroup => {
    const { touches, ...rest } = stripStorage<StoredHold>(item);
    // A hold written before the set kept its touches as a list in the chain.
    const touched = new Set([...(rest.chain.touches ?? []), ...(touches ?? [])]);
    return { ...rest, chain: { ...rest.chain, touches: [...touched] } };
  };
  return {
    async hold(hold) {
      const now = new Date();
      try {
        await documentClient.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...hold,
              chain: { waitsFor: hold.chain.waitsFor },
              ...touchesSet(hold.chain.touches),
              parked: 0,
              ...holdKey(hold.group),
              entity: 'hold',
              expiresAt: expiresAtOf(now, RETENTION_DAYS.hold),
            },
            // A live hold stays behind its first event; an expired one (DynamoDB Local never deletes it) is replaced.
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt < :now',
            ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    },
    async park(group, body, senderId, touches) {
      // Counted first: a crash before the send leaves a hold counting one event too many
      // (its producer's re-send of the held event then keeps the hold: safe), never an
      // event in the dead-letter queue that the hold does not count (a re-send would end
      // the hold, and the parked event be overtaken).
      await documentClient.send(
        new UpdateCommand({
          TableName: tableName,
          Key: holdKey(group),
          // A string set: each record once, however many events are parked (the item stays small).
          UpdateExpression: touches.length > 0 ? 'ADD parked :one, touches :t' : 'ADD parked :one',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ...(touches.length > 0 ? { ':t': new Set(touches) } : {}) },
        }),
      );
      const token = await grantRedrive(table, senderId, body);
      const [sent] = await table.deadLetterQueue.send([{ body, redrive: token, person: group }]);
      if (!sent?.ok) throw new Error(`the dead-letter queue refused a held event: ${sent && !sent.ok ? sent.message : 'not sent'}`);
    },
    async release(group, heldKey) {
      try {
        await documentClient.send(
          new DeleteCommand({
            TableName: tableName,
            Key: holdKey(group),
            ConditionExpression: 'heldKey = :k',
            ExpressionAttributeValues: { ':k': heldKey },
          }),
        );
        return true;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        return false;
      }
    },
    async list() {
      const { items } = await queryAll(documentClient, {
        TableName: tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'HOLD' },
        ConsistentRead: true,
      });
      return items.filter((item) => isLive(item)).map(read);
    },
  };
}

/**
 * A hold as stored: what its chain touches is the top-level string set `touches` (ADD
 * reaches top-level attributes only), the chain keeps what the held event waits for.
 */
type StoredHold = Omit<HeldGroup, 'chain'> & {
  chain: { waitsFor: HeldGroup['chain']['waitsFor']; touches?: string[] };
  touches?: Set<string>;
};

/** `touches` as the item's string set (DynamoDB has no empty set: absent then). */
const touchesSet = (touches: readonly string[]) => (touches.length > 0 ? { touches: new Set(touches) } : {});
