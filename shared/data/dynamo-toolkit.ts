// data: the DynamoDB loops every store needs, written once: read all pages, batch reads
// and writes that retry what DynamoDB left unprocessed, bounded concurrency, and the
// backoff those retries wait by. Stores call these with their own client; nothing here
// knows a table's layout.
import {
  BatchGetCommand,
  BatchWriteCommand,
  paginateScan,
  QueryCommand,
  type BatchGetCommandOutput,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { mapLimit } from '../map-limit.js';

type Item = Record<string, unknown>;
type Key = Record<string, unknown>;

/** The base of every error this module throws, so callers can tell them from the SDK's. */
export class DynamoToolkitError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DynamoToolkitError';
  }
}

/**
 * A batch request still had unprocessed keys or items after its last attempt: the table
 * is throttled beyond what waiting a few seconds cures. Nothing is lost by throwing: the
 * batch operations here are idempotent, so the caller may run the whole call again.
 */
export class UnprocessedItemsError extends DynamoToolkitError {
  constructor(
    readonly operation: 'BatchGetItem' | 'BatchWriteItem',
    readonly remaining: number,
    readonly attempts: number,
  ) {
    super(`${operation}: ${remaining} item(s) still unprocessed after ${attempts} attempts`);
    this.name = 'UnprocessedItemsError';
  }
}

/** How unprocessed work is retried (AWS's advice: exponential backoff with full jitter). */
export interface RetryPolicy {
  /** Requests per chunk, the first included, before {@link UnprocessedItemsError}. */
  maxAttempts: number;
  /** The ceiling of the first wait, in ms; it doubles with each attempt. */
  baseMs: number;
  /** No wait is longer than this, in ms. */
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, baseMs: 25, capMs: 2_000 };

/**
 * The wait before retry number `attempt` (1 for the first retry): a uniformly random
 * time up to min(cap, base·2^(attempt−1)). Full jitter spreads the retries of many
 * callers throttled at once, instead of having them all come back together.
 */
export function backoffMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseMs' | 'capMs'> = DEFAULT_RETRY,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `items` cut into consecutive slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface QueryAllOptions {
  /** Items per request (DynamoDB's `Limit`); the query still reads every page. */
  pageSize?: number;
  /** Stop once this many items have been read. */
  limit?: number;
}

export interface QueryResult {
  items: Item[];
  /** Items DynamoDB read to answer, before any filter (what the query is billed for). */
  scanned: number;
  /** With `Select: 'COUNT'`: how many matched (items is then empty). */
  count: number;
}

/** Reads every page of a Query (or up to `limit` items). */
export async function queryAll(
  client: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  opts: QueryAllOptions = {},
): Promise<QueryResult> {
  const result: QueryResult = { items: [], scanned: 0, count: 0 };
  let start: Key | undefined;
  do {
    const remaining = opts.limit === undefined ? undefined : opts.limit - result.items.length;
    const pageLimit = remaining === undefined ? opts.pageSize : Math.min(remaining, opts.pageSize ?? remaining);
    const page: QueryCommandOutput = await client.send(
      new QueryCommand({ ...input, ...(pageLimit === undefined ? {} : { Limit: pageLimit }), ExclusiveStartKey: start }),
    );
    result.items.push(...(page.Items ?? []));
    result.count += page.Count ?? page.Items?.length ?? 0;
    result.scanned += page.ScannedCount ?? page.Items?.length ?? 0;
    start = page.LastEvaluatedKey;
  } while (start && (opts.limit === undefined || result.items.length < opts.limit));
  return result;
}

export interface BatchOptions {
  /** Requests in flight at once (default 1). */
  concurrency?: number;
  retry?: RetryPolicy;
}

export interface BatchGetOptions extends BatchOptions {
  consistentRead?: boolean;
  projection?: string;
}

