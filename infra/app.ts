// infra: the CDK app (`cdk.json` runs it with tsx). One stack; cdk-nag's AWS Solutions
// checks run at synthesis and fail it on any finding not acknowledged with a reason.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DangVienStack } from './dangvien-stack.js';

const app = new App();

const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const maxConcurrency = context('ingestMaxConcurrency');

new DangVienStack(app, context('stackName') ?? 'DangVien', {
  description: 'Party member records: event ingest, figures, reminders and reports',
  // `-c account=… -c region=…` or the CLI's current credentials; neither for an
  // environment-agnostic template.
  env: {
    account: context('account') ?? process.env.CDK_DEFAULT_ACCOUNT,
    region: context('region') ?? process.env.CDK_DEFAULT_REGION,
  },
  ingestMaxConcurrency: maxConcurrency ? Number(maxConcurrency) : undefined,
  producersParameterName: context('producersParameterName'),
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
