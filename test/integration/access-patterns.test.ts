// The partitions each function really reads and writes, against the `dynamodb:LeadingKeys`
// its role is granted (infra/partitions.ts). The roles are narrowed to partitions by
// reading the code; this runs the code: a year of a small city through the ingest and
// the figures (waiting events, a rejected one redriven, corrections), the reminders job
// on the year's dates and reports today and as of a date, each function built by its own
// composition root (functions/<name>/environment.ts) from the environment the stack gives
// it, recording every DynamoDB call with the function whose client made it. A partition a
// function touches and its role does not name would be AccessDenied in AWS; this test
// fails on it first.
import type { Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { generateCity } from '../../bench/city.js';
import { figuresDependencies } from '../../functions/figures/environment.js';
import { createFiguresHandler } from '../../functions/figures/handler.js';
import { ingestDependencies } from '../../functions/ingest/environment.js';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { remindersDependencies } from '../../functions/reminders/environment.js';
import { createRemindersHandler } from '../../functions/reminders/handler.js';
import { reportDependencies } from '../../functions/report-api/environment.js';
import { createReportHandler } from '../../functions/report-api/handler.js';
import { FUNCTION_PARTITIONS, type FunctionName, partitionAllowed } from '../../infra/partitions.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { emulatorEnvironment } from '../../local/use-emulators.js';
import type { AwsClients } from '../../shared/data/aws-clients.js';
import type { EventOf } from '../../shared/domain/events/index.js';
import { listWaiting, redriveRejected } from '../../shared/use-cases/redrive/index.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/** Told of every DynamoDB client a composition root makes, while one is being built. */
const made = vi.hoisted(() => ({ dynamoClients: undefined as ((clients: Pick<AwsClients, 'dynamo'>) => void) | undefined }));

vi.mock('../../shared/data/aws-clients.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/data/aws-clients.js')>();
  return {
    ...actual,
    createDynamoClients: (...args: Parameters<typeof actual.createDynamoClients>) => {
      const clients = actual.createDynamoClients(...args);
      made.dynamoClients?.(clients);
      return clients;
    },
  };
});

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

/** The document client's command names, as the low-level actions they are. */
const LOW_LEVEL: Record<string, string> = {
  ...ACTION_OF,
  Get: 'GetItem',
  BatchGet: 'BatchGetItem',
  BatchWrite: 'BatchWriteItem',
  TransactWrite: 'TransactWriteItems',
  TransactGet: 'TransactGetItems',
};

/** A key attribute as the command carries it: a plain string (document client) or `{ S }`. */
const text = (value: unknown): string => (typeof value === 'string' ? value : String((value as { S?: string })?.S));

type Item = Record<string, unknown>;
/** `[action, table name, partition key]` of each item a request touches. */
type Touch = [string, unknown, unknown];

/** What each action touches on base tables (index queries are granted apart, without partitions). */
const TOUCHES: Record<string, (input: Item) => Touch[]> = {
  GetItem: (i) => [['GetItem', i.TableName, (i.Key as Item).pk]],
  PutItem: (i) => [['PutItem', i.TableName, (i.Item as Item).pk]],
  UpdateItem: (i) => [['UpdateItem', i.TableName, (i.Key as Item).pk]],
  DeleteItem: (i) => [['DeleteItem', i.TableName, (i.Key as Item).pk]],
  Query: (i) => {
    if (i.IndexName) return [];
    const placeholder = /\bpk\s*=\s*(:\w+)/.exec(String(i.KeyConditionExpression))?.[1] ?? '';
    return [['Query', i.TableName, (i.ExpressionAttributeValues as Item)[placeholder]]];
  },
  Scan: (i) => [['Scan', i.TableName, '(whole table)']],
  BatchGetItem: (i) =>
    Object.entries(i.RequestItems as Record<string, { Keys: Item[] }>).flatMap(([table, r]) =>
      r.Keys.map((k): Touch => ['BatchGetItem', table, k.pk]),
    ),
  BatchWriteItem: (i) =>
    Object.entries(i.RequestItems as Record<string, Array<Record<string, Item>>>).flatMap(([table, requests]) =>
      requests.map(
        (r): Touch =>
          r.PutRequest ? ['PutItem', table, (r.PutRequest.Item as Item).pk] : ['DeleteItem', table, (r.DeleteRequest!.Key as Item).pk],
      ),
    ),
  TransactWriteItems: (i) =>
    (i.TransactItems as Array<Record<string, Item>>).flatMap((item) =>
      Object.entries(item).map(([kind, op]): Touch => [ACTION_OF[kind] ?? kind, op.TableName, ((op.Key ?? op.Item) as Item).pk]),
    ),
  TransactGetItems: (i) =>
    (i.TransactItems as Array<{ Get: Item }>).map((item): Touch => ['GetItem', item.Get.TableName, (item.Get.Key as Item).pk]),
};

/** The partitions a command touches on our base tables. */
function accessesOf(command: string, input: Item, tableOf: (name: string) => Access['table'] | undefined): Array<Omit<Access, 'fn'>> {
  const name = command.replace(/Command$/, '');
  const touches = TOUCHES[LOW_LEVEL[name] ?? name]?.(input) ?? [];
  return touches.flatMap(([action, tableName, pk]) => {
    const table = tableOf(String(tableName));
    return table ? [{ action, table, pk: text(pk) }] : [];
  });
}

/**
 * A function as its own Lambda container: built by its composition root (`build`), with
 * clients of its own, each call of its DynamoDB clients recorded.
 */
