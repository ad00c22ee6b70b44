// cli: which stack a command talks to. By default the local one whose data directory
// is `--data DIR`, `$DANGVIEN_DATA` or `.local/`; with `--stack-outputs FILE` (from
// `cdk deploy --outputs-file FILE`) the deployed one, with the usual AWS credentials.
// connect.ts builds the clients and stores of the stack a target names.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENDPOINTS_FILE, type LocalEndpoints } from '../local/endpoints.js';
import { UsageError } from './errors.js';

export interface Target {
  kind: 'local' | 'aws';
  /** What the stack's functions are configured with: table names, queue URLs, topic, key, digest orgs. */
  env: Record<string, string>;
  /** The local HTTP API (for waiting until the local stack has settled). */
  apiUrl?: string;
  /** The local stack's emulators. */
  endpoints?: { dynamodbEndpoint: string; sqsEndpoint: string };
  /** The deployed stack's region (else the SDK's own: AWS_REGION, the profile). */
  region?: string;
}

export function resolveTarget(opts: { data?: string; stackOutputs?: string }): Target {
  if (opts.stackOutputs) {
    const raw = JSON.parse(readFileSync(opts.stackOutputs, 'utf8')) as Record<string, Record<string, string>>;
    const outputs = Object.values(raw)[0] ?? {};
    const env = {
      RECORDS_TABLE_NAME: outputs.RecordsTableName ?? '',
      FIGURES_TABLE_NAME: outputs.FiguresTableName ?? '',
      INGEST_QUEUE_URL: outputs.IngestQueueUrl ?? '',
      INGEST_DLQ_URL: outputs.DlqUrl ?? '',
      NOTIFICATIONS_TOPIC_ARN: outputs.NotificationsTopicArn ?? '',
      FIGURES_FUNCTION_NAME: outputs.FiguresFunctionName ?? '',
      REMINDER_DIGEST_ORGS: outputs.ReminderDigestOrgs ?? '',
      PERSONAL_DATA_KEY_ARN: outputs.PersonalDataKeyArn ?? '',
    };
    return { kind: 'aws', env, ...(outputs.Region ? { region: outputs.Region } : {}) };
  }
  const dataDir = resolve(opts.data ?? process.env.DANGVIEN_DATA ?? '.local');
  const file = join(dataDir, ENDPOINTS_FILE);
  if (!existsSync(file)) {
    throw new UsageError(
      `no local stack is running with data in ${dataDir}: start one with \`npm start\` (or pass --data DIR / --stack-outputs FILE)`,
    );
  }
  const endpoints = JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints;
  return {
    kind: 'local',
    env: endpoints.env,
    apiUrl: endpoints.apiUrl,
    endpoints: { dynamodbEndpoint: endpoints.dynamodbEndpoint, sqsEndpoint: endpoints.sqsEndpoint },
  };
}
