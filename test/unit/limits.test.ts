// docs/events.md limits at parse time: every violation is rejected `schema` by parseEvent,
// never a crash, and the message never echoes the offending value.
import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, parseEvent, subjectOf, type DomainEvent } from '../../shared/domain/events/index.js';
import { validEvent, validProfile } from '../helpers/events.js';

const parse = (e: object) => parseEvent(JSON.stringify(e));

describe('§1 text fields hold no control, bidirectional or zero-width character, no lone surrogate', () => {
  const bad: Record<string, string> = {
    'U+0000': '\u0000',
    'U+001F': '\u001f',
    'U+007F': '\u007f',
    'U+009F': '\u009f',
    'U+202A': '\u202a',
    'U+202E': '\u202e',
    'U+2066': '\u2066',
    'U+2069': '\u2069',
    'U+200B': '\u200b',
    'U+200D': '\u200d',
    'U+FEFF': '\ufeff',
    'lone high surrogate': '\ud800',
    'lone low surrogate': '\udc00',
  };
  const fields: Record<string, (s: string) => object> = {
    fullName: (s) => validEvent('dossier.received', { data: { profile: validProfile({ fullName: `Nguyễn${s}An` }) } }),
    ethnicity: (s) => validEvent('member.admitted', { data: { profile: validProfile({ ethnicity: `Tày${s}` }) } }),
    religion: (s) => validEvent('member.imported', { data: { profile: validProfile({ religion: `Phật${s}giáo` }) } }),
    'org name': (s) => validEvent('org.registered', { data: { name: `Chi bộ${s}1` } }),
    'new org name': (s) => validEvent('org.renamed', { data: { name: `Chi bộ${s}2` } }),
    note: (s) => validEvent('dossier.closed', { data: { note: `rút${s}` } }),
    'profile patch': (s) => validEvent('member.updated', { data: { profile: { fullName: `X${s}` } } }),
    source: (s) => validEvent('org.renamed', { source: `csdl${s}` }),
  };
  for (const [field, build] of Object.entries(fields)) {
    for (const [what, ch] of Object.entries(bad)) {
      it(`rejects ${what} in ${field} as schema, without echoing it`, () => {
        // Prepare
        const event = build(ch);

        // Act
        const result = parse(event);

        // Assess
        expect(result).toMatchObject({ ok: false, reason: 'schema' });
        if (!result.ok) expect(result.message).not.toContain(ch);
      });
    }
  }

  it('accepts NFD text (normalised to NFC), emoji and other astral characters', () => {
    // Prepare
    const event = validEvent('dossier.received', { data: { profile: validProfile({ fullName: 'Nguyễn Văn An 𠀀 😀'.normalize('NFD') }) } });

    // Act
    const result = parse(event);

    // Assess
    expect(result.ok).toBe(true);
    if (result.ok && result.event.type === 'dossier.received')
      expect(result.event.data.profile.fullName).toBe('Nguyễn Văn An 𠀀 😀'.normalize('NFC'));
  });
});

describe('§1 names are not blank', () => {
  for (const blank of [' ', '   ', '\u00a0', '\u3000 ']) {
    it(`rejects a blank fullName ${JSON.stringify(blank)}`, () => {
      // Prepare, Act
      const result = parse(validEvent('member.admitted', { data: { profile: validProfile({ fullName: blank }) } }));

      // Assess
      expect(result).toMatchObject({ ok: false, reason: 'schema' });
      if (!result.ok) expect(result.message).toContain('must not be blank');
    });
    it(`rejects a blank org name ${JSON.stringify(blank)}`, () => {
      // Prepare, Act
      const result = parse(validEvent('org.registered', { data: { name: blank } }));

      // Assess
      expect(result).toMatchObject({ ok: false, reason: 'schema' });
    });
  }
});

describe('§1 business dates lie between 1900-01-01 and 2199-12-31', () => {
  for (const [date, ok] of [
    ['0000-01-01', false],
    ['1899-12-31', false],
    ['1900-01-01', true],
    ['2199-12-31', true],
    ['2200-01-01', false],
    ['9999-12-31', false],
  ] as const) {
    it(`${date} is ${ok ? 'accepted' : 'rejected schema'}`, () => {
      // Prepare
      const events = [
        validEvent('member.exempted', { data: { on: date } }),
        validEvent('member.admitted', { data: { admittedOn: date, ceremonyOn: undefined } }),
        validEvent('dossier.received', { data: { profile: validProfile({ birthDate: date }) } }),
      ];

      // Act
      const results = events.map(parse);

      // Assess
      for (const r of results) expect(r.ok ? 'ok' : r.reason).toBe(ok ? 'ok' : 'schema');
    });
  }
});

describe('§1 the envelope source', () => {
  for (const [source, ok] of [
    ['csdl-dang-vien', true],
    ['a', true],
    ['x'.repeat(64), true],
    ['x'.repeat(65), false],
    ['', false],
    ['csdl dang vien', false],
    ['csdl/hp', false],
    ['csdl-đảng', false],
  ] as const) {
    it(`${JSON.stringify(source.length > 20 ? `${source.slice(0, 5)}… (${source.length})` : source)} is ${ok ? 'accepted' : 'rejected schema'}`, () => {
      // Prepare, Act
      const result = parse(validEvent('org.renamed', { source }));

      // Assess
      expect(result.ok ? 'ok' : result.reason).toBe(ok ? 'ok' : 'schema');
    });
  }
});

