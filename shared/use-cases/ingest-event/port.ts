// use case ingestEvent: what it needs from storage. The handler passes the DynamoDB store
// (shared/data/ingest-store.ts), unit tests an in-memory one (test/helpers/in-memory-stores.ts);
// test/contract/ingest-store.contract.ts holds both to the same promises.
import type { AppliedEvent } from '../../domain/ingest/applied-event.js';
import type { LoadedState, Needs, RetryReason, Write } from '../../domain/ingest/decision-types.js';
import type { HeldChain } from '../../domain/ingest/hold.js';
import type { EventKey } from '../../domain/ingest/idempotency.js';
import type { QuotaKind } from '../../domain/ingest/quotas.js';
import type { Profile } from '../../domain/records.js';
import type { OrgTreeReader } from '../org-tree.js';

export type { AppliedEvent };

/**
 * An event that can never apply, kept with its reason for an operator to fix and re-drive.
 * Kept per sending identity (`id` names the key and the sender, see domain/ingest/idempotency.ts).
 */
export interface RejectedEvent {
  id: string;
  reason: string;
  message: string;
  body: string;
  eventId?: string;
  /** The envelope's source, when the body had a usable (source, id). */
  source?: string;
  /** `<source>/<id>`, or `message:<messageId>` for a body with no usable key. */
  key?: string;
  /** Who sent it: the SQS SenderId (a redrive keeps the first sender's). */
  senderId?: string;
  type?: string;
  rejectedAt: string;
  /**
   * The person the body names, if any: the body is sealed under that person's key, and
   * follows their corrections and erasure (docs/personal-data.md).
   */
  personId?: string;
  /**
   * Other persons the body is about (an admission's applicant, through its dossier): an
   * erasure of any of them finds it and forgets it too.
   */
  linkedPersonIds?: string[];
  /**
   * Set when read past its time (RETENTION_DAYS.rejected after `rejectedAt`): every list
   * and count leaves it out; only an erasure still reaches it, to delete it before the
   * table's TTL does (docs/security.md "What expires").
   */
  expired?: true;
}

/** An event waiting for its predecessor, kept per sending identity like a rejection. */
export interface WaitingRef {
  /** `<source>/<id>@<senderId>` (domain/ingest/idempotency.ts waitingId). */
  id: string;
  eventId: string;
  source: string;
  senderId: string;
  /** The person the event names, if any: why it waits names them, and goes with their erasure. */
  personId?: string;
  /** The message's receive count at this try: when the next one comes (domain/ingest/retry-schedule.ts). */
  receiveCount?: number;
  /**
   * Its message is in the dead-letter queue, parked behind a held event of its group
   * (domain/ingest/hold.ts): it is tried again only when redriven, whatever its receive count.
   */
  inDeadLetterQueue?: true;
}

/**
 * An operator's redrive of a stored body (a rejected event, a DLQ message): the token
 * the re-sent message carries and the sender it stands for. Written by the operator's
 * CLI, read by the ingest from its own table — never taken from the message itself.
 */
export interface RedriveGrant {
  token: string;
  /** The identity that first sent the body. */
  senderId: string;
  /** A keyed digest of the body (shared/data/redrive-grant.ts): the grant vouches for this body only. */
  bodyDigest: string;
  createdAt: string;
  /** Epoch seconds after which it vouches for nothing (it expires with its message). */
  expiresAt: number;
  /** The SQS message id of the message it served: it serves that one only. */
  usedBy?: string;
}

/** A producer reached one of its quotas (domain/ingest/quotas.ts): what `dangvien status` shows. */
export interface QuotaReached {
  /** The identity counted (without a role session). */
  senderId: string;
  kind: QuotaKind;
  limit: number;
  /** When (ISO-8601). */
  at: string;
}

/**
 * `already-applied`: the event's marker exists (another delivery committed first);
 * `stale`: a record changed since it was read (a version condition failed). Nothing was
 * written in either case.
 */
export type CommitResult = 'committed' | 'already-applied' | 'stale';