function isolated<T>(
  fn: FunctionName,
  build: () => T,
  record: (a: Access) => void,
  tableOf: (name: string) => Access['table'] | undefined,
): T {
  made.dynamoClients = ({ dynamo }) =>
    dynamo.middlewareStack.add(
      (next, context) => async (args) => {
        for (const a of accessesOf(context.commandName ?? '', args.input as Record<string, unknown>, tableOf)) record({ fn, ...a });
        return next(args);
      },
      { step: 'initialize', name: 'accessRecorder' },
    );
  try {
    return build();
  } finally {
    made.dynamoClients = undefined;
  }
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
        ingest: () => ((event: SQSEvent, context: Context) => ingest!(event, context)) as never,
        figures: () => ((event: DynamoDBStreamEvent, context: Context) => figures!(event, context)) as never,
      },
    });
  });
  afterAll(async () => stack?.stop());

  it('the functions touch only the partitions their roles name', async () => {
    // Prepare: each function in its own container, every call recorded
    const tables: Record<string, Access['table']> = {
      [stack.env.RECORDS_TABLE_NAME!]: 'records',
      [stack.env.FIGURES_TABLE_NAME!]: 'figures',
    };
    // The environment each function is deployed with, on the emulators; the job with the root's digest.
    const env = { ...stack.env, ...emulatorEnvironment(inject('emulators')) };
    const load = <T>(fn: FunctionName, build: () => T) =>
      isolated(
        fn,
        build,
        (a) => accesses.push(a),
        (name) => tables[name],
      );
    ingest = load('ingest', () => createIngestHandler(ingestDependencies(env))) as Handler<SQSEvent>;
    figures = load('figures', () => createFiguresHandler(figuresDependencies(env))) as Handler<DynamoDBStreamEvent>;
    const reminders = load('reminders', () =>
      createRemindersHandler(remindersDependencies({ ...env, REMINDER_DIGEST_ORGS: 'roots' })),
    ) as Handler<object>;
    const report = load('report-api', () => createReportHandler(reportDependencies(env))) as Handler<object, { statusCode: number }>;
    const { redrive, ingestQueue } = stack.stores;
    // A year of a city, in the producers' order
    await stack.send(city.orgEvents);
    await stack.settle();
    for (let i = 0; i < city.events.length; i += 20) {
      await stack.send(city.events.slice(i, i + 20));
      await stack.settle();
    }
    // An event before its predecessor (a member of a cell not registered yet: it waits,
    // then applies), a member admitted twice (rejected, with a profile), an admission refused
    // (linked to its applicant), a correction of that member (it reaches the rejected copy),
    // and an unreadable body
    const sibling = city.orgEvents.find((e) => e.type === 'org.registered' && e.data.orgId === city.cells[0]) as EventOf<'org.registered'>;
    await stack.send([validEvent('member.imported', { data: { memberId: 'ACC-1', orgId: 'ACC-CELL' } })]);
    await until(async () => (await listWaiting(redrive)).some((w) => w.eventId.startsWith('ev-member.imported')));
    await stack.send([registerOrg('ACC-CELL', sibling.data.parentId, sibling.data.level)]);
    await stack.settle();
    await stack.send([
      validEvent('member.imported', { data: { memberId: 'ACC-1', orgId: 'ACC-CELL' } }),
      '{"id":"unreadable-1","type":"member.admitted"}',
      validEvent('dossier.received', {
        data: { dossierId: 'ACC-D', personId: 'ACC-P', orgId: 'ACC-CELL', receivedOn: `${city.year}-02-01` },
      }),
    ]);
    await stack.settle();
    // An admission refused (before its dossier was received): kept, linked to the applicant too
    await stack.send([
      validEvent('member.admitted', {
        data: { memberId: 'ACC-2', orgId: 'ACC-CELL', admittedOn: `${city.year}-01-15`, ceremonyOn: undefined, dossierId: 'ACC-D' },
      }),
    ]);
    await stack.settle();
    await stack.send([validEvent('member.updated', { data: { memberId: 'ACC-1', profile: { occupation: 'retired' } } })]);
    await stack.settle();
    const rejected = await redrive.listRejected();
    await redriveRejected(
      redrive,
      ingestQueue,
      rejected.map((r) => r.id),
    );
    await stack.settle();
    // Act: the daily job on days of the year (with the root's digest), and the report now and as of a date
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
    expect(rejected.map((r) => r.reason)).toEqual(expect.arrayContaining(['member-exists', 'schema', 'date-order']));
    expect(await listWaiting(redrive)).toEqual([]);
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
    // and dossier and transfer reminders, none of them due on the city's dates. The city has
    // no candidate pool: the ingest reads the partition of each applicant (the link), the
    // figures and the reminders only a pool's. The sources' counters the reminders read only
    // in a deployment with a producer registry (test/infra/reminders-heartbeat.test.ts). A
    // quota's note only when a producer reaches one (test/integration/waiting-quota).
    const reachedByReadingOnly = [
      'ingest records QUOTA',
      'figures records MEMBER#*',
      'figures records DOSSIER#*',
      'figures records TRANSFER#*',
      'figures records CANDIDATE#*',
      'reminders records DOSSIER#*',
      'reminders records TRANSFER#*',
      'reminders records CANDIDATE#*',
      'reminders figures SOURCES',
    ];
    expect(unused.filter((u) => !reachedByReadingOnly.includes(u))).toEqual([]);
    expect([...new Set(denied.map((a) => `${a.fn} ${a.action} ${a.table} ${a.pk}`))]).toEqual([]);
    expect(new Set(accesses.map((a) => a.fn))).toEqual(new Set(['ingest', 'figures', 'reminders', 'report-api']));
  });
});
