// infra: the front door. Producers send events to a FIFO queue (the subject is the
// message group, docs/events.md); the ingest function applies them to the Records table;
// a message that keeps failing moves to the dead-letter queue for an operator.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import {
  DEFAULT_QUEUE_RETENTION_DAYS,
  INGEST_DLQ,
  INGEST_QUEUE,
  INGEST_SOURCE,
  PERSONAL_DATA_KEY_CONTEXT,
  type QueueDef,
} from '../../shared/resources.js';
import { customerKey, grantItems, grantTableKey } from '../access.js';
import { FUNCTION_PARTITIONS } from '../partitions.js';
import { acknowledgeKmsGrantWildcards } from '../nag.js';
import { DangVienFunction } from './dangvien-function.js';
import type { Records } from './records.js';

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
   * Whether each event is checked against the producer registry (docs/security.md). Only an
   * explicit `false` turns it off: then no registry and no PRODUCERS_PARAMETER, and every
   * sender may write everything.
   * @default true
   */
  readonly producerScoping?: boolean;
  /**
   * The name of an existing SSM String parameter holding the producer registry.
   * @default a parameter created here holding `{"producers":[]}`: nobody may write until registered
   */
  readonly producersParameterName?: string;
}

/** The registry a new deployment starts with: fail closed, every event rejected as out of scope. */
export const EMPTY_PRODUCER_REGISTRY = '{"producers":[]}';

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
    maxMessageSizeBytes: def.maxMessageSizeBytes,
    // How long the definition says: the ingest queue 4 days, the dead-letter queue 14
    // (shared/resources.ts); the redrive grants and the notes of waiting events live as
    // long as a message can (shared/data/retention.ts).
    retentionPeriod: Duration.days(def.retentionDays ?? DEFAULT_QUEUE_RETENTION_DAYS),
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
  /** The producer registry the function reads, unless scoping is off. */
  readonly producers?: ssm.IStringParameter;

  constructor(scope: Construct, id: string, props: IngestProps) {
    super(scope, id);
    const timeout = INGEST_SOURCE.functionTimeoutSeconds;
    if (INGEST_QUEUE.visibilityTimeout < 6 * timeout) {
      // AWS: a visibility timeout under 6 × the function timeout redelivers messages still being processed.
      throw new Error(
        `${INGEST_QUEUE.id}: visibility timeout ${INGEST_QUEUE.visibilityTimeout}s is under 6 × the function timeout ${timeout}s`,
      );
    }

    // Producers (GenerateDataKey + Decrypt to send), the ingest function and the
    // operators (Decrypt to receive and re-drive) use the key only through SQS, each
    // with an IAM policy of its own allowing it.
    this.key = customerKey(this, 'Key', {
      description: 'Encrypts the ingest queue and its dead-letter queue',
      removalPolicy: RemovalPolicy.RETAIN,
      useThrough: [{ sid: 'MessagesThroughSQS', service: 'sqs', actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'] }],
    });
    const built = new Map<string, sqs.Queue>();
    // Dead-letter queues first: the queues that use them refer to them.
    for (const def of [INGEST_DLQ, INGEST_QUEUE]) built.set(def.id, queueFrom(this, def, this.key, built));
    this.deadLetterQueue = built.get(INGEST_DLQ.id)!;
    this.queue = built.get(INGEST_QUEUE.id)!;

    const records = props.records;
    this.producers = props.producerScoping === false ? undefined : this.producerRegistry(props.producersParameterName);
    const producers = this.producers;

    this.handler = new DangVienFunction(this, 'Handler', {
      handlerName: 'ingest',
      serviceName: 'ingest',
      description: 'Applies events from the ingest queue to the member records',
      timeout: Duration.seconds(timeout),
      memorySize: 1024,
      environment: {
        RECORDS_TABLE_NAME: records.recordsTable.tableName,
        FIGURES_TABLE_NAME: records.figuresTable.tableName,
        INGEST_QUEUE_URL: this.queue.queueUrl,
        INGEST_DLQ_URL: this.deadLetterQueue.queueUrl,
        PERSONAL_DATA_KEY_ARN: records.personalDataKey.keyArn,
        ...(producers ? { PRODUCERS_PARAMETER: producers.parameterName } : {}),
      },
    });
    // What ingest-store.ts calls: the applied marker and the records an event names
    // (BatchGetItem), a redrive grant (GetItem), the org tree and a cell's members (Query on the table and on
    // index byCell), the transaction of a change (its Puts, the org-tree counter's Update,
    // the deferred note's Delete, the condition that each person key it sealed with still
    // seals: ConditionCheckItem), a rejected event (PutItem) and a deferred one (UpdateItem).
    grantItems(this.handler, records.recordsTable, {
      actions: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'],
      leadingKeys: FUNCTION_PARTITIONS.ingest.records,
    });
    grantItems(this.handler, records.recordsTable, { actions: ['Query'], indexes: ['byCell'] });
    // What each source sent (source-activity-store.ts): one UpdateItem per source and day of a batch, one for its last event.
    grantItems(this.handler, records.figuresTable, { actions: ['UpdateItem'], leadingKeys: FUNCTION_PARTITIONS.ingest.figures });
    // A correction reaches every copy kept about the person, sealed again under a new key (index byPerson).
    grantItems(this.handler, records.recordsTable, { actions: ['Query'], indexes: ['byPerson'] });
    grantTableKey(this.handler, records.key, 'write');
    // The vault's master secret: made once (GenerateDataKey), opened per container (Decrypt).
    // Named in the key's policy, and allowed by the role's own.
    records.allowVaultMaster('VaultMasterSecretForTheIngest', this.handler.role, ['kms:Decrypt', 'kms:GenerateDataKey']);
    this.handler.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: [records.personalDataKey.keyArn],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': PERSONAL_DATA_KEY_CONTEXT.purpose } },
      }),
    );
    // A message group held behind an event in the dead-letter queue parks its later events
    // there, behind it (shared/data/group-holds.ts).
    this.deadLetterQueue.grantSendMessages(this.handler.function);
    if (producers) {
      this.handler.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [producers.parameterArn] }),
      );
    }

    this.handler.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: INGEST_SOURCE.batchSize,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? 5,
      }),
    );

    acknowledgeKmsGrantWildcards(this.handler.role, ['kms:GenerateDataKey*', 'kms:ReEncrypt*']);
  }

  /**
   * The named registry, or one of our own that starts empty. CloudFormation cannot create
   * a SecureString, so ours is a plain String: it holds no secret (role ids, names,
   * sources and org ids), and what matters is who may change it. Producers are never
   * granted ssm:PutParameter; only the operators' role, which already administers the
   * stack, may write it. Being plain also keeps it readable without a KMS grant.
   */
  private producerRegistry(name: string | undefined): ssm.IStringParameter {
    if (name) return ssm.StringParameter.fromStringParameterName(this, 'Producers', name);
    return new ssm.StringParameter(this, 'Producers', {
      description:
        'dangvien producer registry (docs/security.md): who may write which subtrees. Empty: every event is rejected until its producer is registered.',
      stringValue: EMPTY_PRODUCER_REGISTRY,
      tier: ssm.ParameterTier.STANDARD,
    });
  }
}
