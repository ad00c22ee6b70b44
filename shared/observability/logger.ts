// Structured JSON logs (Powertools Logger), one logger per function: each handler puts
// its own Lambda context (request id, cold start) on its lines, also where the local
// stack runs every handler in one process. Callers log ids, types and reasons only:
// names and birth dates never reach a log line (docs/personal-data.md).
import { Logger } from '@aws-lambda-powertools/logger';

const loggers = new Map<string, Logger>();

/** The logger of one function (`ingest`, `figures`, `reminders`, `report-api`), its service name. */
export function loggerFor(service: string): Logger {
  let logger = loggers.get(service);
  if (!logger) {
    logger = new Logger({ serviceName: service });
    loggers.set(service, logger);
  }
  return logger;
}
