// `npm start`: the backend on the embedded default. Emulators on loopback, the handlers
// behind local event-source runners, the daily job on a local clock, the HTTP API. The
// process's composition root: the environment is read here and handed to the stack.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MasterSecretMissingError, UnsafeKeyFileError } from '../shared/data/personal-vault.js';
import { todayInVietnam } from '../shared/domain/dates.js';
import { parseDigestOrgs } from '../shared/wiring/environment.js';
import { createReportHandler } from '../functions/report-api/handler.js';
import { retryQueueWithVisibility } from '../shared/domain/ingest/retry-schedule.js';
import { digestOrgsOf, parseReminderSubscriptions } from '../shared/domain/subscriptions.js';
import { buildReport } from '../shared/use-cases/build-report/index.js';
import { DEMO_ROOT, demoPhases, loadDemoCity } from './demo.js';
import { dataLayout, existingData, resetData } from './data-dir.js';
import { DataDirectoryLockedError, lockDataDirectory, type DataDirectoryLock } from './data-lock.js';
import { everyInterfaceWarning, hasDbFiles } from './dynamodb-local.js';
import { installLogSink, logFormat, type LogFormat } from './log-sink.js';
import { startEmulators } from './emulators.js';
import { startLocalApi } from './http-api.js';
import { freePort } from './ports.js';
import { startDailyClock, startNotificationPrinter } from './clock.js';
import { startLocalStack } from './stack.js';
import type { LocalEndpoints } from './endpoints.js';

