// Reads scoped by subtree (docs/security.md "Reads scoped by subtree"): a reader of
// reports registered for one district tries to read the other district, the city, an org
// that does not exist, through each format, as a role session of its own choosing, with
// the registry broken — through the report handler and through the local HTTP API, which
// names the caller with a header as `dangvien send --sender` names a producer.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReportHandler } from '../../functions/report-api/handler.js';
import { LOCAL_CALLER_HEADER, startLocalApi, type LocalApi } from '../../local/http-api.js';
import { freePort } from '../../local/ports.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { parseRegistry, ProducerRegistryError, type RegistryLoader } from '../../shared/data/producer-registry.js';
import type { OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import { InMemoryFiguresStore } from '../helpers/in-memory-stores.js';

const REGISTRY = {
  producers: [{ senderId: 'AIDACITY', name: 'city', sources: ['csdl-city'], orgs: ['*'] }],
  readers: [
    { identity: 'AIDACITY', name: 'Văn phòng Thành ủy', orgs: ['*'] },
    { identity: 'AROAQ1', name: 'Quận ủy Q1', orgs: ['Q1'] },
  ],
};

const org = (orgId: string, parentId: string | null, level: OrgLevel): OrgRecord => ({
  orgId,
  parentId,
  name: orgId,
  level,
  status: 'active',
  targets: {},
  version: 1,
});

/** HP > Q1 > Q1-C1, Q1-C2; HP > Q2 > Q2-C1. */
function city(): InMemoryFiguresStore {
  const store = new InMemoryFiguresStore();
  for (const o of [
    org('HP', null, 'province'),
    org('Q1', 'HP', 'upper-grassroots'),
    org('Q2', 'HP', 'upper-grassroots'),
    org('Q1-C1', 'Q1', 'grassroots-cell'),
    org('Q1-C2', 'Q1', 'grassroots-cell'),
    org('Q2-C1', 'Q2', 'grassroots-cell'),
  ])
    store.putOrg(o);
  return store;
}

const loaderOf =
  (registry: object | undefined): RegistryLoader =>
  async () =>
    registry && { registry: parseRegistry(JSON.stringify(registry)), version: 'test' };

/** The event API Gateway's IAM authorizer hands over for a signed request by `caller`. */
function signedBy(caller: string | undefined, orgId: string, query?: Record<string, string>): APIGatewayProxyEventV2 {
  return {
    pathParameters: { orgId },
    queryStringParameters: query,
    headers: {},
    requestContext: { ...(caller ? { authorizer: { iam: { userId: caller } } } : {}) },
  } as unknown as APIGatewayProxyEventV2;
}

async function ask(loader: RegistryLoader, caller: string | undefined, orgId: string, query?: Record<string, string>) {
  const handler = createReportHandler({ reader: city(), loadRegistry: loader });
  return (await handler(signedBy(caller, orgId, query), lambdaContext('report-api', 10_000))) as APIGatewayProxyStructuredResultV2;
}

describe('a reader of reports is held to its subtrees', () => {
  it('another district’s report is 403, with the very answer an org that does not exist gets', async () => {
    // Act
    const other = await ask(loaderOf(REGISTRY), 'AROAQ1:any-session', 'Q2');
    const ghost = await ask(loaderOf(REGISTRY), 'AROAQ1:any-session', 'NO-SUCH-ORG');

    // Assess
    expect(other.statusCode).toBe(403);
    expect(ghost).toEqual(other);
    expect(other.body).not.toContain('Q2');
  });

  it('the city above it, and its sibling’s cell, are 403 too; its own district and cells are read, children within', async () => {
    // Act
    const up = await ask(loaderOf(REGISTRY), 'AROAQ1', 'HP');
    const cousin = await ask(loaderOf(REGISTRY), 'AROAQ1', 'Q2-C1');
    const own = await ask(loaderOf(REGISTRY), 'AROAQ1', 'Q1');
    const cell = await ask(loaderOf(REGISTRY), 'AROAQ1', 'Q1-C2');

    // Assess
    expect([up.statusCode, cousin.statusCode]).toEqual([403, 403]);
    expect([own.statusCode, cell.statusCode]).toEqual([200, 200]);
    const children = (JSON.parse(own.body!) as { children: Array<{ orgId: string }> }).children.map((c) => c.orgId);
    expect(children.sort()).toEqual(['Q1-C1', 'Q1-C2']);
  });

  it('no format is a way round: text, CSV and Excel of another district are 403', async () => {
    // Act
    const answers = await Promise.all(['text', 'csv', 'xlsx'].map((format) => ask(loaderOf(REGISTRY), 'AROAQ1', 'Q2', { format })));

    // Assess
    expect(answers.map((a) => a.statusCode)).toEqual([403, 403, 403]);
  });

  it('an identity the registry does not name reads nothing, not even the root; nor does a caller nobody signed for', async () => {
    // Act
    const stranger = await ask(loaderOf(REGISTRY), 'AIDASTRANGER', 'HP');
    const lookalike = await ask(loaderOf(REGISTRY), 'AROAQ1X', 'Q1');
    const unsigned = await ask(loaderOf(REGISTRY), undefined, 'Q1');

    // Assess
    expect([stranger.statusCode, lookalike.statusCode, unsigned.statusCode]).toEqual([403, 403, 403]);
  });

  it('a registry without a readers section lets nobody read (fail closed)', async () => {
    // Act
    const answer = await ask(loaderOf({ producers: REGISTRY.producers }), 'AIDACITY', 'HP');

    // Assess
    expect(answer.statusCode).toBe(403);
  });

  it('a registry that cannot be read answers nothing to anybody: 503, not the report', async () => {
    // Prepare
    const broken: RegistryLoader = async () => {
      throw new ProducerRegistryError('the producer registry is not JSON');
    };

    // Act
    const answer = await ask(broken, 'AIDACITY', 'HP');

    // Assess
    expect(answer.statusCode).toBe(503);
    expect(answer.body).not.toContain('"org"');
  });

  it('a registry naming one reader twice is unreadable: the second, wider entry would go unnoticed', () => {
    const twice = { ...REGISTRY, readers: [...REGISTRY.readers, { identity: 'AROAQ1', name: 'again', orgs: ['*'] }] };
    expect(() => parseRegistry(JSON.stringify(twice))).toThrow(/readers\.2\.identity: duplicate identity/);
  });

  it('without a registry (scoping off) every caller reads every report, as every producer writes everywhere', async () => {
    expect((await ask(loaderOf(undefined), 'AIDASTRANGER', 'Q2')).statusCode).toBe(200);
  });
});

describe('the local HTTP API names its caller with a header', () => {
  let api: LocalApi;
  beforeAll(async () => {
    const reportHandler = createReportHandler({ reader: city(), loadRegistry: loaderOf(REGISTRY) });
    api = await startLocalApi({
      port: await freePort(),
      reportHandler: reportHandler as never,
      settle: async () => undefined,
      status: () => ({ ingestOldestAgeSeconds: 0, figuresLagSeconds: 0 }),
    });
  });
  afterAll(() => api.close());

  it('reads as the identity the header names, and as `local` without it', async () => {
    // Act
    const get = (orgId: string, caller?: string) =>
      fetch(`${api.url}/orgs/${orgId}/report`, { headers: caller ? { [LOCAL_CALLER_HEADER]: caller } : {} });
    const [own, other, anonymous] = await Promise.all([get('Q1', 'AROAQ1'), get('Q2', 'AROAQ1'), get('Q1')]);

    // Assess
    expect([own.status, other.status, anonymous.status]).toEqual([200, 403, 403]);
  });
});
