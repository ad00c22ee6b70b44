// The producer registry fails closed (docs/security.md): validated, read once per batch, and
// a registry that cannot be read or parsed leaves the whole batch on the queue, with an
// error line and the metric the ProducerRegistryUnreadable alarm watches — never applied
// unscoped.
import type { SQSEvent } from 'aws-lambda';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { PRODUCER_REGISTRY_UNREADABLE } from '../../infra/constructs/monitoring.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { createProducerRegistry, parseRegistry, ProducerRegistryError, type RegistryLoader } from '../../shared/data/producer-registry.js';
import type { IngestStore } from '../../shared/use-cases/ingest-event/port.js';
import { registrySourceFrom } from '../../shared/wiring/environment.js';
import { metrics } from '../../shared/observability/metrics.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';
import { sqsEventOf } from '../helpers/sqs-events.js';

/** The ingest handler on `store` with the registry `loadRegistry` reads. */
const handlerOn = (store: IngestStore, loadRegistry: RegistryLoader) =>
  createIngestHandler({ store, loadRegistry, waitBeforeRetry: async () => {} });

const REGISTRY = { producers: [{ senderId: 'CITY', name: 'city', sources: ['csdl-dang-vien'], orgs: ['*'] }] };

/** The SQS event Lambda would get for these bodies, all from `senderId`, in the `orgs` group. */
const sqsEvent = (senderId: string, bodies: object[]): SQSEvent => sqsEventOf(bodies.map((body) => ({ body, senderId, group: 'orgs' })));

describe('the ingest with a producer registry it cannot use', () => {
  afterEach(() => vi.restoreAllMocks());

  it.each<[string, RegistryLoader]>([
    [
      'cannot be read',
      async () => Promise.reject(new ProducerRegistryError('the producer registry parameter cannot be read: AccessDenied')),
    ],
    ['does not parse', async () => ({ registry: parseRegistry('{"producers": [{"senderId": 1}]}'), version: 'x' })],
  ])('applies nothing and stores nothing when the registry %s: the batch fails as a whole, loudly', async (_case, loader) => {
    // Prepare
    const store = new InMemoryIngestStore();
    const added = vi.spyOn(metrics, 'addMetric');
    vi.spyOn(metrics, 'publishStoredMetrics').mockImplementation(() => metrics);
    const lines: string[] = [];
    for (const stream of [process.stdout, process.stderr])
      vi.spyOn(stream, 'write').mockImplementation((chunk) => lines.push(String(chunk)) > 0);
    const handler = handlerOn(store, loader);
    // Act
    const invocation = handler(sqsEvent('CITY', baseOrgs()), lambdaContext('ingest', 30_000));
    // Assess
    await expect(invocation).rejects.toBeInstanceOf(ProducerRegistryError);
    expect(store.orgs.size).toBe(0);
    expect(store.rejected.size).toBe(0);
    expect(added).toHaveBeenCalledWith(PRODUCER_REGISTRY_UNREADABLE.metricName, 'Count', 1);
    expect(lines.join('\n')).toContain('producer registry unreadable');
  });

  it('reads the registry once per batch, and applies what it allows', async () => {
    // Prepare
    const store = new InMemoryIngestStore();
    const loader = vi.fn<RegistryLoader>(async () => ({ registry: REGISTRY, version: 'test:1' }));
    // Act
    const response = await handlerOn(store, loader)(sqsEvent('CITY', baseOrgs()), lambdaContext('ingest', 30_000));
    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    expect(loader).toHaveBeenCalledTimes(1);
    expect([...store.orgs.keys()]).toEqual(['HP', 'Q1', 'C1', 'C2']);
  });
});

