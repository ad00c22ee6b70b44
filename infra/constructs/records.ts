// infra: the two tables, built from the one definition in shared/resources.ts.
// Records: what happened and what holds now (its stream drives the figures);
// Figures: the per-org counts the report reads.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { FIGURES_TABLE, PERSONAL_DATA_KEY_CONTEXT, RECORDS_TABLE, TABLES, type KeyDef, type TableDef } from '../../shared/resources.js';
import { customerKey } from '../access.js';

const PROJECTION: Record<TableDef['indexes'][number]['projection'], dynamodb.ProjectionType> = {
  ALL: dynamodb.ProjectionType.ALL,
  KEYS_ONLY: dynamodb.ProjectionType.KEYS_ONLY,
};

const STREAM_VIEW: Record<NonNullable<TableDef['stream']>, dynamodb.StreamViewType> = {
  NEW_AND_OLD_IMAGES: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
};

/** All our keys are strings (KeyDef). */
function attribute(key: KeyDef): dynamodb.Attribute {
  return { name: key.name, type: dynamodb.AttributeType.STRING };
}

/**
 * One table from its definition: keys, indexes, stream and TTL come from `def` only. Member
 * records are the party's registry, so the table outlives the stack: retained on
 * delete, protected from deletion, restorable to any second of the last 35 days.
 */
export function tableFrom(scope: Construct, def: TableDef, key: kms.IKey): dynamodb.Table {
  const table = new dynamodb.Table(scope, def.id, {
    partitionKey: attribute(def.partitionKey),
    sortKey: def.sortKey ? attribute(def.sortKey) : undefined,
    billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
    encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
    encryptionKey: key,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.RETAIN,
    stream: def.stream ? STREAM_VIEW[def.stream] : undefined,
    timeToLiveAttribute: def.timeToLive,
  });
  for (const index of def.indexes) {
    table.addGlobalSecondaryIndex({
      indexName: index.indexName,
      partitionKey: attribute(index.partitionKey),
      sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
      projectionType: PROJECTION[index.projection],
    });
  }
  return table;
}

/** The Records and Figures tables, the key that encrypts them, and the personal data key. */
export class Records extends Construct {
  /** Encrypts both tables (and so their stream and backups). */
  readonly key: kms.Key;
  /**
   * Encrypts the master secret of the personal data vault (personal-vault.ts): whoever
   * may decrypt with it may read profiles. Used directly (not through a service), and
   * only with the vault's encryption context.
   */
  readonly personalDataKey: kms.Key;
  readonly recordsTable: dynamodb.Table;
  readonly figuresTable: dynamodb.Table;
  /** Every table of TABLES by its definition's id. */
  readonly tables: ReadonlyMap<string, dynamodb.Table>;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Used only through DynamoDB: by the functions (each role's policy names its tables)
    // and by the operators' `dangvien` against AWS (recompute, person erase), whose IAM
    // policies allow it. The figures function's stream reads are added by name (figures.ts).
    this.key = customerKey(this, 'Key', {
      description: 'Encrypts the party member records and figures tables',
      removalPolicy: RemovalPolicy.RETAIN,
      useThrough: [
        {
          sid: 'TableDataThroughDynamoDB',
          service: 'dynamodb',
          actions: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:CreateGrant'],
        },
      ],
    });
    this.personalDataKey = customerKey(this, 'PersonalDataKey', {
      description: 'Encrypts the master secret that seals personal data in the Records table',
      removalPolicy: RemovalPolicy.RETAIN,
      useThrough: [],
    });
    // The account delegates to IAM (the ingest role, the operators who run `person show`),
    // for this purpose only.
    this.personalDataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'VaultMasterSecretThroughIam',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'kms:EncryptionContext:purpose': PERSONAL_DATA_KEY_CONTEXT.purpose, 'kms:CallerAccount': Stack.of(this).account },
        },
      }),
    );
    this.tables = new Map(TABLES.map((def) => [def.id, tableFrom(this, def, this.key)]));
    this.recordsTable = this.table(RECORDS_TABLE);
    this.figuresTable = this.table(FIGURES_TABLE);
  }

  private table(def: TableDef): dynamodb.Table {
    const table = this.tables.get(def.id);
    if (!table) throw new Error(`table ${def.id} is not in TABLES`);
    return table;
  }
}
