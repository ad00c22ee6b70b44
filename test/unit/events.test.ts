import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_TYPES,
  EnvelopeSchema,
  dataSchemas,
  parseEvent,
  subjectOf,
  type DomainEvent,
  type EventType,
} from '../../shared/domain/events/index.js';
import { validEvent, validExternalArrival, validProfile } from '../helpers/events.js';

/** A JSON-able event body built from a valid example, then broken. */
type Body = Record<string, unknown> & { data: Record<string, unknown> };

function body(type: EventType): Body {
  return structuredClone(validEvent(type)) as unknown as Body;
}

function mustReject(input: unknown) {
  const result = parseEvent(JSON.stringify(input));
  if (result.ok) throw new Error('expected a rejection');
  return result;
}

function mustAccept(input: unknown): DomainEvent {
  const result = parseEvent(JSON.stringify(input));
  if (!result.ok) throw new Error(`expected acceptance, got ${result.reason}: ${result.message}`);
  return result.event;
}

/** One broken example: what to break, and the field path the message must name. */
interface InvalidCase {
  name: string;
  make: () => unknown;
  path: string;
}

/** Replaces fields of the default data of `type`. */
function withData(type: EventType, patch: Record<string, unknown>): Body {
  const b = body(type);
  b.data = { ...b.data, ...patch };
  return b;
}

/** Removes one field of the default data of `type`. */
function without(type: EventType, field: string): Body {
  const b = body(type);
  delete b.data[field];
  return b;
}

