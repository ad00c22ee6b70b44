// functions/report-api: what the deployment's environment says this function is built
// from (infra/constructs/api.ts sets it): the Records table (the org tree) and the Figures table.
import { createDynamoFiguresStore } from '../../shared/data/figures-store.js';
import { createDynamoOrgTreeReader } from '../../shared/data/org-tree.js';
import { awsClientsFrom, requiredEnv, type Environment } from '../../shared/wiring/environment.js';
import type { ReportHandlerDeps } from './handler.js';

/** The report handler's dependencies, from `env`. @throws Error naming a variable that is missing. */
export function reportDependencies(env: Environment): ReportHandlerDeps {
  const { documentClient } = awsClientsFrom(env);
  const recordsTable = requiredEnv(env, 'RECORDS_TABLE_NAME');
  return {
    reader: createDynamoFiguresStore({
      documentClient,
      recordsTable,
      figuresTable: requiredEnv(env, 'FIGURES_TABLE_NAME'),
      orgTree: createDynamoOrgTreeReader({ documentClient, tableName: recordsTable }),
    }),
  };
}
