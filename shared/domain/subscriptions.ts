// domain: who receives the reminders of a deployment (docs/reminders.md, "Reaching the
// committee"). One file format for the cloud (`cdk deploy -c reminderSubscriptions=FILE`)
// and the local stack (`npm start -- --subscriptions FILE`, `$DANGVIEN_SUBSCRIPTIONS_FILE`):
//
//   [ {"orgId": "HB", "email": "vanphong@hongbang.example"},                 the digest of HB
//     {"orgId": "HB", "sqsArn": "arn:aws:sqs:ap-southeast-1:111122223333:hb"},  HB's subtree's reminders
//     {"orgId": "LC", "https": "https://lc.example/hooks/reminders"} ]          LC's subtree's reminders
//
// A person reads an e-mail: it gets the digest. A program reads a queue or an endpoint:
// it gets each reminder as JSON, filtered to the org's subtree.
import * as z from 'zod';
import { IdSchema } from './events/index.js';

const email = z.strictObject({
  orgId: IdSchema,
  email: z.email({ error: 'not an e-mail address' }),
});
const sqs = z.strictObject({
  orgId: IdSchema,
  sqsArn: z.string().regex(/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,80}$/, {
    error: 'not an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME); a FIFO queue cannot subscribe to a standard topic',
  }),
});
const https = z.strictObject({
  orgId: IdSchema,
  https: z.url({ protocol: /^https$/, error: 'not an https:// URL' }),
});

/** One subscription: an org and where its reminders go. */
export const ReminderSubscriptionSchema = z.union([email, sqs, https], {
  error: 'each entry is {"orgId", "email"}, {"orgId", "sqsArn"} or {"orgId", "https"}',
});
export type ReminderSubscription = z.infer<typeof ReminderSubscriptionSchema>;

/** Where a subscription delivers: its one endpoint. */
export function endpointOf(subscription: ReminderSubscription): string {
  return 'email' in subscription ? subscription.email : 'sqsArn' in subscription ? subscription.sqsArn : subscription.https;
}

/** The subscriptions file: a JSON array of subscriptions, none twice (SNS would keep one). */
export const ReminderSubscriptionsSchema = z.array(ReminderSubscriptionSchema).superRefine((subscriptions, ctx) => {
  const seen = new Map<string, number>();
  subscriptions.forEach((s, i) => {
    const key = `${s.orgId}\u0000${endpointOf(s).toLowerCase()}`;
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else ctx.addIssue({ code: 'custom', path: [i], message: `repeats entry ${first}` });
  });
});

/** A subscriptions file that cannot be used; the message names the file and the entry. */
export class InvalidSubscriptionsError extends Error {
  override readonly name = 'InvalidSubscriptionsError';
}

/**
 * Reads the subscriptions file's text.
 * @throws InvalidSubscriptionsError naming `source` and each bad entry.
 */
export function parseReminderSubscriptions(text: string, source: string): ReminderSubscription[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidSubscriptionsError(`${source}: not JSON (${(error as Error).message})`);
  }
  const parsed = ReminderSubscriptionsSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => {
    const [entry, ...field] = i.path;
    const where = entry === undefined ? 'the file' : `entry ${String(entry)}${field.length > 0 ? ` (${field.join('.')})` : ''}`;
    return `${where}: ${i.message}`;
  });
  throw new InvalidSubscriptionsError(
    `${source}: ${problems.join('; ')}. Expected [{"orgId": "HB", "email": "…"} | {"orgId": "HB", "sqsArn": "arn:aws:sqs:…"} | {"orgId": "HB", "https": "https://…"}]`,
  );
}

/** The orgs whose digest someone reads (an e-mail subscriber), each once, sorted. */
export function digestOrgsOf(subscriptions: readonly ReminderSubscription[]): string[] {
  return [...new Set(subscriptions.filter((s) => 'email' in s).map((s) => s.orgId))].sort();
}

/** The filter policy of a subscription, as SNS reads it (see shared/domain/notifications.ts). */
export function filterPolicyOf(subscription: ReminderSubscription): Record<string, string[]> {
  return 'email' in subscription ? { kind: ['digest'], digestFor: [subscription.orgId] } : { orgPath: [subscription.orgId] };
}
