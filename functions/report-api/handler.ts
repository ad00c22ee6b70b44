// (adapter) API Gateway HTTP API `GET /orgs/{orgId}/report` --> use case build-report
// JSON by default; CSV or Excel with `?format=csv|xlsx` or `Accept: text/csv` / the xlsx
// media type, the committee's Vietnamese paragraph with `?format=text` or `Accept:
// text/plain` (`format` wins over `Accept`), Vietnamese header with `?lang=vi` (docs/report.md).
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import * as z from 'zod';
import { BusinessDateSchema } from '../../shared/domain/events/index.js';
import { loggerFor } from '../../shared/observability/logger.js';
import {
  ExportFormatSchema,
  ExportLangSchema,
  formatFromAccept,
  LANG_NEEDS_TABLE,
  MEDIA_TYPES,
  renderTableExport,
} from '../../shared/report/export.js';
import { buildReport, buildReportText, UnknownOrgError, type ReportReader } from '../../shared/use-cases/build-report/index.js';

const logger = loggerFor('report-api');

/** The query parameters the report accepts (schemas/openapi.json lists each of them; a test checks). */
export const QuerySchema = z.strictObject({
  year: z.coerce.number().int().min(1930).max(2200).optional(),
  date: BusinessDateSchema.optional(),
  format: ExportFormatSchema.optional(),
  lang: ExportLangSchema.optional(),
});

// Every answer depends on Accept when `format` is not given: caches must key on it.
const json = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', vary: 'accept' },
  body: JSON.stringify(body),
});

/** What the report handler is built from (environment.ts builds it from the deployment's environment). */
export interface ReportHandlerDeps {
  reader: ReportReader;
}

/** Builds the handler: parse the path and query, build the report, answer it in the asked format. */
export function createReportHandler({ reader }: ReportHandlerDeps) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>()
    .use(injectLambdaContext(logger))
    .handler(async (event) => {
      const orgId = event.pathParameters?.orgId;
      if (!orgId) return json(400, { message: 'orgId is required in the path' });
      const query = QuerySchema.safeParse(event.queryStringParameters ?? {});
      if (!query.success) {
        return json(400, {
          message: `bad query: ${query.error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ')}`,
        });
      }
      const { format = formatFromAccept(event.headers?.accept), lang, ...when } = query.data;
      if (lang && format === 'json') return json(400, { message: `bad query: ${LANG_NEEDS_TABLE}` });
      try {
        if (format === 'text') {
          const text = await buildReportText(reader, orgId, when);
          return { statusCode: 200, headers: { 'content-type': `${MEDIA_TYPES.text}; charset=utf-8`, vary: 'accept' }, body: text };
        }
        const report = await buildReport(reader, orgId, when);
        if (format === 'json') return json(200, report);
        const file = await renderTableExport(report, format, lang);
        return {
          statusCode: 200,
          headers: {
            'content-type': file.contentType,
            'content-disposition': `attachment; filename="${file.fileName}"`,
            vary: 'accept',
          },
          // HTTP API payload v2: a binary body travels base64 and API Gateway decodes it; the
          // CSV too, so that its byte order mark reaches the client byte for byte.
          body: file.body.toString('base64'),
          isBase64Encoded: true,
        };
      } catch (error) {
        if (error instanceof UnknownOrgError) return json(404, { message: error.message });
        logger.error('report failed', { orgId, error: (error as Error).name });
        throw error;
      }
    });
}
