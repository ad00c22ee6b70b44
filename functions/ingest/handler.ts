// (adapter) SQS FIFO batch --> use case ingest-event --> domain/ingest
import { SqsFifoPartialProcessorAsync, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadProducers, producerFor } from '../../shared/data/producer-registry.js';
import { dynamoIngestStore } from '../../shared/data/ingest-store.js';
import { envelopeIdOf } from '../../shared/domain/events.js';
import { loggerFor } from '../../shared/observability/logger.js';
import { metrics } from '../../shared/observability/metrics.js';
import { ingestEvent, PredecessorMissingError, type IngestHooks } from '../../shared/use-cases/ingest-event.js';
import type { IngestStore } from '../../shared/use-cases/ports.js';
import { isThrottling, retryWhileThrottled } from './throttling.js';
import { waitBeforeRetry } from './visibility.js';

const logger = loggerFor('ingest');

const OUTCOME_METRIC = { applied: 'EventsApplied', duplicate: 'EventsDuplicate', rejected: 'EventsRejected' } as const;

/**
 * Builds the ingest handler. Records of one message group stop at the group's first
 * failure (FIFO order), other groups go on; the failed ones are reported back so that
 * only they are retried. An event whose predecessor is missing comes back within
 * seconds (its visibility is shortened, doubling with each receive), not after the
 * queue's whole visibility timeout.
 */
export function createIngestHandler(hooks: IngestHooks = {}, store: IngestStore = dynamoIngestStore) {
  // Per invocation: the processor keeps its batch's state on itself, and the local stack
  // runs invocations of one handler concurrently (Lambda never does within an instance).
  /** `waitingGroups`: groups of this invocation held up by a waiting event, with that event's receive count. */
  const recordHandlerFor = (waitingGroups: Map<string, number>) => async (record: SQSRecord) => {
    const registry = await loadProducers();
    const senderId = record.attributes.SenderId;
    const meta = {
      messageId: record.messageId,
      receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
      sender: registry ? { scoping: true as const, senderId, producer: producerFor(registry, senderId) } : { scoping: false as const },
    };
    // Every line about this message carries its event id (Logs Insights: `filter eventId = …`).
    // A body without a usable id is known by its message, as its rejection is stored (`message:<id>`).
    logger.appendKeys({ eventId: envelopeIdOf(record.body) ?? `message:${record.messageId}`, messageId: record.messageId });
    try {
      const result = await retryWhileThrottled(() => ingestEvent(store, record.body, meta, hooks));
      // The event id is already on the line (appendKeys), also for a body without one.
      const { eventId: _eventId, ...outcome } = result;
      logger.info('event ingested', outcome);
      metrics.addMetric(OUTCOME_METRIC[result.outcome], MetricUnit.Count, 1);
      return result;
    } catch (error) {
      metrics.addMetric(error instanceof PredecessorMissingError ? 'EventsDeferred' : 'EventsFailed', MetricUnit.Count, 1);
      if (error instanceof PredecessorMissingError) {
        logger.warn('event deferred', { reason: error.reason, receiveCount: meta.receiveCount });
        waitingGroups.set(record.attributes.MessageGroupId ?? '', meta.receiveCount);
      } else {
        logger.error('event failed', {
          error: (error as Error).name,
          errorMessage: (error as Error).message,
          throttled: isThrottling(error),
        });
      }
      throw error;
    } finally {
      logger.removeKeys(['eventId', 'messageId']);
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event, context) => {
      const waitingGroups = new Map<string, number>();
      const response = await processPartialResponse(event, recordHandlerFor(waitingGroups), new SqsFifoPartialProcessorAsync(), {
        context,
        skipGroupOnError: true,
        throwOnFullBatchFailure: false,
      });
      // The waiting event and the records of its group skipped after it come back together, soon.
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const held = event.Records.filter((r) => failed.has(r.messageId) && waitingGroups.has(r.attributes.MessageGroupId ?? ''));
      await Promise.all(held.map((r) => waitBeforeRetry(r, waitingGroups.get(r.attributes.MessageGroupId ?? '') ?? 1)));
      return response;
    });
}

export const handler = createIngestHandler();
