// local: the HTTP API on 127.0.0.1, standing in for API Gateway in front of the very
// same report handler. It answers only requests addressed to 127.0.0.1 or localhost
// (host-check.ts), and a failure with a generic 500. `/_local/figures?through=MS&waitMs=MS`
// lets the CLI wait until the figures have followed the writes made before an instant
// (its own lines); `/_local/settled` until everything queued is applied (the demo, tests);
// `/_local/status` answers what CloudWatch would in AWS
// (queue age, figures lag); `/openapi.json` serves the API's OpenAPI document
// (schemas/openapi.json).
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { isLoopbackHost, MISDIRECTED, misdirectedBody } from './host-check.js';
import { lambdaContext } from './runners/lambda-context.js';

type ApiHandler = (event: APIGatewayProxyEventV2, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

export interface LocalApi {
  url: string;
  close(): Promise<void>;
}

const REPORT_ROUTE = /^\/orgs\/([^/]+)\/report$/;

/**
 * The header naming the caller locally, as `dangvien send --sender` names a producer:
 * in AWS the IAM authorizer says who signed the request; here nobody signs, so the
 * caller says who it is (docs/security.md "Reads scoped by subtree"). Without it, the
 * caller is `local`, as an unnamed sender is.
 */
export const LOCAL_CALLER_HEADER = 'x-dangvien-caller';

/** The longest one `/_local/figures` request waits; the CLI asks again until its own deadline. */
const FIGURES_WAIT_MAX_MS = 60_000;

/** Headers as API Gateway v2 passes them: names in lower case, repeated ones joined by commas. */
function gatewayHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined) out[name] = Array.isArray(value) ? value.join(',') : value;
  return out;
}

/** The query as API Gateway v2 passes it: a repeated parameter's values joined by commas. */
function gatewayQuery(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries([...new Set(params.keys())].map((name) => [name, params.getAll(name).join(',')]));
}

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** The API's OpenAPI document, as generated into schemas/ (`npm run schema`). */
const OPENAPI_DOCUMENT = new URL('../schemas/openapi.json', import.meta.url);

/** The API Gateway v2 event for a request, as much of it as our handler reads. */
function toEvent(method: string, url: URL, orgId: string, headers: IncomingHttpHeaders): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'GET /orgs/{orgId}/report',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers: gatewayHeaders(headers),
    queryStringParameters: url.searchParams.size ? gatewayQuery(url.searchParams) : undefined,
    pathParameters: { orgId: decodeURIComponent(orgId) },
    isBase64Encoded: false,
    requestContext: {
      // What API Gateway's IAM authorizer passes (the caller's userId), from the local header.
      ...{ authorizer: { iam: { userId: headerValue(headers[LOCAL_CALLER_HEADER]) ?? 'local' } } },
      accountId: 'local',
      apiId: 'local',
      domainName: url.host,
      domainPrefix: 'local',
      http: { method, path: url.pathname, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
      requestId: 'local',
      routeKey: 'GET /orgs/{orgId}/report',
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
  };
}

/** What only the local stack knows, for `dangvien status`: CloudWatch's numbers in AWS. */
export interface LocalStatus {
  /** Seconds since the oldest message on the ingest queue was sent. */
  ingestOldestAgeSeconds: number;
  /** How far the figures are behind the records (the stream's iterator age), in seconds. */
  figuresLagSeconds: number;
  /** Seconds since the oldest message on the dead-letter queue was sent. */
  deadLetterOldestAgeSeconds?: number;
}

/** What only the local stack answers (`/_local/…`, for the CLI and tests), or undefined for another path. */
async function localAnswer(
  url: URL,
  opts: Pick<LocalApiOptions, 'settle' | 'figuresCaughtUp' | 'status'>,
): Promise<{ status: number; body: unknown } | undefined> {
  switch (url.pathname) {
    case '/_local/settled':
      await opts.settle();
      return { status: 200, body: { settled: true } };
    case '/_local/status':
      return { status: 200, body: opts.status() };
    case '/_local/figures': {
      // Whether the figures have followed the writes made before `through`, waiting up to `waitMs`.
      const through = Number(url.searchParams.get('through'));
      const waitMs = Math.min(Number(url.searchParams.get('waitMs') ?? 0), FIGURES_WAIT_MAX_MS);
      if (!Number.isFinite(through) || !Number.isFinite(waitMs))
        return { status: 400, body: { message: 'through and waitMs are milliseconds' } };
      const caughtUp = opts.figuresCaughtUp ? await opts.figuresCaughtUp(through, Math.max(0, waitMs)) : true;
      return { status: 200, body: { caughtUp } };
    }
    default:
      return undefined;
  }
}

export interface LocalApiOptions {
  port: number;
  reportHandler: ApiHandler;
  settle: () => Promise<void>;
  /** Whether the figures have followed the writes made before `instant` (ms), waiting up to `timeoutMs`. */
  figuresCaughtUp?: (instant: number, timeoutMs: number) => Promise<boolean>;
  status: () => LocalStatus;
  /** Where a failed request is noted (the console); never given the error's message. */
  log?: (line: string) => void;
}

export async function startLocalApi(opts: LocalApiOptions): Promise<LocalApi> {
  const server: Server = createServer(async (req, res) => {
    if (!isLoopbackHost(req.headers.host, opts.port)) {
      res.writeHead(MISDIRECTED, { 'content-type': 'application/json' }).end(misdirectedBody(opts.port));
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${opts.port}`);
    try {
      const local = req.method === 'GET' ? await localAnswer(url, opts) : undefined;
      if (local) {
        res.writeHead(local.status, { 'content-type': 'application/json' }).end(JSON.stringify(local.body));
        return;
      }
      if (req.method === 'GET' && url.pathname === '/openapi.json') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(await readFile(OPENAPI_DOCUMENT));
        return;
      }
      const match = REPORT_ROUTE.exec(url.pathname);
      if (req.method !== 'GET' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Not Found' }));
        return;
      }
      const result = (await opts.reportHandler(
        toEvent(req.method, url, match[1]!, req.headers),
        lambdaContext('report-api', 10_000),
      )) as APIGatewayProxyStructuredResultV2;
      // As API Gateway does: a base64 body (an Excel file, a CSV) goes out as its bytes.
      const body = result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? '');
      res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>).end(body);
    } catch (error) {
      // As API Gateway answers a failed integration: a generic message. The error's own
      // message may carry what the request named; the console gets its name and the route
      // only (an org id is not personal data, but the query string is not logged).
      opts.log?.(`HTTP API: ${req.method} ${url.pathname} failed: ${(error as Error).name ?? 'Error'}`);
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'Internal Server Error' }));
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${opts.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
