// infra: what an operator watches. Alarms go to an alarms topic (subscribe a pager or
// an email to it); the dashboard shows the flow from queue to figures in one place.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

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
   * How old the oldest waiting event may grow. An event whose predecessor is missing
   * is retried up to maxReceiveCount × visibility timeout (15 minutes), so more than
   * that means the ingest function is not keeping up.
   * @default 30 minutes
   */
  readonly maxEventAge?: Duration;
  /** @default 5 minutes */
  readonly maxIteratorAge?: Duration;
}

/** Alarms, the topic they notify and a dashboard. */
export class Monitoring extends Construct {
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    const key = new kms.Key(this, 'Key', {
      description: 'Encrypts the alarms topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // CloudWatch publishes alarm notifications to an encrypted topic only if the key lets it.
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new sns.Topic(this, 'Alarms', {
      displayName: 'Party member records: operator alarms',
      masterKey: key,
      enforceSSL: true,
    });
    const notify = new actions.SnsAction(this.alarmTopic);

    const alarm = (alarmId: string, description: string, options: cloudwatch.CreateAlarmOptions & { metric: cloudwatch.IMetric }): cloudwatch.Alarm => {
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
    alarm('DeadLetterQueueNotEmpty', 'Events failed every retry and wait in the ingest dead-letter queue: see `dangvien rejected list` and the DLQ, fix, re-drive.', {
      metric: dlqDepth,
      ...anyAtAll,
    });
    const failedBatches = props.failedBatches.metricApproximateNumberOfMessagesVisible(oneMinuteMax);
    alarm('FailedStreamBatches', 'The figures function gave up on stream records: the figures are behind the records; run `dangvien recompute`.', {
      metric: failedBatches,
      ...anyAtAll,
    });

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
      alarm(`${prefix}Throttles`, `The ${name} function was throttled: the account's concurrency is exhausted.`, { metric: throttles, ...anyAtAll });
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
