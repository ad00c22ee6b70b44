// use cases: the port to the ingest queue, shared by the operator's use cases that put
// events on it (send, redrive). The SQS one is shared/data/queue-sender.ts.
import type { Outgoing } from '../domain/events/outgoing.js';

export type { Outgoing };

export interface SendOptions {
  /** A new deduplication id for each send (a redrive). */
  fresh?: boolean;
  /** Local stack only: the producer identity to send as (`dangvien send --sender`). */
  localSender?: string;
}

/** What a send did, per item: its message id, or why the queue refused it. */
export type SendOutcome = { ok: true; messageId: string } | { ok: false; message: string };

export interface EventQueue {
  /**
   * Sends the items in order (each in its message group, with its deduplication id,
   * domain/events/outgoing.ts) and answers, per item, its message id or the queue's
   * refusal; never throws for a refused item, so a caller can act on exactly what was sent.
   */
  send(items: readonly Outgoing[], opts?: SendOptions): Promise<SendOutcome[]>;
}
