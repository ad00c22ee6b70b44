// cli: the CLI's composition root: the clients and stores of the stack a target names
// (target.ts), built once per command. Locally the emulators' endpoints; in AWS the
// stack's region and the usual credentials.
import { fileMasterSecret, sealedDataExists } from '../shared/data/personal-vault.js';
import { awsClientsFrom, masterSecretFrom } from '../shared/wiring/environment.js';
import { createDynamoStores, type DynamoStores } from '../shared/wiring/stores.js';
import { emulatorClients } from '../local/use-emulators.js';
import type { Target } from './target.js';

/** Every store of the target's stack. */
export function connect(target: Target): DynamoStores {
  const { env } = target;
  // A deployed stack: the operator's own environment (credentials, profile), in the stack's region.
  const operator = { ...process.env, ...(target.region ? { AWS_REGION: target.region } : {}) };
  const clients = target.endpoints ? emulatorClients(target.endpoints) : awsClientsFrom(operator);
  const recordsTable = env.RECORDS_TABLE_NAME ?? '';
  const records = { documentClient: clients.documentClient, tableName: recordsTable };
  return createDynamoStores({
    clients,
    recordsTable,
    figuresTable: env.FIGURES_TABLE_NAME ?? '',
    ingestQueueUrl: env.INGEST_QUEUE_URL ?? '',
    deadLetterQueueUrl: env.INGEST_DLQ_URL ?? '',
    topicArn: env.NOTIFICATIONS_TOPIC_ARN ?? '',
    masterSecret:
      target.kind === 'local'
        ? fileMasterSecret(env.PERSONAL_DATA_MASTER_FILE ?? '', () => sealedDataExists(records))
        : masterSecretFrom({ ...operator, ...env }, records),
    localSenders: target.kind === 'local',
  });
}
