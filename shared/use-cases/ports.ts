// use cases: what each use case needs from storage, as interfaces. A use case receives
// its store; the handler or CLI passes the DynamoDB one (shared/data), unit tests an
// in-memory one (test/helpers/in-memory-stores.ts) and so run the real use case.
// Types and one key helper: importing this module loads no SDK.
import type { DatedChanges, MergeBookkeeping, OrgFigures, OrgTree, Tally } from '../domain/figures/index.js';
import type { LoadedState, Needs, Write } from '../domain/ingest/decision-types.js';
import type { AppliedEvent } from '../domain/ingest/applied-event.js';
import type { EventKey } from '../domain/ingest/idempotency.js';
import type { OrgLookup } from '../domain/ingest/scope.js';
import type { FactRecord, OrgRecord, Profile, StoredRecord, VersionedRecord } from '../domain/records.js';
import type { Digest } from '../domain/digest.js';
import type { Notification, ReminderNotification } from '../domain/notifications.js';
import type { Reminder } from '../domain/reminders.js';

// ---------------------------------------------------------------------------
// ingestEvent

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
   * follows their corrections and erasure (CONTRACT §11).
   */
  personId?: string;
}

/** An event waiting for its predecessor, kept per sending identity like a rejection. */
export interface WaitingRef {
  /** `<source>/<id>@<senderId>` (domain/ingest/idempotency.ts waitingId). */
  id: string;
  eventId: string;
  source: string;
  senderId: string;
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
  /** SHA-256 of the body: the grant vouches for this body only. */
  bodyHash: string;
  createdAt: string;
}

/**
 * `already-applied`: the event's marker exists (another delivery committed first);
 * `stale`: a record changed since it was read (a version condition failed). Nothing was
 * written in either case.
 */
export type CommitResult = 'committed' | 'already-applied' | 'stale';

export interface IngestStore {
  /** The marker of the key (`source`, `eventId`), read consistently. */
  findApplied(key: EventKey): Promise<AppliedEvent | undefined>;
  /** Loads what `needs` names and `state` does not have yet; answers whether anything was loaded. */
  loadNeeds(needs: Needs, state: LoadedState): Promise<boolean>;
  /**
   * All of `writes` and the marker, or nothing. Each record write holds only if the record
   * is still at `expectedVersion` (null: absent), the marker only if absent.
   * `clearDeferred` (a {@link WaitingRef} id) also forgets why the event waited;
   * `loaded`: the state the writes were decided on (a store may reuse what it read for it).
   */
  commit(marker: AppliedEvent, writes: readonly Write[], opts: { clearDeferred?: string; loaded?: LoadedState }): Promise<CommitResult>;
  storeRejected(rejected: RejectedEvent): Promise<void>;
  /** Applies a correction of a person's profile to the rejected events kept about them. */
  correctRejected(personId: string, correction: Partial<Profile>): Promise<void>;
  /** Notes why an event waits, so an operator can see it while it is retried and in the DLQ. */
  storeDeferred(waiting: WaitingRef, reason: string, message: string): Promise<void>;
  /** The redrive grant of `token`, read consistently; undefined when there is none. */
  findRedriveGrant(token: string): Promise<RedriveGrant | undefined>;
  /**
   * The whole org tree as of this call, for the scope check: the ORGTREE counter read
   * consistently, a copy kept from an earlier call reused when no org was written since.
   */
  orgTree(): Promise<OrgLookup>;
}

// ---------------------------------------------------------------------------
// refreshFigures, buildReport

/** `own`: a cell's recount of its own records; `subtree`: the org and everything under it. */
export type FiguresKind = 'own' | 'subtree';

export interface StoredFigures extends MergeBookkeeping {
  orgId: string;
  kind: FiguresKind;
  figures: OrgFigures;
  /** Bumped by every write; a write states the version it read (optimistic concurrency). */
  version: number;
}

/** A record the index byCell holds for a cell, with its item's partition key. */
export interface CellHolding {
  pk: string;
  stored: VersionedRecord;
}

/** What reading the figures needs (the report). */
export interface FiguresReader {
  /** Figures by (org, kind), keyed `kind:orgId` ({@link figuresId}); absent ones are not in the map. */
  readFigures(wanted: ReadonlyArray<{ orgId: string; kind: FiguresKind }>, consistent?: boolean): Promise<Map<string, StoredFigures>>;
  /** The org tree as of now, with its version (`OrgTree.version`; undefined when not known for sure). */
  currentOrgTree(): Promise<OrgTree>;
}

export interface FiguresStore extends FiguresReader, AsOfStore {
  /**
   * Writes at `readVersion + 1` only if nobody wrote since `readVersion` was read (undefined:
   * absent); false when someone did. A subtree item carries its `bookkeeping` (none: dropped).
   */
  writeFigures(
    orgId: string,
    kind: FiguresKind,
    figures: OrgFigures,
    readVersion: number | undefined,
    bookkeeping?: MergeBookkeeping,
  ): Promise<boolean>;
  /** What a cell holds now, from index byCell: eventually consistent, so callers verify. */
  queryCellItems(cellId: string): Promise<CellHolding[]>;
  /** A cell's facts of one year, read consistently. */
  queryFacts(cellId: string, year: number): Promise<FactRecord[]>;
  /** The version of a record now, read consistently (0 when it does not exist). */
  currentVersion(key: { pk: string; sk: string }): Promise<number>;
}

/**
 * One item of an org's figures as of a date: `nets` (year → the net change of that
 * year) or one year (`"2021"`: `MM-DD` → the changes dated that day).
 */
