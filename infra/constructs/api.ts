// infra: the report over HTTP (docs/report.md). `GET /orgs/{orgId}/report`, signed with
// SigV4 (IAM auth): the caller's IAM policy decides who may call it, the registry's
// `readers` which org's report it may read.
import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { grantItems, grantTableKey } from '../access.js';
import { FUNCTION_PARTITIONS } from '../partitions.js';
import { DangVienFunction, logsKeyOf } from './dangvien-function.js';
import type { Records } from './records.js';

export interface ApiProps {
  readonly records: Records;
  /**
   * The producer registry, whose `readers` say who may read which reports
   * (docs/security.md "Reads scoped by subtree"); without it reads are not scoped.
   */
  readonly producers?: ssm.IStringParameter;
}

/**
 * Who called what, for the access log: HTTP API `$context` variables only, and no
 * query strings or bodies (no personal data).
 */
const ACCESS_LOG_FORMAT = apigw.AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    requestTime: '$context.requestTime',
    routeKey: '$context.routeKey',
    path: '$context.path',
    status: '$context.status',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    sourceIp: '$context.identity.sourceIp',
    caller: '$context.identity.userArn',
    integrationError: '$context.integrationErrorMessage',
  }),
);

/** The HTTP API, its access log and the report function behind it. */
export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly handler: DangVienFunction;
  readonly accessLogs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { recordsTable, figuresTable } = props.records;

    this.handler = new DangVienFunction(this, 'Handler', {
      handlerName: 'report-api',
      serviceName: 'report-api',
      description: 'Answers GET /orgs/{orgId}/report from the figures',
      timeout: Duration.seconds(10),
      memorySize: 1024,
      environment: {
        RECORDS_TABLE_NAME: recordsTable.tableName,
        FIGURES_TABLE_NAME: figuresTable.tableName,
        ...(props.producers ? { PRODUCERS_PARAMETER: props.producers.parameterName } : {}),
      },
    });
    if (props.producers) {
      this.handler.role.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [props.producers.parameterArn] }),
      );
    }
    // build-report reads the org tree (org-tree.ts: the ORGTREE counter with GetItem,
    // the ORGS partition with Query) and the subtree figures of an org and its children
    // (BatchGetItem). Nothing else of the Records table: no member, dossier or event.
    const partitions = FUNCTION_PARTITIONS['report-api'];
    grantItems(this.handler, recordsTable, { actions: ['GetItem', 'Query'], leadingKeys: partitions.records });
    grantItems(this.handler, figuresTable, { actions: ['GetItem', 'BatchGetItem', 'Query'], leadingKeys: partitions.figures });
    grantTableKey(this.handler, props.records.key, 'read');

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Party member work reports',
      // The stage is added below, with access logging and throttling.
      createDefaultStage: false,
      defaultAuthorizer: new HttpIamAuthorizer(),
    });
    this.httpApi.addRoutes({
      path: '/orgs/{orgId}/report',
      methods: [apigwv2.HttpMethod.GET],
      integration: new HttpLambdaIntegration('Report', this.handler.function),
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: logsKeyOf(this) });
    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: 50, burstLimit: 100 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
    });
  }
}
