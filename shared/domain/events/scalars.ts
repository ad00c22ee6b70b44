// domain/events: the field formats every event shares (docs/events.md): ids, dates,
// instants and free text. Messages built here never carry a field's value.
import * as z from 'zod';

/** The character set of every id (docs/events.md): safe in keys, URLs and log lines. */
export const ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * An id (event id, orgId, memberId, dossierId, personId, transferId): 1–128 chars of
 * `[A-Za-z0-9._:-]`. The contract fixes this only for the envelope `id`; the same rule
 * is used for every id because they all end up in keys and MessageGroupIds.
 */
export const IdSchema = z.string().regex(ID_PATTERN, { error: 'not an id (1-128 characters of A-Z a-z 0-9 . _ : -)' });

/** docs/events.md: the producer's id, 1–64 characters of the id alphabet. */
export const SourceSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._:-]+$/, { error: 'not a source (1-64 characters of A-Z a-z 0-9 . _ : -)' });

/**
 * A business date `YYYY-MM-DD` that exists in the calendar (2021-02-30 is rejected):
 * zod's ISO date check validates month lengths and leap years, not just the shape.
 */
export const BusinessDateSchema = z.iso
  .date()
  // docs/events.md: a business date lies between 1900-01-01 and 2199-12-31. Beyond that
  // a date is a typo (`0000-01-01`, `9999-…`) and derived dates would leave the range
  // date arithmetic can represent. A pattern, so that the JSON Schema says it too.
  .regex(/^(?:19|20|21)\d{2}-/, { error: 'date out of range (1900-01-01 to 2199-12-31)' });

/** The first and last business dates the contract allows (docs/events.md). */
export const FIRST_BUSINESS_DATE = '1900-01-01';
export const LAST_BUSINESS_DATE = '2199-12-31';

/**
 * An instant, ISO-8601 with an offset (`Z` counts as one). A local time without an
 * offset is rejected: it would be ambiguous between Vietnam time and UTC.
 */
export const InstantSchema = z.iso.datetime({ offset: true });

/**
 * Text that no field may hold (docs/events.md): C0 and C1 control characters
 * (U+0000–U+001F, U+007F–U+009F), bidirectional controls (U+202A–U+202E,
 * U+2066–U+2069), zero-width characters (U+200B–U+200D, U+FEFF) and unpaired
 * surrogates. With the `u` flag a surrogate range matches only a lone surrogate (a
 * pair is one code point), so emoji and other astral characters pass.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the class lists the forbidden control characters on purpose (docs/events.md)
export const SAFE_TEXT = /^[^\u0000-\u001F\u007F-\u009F\u200B-\u200D\u202A-\u202E\u2066-\u2069\uFEFF\uD800-\uDFFF]*$/u;
const UNSAFE_TEXT_MESSAGE = 'holds a control, bidirectional or zero-width character or an unpaired surrogate';

/**
 * Free text normalised to NFC *before* its length is checked: the same Vietnamese name
 * arrives in NFC and NFD (NFD is longer), and the limit is about the stored text.
 * `.normalize()` rather than `.transform()` keeps it a string schema, so the limits
 * still apply after normalising and the JSON Schema export can represent it.
 */
export function text(max: number) {
  return z.string().normalize('NFC').min(1).max(max).regex(SAFE_TEXT, { error: UNSAFE_TEXT_MESSAGE });
}

/** A name (a person's fullName, an org's name): text that is not blank (docs/events.md). */
export function name(max: number) {
  return text(max).regex(/\S/u, { error: 'must not be blank' });
}

/**
 * A year of a business figure (targets, ratings). Bounded so that a typo (`20211`)
 * fails here rather than creating a figure no report will ever show; 1930 is the
 * founding of the Party.
 */
export const YearSchema = z.int().min(1930).max(2199);
