// data: the AWS SDK clients of one process, built from what its composition root says
// (region, and locally the emulators' endpoints and credentials) and handed to the
// stores. Nothing here reads the environment; each client is made on first use.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface AwsClients {
  /** The low-level DynamoDB client (tables, streams metadata). */
  readonly dynamo: DynamoDBClient;
  /** The document client on `dynamo`: plain JS objects in and out, `undefined` fields dropped. */
  readonly documentClient: DynamoDBDocumentClient;
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
}

export interface AwsClientsOptions {
  region: string;
  /** Where each service answers when it is not AWS's own endpoint (locally: the emulators). */
  endpoints?: { dynamodb?: string; sqs?: string; sns?: string };
  /** Fixed credentials (the emulators take any); absent: the SDK's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/**
 * The clients of one process. fauxqs answers with queue URLs on a `*.localhost` host that
 * does not resolve, so an SQS endpoint, when given, is always used instead of the URL's.
 * @example
 * const clients = createAwsClients({ region: 'ap-southeast-1' });
 * const local = createAwsClients({
 *   region: 'ap-southeast-1',
 *   endpoints: { dynamodb: 'http://127.0.0.1:8000', sqs: 'http://127.0.0.1:4566', sns: 'http://127.0.0.1:4566' },
 *   credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
 * });
 */
export function createAwsClients(opts: AwsClientsOptions): AwsClients {
  const { region, endpoints = {}, credentials } = opts;
  let dynamo: DynamoDBClient | undefined;
  let documentClient: DynamoDBDocumentClient | undefined;
  let sqs: SQSClient | undefined;
  let sns: SNSClient | undefined;
  return {
    get dynamo() {
      dynamo ??= new DynamoDBClient({ region, endpoint: endpoints.dynamodb, credentials });
      return dynamo;
    },
    get documentClient() {
      documentClient ??= DynamoDBDocumentClient.from(this.dynamo, { marshallOptions: { removeUndefinedValues: true } });
      return documentClient;
    },
    get sqs() {
      sqs ??= new SQSClient({ region, endpoint: endpoints.sqs, credentials, useQueueUrlAsEndpoint: endpoints.sqs ? false : undefined });
      return sqs;
    },
    get sns() {
      sns ??= new SNSClient({ region, endpoint: endpoints.sns, credentials });
      return sns;
    },
  };
}
