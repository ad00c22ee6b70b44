// domain/events: the event contract (docs/events.md) as zod schemas, and the one parser
// that every entry point uses, so that the queue, the CLI and the JSON Schema files agree.
// Pure: no AWS import, no logging.
//
//   scalars.ts     ids, dates, instants, free text
//   vocabulary.ts  the enumerations, each written once (types derived from them)
//   payloads.ts    the `data` of each event type, the profile
//   envelope.ts    the envelope, the parsed event types
//   parse.ts       parseEvent and the limits on a body
//   groups.ts      the message group of an event
//   outgoing.ts    an event as it goes on the queue: its group and deduplication id
export * from './envelope.js';
export * from './groups.js';
export * from './outgoing.js';
export * from './parse.js';
export * from './payloads.js';
export * from './scalars.js';
export * from './vocabulary.js';
