// The partitions each function really reads and writes, against the `dynamodb:LeadingKeys`
// its role is granted (infra/partitions.ts). The roles are narrowed to partitions by
// reading the code; this runs the code: a year of a small city through the ingest and
// the figures (waiting events, a rejected one redriven, corrections), the reminders job
// on the year's dates and reports today and as of a date, recording every DynamoDB call
// with the function that made it. A partition a function touches and its role does not
// name would be AccessDenied in AWS; this test fails on it first.
import type { Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateCity } from '../../bench/city.js';
import { FUNCTION_PARTITIONS, type FunctionName, partitionAllowed } from '../../infra/partitions.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { listRejected } from '../../shared/data/ingest-store.js';
import { listWaiting, redriveRejected } from '../../shared/data/redrive.js';
import type { EventOf } from '../../shared/domain/events.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/** One DynamoDB call on a base table's partition: `function action table partition`. */
interface Access {
  fn: FunctionName;
  action: string;
  table: 'records' | 'figures';
  pk: string;
}

/** The low-level action IAM authorizes for each item of a request (a transaction's items each as its own action). */
const ACTION_OF: Record<string, string> = {
  Put: 'PutItem',
  Update: 'UpdateItem',
  Delete: 'DeleteItem',
  ConditionCheck: 'ConditionCheckItem',
};

/** A key attribute as the command carries it: a plain string (document client) or `{ S }`. */
const text = (value: unknown): string => (typeof value === 'string' ? value : String((value as { S?: string })?.S));

/** The partitions a command touches on base tables (index queries are granted apart, without partitions). */
function accessesOf(command: string, input: Record<string, unknown>, tableOf: (name: string) => Access['table'] | undefined) {
  const out: Array<Omit<Access, 'fn'>> = [];
  const add = (action: string, tableName: unknown, pk: unknown) => {
    const table = tableOf(String(tableName));
    if (table) out.push({ action, table, pk: text(pk) });
  };
  const action = command.replace(/Command$/, '');
  const key = (input.Key ?? input.Item) as Record<string, unknown> | undefined;
  switch (action) {
    case 'GetItem':
    case 'Get':
    case 'PutItem':
    case 'Put':
    case 'UpdateItem':
    case 'Update':
    case 'DeleteItem':
    case 'Delete':
      add(ACTION_OF[action] ?? action, input.TableName, key?.pk);
      break;
    case 'Query': {
      if (input.IndexName) break;
      const values = input.ExpressionAttributeValues as Record<string, unknown>;
      const placeholder = /\bpk\s*=\s*(:\w+)/.exec(String(input.KeyConditionExpression))?.[1];
      add('Query', input.TableName, placeholder ? values[placeholder] : undefined);
      break;
    }
    case 'BatchGetItem':
    case 'BatchGet':
      for (const [table, request] of Object.entries(input.RequestItems as Record<string, { Keys: Array<Record<string, unknown>> }>))
        for (const k of request.Keys) add('BatchGetItem', table, k.pk);
      break;
    case 'BatchWriteItem':
    case 'BatchWrite':
      for (const [table, requests] of Object.entries(
        input.RequestItems as Record<string, Array<Record<string, { Item?: object; Key?: object }>>>,
      ))
        for (const r of requests) {
          if (r.PutRequest) add('PutItem', table, (r.PutRequest.Item as Record<string, unknown>).pk);
          if (r.DeleteRequest) add('DeleteItem', table, (r.DeleteRequest.Key as Record<string, unknown>).pk);
        }
      break;
    case 'TransactWriteItems':
    case 'TransactWrite':
      for (const item of input.TransactItems as Array<
        Record<string, { TableName: string; Key?: Record<string, unknown>; Item?: Record<string, unknown> }>
      >)
        for (const [kind, op] of Object.entries(item)) add(ACTION_OF[kind] ?? kind, op.TableName, (op.Key ?? op.Item)?.pk);
      break;
    case 'TransactGetItems':
    case 'TransactGet':
      for (const item of input.TransactItems as Array<{ Get: { TableName: string; Key: Record<string, unknown> } }>)
        add('GetItem', item.Get.TableName, item.Get.Key.pk);
      break;
    case 'Scan':
      add('Scan', input.TableName, '(whole table)');
      break;
    default:
      break;
  }
  return out;
}

/** A handler as its own Lambda container: a fresh module graph (its own caches and SDK client), each call it makes recorded. */
async function isolated<H>(
  fn: FunctionName,
  path: string,
  record: (a: Access) => void,
  tableOf: (name: string) => Access['table'] | undefined,
): Promise<H> {
  vi.resetModules();
  const clients = (await import('../../shared/data/clients.js')) as typeof import('../../shared/data/clients.js');
  clients.dynamoClient().middlewareStack.add(
    (next, context) => async (args) => {
      for (const a of accessesOf(context.commandName ?? '', args.input as Record<string, unknown>, tableOf)) record({ fn, ...a });
      return next(args);
    },
    { step: 'initialize', name: 'accessRecorder' },
  );
  return ((await import(path)) as { handler: H }).handler;
}

/** Waits until `check` holds (20 s at most). */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

type Handler<E, R = unknown> = (event: E, context: Context) => Promise<R>;

