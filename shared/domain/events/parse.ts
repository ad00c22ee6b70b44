// domain/events: the one parser every entry point uses (the queue, the CLI, the import),
// and the limits on a body (docs/events.md). Never throws; messages built here never carry
// a field's value, because they are stored with rejected events and shown to operators.
import type * as z from 'zod';
import { type DomainEvent, eventSchemas } from './envelope.js';
import { dataSchemas, type EventType } from './payloads.js';
import { ID_PATTERN } from './scalars.js';

/** Why a message body can never apply as it is (stored with the rejected event). */
export type ParseFailureReason = 'not-json' | 'unknown-type' | 'schema';

/** The result of {@link parseEvent}. */
export type ParseResult = { ok: true; event: DomainEvent } | { ok: false; reason: ParseFailureReason; message: string };

/**
 * Renders zod issues from the schema itself, never from the input: a message may say
 * that `data.profile.birthDate` is not a date, never what it was. Runs per parse, so it
 * wins over any global zod locale someone may configure.
 */
const valueFreeError: z.core.$ZodErrorMap = (iss) => {
  switch (iss.code) {
    case 'invalid_type':
      return iss.input === undefined ? 'required' : `expected ${iss.expected === 'int' ? 'an integer' : iss.expected}`;
    case 'invalid_value':
      return `expected ${iss.values.length === 1 ? '' : 'one of '}${iss.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_big':
      return iss.origin === 'string' ? `too long (at most ${String(iss.maximum)} characters)` : `must be at most ${String(iss.maximum)}`;
    case 'too_small':
      return iss.origin === 'string'
        ? iss.minimum === 1
          ? 'must not be empty'
          : `too short (at least ${String(iss.minimum)} characters)`
        : `must be at least ${String(iss.minimum)}`;
    case 'invalid_format':
      if (iss.format === 'date') return 'not a calendar date YYYY-MM-DD';
      if (iss.format === 'datetime') return 'not an ISO-8601 instant with an offset';
      return `invalid format (${iss.format})`;
    case 'unrecognized_keys':
      return 'unknown field';
    default:
      return `invalid (${iss.code})`;
  }
};

/** A field name from the input, shown only if it looks like one (it came from outside). */
function safeKey(key: PropertyKey): string {
  const s = String(key);
  return /^[A-Za-z_$][A-Za-z0-9_$-]{0,63}$/.test(s) ? s : '<unprintable name>';
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? safeKey(p) : `.${safeKey(p)}`;
  return out === '' ? '(body)' : out;
}

/** At most this many issues are listed: a garbage body should not make a huge message. */
const MAX_ISSUES = 10;

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts: string[] = [];
  for (const iss of issues) {
    if (iss.code === 'unrecognized_keys') {
      for (const k of iss.keys) parts.push(`${formatPath([...iss.path, k])}: unknown field`);
    } else {
      parts.push(`${formatPath(iss.path)}: ${iss.message}`);
    }
  }
  const shown = parts.slice(0, MAX_ISSUES);
  if (parts.length > MAX_ISSUES) shown.push(`and ${String(parts.length - MAX_ISSUES)} more`);
  return shown.join('; ');
}

function isEventType(t: unknown): t is EventType {
  return typeof t === 'string' && Object.hasOwn(dataSchemas, t);
}

/** The largest message body (docs/events.md: 256 KiB, SQS's limit), in bytes of UTF-8. */
export const MAX_BODY_BYTES = 262_144;

/** The length of `s` in UTF-8 (a lone surrogate counts 3: it is sent as U+FFFD). */
export function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i += 1;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * Whether a body is over {@link MAX_BODY_BYTES}. UTF-8 takes at least one and at most
 * three bytes per UTF-16 code unit, so most bodies are decided by their length alone.
 */
function tooLarge(body: string): boolean {
  if (body.length > MAX_BODY_BYTES) return true;
  if (body.length * 3 <= MAX_BODY_BYTES) return false;
  return utf8Length(body) > MAX_BODY_BYTES;
}

/**
 * Parses one message body. Never throws: a body that can never apply is reported with
 * a machine-readable reason and a message naming the failing fields (by path) without
 * any of their values, so it can be stored and listed for operators as it is.
 * A `type` that is absent or not a string is a `schema` failure; a string that is not
 * a known type is `unknown-type` (likely a newer producer, worth telling apart).
 */
export function parseEvent(body: string): ParseResult {
  if (typeof body !== 'string') return { ok: false, reason: 'not-json', message: 'body is not text' };
  if (tooLarge(body)) {
    return { ok: false, reason: 'schema', message: `(body): too large (at most ${String(MAX_BODY_BYTES)} bytes in UTF-8)` };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'not-json', message: 'body is not valid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'schema', message: '(body): expected an object' };
  }
  const type = (json as { type?: unknown }).type;
  if (typeof type !== 'string') {
    return { ok: false, reason: 'schema', message: `type: ${type === undefined ? 'required' : 'expected string'}` };
  }
  if (!isEventType(type)) {
    return { ok: false, reason: 'unknown-type', message: 'type: not a known event type' };
  }
  const parsed = eventSchemas[type].safeParse(json, { error: valueFreeError });
  if (!parsed.success) {
    return { ok: false, reason: 'schema', message: formatIssues(parsed.error.issues) };
  }
  return { ok: true, event: parsed.data as DomainEvent };
}

/**
 * The envelope id of a body, when it has a usable one (else undefined), without
 * validating the rest: what a log line or a rejection of an unparsable body is keyed by.
 * A body over {@link MAX_BODY_BYTES} is not even parsed.
 */
export function envelopeIdOf(body: string): string | undefined {
  if (utf8Length(body) > MAX_BODY_BYTES) return undefined;
  try {
    const id = (JSON.parse(body) as { id?: unknown } | null)?.id;
    return typeof id === 'string' && ID_PATTERN.test(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
