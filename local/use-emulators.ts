// local: how a process reaches the emulators. Kept apart from the emulators themselves so
// that the CLI can talk to a running stack without loading fauxqs or DynamoDB Local
// (devDependencies).
import { createAwsClients, type AwsClients } from '../shared/data/aws-clients.js';

/** The one region the local stack uses. */
export const LOCAL_REGION = 'ap-southeast-1';

/** The emulators take any credentials. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** The AWS SDK clients of the emulators at these endpoints (SNS is fauxqs too). */
export function emulatorClients(e: { dynamodbEndpoint: string; sqsEndpoint: string }): AwsClients {
  return createAwsClients({
    region: LOCAL_REGION,
    endpoints: { dynamodb: e.dynamodbEndpoint, sqs: e.sqsEndpoint, sns: e.sqsEndpoint },
    credentials: LOCAL_CREDENTIALS,
  });
}

/**
 * The environment a process would need to reach the emulators through the SDK's standard
 * variables (a deployed function's composition root reads them: functions/<name>/environment.ts).
 */
export function emulatorEnvironment(e: { dynamodbEndpoint: string; sqsEndpoint: string }): Record<string, string> {
  return {
    AWS_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: e.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: e.sqsEndpoint,
    AWS_ENDPOINT_URL_SNS: e.sqsEndpoint,
  };
}