describe('parseRegistry and the local registry file', () => {
  const file = (text: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'registry-')), 'producers.json');
    writeFileSync(path, text);
    return path;
  };
  /** The registry a deployment's environment names (as the functions' composition roots read it). */
  const registryOf = (env: Record<string, string>) => createProducerRegistry(registrySourceFrom(env));

  it.each([
    ['not JSON', '{"producers": ['],
    ['an unknown field', '{"producers": [], "everyone": true}'],
    ['a producer without sources', '{"producers": [{"senderId": "A", "name": "a", "sources": [], "orgs": ["*"]}]}'],
    ['a source outside the id alphabet', '{"producers": [{"senderId": "A", "name": "a", "sources": ["a b"], "orgs": ["*"]}]}'],
    ['no producers list', '{}'],
    [
      'two producers with one senderId',
      '{"producers": [{"senderId": "A", "name": "a", "sources": ["a"], "orgs": ["Q1"]}, {"senderId": "A", "name": "b", "sources": ["b"], "orgs": ["*"]}]}',
    ],
    [
      'one source in two producers',
      '{"producers": [{"senderId": "A", "name": "a", "sources": ["a"], "orgs": ["Q1"]}, {"senderId": "B", "name": "b", "sources": ["b", "a"], "orgs": ["Q2"]}]}',
    ],
    [
      'a role session, whose name the caller chooses, as a senderId',
      '{"producers": [{"senderId": "AROAEXAMPLE:ward-hb", "name": "a", "sources": ["a"], "orgs": ["*"]}]}',
    ],
    ['a senderId outside the alphabet of IAM ids', '{"producers": [{"senderId": "A#B", "name": "a", "sources": ["a"], "orgs": ["*"]}]}'],
    [
      'a quota of no waiting events',
      '{"producers": [{"senderId": "A", "name": "a", "sources": ["a"], "orgs": ["*"], "quotas": {"waiting": 0}}]}',
    ],
    ['an unknown quota', '{"producers": [{"senderId": "A", "name": "a", "sources": ["a"], "orgs": ["*"], "quotas": {"events": 5}}]}'],
    [
      'an org id with a space, which would grant nothing',
      '{"producers": [{"senderId": "A", "name": "a", "sources": ["a"], "orgs": [" Q1"]}]}',
    ],
    [
      "a reader's org id with a space, which would let it read nothing",
      '{"producers": [], "readers": [{"identity": "R", "name": "r", "orgs": ["Q1 "]}]}',
    ],
  ])('refuses a registry with %s', (_case, text) => {
    // Act / Assess
    expect(() => parseRegistry(text)).toThrow(ProducerRegistryError);
  });

  it('keeps a producer’s own quota of waiting events', () => {
    // Act
    const registry = parseRegistry(
      '{"producers": [{"senderId": "A", "name": "a", "sources": ["a"], "orgs": ["*"], "quotas": {"waiting": 50}}]}',
    );
    // Assess
    expect(registry.producers[0]?.quotas).toEqual({ waiting: 50 });
  });

  it('reads the file on every call and names each content by its hash', async () => {
    // Prepare
    const path = file(JSON.stringify(REGISTRY));
    const loadProducers = registryOf({ DANGVIEN_PRODUCERS_FILE: path });
    // Act
    const first = await loadProducers();
    writeFileSync(path, JSON.stringify({ producers: [] }));
    const second = await loadProducers();
    // Assess
    expect(first?.registry).toEqual(REGISTRY);
    expect(second?.registry).toEqual({ producers: [] });
    expect(first?.version).toMatch(/^file:[0-9a-f]{12}$/);
    expect(second?.version).not.toBe(first?.version);
  });

  it('throws, never answers "scoping off", for a file that is missing or broken', async () => {
    // Prepare
    const missing = registryOf({ DANGVIEN_PRODUCERS_FILE: join(tmpdir(), 'no-such-dir', 'producers.json') });
    const broken = registryOf({ DANGVIEN_PRODUCERS_FILE: file('{"producers": [') });
    // Act / Assess
    await expect(missing()).rejects.toBeInstanceOf(ProducerRegistryError);
    await expect(broken()).rejects.toBeInstanceOf(ProducerRegistryError);
  });

  it('leaves scoping off only when no registry is configured at all', async () => {
    // Act / Assess
    expect(await registryOf({})()).toBeUndefined();
  });

  it('does not accept a valid event from a sender the registry does not name', async () => {
    // Prepare
    const store = new InMemoryIngestStore();
    const loader: RegistryLoader = async () => ({ registry: REGISTRY, version: 'test:1' });
    // Act
    await handlerOn(store, loader)(sqsEvent('AIDASTRANGER', [validEvent('org.registered')]), lambdaContext('ingest', 30_000));
    // Assess
    expect(store.orgs.size).toBe(0);
    expect([...store.rejected.values()].map((r) => [r.reason, r.senderId])).toEqual([['out-of-scope', 'AIDASTRANGER']]);
  });
});
