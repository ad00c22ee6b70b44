// functions/reminders: what the deployment's environment says this function is built from
// (infra/constructs/reminders.ts sets it): the Records and Figures tables, the
// notifications topic, and the orgs that get a digest.
import { createDynamoRemindersStore } from '../../shared/data/reminder-store.js';
import { dynamoClientsFrom, parseDigestOrgs, requiredEnv, snsClientFrom, type Environment } from '../../shared/wiring/environment.js';
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
  };
}
