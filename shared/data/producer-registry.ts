// data: the producer registry (who may write which subtrees). In the cloud an SSM
// parameter, locally a JSON file; the composition root says which (functions/ingest/index.ts
// reads PRODUCERS_PARAMETER, the local stack DANGVIEN_PRODUCERS_FILE). With neither,
// scoping is off and every sender may write everything.
//
// Fail closed: a registry that cannot be read or does not parse throws
// ProducerRegistryError, and the ingest then leaves its whole batch on the queue; it is
// never taken as "no registry".
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as z from 'zod';
import { IdSchema } from '../domain/events/scalars.js';
import type { Producer } from '../domain/ingest/scope.js';
import type { Reader } from '../domain/read-scope.js';
import { lazy } from '../lazy.js';

/** Only with PRODUCERS_PARAMETER, and once a minute: no part of the cold start. */
const ssm = lazy(() => import('@aws-sdk/client-ssm'));

/**
 * An identity as SQS stamps it, without a role session: an IAM user's or role's unique id
 * (`AIDA…`, `AROA…`), an account id, or locally any such name. No `:` — a role session's
 * name (`AROA…:name`) is chosen by whoever assumes the role, so it identifies nobody — and
 * no `#` or `@`, which the stored keys use as separators (domain/ingest/idempotency.ts).
 */
const SENDER_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Org ids as events name them, or `*` for the whole tree: an entry such as " Q1" or "q1 "
 * would otherwise grant nothing without a word, the registry being read as valid.
 */
const GrantedOrgsSchema = z.array(z.union([z.literal('*'), IdSchema])).min(1);

const RegistrySchema = z
  .strictObject({
    producers: z.array(
      z.strictObject({
        senderId: z.string().regex(SENDER_ID_PATTERN),
        name: z.string().min(1).max(200),
        sources: z.array(z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/)).min(1),
        orgs: GrantedOrgsSchema,
        /** Days without an event after which `dangvien status` names it as silent (docs/runbook.md); default 14. */
        silentAfterDays: z.int().min(1).max(366).optional(),
        // Its own quotas where the defaults do not fit (domain/ingest/quotas.ts).
        quotas: z
          .strictObject({
            waiting: z.int().min(1).max(1_000_000).optional(),
            eventsPerMinute: z.int().min(1).max(1_000_000).optional(),
            rejectedKept: z.int().min(0).max(10_000_000).optional(),
          })
          .optional(),
      }),
    ),
    /**
     * Who may read which reports (docs/security.md "Reads scoped by subtree"): an identity
     * as API Gateway's IAM authorizer names the caller (`userId`, the form of SQS's
     * SenderId), and the org ids whose subtrees it may read. An identity without an entry
     * reads nothing.
     */
    readers: z
      .array(
        z.strictObject({
          identity: z.string().regex(SENDER_ID_PATTERN),
          name: z.string().min(1).max(200),
          orgs: GrantedOrgsSchema,
        }),
      )
      .optional(),
  })
  .superRefine((registry, ctx) => {
    // One entry per identity, one owner per source: else the first match would silently
    // decide (a second entry's narrower grant never applied), and two producers sharing
    // a source would share its ids — either could pre-claim or hide the other's events.
    const senders = new Set<string>();
    const owners = new Map<string, number>();
    registry.producers.forEach((p, i) => {
      if (senders.has(p.senderId)) ctx.addIssue({ code: 'custom', path: ['producers', i, 'senderId'], message: 'duplicate senderId' });
      senders.add(p.senderId);
      for (const source of new Set(p.sources)) {
        const owner = owners.get(source);
        if (owner !== undefined && owner !== i)
          ctx.addIssue({ code: 'custom', path: ['producers', i, 'sources'], message: `a source of producers[${owner}] too` });
        owners.set(source, i);
      }
    });
    // One entry per reader too: a second, wider entry would otherwise go unnoticed.
    const readers = new Set<string>();
    (registry.readers ?? []).forEach((r, i) => {
      if (readers.has(r.identity)) ctx.addIssue({ code: 'custom', path: ['readers', i, 'identity'], message: 'duplicate identity' });
      readers.add(r.identity);
    });
  });

export type ProducerRegistry = z.infer<typeof RegistrySchema>;

