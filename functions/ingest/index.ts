// functions/ingest: the Lambda's entry (its composition root): the handler built once per
// process from the deployment's environment.
import { ingestDependencies } from './environment.js';
import { createIngestHandler } from './handler.js';

export const handler = createIngestHandler(ingestDependencies(process.env));
