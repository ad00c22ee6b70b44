// scripts: the OpenAPI 3.1 document of the HTTP API (`GET /orgs/{orgId}/report`), built
// from the zod report schema, so the document handed to API consumers describes what the
// handler returns (test/unit/schemas.test.ts regenerates and compares it;
// test/integration/examples.test.ts validates real responses against it).
import * as z from 'zod';
import { BusinessDateSchema, IdSchema } from '../shared/domain/events/index.js';
import { ReportSchema } from '../shared/domain/figures/report-schema.js';

/**
 * The query parameters of the report, as the document lists them. `format` and `lang`
 * are the exports of docs/report.md; every key the handler's own query schema accepts must
 * be here (checked by the tests).
 */
export const REPORT_QUERY = {
  year: z.int().min(1930).max(2200).describe('the year of the yearly figures, counted from 1 January to date (default: the year of date)'),
  date: BusinessDateSchema.describe(
    'the day the report is as of: members, open dossiers, dueSoon, overdue and late at its end, the yearly figures to it (default: today in Vietnam, UTC+7; 31 December of a past year given alone)',
  ),
  format: z
    .enum(['json', 'csv', 'xlsx', 'text'])
    .default('json')
    .describe(
      "json (default), csv (a header row, then the org and one row per child), xlsx (the same table as an Excel sheet) or text (the committee's paragraph in Vietnamese, UTF-8)",
    ),
  lang: z
    .enum(['vi'])
    .describe(
      "for csv and xlsx: the table in Vietnamese (header labels, level names; a csv with ';' and decimal commas; a title row in the xlsx)",
    ),
} as const;

/** The media type of the Excel format (the others are plain text types). */
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** A zod schema as JSON Schema 2020-12 (OpenAPI 3.1's dialect), without its own `$schema`. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' });
  return rest;
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

/** The OpenAPI 3.1 document of the report API; `version` is the package's. */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'dangvien report API',
      version,
      description:
        'The report of an organization and its whole subtree: figures only, never personal data. ' +
        'In AWS the API is an API Gateway HTTP API with IAM authorization: every request is signed with SigV4 ' +
        '(service execute-api) by a principal allowed execute-api:Invoke on the route. Locally (`npm start`) it ' +
        'listens on 127.0.0.1 without authorization and serves this document at GET /openapi.json.',
    },
    servers: [
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com',
        description: 'the deployed stack (output ApiUrl)',
        variables: { apiId: { default: 'API_ID' }, region: { default: 'ap-southeast-1' } },
      },
      { url: 'http://127.0.0.1:{port}', description: 'npm start', variables: { port: { default: '8080' } } },
    ],
    security: [{ sigv4: [] }],
    paths: {
      '/orgs/{orgId}/report': {
        get: {
          operationId: 'getReport',
          summary: 'The report of an org for its whole subtree',
          parameters: [
            { name: 'orgId', in: 'path', required: true, description: 'a registered org', schema: jsonSchema(IdSchema, 'input') },
            ...Object.entries(REPORT_QUERY).map(([name, schema]) => ({
              name,
              in: 'query',
              required: false,
              description: schema.description,
              schema: jsonSchema(schema, 'input'),
            })),
          ],
          responses: {
            '200': {
              description: 'the report (JSON by default; csv, xlsx or text with format, or Accept: text/csv, the xlsx type, text/plain)',
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/Report' } },
                'text/csv': { schema: { type: 'string' } },
                'text/plain': { schema: { type: 'string' } },
                [XLSX]: { schema: { type: 'string', contentMediaType: XLSX } },
              },
            },
            '400': errorResponse('a bad query parameter (year, date, format, lang)'),
            '403': errorResponse(
              'the request is not signed by a principal allowed to call the API, or the org lies outside the subtrees its identity is registered to read (the same answer whether the org exists or not)',
            ),
            '404': errorResponse('the org is not registered (only to a caller that may read it)'),
            '503': errorResponse('the registry of readers cannot be read: no report is answered until it can'),
          },
        },
      },
    },
    components: {
      schemas: {
        Report: jsonSchema(ReportSchema, 'output'),
        Error: {
          type: 'object',
          properties: { message: { type: 'string' } },
          required: ['message'],
        },
      },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description:
            'AWS Signature Version 4 (IAM authorization), service execute-api: the Authorization, X-Amz-Date and, ' +
            'for temporary credentials, X-Amz-Security-Token headers. OpenAPI has no SigV4 scheme; ' +
            'x-amazon-apigateway-authtype says which one this is.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
      },
    },
  };
}
