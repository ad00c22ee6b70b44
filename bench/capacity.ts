// bench: what the DynamoDB and SQS calls of this process cost, read off the responses.
// An SDK middleware asks every DynamoDB data call for `ReturnConsumedCapacity: 'TOTAL'`
// and sums the answer per component, table and operation; another counts SQS requests.
// Nothing here changes what the calls do: the handlers never set the parameter, and
// they never read the field. The component is whatever `withComponent` set for the
// async context the call was made in (ingest, figures, naive, import…).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';

/** The DynamoDB operations that accept ReturnConsumedCapacity, and whether they read or write. */
const DATA_OPERATIONS: Record<string, 'read' | 'write'> = {
  GetItemCommand: 'read',
  BatchGetItemCommand: 'read',
  QueryCommand: 'read',
  ScanCommand: 'read',
  TransactGetItemsCommand: 'read',
  PutItemCommand: 'write',
  UpdateItemCommand: 'write',
  DeleteItemCommand: 'write',
  BatchWriteItemCommand: 'write',
  TransactWriteItemsCommand: 'write',
};

interface ConsumedCapacity {
  TableName?: string;
  CapacityUnits?: number;
}

/** Sums of one (component, table, operation). */
export interface CapacityLine {
  component: string;
  table: string;
  operation: string;
  kind: 'read' | 'write';
  requests: number;
  capacityUnits: number;
  /** Calls that failed (a cancelled transaction, a failed condition): AWS bills some of them, DynamoDB does not say how much. */
  failed: number;
}

export interface SqsLine {
  component: string;
  operation: string;
  requests: number;
  /** ReceiveMessage calls that returned nothing (long polls while idle). */
  empty: number;
}

/** The units of one (tag, component): what calls made for one kind of event cost, beside the components' sums. */
export interface TagLine {
  tag: string;
  component: string;
  read: number;
  write: number;
  requests: number;
}

const context = new AsyncLocalStorage<string>();
const tagContext = new AsyncLocalStorage<string>();

/** Runs `fn` with its DynamoDB and SQS calls counted under `component`. */
export function withComponent<T>(component: string, fn: () => T): T {
  return context.run(component, fn);
}

/**
 * Runs `fn` with its DynamoDB calls also summed under `tag` (an event type), whatever
 * component they are counted under: the components' sums stay as they are.
 */
export function withTag<T>(tag: string, fn: () => T): T {
  return tagContext.run(tag, fn);
}

const currentComponent = () => context.getStore() ?? 'other';

/** The component the current call is counted under (`withComponent`), `other` outside any. */
export const componentOfCall = currentComponent;

/**
 * Counts capacity and requests. `install` adds the middlewares to a client (idempotent
 * per client instance: the local stack replaces its clients when it starts).
 */
export class CapacityMeter {
  private readonly lines = new Map<string, CapacityLine>();
  private readonly tagLines = new Map<string, TagLine>();
  private readonly sqsLines = new Map<string, SqsLine>();
  private readonly installed = new WeakSet<object>();
  /** Table name → the short name shown in results (`bench-Records` → `Records`). */
  constructor(private readonly tableLabel: (name: string) => string = (n) => n) {}

