// infra: acknowledging cdk-nag findings. cdk-nag 3 reads CDK's own
// `Validations.of(scope).acknowledge()`; each finding is acknowledged by its exact id
// (`AwsSolutions-IAM5[Resource::…]`), never a whole rule, so a new wildcard still fails.
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * The `Resource::` part of an IAM5 finding for an ARN attribute of a resource, as
 * cdk-nag prints it: `<LogicalId.Arn>` followed by `suffix`.
 */
export function arnFinding(resource: IConstruct, suffix: string, attribute = 'Arn'): string {
  const cfn = CfnResource.isCfnResource(resource) ? resource : resource.node.defaultChild;
  if (!cfn || !CfnResource.isCfnResource(cfn)) {
    throw new Error(`${resource.node.path} has no CloudFormation resource to name in a finding`);
  }
  const logicalId = Stack.of(cfn).resolve(cfn.logicalId) as string;
  return `Resource::<${logicalId}.${attribute}>${suffix}`;
}

/** Acknowledges one exact finding (`AwsSolutions-IAM5[Action::kms:ReEncrypt*]`) on a scope. */
export function acknowledge(scope: IConstruct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The wildcards CDK's KMS grants always carry (`grantEncryptDecrypt` and the table,
 * queue and topic grants built on it): the actions are families of one operation.
 */
export function acknowledgeKmsGrantWildcards(scope: IConstruct, actions: ReadonlyArray<'kms:GenerateDataKey*' | 'kms:ReEncrypt*'>): void {
  for (const action of actions) {
    acknowledge(
      scope,
      `AwsSolutions-IAM5[Action::${action}]`,
      `${action} is how CDK's grant names the data-key family (${action === 'kms:ReEncrypt*' ? 'ReEncryptFrom/ReEncryptTo' : 'GenerateDataKey, GenerateDataKeyWithoutPlaintext'}) on one customer-managed key; the resource is that key's ARN, not *.`,
    );
  }
}