const USAGE = `npm start [-- --empty] [-- --no-schedule] [-- --data DIR] [-- --port PORT] [-- --subscriptions FILE] [-- --reset]
  --empty        skip the demo city on a first start
  --no-schedule  leave the daily reminders job to \`dangvien remind\`
  --data DIR     keep the data (and the endpoints the CLI reads) in DIR instead of .local/
  --port PORT    the HTTP API's port on 127.0.0.1 (default: a free one)
  --reset        start over: delete the data directory's records, figures, queued messages
                 and personal data key first (refused while a stack runs on it)
  --subscriptions FILE
                 the reminder subscriptions (as \`cdk deploy -c reminderSubscriptions=FILE\`, or
                 $DANGVIEN_SUBSCRIPTIONS_FILE): the digests of the orgs with an e-mail subscriber
                 are printed; without a file, the digest of each root org
Handler log lines are readable lines on a terminal, JSON otherwise or with DANGVIEN_LOG_FORMAT=json
(DANGVIEN_LOG_FORMAT=text: readable lines also when the output is not a terminal).`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      empty: { type: 'boolean', default: false },
      'no-schedule': { type: 'boolean', default: false },
      data: { type: 'string' },
      port: { type: 'string' },
      subscriptions: { type: 'string' },
      reset: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const dataDir = resolve(values.data ?? process.env.DANGVIEN_DATA ?? '.local');
  // Read before anything starts: a bad file stops here with its message.
  let digestOrgs: string;
  try {
    digestOrgs = localDigestOrgs(values.subscriptions ?? process.env.DANGVIEN_SUBSCRIPTIONS_FILE);
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}`);
    process.exit(2);
  }
  let format: LogFormat;
  try {
    format = logFormat(process.env, process.stdout.isTTY);
  } catch (error) {
    console.error(`npm start: ${(error as Error).message}`);
    process.exit(2);
  }
  mkdirSync(dataDir, { recursive: true });
  // Before anything touches the directory's files: one stack per data directory.
  let lock: DataDirectoryLock;
  try {
    lock = lockDataDirectory(dataDir);
  } catch (error) {
    if (!(error instanceof DataDirectoryLockedError)) throw error;
    console.error(`npm start: ${error.message}`);
    process.exit(2);
  }
  // However this process ends short of kill -9 (which leaves a stale lock, taken over next time).
  process.on('exit', () => lock.release());
  const layout = dataLayout(dataDir);
  const stamp = () => `[${new Date().toISOString().slice(11, 19)}]`;
  const log = (line: string) => console.log(`${stamp()} ${line}`);
  if (values.reset) reset(dataDir, log);
  const firstStart = !hasDbFiles(layout.dynamodb);
  // Lambda's own logs (Powertools JSON) would drown the console: warnings and up only.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  // No CloudWatch here to read EMF metrics: they would only fill the console.
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
  const visibilityTimeout = process.env.DANGVIEN_VISIBILITY_TIMEOUT ? Number(process.env.DANGVIEN_VISIBILITY_TIMEOUT) : undefined;
  // As the stack's ingest schedules a waiting event's tries (stack.ts).
  installLogSink({ format, queue: retryQueueWithVisibility(visibilityTimeout), stamp });
  // What the hints print: the CLI finds this stack only with the same --data.
  const dataOption = values.data === undefined ? '' : ` --data ${shellWord(values.data)}`;

  const started = Date.now();
  const emulators = await startEmulators({ dataDir });
  if (!emulators.dynamodbLoopbackOnly) console.error(everyInterfaceWarning(Number(new URL(emulators.dynamodbEndpoint).port)));
  let stopping = false;
  const cleanups: Array<() => Promise<void>> = [() => emulators.stop()];
  const stop = async (code = 0) => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    // Only the stack that holds the lock ever wrote it.
    rmSync(layout.endpoints, { force: true });
    lock.release();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());

  try {
    const stack = await startLocalStack({
      endpoints: emulators,
      prefix: 'dangvien',
      checkpointFile: layout.checkpoints,
      personalDataKeyFile: layout.personalDataKey,
      // Seconds before a message a crashed handler held comes back (AWS's rule by default;
      // tests and demos that kill the stack on purpose shorten it).
      visibilityTimeout,
      producersFile: process.env.DANGVIEN_PRODUCERS_FILE || undefined,
      digestOrgs: parseDigestOrgs(digestOrgs),
      log,
    });
    cleanups.push(() => stack.stop());
    // The job's digest orgs, for `dangvien remind` too (endpoints file).
    stack.env.REMINDER_DIGEST_ORGS = digestOrgs;
    const reportHandler = createReportHandler(stack.deps.report);
    const api = await startLocalApi({
      port: values.port ? Number(values.port) : await freePort(),
      reportHandler: reportHandler as never,
      settle: () => stack.settle(),
      figuresCaughtUp: (instant, timeoutMs) => stack.figuresCaughtUp(instant, timeoutMs),
      status: () => ({
        ingestOldestAgeSeconds: emulators.oldestMessageAgeSeconds(stack.env.INGEST_QUEUE_URL!),
        deadLetterOldestAgeSeconds: emulators.oldestMessageAgeSeconds(stack.env.INGEST_DLQ_URL!),
        figuresLagSeconds: stack.figuresLagSeconds(),
      }),
      log,
    });
    cleanups.push(() => api.close());
    const endpoints: LocalEndpoints = {
      dynamodbEndpoint: emulators.dynamodbEndpoint,
      sqsEndpoint: emulators.sqsEndpoint,
      apiUrl: api.url,
      env: stack.env,
      pid: process.pid,
    };
    writeFileSync(layout.endpoints, JSON.stringify(endpoints, null, 2));
    cleanups.push(
      startNotificationPrinter(stack.clients.sqs, stack.env.NOTIFICATIONS_QUEUE_URL!, (m) =>
        m.kind === 'reminder' ? log(`reminder ${JSON.stringify(m.reminder)}`) : log(`digest for ${m.digestFor}\n${m.text}\n`),
      ),
    );

    log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s: ingest queue ${stack.env.INGEST_QUEUE_URL}`);
    log(
      `HTTP API ${api.url}/orgs/{orgId}/report · DynamoDB Local ${emulators.dynamodbEndpoint} · SQS/SNS ${emulators.sqsEndpoint} · data ${dataDir}`,
    );
    log(`send events with: npx dangvien send FILE.ndjson --wait${dataOption}   (Ctrl-C stops everything)`);

    if (firstStart && !values.empty) {
      const today = todayInVietnam(new Date());
      log(`first start: loading the demo city (${demoPhases(today).flat().length} events)…`);
      await loadDemoCity({ queue: stack.stores.ingestQueue, settle: () => stack.settle() }, today);
      console.log(JSON.stringify(await buildReport(stack.stores.figures, DEMO_ROOT, { date: today }), null, 2));
      log(`demo city loaded: the report above is ${api.url}/orgs/${DEMO_ROOT}/report`);
    }
    if (!values['no-schedule']) cleanups.push(await startDailyClock({ log, reminders: stack.deps.reminders }));
  } catch (error) {
    // A lost or unsafe key is the user's to mend (exit 2, with the way out); anything else failed.
    if (error instanceof MasterSecretMissingError || error instanceof UnsafeKeyFileError) {
      console.error(
        `npm start: ${error.message}\nTo start over instead, deleting all the data of ${dataDir}: npm start -- --reset${dataOption}`,
      );
      await stop(2);
    } else {
      console.error(`npm start failed: ${(error as Error).message}`);
      await stop(1);
    }
  }
}

/** `--reset`: says what it deletes, then deletes it (the caller holds the lock). */
function reset(dataDir: string, log: (line: string) => void): void {
  const parts = existingData(dataDir);
  if (parts.length === 0) {
    log(`--reset: ${dataDir} holds no data yet, nothing to delete`);
    return;
  }
  log(`--reset: deleting every record, figure, queued message and the personal data key of ${dataDir}:`);
  for (const part of parts) log(`  ${part}`);
  resetData(dataDir);
  log('--reset: done, starting as on a first start');
}

/** A word as a POSIX shell reads it back: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * `REMINDER_DIGEST_ORGS` for the local job: the orgs of the subscriptions file with an
 * e-mail subscriber, or every root org without a file, so that a first start shows one.
 * @throws InvalidSubscriptionsError or a read error naming the file.
 */
function localDigestOrgs(file: string | undefined): string {
  if (!file) return 'roots';
  const subscriptions = parseReminderSubscriptions(readFileSync(file, 'utf8'), file);
  return JSON.stringify(digestOrgsOf(subscriptions));
}

void main();
