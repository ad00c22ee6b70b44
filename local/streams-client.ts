// local: the DynamoDB Streams client of the local stream runner. Only local/ reads the
// stream itself (in AWS, Lambda's event source mapping does), so the client is not among
// the shared clients the Lambdas and the CLI load.
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';

/** A streams client for the emulator this process points at (AWS_ENDPOINT_URL_DYNAMODB). */
export function localStreamsClient(): DynamoDBStreamsClient {
  const region = process.env.AWS_REGION ?? 'ap-southeast-1';
  return new DynamoDBStreamsClient({
    region,
    endpoint: process.env.AWS_ENDPOINT_URL_DYNAMODBSTREAMS ?? process.env.AWS_ENDPOINT_URL_DYNAMODB,
  });
}