export interface StoredAsOf extends MergeBookkeeping {
  orgId: string;
  kind: FiguresKind;
  part: string;
  data: Record<string, Tally>;
  version: number;
}

/** What one record contributes to one cell's figures as of a date, at the record's version. */
export interface StoredContribution {
  cellId: string;
  /** The partition key of the record (`MEMBER#M1`). */
  recordPk: string;
  version: number;
  changes: DatedChanges;
}

/** What putting a contribution did: whether it was written, and the one it replaced (content and record version). */
export interface ContributionPut {
  written: boolean;
  replaced?: { changes: DatedChanges; version: number };
}

/** The as-of items a refresh reads and writes (see shared/data/figures-store.ts). */
export interface AsOfStore {
  /** Items by (org, kind, part), keyed {@link asOfId}; absent ones are not in the map. */
  readAsOf(
    wanted: ReadonlyArray<{ orgId: string; kind: FiguresKind; part: string }>,
    consistent?: boolean,
  ): Promise<Map<string, StoredAsOf>>;
  /** Writes only if nobody wrote since `readVersion` (undefined: absent); false when someone did. */
  writeAsOf(item: Omit<StoredAsOf, 'version'>, readVersion: number | undefined): Promise<boolean>;
  /**
   * Puts a record's contribution to a cell unless one of a later record version is
   * there; returns the contribution it replaced (undefined: none, or not replaced).
   */
  putContribution(c: StoredContribution): Promise<ContributionPut>;
  /** Every contribution to a cell, read consistently. */
  queryContributions(cellId: string): Promise<StoredContribution[]>;
}

/** The key of an as-of item in the maps {@link AsOfStore.readAsOf} answers. */
export const asOfId = (orgId: string, kind: FiguresKind, part: string) => `${kind}:${orgId}:${part}`;

/** The key of a figures item in the maps {@link FiguresReader.readFigures} answers. */
export const figuresId = (orgId: string, kind: FiguresKind) => `${kind}:${orgId}`;

// ---------------------------------------------------------------------------
// runRemindersJob

/** Items and how many were read to get them (the job's cost). */
export interface Read<T> {
  items: T[];
  read: number;
}

export interface RecordKey {
  pk: string;
  sk: string;
}

/** A record as the reminders job reads it: where it sits in index byRemindOn now. */
export interface RemindableRecord {
  key: RecordKey;
  stored: StoredRecord;
  /** Its place in index byRemindOn (null: not in it). */
  remindOn: string | null;
}

/** A reminder or digest recorded but not yet known to be published. */
export interface OutboxItem {
  id: string;
  /** Exactly what is to be published: body and attributes are derived from it alone. */
  notification: Notification;
  owner: string;
  leaseUntil: number;
}

export type RecordOutcome = 'recorded' | 'already-sent';

export interface RemindersStore {
  /** Everything in the outbox (normally empty: only crashes leave items behind). */
  listOutbox(): Promise<Read<OutboxItem>>;
  /** Takes an outbox item whose lease ran out before `now`; false when gone or still leased. */
  claimOutbox(id: string, owner: string, now: number, leaseUntil: number): Promise<boolean>;
  /** Removes a published reminder from the outbox, unless another run has taken it over since. */
  deleteOutbox(id: string, owner: string): Promise<void>;
  /** The outbox id of the reminder `key` of a record. */
  outboxId(recordPk: string, key: string): string;
  /** The keys of one month bucket of index byRemindOn due on or before `date` (eventually consistent). */
  queryDue(month: string, date: string): Promise<Read<RecordKey>>;
  /** The records with these keys as they are now (consistent reads); absent ones are left out. */
  getRecords(keys: readonly RecordKey[]): Promise<Read<RemindableRecord>>;
  /** The keys of the reminders already recorded for a record. */
  loadSentKeys(recordPk: string): Promise<Read<string>>;
  /**
   * Records a reminder as sent, puts it in the outbox leased to `owner` and in the list
   * of its day's reminders (what the digests are made of), in one step.
   */
  recordReminder(
    recordPk: string,
    key: string,
    notification: ReminderNotification,
    owner: string,
    leaseUntil: number,
  ): Promise<RecordOutcome>;
  /** The reminders recorded for the job date `date`, by any run. */
  loadDayReminders(date: string): Promise<Read<Reminder>>;
  /** Records a digest as sent for its org and day and puts it in the outbox leased to `owner`, in one step. */
  recordDigest(digest: Digest, owner: string, leaseUntil: number): Promise<RecordOutcome>;
  /** The outbox id of the digest of `digestFor` on `date`. */
  digestOutboxId(digestFor: string, date: string): string;
  /** Moves a record in index byRemindOn (null: out of it) if it is still at `version`. */
  moveInIndex(key: RecordKey, version: number, remindOn: string | null): Promise<boolean>;
  /** Publishes a reminder or a digest on the notifications topic, with its message attributes. */
  publish(notification: Notification): Promise<void>;
  /** The whole org tree, eventually consistent (a merged cell's successor is all the job needs). */
  loadOrgs(): Promise<OrgRecord[]>;
  /** The heartbeat: the job completed a run for `date` (`dangvien status`). */
  recordCompletedRun(date: string): Promise<void>;
}

/**
 * A rejected event's body when nothing of it may be kept (an unknown or out-of-scope
 * sender, CONTRACT §11): such a rejection cannot be redriven, only sent again by its producer.
 */
export const NO_BODY = '';