const invalid: { [T in EventType]: InvalidCase[] } = {
  'org.registered': [
    { name: 'unknown level', make: () => withData('org.registered', { level: 'district' }), path: 'data.level' },
    { name: 'parentId missing (null is required for a root)', make: () => without('org.registered', 'parentId'), path: 'data.parentId' },
    { name: 'empty name', make: () => withData('org.registered', { name: '' }), path: 'data.name' },
    { name: 'parent is itself', make: () => withData('org.registered', { parentId: 'C1' }), path: 'data.parentId' },
  ],
  'org.renamed': [
    { name: 'name too long', make: () => withData('org.renamed', { name: 'x'.repeat(301) }), path: 'data.name' },
    { name: 'orgId with a space', make: () => withData('org.renamed', { orgId: 'C 1' }), path: 'data.orgId' },
  ],
  'org.moved': [
    { name: 'null parent', make: () => withData('org.moved', { parentId: null }), path: 'data.parentId' },
    { name: 'moved under itself', make: () => withData('org.moved', { parentId: 'C1' }), path: 'data.parentId' },
  ],
  'org.dissolved': [
    { name: 'impossible date', make: () => withData('org.dissolved', { on: '2021-02-30' }), path: 'data.on' },
    { name: 'merged into itself', make: () => withData('org.dissolved', { mergedInto: 'C2' }), path: 'data.mergedInto' },
  ],
  'target.set': [
    { name: 'negative target', make: () => withData('target.set', { admissions: -1 }), path: 'data.admissions' },
    { name: 'fractional target', make: () => withData('target.set', { admissions: 2.5 }), path: 'data.admissions' },
    { name: 'year as a string', make: () => withData('target.set', { year: '2021' }), path: 'data.year' },
  ],
  'org.updated': [
    { name: 'nothing to change', make: () => without('org.updated', 'sector'), path: 'data' },
    { name: 'unknown sector', make: () => withData('org.updated', { sector: 'private' }), path: 'data.sector' },
    { name: 'impossible founding date', make: () => withData('org.updated', { establishedOn: '2021-02-30' }), path: 'data.establishedOn' },
    { name: 'a parent cannot be changed here', make: () => withData('org.updated', { parentId: 'HP' }), path: 'data.parentId' },
  ],
  'org.evaluated': [
    { name: 'year 9999', make: () => withData('org.evaluated', { year: 9999 }), path: 'data.year' },
    { name: 'a member rating word', make: () => withData('org.evaluated', { rating: 'notCompleted' }), path: 'data.rating' },
    { name: 'no year', make: () => without('org.evaluated', 'year'), path: 'data.year' },
  ],
  'dossier.received': [
    { name: 'impossible date', make: () => withData('dossier.received', { receivedOn: '2021-02-30' }), path: 'data.receivedOn' },
    {
      name: 'profile without sex',
      make: () => withData('dossier.received', { profile: { ...validProfile(), sex: undefined } }),
      path: 'data.profile.sex',
    },
    {
      name: 'unknown profile field',
      make: () => withData('dossier.received', { profile: { ...validProfile(), nickname: 'An' } }),
      path: 'data.profile.nickname',
    },
    {
      name: 'unknown occupation',
      make: () => withData('dossier.received', { profile: validProfile({ occupation: 'teacher' as never }) }),
      path: 'data.profile.occupation',
    },
  ],
  'dossier.stepCompleted': [
    { name: 'received is not a step to complete', make: () => withData('dossier.stepCompleted', { step: 'received' }), path: 'data.step' },
    { name: 'date not zero-padded', make: () => withData('dossier.stepCompleted', { on: '2021-1-11' }), path: 'data.on' },
  ],
  'dossier.closed': [
    { name: 'admitted is not a closing outcome', make: () => withData('dossier.closed', { outcome: 'admitted' }), path: 'data.outcome' },
    { name: 'note too long', make: () => withData('dossier.closed', { note: 'x'.repeat(1001) }), path: 'data.note' },
  ],
  'candidate.listed': [
    { name: 'unknown nominator', make: () => withData('candidate.listed', { nominatedBy: 'party-cell' }), path: 'data.nominatedBy' },
    { name: 'without a profile', make: () => without('candidate.listed', 'profile'), path: 'data.profile' },
    { name: 'year 9999', make: () => withData('candidate.listed', { on: '9999-09-01' }), path: 'data.on' },
  ],
  'candidate.classCompleted': [
    { name: 'classId with a space', make: () => withData('candidate.classCompleted', { classId: 'lớp 5' }), path: 'data.classId' },
    { name: 'without classId', make: () => without('candidate.classCompleted', 'classId'), path: 'data.classId' },
  ],
  'candidate.dropped': [{ name: 'unknown reason', make: () => withData('candidate.dropped', { reason: 'admitted' }), path: 'data.reason' }],
  'member.admitted': [
    { name: 'impossible date', make: () => withData('member.admitted', { admittedOn: '2021-02-30' }), path: 'data.admittedOn' },
    { name: 'ceremony before decision', make: () => withData('member.admitted', { ceremonyOn: '2021-03-01' }), path: 'data.ceremonyOn' },
    { name: 'readmitted not a boolean', make: () => withData('member.admitted', { readmitted: 'yes' }), path: 'data.readmitted' },
    {
      name: 'a first admission on a first admission',
      make: () => withData('member.admitted', { firstAdmittedOn: '1990-01-01' }),
      path: 'data.firstAdmittedOn',
    },
    {
      name: 'a readmission whose first admission is after it',
      make: () => withData('member.admitted', { readmitted: true, firstAdmittedOn: '2021-03-03' }),
      path: 'data.firstAdmittedOn',
    },
    {
      name: 'interruptedDays longer than the span',
      make: () => withData('member.admitted', { readmitted: true, firstAdmittedOn: '2021-01-01', interruptedDays: 61 }),
      path: 'data.interruptedDays',
    },
    {
      name: 'interruptedDays without firstAdmittedOn',
      make: () => withData('member.admitted', { readmitted: true, interruptedDays: 10 }),
      path: 'data.interruptedDays',
    },
    {
      name: 'negative interruptedDays',
      make: () => withData('member.admitted', { readmitted: true, firstAdmittedOn: '2001-01-01', interruptedDays: -1 }),
      path: 'data.interruptedDays',
    },
    { name: 'an unknown exception', make: () => withData('member.admitted', { exceptions: ['age'] }), path: 'data.exceptions[0]' },
    {
      name: 'an exception listed twice',
      make: () => withData('member.admitted', { exceptions: ['population-policy', 'population-policy'] }),
      path: 'data.exceptions',
    },
  ],
  'member.imported': [
    { name: 'official without recognizedOn', make: () => without('member.imported', 'recognizedOn'), path: 'data.recognizedOn' },
    {
      name: 'probationary with recognizedOn',
      make: () => withData('member.imported', { status: 'probationary' }),
      path: 'data.recognizedOn',
    },
    { name: 'exited is not an import status', make: () => withData('member.imported', { status: 'exited' }), path: 'data.status' },
    {
      name: 'a party file before the admission',
      make: () => withData('member.imported', { recordsFiledOn: '1991-03-01' }),
      path: 'data.recordsFiledOn',
    },
    {
      name: 'a card for a probationary member',
      make: () => withData('member.imported', { status: 'probationary', recognizedOn: undefined, cardIssuedOn: '1992-03-02' }),
      path: 'data.cardIssuedOn',
    },
    {
      name: 'a card before the recognition',
      make: () => withData('member.imported', { cardIssuedOn: '1992-03-01' }),
      path: 'data.cardIssuedOn',
    },
    {
      name: 'interruptedDays longer than the span',
      make: () => withData('member.imported', { firstAdmittedOn: '1991-01-01', interruptedDays: 61 }),
      path: 'data.interruptedDays',
    },
  ],
  'member.recognized': [
    {
      name: '29 February of a common year',
      make: () => withData('member.recognized', { recognizedOn: '2022-02-29' }),
      path: 'data.recognizedOn',
    },
  ],
  'member.updated': [
    { name: 'empty profile', make: () => withData('member.updated', { profile: {} }), path: 'data.profile' },
    { name: 'empty name', make: () => withData('member.updated', { profile: { fullName: '' } }), path: 'data.profile.fullName' },
    {
      name: 'the cell is not a profile field',
      make: () => withData('member.updated', { profile: { orgId: 'C2' } }),
      path: 'data.profile.orgId',
    },
  ],
  'member.exempted': [{ name: 'impossible date', make: () => withData('member.exempted', { on: '2023-02-29' }), path: 'data.on' }],
  'member.exited': [{ name: 'unknown reason', make: () => withData('member.exited', { reason: 'retired' }), path: 'data.reason' }],
  'member.evaluated': [
    { name: 'unknown rating', make: () => withData('member.evaluated', { rating: 'bad' }), path: 'data.rating' },
    { name: 'year out of range', make: () => withData('member.evaluated', { year: 20211 }), path: 'data.year' },
  ],
  'member.badgeAwarded': [
    { name: 'not a milestone', make: () => withData('member.badgeAwarded', { years: 35 }), path: 'data.years' },
    { name: 'milestone as a string', make: () => withData('member.badgeAwarded', { years: '30' }), path: 'data.years' },
  ],
  'member.ceremonyHeld': [{ name: 'year 9999', make: () => withData('member.ceremonyHeld', { on: '9999-03-10' }), path: 'data.on' }],
  'member.recordsFiled': [{ name: 'without a date', make: () => without('member.recordsFiled', 'on'), path: 'data.on' }],
  'member.cardIssued': [
    { name: 'a date with a time', make: () => withData('member.cardIssued', { on: '2022-04-15T08:00:00+07:00' }), path: 'data.on' },
  ],
  'transfer.issued': [
    { name: 'unknown kind', make: () => withData('transfer.issued', { kind: 'permanent' }), path: 'data.kind' },
    { name: 'to the sending org', make: () => withData('transfer.issued', { toOrgId: 'C1' }), path: 'data.toOrgId' },
    { name: 'impossible date', make: () => withData('transfer.issued', { issuedOn: '2022-06-31' }), path: 'data.issuedOn' },
  ],
  'transfer.received': [
    { name: 'impossible date', make: () => withData('transfer.received', { receivedOn: '2022-04-31' }), path: 'data.receivedOn' },
    { name: 'fromOrgId alone', make: () => withData('transfer.received', { fromOrgId: 'EXT-DN' }), path: 'data.toOrgId' },
    {
      name: 'arrival without member',
      make: () => {
        const b = structuredClone(validExternalArrival()) as unknown as Body;
        delete b.data.member;
        return b;
      },
      path: 'data.member',
    },
    {
      name: 'arriving probationary member with recognizedOn',
      make: () => {
        const b = structuredClone(validExternalArrival()) as unknown as Body;
        (b.data.member as Record<string, unknown>).status = 'probationary';
        return b;
      },
      path: 'data.member.recognizedOn',
    },
    {
      name: 'arriving member with an incomplete profile',
      make: () => {
        const b = structuredClone(validExternalArrival()) as unknown as Body;
        (b.data.member as Record<string, unknown>).profile = { fullName: 'Trần Thị Bình' };
        return b;
      },
      path: 'data.member.profile.sex',
    },
  ],
  'transfer.cancelled': [{ name: 'impossible date', make: () => withData('transfer.cancelled', { on: '2022-13-01' }), path: 'data.on' }],
  'transfer.returned': [
    { name: 'date with a time', make: () => withData('transfer.returned', { on: '2022-09-01T00:00:00+07:00' }), path: 'data.on' },
  ],
};

