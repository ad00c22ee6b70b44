// infra: the two tables, built from the one definition in shared/resources.ts.
// Records: what happened and what holds now (its stream drives the figures);
// Figures: the per-org counts the report reads.
import { RemovalPolicy } from 'aws-cdk-lib';
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

export interface RecordsProps {
  /**
   * The operators' role that may open profiles (`dangvien person show` and the other
   * commands that read personal data against AWS): named in the personal data key's
   * policy, beside the ingest. An IAM role ARN of this account.
   * @default none: only the ingest may use the key
   */
  readonly personalDataOperatorRoleArn?: string;
}

/** The Records and Figures tables, the key that encrypts them, and the personal data key. */
export class Records extends Construct {
  /** Encrypts both tables (and so their stream and backups). */
  readonly key: kms.Key;
  /**
   * Encrypts the master secret of the personal data vault (personal-vault.ts): whoever
   * may decrypt with it may read profiles. Used directly (not through a service), only
   * with the vault's encryption context, and only by the principals its policy names
   * (allowVaultMaster): the ingest's role and the operators' role, not any principal of
   * the account whose IAM policy allows kms:Decrypt.
   */
  readonly personalDataKey: kms.Key;
  readonly recordsTable: dynamodb.Table;
  readonly figuresTable: dynamodb.Table;
  /** Every table of TABLES by its definition's id. */
  readonly tables: ReadonlyMap<string, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: RecordsProps = {}) {
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
    // The operators open the master secret (Decrypt) to read profiles, and make a new
    // version of it when they rotate it (GenerateDataKey, docs/runbook.md).
    if (props.personalDataOperatorRoleArn) {
      this.allowVaultMaster(
        'VaultMasterSecretForTheOperators',
        iam.Role.fromRoleArn(this, 'PersonalDataOperators', props.personalDataOperatorRoleArn, { mutable: false }),
        ['kms:Decrypt', 'kms:GenerateDataKey'],
      );
    }
    this.tables = new Map(TABLES.map((def) => [def.id, tableFrom(this, def, this.key)]));
    this.recordsTable = this.table(RECORDS_TABLE);
    this.figuresTable = this.table(FIGURES_TABLE);
  }

  /**
   * Names `principal` in the personal data key's policy: it may use the key with these
   * actions, for the vault's master secret only (its encryption context).
   */
  allowVaultMaster(sid: string, principal: iam.IPrincipal, actions: readonly ('kms:Decrypt' | 'kms:GenerateDataKey')[]): void {
    this.personalDataKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid,
        principals: [principal],
        actions: [...actions],
        resources: ['*'],
        conditions: { StringEquals: { 'kms:EncryptionContext:purpose': PERSONAL_DATA_KEY_CONTEXT.purpose } },
      }),
    );
  }

  private table(def: TableDef): dynamodb.Table {
    const table = this.tables.get(def.id);
    if (!table) throw new Error(`table ${def.id} is not in TABLES`);
    return table;
  }
}
