// local: the DynamoDB Streams client of the local stream runner. Only local/ reads the
// stream itself (in AWS, Lambda's event source mapping does), so the client is not among
// the clients the Lambdas and the CLI build.
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './use-emulators.js';

/** A streams client for DynamoDB Local at `endpoint`. */
export function localStreamsClient(endpoint: string): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({ region: LOCAL_REGION, endpoint, credentials: LOCAL_CREDENTIALS });
}
