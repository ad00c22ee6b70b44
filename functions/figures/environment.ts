// functions/figures: what the deployment's environment says this function is built from
// (infra/constructs/figures.ts sets it): the Records and Figures tables.
import { createDynamoFiguresStore } from '../../shared/data/figures-store.js';
import { createDynamoOrgTreeReader } from '../../shared/data/org-tree.js';
import { awsClientsFrom, requiredEnv, type Environment } from '../../shared/wiring/environment.js';
import type { FiguresHandlerDeps } from './handler.js';

/** The figures handler's dependencies, from `env`. @throws Error naming a variable that is missing. */
export function figuresDependencies(env: Environment): FiguresHandlerDeps {
  const { documentClient } = awsClientsFrom(env);
  const recordsTable = requiredEnv(env, 'RECORDS_TABLE_NAME');
  return {
    store: createDynamoFiguresStore({
      documentClient,
      recordsTable,
      figuresTable: requiredEnv(env, 'FIGURES_TABLE_NAME'),
      orgTree: createDynamoOrgTreeReader({ documentClient, tableName: recordsTable }),
    }),
  };
}
