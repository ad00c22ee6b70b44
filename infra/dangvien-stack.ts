// infra: the whole backend, one construct per part of the diagram:
// Ingest (queue → function) → Records (tables) → stream → Figures; Reminders (daily);
// Api (report); Monitoring (alarms and dashboard).
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { Api } from './constructs/api.js';
import { Figures } from './constructs/figures.js';
import { Ingest } from './constructs/ingest.js';
import { Monitoring } from './constructs/monitoring.js';
import { Records } from './constructs/records.js';
import { Reminders } from './constructs/reminders.js';
import type { ReminderSubscription } from '../shared/domain/subscriptions.js';

export interface DangVienStackProps extends StackProps {
  /** The ingest function's maximum concurrency on its event source. @default 5 */
  readonly ingestMaxConcurrency?: number;
  /** Whether ingest checks each event against the producer registry. @default true */
  readonly producerScoping?: boolean;
  /** An existing SSM parameter holding the producer registry. @default one of the stack's own, empty */
  readonly producersParameterName?: string;
  /** An operator's e-mail address, subscribed to the alarms topic. @default none */
  readonly alarmEmail?: string;
  /** Who receives the reminders (SQS, HTTPS) and the digests (e-mail). @default none */
  readonly reminderSubscriptions?: readonly ReminderSubscription[];
  /** The operators' role that may open profiles (the personal data key's policy names it). @default none */
  readonly personalDataOperatorRoleArn?: string;
}

/** The party member records backend. The outputs are what `dangvien` needs to talk to it. */
export class DangVienStack extends Stack {
  readonly records: Records;
  readonly ingest: Ingest;
  readonly figures: Figures;
  readonly reminders: Reminders;
  readonly api: Api;
  readonly monitoring: Monitoring;

  constructor(scope: Construct, id: string, props: DangVienStackProps = {}) {
    super(scope, id, props);

    this.records = new Records(this, 'Records', { personalDataOperatorRoleArn: props.personalDataOperatorRoleArn });
    this.ingest = new Ingest(this, 'Ingest', {
      records: this.records,
      maxConcurrency: props.ingestMaxConcurrency,
      producerScoping: props.producerScoping,
      producersParameterName: props.producersParameterName,
    });
    this.figures = new Figures(this, 'Figures', { records: this.records });
    this.reminders = new Reminders(this, 'Reminders', {
      records: this.records,
      subscriptions: props.reminderSubscriptions,
      producers: this.ingest.producers,
    });
    this.api = new Api(this, 'Api', { records: this.records, producers: this.ingest.producers });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      ingestQueue: this.ingest.queue,
      deadLetterQueue: this.ingest.deadLetterQueue,
      failedBatches: this.figures.failedBatches,
      streamConsumer: this.figures.handler.function,
      functions: {
        ingest: this.ingest.handler.function,
        figures: this.figures.handler.function,
        reminders: this.reminders.handler.function,
        'report-api': this.api.handler.function,
      },
      httpApi: this.api.httpApi,
      tables: { records: this.records.recordsTable, figures: this.records.figuresTable },
      notificationsTopic: this.reminders.topic,
      scheduleGroup: this.reminders.scheduleGroup,
      scheduleDeadLetterQueue: this.reminders.scheduleDeadLetterQueue,
      logGroups: {
        ingest: this.ingest.handler.logGroup,
        figures: this.figures.handler.logGroup,
        reminders: this.reminders.handler.logGroup,
        'report-api': this.api.handler.logGroup,
      },
      ingestLogGroup: this.ingest.handler.logGroup,
      alarmEmail: props.alarmEmail,
    });

    const output = (name: string, value: string, description: string) => new CfnOutput(this, name, { value, description });
    output('IngestQueueUrl', this.ingest.queue.queueUrl, 'Send events here (FIFO; MessageGroupId = the subject)');
    output('DlqUrl', this.ingest.deadLetterQueue.queueUrl, 'Events that failed every retry');
    output('RecordsTableName', this.records.recordsTable.tableName, 'Member, dossier, transfer and org records');
    output('FiguresTableName', this.records.figuresTable.tableName, 'Per-org figures');
    output('NotificationsTopicArn', this.reminders.topic.topicArn, 'Reminders (docs/reminders.md)');
    output('ReminderDigestOrgs', this.reminders.digestOrgs, 'The orgs the daily job sends a digest for (dangvien remind reads it)');
    output('ApiUrl', this.api.stage.url, 'GET {ApiUrl}orgs/{orgId}/report, signed with SigV4');
    output('AlarmsTopicArn', this.monitoring.alarmTopic.topicArn, 'Subscribe operators here');
    output(
      'FiguresFunctionName',
      this.figures.handler.function.functionName,
      'Its IteratorAge is how far the figures lag the records (dangvien status)',
    );
    if (this.ingest.producers) {
      output(
        'ProducersParameterName',
        this.ingest.producers.parameterName,
        'The producer registry (docs/security.md); only operators may write it',
      );
    }
    output('IngestKeyArn', this.ingest.key.keyArn, 'Producers need kms:GenerateDataKey and kms:Decrypt on it, through SQS');
    output(
      'PersonalDataKeyArn',
      this.records.personalDataKey.keyArn,
      'Only the ingest and the role of -c personalDataOperatorRoleArn may decrypt with it (`dangvien person show` against AWS)',
    );
    output('Region', this.region, 'The region of all of the above');
  }
}
