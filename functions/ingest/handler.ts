// (adapter) SQS FIFO batch --> use case ingest-event --> domain/ingest
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { producerFor, type LoadedRegistry, type RegistryLoader } from '../../shared/data/producer-registry.js';
import { MasterSecretMissingError } from '../../shared/data/personal-vault.js';
import { REDRIVE_ATTRIBUTE } from '../../shared/data/queue-sender.js';
import { envelopeIdOf } from '../../shared/domain/events/index.js';
import { envelopeKeyOf, messageKey } from '../../shared/domain/ingest/idempotency.js';
import { nextTryAfter, pastShortWaits, type RetryQueue } from '../../shared/domain/ingest/retry-schedule.js';
import { loggerFor } from '../../shared/observability/logger.js';
import { metrics } from '../../shared/observability/metrics.js';
import {
  batchHolds,
  batchOrgTree,
  eventsThisMinute,
  ingestEvent,
  PredecessorMissingError,
  type BatchHolds,
  type BatchOrgTree,
  type IngestOutcome,
} from '../../shared/use-cases/ingest-event/index.js';
import type { GroupHolds, IngestStore } from '../../shared/use-cases/ingest-event/port.js';
import { tallyBatch, type CountedOutcome, type SourceActivityStore } from '../../shared/use-cases/source-activity/index.js';
import { processGroupsConcurrently } from './fifo-groups.js';
import { isThrottling, retryWhileThrottled } from './throttling.js';
import type { WaitBeforeRetry } from './visibility.js';

const logger = loggerFor('ingest');

const OUTCOME_METRIC = { applied: 'EventsApplied', duplicate: 'EventsDuplicate', rejected: 'EventsRejected', held: 'EventsHeld' } as const;

/**
 * Counts an outcome; a rejection over one of its producer's quotas also feeds that quota's
 * alarm (WaitingQuotaReached, EventsPerMinuteQuotaReached, RejectedKeptQuotaReached;
 * infra/constructs/monitoring.ts).
 */
function countOutcome(result: IngestOutcome): void {
  metrics.addMetric(OUTCOME_METRIC[result.outcome], MetricUnit.Count, 1);
  if (result.outcome !== 'rejected') return;
  if (result.reason === 'too-many-waiting') metrics.addMetric('WaitingQuotaReached', MetricUnit.Count, 1);
  if (result.reason === 'too-many-events') metrics.addMetric('EventsPerMinuteQuotaReached', MetricUnit.Count, 1);
  if (result.bodyOverQuota) metrics.addMetric('RejectedKeptQuotaReached', MetricUnit.Count, 1);
}

/** What the ingest handler is built from (environment.ts builds it from the deployment's environment). */
export interface IngestHandlerDeps {
  store: IngestStore;
  /** Reads the producer registry, once per batch; undefined: scoping off. */
  loadRegistry: RegistryLoader;
  /** Shortens the wait of a record held up by a waiting event (visibility.ts). */
  waitBeforeRetry: WaitBeforeRetry;
  /** Where each batch's outcomes are counted per source and day (`dangvien status`); absent: not counted. */
  sourceActivity?: SourceActivityStore;
  /**
   * The message groups held behind an event in the dead-letter queue (domain/ingest/hold.ts);
   * absent: none is held, and a dead-lettered event's later ones may overtake it.
   */
  holds?: GroupHolds;
  /** The ingest queue's tries (its maxReceiveCount): which try is a message's last. */
  retryQueue?: RetryQueue;
}

/**
 * Builds the ingest handler. The message groups of a batch are applied concurrently,
 * the records of one group in order; a group stops at its first failure (FIFO order),
 * other groups go on; the failed ones are reported back so that only they are retried.
 * An event whose predecessor is missing comes back within seconds (its visibility is
 * shortened, doubling with each receive), not after the queue's whole visibility timeout.
 */