/** The first required field of each type's data: removing it must fail. */
const firstField: { [T in EventType]: string } = Object.fromEntries(EVENT_TYPES.map((t) => [t, Object.keys(dataSchemas[t].shape)[0]])) as {
  [T in EventType]: string;
};

describe('EVENT_TYPES', () => {
  it('lists every type of the contract once, each with a data schema', () => {
    // Prepare
    const keys = Object.keys(dataSchemas).sort();

    // Act
    const types = [...EVENT_TYPES].sort();

    // Assess
    expect(types).toEqual(keys);
    expect(new Set(types).size).toBe(28);
  });
});

describe.each(EVENT_TYPES)('%s', (type) => {
  it('accepts the valid example unchanged', () => {
    // Prepare
    const event = validEvent(type);

    // Act
    const parsed = mustAccept(event);

    // Assess
    expect(parsed).toEqual(event);
  });

  it('rejects an unknown data field', () => {
    // Prepare
    const b = withData(type, { extra: 1 });

    // Act
    const result = mustReject(b);

    // Assess
    expect(result.reason).toBe('schema');
    expect(result.message).toContain('data.extra: unknown field');
  });

  it('rejects a missing required field', () => {
    // Prepare
    const field = firstField[type];
    const b = without(type, field);

    // Act
    const result = mustReject(b);

    // Assess
    expect(result.reason).toBe('schema');
    expect(result.message).toContain(`data.${field}: required`);
  });

  it.each(invalid[type])('rejects: $name', ({ make, path }) => {
    // Prepare
    const b = make();

    // Act
    const result = mustReject(b);

    // Assess
    expect(result.reason).toBe('schema');
    expect(result.message).toContain(`${path}:`);
  });
});

