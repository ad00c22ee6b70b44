// domain: what goes on the notifications topic and how a committee reaches it (docs/reminders.md,
// "Reaching the committee"). Pure: the store turns `attributesOf` into SNS message
// attributes, a subscription's filter policy matches them.
//
//   a reminder  kind = its kind, orgId = its cell, orgPath = [root, …, cell]  → {"orgPath": ["HB"]}
//   a digest    kind = "digest", digestFor = the org it is for               → {"kind": ["digest"], "digestFor": ["HB"]}
//
// A digest carries no orgPath, so a subtree subscription never receives another org's
// digest; a reminder's kind is never "digest", so a digest subscription never receives
// a reminder.
import type { Digest } from './digest.js';
import type { OrgTree } from './figures/tree.js';
import type { Reminder } from './reminders.js';

/** A reminder as published: the JSON of §8 and the org ids from the root down to its cell. */
export interface ReminderNotification {
  type: 'reminder';
  reminder: Reminder;
  /**
   * Root first, `reminder.orgId` last. Empty only for an outbox item written before
   * paths were stored: the job computes it again from the tree before publishing.
   */
  orgPath: readonly string[];
}

/** A digest as published: one per org and day. */
export interface DigestNotification {
  type: 'digest';
  digest: Digest;
}

/** Anything the reminders job publishes; what its outbox keeps until it is published. */
export type Notification = ReminderNotification | DigestNotification;

/** The attribute `kind` of a digest (a reminder's is its own kind). */
export const DIGEST_KIND = 'digest';

/** Message attributes: a string, or an array of strings (SNS `String.Array`). */
export type NotificationAttributes = Record<string, string | readonly string[]>;

/**
 * The org ids from the root down to `orgId`, both included, as the tree stands; just
 * `[orgId]` for an org the tree does not know (it then matches only its own filter).
 */
export function orgPathOf(tree: OrgTree, orgId: string): string[] {
  if (!tree.has(orgId)) return [orgId];
  return [
    ...tree
      .ancestors(orgId)
      .map((o) => o.orgId)
      .reverse(),
    orgId,
  ];
}

/** The message attributes subscriptions filter on. */
export function attributesOf(notification: Notification): NotificationAttributes {
  if (notification.type === 'digest') return { kind: DIGEST_KIND, digestFor: notification.digest.digestFor };
  const { reminder, orgPath } = notification;
  return { kind: reminder.kind, orgId: reminder.orgId, orgPath };
}

/** The message body: the reminder's JSON (§8), or the digest's text. */
export function bodyOf(notification: Notification): string {
  return notification.type === 'digest' ? notification.digest.text : JSON.stringify(notification.reminder);
}
