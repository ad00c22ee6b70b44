// (adapter) How soon an event that waits for its predecessor is tried again. The queue's
// visibility timeout (180 s, six times the function's) is right for a crashed handler,
// far too long for an event that overtook its predecessor by a moment (a member before
// its cell's registration): its visibility is shortened to 2, 4, 8, 16… seconds by
// receive, so that it is retried within seconds and still reaches the DLQ after
// maxReceiveCount receives when the predecessor never comes.
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { sqsClient } from '../../shared/data/clients.js';
import { config } from '../../shared/data/config.js';
import { envelopeIdOf } from '../../shared/domain/events.js';
import { INGEST_QUEUE } from '../../shared/resources.js';
import { loggerFor } from '../../shared/observability/logger.js';

const logger = loggerFor('ingest');

/**
 * Seconds before the `receiveCount`-th receive of a waiting event is tried again: 2^n,
 * at most a minute (INGEST_RETRY_MAX_SECONDS when a deployment wants another ceiling).
 * Locally too, tests included: a queue's shorter visibility shortens a crashed handler's
 * retry, not the wait of an event whose predecessor is still on its way.
 */
export function retryDelaySeconds(receiveCount: number, maxSeconds = Number(process.env.INGEST_RETRY_MAX_SECONDS ?? 60)): number {
  return Math.min(2 ** Math.max(1, receiveCount), maxSeconds);
}

/**
 * Makes a record that will be reported as failed visible again after `retryDelaySeconds`,
 * for its first receives only: from the one before the last (maxReceiveCount − 1) it waits
 * the queue's whole visibility timeout, so a predecessor held up for minutes (a backlog in
 * the `orgs` group) still arrives before the event goes to the DLQ.
 */
export async function waitBeforeRetry(record: Pick<SQSRecord, 'receiptHandle' | 'body'>, receiveCount: number): Promise<void> {
  if (receiveCount >= INGEST_QUEUE.maxReceiveCount! - 1) return;
  try {
    await sqsClient().send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: config.ingestQueueUrl(),
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: retryDelaySeconds(receiveCount),
      }),
    );
  } catch (error) {
    // Already visible again (its visibility ran out while the batch ran): nothing to shorten.
    if ((error as Error).name === 'MessageNotInflight') return;
    // Otherwise it waits the queue's whole visibility timeout: slower, never lost.
    logger.warn('could not shorten the wait before a retry', { eventId: envelopeIdOf(record.body), error: (error as Error).name });
  }
}
