// data: the names of our resources, read when used so that tests and the local stack
// can point the same handler modules at their own tables.

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

export const config = {
  recordsTable: () => required('RECORDS_TABLE_NAME'),
  figuresTable: () => required('FIGURES_TABLE_NAME'),
  notificationsTopicArn: () => required('NOTIFICATIONS_TOPIC_ARN'),
  ingestQueueUrl: () => required('INGEST_QUEUE_URL'),
};
