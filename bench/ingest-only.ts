// bench: what the figures and the import's bookkeeping cost in time, against the same
// work without them, in the same run. The import's member items are kept as the import
// writes them (a middleware on the client); a second stack, on emulators of its own
// (BenchStack.startBeside says why) and with no figures function, then takes them written
// by batch writes alone (`import.rawWriteSeconds`), the tree, and the year's events
// through its ingest (`ceiling.ingestOnlyEventsPerSecond`), before the main stack's year
// begins.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { performance } from 'node:perf_hooks';
import { batchWriteAll } from '../shared/data/dynamo-toolkit.js';
import { listWaiting } from '../shared/use-cases/redrive/index.js';
import { componentOfCall } from './capacity.js';
import type { City, Envelope } from './city.js';
import { BenchStack, type PhaseResult } from './harness.js';
import { registerOrgsDirect } from './orgs-direct.js';
import type { Log } from './phases.js';

type Item = Record<string, AttributeValue>;

/**
 * Every item the import puts (batch writes and transactions), as sent, apart from its
 * markers: the member items, and what they need to be read (their persons' keys).
 */
export class ImportCapture {
  // By key: an item a batch left unprocessed is sent again, and counts once.
  private readonly members = new Map<string, Item>();
  private readonly others = new Map<string, Item>();

  install(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, ctx) => async (args) => {
        const operation = String((ctx as { commandName?: string }).commandName ?? '');
        const result = await next(args);
        if (componentOfCall() !== 'import') return result;
        const input = args.input as {
          RequestItems?: Record<string, Array<{ PutRequest?: { Item?: Item } }>>;
          TransactItems?: Array<{ Put?: { Item?: Item } }>;
        };
        const puts =
          operation === 'BatchWriteItemCommand'
            ? Object.values(input.RequestItems ?? {}).flatMap((rs) => rs.map((r) => r.PutRequest?.Item))
            : operation === 'TransactWriteItemsCommand'
              ? (input.TransactItems ?? []).map((t) => t.Put?.Item)
              : [];
        for (const item of puts) {
          if (!item || item.pk?.S?.startsWith('EVENT#')) continue;
          (item.entity?.S === 'member' ? this.members : this.others).set(`${item.pk?.S}|${item.sk?.S}`, item);
        }
        return result;
      },
      { step: 'build', name: 'benchImportCapture', override: true },
    );
  }

  /** The member items the import wrote, and the rest of its items but the markers. */
  items(): { members: Item[]; others: Item[] } {
    return { members: [...this.members.values()], others: [...this.others.values()] };
  }

  /** Lets the items go (they are a few hundred MB at Hải Phòng's size). */
  clear(): void {
    this.members.clear();
    this.others.clear();
  }
}

export interface IngestOnlyResult {
  /** Seconds to write the import's member items with batch writes alone on a fresh table. */
  rawWriteSeconds: number;
  rawWriteItems: number;
  /** The events sent through the ingest alone (the first of the year's when a sample). */
  events: number;
  eventsPerSecond: number;
  /** Rejected and waiting events there at the end: 0 and 0, or the rate is not of the same work. */
  rejected: number;
  waiting: number;
  phase: PhaseResult;
}

/**
 * The import's member items on a fresh table by batch writes alone (timed), then the
 * year's `events` (or their first `sample`) through an ingest with no figures function
 * behind it, on emulators of its own, from the same tree and members.
 */
export async function ingestOnlyPhase(
  main: BenchStack,
  city: City,
  capture: ImportCapture,
  events: Envelope[],
  opts: { concurrency: number; sample?: number; log: Log },
): Promise<IngestOnlyResult> {
  const { log } = opts;
  const io = await BenchStack.startBeside(main, 'bench-io', opts.concurrency);
  try {
    const { members, others } = capture.items();
    const write = (items: Item[]) =>
      batchWriteAll(
        io.records.documentClient,
        io.records.tableName,
        items.map((i) => unmarshall(i)),
        { concurrency: 16 },
      );
    log(`raw write: ${members.length} member items by batch writes alone on a fresh table…`);
    const t0 = performance.now();
    await write(members);
    const rawWriteSeconds = (performance.now() - t0) / 1000;
    log(`raw write: ${rawWriteSeconds.toFixed(1)} s; the ${others.length} other items and the tree (not timed)…`);
    await write(others);
    await registerOrgsDirect(io.records, city.orgEvents);
    const sent = opts.sample === undefined ? events : events.slice(0, opts.sample);
    log(`ingest only: ${sent.length} events, no figures function…`);
    const p = io.phase();
    await io.produce(sent, { maxBacklog: 2000 });
    await io.settle('ingest only');
    const phase = io.phaseEnd(p);
    const eventsPerSecond = sent.length / phase.seconds;
    const rejected = (await io.stack.stores.redrive.listRejected()).length;
    const waiting = (await listWaiting(io.stack.stores.redrive)).length;
    log(`ingest only: ${eventsPerSecond.toFixed(1)} events/s; ${rejected} rejected, ${waiting} waiting`);
    return { rawWriteSeconds, rawWriteItems: members.length, events: sent.length, eventsPerSecond, rejected, waiting, phase };
  } finally {
    await io.stop();
  }
}
