// Test harness: the SQS event Lambda's event source mapping hands the ingest, built from
// bodies, so that a test says only what is special about its messages.
import type { SQSEvent } from 'aws-lambda';
import { groupOf, outgoing } from '../../shared/domain/events/outgoing.js';

/** One message of a batch: its body (an object is sent as JSON) and what differs from the defaults. */
export interface TestMessage {
  body: object | string;
  /** Default: the event's subject, as producers send it. */
  group?: string;
  /** The sending identity. @default 'local' */
  senderId?: string;
}

/** The SQS event of these messages, in order, each received for the first time. */
export function sqsEventOf(messages: readonly TestMessage[]): SQSEvent {
  return {
    Records: messages.map(({ body, group, senderId }, i) => ({
      messageId: `m-${i}`,
      receiptHandle: `r-${i}`,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: senderId ?? 'local',
        ApproximateFirstReceiveTimestamp: '0',
        MessageGroupId: group ?? groupOf(outgoing(typeof body === 'string' ? body : JSON.stringify(body))),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:local:000000000000:ingest.fifo',
      awsRegion: 'local',
    })),
  };
}
