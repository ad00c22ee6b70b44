// cli: which stack a command talks to. By default the local one whose data directory
// is `--data DIR`, `$DANGVIEN_DATA` or `.local/`; with `--stack-outputs FILE` (from
// `cdk deploy --outputs-file FILE`) the deployed one, with the usual AWS credentials.
// connect.ts builds the clients and stores of the stack a target names.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ENDPOINTS_FILE, type LocalEndpoints } from '../local/endpoints.js';
import { StackUnreachableError, UsageError } from './errors.js';

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

/** The options every command that talks to a stack takes (cli/program.ts). */
export interface TargetOptions {
  data?: string;
  stackOutputs?: string;
}

export function resolveTarget(opts: TargetOptions): Target {
  if (opts.stackOutputs) {
    const outputs = readStackOutputs(opts.stackOutputs);
    const env = {
      RECORDS_TABLE_NAME: outputs.RecordsTableName ?? '',
      FIGURES_TABLE_NAME: outputs.FiguresTableName ?? '',
      INGEST_QUEUE_URL: outputs.IngestQueueUrl ?? '',
      INGEST_DLQ_URL: outputs.DlqUrl ?? '',
      NOTIFICATIONS_TOPIC_ARN: outputs.NotificationsTopicArn ?? '',
      FIGURES_FUNCTION_NAME: outputs.FiguresFunctionName ?? '',
      REMINDER_DIGEST_ORGS: outputs.ReminderDigestOrgs ?? '',
      PERSONAL_DATA_KEY_ARN: outputs.PersonalDataKeyArn ?? '',
      // The producer registry (`status` reads it for silent producers); absent when scoping is off.
      ...(outputs.ProducersParameterName ? { PRODUCERS_PARAMETER: outputs.ProducersParameterName } : {}),
    };
    return { kind: 'aws', env, ...(outputs.Region ? { region: outputs.Region } : {}) };
  }
  const dataDir = resolve(opts.data ?? (process.env.DANGVIEN_DATA || '.local'));
  const file = join(dataDir, ENDPOINTS_FILE);
  const endpoints = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalEndpoints) : undefined;
  // A stack that crashed leaves its endpoints file behind: its process tells.
  if (!endpoints || !isRunning(endpoints.pid)) {
    throw new StackUnreachableError(
      `no local stack is running with data in ${dataDir}: start one with \`npm start\` (or pass --data DIR / --stack-outputs FILE)`,
    );
  }
  return {
    kind: 'local',
    env: endpoints.env,
    apiUrl: endpoints.apiUrl,
    endpoints: { dynamodbEndpoint: endpoints.dynamodbEndpoint, sqsEndpoint: endpoints.sqsEndpoint },
  };
}

/** The first stack's outputs in the file `cdk deploy --outputs-file FILE` writes; UsageError when it cannot be read. */
function readStackOutputs(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --stack-outputs ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    const outputs = Object.values(JSON.parse(text) as Record<string, unknown>)[0];
    if (typeof outputs === 'object' && outputs !== null) return outputs as Record<string, string>;
  } catch {
    // said below
  }
  throw new UsageError(`--stack-outputs ${file} is not the JSON of \`cdk deploy --outputs-file\` (one object per stack)`);
}

/** Whether a process with this id exists (signal 0 only asks; EPERM: it exists, as another user's). */
function isRunning(pid: number | undefined): boolean {
  if (pid === undefined) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