describe('optional and alternative shapes', () => {
  it.each([
    ['org.registered root', validEvent('org.registered', { data: { orgId: 'HP', parentId: null, level: 'province' } })],
    ['org.dissolved without mergedInto', validEvent('org.dissolved', { data: { mergedInto: undefined } })],
    [
      'org.registered with its founding date and sector',
      validEvent('org.registered', { data: { establishedOn: '2021-05-19', sector: 'foreign-invested' } }),
    ],
    [
      'org.updated with every field',
      validEvent('org.updated', { data: { name: 'Chi bộ Công ty A', establishedOn: '2019-01-01', sector: 'state-enterprise' } }),
    ],
    ['dossier.closed without note', validEvent('dossier.closed', { data: { note: undefined } })],
    ['member.admitted minimal', validEvent('member.admitted', { data: { ceremonyOn: undefined } })],
    ['member.admitted with dossier, readmitted', validEvent('member.admitted', { data: { dossierId: 'D1', readmitted: true } })],
    [
      'profile without fullName and religion',
      validEvent('dossier.received', { data: { profile: validProfile({ fullName: undefined, religion: undefined }) } }),
    ],
    ['profile with a religion', validEvent('dossier.received', { data: { profile: validProfile({ religion: 'Phật giáo' }) } })],
    ['member.imported probationary', validEvent('member.imported', { data: { status: 'probationary', recognizedOn: undefined } })],
    ['member.updated religion back to none', validEvent('member.updated', { data: { profile: { religion: null } } })],
    ['transfer to an external org', validEvent('transfer.issued', { data: { toOrgId: 'EXT-DN' } })],
    ['transfer.received from outside', validExternalArrival()],
    ['temporary attendee from outside', validExternalArrival({ data: { kind: 'temporary' } })],
    ['occurredAt in UTC', validEvent('member.exempted', { occurredAt: '2023-01-05T02:00:00Z' })],
    ['occurredAt with fractions', validEvent('member.exempted', { occurredAt: '2023-01-05T09:00:00.123+07:00' })],
    ['29 February of a leap year', validEvent('member.exempted', { data: { on: '2024-02-29' } })],
  ])('accepts %s', (_name, event) => {
    // Prepare
    const text = JSON.stringify(event);

    // Act
    const result = parseEvent(text);

    // Assess
    expect(result).toEqual({ ok: true, event });
  });
});

