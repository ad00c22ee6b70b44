// data: the AWS SDK clients that a Lambda needs now and then, not for every request — SSM
// for the producer registry (once a minute), KMS for the vault's master secret (once per
// process). Callers load this module with lazy() (shared/lazy.ts), so that neither runs
// in the cold start; importing the commands here by name, rather than `import()` of the
// packages, keeps the bundle to the commands used.
export { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
export { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
