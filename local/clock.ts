// local: EventBridge Scheduler's part: the daily reminders job at 07:00 Vietnam time,
// handed to the same handler the Lambda runs. Also prints what the
// notifications topic delivers, as a subscriber would see it.
import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { REMINDERS_SCHEDULE } from '../shared/resources.js';
import { createRemindersHandler, type RemindersHandlerDeps } from '../functions/reminders/handler.js';
import { lambdaContext } from './runners/lambda-context.js';

const VIETNAM_OFFSET_MS = 7 * 3600_000;

/** The next 07:00 in Vietnam after `now` (Vietnam has no daylight saving time). */
export function nextRun(now: Date): Date {
  const local = new Date(now.getTime() + VIETNAM_OFFSET_MS);
  const run =
    Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), REMINDERS_SCHEDULE.hour, REMINDERS_SCHEDULE.minute) -
    VIETNAM_OFFSET_MS;
  return new Date(run > now.getTime() ? run : run + 86_400_000);
}

/** The scheduled event EventBridge Scheduler hands to the function. */
function scheduledEvent(time: Date) {
  return {
    version: '0',
    id: `local-${time.getTime()}`,
    'detail-type': 'Scheduled Event',
    source: 'aws.scheduler',
    account: 'local',
    time: time.toISOString(),
    region: 'local',
    resources: [],
    detail: {},
  };
}

/** Runs the job once now (a missed day catches up) and then every day at 07:00; returns the stop function. */
export async function startDailyClock(opts: {
  log: (line: string) => void;
  reminders: RemindersHandlerDeps;
  now?: () => Date;
}): Promise<() => Promise<void>> {
  const now = opts.now ?? (() => new Date());
  const handler = createRemindersHandler(opts.reminders);
  const fire = async () => {
    try {
      await (handler as (e: unknown, c: unknown) => Promise<unknown>)(scheduledEvent(now()), lambdaContext('reminders', 300_000));
    } catch (error) {
      opts.log(`reminders job failed: ${(error as Error).message}`);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  const schedule = () => {
    const at = nextRun(now());
    timer = setTimeout(async () => {
      await fire();
      schedule();
    }, at.getTime() - now().getTime());
    opts.log(`reminders job: next run ${at.toISOString()} (07:00 Asia/Ho_Chi_Minh)`);
  };
  await fire();
  schedule();
  return async () => clearTimeout(timer);
}

/** What the notifications topic delivered: a reminder (its JSON, parsed) or a digest (its text). */
export type Delivered = { kind: 'reminder'; reminder: unknown } | { kind: 'digest'; digestFor: string; text: string };

/**
 * Long-polls the local subscriber queue of the notifications topic (raw delivery: the
 * topic's message attributes arrive as the message's) and hands over each message.
 */
export function startNotificationPrinter(sqs: SQSClient, queueUrl: string, print: (delivered: Delivered) => void): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const out = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }),
        );
        for (const m of out.Messages ?? []) {
          const attributes = m.MessageAttributes ?? {};
          if (attributes.kind?.StringValue === 'digest') {
            print({ kind: 'digest', digestFor: attributes.digestFor?.StringValue ?? '', text: m.Body ?? '' });
          } else {
            print({ kind: 'reminder', reminder: JSON.parse(m.Body ?? 'null') });
          }
          await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        }
      } catch {
        if (running) await new Promise((r) => setTimeout(r, 500));
      }
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}
