// infra: least privilege, spelled out. Each function is granted the DynamoDB actions its
// data module calls, on the table, the index or the partitions it calls them on, and no
// more; each customer-managed key names who may use it and through which service.
import { Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';

/**
 * DynamoDB actions a function may be granted. TransactWriteItems is not among them: IAM
 * authorizes each action of a transaction as the PutItem, UpdateItem, DeleteItem or
 * ConditionCheckItem it is ("Using IAM with DynamoDB transactions"), so a transaction
 * needs only those.
 */
export type ItemAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'ConditionCheckItem';

export interface ItemAccess {
  readonly actions: readonly ItemAction[];
  /** On the indexes named here (by exact ARN) instead of the base table. */
  readonly indexes?: readonly string[];
  /**
   * Only the items whose partition key matches one of these (`dynamodb:LeadingKeys`,
   * StringLike: a pattern may end in `*`), infra/partitions.ts. Every item of a batch or
   * a transaction must match.
   */
  readonly leadingKeys?: readonly string[];
}

/** Grants `actions` on one table (or exactly the named indexes of it) to a role. */
export function grantItems(grantee: iam.IGrantable, table: dynamodb.ITable, access: ItemAccess): void {
  const resources = access.indexes ? access.indexes.map((index) => `${table.tableArn}/index/${index}`) : [table.tableArn];
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: access.actions.map((a) => `dynamodb:${a}`),
      resources,
      conditions: access.leadingKeys ? { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...access.leadingKeys] } } : undefined,
    }),
  );
}

/** What a table's reader and writer need of its key, as CDK's table grants give them. */
const KEY_ACTIONS = {
  read: ['kms:Decrypt', 'kms:DescribeKey'],
  write: ['kms:Decrypt', 'kms:DescribeKey', 'kms:Encrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*'],
} as const;

/**
 * The table key for a role that reads (or also writes) the tables it encrypts, only as
 * DynamoDB calls it on the role's behalf (`kms:ViaService`).
 */
export function grantTableKey(grantee: iam.IGrantable, key: kms.IKey, use: 'read' | 'write'): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new iam.PolicyStatement({
      actions: [...KEY_ACTIONS[use]],
      resources: [key.keyArn],
      conditions: { StringEquals: { 'kms:ViaService': viaService(key, 'dynamodb') } },
    }),
  );
}

/** `<service>.<region>.amazonaws.com`, the value of `kms:ViaService` for that service. */
export function viaService(scope: Construct, service: 'dynamodb' | 'sqs' | 'sns'): string {
  return `${service}.${Stack.of(scope).region}.amazonaws.com`;
}

/**
 * The actions that administer a key without using it: the account (and so the IAM
 * principals it allows, the deployment's included) can describe, rotate, tag, change the
 * policy of and schedule the deletion of the key, but not encrypt or decrypt with it.
 * The same list as CDK's `Key.grantAdmin`, plus on-demand rotation.
 */
export const KEY_ADMIN_ACTIONS = [
  'kms:Create*',
  'kms:Describe*',
  'kms:Enable*',
  'kms:List*',
  'kms:Put*',
  'kms:Update*',
  'kms:Revoke*',
  'kms:Disable*',
  'kms:Get*',
  'kms:Delete*',
  'kms:TagResource',
  'kms:UntagResource',
  'kms:ScheduleKeyDeletion',
  'kms:CancelKeyDeletion',
  'kms:RotateKeyOnDemand',
];

export interface ServiceUse {
  /** The AWS service the account's principals use the key through. */
  readonly service: 'dynamodb' | 'sqs' | 'sns';
  readonly actions: readonly string[];
  /** What the statement is for, as its Sid. */
  readonly sid: string;
}

export interface CustomerKeyProps extends Omit<kms.KeyProps, 'policy' | 'enableKeyRotation'> {
  /**
   * Data use by the account's IAM principals, each through one service only: the
   * principal's own IAM policy must allow it as well (the functions' roles, the
   * operators' role, a producer's role).
   */
  readonly useThrough: readonly ServiceUse[];
}

/**
 * A rotating customer-managed key whose policy is not CDK's default "account root may
 * kms:*": the account administers it ({@link KEY_ADMIN_ACTIONS}) and uses it for data
 * only through the services named in `useThrough`, from this account. Other users (an
 * AWS service principal, a role outside a service) are added by the caller with
 * `addToResourcePolicy`, each named.
 */
export function customerKey(scope: Construct, id: string, props: CustomerKeyProps): kms.Key {
  const { useThrough, ...keyProps } = props;
  const account = Stack.of(scope).account;
  const policy = new iam.PolicyDocument({
    statements: [
      new iam.PolicyStatement({
        sid: 'KeyAdministrationByTheAccount',
        principals: [new iam.AccountRootPrincipal()],
        actions: KEY_ADMIN_ACTIONS,
        resources: ['*'],
      }),
      ...useThrough.map(
        (use) =>
          new iam.PolicyStatement({
            sid: use.sid,
            principals: [new iam.AccountRootPrincipal()],
            actions: [...use.actions],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:ViaService': viaService(scope, use.service), 'kms:CallerAccount': account } },
          }),
      ),
    ],
  });
  return new kms.Key(scope, id, { ...keyProps, enableKeyRotation: true, policy });
}
