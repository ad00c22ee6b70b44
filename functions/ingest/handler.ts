// (adapter) SQS FIFO batch --> use case ingest-event --> domain/ingest
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { ingestEvent, PredecessorMissingError, type IngestHooks } from '../../shared/use-cases/ingest-event.js';
import type { IngestStore } from '../../shared/use-cases/ports.js';
import { dynamoIngestStore } from '../../shared/data/ingest-store.js';
import { logger } from '../../shared/observability/logger.js';
import { metrics } from '../../shared/observability/metrics.js';
import { loadProducers, producerFor } from '../../shared/data/producer-registry.js';

const OUTCOME_METRIC = { applied: 'EventsApplied', duplicate: 'EventsDuplicate', rejected: 'EventsRejected' } as const;

/**
 * Builds the ingest handler. Records of one message group stop at the group's first
 * failure (FIFO order), other groups go on; the failed ones are reported back so that
 * only they are retried.
 */
export function createIngestHandler(hooks: IngestHooks = {}, store: IngestStore = dynamoIngestStore) {
  const processor = new SqsFifoPartialProcessorAsync();
  const recordHandler = async (record: SQSRecord) => {
    const registry = await loadProducers();
    const senderId = record.attributes.SenderId;
    const meta = {
      messageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
      sender: registry ? { scoping: true as const, senderId, producer: producerFor(registry, senderId) } : { scoping: false as const },
    };
    try {
      const result = await ingestEvent(store, record.body, meta, hooks);
      logger.info('event ingested', { messageId: record.messageId, ...result });
      metrics.addMetric(OUTCOME_METRIC[result.outcome], MetricUnit.Count, 1);
      return result;
    } catch (error) {
      metrics.addMetric(error instanceof PredecessorMissingError ? 'EventsDeferred' : 'EventsFailed', MetricUnit.Count, 1);
      if (error instanceof PredecessorMissingError) {
        logger.warn('event deferred', { messageId: record.messageId, eventId: error.eventId, reason: error.reason, receiveCount: meta.receiveCount });
      } else {
        logger.error('event failed', { messageId: record.messageId, error: (error as Error).name, message: (error as Error).message });
      }
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(logMetrics(metrics))
    .handler(async (event, context) => processPartialResponse(event, recordHandler, processor, { context, skipGroupOnError: true, throwOnFullBatchFailure: false }));
}

export const handler = createIngestHandler();