export function createIngestHandler({ store, loadRegistry, waitBeforeRetry, sourceActivity, holds, retryQueue }: IngestHandlerDeps) {
  // Per invocation: the local stack runs invocations of one handler concurrently (Lambda
  // never does within an instance), so a batch's state is never kept on the handler.
  /** `waitingGroups`: groups of this invocation held up by a waiting event, with that event's receive count. */
  const recordHandlerFor =
    (
      waitingGroups: Map<string, number>,
      loaded: LoadedRegistry | undefined,
      orgTree: BatchOrgTree,
      vault: { lost?: Error },
      counted: Array<{ source: string; outcome: CountedOutcome }>,
      rate: Map<string, number>,
      held: BatchHolds | undefined,
    ) =>
    async (record: SQSRecord) => {
      const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
      const meta = {
        messageId: record.messageId,
        receiveCount,
        lastTry: nextTryAfter(receiveCount, retryQueue).kind === 'dead-letter',
        context: {
          ...(held ? { holds: held } : {}),
          senderId: record.attributes.SenderId,
          // A redrive names its grant; the ingest checks it against its own table (§11).
          redrive: record.messageAttributes?.[REDRIVE_ATTRIBUTE]?.stringValue,
          producers: loaded ? (senderId: string | undefined) => producerFor(loaded.registry, senderId) : undefined,
          registered: loaded?.registry.producers,
          orgTree,
          groupId: record.attributes.MessageGroupId,
          eventsThisMinute: rate.get(record.messageId),
        },
      };
      // Every line about this message carries its event id (Logs Insights: `filter eventId = …`)
      // and source (ids are per source). A body without a usable id is known by its message,
      // as its rejection is stored (`message:<id>`). Passed on each line, not appended to the
      // logger: the local stack runs invocations concurrently on one logger.
      const key = envelopeKeyOf(record.body);
      const about = {
        eventId: envelopeIdOf(record.body) ?? messageKey(record.messageId),
        ...(key ? { eventSource: key.source } : {}),
        messageId: record.messageId,
      };
      try {
        const result = await retryWhileThrottled(() => ingestEvent(store, record.body, meta));
        const { eventId: _eventId, ...outcome } = result;
        logger.info('event ingested', { ...about, ...outcome });
        // Counted for its source only when its sender may use it: nobody else can make a silent source look alive.
        // A held event is counted once it applies, after its redrive.
        if (
          key &&
          result.outcome !== 'held' &&
          (!loaded || producerFor(loaded.registry, meta.context.senderId)?.sources.includes(key.source))
        )
          counted.push({ source: key.source, outcome: result.outcome });
        countOutcome(result);
        return result;
      } catch (error) {
        metrics.addMetric(error instanceof PredecessorMissingError ? 'EventsDeferred' : 'EventsFailed', MetricUnit.Count, 1);
        if (error instanceof MasterSecretMissingError) vault.lost = error;
        if (error instanceof PredecessorMissingError) {
          noteDeferred(about, error.reason, meta.receiveCount);
          waitingGroups.set(record.attributes.MessageGroupId ?? '', meta.receiveCount);
        } else {
          logger.error('event failed', {
            ...about,
            error: (error as Error).name,
            errorMessage: (error as Error).message,
            throttled: isThrottling(error),
          });
        }
        throw error;
      }
    };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const loaded = await registryForBatch(loadRegistry);
      const waitingGroups = new Map<string, number>();
      const vault: { lost?: Error } = {};
      // One copy of the org tree for the batch's scope checks (§11): read only with scoping
      // on, one counter read, another only when an event finds the copy behind.
      const counted: Array<{ source: string; outcome: CountedOutcome }> = [];
      const rate = await eventsThisMinute(store, rateCounted(event.Records, loaded));
      // The held groups, one query per batch (usually empty): no event reads a hold of its own.
      const heldGroups = holds ? await batchHolds(holds) : undefined;
      const response = await processGroupsConcurrently(
        event.Records,
        recordHandlerFor(waitingGroups, loaded, batchOrgTree(store), vault, counted, rate, heldGroups),
      );
      if (vault.lost) failWithoutMasterSecret(vault.lost);
      // The waiting event and the records of its group skipped after it come back together, soon.
      const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
      const held = event.Records.filter((r) => failed.has(r.messageId) && waitingGroups.has(r.attributes.MessageGroupId ?? ''));
      await Promise.all(held.map((r) => waitBeforeRetry(r, waitingGroups.get(r.attributes.MessageGroupId ?? '') ?? 1)));
      if (sourceActivity) await countSources(sourceActivity, counted);
      return response;
    });
}

