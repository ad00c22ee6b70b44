// functions/report-api: what the deployment's environment says this function is built
// from (infra/constructs/api.ts sets it): the Records table (the org tree), the Figures
// table, and the registry of readers (PRODUCERS_PARAMETER; none: reads are not scoped).
import { createProducerRegistry } from '../../shared/data/producer-registry.js';
import { figuresStoreFrom, registrySourceFrom, type Environment } from '../../shared/wiring/environment.js';
import type { ReportHandlerDeps } from './handler.js';

/** The report handler's dependencies, from `env`. @throws Error naming a variable that is missing. */
export function reportDependencies(env: Environment): ReportHandlerDeps {
  return { reader: figuresStoreFrom(env), loadRegistry: createProducerRegistry(registrySourceFrom(env)) };
}