export interface IngestStore extends OrgTreeReader {
  /** The marker of the key (`source`, `eventId`), read consistently. */
  findApplied(key: EventKey): Promise<AppliedEvent | undefined>;
  /** Loads what `needs` names and `state` does not have yet; answers whether anything was loaded. */
  loadNeeds(needs: Needs, state: LoadedState): Promise<boolean>;
  /**
   * All of `writes` and the marker, or nothing. Each record write holds only if the record
   * is still at `expectedVersion` (null: absent), the marker only if absent.
   * `clearDeferred` also forgets why the event waited;
   * `loaded`: the state the writes were decided on (a store may reuse what it read for it).
   */
  commit(marker: AppliedEvent, writes: readonly Write[], opts: { clearDeferred?: WaitingRef; loaded?: LoadedState }): Promise<CommitResult>;
  storeRejected(rejected: RejectedEvent): Promise<void>;
  /**
   * How many rejected bodies from `senderId` are kept about `personId`, counted up to
   * `limit` (docs/personal-data.md: a cap per person and sender).
   */
  rejectedBodiesAbout(personId: string, senderId: string, limit: number): Promise<number>;
  /**
   * After a correction of a person's profile: the person gets a new key, every copy kept
   * about them is sealed again under it, the rejected events kept about them take the
   * correction, and the old key is destroyed (docs/personal-data.md).
   */
  followCorrection(personId: string, correction: Partial<Profile>): Promise<void>;
  /** When each of these persons (ids, or pseudonyms of erased ones) was erased, for those that were. */
  erasures(personIds: readonly string[]): Promise<Map<string, string>>;
  /** Notes why an event waits, so an operator can see it while it is retried and in the DLQ. */
  storeDeferred(waiting: WaitingRef, reason: string, message: string): Promise<void>;
  /**
   * The redrive grant of `token` when it is kept, vouches for this very `body` and may serve
   * the message `messageId` (no message used it yet, or this one did), read consistently;
   * undefined otherwise (none, expired, another body, used by another message).
   */
  redriveGrantFor(token: string, body: string, messageId: string): Promise<RedriveGrant | undefined>;
  /**
   * Marks the grant of `token` used by the message `messageId`, for as long as it is kept:
   * a redelivery of that message is served again, any other message never. False when
   * another message used it first, or it is gone.
   */
  useRedriveGrant(token: string, messageId: string): Promise<boolean>;
  /** Forgets why an event waited: it is done with (rejected, or a duplicate, after waiting). */
  clearDeferred(waiting: WaitingRef): Promise<void>;
  /** Whether this very event of this sender is noted as waiting (an expired note is not). */
  isDeferred(waiting: WaitingRef): Promise<boolean>;
  /** How many events of the identity `quotaKey` are noted as waiting (expired notes aside). */
  countWaiting(quotaKey: string): Promise<number>;
  /** Notes that a quota was reached, for `dangvien status` (kept a day). */
  noteQuotaReached(reached: QuotaReached): Promise<void>;
  /**
   * Adds `n` events to what the identity `quotaKey` sent in `minute` and answers the new
   * total (one write per identity and batch; the count expires with the day).
   */
  countEvents(quotaKey: string, minute: string, n: number): Promise<number>;
  /** How many rejected bodies of the identity `quotaKey` are kept (not expired, not redriven or erased). */
  countRejectedKept(quotaKey: string): Promise<number>;
}

/**
 * A rejected event's body when nothing of it may be kept (an unknown or out-of-scope
 * sender, docs/security.md): such a rejection cannot be redriven, only sent again by its producer.
 */
export const NO_BODY = '';

/**
 * A message group held behind an event that went to the dead-letter queue
 * (domain/ingest/hold.ts): its later events are parked behind it until it comes back.
 */
export interface HeldGroup {
  /** The SQS FIFO MessageGroupId. */
  group: string;
  /** The idempotency key `<source>/<id>` of the event in the dead-letter queue. */
  heldKey: string;
  heldEventId: string;
  /** Why it waited when it went to the dead-letter queue. */
  reason: RetryReason;
  /** When the group was held (ISO-8601). */
  since: string;
  /** What the held event waits for, and what it and the events parked behind it touch. */
  chain: HeldChain;
  /** How many events were parked behind it. */
  parked: number;
  /**
   * Whose event is held: its sender's quota key (domain/ingest/quotas.ts quotaKeyOf). Only
   * that producer's later events are held behind it; absent (producer scoping off: one
   * producer), every event of the group is.
   */
  producer?: string;
}

/**
 * Where a held group's events are parked: in the dead-letter queue itself, behind the held
 * event, in the group's order (the DLQ is FIFO), each under a redrive grant for its sender —
 * so that `dangvien dlq redrive` brings them all back in order, applied as their producers'.
 * shared/data/group-holds.ts is the DynamoDB + SQS one.
 */
export interface GroupHolds {
  /** Holds `hold.group` behind `hold.heldKey`; a group held already stays held behind its first. */
  hold(hold: Omit<HeldGroup, 'parked'>): Promise<void>;
  /**
   * Counts `body` in the hold of `group` and adds what it touches to the group's chain, then
   * sends it to the dead-letter queue in `group` under a grant for `senderId` (in that order:
   * the hold never counts fewer events than the queue holds behind it). A repeat (a crash
   * before the ack) is a second copy in the queue, a duplicate by its marker when it applies.
   */
  park(group: string, body: string, senderId: string, touches: readonly string[]): Promise<void>;
  /** Ends the hold of `group` if it is still behind `heldKey` (the held event is done with); answers whether it did. */
  release(group: string, heldKey: string): Promise<boolean>;
  /** Every held group (expired holds aside), read consistently: what each ingest batch and `dangvien status` read. */
  list(): Promise<HeldGroup[]>;
}
