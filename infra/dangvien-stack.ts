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

export interface DangVienStackProps extends StackProps {
  /** The ingest function's maximum concurrency on its event source. @default 5 */
  readonly ingestMaxConcurrency?: number;
  /** An SSM parameter naming the accepted producers (PRODUCERS_PARAMETER). @default none */
  readonly producersParameterName?: string;
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

    this.records = new Records(this, 'Records');
    this.ingest = new Ingest(this, 'Ingest', {
      records: this.records,
      maxConcurrency: props.ingestMaxConcurrency,
      producersParameterName: props.producersParameterName,
    });
    this.figures = new Figures(this, 'Figures', { records: this.records });
    this.reminders = new Reminders(this, 'Reminders', { records: this.records });
    this.api = new Api(this, 'Api', { records: this.records });
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
    });

    const output = (name: string, value: string, description: string) => new CfnOutput(this, name, { value, description });
    output('IngestQueueUrl', this.ingest.queue.queueUrl, 'Send events here (FIFO; MessageGroupId = the subject)');
    output('DlqUrl', this.ingest.deadLetterQueue.queueUrl, 'Events that failed every retry');
    output('RecordsTableName', this.records.recordsTable.tableName, 'Member, dossier, transfer and org records');
    output('FiguresTableName', this.records.figuresTable.tableName, 'Per-org figures');
    output('NotificationsTopicArn', this.reminders.topic.topicArn, 'Reminders (CONTRACT §8)');
    output('ApiUrl', this.api.stage.url, 'GET {ApiUrl}orgs/{orgId}/report, signed with SigV4');
    output('AlarmsTopicArn', this.monitoring.alarmTopic.topicArn, 'Subscribe operators here');
    output('Region', this.region, 'The region of all of the above');
  }
}
