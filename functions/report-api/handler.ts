// (adapter) API Gateway HTTP API `GET /orgs/{orgId}/report` --> use case build-report
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { BusinessDateSchema } from '../../shared/domain/events.js';
import { loggerFor } from '../../shared/observability/logger.js';
import { buildReport, UnknownOrgError } from '../../shared/use-cases/build-report.js';

const logger = loggerFor('report-api');

/** The query parameters the report accepts (schemas/openapi.json lists each of them; a test checks). */
export const QuerySchema = z.strictObject({
  year: z.coerce.number().int().min(1930).max(2200).optional(),
  date: BusinessDateSchema.optional(),
});

const json = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

export const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyResultV2, Error, Context>()
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
    try {
      return json(200, await buildReport(orgId, query.data));
    } catch (error) {
      if (error instanceof UnknownOrgError) return json(404, { message: error.message });
      logger.error('report failed', { orgId, error: (error as Error).name });
      throw error;
    }
  });
