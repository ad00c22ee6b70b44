// (adapter) EventBridge Scheduler, daily at 07:00 Vietnam time --> use case run-reminders-job --> domain/reminders
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { isBusinessDate, todayInVietnam } from '../../shared/domain/dates.js';
import { loggerFor } from '../../shared/observability/logger.js';
import { metrics } from '../../shared/observability/metrics.js';
import type { RemindersStore } from '../../shared/use-cases/run-reminders-job/port.js';
import type { WatchedProducer } from '../../shared/domain/sources.js';
import { sourcesAndSilence, type SourceActivityStore } from '../../shared/use-cases/source-activity/index.js';
import { runRemindersJob, type DigestOrgs, type RemindersJobOptions } from '../../shared/use-cases/run-reminders-job/index.js';

const logger = loggerFor('reminders');

/**
 * What the schedule sends. Scheduler's Lambda target passes its own payload, so `time`
 * is optional: without it the job runs for today. `date` (YYYY-MM-DD) runs it as of
 * that business date instead, for a catch-up or a test.
 */
export interface RemindersEvent {
  time?: string;
  date?: string;
}

/** Counts only: the reminders themselves went to the topic. */
export interface RemindersOutcome {
  date: string;
  sent: number;
  digests: number;
  recovered: number;
  due: number;
  itemsRead: number;
}

/** The job's business date: the event's `date`, else the day in Vietnam at the event's `time` (or now). */
export function jobDate(event: RemindersEvent, now: () => number = Date.now): string {
  if (event.date !== undefined) {
    if (!isBusinessDate(event.date)) throw new RangeError(`date must be a business date (YYYY-MM-DD), got ${JSON.stringify(event.date)}`);
    return event.date;
  }
  return todayInVietnam(new Date(event.time ?? now()));
}

/** What the reminders handler is built from (environment.ts builds it from the deployment's environment). */
export interface RemindersHandlerDeps {
  store: RemindersStore;
  /** The orgs to send a digest for (`REMINDER_DIGEST_ORGS`). */
  digestOrgs: DigestOrgs;
  /** The rest of the job's options (tests move its clock on). */
  options?: Omit<RemindersJobOptions, 'digestOrgs'>;
  /**
   * After each run, the registered producers silent for too long are named (a log line
   * each and the SilentProducers metric); absent when producer scoping is off.
   */
  silence?: { sourceActivity: SourceActivityStore; producers: () => Promise<WatchedProducer[] | undefined> };
}

/** Builds the handler. */
export function createRemindersHandler({ store, digestOrgs, options = {}, silence }: RemindersHandlerDeps) {
  return middy<RemindersEvent, RemindersOutcome, Error, Context>()
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .handler(async (event) => {
      const date = jobDate(event ?? {});
      const run = await runRemindersJob(store, date, { ...options, digestOrgs });
      const outcome = {
        date,
        sent: run.reminders.length,
        digests: run.digests.length,
        recovered: run.recovered,
        due: run.due,
        itemsRead: run.itemsRead,
      };
      // One line per reminder, by subject (ids and dates only): `filter subjectId = …` follows a dossier, member or transfer.
      for (const r of run.reminders) logger.info('reminder sent', { kind: r.kind, subjectId: r.subjectId, orgId: r.orgId, dueOn: r.dueOn });
      // Counts only: the digest's text names orgs and ids, the log needs neither.
      for (const d of run.digests) logger.info('digest sent', { digestFor: d.digestFor, reminders: d.reminderCount });
      // A subscription to an org the tree does not know reaches nobody: say so where operators look.
      if (run.unknownDigestOrgs.length > 0) logger.warn('digest subscribers of unknown orgs', { orgIds: run.unknownDigestOrgs });
      logger.info('reminders sent', { ...outcome });
      // The heartbeat the RemindersNotRun alarm watches: added only once the run completed.
      metrics.addMetric('RemindersRunCompleted', MetricUnit.Count, 1);
      if (silence) await nameSilentProducers(silence);
      return outcome;
    });
}

/**
 * The registered producers none of whose sources has sent anything for longer than their
 * limit (domain/sources.ts): a warning each, and the SilentProducers metric its alarm
 * watches (infra/constructs/monitoring.ts), 0 when none. The day's reminders are out
 * already: a failure here is logged, never the run's.
 */
async function nameSilentProducers(silence: NonNullable<RemindersHandlerDeps['silence']>): Promise<void> {
  try {
    const producers = await silence.producers();
    if (producers === undefined) return;
    const now = new Date();
    const { silent } = await sourcesAndSilence(silence.sourceActivity, producers, now);
    for (const p of silent)
      logger.warn('producer silent', {
        producer: p.name,
        sources: p.sources,
        lastEventAt: p.lastEventAt,
        silentAfterDays: p.silentAfterDays,
      });
    metrics.addMetric('SilentProducers', MetricUnit.Count, silent.length);
  } catch (error) {
    logger.error('could not check the producers for silence', { error: (error as Error).name });
  }
}
