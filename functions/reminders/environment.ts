// functions/reminders: what the deployment's environment says this function is built from
// (infra/constructs/reminders.ts sets it): the Records and Figures tables, the
// notifications topic, the orgs that get a digest, and the producer registry.
import { createProducerRegistry } from '../../shared/data/producer-registry.js';
import { createDynamoRemindersStore } from '../../shared/data/reminder-store.js';
import { createDynamoSourceActivityStore } from '../../shared/data/source-activity-store.js';
import {
  dynamoClientsFrom,
  parseDigestOrgs,
  registrySourceFrom,
  requiredEnv,
  snsClientFrom,
  type Environment,
} from '../../shared/wiring/environment.js';
import type { RemindersHandlerDeps } from './handler.js';

/** The reminders handler's dependencies, from `env`. @throws Error naming a variable that is missing or malformed. */
export function remindersDependencies(env: Environment): RemindersHandlerDeps {
  const { documentClient } = dynamoClientsFrom(env);
  return {
    store: createDynamoRemindersStore({
      documentClient,
      sns: snsClientFrom(env),
      recordsTable: requiredEnv(env, 'RECORDS_TABLE_NAME'),
      figuresTable: requiredEnv(env, 'FIGURES_TABLE_NAME'),
      topicArn: requiredEnv(env, 'NOTIFICATIONS_TOPIC_ARN'),
    }),
    digestOrgs: parseDigestOrgs(env.REMINDER_DIGEST_ORGS),
    // The producers' silence, when the deployment has a registry (PRODUCERS_PARAMETER).
    ...(env.PRODUCERS_PARAMETER ? { silence: silenceCheck(env, documentClient) } : {}),
  };
}

/** What the daily silence check reads: the sources' counters and the registry. */
function silenceCheck(env: Environment, documentClient: ReturnType<typeof dynamoClientsFrom>['documentClient']) {
  const registry = createProducerRegistry(registrySourceFrom(env));
  return {
    sourceActivity: createDynamoSourceActivityStore({ documentClient, tableName: requiredEnv(env, 'FIGURES_TABLE_NAME') }),
    producers: async () => (await registry())?.registry.producers,
  };
}
