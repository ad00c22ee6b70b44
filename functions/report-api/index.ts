// functions/report-api: the Lambda's entry (its composition root): the handler built once
// per process from the deployment's environment.
import { reportDependencies } from './environment.js';
import { createReportHandler } from './handler.js';

export const handler = createReportHandler(reportDependencies(process.env));
