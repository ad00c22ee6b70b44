// (adapter) DynamoDB Streams batch of the Records table --> use case refresh-figures
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { recordChangesOf } from '../../shared/data/stream-changes.js';
import { todayInVietnam } from '../../shared/domain/dates.js';
import { staleFrom } from '../../shared/domain/figures/stale.js';
import { loggerFor } from '../../shared/observability/logger.js';
import type { FiguresStore } from '../../shared/use-cases/refresh-figures/port.js';
import { refreshFigures, type NetsKnown } from '../../shared/use-cases/refresh-figures/index.js';

const logger = loggerFor('figures');

/** What the figures handler is built from (environment.ts builds it from the deployment's environment). */
export interface FiguresHandlerDeps {
  store: FiguresStore;
  /** Today in Vietnam (tests pass a clock; the default reads the machine's). */
  today?: () => string;
}

type Image = Record<string, AttributeValue> | undefined;
const image = (i: unknown) => (i ? unmarshall(i as Record<string, AttributeValue>) : undefined);

/**
 * The whole batch is one coalesced refresh. It is idempotent (a recount), so on any
 * error the batch is simply failed and delivered again.
 */
export function createFiguresHandler({ store, today = () => todayInVietnam(new Date()) }: FiguresHandlerDeps) {
  // Kept while the function is warm: which nets are known to hold every closed year.
  const netsKnown: NetsKnown = new Map();
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const changes = event.Records.map((r) => ({
        oldImage: image(r.dynamodb?.OldImage as Image),
        newImage: image(r.dynamodb?.NewImage as Image),
      }));
      const stale = staleFrom(recordChangesOf(changes));
      const done = await refreshFigures(store, stale, { today: today(), netsKnown });
      // One line per event whose changes this refresh counted: `filter eventId = …` follows it here.
      for (const eventId of eventsBehind(changes)) logger.info('figures refreshed', { eventId, records: event.Records.length, ...done });
      return { batchItemFailures: [] };
    });
}

/** The events that wrote the changed records (the ingest stamps each item with `lastEventId`). */
function eventsBehind(changes: Array<{ oldImage?: Record<string, unknown>; newImage?: Record<string, unknown> }>): Set<string> {
  const ids = new Set<string>();
  for (const { oldImage, newImage } of changes) {
    const id = (newImage ?? oldImage)?.lastEventId;
    if (typeof id === 'string') ids.add(id);
  }
  return ids;
}
