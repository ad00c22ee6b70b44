// infra: what one deployment is, read from the CDK context (`-c key=value` or cdk.json):
// its stack name, environment, protection, operators' e-mail and producer scoping. The
// CLI's `cdk synth` and the tests build the app the same way, through createApp.
import { readFileSync } from 'node:fs';
import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { parseReminderSubscriptions, type ReminderSubscription } from '../shared/domain/subscriptions.js';
import { DangVienStack } from './dangvien-stack.js';

/** The project tag on every resource. */
export const PROJECT = 'dangvien';

/** The settings of one deployment, each from a context key (named in its comment). */
export interface Deployment {
  /** `stackName` @default DangVien */
  readonly stackName: string;
  /** `environment`, else the stack name's suffix (`DangVien-prod` → `prod`), else `dev`. */
  readonly environment: string;
  /** On when the stack name contains `prod` (any case) or `terminationProtection=true`. */
  readonly terminationProtection: boolean;
  /** `alarmEmail`: subscribed to the alarms topic when given. */
  readonly alarmEmail?: string;
  /** Off only with `producerScoping=off`. */
  readonly producerScoping: boolean;
  /** `producersParameterName`: an existing registry instead of the stack's own. */
  readonly producersParameterName?: string;
  /** `reminderSubscriptions=FILE`: who receives the reminders and digests (none by default). */
  readonly reminderSubscriptions: readonly ReminderSubscription[];
  /** `ingestMaxConcurrency` */
  readonly ingestMaxConcurrency?: number;
  /** `personalDataOperatorRoleArn`: the one role, besides the ingest, that may decrypt with the personal data key. */
  readonly personalDataOperatorRoleArn?: string;
  /** `account`, `region`, else the CLI's credentials; neither: an environment-agnostic template. */
  readonly account?: string;
  readonly region?: string;
}

type Context = (key: string) => unknown;

/** A context value as a non-empty string (cdk.json may hold booleans and numbers). */
function text(context: Context, key: string): string | undefined {
  const value = context(key);
  if (value === undefined || value === null) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

/** `DangVien-prod` → `prod`; a name without a suffix → undefined. */
export function environmentFromStackName(stackName: string): string | undefined {
  const match = /^DangVien-([A-Za-z0-9][A-Za-z0-9-]*)$/i.exec(stackName);
  return match?.[1]?.toLowerCase();
}

/** Reads the deployment from the context; throws on a value it cannot use. */
export function deploymentFrom(context: Context, env: NodeJS.ProcessEnv = process.env): Deployment {
  const stackName = text(context, 'stackName') ?? 'DangVien';
  const environment = text(context, 'environment') ?? environmentFromStackName(stackName) ?? 'dev';
  const terminationProtection = /prod/i.test(stackName) || text(context, 'terminationProtection')?.toLowerCase() === 'true';
  const scoping = text(context, 'producerScoping')?.toLowerCase();
  if (scoping !== undefined && scoping !== 'on' && scoping !== 'off') {
    throw new Error(`producerScoping must be "on" or "off", got ${JSON.stringify(scoping)}`);
  }
  const alarmEmail = text(context, 'alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new Error(`alarmEmail must be an e-mail address, got ${JSON.stringify(alarmEmail)}`);
  }
  const producersParameterName = text(context, 'producersParameterName');
  if (scoping === 'off' && producersParameterName) {
    throw new Error('producersParameterName names a registry, but producerScoping=off would ignore it: give one or the other');
  }
  const operatorRoleArn = text(context, 'personalDataOperatorRoleArn');
  if (operatorRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(operatorRoleArn)) {
    throw new Error(
      `personalDataOperatorRoleArn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME), got ${JSON.stringify(operatorRoleArn)}`,
    );
  }
  const maxConcurrency = text(context, 'ingestMaxConcurrency');
  const subscriptionsFile = text(context, 'reminderSubscriptions');
  return {
    stackName,
    environment,
    terminationProtection,
    alarmEmail,
    producerScoping: scoping !== 'off',
    producersParameterName,
    ingestMaxConcurrency: maxConcurrency === undefined ? undefined : Number(maxConcurrency),
    personalDataOperatorRoleArn: operatorRoleArn,
    reminderSubscriptions: subscriptionsFile === undefined ? [] : readSubscriptions(subscriptionsFile),
    account: text(context, 'account') ?? env.CDK_DEFAULT_ACCOUNT,
    region: text(context, 'region') ?? env.CDK_DEFAULT_REGION,
  };
}

/** The subscriptions file named by `-c reminderSubscriptions=FILE`; throws naming the file and the entry. */
function readSubscriptions(file: string): ReminderSubscription[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`reminderSubscriptions: cannot read ${file}: ${(error as Error).message}`);
  }
  return parseReminderSubscriptions(text, `reminderSubscriptions ${file}`);
}

/**
 * The app with its one stack, tagged, and cdk-nag's AWS Solutions checks, which fail
 * synthesis on any finding not acknowledged with a reason.
 */
export function createApp(props: AppProps = {}): { app: App; stack: DangVienStack; deployment: Deployment } {
  const app = new App(props);
  const deployment = deploymentFrom((key) => app.node.tryGetContext(key));
  const tags = { project: PROJECT, environment: deployment.environment };
  const stack = new DangVienStack(app, deployment.stackName, {
    description: 'Party member records: event ingest, figures, reminders and reports',
    env: { account: deployment.account, region: deployment.region },
    terminationProtection: deployment.terminationProtection,
    // Stack tags (explicit, as @aws-cdk/core:explicitStackTags wants): CloudFormation
    // also puts them on what it creates that CDK's tag aspect cannot reach.
    tags,
    ingestMaxConcurrency: deployment.ingestMaxConcurrency,
    producerScoping: deployment.producerScoping,
    producersParameterName: deployment.producersParameterName,
    alarmEmail: deployment.alarmEmail,
    reminderSubscriptions: deployment.reminderSubscriptions,
    personalDataOperatorRoleArn: deployment.personalDataOperatorRoleArn,
  });
  // Every resource: CDK's tag aspect writes them into each taggable resource's properties.
  for (const [key, value] of Object.entries(tags)) Tags.of(stack).add(key, value);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, deployment };
}
