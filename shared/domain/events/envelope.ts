// domain/events: the envelope every event travels in (docs/events.md), and the parsed event
// types: the envelope with the `data` of its `type`.
import * as z from 'zod';
import { dataSchemas, EVENT_TYPES, type EventType } from './payloads.js';
import { IdSchema, InstantSchema, SourceSchema } from './scalars.js';

const envelopeShape = {
  id: IdSchema,
  occurredAt: InstantSchema,
  source: SourceSchema,
};

/**
 * The envelope with an unchecked `data` and any string `type`: what is known about a
 * message before its type is looked up. Strict like the payloads: a misspelt envelope
 * field (`occuredAt`) must not pass as a missing optional one.
 */
export const EnvelopeSchema = z.strictObject({ ...envelopeShape, type: z.string(), data: z.unknown() });

/** An envelope as a producer writes it, before any check: what generators and tools build. */
export type UncheckedEnvelope = Omit<z.input<typeof EnvelopeSchema>, 'data'> & { data: Record<string, unknown> };

/** The full envelope schema of one event type, `data` included. */
function envelopeOf<T extends EventType>(type: T) {
  return z.strictObject({ ...envelopeShape, type: z.literal(type), data: dataSchemas[type] });
}

/** The full envelope schema of each event type (used by the parser and the JSON Schema export). */
export const eventSchemas: { readonly [T in EventType]: ReturnType<typeof envelopeOf<T>> } = Object.fromEntries(
  EVENT_TYPES.map((t) => [t, envelopeOf(t)]),
) as { readonly [T in EventType]: ReturnType<typeof envelopeOf<T>> };

/** A parsed event: the envelope with the `data` of its `type`, text in NFC. */
export type DomainEvent = {
  [T in EventType]: {
    id: string;
    type: T;
    occurredAt: string;
    source: string;
    data: z.output<(typeof dataSchemas)[T]>;
  };
}[EventType];

/** The parsed event of one type, e.g. `EventOf<'member.admitted'>`. */
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;
