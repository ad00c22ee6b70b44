// local: what Lambda's DynamoDB Streams event source mapping does, on DynamoDB Local.
// Documented behaviour kept here: records of a shard arrive in order, in batches; a
// handler that throws gets the batch again (split in half first when bisecting), up to
// `retryAttempts`, after which the batch goes to the on-failure destination and the
// shard moves on; with ReportBatchItemFailures the checkpoint moves to the lowest failed
// sequence number, so that record and everything after it come again.
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
  type DynamoDBStreamsClient,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lambdaContext } from './lambda-context.js';
import type { Runner } from './sqs-runner.js';

export type StreamHandler = (event: DynamoDBStreamEvent, context: Context) => Promise<DynamoDBBatchResponse | void>;

export interface StreamRunnerOptions {
  dynamo: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  tableName: string;
  handler: StreamHandler;
  functionName: string;
  batchSize: number;
  retryAttempts: number;
  bisectBatchOnError?: boolean;
  /** Keeps the shard positions across restarts (`npm start`); tests leave it out. */
  checkpointFile?: string;
  /** The on-failure destination: gets a batch that used up its retries. */
  onFailure?: (records: DynamoDBRecord[], error: unknown) => Promise<void> | void;
  onError?: (error: unknown) => void;
  pollIntervalMs?: number;
}

/**
 * The streams client decodes an empty map `{"M":{}}` as `{}`, which Lambda never hands
 * over and `unmarshall` rejects; this puts the `M` back, at any depth.
 */
function restoreEmptyMaps(image: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!image) return image;
  const fix = (value: unknown): unknown => {
    if (!value || typeof value !== 'object') return value;
    const v = value as Record<string, unknown>;
    if (Object.keys(v).length === 0) return { M: {} };
    if (v.M && typeof v.M === 'object') return { M: restoreEmptyMaps(v.M as Record<string, unknown>) };
    if (Array.isArray(v.L)) return { L: v.L.map(fix) };
    return v;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fix(v)]));
}

/** The record shape Lambda hands over (numbers for dates, the stream ARN as source). */
function toLambdaRecord(r: StreamRecord, streamArn: string): DynamoDBRecord {
  const d = r.dynamodb ?? {};
  return {
    eventID: r.eventID,
    eventName: r.eventName as DynamoDBRecord['eventName'],
    eventVersion: r.eventVersion,
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion,
    eventSourceARN: streamArn,
    dynamodb: {
      ApproximateCreationDateTime: d.ApproximateCreationDateTime ? d.ApproximateCreationDateTime.getTime() / 1000 : undefined,
      Keys: d.Keys as never,
      NewImage: restoreEmptyMaps(d.NewImage) as never,
      OldImage: restoreEmptyMaps(d.OldImage) as never,
      SequenceNumber: d.SequenceNumber,
      SizeBytes: d.SizeBytes,
      StreamViewType: d.StreamViewType as never,
    },
  };
}

interface ShardState {
  shardId: string;
  parentShardId?: string;
  iterator?: string;
  /** Fetched, not yet done: the head is what the next invocation starts with. */
  pending: DynamoDBRecord[];
  closed: boolean;
  attempts: number;
  /** The last record fetched, where a fresh iterator resumes. */
  lastFetched?: string;
  /**
   * Every record of the shard written before this instant (ms) has been handled (or sent
   * to the on-failure destination): a read that started then found nothing new, or a
   * handled record was written then (creation times are whole seconds, rounded down).
   */
  doneThrough: number;
}

/** A stream runner, which also tells how far behind the table its consumer is. */
export interface StreamRunner extends Runner {
  /**
   * Seconds since the oldest record fetched and not yet handled was written (0 when the
   * consumer has caught up): Lambda's IteratorAge for this mapping, as the figures lag.
   */
  lagSeconds(now?: number): number;
  /**
   * Resolves true once every record written to the table before `instant` (ms) has been
   * handled, false when `timeoutMs` passes first: "the figures have followed the writes
   * made by then", whatever is written after (someone else's events) and however long
   * the queue holds other messages.
   */
  caughtUpThrough(instant: number, timeoutMs: number): Promise<boolean>;
}

/** Lambda's limit for a synchronous invocation's payload, which also caps a stream batch. */
export const LAMBDA_PAYLOAD_BYTES = 6 * 1024 * 1024;

