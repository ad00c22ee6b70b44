// functions/report-api: what the deployment's environment says this function is built
// from (infra/constructs/api.ts sets it): the Records table (the org tree) and the Figures table.
import { figuresStoreFrom, type Environment } from '../../shared/wiring/environment.js';
import type { ReportHandlerDeps } from './handler.js';

/** The report handler's dependencies, from `env`. @throws Error naming a variable that is missing. */
export function reportDependencies(env: Environment): ReportHandlerDeps {
  return { reader: figuresStoreFrom(env) };
}
