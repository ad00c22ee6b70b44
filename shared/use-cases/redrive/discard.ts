// use case: an operator takes named events out of the dead-letter queue for good (`dangvien
// dlq discard`, docs/runbook.md). Nothing is lost: each becomes a rejected event `discarded`,
// its body kept under its first sender as any rejection's, so `dangvien rejected redrive`
// can still send it. A group held behind the discarded event is released
// (docs/architecture.md "A group held behind the dead-letter queue"), so the events parked
// behind it apply at the next `dlq redrive`.
// (adapter) CLI `dlq discard` --> use case --> DeadLetterQueue, RedriveStore (port.ts), IngestStore, GroupHolds
import { parseEvent } from '../../domain/events/index.js';
import { envelopeKeyOf, idempotencyKey, rejectionId, waitingId } from '../../domain/ingest/idempotency.js';
import { personNamedByBody } from '../../domain/personal-data.js';
import { bodyIndexedBy, mayKeepBodyAbout, personsAboutEvent } from '../ingest-event/index.js';
import { type GroupHolds, type IngestStore, NO_BODY } from '../ingest-event/port.js';
import { senderOfDeadLetter } from './index.js';
import type { DeadLetter, DeadLetterQueue, RedriveStore } from './port.js';

/** Where a discarded message's rejection goes: the ingest's own path (sealed, capped per person, nothing of an erased person). */
export type DiscardRejections = Pick<IngestStore, 'storeRejected' | 'rejectedBodiesAbout' | 'erasures' | 'clearDeferred' | 'loadNeeds'>;

/** What `dlq discard` needs. */
export interface DiscardStores {
  redrive: Pick<RedriveStore, 'grantedSender' | 'revokeRedriveGrant'>;
  rejections: DiscardRejections;
  holds: Pick<GroupHolds, 'release'>;
  dlq: DeadLetterQueue;
}

/** A message named for discarding, as the operator sees it. */
export interface Discarded {
  /** `<source>/<id>`. */
  key: string;
  eventId: string;
  /** The message group it was in. */
  group?: string;
  /** Whose it is (its first sender): the rejection is kept under this identity. */
  senderId: string;
  /** Its group was held behind it and is released (absent in a dry run, which changes nothing). */
  released?: boolean;
}

export type DiscardResult =
  /** Some ids name no message of the DLQ (or an event id names several): nothing was changed. */
  | { outcome: 'unknown'; unknown: string[] }
  | { outcome: 'discarded'; discarded: Discarded[] }
  | { outcome: 'dry-run'; wouldDiscard: Discarded[] };

const DISCARDED_MESSAGE =
  'discarded from the dead-letter queue by an operator; `dangvien rejected redrive` sends it again while it is kept';

/**
 * Takes the messages `ids` name out of the dead-letter queue: each becomes a rejected event
 * `discarded` kept under its first sender (the same rule as `dlq redrive`: a carried token
 * alone proves nothing), its note of waiting is cleared, and a group held behind it is
 * released. An id is a message's `<source>/<id>`, or an event id that names exactly one
 * message (what `status` shows of a held group). The messages received while looking that
 * are not named are made visible again at once. When an id names nothing, nothing changes.
 * A crash half-way leaves what is not done yet for a second run: the rejection is written
 * (the same item again) and the hold released before the message leaves the queue.
 */
