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
  /**
   * `REMINDER_DIGEST_ORGS`: the orgs the reminders job sends a digest for, a JSON array
   * of org ids (CDK writes it from the subscriptions file), or `roots` (the local stack
   * without one). Unset or empty: no digest.
   */
  digestOrgs: (): readonly string[] | 'roots' => parseDigestOrgs(process.env.REMINDER_DIGEST_ORGS),
};

/** The value of `REMINDER_DIGEST_ORGS`; throws on anything but the forms above, never guesses. */
export function parseDigestOrgs(value: string | undefined): readonly string[] | 'roots' {
  const text = value?.trim() ?? '';
  if (text === '') return [];
  if (text === 'roots') return 'roots';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || !parsed.every((id) => typeof id === 'string' && id !== '')) {
    throw new Error('REMINDER_DIGEST_ORGS must be a JSON array of org ids or "roots"');
  }
  return parsed as string[];
}
