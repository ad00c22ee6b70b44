// local: the two emulators on loopback. DynamoDB Local runs as a java child process,
// fauxqs (SQS and SNS) in this process. With a data directory both keep their state on
// disk: records and figures in DynamoDB Local, queued and in-flight messages in fauxqs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { startFauxqs } from './fauxqs.js';
import { freePort } from './ports.js';
import { LOCAL_REGION } from './use-emulators.js';

export interface Emulators {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  /** False when DynamoDB Local listens on every interface (startDynamoDbLocal): `npm start` warns. */
  dynamodbLoopbackOnly: boolean;
  /** What SQS tells only through CloudWatch: the age of a queue's oldest message, in seconds. */
  oldestMessageAgeSeconds(queueUrl: string): number;
  stop(): Promise<void>;
}

/** Starts both; `dataDir` keeps their data on disk, otherwise it is in memory. */
export async function startEmulators(opts: { dataDir?: string; dynamoPort?: number; sqsPort?: number } = {}): Promise<Emulators> {
  const dynamoPort = opts.dynamoPort ?? (await freePort());
  const sqsPort = opts.sqsPort ?? (await freePort());
  const sqsDir = opts.dataDir ? join(opts.dataDir, 'sqs') : undefined;
  if (sqsDir) mkdirSync(sqsDir, { recursive: true });
  const [dynamo, fauxqs] = await Promise.all([
    startDynamoDbLocal({ port: dynamoPort, dbPath: opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined }),
    startFauxqs({ port: sqsPort, dataDir: sqsDir, region: LOCAL_REGION }),
  ]);
  return {
    dynamodbEndpoint: dynamo.endpoint,
    sqsEndpoint: fauxqs.endpoint,
    dynamodbLoopbackOnly: dynamo.loopbackOnly,
    oldestMessageAgeSeconds: (queueUrl) => fauxqs.oldestMessageAgeSeconds(queueUrl),
    async stop() {
      await Promise.allSettled([dynamo.stop(), fauxqs.close()]);
    },
  };
}
