// (adapter) DynamoDB Streams batch of the Records table --> use case refresh-figures
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { staleFrom } from '../../shared/data/changes.js';
import { loggerFor } from '../../shared/observability/logger.js';
import { dynamoFiguresStore } from '../../shared/data/figures-store.js';
import type { FiguresStore } from '../../shared/use-cases/ports.js';
import { refreshFigures } from '../../shared/use-cases/refresh-figures.js';

const logger = loggerFor('figures');

export interface FiguresHooks {
  /** Called before the refresh: lets tests inject a crash in the figures Lambda. */
  beforeRefresh?: () => void | Promise<void>;
}

type Image = Record<string, AttributeValue> | undefined;
const image = (i: unknown) => (i ? unmarshall(i as Record<string, AttributeValue>) : undefined);

/**
 * The whole batch is one coalesced refresh. It is idempotent (a recount), so on any
 * error the batch is simply failed and delivered again.
 */
export function createFiguresHandler(hooks: FiguresHooks = {}, store: FiguresStore = dynamoFiguresStore) {
  return middy<DynamoDBStreamEvent, DynamoDBBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const stale = staleFrom(
        event.Records.map((r) => ({ oldImage: image(r.dynamodb?.OldImage as Image), newImage: image(r.dynamodb?.NewImage as Image) })),
      );
      await hooks.beforeRefresh?.();
      const done = await refreshFigures(store, stale);
      logger.debug('figures refreshed', { records: event.Records.length, ...done });
      return { batchItemFailures: [] };
    });
}

export const handler = createFiguresHandler();
