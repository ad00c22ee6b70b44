// What is personal data and what the records keep of it (docs/events.md#the-profile, §9, §11): the
// traits the figures count, the audit trail's redaction, sealing under a person's key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../shared/domain/events/index.js';
import { correctedTraits, personAbout, personNamedByBody, redactedEvent, traitsOf } from '../../shared/domain/personal-data.js';
import { open, seal } from '../../shared/data/personal-vault.js';
import { openItem, sealItem } from '../../shared/data/sealed-records.js';
import { validEvent, validProfile } from '../helpers/events.js';

const keyOf = (personId: string) => ({ personId, kid: 'k1', key: randomBytes(32) });

describe('traits', () => {
  it('are what the figures count of a profile, and follow each corrected field alone', () => {
    // Prepare
    const traits = traitsOf(validProfile({ sex: 'female', ethnicity: 'Tày', religion: 'Không', youthUnion: true }));
    // Act
    const corrected = correctedTraits(traits, { religion: 'Phật giáo', ethnicity: ' KINH ' });
    // Assess
    expect(traits).toEqual({ female: true, youthUnion: true, ethnicMinority: true, religious: false });
    expect(corrected).toEqual({ female: true, youthUnion: true, ethnicMinority: false, religious: true });
    expect(correctedTraits(corrected, { religion: null })).toMatchObject({ religious: false });
    expect(correctedTraits(corrected, { fullName: 'Lê Văn Tám' })).toEqual(corrected);
  });
});

describe('the audit trail', () => {
  it('keeps ids, type and dates of an event and none of its personal fields', () => {
    // Prepare
    const arrival = validEvent('transfer.received', {
      data: {
        transferId: 'T9',
        receivedOn: '2022-06-10',
        fromOrgId: 'EXT',
        toOrgId: 'C1',
        kind: 'official',
        member: { memberId: 'M9', status: 'official', admittedOn: '2001-01-01', recognizedOn: '2002-01-01', profile: validProfile() },
      },
    });
    const closed = validEvent('dossier.closed', { data: { note: 'Ông Nguyễn Văn An xin rút' } });
    // Act
    const redacted = [arrival, closed].map((e) => JSON.stringify(redactedEvent(e)));
    // Assess
    expect(redacted[0]).toContain('"receivedOn":"2022-06-10"');
    expect(redacted[0]).toContain('"memberId":"M9"');
    expect(redacted[1]).toContain('"outcome":"withdrawn"');
    for (const text of redacted) {
      expect(text).not.toContain('Nguyễn');
      expect(text).not.toContain(validProfile().birthDate);
      expect(text).not.toContain('profile');
    }
  });

  it('names the person of a body that failed the schema only by a well-formed id (a hostile or broken one keys nothing)', () => {
    const body = (personId: unknown) => JSON.stringify({ id: 'x', type: 'dossier.received', data: { personId, profile: 'broken' } });
    expect(personNamedByBody(body('P-1'))).toBe('P-1');
    expect(personNamedByBody(body('P'.repeat(300_000)))).toBeUndefined();
    expect(personNamedByBody(body('P 1/../x'))).toBeUndefined();
    expect(personNamedByBody(body({ $ne: null }))).toBeUndefined();
    expect(personNamedByBody('{ not json')).toBeUndefined();
  });

  it('names the person an event is about, from its data or from the dossier it acts on', () => {
    const step = parseEvent(JSON.stringify(validEvent('dossier.stepCompleted', { data: { dossierId: 'D7', personId: undefined } })));
    if (!step.ok) throw new Error(step.message);
    const known = { dossiers: new Map([['D7', { personId: 'P7' }]]), transfers: new Map() };
    expect(personAbout(step.event, known)).toBe('P7');
  });
});

describe('sealing', () => {
  it("opens only under the same person's key: a blob copied onto another person stays shut", () => {
    // Prepare
    const a = keyOf('A');
    const sealed = seal(a, { fullName: 'Lê Thị Hồng' });
    // Act / Assess
    expect(open(a, sealed)).toEqual({ fullName: 'Lê Thị Hồng' });
    expect(open({ personId: 'B', kid: a.kid, key: a.key }, sealed)).toBeUndefined();
    expect(open(keyOf('A'), sealed)).toBeUndefined();
    expect(sealed).not.toContain('Hồng');
  });

  it('never stores a readable profile: without a key the write is refused; without the key a profile is gone', () => {
    // Prepare
    const item = { pk: 'MEMBER#M1', sk: 'MEMBER', entity: 'member', memberId: 'M1', profile: validProfile(), traits: {} };
    const key = keyOf('M1');
    // Act
    const stored = sealItem(item, key);
    // Assess
    expect(() => sealItem(item, undefined)).toThrow(/readable profile/);
    expect(JSON.stringify(stored)).not.toContain(validProfile().fullName!);
    expect(openItem(stored, new Map([['M1', key]])).profile).toEqual(validProfile());
    expect(openItem(stored, new Map())).not.toHaveProperty('profile');
    expect(openItem(stored, new Map())).not.toHaveProperty('sealedProfile');
  });
});
