// infra: one Lambda function the way this project builds them all — Node's newest
// runtime on ARM, an ESM bundle, JSON logs in a log group of our own that masks
// personal data and is encrypted with our key, and a role that starts with nothing but
// that log group.
import { type Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLING, LAMBDA_NODE_OPTIONS } from '../../shared/build/lambda-bundling.js';
import { PROFILE_FIELDS } from '../../shared/domain/personal-data.js';
import { customerKey } from '../access.js';
import { handlerEntry, lockFile, repoRoot } from '../paths.js';

/** The level the handlers log at: Powertools reads LOG_LEVEL, Lambda the JSON logging config. */
const LOG_LEVEL = 'INFO';

/**
 * The pattern that finds one profile field and its value in a log line, in plain JSON
 * (`"religion":"Phật giáo"`) and as JSON inside a logged string (`\\"religion\\":\\"…`),
 * string, boolean or null. CloudWatch Logs accepts only a few characters in a custom
 * identifier (no quote, colon or parenthesis: they are written `\\x22`, `\\x3a`), so the
 * value is matched up to the next quote, backslash, comma or brace: a net under a
 * mistake, not a JSON parser (a quote inside a name would end it early).
 */
export function profileFieldPattern(field: string): string {
  const quote = '\\\\?\\x22';
  return `${quote}${field}${quote}\\s*\\x3a\\s*${quote}?[^\\x22\\\\,}]*`;
}

/**
 * What CloudWatch Logs masks in our log groups: the handlers never log a profile, so
 * this is a net under a mistake. Every profile field (docs/events.md#the-profile, §11: names, birth
 * dates, ethnicity, religion and the rest), plain or escaped; the managed `Name`
 * identifier catches names elsewhere.
 */
export function personalDataProtectionPolicy(): logs.DataProtectionPolicy {
  return new logs.DataProtectionPolicy({
    name: 'dangvien-personal-data',
    description: 'Masks profile fields (names, birth dates, ethnicity, religion…) that reach the logs by mistake',
    identifiers: [
      logs.DataIdentifier.NAME,
      ...PROFILE_FIELDS.map((field) => new logs.CustomDataIdentifier(profileIdentifierName(field), profileFieldPattern(field))),
    ],
  });
}

/** `fullName` → `ProfileFullName`. */
export const profileIdentifierName = (field: string) => `Profile${field[0]!.toUpperCase()}${field.slice(1)}`;

/**
 * The stack's key for log groups: CloudWatch Logs encrypts each group with it, and only
 * for log groups of this account and region (the encryption context it sends).
 */
export function logsKeyOf(scope: Construct): kms.Key {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild('LogsKey');
  if (existing) return existing as kms.Key;
  const key = customerKey(stack, 'LogsKey', {
    description: 'Encrypts the dangvien log groups',
    removalPolicy: RemovalPolicy.RETAIN,
    useThrough: [],
  });
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid: 'LogGroupsOfThisAccount',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:${stack.partition}:logs:${stack.region}:${stack.account}:log-group:*` },
      },
    }),
  );
  return key;
}

export interface DangVienFunctionProps {
  /** The folder under `functions/` whose `index.ts` exports `handler`. */
  readonly handlerName: string;
  /** `POWERTOOLS_SERVICE_NAME`: the service name on every log line and metric. */
  readonly serviceName: string;
  readonly description: string;
  readonly timeout: Duration;
  /** @default 512 */
  readonly memorySize?: number;
  /** The handler's own settings (table names, topic ARN…), added to the common ones. */
  readonly environment?: Record<string, string>;
  /** @default three months */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * A `NodejsFunction` with the project's defaults. It is grantable: give it exactly
 * what its handler uses with the resources' `grant*` methods.
 */
export class DangVienFunction extends Construct implements iam.IGrantable {
  /** The newest Node.js runtime this aws-cdk-lib knows (cdk-nag L1 checks the same list). */
  static readonly RUNTIME = lambda.Runtime.NODEJS_24_X;

  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: DangVienFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      dataProtectionPolicy: personalDataProtectionPolicy(),
      encryptionKey: logsKeyOf(this),
    });

    // Our own role instead of AWSLambdaBasicExecutionRole: that managed policy lets the
    // function create any log group; this one may only write to its own.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${props.serviceName} function`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: handlerEntry(props.handlerName),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: lockFile,
      runtime: DangVienFunction.RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      description: props.description,
      timeout: props.timeout,
      memorySize: props.memorySize ?? 512,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: 'DangVien',
        LOG_LEVEL,
        NODE_OPTIONS: LAMBDA_NODE_OPTIONS,
        ...props.environment,
      },
      // One definition with the bench's bundle measurement (shared/build/lambda-bundling.ts):
      // everything bundled, the AWS SDK included, so what runs is what the tests ran.
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLING.target,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: LAMBDA_BUNDLING.banner,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourceMap,
        sourceMapMode: SourceMapMode.EXTERNAL,
        sourcesContent: LAMBDA_BUNDLING.sourcesContent,
        externalModules: [...LAMBDA_BUNDLING.externalModules],
      },
    });
    this.grantPrincipal = this.function.grantPrincipal;
  }
}