/** A registry as read, with the version that names it in the logs. */
export interface LoadedRegistry {
  registry: ProducerRegistry;
  /** `ssm:<Parameter.Version>`, or `file:<first 12 hex of its SHA-256>` locally. */
  version: string;
}

/** Reads the registry: undefined when scoping is off; throws ProducerRegistryError when unusable. */
export type RegistryLoader = () => Promise<LoadedRegistry | undefined>;

/** The registry could not be read or parsed: ingestion stops until it can (docs/security.md). */
export class ProducerRegistryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ProducerRegistryError';
  }
}

/** Changes to the SSM parameter take effect within this long in a warm Lambda. */
const CACHE_MS = 60_000;

/** The registry in `text`, validated. @throws ProducerRegistryError naming what is wrong (never a value). */
export function parseRegistry(text: string): ProducerRegistry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ProducerRegistryError('the producer registry is not JSON');
  }
  const parsed = RegistrySchema.safeParse(json);
  if (!parsed.success) {
    // The code, or a custom rule's own words (which name positions, never a value).
    const why = (i: z.core.$ZodIssue) => (i.code === 'custom' ? i.message : i.code);
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${why(i)}`).join('; ');
    throw new ProducerRegistryError(`the producer registry does not match its schema: ${where}`);
  }
  return parsed.data;
}

/** Where the registry is kept: a local file, an SSM parameter, or nowhere (scoping off). */
export type RegistrySource = { file: string } | { parameterName: string; region: string } | { off: true };

/**
 * The registry for one ingest batch, from `source`. The local file is read each time (a
 * laptop sees an edit at once); the SSM parameter is cached for a minute. A failure is
 * never cached.
 * @throws ProducerRegistryError (from the loader) when it cannot be read or parsed.
 * @example
 * const loadRegistry = createProducerRegistry({ parameterName: '/dangvien/producers', region: 'ap-southeast-1' });
 * const loaded = await loadRegistry(); // { registry, version: 'ssm:3' }
 */
export function createProducerRegistry(source: RegistrySource): RegistryLoader {
  if ('off' in source) return async () => undefined;
  if ('file' in source) return () => readRegistryFile(source.file);
  let cached: { at: number; loaded: LoadedRegistry } | undefined;
  return async () => {
    const now = Date.now();
    if (cached && now - cached.at < CACHE_MS) return cached.loaded;
    const { GetParameterCommand, SSMClient } = await ssm();
    const out = await new SSMClient({ region: source.region })
      .send(new GetParameterCommand({ Name: source.parameterName }))
      .catch((error: unknown) => {
        throw new ProducerRegistryError(`the producer registry parameter cannot be read: ${(error as Error).name}`, { cause: error });
      });
    if (out.Parameter?.Value === undefined) throw new ProducerRegistryError('the producer registry parameter has no value');
    const loaded = { registry: parseRegistry(out.Parameter.Value), version: `ssm:${out.Parameter.Version ?? '?'}` };
    cached = { at: now, loaded };
    return loaded;
  };
}

/** The registry in a local file, named by its content's hash. */
async function readRegistryFile(file: string): Promise<LoadedRegistry> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new ProducerRegistryError(`the producer registry file cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  });
  return { registry: parseRegistry(text), version: `file:${createHash('sha256').update(text).digest('hex').slice(0, 12)}` };
}

/**
 * The producer behind an SQS SenderId: an IAM user's id, or a role's `AROA…:session`,
 * which matches a registration of the role id alone (a registry never names a session:
 * parseRegistry refuses it).
 */
export function producerFor(registry: ProducerRegistry, senderId: string | undefined): Producer | undefined {
  if (!senderId) return undefined;
  return registry.producers.find((p) => p.senderId === senderId || senderId.startsWith(`${p.senderId}:`));
}

/**
 * The reader behind a caller's identity (API Gateway's `userId`: an IAM user's id, or a
 * role's `AROA…:session`, which matches a registration of the role id alone), if any.
 */
export function readerFor(registry: ProducerRegistry, callerId: string | undefined): Reader | undefined {
  if (!callerId) return undefined;
  return registry.readers?.find((r) => r.identity === callerId || callerId.startsWith(`${r.identity}:`));
}
