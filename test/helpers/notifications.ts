// The notifications topic as the tests read it: locally a queue subscribed to it.
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { sqsClient } from './emulators.js';
import type { TestStack } from './stack.js';

/** Every message the notifications topic delivered since the last call, raw bodies, removed from the queue. */
export async function published(stack: TestStack): Promise<string[]> {
  const queueUrl = stack.env.NOTIFICATIONS_QUEUE_URL!;
  const bodies: string[] = [];
  for (;;) {
    const out = await sqsClient().send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    const messages = out.Messages ?? [];
    if (messages.length === 0) return bodies;
    bodies.push(...messages.map((m) => m.Body ?? ''));
    await sqsClient().send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
  }
}
