// local: what Lambda's SQS event source mapping does, for a handler module on fauxqs.
// Documented behaviour kept here: batches up to `batchSize`; a handler that throws
// leaves the whole batch to reappear after the visibility timeout; with
// ReportBatchItemFailures only the reported records stay, the rest are deleted; the
// queue's redrive policy (maxReceiveCount) moves a message to the DLQ.
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';
import { LOCAL_SENDER_ATTRIBUTE, REDRIVE_ATTRIBUTE } from '../../shared/data/queue-sender.js';
import { LOCAL_REGION } from '../use-emulators.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface SqsRunnerOptions {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  handler: SqsHandler;
  functionName: string;
  batchSize: number;
  /** Seconds a long poll waits for messages. */
  waitTimeSeconds?: number;
  /** How many batches run at once (Lambda's concurrency for this mapping). */
  concurrency?: number;
  timeoutMs?: number;
  onError?: (error: unknown) => void;
}

export interface Runner {
  stop(): Promise<void>;
  /**
   * Stops at once, as a kill -9 would: invocations in flight are abandoned and nothing
   * they return is acted on (no delete, no checkpoint), so their messages come back after
   * the visibility timeout and their stream records are read again.
   */
  abort(): void;
  /** Resolves once no batch is in flight (for tests and `--wait`). */
  idle(): Promise<void>;
}

/** The SQS record Lambda would hand over for a received message. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const attrs = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attrs.ApproximateReceiveCount ?? '1',
      SentTimestamp: attrs.SentTimestamp ?? String(Date.now()),
      // SQS sets SenderId from the caller's identity; locally every caller is the same, so
      // `dangvien send --sender ID` names it in an attribute that only this runner reads.
      SenderId: message.MessageAttributes?.[LOCAL_SENDER_ATTRIBUTE]?.StringValue ?? attrs.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attrs.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      ...(attrs.MessageGroupId ? { MessageGroupId: attrs.MessageGroupId } : {}),
      ...(attrs.MessageDeduplicationId ? { MessageDeduplicationId: attrs.MessageDeduplicationId } : {}),
      ...(attrs.SequenceNumber ? { SequenceNumber: attrs.SequenceNumber } : {}),
    },
    // Lambda hands message attributes over; the ingest reads only the redrive grant's token.
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {})
        .filter(([name]) => name === REDRIVE_ATTRIBUTE)
        .map(([name, a]) => [
          name,
          { stringValue: a.StringValue, dataType: a.DataType ?? 'String', stringListValues: [], binaryListValues: [] },
        ]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Which messages to delete after an invocation, per the partial batch response contract. */
export function settledMessages(records: SQSRecord[], outcome: { threw: boolean; response?: SQSBatchResponse | void }): SQSRecord[] {
  if (outcome.threw) return [];
  const failed = new Set((outcome.response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  return records.filter((r) => !failed.has(r.messageId));
}

export function startSqsRunner(opts: SqsRunnerOptions): Runner {
  let running = true;
  let aborted = false;
  let inFlight = 0;
  let idleWaiters: Array<() => void> = [];
  const region = LOCAL_REGION;
  const settleIdle = () => {
    if (inFlight === 0) {
      for (const w of idleWaiters) w();
      idleWaiters = [];
    }
  };

  async function pollOnce(): Promise<void> {
    const received = await opts.client.send(
      new ReceiveMessageCommand({
        QueueUrl: opts.queueUrl,
        MaxNumberOfMessages: opts.batchSize,
        WaitTimeSeconds: opts.waitTimeSeconds ?? 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: [LOCAL_SENDER_ATTRIBUTE, REDRIVE_ATTRIBUTE],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return;
    inFlight++;
    try {
      const records = messages.map((m) => toSqsRecord(m, opts.queueArn, region));
      let outcome: { threw: boolean; response?: SQSBatchResponse | void };
      try {
        const response = await opts.handler({ Records: records }, lambdaContext(opts.functionName, opts.timeoutMs ?? 30_000));
        outcome = { threw: false, response };
      } catch (error) {
        opts.onError?.(error);
        outcome = { threw: true };
      }
      const done = aborted ? [] : settledMessages(records, outcome);
      if (done.length > 0) {
        await opts.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: opts.queueUrl,
            Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
      }
    } finally {
      if (!aborted) inFlight--;
      settleIdle();
    }
  }

  async function loop(): Promise<void> {
    while (running) {
      try {
        await pollOnce();
      } catch (error) {
        if (!running) return;
        opts.onError?.(error);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  const loops = Array.from({ length: opts.concurrency ?? 1 }, () => loop());
  return {
    async stop() {
      running = false;
      await Promise.allSettled(loops);
    },
    abort() {
      running = false;
      aborted = true;
      inFlight = 0;
      settleIdle();
    },
    idle() {
      return inFlight === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