describe('the envelope', () => {
  it.each([
    ['id with a space', { id: 'ev 1' }, 'id:'],
    ['empty id', { id: '' }, 'id:'],
    ['id of 129 chars', { id: 'a'.repeat(129) }, 'id:'],
    ['occurredAt without offset', { occurredAt: '2021-03-02T09:15:00' }, 'occurredAt:'],
    ['occurredAt a date only', { occurredAt: '2021-03-02' }, 'occurredAt:'],
    ['source of 65 chars', { source: 's'.repeat(65) }, 'source:'],
    ['empty source', { source: '' }, 'source:'],
    ['unknown envelope field', { occuredAt: '2021-03-02T09:15:00+07:00' }, 'occuredAt: unknown field'],
    ['data missing', { data: undefined }, 'data: required'],
  ])('rejects %s', (_name, patch, expected) => {
    // Prepare
    const b = { ...validEvent('member.exempted'), ...patch };

    // Act
    const result = mustReject(b);

    // Assess
    expect(result.reason).toBe('schema');
    expect(result.message).toContain(expected);
  });

  it('accepts an id of 128 chars of the whole alphabet', () => {
    // Prepare
    const id = 'Az09._:-'.repeat(16);

    // Act
    const event = mustAccept(validEvent('member.exempted', { id }));

    // Assess
    expect(event.id).toBe(id);
  });

  it('EnvelopeSchema checks the envelope but not data', () => {
    // Prepare
    const b = { ...validEvent('member.exempted'), type: 'anything', data: { whatever: true } };

    // Act
    const result = EnvelopeSchema.safeParse(b);

    // Assess
    expect(result.success).toBe(true);
  });
});