describe('§1 a body is at most 256 KiB in UTF-8', () => {
  it('accepts a body of exactly 262,144 bytes (whitespace padding)', () => {
    // Prepare
    const base = JSON.stringify(validEvent('org.renamed'));
    const body = ' '.repeat(MAX_BODY_BYTES - Buffer.byteLength(base, 'utf8')) + base;

    // Act
    const result = parseEvent(body);

    // Assess
    expect(Buffer.byteLength(body, 'utf8')).toBe(MAX_BODY_BYTES);
    expect(result.ok).toBe(true);
  });
  it('rejects one byte more as schema before parsing it', () => {
    // Prepare
    const base = JSON.stringify(validEvent('org.renamed'));
    const body = ' '.repeat(MAX_BODY_BYTES + 1 - Buffer.byteLength(base, 'utf8')) + base;

    // Act
    const result = parseEvent(body);

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'schema' });
  });
  it('counts bytes, not characters: 100,000 Vietnamese letters of 3 bytes are too much', () => {
    // Prepare: under 256 Ki characters, over 256 KiB
    const body = JSON.stringify(validEvent('org.renamed', { data: { name: 'ễ'.repeat(100_000) } }));

    // Act
    const result = parseEvent(body);

    // Assess
    expect(body.length).toBeLessThan(MAX_BODY_BYTES);
    expect(result).toMatchObject({ ok: false, reason: 'schema', message: expect.stringContaining('too large') });
  });
  it('rejects a body that is not JSON at 300 KB as schema (too large), not by parsing it', () => {
    // Prepare, Act
    const result = parseEvent('{'.repeat(300_000));

    // Assess
    expect(result).toMatchObject({ ok: false, reason: 'schema' });
  });
});

describe('§1 the optional person ids', () => {
  it('accepts personId on dossier.stepCompleted and dossier.closed, memberId on transfer.cancelled/returned/received', () => {
    // Prepare
    const events = [
      validEvent('dossier.stepCompleted', { data: { personId: 'P1' } }),
      validEvent('dossier.closed', { data: { personId: 'P1' } }),
      validEvent('transfer.cancelled', { data: { memberId: 'M1' } }),
      validEvent('transfer.returned', { data: { memberId: 'M1' } }),
      validEvent('transfer.received', { data: { memberId: 'M1' } }),
    ];

    // Act
    const results = events.map(parse);

    // Assess
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true, true]);
  });
  it('validates them as ids', () => {
    // Prepare, Act
    const results = [
      parse(validEvent('dossier.closed', { data: { personId: 'P 1' } })),
      parse(validEvent('transfer.cancelled', { data: { memberId: '' } })),
      parse(validEvent('transfer.returned', { data: { memberId: 'x'.repeat(129) } })),
    ];

    // Assess
    expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual(['schema', 'schema', 'schema']);
  });
});

describe('§1 message groups', () => {
  const groupOf = (e: object) => {
    const r = parse(e);
    if (!r.ok) throw new Error(r.message);
    return subjectOf(r.event as DomainEvent);
  };
  it('groups by the person whenever the event names it', () => {
    // Prepare, Act
    const groups = [
      groupOf(validEvent('dossier.stepCompleted', { data: { personId: 'P1' } })),
      groupOf(validEvent('dossier.closed', { data: { personId: 'P1' } })),
      groupOf(validEvent('transfer.cancelled', { data: { memberId: 'M1' } })),
      groupOf(validEvent('transfer.returned', { data: { memberId: 'M1' } })),
      groupOf(validEvent('transfer.received', { data: { memberId: 'M1' } })),
      groupOf(validEvent('transfer.issued')),
    ];

    // Assess
    expect(groups).toEqual(['P1', 'P1', 'M1', 'M1', 'M1', 'M1']);
  });
  it('falls back to dossier:<id> / transfer:<id> only when the person is not named', () => {
    // Prepare, Act
    const groups = [groupOf(validEvent('dossier.closed')), groupOf(validEvent('transfer.returned'))];

    // Assess
    expect(groups).toEqual(['dossier:D1', 'transfer:T1']);
  });
  it('hashes a group longer than 128 characters, stably, into SQS characters', () => {
    // Prepare
    const longId = 'D'.repeat(128);

    // Act
    const a = groupOf(validEvent('dossier.closed', { data: { dossierId: longId } }));
    const b = groupOf(validEvent('dossier.stepCompleted', { data: { dossierId: longId } }));
    const person = groupOf(validEvent('dossier.closed', { data: { dossierId: longId, personId: 'P'.repeat(128) } }));

    // Assess
    expect(a).toBe(b);
    expect(a).toMatch(/^h:[0-9a-f]{64}$/);
    expect(person).toBe('P'.repeat(128));
  });
});
