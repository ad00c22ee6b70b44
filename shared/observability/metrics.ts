// EMF metrics (Powertools Metrics): counts by outcome, never a personal value.
import { Metrics } from '@aws-lambda-powertools/metrics';

export const metrics = new Metrics({ namespace: 'DangVien', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'dangvien' });
