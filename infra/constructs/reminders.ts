// infra: the daily job. At 07:00 Vietnam time EventBridge Scheduler runs the reminders
// function; it sends each due reminder once to the notifications topic (docs/reminders.md),
// then one digest per org with an e-mail subscriber. The deployment's subscriptions
// (`-c reminderSubscriptions=FILE`) are SNS subscriptions with filter policies on the
// message attributes (shared/domain/notifications.ts): an e-mail gets its org's digest,
// a queue or an HTTPS endpoint its org's subtree's reminders.
import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { digestOrgsOf, endpointOf, filterPolicyOf, type ReminderSubscription } from '../../shared/domain/subscriptions.js';
import { REMINDERS_SCHEDULE } from '../../shared/resources.js';
import { customerKey, grantItems, grantTableKey } from '../access.js';
import { FUNCTION_PARTITIONS, SOURCES_PARTITION } from '../partitions.js';
import { acknowledge, acknowledgeKmsGrantWildcards, arnFinding } from '../nag.js';
import { DangVienFunction } from './dangvien-function.js';
import type { Records } from './records.js';

export interface RemindersProps {
  readonly records: Records;
  /** Who receives what (shared/domain/subscriptions.ts). @default none */
  readonly subscriptions?: readonly ReminderSubscription[];
  /**
   * The producer registry: after each run the function names the registered producers
   * silent for too long (the SilentProducers metric and alarm). @default none: not checked
   */
  readonly producers?: ssm.IStringParameter;
}

/** The notifications topic, the schedule and the function it runs. */
export class Reminders extends Construct {
  readonly key: kms.Key;
  /** Reminders as JSON (docs/reminders.md); the cells' systems subscribe to it. */
  readonly topic: sns.Topic;
  readonly handler: DangVienFunction;
  readonly schedule: scheduler.Schedule;
  /** The schedule's own group, so that its Scheduler metrics are this schedule's alone. */
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Invocations Scheduler gave up on (retries and maximum event age spent). */
  readonly scheduleDeadLetterQueue: sqs.Queue;
  /** The orgs the job sends a digest for, as the JSON array the function reads (`REMINDER_DIGEST_ORGS`). */
  readonly digestOrgs: string;

