// wiring: what a deployment's environment variables say, read by the composition roots
// (functions/<name>/environment.ts, the CLI for a deployed stack) and by nothing else.
// Each takes the environment as an argument, so a test can hand one in.
import {
  createAwsClients,
  createDynamoClients,
  createSnsClient,
  createSqsClient,
  type AwsClients,
  type ClientOptions,
} from '../data/aws-clients.js';
import { createDynamoFiguresStore } from '../data/figures-store.js';
import { createDynamoOrgTreeReader } from '../data/org-tree.js';
import { fileMasterSecret, kmsMasterSecret, sealedDataExists, type MasterSecret } from '../data/personal-vault.js';
import type { RegistrySource } from '../data/producer-registry.js';
import type { RecordsTable } from '../data/records-table.js';
import type { ReportReader } from '../use-cases/build-report/port.js';
import type { FiguresStore } from '../use-cases/refresh-figures/port.js';
import type { DigestOrgs } from '../use-cases/run-reminders-job/index.js';

export type Environment = Readonly<Record<string, string | undefined>>;

/** The value of `name`; throws naming it when it is unset or empty. */
export function requiredEnv(env: Environment, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/** The region: `AWS_REGION` (Lambda sets it), else `AWS_DEFAULT_REGION`, else the project's. */
export const regionFrom = (env: Environment): string => env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'ap-southeast-1';

/**
 * The settings of one service's client the environment describes: its region, the
 * `AWS_ENDPOINT_URL_<SERVICE>` endpoint when set (the emulators), and its credentials
 * when it holds them (as the SDK's own environment provider would read them); otherwise
 * the SDK's default chain.
 */
function clientOptionsFrom(env: Environment, service: 'DYNAMODB' | 'SQS' | 'SNS'): ClientOptions {
  const credentials =
    env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;
  return { region: regionFrom(env), endpoint: env[`AWS_ENDPOINT_URL_${service}`], ...(credentials ? { credentials } : {}) };
}

/** The DynamoDB clients the environment describes (a Lambda builds only the clients it uses). */
export const dynamoClientsFrom = (env: Environment) => createDynamoClients(clientOptionsFrom(env, 'DYNAMODB'));
export const sqsClientFrom = (env: Environment) => createSqsClient(clientOptionsFrom(env, 'SQS'));
export const snsClientFrom = (env: Environment) => createSnsClient(clientOptionsFrom(env, 'SNS'));

/** Every client the environment describes (the CLI on a deployed stack). */
export function awsClientsFrom(env: Environment): AwsClients {
  const { region, credentials } = clientOptionsFrom(env, 'DYNAMODB');
  return createAwsClients({
    region,
    endpoints: { dynamodb: env.AWS_ENDPOINT_URL_DYNAMODB, sqs: env.AWS_ENDPOINT_URL_SQS, sns: env.AWS_ENDPOINT_URL_SNS },
    ...(credentials ? { credentials } : {}),
  });
}

/**
 * The personal data master secret: the KMS key of `PERSONAL_DATA_KEY_ARN` (a deployed
 * stack), else the file `PERSONAL_DATA_MASTER_FILE` (the local stack).
 */
export function masterSecretFrom(env: Environment, records: RecordsTable): MasterSecret {
  const keyArn = env.PERSONAL_DATA_KEY_ARN;
  if (keyArn) return kmsMasterSecret({ ...records, keyArn, region: regionFrom(env) });
  const file = env.PERSONAL_DATA_MASTER_FILE;
  if (file) return fileMasterSecret(file, () => sealedDataExists(records));
  throw new Error('no personal data key: set PERSONAL_DATA_KEY_ARN (AWS) or PERSONAL_DATA_MASTER_FILE (local)');
}

/** The producer registry: the SSM parameter `PRODUCERS_PARAMETER`, the file `DANGVIEN_PRODUCERS_FILE`, or none (scoping off). */
export function registrySourceFrom(env: Environment): RegistrySource {
  if (env.DANGVIEN_PRODUCERS_FILE) return { file: env.DANGVIEN_PRODUCERS_FILE };
  if (env.PRODUCERS_PARAMETER) return { parameterName: env.PRODUCERS_PARAMETER, region: regionFrom(env) };
  return { off: true };
}

/**
 * `REMINDER_DIGEST_ORGS`: the orgs the reminders job sends a digest for, a JSON array of
 * org ids (CDK writes it from the subscriptions file), or `roots` (the local stack
 * without one). Unset or empty: no digest. Throws on anything else, never guesses.
 */
export function parseDigestOrgs(value: string | undefined): DigestOrgs {
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

/** The figures' store on the tables `RECORDS_TABLE_NAME` and `FIGURES_TABLE_NAME` (the figures function's, and the report's). */
export function figuresStoreFrom(env: Environment): FiguresStore & ReportReader {
  const { documentClient } = dynamoClientsFrom(env);
  const recordsTable = requiredEnv(env, 'RECORDS_TABLE_NAME');
  return createDynamoFiguresStore({
    documentClient,
    recordsTable,
    figuresTable: requiredEnv(env, 'FIGURES_TABLE_NAME'),
    orgTree: createDynamoOrgTreeReader({ documentClient, tableName: recordsTable }),
  });
}
