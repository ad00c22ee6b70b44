// data: the AWS SDK clients, built once per process from the environment.
// Locally the endpoints point at the emulators on loopback; in Lambda they are unset.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

const region = () => process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'ap-southeast-1';

let dynamo: DynamoDBClient | undefined;
let doc: DynamoDBDocumentClient | undefined;
let sqs: SQSClient | undefined;
let sns: SNSClient | undefined;

/** The low-level DynamoDB client (tables, streams metadata). */
export function dynamoClient(): DynamoDBClient {
  dynamo ??= new DynamoDBClient({ region: region(), endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB });
  return dynamo;
}

/** The document client: plain JS objects in and out, `undefined` fields dropped. */
export function documentClient(): DynamoDBDocumentClient {
  doc ??= DynamoDBDocumentClient.from(dynamoClient(), {
    marshallOptions: { removeUndefinedValues: true },
  });
  return doc;
}

/**
 * fauxqs answers with queue URLs on a `*.localhost` host that does not resolve, so the
 * endpoint is always given explicitly rather than taken from the queue URL.
 */
export function sqsClient(): SQSClient {
  const endpoint = process.env.AWS_ENDPOINT_URL_SQS;
  sqs ??= new SQSClient({ region: region(), endpoint, useQueueUrlAsEndpoint: endpoint ? false : undefined });
  return sqs;
}

export function snsClient(): SNSClient {
  sns ??= new SNSClient({ region: region(), endpoint: process.env.AWS_ENDPOINT_URL_SNS });
  return sns;
}

/** Forget the clients, so that a changed environment (another local stack) takes effect. */
export function resetClients(): void {
  dynamo?.destroy();
  sqs?.destroy();
  sns?.destroy();
  dynamo = doc = sqs = sns = undefined;
}
