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
import { ProducerRegistryError, readerFor, type RegistryLoader } from '../../shared/data/producer-registry.js';
import {
  buildReport,
  buildReportText,
  ReadOutOfScopeError,
  UnknownOrgError,
  type ReportReader,
} from '../../shared/use-cases/build-report/index.js';

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
  /** The registry whose `readers` say who may read what; undefined from the loader: scoping off, everyone reads everything. */
  loadRegistry: RegistryLoader;
}

/** One answer for "not yours" and "does not exist" alike (docs/security.md "Reads scoped by subtree"). */
const FORBIDDEN = { message: 'this identity may not read this report' };

/**
 * The caller as API Gateway's IAM authorizer names it: `userId`, an IAM user's id or a
 * role's `AROA…:session` (the local HTTP API sets it from a header of its own).
 */
function callerOf(event: APIGatewayProxyEventV2): string | undefined {
  const authorizer = (event.requestContext as { authorizer?: { iam?: { userId?: string } } }).authorizer;
  return authorizer?.iam?.userId;
}

/**
 * The org roots the caller may read: undefined for everything (scoping off), `[]` for
 * nothing. @throws ProducerRegistryError when the registry cannot be read (fail closed).
 */
async function readableBy(loadRegistry: RegistryLoader, event: APIGatewayProxyEventV2): Promise<readonly string[] | undefined> {
  const loaded = await loadRegistry();
  if (!loaded) return undefined;
  return readerFor(loaded.registry, callerOf(event))?.orgs ?? [];
}

/** Builds the handler: parse the path and query, check who asks, build the report, answer it in the asked format. */
export function createReportHandler({ reader, loadRegistry }: ReportHandlerDeps) {
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
        const readable = await readableBy(loadRegistry, event);
        if (readable?.length === 0) return json(403, FORBIDDEN);
        const asked = { ...when, readable };
        if (format === 'text') {
          const text = await buildReportText(reader, orgId, asked);
          return { statusCode: 200, headers: { 'content-type': `${MEDIA_TYPES.text}; charset=utf-8`, vary: 'accept' }, body: text };
        }
        const report = await buildReport(reader, orgId, asked);
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
        if (error instanceof ReadOutOfScopeError) return json(403, FORBIDDEN);
        if (error instanceof UnknownOrgError) return json(404, { message: error.message });
        if (error instanceof ProducerRegistryError) {
          // Fail closed, as the ingest does: no registry read, no report for anyone.
          logger.error('producer registry unreadable', { reason: error.message });
          return json(503, { message: 'reports are unavailable: the registry of readers cannot be read' });
        }
        logger.error('report failed', { orgId, error: (error as Error).name });
        throw error;
      }
    });
}
