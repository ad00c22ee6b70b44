// local: the two emulators on loopback. DynamoDB Local runs as a java child process,
// fauxqs (SQS and SNS) in this process.
import { buildApp } from 'fauxqs';
import { join } from 'node:path';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { freePort } from './ports.js';

export interface Emulators {
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  stop(): Promise<void>;
}

/** Starts both; `dataDir` keeps DynamoDB's data on disk, otherwise it is in memory. */
export async function startEmulators(opts: { dataDir?: string; dynamoPort?: number; sqsPort?: number } = {}): Promise<Emulators> {
  const dynamoPort = opts.dynamoPort ?? (await freePort());
  const sqsPort = opts.sqsPort ?? (await freePort());
  // fauxqs's own starter binds 0.0.0.0; building the app ourselves keeps it on loopback.
  const fauxqs = buildApp({ logger: false, defaultRegion: process.env.AWS_REGION ?? 'ap-southeast-1' });
  const [dynamo] = await Promise.all([
    startDynamoDbLocal({ port: dynamoPort, dbPath: opts.dataDir ? join(opts.dataDir, 'dynamodb') : undefined }),
    fauxqs.listen({ host: '127.0.0.1', port: sqsPort }),
  ]);
  return {
    dynamodbEndpoint: dynamo.endpoint,
    sqsEndpoint: `http://127.0.0.1:${sqsPort}`,
    async stop() {
      await Promise.allSettled([dynamo.stop(), fauxqs.close()]);
    },
  };
}

/** Points this process's AWS SDK clients at the emulators (fake credentials, one region). */
export function useEmulators(e: { dynamodbEndpoint: string; sqsEndpoint: string }): void {
  process.env.AWS_REGION ??= 'ap-southeast-1';
  // Node 20 is this project's local runtime by choice; the SDK's notice about 2027 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // No CloudWatch here to read EMF metrics: they would only fill the console.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_ENDPOINT_URL_DYNAMODB = e.dynamodbEndpoint;
  process.env.AWS_ENDPOINT_URL_SQS = e.sqsEndpoint;
  process.env.AWS_ENDPOINT_URL_SNS = e.sqsEndpoint;
}
