// local: pointing this process's AWS SDK clients at the emulators. Kept apart from the
// emulators themselves so that the CLI can talk to a running stack without loading
// fauxqs or DynamoDB Local (devDependencies).

/** Points this process's AWS SDK clients at the emulators (fake credentials, one region). */
export function useEmulators(e: { dynamodbEndpoint: string; sqsEndpoint: string }): void {
  process.env.AWS_REGION ??= 'ap-southeast-1';
  // No CloudWatch here to read EMF metrics: they would only fill the console.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  process.env.AWS_ENDPOINT_URL_DYNAMODB = e.dynamodbEndpoint;
  process.env.AWS_ENDPOINT_URL_SQS = e.sqsEndpoint;
  process.env.AWS_ENDPOINT_URL_SNS = e.sqsEndpoint;
}
