// What the local stack's servers let other programs and web pages do. DynamoDB Local: only
// loopback reaches it and no page of another origin may call it; all three answer only
// requests addressed to 127.0.0.1 or localhost (a page on a rebinding name reads nothing);
// the HTTP API's failure is a generic 500; the queue store's SQLite file keeps no
// readable bytes of a message once it is deleted.
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createConnection } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.js';
import { startFauxqs, type Fauxqs } from '../../local/fauxqs.js';
import { startLocalApi, type LocalApi } from '../../local/http-api.js';
import { freePort } from '../../local/ports.js';

/** An HTTP request with the Host header a browser on another name would send (none when empty). */
function send(
  port: number,
  opts: { method?: string; path?: string; host: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path ?? '/',
        // No Host header at all when none is given (an HTTP/1.0 client).
        setHost: false,
        headers: { ...(opts.host ? { host: opts.host } : {}), ...opts.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 3_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

/** This machine's addresses other than loopback: where another machine would reach it. */
const outsideAddresses = Object.values(networkInterfaces())
  .flat()
  .filter((a) => a && !a.internal && a.family === 'IPv4')
  .map((a) => a!.address);

describe('DynamoDB Local', () => {
  let dynamo: DynamoDbLocal;
  afterAll(async () => {
    await dynamo?.stop();
  });

  it.skipIf(outsideAddresses.length === 0)('listens on 127.0.0.1 only: an address of this machine on the network is refused', async () => {
    // Prepare / Act
    dynamo = await startDynamoDbLocal({ port: await freePort() });
    // Assess
    expect(await accepts('127.0.0.1', dynamo.port)).toBe(true);
    for (const address of outsideAddresses) expect(await accepts(address, dynamo.port), address).toBe(false);
    expect(dynamo.loopbackOnly).toBe(true);
  });

  it('answers 421 to a request addressed to another name than 127.0.0.1 or localhost (DNS rebinding)', async () => {
    // Prepare
    dynamo ??= await startDynamoDbLocal({ port: await freePort() });
    const listTables = (host: string) =>
      send(dynamo.port, {
        method: 'POST',
        host,
        headers: {
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          'content-type': 'application/x-amz-json-1.0',
          authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/ap-southeast-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        body: '{}',
      });
    // Act
    const rebound = await listTables(`attacker.example:${dynamo.port}`);
    const byName = await listTables(`localhost:${dynamo.port}`);
    // Assess
    expect(rebound.status).toBe(421);
    expect(rebound.body).not.toContain('TableNames');
    expect(byName.status).toBe(200);
  });

  it('lets no page of another origin call it: no CORS preflight is granted, no answer is shared', async () => {
    // Prepare
    dynamo ??= await startDynamoDbLocal({ port: await freePort() });
    const page = 'http://evil.example';
    // Act
    const preflight = await send(dynamo.port, {
      method: 'OPTIONS',
      host: `127.0.0.1:${dynamo.port}`,
      headers: { origin: page, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-amz-target,content-type' },
    });
    const call = await send(dynamo.port, {
      method: 'POST',
      host: `127.0.0.1:${dynamo.port}`,
      headers: {
        origin: page,
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        'content-type': 'application/x-amz-json-1.0',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/ap-southeast-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: '{}',
    });
    // Assess: the call works (it is a local program's call), but a browser would neither send it nor show its answer
    expect(call.status).toBe(200);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(call.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('the local HTTP API', () => {
  let api: LocalApi;
  let port: number;
  const logged: string[] = [];
  afterAll(async () => {
    await api?.close();
  });

  it('answers 421 to a request addressed to any other name than 127.0.0.1 or localhost (DNS rebinding)', async () => {
    // Prepare
    port = await freePort();
    api = await startLocalApi({
      port,
      reportHandler: async () => {
        throw new Error('Nguyễn Thị Hoa, sinh 1970-01-01, Công giáo');
      },
      settle: async () => undefined,
      status: () => ({ ingestOldestAgeSeconds: 0, figuresLagSeconds: 0 }),
      log: (line) => logged.push(line),
    });
    // Act
    const rebound = await send(port, { path: '/_local/status', host: `attacker.example:${port}` });
    const otherPort = await send(port, { path: '/_local/status', host: `127.0.0.1:${port + 1}` });
    const none = await send(port, { path: '/_local/status', host: '' });
    const byAddress = await send(port, { path: '/_local/status', host: `127.0.0.1:${port}` });
    const byName = await send(port, { path: '/_local/status', host: `LOCALHOST:${port}` });
    // Assess
    expect([rebound.status, otherPort.status]).toEqual([421, 421]);
    // Node's server refuses an HTTP/1.1 request without Host itself (400), before ours.
    expect([400, 421]).toContain(none.status);
    expect(rebound.body).not.toContain('ingestOldestAgeSeconds');
    expect([byAddress.status, byName.status]).toEqual([200, 200]);
  });

  it("answers a failure with a generic 500, and logs it without the error's message", async () => {
    // Act
    const failed = await send(port, { path: '/orgs/HP/report', host: `127.0.0.1:${port}` });
    // Assess
    expect(failed.status).toBe(500);
    expect(JSON.parse(failed.body)).toEqual({ message: 'Internal Server Error' });
    expect(logged.join('\n')).toContain('/orgs/HP/report');
    expect(logged.join('\n')).not.toMatch(/Hoa|1970|Công giáo/);
  });
});

describe('the queue endpoint (fauxqs)', () => {
  let fauxqs: Fauxqs;
  let port: number;
  const dir = mkdtempSync(join(tmpdir(), 'dangvien-fauxqs-'));
  afterAll(async () => {
    await fauxqs?.close();
  });

  it('answers 421 to a request addressed to another name, and serves its own', async () => {
    // Prepare
    port = await freePort();
    fauxqs = await startFauxqs({ port, dataDir: dir, region: 'ap-southeast-1' });
    const listQueues = {
      method: 'POST',
      headers: { 'x-amz-target': 'AmazonSQS.ListQueues', 'content-type': 'application/x-amz-json-1.0' },
    };
    // Act
    const rebound = await send(port, { ...listQueues, host: `attacker.example:${port}`, body: '{}' });
    const own = await send(port, { ...listQueues, host: `sqs.ap-southeast-1.localhost:${port}`, body: '{}' });
    const sdk = await sqsAt(port).send(new ListQueuesCommand({}));
    // Assess
    expect(rebound.status).toBe(421);
    expect(own.status).toBe(200);
    expect(sdk.$metadata.httpStatusCode).toBe(200);
  });

  it("keeps no readable byte of a message in its files once it is received and deleted (a corrected profile's old copy)", async () => {
    // Prepare: a message carrying a distinctive profile
    const sqs = sqsAt(port);
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: 'secure-delete' }));
    const profile = `{"fullName":"Phạm Thị Xuân-${Date.now()}","religion":"Cao Đài"}`;
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: profile }));
    const sqsDir = dir;
    expect(await filesHolding(sqsDir, 'Cao Đài')).not.toEqual([]);
    // Act: consumed as a runner does
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1 }));
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: received.Messages![0]!.ReceiptHandle! }));
    // Assess: the bytes are gone from the database, its write-ahead log and its index
    await until(
      async () => (await filesHolding(sqsDir, 'Cao Đài')).length === 0,
      () => filesHolding(sqsDir, 'Cao Đài'),
    );
  });
});

/** An SDK client of the fauxqs on `port`, as the stack's own. */
function sqsAt(port: number): SQSClient {
  return new SQSClient({
    region: 'ap-southeast-1',
    endpoint: `http://127.0.0.1:${port}`,
    useQueueUrlAsEndpoint: false,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** The files of `dir` whose bytes contain `text` (UTF-8). */
async function filesHolding(dir: string, text: string): Promise<string[]> {
  const needle = Buffer.from(text);
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((path) => existsSync(path) && readFileSync(path).includes(needle));
}

/** Waits until `check` holds; on a deadline, fails with what `describe` says then. */
async function until(check: () => Promise<boolean>, describe: () => Promise<unknown>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not reached in ${timeoutMs} ms: ${JSON.stringify(await describe())}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
