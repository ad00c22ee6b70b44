// use cases listWaiting, redriveRejected, redriveDlq: what an operator's look at the events
// that did not apply, and their redrive, read and write. `dangvien rejected` and `dlq`
// pass the DynamoDB store (shared/data/redrive-store.ts) and the SQS queues.
import type { EventKey } from '../../domain/ingest/idempotency.js';
import type { QuotaReached, RejectedEvent } from '../ingest-event/port.js';

/** An event waiting for its predecessor, as an operator sees it. */
export interface WaitingEvent {
  /** `<source>/<id>@<senderId>`. */
  id: string;
  eventId: string;
  source?: string;
  senderId?: string;
  reason: string;
  message: string;
  attempts: number;
  /** The message's receive count at its last try (absent in notes kept before it was noted). */
  receiveCount?: number;
  /** Its message is parked in the dead-letter queue behind a held event of its group. */
  inDeadLetterQueue?: boolean;
  /** When it first waited, and when it was last tried (ISO-8601). */
  since: string;
  lastTriedAt?: string;
}

export interface RedriveStore {
  /** Every rejected event kept, its body opened (NO_BODY when nothing was kept or its key was erased). */
  listRejected(): Promise<RejectedEvent[]>;
  /** Every event noted as waiting (some may have applied since). */
  listDeferred(): Promise<WaitingEvent[]>;
  /**
   * Forgets a rejected event, only if it is still the rejection that was read (same
   * `rejectedAt`): a redriven event rejected again in the meantime keeps its new reason.
   */
  deleteRejected(rejected: Pick<RejectedEvent, 'id' | 'rejectedAt'>): Promise<void>;
  /** Which of these idempotency keys have been applied, as `<source>/<id>` (domain/ingest/idempotency.ts). */
  appliedKeys(keys: readonly EventKey[]): Promise<Set<string>>;
  /**
   * Records that `body` is re-sent for `senderId` (a redrive grant, which the ingest reads
   * from its own table); answers the token the message must carry.
   */
  grantRedrive(senderId: string, body: string): Promise<string>;
  /**
   * The sender a grant of `token` records, when it is kept and vouches for this very
   * `body` (a DLQ message that was itself a redrive); undefined otherwise.
   */
  grantedSender(token: string, body: string): Promise<string | undefined>;
  /** Deletes the grant of `token` (its message went out again under another). */
  revokeRedriveGrant(token: string): Promise<void>;
  /** The quotas producers reached in the last day (`dangvien status`). */
  listQuotasReached(): Promise<QuotaReached[]>;
}

/** A message of the ingest's dead-letter queue, as a redrive needs it. */
export interface DeadLetter {
  body: string;
  /**
   * The message group it was in: a redrive puts it back there, behind the events of its
   * group that came before it and ahead of those parked behind it (domain/ingest/hold.ts).
   */
  group?: string;
  /**
   * Who sent it to the ingest queue: the SenderId SQS set (a system attribute no producer
   * can set), or on the local stack the identity `send --sender` named.
   */
  firstSender?: string;
  /**
   * The redrive token it carries. Anyone may set the attribute: it stands for a sender
   * only through a grant in the table that vouches for the body.
   */
  redrive?: string;
  /** What deleting it from the queue takes. */
  receipt: string;
}

export interface DeadLetterQueue {
  /** Up to ten messages, hidden for a while (they come back unless removed); none when the queue is empty. */
  receive(): Promise<DeadLetter[]>;
  remove(messages: readonly DeadLetter[]): Promise<void>;
  /** Makes these received messages visible again at once (they were received, not meant to be taken). */
  giveBack(messages: readonly DeadLetter[]): Promise<void>;
}