  installOnDynamo(client: DynamoDBClient): void {
    if (this.installed.has(client)) return;
    this.installed.add(client);
    client.middlewareStack.add(
      (next, ctx) => async (args) => {
        const operation = String((ctx as { commandName?: string }).commandName ?? '');
        const kind = DATA_OPERATIONS[operation];
        if (!kind) return next(args);
        const component = currentComponent();
        const input = args.input as Record<string, unknown>;
        input.ReturnConsumedCapacity = 'TOTAL';
        try {
          const result = await next(args);
          const consumed = (result.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }).ConsumedCapacity;
          const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
          if (list.length === 0) this.add(component, tableOf(input), operation, kind, 0, false);
          for (const [i, c] of list.entries()) {
            this.add(component, c.TableName ?? tableOf(input), operation, kind, c.CapacityUnits ?? 0, false, i === 0);
          }
          return result;
        } catch (error) {
          this.add(component, tableOf(input), operation, kind, 0, true);
          throw error;
        }
      },
      { step: 'initialize', name: 'benchConsumedCapacity', override: true },
    );
  }

  installOnSqs(client: SQSClient): void {
    if (this.installed.has(client)) return;
    this.installed.add(client);
    client.middlewareStack.add(
      (next, ctx) => async (args) => {
        const operation = String((ctx as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
        const component = currentComponent();
        const result = await next(args);
        const messages = (result.output as { Messages?: unknown[] }).Messages;
        const key = `${component}|${operation}`;
        const line = this.sqsLines.get(key) ?? { component, operation, requests: 0, empty: 0 };
        line.requests += 1;
        if (operation === 'ReceiveMessage' && !messages?.length) line.empty += 1;
        this.sqsLines.set(key, line);
        return result;
      },
      { step: 'initialize', name: 'benchSqsRequests', override: true },
    );
  }

  private add(
    component: string,
    tableName: string,
    operation: string,
    kind: 'read' | 'write',
    units: number,
    failed: boolean,
    countRequest = true,
  ): void {
    const table = this.tableLabel(tableName);
    const op = operation.replace(/Command$/, '');
    const key = `${component}|${table}|${op}`;
    const line = this.lines.get(key) ?? { component, table, operation: op, kind, requests: 0, capacityUnits: 0, failed: 0 };
    if (countRequest) line.requests += 1;
    line.capacityUnits += units;
    if (failed) line.failed += 1;
    this.lines.set(key, line);
    const tag = tagContext.getStore();
    if (tag === undefined) return;
    const tagKey = `${tag}|${component}`;
    const tagged = this.tagLines.get(tagKey) ?? { tag, component, read: 0, write: 0, requests: 0 };
    tagged[kind] += units;
    if (countRequest) tagged.requests += 1;
    this.tagLines.set(tagKey, tagged);
  }

  /** A copy of the sums so far: take one before a phase and `since` it after. */
  snapshot(): Snapshot {
    return {
      dynamo: [...this.lines.values()].map((l) => ({ ...l })),
      sqs: [...this.sqsLines.values()].map((l) => ({ ...l })),
      tagged: [...this.tagLines.values()].map((l) => ({ ...l })),
    };
  }

  /** What was consumed since `before`. */
  since(before: Snapshot): Snapshot {
    const now = this.snapshot();
    const key = (l: CapacityLine) => `${l.component}|${l.table}|${l.operation}`;
    const old = new Map(before.dynamo.map((l) => [key(l), l]));
    const dynamo = now.dynamo
      .map((l) => {
        const o = old.get(key(l));
        return {
          ...l,
          requests: l.requests - (o?.requests ?? 0),
          capacityUnits: l.capacityUnits - (o?.capacityUnits ?? 0),
          failed: l.failed - (o?.failed ?? 0),
        };
      })
      .filter((l) => l.requests > 0 || l.capacityUnits > 0);
    const sqsKey = (l: SqsLine) => `${l.component}|${l.operation}`;
    const oldSqs = new Map(before.sqs.map((l) => [sqsKey(l), l]));
    const sqs = now.sqs
      .map((l) => {
        const o = oldSqs.get(sqsKey(l));
        return { ...l, requests: l.requests - (o?.requests ?? 0), empty: l.empty - (o?.empty ?? 0) };
      })
      .filter((l) => l.requests > 0);
    const tagKey = (l: TagLine) => `${l.tag}|${l.component}`;
    const oldTagged = new Map(before.tagged.map((l) => [tagKey(l), l]));
    const tagged = now.tagged
      .map((l) => {
        const o = oldTagged.get(tagKey(l));
        return { ...l, read: l.read - (o?.read ?? 0), write: l.write - (o?.write ?? 0), requests: l.requests - (o?.requests ?? 0) };
      })
      .filter((l) => l.requests > 0);
    return { dynamo, sqs, tagged };
  }
}

export interface Snapshot {
  dynamo: CapacityLine[];
  sqs: SqsLine[];
  /** The same calls again, summed by tag (withTag) and component. */
  tagged: TagLine[];
}

/** Totals of a snapshot, optionally of some components only. */
export function totals(
  s: Snapshot,
  components?: string[],
): { read: number; write: number; total: number; requests: number; failed: number } {
  const lines = s.dynamo.filter((l) => !components || components.includes(l.component));
  const read = lines.filter((l) => l.kind === 'read').reduce((n, l) => n + l.capacityUnits, 0);
  const write = lines.filter((l) => l.kind === 'write').reduce((n, l) => n + l.capacityUnits, 0);
  return {
    read,
    write,
    total: read + write,
    requests: lines.reduce((n, l) => n + l.requests, 0),
    failed: lines.reduce((n, l) => n + l.failed, 0),
  };
}

/** SQS requests that AWS would bill (empty long polls left out: a Lambda poller's idle cost is not per event). */
export function sqsBilledRequests(s: Snapshot, components?: string[]): number {
  return s.sqs.filter((l) => !components || components.includes(l.component)).reduce((n, l) => n + l.requests - l.empty, 0);
}

function tableOf(input: Record<string, unknown>): string {
  if (typeof input.TableName === 'string') return input.TableName;
  const items = (input.RequestItems ?? undefined) as Record<string, unknown> | undefined;
  if (items) return Object.keys(items)[0] ?? '?';
  const transact = input.TransactItems as Array<Record<string, { TableName?: string }>> | undefined;
  const first = transact?.[0];
  return (first && Object.values(first)[0]?.TableName) ?? '?';
}