/**
 * Adds the batch's outcomes to its sources' counters (use-cases/source-activity). The
 * events are applied already: a failure here is a warning and a metric, never a retry.
 */
async function countSources(
  store: SourceActivityStore,
  counted: ReadonlyArray<{ source: string; outcome: CountedOutcome }>,
): Promise<void> {
  if (counted.length === 0) return;
  try {
    await store.add(tallyBatch(counted, new Date()));
  } catch (error) {
    logger.warn('could not count the batch for its sources', { error: (error as Error).name });
    metrics.addMetric('SourceCountsLost', MetricUnit.Count, counted.length);
  }
}

/**
 * The messages counted against their sender's events per minute (docs/security.md
 * "Quotas"): with scoping on, a registered producer's first receives. A retry was counted
 * when first received; a redrive is the operator's, judged on its grant.
 */
function rateCounted(records: readonly SQSRecord[], loaded: LoadedRegistry | undefined): Array<{ messageId: string; senderId: string }> {
  if (!loaded) return [];
  return records.flatMap((r) => {
    const senderId = r.attributes.SenderId;
    const first = Number(r.attributes.ApproximateReceiveCount ?? '1') <= 1;
    const redrive = r.messageAttributes?.[REDRIVE_ATTRIBUTE]?.stringValue !== undefined;
    return senderId && first && !redrive && producerFor(loaded.registry, senderId) ? [{ messageId: r.messageId, senderId }] : [];
  });
}

/** The log line of an event that waits for its predecessor, and the metric of one past its short waits. */
function noteDeferred(about: Record<string, string>, reason: string, receiveCount: number): void {
  logger.warn('event deferred', { ...about, reason, receiveCount });
  // Its predecessor did not come within the short waits: the alarm of the same name (infra/constructs/monitoring.ts).
  if (pastShortWaits(receiveCount)) metrics.addMetric('WaitingEventsPastShortWaits', MetricUnit.Count, 1);
}

/**
 * The registry for this batch, read once. One that cannot be read or parsed fails the
 * whole invocation, so every message stays on the queue (and, if it lasts, reaches the
 * DLQ to be redriven later): an error line, the `ProducerRegistryUnreadable` metric and
 * its alarm — never the batch applied unscoped (docs/security.md).
 */
async function registryForBatch(loadRegistry: RegistryLoader): Promise<LoadedRegistry | undefined> {
  try {
    const loaded = await loadRegistry();
    logger.appendKeys({ registryVersion: loaded?.version ?? 'scoping-off' });
    return loaded;
  } catch (error) {
    // The alarm ProducerRegistryUnreadable (infra/constructs/monitoring.ts) watches this metric.
    logger.error('producer registry unreadable: the batch stays on the queue', {
      error: (error as Error).name,
      errorMessage: (error as Error).message,
    });
    metrics.addMetric('ProducerRegistryUnreadable', MetricUnit.Count, 1);
    throw error;
  }
}

/**
 * The personal data master secret is gone while sealed data exists (personal-vault.ts):
 * the whole invocation fails, so the batch stays on the queue until it is restored (and,
 * if it lasts, goes to the DLQ to be redriven), with an error line and the metric the
 * PersonalDataMasterMissing alarm watches. Never a new secret: every profile would read
 * as absent.
 */
function failWithoutMasterSecret(error: Error): never {
  logger.error('personal data master secret missing: the batch stays on the queue', { error: error.name, errorMessage: error.message });
  // The alarm PersonalDataMasterMissing (infra/constructs/monitoring.ts) watches this metric.
  metrics.addMetric('PersonalDataMasterMissing', MetricUnit.Count, 1);
  throw error;
}
