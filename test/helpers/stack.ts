// Test harness: a local stack of its own (tables, queues, runners) on the shared emulators.
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { groupOf, outgoing } from '../../shared/domain/events/outgoing.js';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../local/stack.js';

export type TestStack = LocalStack & {
  /** Sends envelopes (objects or raw strings) to the ingest queue as producers would. */
  send(events: Array<object | string>): Promise<void>;
};

export async function startTestStack(opts: Partial<Omit<LocalStackOptions, 'endpoints' | 'prefix'>> = {}): Promise<TestStack> {
  const stack = await startLocalStack({
    endpoints: inject('emulators'),
    prefix: `t${randomUUID().slice(0, 8)}`,
    // Longer than any invocation on a busy machine (over 3 s seen with CPU hogs beside the
    // suite): a shorter one hands a batch still running to a second invocation, which AWS's
    // rule (six times the function timeout) never does. A crashed batch comes back after it.
    visibilityTimeout: 10,
    log: process.env.DANGVIEN_DEBUG ? (line) => console.error(line) : undefined,
    ...opts,
  });
  return {
    ...stack,
    async send(events) {
      for (let i = 0; i < events.length; i += 10) {
        const entries = events.slice(i, i + 10).map((e, j) => {
          const body = typeof e === 'string' ? e : JSON.stringify(e);
          // The event's subject, as producers send it (a body that is no event: a group of its own).
          const group = groupOf(outgoing(body));
          return { Id: String(j), MessageBody: body, MessageGroupId: group, MessageDeduplicationId: randomUUID() };
        });
        await stack.clients.sqs.send(new SendMessageBatchCommand({ QueueUrl: stack.env.INGEST_QUEUE_URL!, Entries: entries }));
      }
    },
  };
}
