// data: the AWS SDK clients of one process, built from what its composition root says
// (region, and locally the emulators' endpoints and credentials) and handed to the
// stores. Nothing here reads the environment.
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

/** One service's client settings: the region, and where and as whom when it is not AWS itself. */
export interface ClientOptions {
  region: string;
  endpoint?: string;
  credentials?: AwsClientsOptions['credentials'];
}

/**
 * The DynamoDB clients: the low-level one and the document client on it. Apart from the
 * others, so that a Lambda bundles only the clients it uses.
 * @example
 * const { documentClient } = createDynamoClients({ region: 'ap-southeast-1' });
 */
export function createDynamoClients({ region, endpoint, credentials }: ClientOptions): Pick<AwsClients, 'dynamo' | 'documentClient'> {
  const dynamo = new DynamoDBClient({ region, endpoint, credentials });
  return { dynamo, documentClient: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }) };
}

/**
 * The SQS client. fauxqs answers with queue URLs on a `*.localhost` host that does not
 * resolve, so an endpoint, when given, is always used instead of the URL's.
 */
export function createSqsClient({ region, endpoint, credentials }: ClientOptions): SQSClient {
  return new SQSClient({ region, endpoint, credentials, useQueueUrlAsEndpoint: endpoint ? false : undefined });
}

export function createSnsClient({ region, endpoint, credentials }: ClientOptions): SNSClient {
  return new SNSClient({ region, endpoint, credentials });
}

/**
 * Every client of one process, each made on first use (the local stack, the CLI, tests).
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
  let dynamo: Pick<AwsClients, 'dynamo' | 'documentClient'> | undefined;
  let sqs: SQSClient | undefined;
  let sns: SNSClient | undefined;
  const dynamoClients = () => {
    dynamo ??= createDynamoClients({ region, endpoint: endpoints.dynamodb, credentials });
    return dynamo;
  };
  return {
    get dynamo() {
      return dynamoClients().dynamo;
    },
    get documentClient() {
      return dynamoClients().documentClient;
    },
    get sqs() {
      sqs ??= createSqsClient({ region, endpoint: endpoints.sqs, credentials });
      return sqs;
    },
    get sns() {
      sns ??= createSnsClient({ region, endpoint: endpoints.sns, credentials });
      return sns;
    },
  };
}
