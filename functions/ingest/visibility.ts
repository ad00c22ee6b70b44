// (adapter) How soon an event that waits for its predecessor is tried again. The queue's
// visibility timeout (180 s, six times the function's) is right for a crashed handler,
// far too long for an event that overtook its predecessor by a moment (a member before
// its cell's registration): its visibility is shortened to 2, 4, 8, 16… seconds by
// receive, so that it is retried within seconds and still reaches the DLQ after
// maxReceiveCount receives when the predecessor never comes.
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { envelopeIdOf } from '../../shared/domain/events/index.js';
import { INGEST_QUEUE } from '../../shared/resources.js';
import { loggerFor } from '../../shared/observability/logger.js';

const logger = loggerFor('ingest');

/** The longest wait before a retry, unless the deployment says the queue's visibility is shorter. */
export const DEFAULT_RETRY_MAX_SECONDS = 60;

/**
 * Seconds before the `receiveCount`-th receive of a waiting event is tried again: 2^n,
 * at most `maxSeconds` (a minute, or the queue's own visibility timeout when the
 * deployment says it is shorter: INGEST_RETRY_MAX_SECONDS; the local stack's tests use 1 s).
 */
export function retryDelaySeconds(receiveCount: number, maxSeconds: number): number {
  return Math.min(2 ** Math.max(1, receiveCount), maxSeconds);
}

/** Shortens the wait of a record the batch reports as failed, by how often it was received. */
export type WaitBeforeRetry = (record: Pick<SQSRecord, 'receiptHandle' | 'body'>, receiveCount: number) => Promise<void>;

/**
 * Seconds before a waiting event whose `receiveCount`-th receive failed is tried again, for
 * its first receives only; undefined from the one before the last (maxReceiveCount − 1):
 * then it waits the queue's whole visibility timeout, so a predecessor held up for minutes
 * (a backlog in the `orgs` group) still arrives before the event goes to the DLQ.
 */
export function shortenedRetrySeconds(receiveCount: number, maxSeconds: number): number | undefined {
  return receiveCount >= INGEST_QUEUE.maxReceiveCount! - 1 ? undefined : retryDelaySeconds(receiveCount, maxSeconds);
}

/** Makes a record that will be reported as failed visible again after `shortenedRetrySeconds`. */
export function sqsWaitBeforeRetry(opts: { sqs: SQSClient; queueUrl: string; maxSeconds: number }): WaitBeforeRetry {
  return async (record, receiveCount) => {
    const seconds = shortenedRetrySeconds(receiveCount, opts.maxSeconds);
    if (seconds === undefined) return;
    try {
      await opts.sqs.send(
        new ChangeMessageVisibilityCommand({
          QueueUrl: opts.queueUrl,
          ReceiptHandle: record.receiptHandle,
          VisibilityTimeout: seconds,
        }),
      );
    } catch (error) {
      // Already visible again (its visibility ran out while the batch ran): nothing to shorten.
      if ((error as Error).name === 'MessageNotInflight') return;
      // Otherwise it waits the queue's whole visibility timeout: slower, never lost.
      logger.warn('could not shorten the wait before a retry', { eventId: envelopeIdOf(record.body), error: (error as Error).name });
    }
  };
}