export async function discardDeadLetters(
  stores: DiscardStores,
  ids: readonly string[],
  opts: { dryRun?: boolean } = {},
): Promise<DiscardResult> {
  const received = await receiveUntilFound(stores.dlq, ids);
  const named = new Set<DeadLetter>();
  const unknown: string[] = [];
  for (const id of ids) {
    const found = lookup(received, id);
    if (found.length === 0) unknown.push(id);
    for (const r of found) named.add(r.message);
  }
  const others = received.filter((r) => !named.has(r.message)).map((r) => r.message);
  if (unknown.length > 0 || opts.dryRun) {
    await stores.dlq.giveBack(received.map((r) => r.message));
    if (unknown.length > 0) return { outcome: 'unknown', unknown };
  }
  // Given back before the work: they are not for this command, and nothing below needs them hidden.
  else await stores.dlq.giveBack(others);
  const chosen = received.filter((r): r is Keyed => named.has(r.message));
  const discarded: Discarded[] = [];
  for (const { message, key, source, eventId } of chosen) {
    const sender = await senderOfDeadLetter(stores.redrive, message);
    const item: Discarded = { key, eventId, ...(message.group ? { group: message.group } : {}), senderId: sender.senderId };
    if (opts.dryRun) {
      discarded.push(item);
      continue;
    }
    await keepAsRejected(stores.rejections, message.body, { key, source, eventId }, sender.senderId);
    // The hold ends only when it is behind this very event (a conditional delete: it answers which).
    const released = message.group !== undefined && (await stores.holds.release(message.group, key));
    await stores.dlq.remove([message]);
    // Its grant vouched for a message that is gone: a `rejected redrive` makes a new one.
    if (sender.grant) await stores.redrive.revokeRedriveGrant(sender.grant);
    discarded.push({ ...item, released });
  }
  return opts.dryRun ? { outcome: 'dry-run', wouldDiscard: discarded } : { outcome: 'discarded', discarded };
}

interface Received {
  message: DeadLetter;
  key?: string;
  source?: string;
  eventId?: string;
}

/**
 * Receives from the DLQ until every id has a message or the queue has nothing more to
 * show (what was received stays hidden meanwhile, so each receive brings new ones).
 */
async function receiveUntilFound(dlq: DeadLetterQueue, ids: readonly string[]): Promise<Received[]> {
  const received: Received[] = [];
  for (;;) {
    if (ids.every((id) => lookup(received, id).length > 0)) return received;
    const batch = await dlq.receive();
    if (batch.length === 0) return received;
    for (const message of batch) {
      const envelope = envelopeKeyOf(message.body);
      received.push(
        envelope
          ? { message, key: idempotencyKey(envelope.source, envelope.eventId), source: envelope.source, eventId: envelope.eventId }
          : { message },
      );
    }
  }
}

/** The messages an id names: those of its `<source>/<id>`, else the one message of its event id. */
type Keyed = Received & { key: string; source: string; eventId: string };

function lookup(received: readonly Received[], id: string): Keyed[] {
  const usable = received.filter((r): r is Keyed => r.key !== undefined);
  const exact = usable.filter((r) => r.key === id);
  if (exact.length > 0) return exact;
  const byEvent = usable.filter((r) => r.eventId === id);
  return byEvent.length === 1 ? byEvent : [];
}

/**
 * The message as a rejected event `discarded`, its body kept as the ingest keeps a rejected
 * body: about the persons the ingest would find (an event's, through the dossier or the
 * transfer it acts on; a body that fails the schema, the one it names), under none of
 * them erased since, indexed by all of them for `person erase`.
 */
async function keepAsRejected(
  store: DiscardRejections,
  body: string,
  { key, source, eventId }: { key: string; source: string; eventId: string },
  senderId: string,
): Promise<void> {
  const parsed = parseEvent(body);
  const persons = parsed.ok ? await personsAboutEvent(store, parsed.event) : personsNamedByBody(body);
  const keep = persons.length === 0 || (await mayKeepBodyAbout(store, persons, senderId, parsed.ok ? parsed.event.occurredAt : undefined));
  await store.storeRejected({
    id: rejectionId(key, senderId),
    key,
    eventId,
    source,
    senderId,
    ...(parsed.ok ? { type: parsed.event.type } : {}),
    reason: 'discarded',
    message: DISCARDED_MESSAGE,
    body: keep ? body : NO_BODY,
    rejectedAt: new Date().toISOString(),
    ...(keep ? bodyIndexedBy(persons) : {}),
  });
  // It waits no longer: its note counts against its producer's waiting quota no more.
  await store.clearDeferred({ id: waitingId(key, senderId), eventId, source, senderId });
}

/** The person a body that fails the schema names, if it names one: the ingest keeps such a body about them. */
function personsNamedByBody(body: string): string[] {
  const named = personNamedByBody(body);
  return named === undefined ? [] : [named];
}
