// infra: the front door. Producers send events to a FIFO queue (the subject is the
// message group, CONTRACT §1); the ingest function applies them to the Records table;
// a message that keeps failing moves to the dead-letter queue for an operator.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { INGEST_DLQ, INGEST_QUEUE, INGEST_SOURCE, type QueueDef } from '../../shared/resources.js';
import { acknowledgeKmsGrantWildcards, arnFinding, acknowledge } from '../nag.js';
import { DangVienFunction } from './dangvien-function.js';
import type { Records } from './records.js';

/** The longest SQS keeps a message: an operator has two weeks to re-drive. */
const RETENTION = Duration.days(14);

export interface IngestProps {
  readonly records: Records;
  /**
   * How many ingest functions may run at once. Set on the event source, not as reserved
   * concurrency: reserved concurrency throttles the poller and throttled messages count
   * as receives, pushing good events into the dead-letter queue. 2 to 1000.
   * @default 5
   */
  readonly maxConcurrency?: number;
  /**
   * The name of an SSM String parameter listing the accepted producers, passed to the
   * function as PRODUCERS_PARAMETER. Optional: without it every producer is accepted.
   */
  readonly producersParameterName?: string;
}

/** One queue from its definition, with its dead-letter queue when it names one. */
export function queueFrom(scope: Construct, def: QueueDef, key: kms.IKey, built: ReadonlyMap<string, sqs.IQueue>): sqs.Queue {
  let deadLetterQueue: sqs.DeadLetterQueue | undefined;
  if (def.deadLetterQueue) {
    const queue = built.get(def.deadLetterQueue);
    if (!queue || def.maxReceiveCount === undefined) {
      throw new Error(`queue ${def.id}: dead-letter queue ${def.deadLetterQueue} must be built first and maxReceiveCount set`);
    }
    deadLetterQueue = { queue, maxReceiveCount: def.maxReceiveCount };
  }
  return new sqs.Queue(scope, def.id.replace(/\.fifo$/, ''), {
    fifo: def.fifo ? true : undefined,
    visibilityTimeout: Duration.seconds(def.visibilityTimeout),
    retentionPeriod: RETENTION,
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: key,
    // Data keys are reused for 5 minutes: fewer KMS calls on a busy queue.
    dataKeyReuse: Duration.minutes(5),
    enforceSSL: true,
    deadLetterQueue,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}

/** The ingest queue, its dead-letter queue and the function between the queue and the records. */
export class Ingest extends Construct {
  /** Encrypts both queues: the events carry members' profiles. */
  readonly key: kms.Key;
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly handler: DangVienFunction;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const timeout = INGEST_SOURCE.functionTimeoutSeconds;
    if (INGEST_QUEUE.visibilityTimeout < 6 * timeout) {
      // AWS: a visibility timeout under 6 × the function timeout redelivers messages still being processed.
      throw new Error(`${INGEST_QUEUE.id}: visibility timeout ${INGEST_QUEUE.visibilityTimeout}s is under 6 × the function timeout ${timeout}s`);
    }

    this.key = new kms.Key(this, 'Key', {
      description: 'Encrypts the ingest queue and its dead-letter queue',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const built = new Map<string, sqs.Queue>();
    // Dead-letter queues first: the queues that use them refer to them.
    for (const def of [INGEST_DLQ, INGEST_QUEUE]) built.set(def.id, queueFrom(this, def, this.key, built));
    this.deadLetterQueue = built.get(INGEST_DLQ.id)!;
    this.queue = built.get(INGEST_QUEUE.id)!;

    const records = props.records;
    const producers = props.producersParameterName
      ? ssm.StringParameter.fromStringParameterName(this, 'Producers', props.producersParameterName)
      : undefined;

    this.handler = new DangVienFunction(this, 'Handler', {
      handlerName: 'ingest',
      serviceName: 'ingest',
      description: 'Applies events from the ingest queue to the member records',
      timeout: Duration.seconds(timeout),
      memorySize: 1024,
      environment: {
        RECORDS_TABLE_NAME: records.recordsTable.tableName,
        INGEST_QUEUE_URL: this.queue.queueUrl,
        ...(producers ? { PRODUCERS_PARAMETER: producers.parameterName } : {}),
      },
    });
    records.recordsTable.grantReadWriteData(this.handler);
    producers?.grantRead(this.handler);

    this.handler.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: INGEST_SOURCE.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 5,
      }),
    );

    const role = this.handler.role;
    acknowledge(
      role,
      `AwsSolutions-IAM5[${arnFinding(records.recordsTable, '/index/*')}]`,
      'The ingest function queries index byCell of the Records table (what a cell holds now); CDK grants a table\'s indexes as index/* under that one table.',
    );
    acknowledgeKmsGrantWildcards(role, ['kms:GenerateDataKey*', 'kms:ReEncrypt*']);
  }
}
