// functions/ingest: what the deployment's environment says this function is built from
// (infra/constructs/ingest.ts sets it): the Records table, the personal data key, the
// producer registry, the ingest queue, and the Figures table's source counters.
import { createDynamoGroupHolds } from '../../shared/data/group-holds.js';
import { createDynamoIngestStore } from '../../shared/data/ingest-store.js';
import { createSqsEventQueue } from '../../shared/data/queue-sender.js';
import { createDynamoOrgTreeReader } from '../../shared/data/org-tree.js';
import { createDynamoVault } from '../../shared/data/personal-vault.js';
import { createProducerRegistry } from '../../shared/data/producer-registry.js';
import { createDynamoSourceActivityStore } from '../../shared/data/source-activity-store.js';
import {
  dynamoClientsFrom,
  masterSecretFrom,
  registrySourceFrom,
  requiredEnv,
  sqsClientFrom,
  type Environment,
} from '../../shared/wiring/environment.js';
import type { IngestHandlerDeps } from './handler.js';
import { retryQueueOf } from '../../shared/domain/ingest/retry-schedule.js';
import { sqsWaitBeforeRetry } from './visibility.js';

/** The ingest handler's dependencies, from `env`. @throws Error naming a variable that is missing. */
export function ingestDependencies(env: Environment): IngestHandlerDeps {
  const { documentClient } = dynamoClientsFrom(env);
  const records = { documentClient, tableName: requiredEnv(env, 'RECORDS_TABLE_NAME') };
  const vault = createDynamoVault({ ...records, masterSecret: masterSecretFrom(env, records) });
  return {
    store: createDynamoIngestStore({
      ...records,
      vault,
      orgTree: createDynamoOrgTreeReader(records),
    }),
    loadRegistry: createProducerRegistry(registrySourceFrom(env)),
    // A message group held behind an event in the dead-letter queue parks its later events there (an older deployment without the variable: no hold).
    ...(env.INGEST_DLQ_URL
      ? {
          holds: createDynamoGroupHolds({
            ...records,
            vault,
            deadLetterQueue: createSqsEventQueue({ sqs: sqsClientFrom(env), queueUrl: env.INGEST_DLQ_URL }),
          }),
        }
      : {}),
    retryQueue: retryQueueOf(env),
    waitBeforeRetry: sqsWaitBeforeRetry({
      sqs: sqsClientFrom(env),
      queueUrl: requiredEnv(env, 'INGEST_QUEUE_URL'),
      // The queue's visibility timeout, when the deployment's differs from shared/resources.ts (the local stack's tests).
      queue: retryQueueOf(env),
    }),
    // What each source sent, for `dangvien status` (an older deployment without the variable: not counted).
    ...(env.FIGURES_TABLE_NAME
      ? { sourceActivity: createDynamoSourceActivityStore({ documentClient, tableName: env.FIGURES_TABLE_NAME }) }
      : {}),
  };
}
