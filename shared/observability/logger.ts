// Structured JSON logs (Powertools Logger). Callers log ids, types and reasons only:
// names and birth dates never reach a log line (CONTRACT: personal data).
import { Logger } from '@aws-lambda-powertools/logger';

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'dangvien' });
