// infra: the figures follow the records. Every change on the Records table reaches the
// figures function through the table's stream; it recounts the cells touched and
// writes the Figures table. A batch that keeps failing is split until the bad record
// is alone, and its position goes to a queue for an operator.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FIGURES_SOURCE } from '../../shared/resources.js';
import { grantItems, grantTableKey } from '../access.js';
import { FUNCTION_PARTITIONS } from '../partitions.js';
import { acknowledge, acknowledgeKmsGrantWildcards } from '../nag.js';
import { DangVienFunction } from './dangvien-function.js';
import type { Records } from './records.js';

export interface FiguresProps {
  readonly records: Records;
}

/** The stream consumer and the queue where batches it gave up on are described. */
export class Figures extends Construct {
  readonly handler: DangVienFunction;
  /**
   * The on-failure destination: each message names a shard and the sequence numbers of a
   * batch that failed every retry (not the records themselves), to read back from the
   * stream within its 24 hours or to repair with `dangvien recompute`.
   */
  readonly failedBatches: sqs.Queue;

  constructor(scope: Construct, id: string, props: FiguresProps) {
    super(scope, id);
    const { recordsTable, figuresTable } = props.records;

    this.failedBatches = new sqs.Queue(this, 'FailedBatches', {
      // The messages hold stream positions, no personal data: SQS-managed keys suffice.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledge(
      this.failedBatches,
      'AwsSolutions-SQS3',
      'This queue is itself a dead-letter destination: the on-failure destination of the Records stream mapping. A queue behind it would only move the same messages again.',
    );

    this.handler = new DangVienFunction(this, 'Handler', {
      handlerName: 'figures',
      serviceName: 'figures',
      description: 'Keeps the per-org figures in step with the member records',
      timeout: Duration.seconds(FIGURES_SOURCE.functionTimeoutSeconds),
      memorySize: 1024,
      environment: {
        RECORDS_TABLE_NAME: recordsTable.tableName,
        FIGURES_TABLE_NAME: figuresTable.tableName,
      },
    });
    // What refresh-figures calls through figures-store.ts and org-tree.ts: on Records
    // the org-tree counter (GetItem), a cell's facts and the org tree (Query); the records
    // themselves come from the stream's images. On Figures the figures it recounts
    // (BatchGetItem) and writes, conditionally on their version (PutItem).
    const partitions = FUNCTION_PARTITIONS.figures;
    grantItems(this.handler, recordsTable, { actions: ['GetItem', 'Query'], leadingKeys: partitions.records });
    // DeleteItem: the contribution of a record an erasure moved under a pseudonym (refresh-figures/as-of.ts).
    grantItems(this.handler, figuresTable, {
      actions: ['BatchGetItem', 'PutItem', 'DeleteItem', 'Query'],
      leadingKeys: partitions.figures,
    });
    grantTableKey(this.handler, props.records.key, 'write');
    // The stream is read by Lambda's poller with this role, not through a DynamoDB call
    // made on its behalf, so the key names the role itself for Decrypt.
    props.records.key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'StreamRecordsForTheFiguresFunction',
        principals: [this.handler.role],
        actions: ['kms:Decrypt'],
        resources: ['*'],
      }),
    );

    // The event source grants the stream read (and the key's decrypt) and SendMessage on the queue.
    this.handler.function.addEventSource(
      new DynamoEventSource(recordsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: FIGURES_SOURCE.batchSize,
        retryAttempts: FIGURES_SOURCE.retryAttempts,
        bisectBatchOnError: true,
        reportBatchItemFailures: true,
        // One batch per shard at a time: a cell's changes are applied in order.
        parallelizationFactor: 1,
        onFailure: new SqsDlq(this.failedBatches),
      }),
    );

    const role = this.handler.role;
    acknowledge(
      role,
      'AwsSolutions-IAM5[Resource::*]',
      "dynamodb:ListStreams cannot be scoped to a resource (the Service Authorization Reference lists no resource type for it); Lambda's stream poller calls it. Every other stream action is scoped to the Records table's stream ARN.",
    );
    acknowledgeKmsGrantWildcards(role, ['kms:GenerateDataKey*', 'kms:ReEncrypt*']);
  }
}