  constructor(scope: Construct, id: string, props: RemindersProps) {
    super(scope, id);
    const { recordsTable, figuresTable } = props.records;

    // The reminders function publishes through SNS; nothing else uses the key.
    this.key = customerKey(this, 'Key', {
      description: 'Encrypts the reminders notifications topic',
      removalPolicy: RemovalPolicy.RETAIN,
      useThrough: [{ sid: 'PublishThroughSNS', service: 'sns', actions: ['kms:GenerateDataKey*', 'kms:Decrypt', 'kms:DescribeKey'] }],
    });
    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: 'Party member work reminders',
      masterKey: this.key,
      enforceSSL: true,
    });

    const subscriptions = props.subscriptions ?? [];
    for (const subscription of subscriptions) this.subscribe(subscription);
    this.digestOrgs = JSON.stringify(digestOrgsOf(subscriptions));

    this.handler = new DangVienFunction(this, 'Handler', {
      handlerName: 'reminders',
      serviceName: 'reminders',
      description: "Sends the day's reminders and refreshes the date-dependent figures",
      // A catch-up after missed days walks several months of the byRemindOn index.
      timeout: Duration.minutes(5),
      memorySize: 1024,
      environment: {
        RECORDS_TABLE_NAME: recordsTable.tableName,
        FIGURES_TABLE_NAME: figuresTable.tableName,
        ...(props.producers ? { PRODUCERS_PARAMETER: props.producers.parameterName } : {}),
        NOTIFICATIONS_TOPIC_ARN: this.topic.topicArn,
        REMINDER_DIGEST_ORGS: this.digestOrgs,
      },
    });
    // What run-reminders-job calls through reminder-store.ts and org-tree.ts. Records:
    // the due items (Query on index byRemindOn), the org tree (Query on the table), the
    // items again, consistently (BatchGetItem), moving an item on in the index
    // (UpdateItem). Figures: the SENT markers and the outbox (Query), recording a reminder
    // (a transaction of two Puts: PutItem), claiming an outbox item (UpdateItem) and
    // removing it (DeleteItem).
    const partitions = FUNCTION_PARTITIONS.reminders;
    grantItems(this.handler, recordsTable, { actions: ['Query'], indexes: ['byRemindOn'] });
    grantItems(this.handler, recordsTable, { actions: ['Query', 'BatchGetItem', 'UpdateItem'], leadingKeys: partitions.records });
    // The sources' counters are read only (the daily silence check): no write reaches them.
    const writes = partitions.figures.filter((p) => p !== SOURCES_PARTITION);
    grantItems(this.handler, figuresTable, { actions: ['Query'], leadingKeys: partitions.figures });
    grantItems(this.handler, figuresTable, { actions: ['PutItem', 'UpdateItem', 'DeleteItem'], leadingKeys: writes });
    // The silence check reads the registry (the sources' counters are among the partitions above).
    if (props.producers) {
      this.handler.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [props.producers.parameterArn] }),
      );
    }
    grantTableKey(this.handler, props.records.key, 'write');
    this.topic.grantPublish(this.handler);

    // Our own role rather than the stack-wide one the target would create: its grant
    // and the acknowledgment below then stay with this schedule.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      description: 'Lets EventBridge Scheduler run the reminders function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'Schedules', { removalPolicy: RemovalPolicy.DESTROY });
    // The invocation Scheduler gives up on: a payload without personal data (the
    // schedule's own), so SQS-managed encryption suffices.
    this.scheduleDeadLetterQueue = new sqs.Queue(this, 'ScheduleDeadLetters', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    acknowledge(
      this.scheduleDeadLetterQueue,
      'AwsSolutions-SQS3',
      "This queue is itself a dead-letter queue: the daily schedule's target sends here the invocations it gave up on.",
    );
    this.schedule = new scheduler.Schedule(this, 'Daily', {
      scheduleGroup: this.scheduleGroup,
      description: 'Runs the reminders job every day at 07:00 Vietnam time',
      schedule: scheduler.ScheduleExpression.cron({
        minute: String(REMINDERS_SCHEDULE.minute),
        hour: String(REMINDERS_SCHEDULE.hour),
        timeZone: TimeZone.of(REMINDERS_SCHEDULE.timeZone),
      }),
      // The job catches up on missed days itself, and running it twice sends nothing new.
      target: new targets.LambdaInvoke(this.handler.function, {
        role: scheduleRole,
        retryAttempts: 3,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.scheduleDeadLetterQueue,
      }),
    });

    // The schedule names its group by a generated literal name, not a reference, so
    // CloudFormation would not otherwise know to create the group first.
    this.schedule.node.addDependency(this.scheduleGroup);

    acknowledge(
      scheduleRole,
      `AwsSolutions-IAM5[${arnFinding(this.handler.function, ':*')}]`,
      "CDK's grantInvoke covers the function and its versions and aliases (<function ARN>:*); the role can invoke this one function only.",
    );

    const role = this.handler.role;
    acknowledgeKmsGrantWildcards(role, ['kms:GenerateDataKey*', 'kms:ReEncrypt*']);
  }

  /**
   * One SNS subscription. Its id comes from the org and the endpoint, not the entry's
   * place in the file, so reordering the file replaces nothing (an e-mail would have to
   * confirm again). A queue gets the raw reminder JSON with the attributes as SQS message
   * attributes; an HTTPS endpoint the signed SNS envelope, which carries them.
   */
  private subscribe(subscription: ReminderSubscription): void {
    const endpoint = endpointOf(subscription);
    const hash = createHash('sha256').update(`${subscription.orgId}\u0000${endpoint.toLowerCase()}`).digest('hex').slice(0, 10);
    const filterPolicy = Object.fromEntries(
      Object.entries(filterPolicyOf(subscription)).map(([name, allowlist]) => [name, sns.SubscriptionFilter.stringFilter({ allowlist })]),
    );
    const protocol =
      'email' in subscription
        ? sns.SubscriptionProtocol.EMAIL
        : 'sqsArn' in subscription
          ? sns.SubscriptionProtocol.SQS
          : sns.SubscriptionProtocol.HTTPS;
    new sns.Subscription(this, `Subscription-${subscription.orgId}-${hash}`, {
      topic: this.topic,
      protocol,
      endpoint,
      filterPolicy,
      rawMessageDelivery: protocol === sns.SubscriptionProtocol.SQS ? true : undefined,
    });
  }
}