describe('bodies that are not events', () => {
  it.each([
    ['not-json', '{"id": "x",'],
    ['not-json', ''],
    ['not-json', 'Nguyễn Văn An'],
    ['schema', 'null'],
    ['schema', '[]'],
    ['schema', '"member.admitted"'],
    ['schema', JSON.stringify({ ...validEvent('member.exempted'), type: undefined })],
    ['schema', JSON.stringify({ ...validEvent('member.exempted'), type: 7 })],
    ['unknown-type', JSON.stringify({ ...validEvent('member.exempted'), type: 'member.promoted' })],
    ['unknown-type', JSON.stringify({ ...validEvent('member.exempted'), type: 'toString' })],
    ['unknown-type', JSON.stringify({ ...validEvent('member.exempted'), type: '__proto__' })],
  ])('%s: %s', (reason, text) => {
    // Prepare
    const input = text;

    // Act
    const result = parseEvent(input);

    // Assess
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok ? '' : result.message).not.toBe('');
  });
});

describe('NFC normalisation', () => {
  const nfc = 'Nguyễn Thị Thuỷ';
  const nfd = nfc.normalize('NFD');

  it('the NFD and NFC spellings differ as strings', () => {
    // Prepare, Act
    const same = nfc === nfd;

    // Assess
    expect(same).toBe(false);
  });

  it.each([
    [
      'dossier.received fullName',
      validEvent('dossier.received', { data: { profile: validProfile({ fullName: nfd }) } }),
      (e: DomainEvent) => (e.type === 'dossier.received' ? e.data.profile.fullName : undefined),
    ],
    [
      'member.updated fullName',
      validEvent('member.updated', { data: { profile: { fullName: nfd } } }),
      (e: DomainEvent) => (e.type === 'member.updated' ? e.data.profile.fullName : undefined),
    ],
    [
      'member.admitted ethnicity',
      validEvent('member.admitted', { data: { profile: validProfile({ ethnicity: nfd }) } }),
      (e: DomainEvent) => (e.type === 'member.admitted' ? e.data.profile.ethnicity : undefined),
    ],
    [
      'org.registered name',
      validEvent('org.registered', { data: { name: nfd } }),
      (e: DomainEvent) => (e.type === 'org.registered' ? e.data.name : undefined),
    ],
    [
      'org.updated name',
      validEvent('org.updated', { data: { name: nfd } }),
      (e: DomainEvent) => (e.type === 'org.updated' ? e.data.name : undefined),
    ],
    [
      'dossier.closed note',
      validEvent('dossier.closed', { data: { note: nfd } }),
      (e: DomainEvent) => (e.type === 'dossier.closed' ? e.data.note : undefined),
    ],
    [
      'arrival member fullName',
      validExternalArrival({
        data: { member: { memberId: 'M2', status: 'probationary', admittedOn: '2022-01-01', profile: validProfile({ fullName: nfd }) } },
      }),
      (e: DomainEvent) => (e.type === 'transfer.received' ? e.data.member?.profile.fullName : undefined),
    ],
  ])('%s comes out NFC', (_name, event, pick) => {
    // Prepare
    const text = JSON.stringify(event);

    // Act
    const parsed = mustAccept(JSON.parse(text));

    // Assess
    expect(pick(parsed)).toBe(nfc);
  });

  it('limits the length of the NFC text, not of the NFD input', () => {
    // Prepare: 100 × "ễ" is 100 characters in NFC, 300 in NFD
    const longNfd = 'ễ'.repeat(100).normalize('NFD');
    const event = validEvent('member.updated', { data: { profile: { fullName: `${longNfd}${'a'.repeat(100)}` } } });

    // Act
    const parsed = mustAccept(event);

    // Assess
    expect(parsed.type === 'member.updated' && parsed.data.profile.fullName?.length).toBe(200);
  });
});

