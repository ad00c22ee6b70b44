// infra: one Lambda function the way this project builds them all — Node's newest
// runtime on ARM, an ESM bundle, JSON logs in a log group of our own that masks
// personal data, and a role that starts with nothing but that log group.
import type { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from '../../shared/build/lambda-bundling.js';
import { handlerEntry, lockFile, repoRoot } from '../paths.js';

/** The level the handlers log at: Powertools reads LOG_LEVEL, Lambda the JSON logging config. */
const LOG_LEVEL = 'INFO';

/**
 * What CloudWatch Logs masks in our log groups: the handlers never log a profile, so
 * these are a net under a mistake. `fullName` and `birthDate` are the contract's
 * personal fields (CONTRACT §3); the managed `Name` identifier catches names elsewhere.
 */
export function personalDataProtectionPolicy(): logs.DataProtectionPolicy {
  return new logs.DataProtectionPolicy({
    name: 'dangvien-personal-data',
    description: 'Masks member names and birth dates that reach the logs by mistake',
    identifiers: [
      logs.DataIdentifier.NAME,
      new logs.CustomDataIdentifier('FullNameField', '"fullName"\\s*:\\s*"[^"]*"'),
      new logs.CustomDataIdentifier('BirthDateField', '"birthDate"\\s*:\\s*"\\d{4}-\\d{2}-\\d{2}"'),
    ],
  });
}

export interface DangVienFunctionProps {
  /** The folder under `functions/` whose `handler.ts` exports `handler`. */
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
        // The bundle ships a source map; stack traces point at the TypeScript.
        NODE_OPTIONS: '--enable-source-maps',
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
