// (adapter) How soon an event that waits for its predecessor is tried again, as the
// domain's schedule says (shared/domain/ingest/retry-schedule.ts): the queue's visibility
// timeout (180 s, six times the function's) is right for a crashed handler, far too long
// for an event that overtook its predecessor by a moment, so the first waits are
// shortened to 2, 4, 8 and 16 seconds; the one before the last try keeps the whole
// timeout; after the last try the message is made visible at once, so that the queue
// moves it to the DLQ without a pointless last wait.
import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { envelopeIdOf } from '../../shared/domain/events/index.js';
import { INGEST_RETRY_QUEUE, nextTryAfter, type RetryQueue } from '../../shared/domain/ingest/retry-schedule.js';
import { loggerFor } from '../../shared/observability/logger.js';

const logger = loggerFor('ingest');

/** Sets when a record the batch reports as failed is tried again, by how often it was received. */
export type WaitBeforeRetry = (record: Pick<SQSRecord, 'receiptHandle' | 'body'>, receiveCount: number) => Promise<void>;

/**
 * The visibility a waiting event's `receiveCount`-th failed try leaves it with: seconds
 * until its next try, 0 to go to the DLQ now, or undefined to keep the queue's own.
 */
export function visibilityAfterTry(receiveCount: number, queue: RetryQueue = INGEST_RETRY_QUEUE): number | undefined {
  const next = nextTryAfter(receiveCount, queue);
  if (next.kind === 'dead-letter') return 0;
  return next.shortened ? next.seconds : undefined;
}

/** Makes a record that will be reported as failed visible again as the schedule says. */
export function sqsWaitBeforeRetry(opts: { sqs: SQSClient; queueUrl: string; queue?: RetryQueue }): WaitBeforeRetry {
  return async (record, receiveCount) => {
    const seconds = visibilityAfterTry(receiveCount, opts.queue);
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
      // Already visible again (its visibility ran out while the batch ran): nothing to change.
      if ((error as Error).name === 'MessageNotInflight') return;
      // Otherwise it waits the queue's whole visibility timeout: slower, never lost.
      logger.warn('could not set the wait before a retry', { eventId: envelopeIdOf(record.body), error: (error as Error).name });
    }
  };
}