describe('rejection messages carry no personal value', () => {
  it('names the failing fields but not their values', () => {
    // Prepare
    const secretName = 'Lê Bí Mật'.repeat(30);
    const profile = {
      ...validProfile(),
      fullName: secretName,
      birthDate: '1990-02-30',
      ethnicity: 'Ẩn Danh Tộc',
      sex: 'Ẩn Danh Giới' as never,
    };
    const event = validEvent('dossier.received', { data: { profile } });

    // Act
    const result = mustReject(event);

    // Assess
    expect(result.message).toContain('data.profile.fullName');
    expect(result.message).toContain('data.profile.birthDate');
    expect(result.message).toContain('data.profile.sex');
    expect(result.message).not.toContain('Bí Mật');
    expect(result.message).not.toContain('1990');
    expect(result.message).not.toContain('Ẩn Danh');
  });

  it('holds for any value in any field of any type', () => {
    fc.assert(
      fc.property(fc.constantFrom(...EVENT_TYPES), fc.string({ minLength: 1, maxLength: 300 }), fc.nat(), (type, raw, pick) => {
        // Prepare: a marker that cannot occur in a message by chance, put in every
        // field of the data (and of the profile, when there is one)
        const secret = `QQ${raw}QQ`;
        const b = body(type);
        const keys = Object.keys(b.data);
        const key = keys[pick % keys.length] ?? 'extra';
        b.data[key] =
          typeof b.data[key] === 'object' && b.data[key] !== null
            ? Object.fromEntries(Object.keys(b.data[key]).map((k) => [k, secret]))
            : secret;
        b.data.extra = secret;

        // Act
        const result = mustReject(b);

        // Assess
        expect(result.message).not.toContain('QQ');
      }),
      { numRuns: 300 },
    );
  });

  it('does not echo an unknown type', () => {
    // Prepare
    const b = { ...validEvent('member.exempted'), type: 'Nguyễn Văn An' };

    // Act
    const result = mustReject(b);

    // Assess
    expect(result.reason).toBe('unknown-type');
    expect(result.message).not.toContain('Nguyễn');
  });

  it('does not echo a strange unknown field name', () => {
    // Prepare
    const b = withData('member.exempted', { 'Nguyễn Văn An 1990-01-01': true });

    // Act
    const result = mustReject(b);

    // Assess
    expect(result.message).not.toContain('Nguyễn');
    expect(result.message).toContain('unknown field');
  });
});

describe('subjectOf', () => {
  it.each([
    ['org.registered', validEvent('org.registered'), 'orgs'],
    ['org.renamed', validEvent('org.renamed'), 'orgs'],
    ['org.moved', validEvent('org.moved'), 'orgs'],
    ['org.dissolved', validEvent('org.dissolved'), 'orgs'],
    ['target.set', validEvent('target.set'), 'orgs'],
    ['dossier.received', validEvent('dossier.received'), 'M1'],
    ['dossier.stepCompleted', validEvent('dossier.stepCompleted'), 'dossier:D1'],
    ['dossier.closed', validEvent('dossier.closed'), 'dossier:D1'],
    ['member.admitted', validEvent('member.admitted'), 'M1'],
    ['member.imported', validEvent('member.imported'), 'M1'],
    ['member.recognized', validEvent('member.recognized'), 'M1'],
    ['member.updated', validEvent('member.updated'), 'M1'],
    ['member.exempted', validEvent('member.exempted'), 'M1'],
    ['member.exited', validEvent('member.exited'), 'M1'],
    ['member.evaluated', validEvent('member.evaluated'), 'M1'],
    ['member.badgeAwarded', validEvent('member.badgeAwarded'), 'M1'],
    ['transfer.issued', validEvent('transfer.issued'), 'M1'],
    ['transfer.received', validEvent('transfer.received'), 'transfer:T1'],
    ['transfer.received from outside', validExternalArrival(), 'M2'],
    ['transfer.cancelled', validEvent('transfer.cancelled'), 'transfer:T1'],
    ['transfer.returned', validEvent('transfer.returned'), 'transfer:T1'],
  ] as const)('%s → %s', (_name, event, expected) => {
    // Prepare
    const parsed = mustAccept(event);

    // Act
    const subject = subjectOf(parsed);

    // Assess
    expect(subject).toBe(expected);
  });
});
