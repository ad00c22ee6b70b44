// data: sealing a value under a person's key (AES-256-GCM, the person's id as associated
// data), and opening it. Pure crypto, no storage: the keys come from personal-vault.ts.
// Kept apart so that modules which only move sealed values (keys.ts, sealed-records.ts)
// load no AWS SDK (the offline `dangvien validate` reaches them).
//
// A sealed value names the key it was sealed with (`sealed:v2:<kid>.<iv>.<body>`): a
// person's key is replaced by a correction and by a rotation of the master secret, and
// while the copies are re-sealed some are under the old key and some under the new one.
// Values written before key ids existed (`sealed:v1:<iv>.<body>`) were sealed with the
// person's first key, `1`.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A person's key, in memory only: the one that seals now, and the older ones still opening copies not yet re-sealed. */
export interface PersonKey {
  personId: string;
  /** The id of `key` among the person's keys: every value it seals carries it. */
  kid: string;
  key: Buffer;
  /** The person's other keys by id, while a rotation re-seals what they sealed. */
  older?: ReadonlyMap<string, Buffer>;
}

const V1 = 'sealed:v1:';
const V2 = 'sealed:v2:';
/** The id of a person's first key: the one `sealed:v1:` values were sealed with. */
export const FIRST_KID = '1';
const IV_BYTES = 12;
/** GCM's full tag: a shorter one would make forging a value 2^96 times easier. */
const TAG_BYTES = 16;

/** Whether a stored value is a sealed blob. */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && (value.startsWith(V1) || value.startsWith(V2));
}

/** The id of the key a sealed value was sealed with. */
export function kidOf(sealed: string): string | undefined {
  if (sealed.startsWith(V1)) return FIRST_KID;
  if (!sealed.startsWith(V2)) return undefined;
  return sealed.slice(V2.length).split('.')[0];
}

/** Seals a JSON value under a person's key. */
export function seal(k: PersonKey, value: unknown): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(k.personId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${V2}${k.kid}.${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/**
 * The plaintext of `body` (ciphertext and its 16-byte tag) under `key`, or undefined when
 * it does not authenticate. The tag length is pinned: a value cut to a shorter tag is
 * refused, never checked against the shorter tag.
 */
export function decrypt(key: Buffer, personId: string, iv: Buffer, body: Buffer): Buffer | undefined {
  if (iv.length !== IV_BYTES || body.length < TAG_BYTES) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(personId, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return undefined;
  }
}

/**
 * Opens a sealed blob with the key it names; undefined when the person has no such key
 * (destroyed by an erasure or a rotation) or it does not open (another person's, or damaged).
 */
export function open(k: PersonKey, sealed: string): unknown {
  const kid = kidOf(sealed);
  const key = kid === k.kid ? k.key : kid === undefined ? undefined : k.older?.get(kid);
  if (!key) return undefined;
  const parts = sealed.slice(sealed.startsWith(V1) ? V1.length : V2.length).split('.');
  const [ivText, bodyText] = sealed.startsWith(V1) ? parts : parts.slice(1);
  if (!ivText || !bodyText) return undefined;
  const plain = decrypt(key, k.personId, Buffer.from(ivText, 'base64url'), Buffer.from(bodyText, 'base64url'));
  if (!plain) return undefined;
  try {
    return JSON.parse(plain.toString('utf8'));
  } catch {
    return undefined;
  }
}
