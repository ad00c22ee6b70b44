// data: the producer registry (who may write which subtrees). In the cloud an SSM
// parameter (PRODUCERS_PARAMETER), locally a JSON file (DANGVIEN_PRODUCERS_FILE).
// With neither, scoping is off and every sender may write everything.
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Producer } from '../domain/ingest/scope.js';

const RegistrySchema = z.strictObject({
  producers: z.array(
    z.strictObject({
      senderId: z.string().min(1).max(256),
      name: z.string().min(1).max(200),
      sources: z.array(z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/)).min(1),
      orgs: z.array(z.string().min(1).max(128)).min(1),
    }),
  ),
});

export type ProducerRegistry = z.infer<typeof RegistrySchema>;

/** Changes to the registry take effect within this long in a warm Lambda. */
const CACHE_MS = 5 * 60_000;
let cached: { at: number; registry: ProducerRegistry | undefined } | undefined;

export function parseRegistry(text: string): ProducerRegistry {
  return RegistrySchema.parse(JSON.parse(text));
}

export async function loadProducers(now = Date.now()): Promise<ProducerRegistry | undefined> {
  if (cached && now - cached.at < CACHE_MS) return cached.registry;
  let registry: ProducerRegistry | undefined;
  if (process.env.DANGVIEN_PRODUCERS_FILE) {
    registry = parseRegistry(await readFile(process.env.DANGVIEN_PRODUCERS_FILE, 'utf8'));
  } else if (process.env.PRODUCERS_PARAMETER) {
    const out = await new SSMClient({}).send(new GetParameterCommand({ Name: process.env.PRODUCERS_PARAMETER }));
    registry = parseRegistry(out.Parameter?.Value ?? '{"producers":[]}');
  }
  cached = { at: now, registry };
  return registry;
}

/**
 * The producer behind an SQS SenderId: an IAM user's id, or a role's `AROA…:session`,
 * which matches a registration of the role id alone.
 */
export function producerFor(registry: ProducerRegistry, senderId: string | undefined): Producer | undefined {
  if (!senderId) return undefined;
  return registry.producers.find((p) => p.senderId === senderId || senderId.startsWith(`${p.senderId}:`));
}
