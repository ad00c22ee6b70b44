// infra: the daily job. At 07:00 Vietnam time EventBridge Scheduler runs the reminders
// function; it sends each due reminder once to the notifications topic (CONTRACT §8)
// and refreshes the figures that depend on the date.
import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { REMINDERS_SCHEDULE } from '../../shared/resources.js';
import { acknowledge, acknowledgeKmsGrantWildcards, arnFinding } from '../nag.js';
import { DangVienFunction } from './dangvien-function.js';
import type { Records } from './records.js';

export interface RemindersProps {
  readonly records: Records;
}

/** The notifications topic, the schedule and the function it runs. */
export class Reminders extends Construct {
  readonly key: kms.Key;
  /** Reminders as JSON (CONTRACT §8); the cells' systems subscribe to it. */
  readonly topic: sns.Topic;
  readonly handler: DangVienFunction;
  readonly schedule: scheduler.Schedule;

  constructor(scope: Construct, id: string, props: RemindersProps) {
    super(scope, id);
    const { recordsTable, figuresTable } = props.records;

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the reminders notifications topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topic = new sns.Topic(this, 'Notifications', {
      displayName: 'Party member work reminders',
      masterKey: this.key,
      enforceSSL: true,
    });

    this.handler = new DangVienFunction(this, 'Handler', {
      handlerName: 'reminders',
      serviceName: 'reminders',
      description: 'Sends the day\'s reminders and refreshes the date-dependent figures',
      // A catch-up after missed days walks several months of the byRemindOn index.
      timeout: Duration.minutes(5),
      memorySize: 1024,
      environment: {
        RECORDS_TABLE_NAME: recordsTable.tableName,
        FIGURES_TABLE_NAME: figuresTable.tableName,
        NOTIFICATIONS_TOPIC_ARN: this.topic.topicArn,
      },
    });
    // Reads the byRemindOn index and moves each item's next reminder on (Records);
    // remembers the reminders sent and refreshes dueSoon/overdue/late (Figures).
    recordsTable.grantReadWriteData(this.handler);
    figuresTable.grantReadWriteData(this.handler);
    this.topic.grantPublish(this.handler);

    // Our own role rather than the stack-wide one the target would create: its grant
    // and the acknowledgment below then stay with this schedule.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      description: 'Lets EventBridge Scheduler run the reminders function',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    this.schedule = new scheduler.Schedule(this, 'Daily', {
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
      }),
    });

    acknowledge(
      scheduleRole,
      `AwsSolutions-IAM5[${arnFinding(this.handler.function, ':*')}]`,
      'CDK\'s grantInvoke covers the function and its versions and aliases (<function ARN>:*); the role can invoke this one function only.',
    );

    const role = this.handler.role;
    acknowledge(
      role,
      `AwsSolutions-IAM5[${arnFinding(recordsTable, '/index/*')}]`,
      'The reminders job reads index byRemindOn of the Records table (the items with a reminder to send, by month); CDK grants a table\'s indexes as index/* under that one table.',
    );
    acknowledgeKmsGrantWildcards(role, ['kms:GenerateDataKey*', 'kms:ReEncrypt*']);
  }
}
