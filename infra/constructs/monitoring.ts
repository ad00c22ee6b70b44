// infra: what an operator watches. Alarms go to an alarms topic (subscribe a pager or
// an email to it); the dashboard shows the flow from queue to figures in one place.
import { ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { customerKey } from '../access.js';
import { HEALTH_LIMITS } from '../../shared/domain/health.js';

/**
 * The heartbeat the reminders function emits (EMF, Powertools Metrics) after each
 * completed run: functions/reminders/handler.ts names the same metric.
 */
export const REMINDERS_HEARTBEAT = { namespace: 'DangVien', metricName: 'RemindersRunCompleted', service: 'reminders' } as const;

/**
 * What the ingest emits (EMF) for a batch it could not start because the producer
 * registry could not be read or parsed: functions/ingest/handler.ts names the same metric.
 */
export const PRODUCER_REGISTRY_UNREADABLE = { namespace: 'DangVien', metricName: 'ProducerRegistryUnreadable', service: 'ingest' } as const;

/**
 * What the ingest emits (EMF) for a batch it left on the queue because the personal data
 * master secret is missing while sealed data exists: functions/ingest/handler.ts names it.
 */
export const PERSONAL_DATA_MASTER_MISSING = { namespace: 'DangVien', metricName: 'PersonalDataMasterMissing', service: 'ingest' } as const;

/**
 * What the ingest emits (EMF) for each try of a waiting event past its short waits (2, 4,
 * 8, 16 s: shared/domain/ingest/retry-schedule.ts): its predecessor has not come, and
 * `dangvien status` names it. functions/ingest/handler.ts names the same metric.
 */
export const WAITING_PAST_SHORT_WAITS = { namespace: 'DangVien', metricName: 'WaitingEventsPastShortWaits', service: 'ingest' } as const;

/**
 * What the reminders function emits (EMF) after each run: how many registered producers
 * have sent nothing for longer than their limit (functions/reminders/handler.ts).
 */
export const SILENT_PRODUCERS = { namespace: 'DangVien', metricName: 'SilentProducers', service: 'reminders' } as const;

/**
 * What the ingest emits (EMF) for an event it rejected because its producer had as many
 * events waiting as its quota allows (docs/producers.md "Quotas"): functions/ingest/handler.ts names it.
 */
export const WAITING_QUOTA_REACHED = { namespace: 'DangVien', metricName: 'WaitingQuotaReached', service: 'ingest' } as const;

/** What the ingest emits for an event rejected over its producer's events per minute (too-many-events). */
export const EVENTS_PER_MINUTE_QUOTA_REACHED = {
  namespace: 'DangVien',
  metricName: 'EventsPerMinuteQuotaReached',
  service: 'ingest',
} as const;

/** What the ingest emits for a rejection kept without its body: its producer has as many bodies kept as its quota allows. */
export const REJECTED_KEPT_QUOTA_REACHED = { namespace: 'DangVien', metricName: 'RejectedKeptQuotaReached', service: 'ingest' } as const;

/**
 * The DynamoDB operations whose throttles and system errors are alarmed on: every one the
 * functions and `dangvien` call (the CLI's recompute scans, its import batch-writes). At
 * most 10 metrics fit one alarm's metric math; stream reads (GetRecords) are watched
 * through the figures' iterator age instead.
 */
const TABLE_OPERATIONS = [
  dynamodb.Operation.GET_ITEM,
  dynamodb.Operation.BATCH_GET_ITEM,
  dynamodb.Operation.QUERY,
  dynamodb.Operation.SCAN,
  dynamodb.Operation.PUT_ITEM,
  dynamodb.Operation.UPDATE_ITEM,
  dynamodb.Operation.DELETE_ITEM,
  dynamodb.Operation.BATCH_WRITE_ITEM,
  dynamodb.Operation.TRANSACT_WRITE_ITEMS,
];

export interface MonitoringProps {
  readonly ingestQueue: sqs.IQueue;
  /** Events that failed every receive: each one needs an operator. */
  readonly deadLetterQueue: sqs.IQueue;
  /** Stream batches the figures function gave up on: the figures are behind. */
  readonly failedBatches: sqs.IQueue;
  /** The stream consumer, whose iterator age says how far the figures lag the records. */
  readonly streamConsumer: lambda.IFunction;
  /** Every function by a short name, for errors and throttles. */
  readonly functions: Readonly<Record<string, lambda.IFunction>>;
  readonly httpApi: apigwv2.IHttpApi;
  /**
   * How old the oldest waiting event may grow. A message a crashed handler held comes
   * back up to maxReceiveCount × visibility timeout (18 minutes), so more than that means
   * the ingest function is not keeping up.
   * @default 30 minutes
   */
  readonly maxEventAge?: Duration;
  /** @default 5 minutes */
  readonly maxIteratorAge?: Duration;
  /** Each table by a short name, for throttles and system errors. */
  readonly tables: Readonly<Record<string, dynamodb.ITable>>;
  /** The reminders topic: a notification it failed to deliver is a reminder lost to a subscriber. */
  readonly notificationsTopic: sns.ITopic;
  /** The daily schedule's own group: its Scheduler metrics are that schedule's. */
  readonly scheduleGroup: scheduler.IScheduleGroup;
  /** Invocations of the daily schedule that Scheduler gave up on. */
  readonly scheduleDeadLetterQueue: sqs.IQueue;
  /** The functions' log groups, by the same short names, for the saved queries. */
  readonly logGroups: Readonly<Record<string, logs.ILogGroup>>;
  /** The ingest function's log group (its `event ingested` lines carry outcome and reason). */
  readonly ingestLogGroup: logs.ILogGroup;
  /** Subscribed to the alarms topic by e-mail when given. */
  readonly alarmEmail?: string;
}

/** Alarms, the topic they notify and a dashboard. */
export class Monitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  /** No reminders run completed in the last 26 hours. */
  readonly remindersHeartbeat: cloudwatch.Alarm;
  /** Fires when the ingest could not read the producer registry (nothing applies meanwhile). */
  readonly producerRegistryUnreadable: cloudwatch.Alarm;
  /** Fires when the personal data master secret is missing while sealed data exists (nothing applies meanwhile). */
  readonly personalDataMasterMissing: cloudwatch.Alarm;
  /** Fires when an event still waits for its predecessor after its short retries (`dangvien status` names it). */
  readonly waitingPastShortWaits: cloudwatch.Alarm;
  /** Fires when the daily check found a registered producer silent for too long. */
  readonly silentProducers: cloudwatch.Alarm;
  /** Fires when a producer's event was rejected over its quota of waiting events (`dangvien status` names it). */
  readonly waitingQuotaReached: cloudwatch.Alarm;
  /** Fires when a producer's event was rejected over its events per minute. */
  readonly eventsPerMinuteQuotaReached: cloudwatch.Alarm;
  /** Fires when a rejection was kept without its body: its producer is at its quota of rejected bodies. */
  readonly rejectedKeptQuotaReached: cloudwatch.Alarm;
  /** Fires when a message has been in the ingest's dead-letter queue for 10 of the 14 days SQS keeps it. */
  readonly deadLetterAboutToExpire: cloudwatch.Alarm;
  /** Saved Logs Insights queries: one event's path, and the rejections by reason. */
  readonly queries: { followEvent: logs.QueryDefinition; rejectionsByReason: logs.QueryDefinition };

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    const stack = Stack.of(this);
    // Only CloudWatch, for this account's alarms, publishes to the alarms topic; an
    // operator's test publish goes through SNS with an IAM policy of its own.
    const key = customerKey(this, 'Key', {
      description: 'Encrypts the alarms topic',
      removalPolicy: RemovalPolicy.DESTROY,
      useThrough: [{ sid: 'PublishThroughSNS', service: 'sns', actions: ['kms:GenerateDataKey*', 'kms:Decrypt', 'kms:DescribeKey'] }],
    });
    // CloudWatch publishes alarm notifications to an encrypted topic only if the key lets
    // it; the conditions keep other accounts' alarms from using our key (confused deputy).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AlarmNotificationsFromCloudWatch',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      displayName: 'Party member records: operator alarms',
      masterKey: key,
      enforceSSL: true,
    });
    if (props.alarmEmail) this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.alarmTopic);

    const alarm = (
      alarmId: string,
      description: string,
      options: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric },
    ): cloudwatch.Alarm => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmDescription: description,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(notify);
      created.addOkAction(notify);
      this.alarms.push(created);
      return created;
    };
    const anyAtAll = {
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
    };

    const oneMinuteMax = { period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM };
    const fiveMinuteSum = { period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM };

    const dlqDepth = props.deadLetterQueue.metricApproximateNumberOfMessagesVisible(oneMinuteMax);
    alarm(
      'DeadLetterQueueNotEmpty',
      'Events failed every retry and wait in the ingest dead-letter queue: see `dangvien rejected list` and the DLQ, fix, re-drive.',
      {
        metric: dlqDepth,
        ...anyAtAll,
      },
    );
    /** An alarm on any count, in five minutes, of a metric a function emits (one the operator must act on). */
    const anyCountOf = (metric: { namespace: string; metricName: string; service: string }, description: string) =>
      alarm(metric.metricName, description, {
        metric: new cloudwatch.Metric({
          namespace: metric.namespace,
          metricName: metric.metricName,
          dimensionsMap: { service: metric.service },
          ...fiveMinuteSum,
        }),
        ...anyAtAll,
      });
    // Fail closed: while the registry is unreadable nothing is applied, every batch returns
    // to the queue (and, if it lasts, goes to the DLQ to be redriven).
    this.producerRegistryUnreadable = anyCountOf(
      PRODUCER_REGISTRY_UNREADABLE,
      'The ingest could not read or parse the producer registry: no event is applied until it can. Check the SSM parameter (valid JSON, the schema of README "Who may write what") and the ingest log line "producer registry unreadable"; then `dangvien dlq redrive`.',
    );
    // Fail closed: never a new master secret while data is sealed under the old one.
    this.personalDataMasterMissing = anyCountOf(
      PERSONAL_DATA_MASTER_MISSING,
      'The personal data master secret (item VAULT/MASTER of the Records table) is missing while personal data is sealed under it: no event is applied until it is restored. Restore the item from a point-in-time backup of the Records table; then `dangvien dlq redrive`.',
    );
    // `dangvien status` names the same events (domain/health.ts): each has its own line there.
    this.waitingPastShortWaits = anyCountOf(
      WAITING_PAST_SHORT_WAITS,
      'An event waits for a predecessor that did not come within its short retries (2, 4, 8, 16 s): it is tried once more after the visibility timeout, then goes to the dead-letter queue. `dangvien status` names it and says what it waits for; send the missing event, or fix the one that waits.',
    );
    // Counted once a day, after the reminders run: a day's period keeps the alarm up until the next check.
    this.silentProducers = alarm(
      SILENT_PRODUCERS.metricName,
      'A registered producer has sent nothing for longer than its limit (14 days by default, `silentAfterDays` in the registry): its system may have stopped feeding us. The reminders function logs "producer silent" with its name; `dangvien status` lists every source with its last event.',
      {
        metric: new cloudwatch.Metric({
          namespace: SILENT_PRODUCERS.namespace,
          metricName: SILENT_PRODUCERS.metricName,
          dimensionsMap: { service: SILENT_PRODUCERS.service },
          period: Duration.days(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        ...anyAtAll,
      },
    );
    // A producer at its quota: its events that would wait are rejected (kept, to be redriven).
    this.waitingQuotaReached = anyCountOf(
      WAITING_QUOTA_REACHED,
      'A producer has as many events waiting for a predecessor as its quota allows: its new events that would wait are rejected too-many-waiting (kept). `dangvien status` names it; see the runbook "A producer reached its quota".',
    );
    this.eventsPerMinuteQuotaReached = anyCountOf(
      EVENTS_PER_MINUTE_QUOTA_REACHED,
      'A producer sent more events in a minute than its quota allows: its events over it are rejected too-many-events (kept). `dangvien status` names it; see the runbook "A producer reached its quota".',
    );
    this.rejectedKeptQuotaReached = anyCountOf(
      REJECTED_KEPT_QUOTA_REACHED,
      'A producer has as many rejected events kept as its quota allows: its further rejections are kept without their bodies. `dangvien status` names it; see the runbook "A producer reached its quota".',
    );
    // SQS deletes a dead-lettered message 14 days after its move and records nothing: say so 4 days before.
    this.deadLetterAboutToExpire = alarm(
      'DeadLetterQueueAboutToExpire',
      'An event has been in the ingest dead-letter queue for more than 10 days: SQS deletes it for good at 14, with nothing recorded. Redrive it (`dangvien dlq redrive`) or decide it is not wanted; see the runbook "A dead-lettered event about to be lost".',
      {
        metric: props.deadLetterQueue.metricApproximateAgeOfOldestMessage(oneMinuteMax),
        threshold: HEALTH_LIMITS.deadLetterWarnSeconds,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      },
    );
    const failedBatches = props.failedBatches.metricApproximateNumberOfMessagesVisible(oneMinuteMax);
    alarm(
      'FailedStreamBatches',
      'The figures function gave up on stream records: the figures are behind the records; run `dangvien recompute`.',
      {
        metric: failedBatches,
        ...anyAtAll,
      },
    );

    const maxEventAge = props.maxEventAge ?? Duration.minutes(30);
    const oldestEvent = props.ingestQueue.metricApproximateAgeOfOldestMessage(oneMinuteMax);
    alarm('IngestBacklogOld', `The oldest event on the ingest queue waited more than ${maxEventAge.toHumanString()}.`, {
      metric: oldestEvent,
      threshold: maxEventAge.toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
    });

    const maxIteratorAge = props.maxIteratorAge ?? Duration.minutes(5);
    const iteratorAge = props.streamConsumer.metric('IteratorAge', oneMinuteMax);
    alarm('FiguresLagging', `The figures lag the records by more than ${maxIteratorAge.toHumanString()} (stream iterator age).`, {
      metric: iteratorAge,
      threshold: maxIteratorAge.toMilliseconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 5,
    });

    const errorWidgets: cloudwatch.IWidget[] = [];
    for (const [name, fn] of Object.entries(props.functions)) {
      const prefix = name.charAt(0).toUpperCase() + name.slice(1).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
      const errors = fn.metricErrors(fiveMinuteSum);
      const throttles = fn.metricThrottles(fiveMinuteSum);
      alarm(`${prefix}Errors`, `The ${name} function failed (threw or timed out).`, { metric: errors, ...anyAtAll });
      alarm(`${prefix}Throttles`, `The ${name} function was throttled: the account's concurrency is exhausted.`, {
        metric: throttles,
        ...anyAtAll,
      });
      errorWidgets.push(
        new cloudwatch.GraphWidget({
          title: `${name}: invocations, errors, throttles`,
          left: [fn.metricInvocations(fiveMinuteSum), errors, throttles],
          right: [fn.metricDuration({ period: Duration.minutes(5), statistic: cloudwatch.Stats.percentile(99) })],
          width: 12,
        }),
      );
    }

    const serverErrors = props.httpApi.metricServerError(fiveMinuteSum);
    alarm('ApiServerErrors', 'The report API answered 5xx.', { metric: serverErrors, ...anyAtAll });

    // The heartbeat. CloudWatch keeps an alarm's whole evaluation range within 7 days,
    // and within 1 day for periods under an hour; a period longer than the gap we want to
    // see would only look at fixed windows. So: 1-hour periods, 26 of them, all 26 must
    // breach (SUM < 1, i.e. no completed run in that hour) — the alarm fires when no run
    // completed in the last 26 hours (the daily run, Scheduler's 2 hours of retries and
    // slack), and clears with the next run. Missing data is BREACHING: a function that
    // never runs emits nothing at all, which must alarm, including on the first day
    // after a deployment (a brand-new stack alarms until its first run).
    const runsCompleted = new cloudwatch.Metric({
      namespace: REMINDERS_HEARTBEAT.namespace,
      metricName: REMINDERS_HEARTBEAT.metricName,
      dimensionsMap: { service: REMINDERS_HEARTBEAT.service },
      statistic: cloudwatch.Stats.SUM,
      period: Duration.hours(1),
    });
    this.remindersHeartbeat = alarm(
      'RemindersNotRun',
      'No reminders run completed in the last 26 hours: the daily job did not run or failed. Check the schedule and the reminders function; run `dangvien remind` or invoke the function to catch up.',
      {
        metric: runsCompleted,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 26,
        datapointsToAlarm: 26,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      },
    );

    const tableWidgets: cloudwatch.IWidget[] = [];
    for (const [name, table] of Object.entries(props.tables)) {
      const prefix = name.charAt(0).toUpperCase() + name.slice(1);
      const throttled = table.metricThrottledRequestsForOperations({ operations: TABLE_OPERATIONS, period: Duration.minutes(5) });
      const systemErrors = table.metricSystemErrorsForOperations({ operations: TABLE_OPERATIONS, period: Duration.minutes(5) });
      alarm(`${prefix}TableThrottled`, `Requests to the ${name} table were throttled (a hot partition or the account's table limits).`, {
        metric: throttled,
        ...anyAtAll,
      });
      alarm(`${prefix}TableSystemErrors`, `DynamoDB answered requests to the ${name} table with a server error (HTTP 500).`, {
        metric: systemErrors,
        ...anyAtAll,
      });
      // One graph each: both expressions name their per-operation metrics alike (getitem, …).
      tableWidgets.push(
        new cloudwatch.GraphWidget({ title: `${name} table: throttled requests`, left: [throttled], width: 6 }),
        new cloudwatch.GraphWidget({ title: `${name} table: system errors`, left: [systemErrors], width: 6 }),
      );
    }

    const notificationsFailed = props.notificationsTopic.metricNumberOfNotificationsFailed(fiveMinuteSum);
    alarm('NotificationsFailed', 'SNS failed to deliver reminders to a subscriber of the notifications topic (after its retries).', {
      metric: notificationsFailed,
      ...anyAtAll,
    });

    const scheduleTargetErrors = props.scheduleGroup.metricTargetErrors(fiveMinuteSum);
    const scheduleDropped = props.scheduleGroup.metricDropped(fiveMinuteSum);
    const scheduleDlqFailed = props.scheduleGroup.metricFailedToBeSentToDLQ(undefined, fiveMinuteSum);
    alarm(
      'ScheduleTargetErrors',
      'EventBridge Scheduler could not invoke the reminders function (it retries up to 3 times within 2 hours).',
      {
        metric: scheduleTargetErrors,
        ...anyAtAll,
      },
    );
    alarm('ScheduleInvocationsDropped', 'EventBridge Scheduler gave up on a daily reminders run and dropped it.', {
      metric: scheduleDropped,
      ...anyAtAll,
    });
    alarm('ScheduleDeadLettersFailed', "EventBridge Scheduler could not write a failed run to the schedule's dead-letter queue.", {
      metric: scheduleDlqFailed,
      ...anyAtAll,
    });
    const scheduleDlqDepth = props.scheduleDeadLetterQueue.metricApproximateNumberOfMessagesVisible(oneMinuteMax);
    alarm(
      'ScheduleDeadLetterQueueNotEmpty',
      "A daily reminders run failed every attempt and waits in the schedule's dead-letter queue: run the day with `dangvien remind`, then purge the queue.",
      {
        metric: scheduleDlqDepth,
        ...anyAtAll,
      },
    );

    const followEvent = new logs.QueryDefinition(this, 'FollowOneEvent', {
      queryDefinitionName: `${stack.stackName}/follow-one-event`,
      queryString: new logs.QueryString({
        fields: ['@timestamp', 'service', 'level', 'message', 'eventId', 'messageId', 'outcome', 'reason', 'receiveCount'],
        filterStatements: ['eventId = "REPLACE-WITH-EVENT-ID"'],
        sort: '@timestamp asc',
        limit: 1000,
      }),
      logGroups: Object.values(props.logGroups),
    });
    const rejectionsByReason = new logs.QueryDefinition(this, 'RejectionsByReason', {
      queryDefinitionName: `${stack.stackName}/rejections-by-reason`,
      queryString: new logs.QueryString({
        filterStatements: ['outcome = "rejected"'],
        statsStatements: ['count(*) as rejections by reason'],
        sort: 'rejections desc',
      }),
      logGroups: [props.ingestLogGroup],
    });
    this.queries = { followEvent, rejectionsByReason };

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      defaultInterval: Duration.hours(24),
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Ingest queue',
            left: [
              props.ingestQueue.metricNumberOfMessagesSent(fiveMinuteSum),
              props.ingestQueue.metricNumberOfMessagesDeleted(fiveMinuteSum),
              props.ingestQueue.metricApproximateNumberOfMessagesVisible(oneMinuteMax),
            ],
            right: [oldestEvent],
            width: 12,
          }),
          new cloudwatch.GraphWidget({
            title: 'Needs an operator',
            left: [dlqDepth, failedBatches],
            width: 6,
          }),
          new cloudwatch.GraphWidget({ title: 'Figures lag (iterator age, ms)', left: [iteratorAge], width: 6 }),
        ],
        errorWidgets,
        [
          new cloudwatch.GraphWidget({ title: 'Reminders runs completed (hourly)', left: [runsCompleted], width: 6 }),
          new cloudwatch.GraphWidget({
            title: 'Daily schedule: target errors, dropped, dead letters',
            left: [scheduleTargetErrors, scheduleDropped, scheduleDlqFailed, scheduleDlqDepth],
            width: 6,
          }),
          new cloudwatch.GraphWidget({ title: 'Notifications failed', left: [notificationsFailed], width: 6 }),
        ],
        tableWidgets,
        [
          new cloudwatch.GraphWidget({
            title: 'Report API',
            left: [props.httpApi.metricCount(fiveMinuteSum), props.httpApi.metricClientError(fiveMinuteSum), serverErrors],
            right: [props.httpApi.metricLatency({ period: Duration.minutes(5), statistic: cloudwatch.Stats.percentile(99) })],
            width: 12,
          }),
          new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 12 }),
        ],
      ],
    });
  }
}
