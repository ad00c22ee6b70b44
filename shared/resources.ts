// The one definition of the stateful resources. infra/ declares them in CloudFormation
// from here and local/ creates them in the emulators from here: no second copy to drift.
import { MAX_BODY_BYTES } from './domain/events/index.js';

/** A DynamoDB attribute used in a key. All our keys are strings. */
export interface KeyDef {
  name: string;
}

export interface IndexDef {
  indexName: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  /** Which attributes the index carries; 'ALL' keeps the handlers simple. */
  projection: 'ALL' | 'KEYS_ONLY';
}

export interface TableDef {
  /** Logical id in CDK and the table name's stem locally. */
  id: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  indexes: IndexDef[];
  /** DynamoDB Streams view, when something reacts to the table's changes. */
  stream?: 'NEW_AND_OLD_IMAGES';
  /** The attribute (epoch seconds) after which DynamoDB deletes an item, for items only useful for a while. */
  timeToLive?: string;
}

export interface QueueDef {
  id: string;
  fifo: boolean;
  /** Seconds; AWS asks ≥ 6 × the consuming function's timeout. */
  visibilityTimeout: number;
  /** Receives after which a message moves to the dead-letter queue. */
  maxReceiveCount?: number;
  /** The largest message body accepted, in bytes. */
  maxMessageSizeBytes?: number;
  deadLetterQueue?: string;
  /** Days a message is kept (SQS: 1 minute to 14 days; a FIFO dead-letter queue counts from the move). */
  retentionDays?: number;
}

/** SQS's longest retention, and ours unless a queue says otherwise: an operator has two weeks to redrive. */
export const DEFAULT_QUEUE_RETENTION_DAYS = 14;

/** The attribute (epoch seconds) by which DynamoDB expires an item of a table that has a TTL. */
export const TTL_ATTRIBUTE = 'expiresAt';

/**
 * Member, dossier, transfer and org records, the facts that feed yearly figures,
 * the audit trail (applied events) and the rejected events. The stream drives the
 * figures.
 */
export const RECORDS_TABLE: TableDef = {
  id: 'Records',
  partitionKey: { name: 'pk' },
  sortKey: { name: 'sk' },
  indexes: [
    // What a cell holds now: active members, open dossiers, pending and attending transfers.
    { indexName: 'byCell', partitionKey: { name: 'cellKey' }, sortKey: { name: 'sk' }, projection: 'ALL' },
    // Sparse: only items with a reminder still to send, bucketed by month of the next one.
    { indexName: 'byRemindOn', partitionKey: { name: 'remindMonth' }, sortKey: { name: 'remindOn' }, projection: 'ALL' },
    // Sparse: every item about a person (records, audit trail, rejected events), for
    // `person show`/`person erase` and for a correction to reach every copy (docs/personal-data.md).
    { indexName: 'byPerson', partitionKey: { name: 'personKey' }, sortKey: { name: 'sk' }, projection: 'ALL' },
  ],
  stream: 'NEW_AND_OLD_IMAGES',
  // Rejected and waiting events, redrive grants, holds and quota counters expire
  // (shared/data/retention.ts); records, markers and salts never carry the attribute.
  timeToLive: TTL_ATTRIBUTE,
};

/**
 * The KMS encryption context of every use of the personal data key: the vault's master
 * secret (shared/data/personal-vault.ts); the key policy allows no other use.
 */
export const PERSONAL_DATA_KEY_CONTEXT = { purpose: 'dangvien-personal-data' } as const;

/**
 * Per-org figures (own and whole-subtree) and the reminders already sent. The lists a
 * day's digests are made of expire (`DAY_ITEMS_TTL_DAYS`); nothing else there does.
 */
export const FIGURES_TABLE: TableDef = {
  id: 'Figures',
  partitionKey: { name: 'pk' },
  sortKey: { name: 'sk' },
  indexes: [],
  timeToLive: TTL_ATTRIBUTE,
};

export const TABLES = [RECORDS_TABLE, FIGURES_TABLE] as const;

/**
 * The largest event body (docs/events.md: 256 KiB). SQS would take 1 MiB, but a body must
 * fit, with its keys, in one DynamoDB item (400 KB) when it is stored as rejected or
 * waiting, or it could never be recorded and would loop through the retries.
 */
const MAX_EVENT_BYTES = MAX_BODY_BYTES;

/**
 * Ingest: SQS FIFO, the subject as message group (docs/events.md). Messages carry profiles,
 * which no erasure reaches while they are queued (docs/personal-data.md): the ingest queue
 * keeps one 4 days, far longer than an event takes to apply or, after five receives, to
 * move on; the dead-letter queue 14 days from the move, the time an operator may need to
 * redrive it across a holiday such as Tết (docs/runbook.md).
 */
export const INGEST_DLQ: QueueDef = {
  id: 'IngestDlq.fifo',
  fifo: true,
  visibilityTimeout: 30,
  maxMessageSizeBytes: MAX_EVENT_BYTES,
  retentionDays: 14,
};
export const INGEST_QUEUE: QueueDef = {
  id: 'Ingest.fifo',
  fifo: true,
  visibilityTimeout: 180,
  // Four short waits, one of the whole visibility timeout, then the DLQ (domain/ingest/retry-schedule.ts).
  maxReceiveCount: 6,
  deadLetterQueue: INGEST_DLQ.id,
  maxMessageSizeBytes: MAX_EVENT_BYTES,
  retentionDays: 4,
};

/** Reminders go out here (an SNS topic in the cloud, a queue locally to read them from). */
export const NOTIFICATIONS_QUEUE: QueueDef = { id: 'Notifications', fifo: false, visibilityTimeout: 30 };

export const QUEUES = [INGEST_DLQ, INGEST_QUEUE, NOTIFICATIONS_QUEUE] as const;

/** Event source settings shared by the cloud mappings and the local runners. */
export const INGEST_SOURCE = { batchSize: 10, functionTimeoutSeconds: 30 } as const;
/**
 * A figures invocation recounts each cell and merges each ancestor once for its whole
 * batch, so under a backlog (a bulk import, a year-end rush) a larger batch writes the
 * upper levels' items, the root's above all, proportionally less often. Lambda still
 * invokes as soon as records arrive (no batching window) and caps a batch at its 6 MB
 * payload, so a quiet stream keeps small batches and their latency.
 */
export const FIGURES_SOURCE = { batchSize: 1000, retryAttempts: 10, functionTimeoutSeconds: 60 } as const;

/** The daily reminders job: 07:00 Asia/Ho_Chi_Minh. */
export const REMINDERS_SCHEDULE = { hour: 7, minute: 0, timeZone: 'Asia/Ho_Chi_Minh' } as const;