describe('what each function touches of the tables', () => {
  let stack: TestStack;
  const accesses: Access[] = [];
  const city = generateCity({ members: 40, tree: { districts: 2 }, rolls: 'events', seed: 7 });
  let ingest: Handler<SQSEvent> | undefined;
  let figures: Handler<DynamoDBStreamEvent> | undefined;

  beforeAll(async () => {
    // The runners call whatever handler is set when a batch arrives: each is its own container, loaded once the tables exist.
    stack = await startTestStack({
      handlers: {
        ingest: ((event: SQSEvent, context: Context) => ingest!(event, context)) as never,
        figures: ((event: DynamoDBStreamEvent, context: Context) => figures!(event, context)) as never,
      },
    });
  });
  afterAll(async () => stack?.stop());

  it('the functions touch only the partitions their roles name', { timeout: 180_000 }, async () => {
    // Prepare: each function in its own container, every call recorded
    const tables: Record<string, Access['table']> = {
      [stack.env.RECORDS_TABLE_NAME!]: 'records',
      [stack.env.FIGURES_TABLE_NAME!]: 'figures',
    };
    const load = <H>(fn: FunctionName, path: string) =>
      isolated<H>(
        fn,
        path,
        (a) => accesses.push(a),
        (name) => tables[name],
      );
    ingest = await load('ingest', '../../functions/ingest/handler.js');
    figures = await load('figures', '../../functions/figures/handler.js');
    const reminders = await load<Handler<object>>('reminders', '../../functions/reminders/handler.js');
    const report = await load<Handler<object, { statusCode: number }>>('report-api', '../../functions/report-api/handler.js');
    // A year of a city, in the producers' order
    await stack.send(city.orgEvents);
    await stack.settle();
    for (let i = 0; i < city.events.length; i += 20) {
      await stack.send(city.events.slice(i, i + 20));
      await stack.settle();
    }
    // An event before its predecessor (a member of a cell not registered yet: it waits,
    // then applies), a member admitted twice (rejected, with a profile), a correction of that
    // member (it reaches the rejected copy), and an unreadable body
    const sibling = city.orgEvents.find((e) => e.type === 'org.registered' && e.data.orgId === city.cells[0]) as EventOf<'org.registered'>;
    await stack.send([validEvent('member.imported', { data: { memberId: 'ACC-1', orgId: 'ACC-CELL' } })]);
    await until(async () => (await listWaiting()).some((w) => w.eventId.startsWith('ev-member.imported')));
    await stack.send([registerOrg('ACC-CELL', sibling.data.parentId, sibling.data.level)]);
    await stack.settle();
    await stack.send([
      validEvent('member.imported', { data: { memberId: 'ACC-1', orgId: 'ACC-CELL' } }),
      '{"id":"unreadable-1","type":"member.admitted"}',
    ]);
    await stack.settle();
    await stack.send([validEvent('member.updated', { data: { memberId: 'ACC-1', profile: { occupation: 'retired' } } })]);
    await stack.settle();
    const rejected = await listRejected();
    await redriveRejected(
      rejected.map((r) => r.id),
      stack.env.INGEST_QUEUE_URL!,
    );
    await stack.settle();
    // Act: the daily job on days of the year (with the root's digest), and the report now and as of a date
    process.env.REMINDER_DIGEST_ORGS = 'roots';
    for (const date of [`${city.year}-03-01`, `${city.year}-09-01`, `${city.year}-12-31`])
      await reminders({ date }, lambdaContext('reminders', 300_000));
    const answers = [];
    for (const query of [undefined, { date: `${city.year}-06-30` }, { year: String(city.year) }])
      answers.push(
        await report(
          { pathParameters: { orgId: city.rootId }, queryStringParameters: query, headers: {}, requestContext: {} },
          lambdaContext('report-api', 10_000),
        ),
      );
    // Assess: the scenario reached what it means to
    expect(rejected.map((r) => r.reason)).toEqual(expect.arrayContaining(['member-exists', 'schema']));
    expect(await listWaiting()).toEqual([]);
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200]);
    const denied = accesses.filter((a) => !partitionAllowed(FUNCTION_PARTITIONS[a.fn][a.table], a.pk));
    const unused = Object.entries(FUNCTION_PARTITIONS).flatMap(([fn, tables]) =>
      Object.entries(tables).flatMap(([table, patterns]) =>
        (patterns as string[])
          .filter((p) => !accesses.some((a) => a.fn === fn && a.table === table && partitionAllowed([p], a.pk)))
          .map((p) => `${fn} ${table} ${p}`),
      ),
    );
    // The scenario reaches every partition a role names, but for what only the code shows:
    // a record's version, which the figures read only when the index byCell lags the table,
    // and dossier and transfer reminders, none of them due on the city's dates.
    const reachedByReadingOnly = [
      'figures records MEMBER#*',
      'figures records DOSSIER#*',
      'figures records TRANSFER#*',
      'reminders records DOSSIER#*',
      'reminders records TRANSFER#*',
    ];
    expect(unused.filter((u) => !reachedByReadingOnly.includes(u))).toEqual([]);
    expect([...new Set(denied.map((a) => `${a.fn} ${a.action} ${a.table} ${a.pk}`))]).toEqual([]);
    expect(new Set(accesses.map((a) => a.fn))).toEqual(new Set(['ingest', 'figures', 'reminders', 'report-api']));
  });
});
