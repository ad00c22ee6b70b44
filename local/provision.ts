// local: creates our tables, queues and topic in the emulators from shared/resources.ts,
// the same definitions the CDK stack deploys. Safe to run again on existing data.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SubscribeCommand, type SNSClient } from '@aws-sdk/client-sns';
import { NOTIFICATIONS_QUEUE, QUEUES, TABLES, type QueueDef, type TableDef } from '../shared/resources.js';

export interface ProvisionedQueue {
  url: string;
  arn: string;
}

export interface Provisioned {
  tables: Record<string, string>;
  queues: Record<string, ProvisionedQueue>;
  topicArn: string;
}

/** The table or queue name for a definition: one namespace per stack (`prefix`). */
export function resourceName(prefix: string, id: string): string {
  return `${prefix}-${id}`;
}

/** Creates `name` with the keys, indexes and stream of `def` (nothing if it exists) and waits until it is active. */
export async function createTable(client: DynamoDBClient, def: TableDef, name: string): Promise<void> {
  const keys = [
    def.partitionKey,
    ...(def.sortKey ? [def.sortKey] : []),
    ...def.indexes.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])]),
  ];
  const attributeNames = [...new Set(keys.map((k) => k.name))];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributeNames.map((n) => ({ AttributeName: n, AttributeType: 'S' })),
        KeySchema: [
          { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
          ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        GlobalSecondaryIndexes: def.indexes.length
          ? def.indexes.map((i) => ({
              IndexName: i.indexName,
              KeySchema: [
                { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
                ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' as const }] : []),
              ],
              Projection: { ProjectionType: i.projection },
            }))
          : undefined,
        StreamSpecification: def.stream ? { StreamEnabled: true, StreamViewType: def.stream } : undefined,
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 100; i++) {
    const out = await client.send(new DescribeTableCommand({ TableName: name }));
    if (out.Table?.TableStatus === 'ACTIVE') return enableTimeToLive(client, def, name);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Turns on the table's TTL as deployed (DynamoDB refuses to enable it twice, so look first). */
async function enableTimeToLive(client: DynamoDBClient, def: TableDef, name: string): Promise<void> {
  if (!def.timeToLive) return;
  const now = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  if (now.TimeToLiveDescription?.TimeToLiveStatus === 'ENABLED') return;
  await client.send(
    new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: def.timeToLive, Enabled: true } }),
  );
}

async function createQueue(
  client: SQSClient,
  def: QueueDef,
  prefix: string,
  queues: Record<string, ProvisionedQueue>,
  visibilityTimeout?: number,
): Promise<ProvisionedQueue> {
  const dlq = def.deadLetterQueue ? queues[def.deadLetterQueue] : undefined;
  const attributes: Record<string, string> = { VisibilityTimeout: String(visibilityTimeout ?? def.visibilityTimeout) };
  if (def.fifo) attributes.FifoQueue = 'true';
  if (def.maxMessageSizeBytes) attributes.MaximumMessageSize = String(def.maxMessageSizeBytes);
  if (def.retentionDays) attributes.MessageRetentionPeriod = String(def.retentionDays * 86_400);
  if (dlq && def.maxReceiveCount) {
    attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: def.maxReceiveCount });
  }
  const created = await client.send(new CreateQueueCommand({ QueueName: resourceName(prefix, def.id), Attributes: attributes }));
  const url = created.QueueUrl ?? '';
  const attrs = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return { url, arn: attrs.Attributes?.QueueArn ?? '' };
}

/**
 * A queue URL on the endpoint this run of the emulator listens on. fauxqs keeps the URL a
 * queue was created with, port included, and answers it again after a restart on another
 * port; it finds a queue by its name whatever the port, but a person reads the URL.
 */
export function queueUrlOn(sqsEndpoint: string, url: string): string {
  const current = new URL(url);
  current.port = new URL(sqsEndpoint).port;
  return current.href;
}

/**
 * Creates everything for one local stack. Locally the notifications topic delivers to
 * a queue (raw messages) so that `npm start` and tests can read the reminders back.
 */
export async function provision(
  clients: { dynamo: DynamoDBClient; sqs: SQSClient; sns: SNSClient },
  prefix: string,
  /** Tests shorten the wait before a failed message comes back; AWS's rule (≥ 6 × timeout) is the default. */
  opts: { visibilityTimeout?: number } = {},
): Promise<Provisioned> {
  const tables: Record<string, string> = {};
  await Promise.all(
    TABLES.map(async (def) => {
      tables[def.id] = resourceName(prefix, def.id);
      await createTable(clients.dynamo, def, tables[def.id]!);
    }),
  );
  const queues: Record<string, ProvisionedQueue> = {};
  // Dead-letter queues first: their ARNs go into the redrive policies.
  const ordered = [...QUEUES].sort((a, b) => Number(Boolean(a.deadLetterQueue)) - Number(Boolean(b.deadLetterQueue)));
  for (const def of ordered) queues[def.id] = await createQueue(clients.sqs, def, prefix, queues, opts.visibilityTimeout);
  const topic = await clients.sns.send(new CreateTopicCommand({ Name: resourceName(prefix, 'Notifications') }));
  const topicArn = topic.TopicArn ?? '';
  await clients.sns.send(
    new SubscribeCommand({
      TopicArn: topicArn,
      Protocol: 'sqs',
      Endpoint: queues[NOTIFICATIONS_QUEUE.id]!.arn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  return { tables, queues, topicArn };
}