/**
 * Reads the items with these keys from one table, 100 keys a request, retrying the keys
 * DynamoDB leaves unprocessed with {@link backoffMs}. Absent items are simply not in the
 * answer, which is in no particular order.
 * @throws UnprocessedItemsError when keys remain after `retry.maxAttempts` requests.
 */
export async function batchGetAll(
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly object[],
  opts: BatchGetOptions = {},
): Promise<Item[]> {
  const policy = opts.retry ?? DEFAULT_RETRY;
  const extra = {
    ...(opts.consistentRead === undefined ? {} : { ConsistentRead: opts.consistentRead }),
    ...(opts.projection ? { ProjectionExpression: opts.projection } : {}),
  };
  const found: Item[] = [];
  await mapLimit(chunks(keys as readonly Key[], 100), opts.concurrency ?? 1, async (chunk) => {
    await untilProcessed('BatchGetItem', chunk, policy, async (todo) => {
      const out: BatchGetCommandOutput = await client.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: todo, ...extra } } }));
      found.push(...(out.Responses?.[table] ?? []));
      return out.UnprocessedKeys?.[table]?.Keys ?? [];
    });
  });
  return found;
}

export type BatchWriteOptions = BatchOptions;

/**
 * Puts these items into one table, 25 a request, retrying the items DynamoDB leaves
 * unprocessed with {@link backoffMs}. No conditions: BatchWriteItem has none.
 * @throws UnprocessedItemsError when items remain after `retry.maxAttempts` requests.
 */
export async function batchWriteAll(
  client: DynamoDBDocumentClient,
  table: string,
  items: readonly Item[],
  opts: BatchWriteOptions = {},
): Promise<void> {
  const policy = opts.retry ?? DEFAULT_RETRY;
  await mapLimit(chunks(items, 25), opts.concurrency ?? 1, async (chunk) => {
    type WriteRequest = { PutRequest: { Item: Item } };
    await untilProcessed<WriteRequest>(
      'BatchWriteItem',
      chunk.map((Item) => ({ PutRequest: { Item } })),
      policy,
      async (todo) => {
        const out: BatchWriteCommandOutput = await client.send(new BatchWriteCommand({ RequestItems: { [table]: todo } }));
        return (out.UnprocessedItems?.[table] ?? []) as WriteRequest[];
      },
    );
  });
}

/** Sends `todo` and what comes back unprocessed again, with backoff, up to the policy's attempts. */
async function untilProcessed<T>(
  operation: UnprocessedItemsError['operation'],
  todo: T[],
  policy: RetryPolicy,
  send: (todo: T[]) => Promise<T[]>,
): Promise<void> {
  for (let attempt = 1; todo.length > 0; attempt++) {
    if (attempt > policy.maxAttempts) throw new UnprocessedItemsError(operation, todo.length, policy.maxAttempts);
    if (attempt > 1) await sleep(backoffMs(attempt - 1, policy));
    todo = await send(todo);
  }
}

export interface ScanOptions {
  /** Parallel scan segments: DynamoDB reads each from its own partitions at once. */
  segments?: number;
  /**
   * Items per page. DynamoDB stops a page at 1 MB anyway; a bound keeps DynamoDB Local,
   * which reads all it may return into its heap before cutting the page, from running
   * out of memory on a city-sized table (InternalFailure at 127k members).
   */
  pageSize?: number;
}

/** Visits every item of a table, consistently read, in no particular order. */
export async function scanAll(
  client: DynamoDBDocumentClient,
  tableName: string,
  visit: (item: Item) => void,
  opts: ScanOptions = {},
): Promise<void> {
  const segments = opts.segments ?? 4;
  await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const pages = paginateScan(
        { client, pageSize: opts.pageSize ?? 1000 },
        { TableName: tableName, ConsistentRead: true, Segment: segment, TotalSegments: segments },
      );
      for await (const page of pages) for (const item of page.Items ?? []) visit(item);
    }),
  );
}
