// data: sealing a value under a person's key (AES-256-GCM, the person's id as associated
// data), and opening it. Pure crypto, no storage: the keys come from personal-vault.ts.
// Kept apart so that modules which only move sealed values (keys.ts, sealed-records.ts)
// load no AWS SDK (the offline `dangvien validate` reaches them).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** A person's key, in memory only. */
export interface PersonKey {
  personId: string;
  key: Buffer;
}

const SEALED_PREFIX = 'sealed:v1:';

/** Whether a stored value is a sealed blob. */
export function isSealed(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith(SEALED_PREFIX);
}

/** Seals a JSON value under a person's key. */
export function seal(k: PersonKey, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', k.key, iv);
  cipher.setAAD(Buffer.from(k.personId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `${SEALED_PREFIX}${iv.toString('base64url')}.${body.toString('base64url')}`;
}

/** Opens a sealed blob; undefined when it does not open under this key (another person's, or damaged). */
export function open(k: PersonKey, sealed: string): unknown {
  const [ivText, bodyText] = sealed.slice(SEALED_PREFIX.length).split('.');
  if (!ivText || !bodyText) return undefined;
  try {
    const body = Buffer.from(bodyText, 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', k.key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(k.personId, 'utf8'));
    decipher.setAuthTag(body.subarray(body.length - 16));
    const plain = Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    return undefined;
  }
}
