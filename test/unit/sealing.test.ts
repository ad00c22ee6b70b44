// Sealing under a person's key (shared/data/sealing.ts, docs/personal-data.md): a value names
// the key that sealed it, values sealed before key ids existed still open, and a forged
// value with a cut tag never authenticates.
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt, FIRST_KID, kidOf, open, seal, type PersonKey } from '../../shared/data/sealing.js';

const keyOf = (personId: string, kid = 'k1'): PersonKey => ({ personId, kid, key: randomBytes(32) });

/** A value sealed as versions before key ids wrote it: `sealed:v1:<iv>.<ciphertext and tag>`. */
function sealedV1(key: Buffer, personId: string, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(personId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `sealed:v1:${iv.toString('base64url')}.${body.toString('base64url')}`;
}

describe('sealing', () => {
  it('refuses a value whose tag was cut short, even one made with the right key', () => {
    // Prepare: someone who can write the table (and, for this test, knows the key) keeps a
    // 4-byte tag: a forger needs 2^32 tries for that, 2^128 for a full one
    const key = randomBytes(32);
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: 4 });
    cipher.setAAD(Buffer.from('P1', 'utf8'));
    const body = Buffer.concat([cipher.update(Buffer.alloc(0)), cipher.final(), cipher.getAuthTag()]);
    // Act
    const opened = decrypt(key, 'P1', iv, body);
    // Assess
    expect(body).toHaveLength(4);
    expect(opened).toBeUndefined();
  });

  it('names the key a value was sealed with, and opens it with that key while it is kept', () => {
    // Prepare
    const first = keyOf('A', 'k1');
    const second: PersonKey = { ...keyOf('A', 'k2'), older: new Map([[first.kid, first.key]]) };
    // Act
    const sealedFirst = seal(first, { religion: 'Phật giáo' });
    const sealedSecond = seal(second, { religion: 'Không' });
    // Assess
    expect(kidOf(sealedFirst)).toBe('k1');
    expect(kidOf(sealedSecond)).toBe('k2');
    expect(open(second, sealedFirst)).toEqual({ religion: 'Phật giáo' });
    expect(open(second, sealedSecond)).toEqual({ religion: 'Không' });
    // Once the older key is destroyed, what it sealed stays shut
    expect(open({ ...second, older: undefined }, sealedFirst)).toBeUndefined();
  });

  it('opens a value sealed before key ids existed with the person’s first key', () => {
    // Prepare
    const key = randomBytes(32);
    const legacy = sealedV1(key, 'M1', { fullName: 'Lê Thị Hồng' });
    // Act / Assess
    expect(kidOf(legacy)).toBe(FIRST_KID);
    expect(open({ personId: 'M1', kid: FIRST_KID, key }, legacy)).toEqual({ fullName: 'Lê Thị Hồng' });
    expect(open({ personId: 'M1', kid: 'k2', key: randomBytes(32), older: new Map([[FIRST_KID, key]]) }, legacy)).toEqual({
      fullName: 'Lê Thị Hồng',
    });
    expect(open({ personId: 'M2', kid: FIRST_KID, key }, legacy)).toBeUndefined();
  });
});
