// use case sendEvents: what `dangvien send` reads besides the queue (event-queue.ts): the
// markers and rejections that say what became of each line, and the stored dossiers and
// transfers whose person an event leaves out. The DynamoDB one is shared/data/send-store.ts.
import type { AppliedEvent } from '../../domain/ingest/applied-event.js';
import type { EventKey } from '../../domain/ingest/idempotency.js';
import type { RejectedEvent } from '../ingest-event/port.js';
import type { WaitingEvent } from '../redrive/port.js';

/** A dossier or a transfer, by id. */
export type PersonRef = { dossierId: string } | { transferId: string };

export interface SendStore {
  /** The marker of the key, read consistently. */
  findApplied(key: EventKey): Promise<AppliedEvent | undefined>;
  listRejected(): Promise<RejectedEvent[]>;
  /** Which of these idempotency keys have been applied, as `<source>/<id>`. */
  appliedKeys(keys: readonly EventKey[]): Promise<Set<string>>;
  /** The notes the ingest keeps of events waiting for their predecessor (why, tries, when): why a line is pending. */
  listWaiting(): Promise<WaitingEvent[]>;
  /** The person of each dossier (its applicant) or transfer (its member) named, in order; undefined when it is not stored. */
  personsOf(refs: readonly PersonRef[]): Promise<Array<string | undefined>>;
}