/** The longest head of `records` whose event fits Lambda's payload limit (at least one record, as Lambda sends). */
export function withinPayload(records: DynamoDBRecord[], maxBytes = LAMBDA_PAYLOAD_BYTES): DynamoDBRecord[] {
  // `{"Records":[` … `]}` and a comma between records.
  let bytes = 14;
  for (let i = 0; i < records.length; i++) {
    bytes += Buffer.byteLength(JSON.stringify(records[i])) + (i > 0 ? 1 : 0);
    if (bytes > maxBytes) return records.slice(0, Math.max(1, i));
  }
  return records;
}

export function startStreamRunner(opts: StreamRunnerOptions): StreamRunner {
  let running = true;
  let aborted = false;
  let idleWaiters: Array<() => void> = [];
  const checkpoints: Record<string, string> =
    opts.checkpointFile && existsSync(opts.checkpointFile) ? JSON.parse(readFileSync(opts.checkpointFile, 'utf8')) : {};
  const shards = new Map<string, ShardState>();
  let streamArn: string | undefined;

  const saveCheckpoint = (shardId: string, sequenceNumber: string | undefined) => {
    if (!sequenceNumber || aborted) return;
    checkpoints[shardId] = sequenceNumber;
    if (opts.checkpointFile) writeFileSync(opts.checkpointFile, JSON.stringify(checkpoints));
  };

  async function discoverShards(): Promise<void> {
    if (!streamArn) {
      const table = await opts.dynamo.send(new DescribeTableCommand({ TableName: opts.tableName }));
      streamArn = table.Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`table ${opts.tableName} has no stream`);
    }
    let start: string | undefined;
    do {
      const out = await opts.streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
      for (const shard of out.StreamDescription?.Shards ?? []) addShard(shard);
      start = out.StreamDescription?.LastEvaluatedShardId;
    } while (start);
  }

  function addShard(shard: Shard): void {
    if (!shard.ShardId || shards.has(shard.ShardId)) return;
    shards.set(shard.ShardId, {
      shardId: shard.ShardId,
      parentShardId: shard.ParentShardId,
      pending: [],
      closed: false,
      attempts: 0,
      doneThrough: Number.NEGATIVE_INFINITY,
    });
  }

  /** A child shard waits until its parent is drained, as Lambda does. */
  function ready(state: ShardState): boolean {
    const parent = state.parentShardId ? shards.get(state.parentShardId) : undefined;
    return !parent || (parent.closed && parent.pending.length === 0);
  }

  /** Fetches the shard's next records; false when the iterator had to be taken again (the shard is not seen yet). */
  async function fetch(state: ShardState): Promise<boolean> {
    if (state.closed) return true;
    if (!state.iterator) {
      const after = state.lastFetched ?? checkpoints[state.shardId];
      const out = await opts.streams.send(
        new GetShardIteratorCommand({
          StreamArn: streamArn,
          ShardId: state.shardId,
          ...(after ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: after } : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      );
      state.iterator = out.ShardIterator;
    }
    if (!state.iterator) {
      state.closed = true;
      return true;
    }
    let out: GetRecordsCommandOutput;
    const readAt = Date.now();
    try {
      out = await opts.streams.send(new GetRecordsCommand({ ShardIterator: state.iterator, Limit: 1000 }));
    } catch (error) {
      // DynamoDB Local answers this for an iterator taken while the shard was empty
      // (aws/aws-sdk-java#2923): take a fresh one from the last record fetched.
      if ((error as Error).name === 'TrimmedDataAccessException' || (error as Error).name === 'ExpiredIteratorException') {
        state.iterator = undefined;
        return false;
      }
      throw error;
    }
    const fetched = (out.Records ?? []).map((r) => toLambdaRecord(r, streamArn ?? ''));
    state.pending.push(...fetched);
    state.lastFetched = fetched[fetched.length - 1]?.dynamodb?.SequenceNumber ?? state.lastFetched;
    state.iterator = out.NextShardIterator;
    if (!state.iterator) state.closed = true;
    // Nothing new and nothing left to handle: everything written before the read is done.
    if (fetched.length === 0 && state.pending.length === 0) state.doneThrough = Math.max(state.doneThrough, readAt);
    return true;
  }

  /** What `done` of the shard's head tells: records written before the last one's second were handled. */
  function handled(state: ShardState, done: readonly DynamoDBRecord[]): void {
    const created = done[done.length - 1]?.dynamodb?.ApproximateCreationDateTime;
    if (created !== undefined) state.doneThrough = Math.max(state.doneThrough, created * 1000);
  }

  /** The instant before which every record of every shard has been handled. */
  function doneThrough(): number {
    let through = Number.POSITIVE_INFINITY;
    for (const state of shards.values()) {
      if (state.closed && state.pending.length === 0) continue;
      through = Math.min(through, state.doneThrough);
    }
    return through;
  }

  let caughtUpWaiters: Array<{ instant: number; resolve: (caughtUp: boolean) => void }> = [];
  function settleCaughtUp(): void {
    if (caughtUpWaiters.length === 0) return;
    const through = doneThrough();
    caughtUpWaiters = caughtUpWaiters.filter((w) => {
      if (w.instant >= through) return true;
      w.resolve(true);
      return false;
    });
  }

  async function invoke(batch: DynamoDBRecord[]): Promise<{ failedFrom?: number; error?: unknown }> {
    try {
      const response = await opts.handler({ Records: batch }, lambdaContext(opts.functionName, 60_000));
      const failures = (response?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      if (failures.length === 0) return {};
      const index = batch.findIndex((r) => failures.includes(r.dynamodb?.SequenceNumber ?? ''));
      return { failedFrom: index < 0 ? 0 : index, error: new Error('partial batch failure') };
    } catch (error) {
      opts.onError?.(error);
      return { failedFrom: 0, error };
    }
  }

  /** One invocation on the head of the shard; returns whether progress was made. */
  async function processHead(state: ShardState): Promise<boolean> {
    if (state.pending.length === 0) return false;
    const size =
      opts.bisectBatchOnError && state.attempts > 0 ? Math.max(1, Math.ceil(opts.batchSize / 2 ** state.attempts)) : opts.batchSize;
    const batch = withinPayload(state.pending.slice(0, size));
    const { failedFrom, error } = await invoke(batch);
    if (aborted) return false;
    const succeeded = failedFrom === undefined ? batch.length : failedFrom;
    if (succeeded > 0) {
      handled(state, state.pending.splice(0, succeeded));
      saveCheckpoint(state.shardId, batch[succeeded - 1]?.dynamodb?.SequenceNumber);
      state.attempts = 0;
      return true;
    }
    state.attempts++;
    if (state.attempts > opts.retryAttempts) {
      const dropped = state.pending.splice(0, batch.length);
      handled(state, dropped);
      saveCheckpoint(state.shardId, dropped[dropped.length - 1]?.dynamodb?.SequenceNumber);
      state.attempts = 0;
      await opts.onFailure?.(dropped, error);
      return true;
    }
    await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** state.attempts)));
    return true;
  }

  async function loop(): Promise<void> {
    while (running) {
      let progressed = false;
      // A pass cut short by an error, or that could not read a shard, has not seen every shard.
      let failed = false;
      try {
        await discoverShards();
        for (const state of shards.values()) {
          if (!running) break;
          if (!ready(state)) continue;
          if (state.pending.length === 0 && !(await fetch(state))) failed = true;
          while (running && (await processHead(state))) progressed = true;
        }
      } catch (error) {
        failed = true;
        if (running) opts.onError?.(error);
      }
      if (!failed) settleCaughtUp();
      if (!progressed) {
        if (!failed) {
          for (const w of idleWaiters) w();
          idleWaiters = [];
        }
        await new Promise((r) => setTimeout(r, opts.pollIntervalMs ?? 100));
      }
    }
  }

  const looping = loop();
  return {
    async stop() {
      running = false;
      await looping;
    },
    abort() {
      running = false;
      aborted = true;
      for (const w of idleWaiters) w();
      idleWaiters = [];
    },
    lagSeconds(now = Date.now()) {
      let oldest = Number.POSITIVE_INFINITY;
      for (const state of shards.values()) {
        const created = state.pending[0]?.dynamodb?.ApproximateCreationDateTime;
        if (created !== undefined) oldest = Math.min(oldest, created * 1000);
      }
      return Number.isFinite(oldest) ? Math.max(0, Math.round((now - oldest) / 1000)) : 0;
    },
    /** Resolves after a full pass over every shard found nothing new. */
    idle() {
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    caughtUpThrough(instant, timeoutMs) {
      return new Promise((resolve) => {
        const waiter = { instant, resolve };
        caughtUpWaiters.push(waiter);
        setTimeout(
          () => {
            caughtUpWaiters = caughtUpWaiters.filter((w) => w !== waiter);
            resolve(false);
          },
          Math.max(0, timeoutMs),
        ).unref();
      });
    },
  };
}
