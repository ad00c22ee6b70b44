// Someone who can read the tables, or a backup of them, tries to undo an erasure
// (docs/personal-data.md): guess a profile against what the audit trail keeps, find the card
// number beside its traits, bring the profile back with an event sent before the erasure,
// or read an old profile with the key a correction should have replaced. Each attack is
// made on the emulators after `person erase`, and each must find nothing, while every
// figure stays exact and the audit trail keeps the events' ids, types and dates.
import { createHash } from 'node:crypto';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAll } from '../../shared/data/dynamo-toolkit.js';
import { eventKey, memberKey } from '../../shared/data/keys.js';
import { open } from '../../shared/data/sealing.js';
import { parseEvent } from '../../shared/domain/events/index.js';
import { eventHash } from '../../shared/domain/ingest/idempotency.js';
import { buildReport } from '../../shared/use-cases/build-report/index.js';
import { erasePerson } from '../../shared/use-cases/person-data/index.js';
import { recomputeFigures } from '../../shared/use-cases/recompute-figures/index.js';
import { redriveDlq } from '../../shared/use-cases/redrive/index.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

/** Ids that occur nowhere else, so that a plain text search finds every copy. */
const CARD = 'CARD-7731';
const APPLICANT = 'APPL-7731';
const LATE = 'CARD-LATE';
const KEPT = 'CARD-KEPT';
const REFUSED_APPLICANT = 'APPL-ADM';

/** What a religion may be: about ten guesses recover a correction of it from an unkeyed hash. */
const RELIGIONS = ['Không', 'Phật giáo', 'Công giáo', 'Tin lành', 'Cao Đài', 'Hòa Hảo', 'Hồi giáo', 'Bà-la-môn', 'Tứ Ân Hiếu Nghĩa', null];

const profile = validProfile({
  fullName: 'Lò Thị Cardholder',
  sex: 'female',
  ethnicity: 'Tày',
  religion: 'Không',
  occupation: 'student',
  birthDate: '2001-02-03',
});
const correction = validEvent('member.updated', { id: 'upd-religion', data: { memberId: CARD, profile: { religion: 'Công giáo' } } });
const lateUpdate = validEvent('member.updated', { id: 'late-upd', data: { memberId: LATE, profile: { fullName: 'Đỗ Văn Latename' } } });
const keptCorrection = validEvent('member.updated', { id: 'upd-kept', data: { memberId: KEPT, profile: { religion: 'Phật giáo' } } });

/** Every value of every item of every table of the stack, as strings (nested ones too), and every item as JSON. */
async function everything(stack: TestStack): Promise<{ values: Set<string>; items: string[] }> {
  const { TableNames = [] } = await stack.clients.dynamo.send(new ListTablesCommand({}));
  const values = new Set<string>();
  const items: string[] = [];
  const collect = (v: unknown): void => {
    if (typeof v === 'string') values.add(v);
    else if (Array.isArray(v)) v.forEach(collect);
    else if (v && typeof v === 'object') Object.values(v).forEach(collect);
  };
  for (const table of TableNames.filter((t) => Object.values(stack.env).includes(t))) {
    await scanAll(stack.clients.documentClient, table, (item) => {
      collect(item);
      items.push(JSON.stringify(item));
    });
  }
  return { values, items };
}

/** The reports a committee reads, for the years and dates the erased people count in. */
async function reports(stack: TestStack): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const org of ['HP', 'C1', 'C2']) {
    for (const year of [2021, 2022]) out.push(await buildReport(stack.stores.figures, org, { year, date: `${year}-12-31` }));
  }
  return out;
}

describe('an erasure cannot be undone by someone who reads the tables', () => {
  let stack: TestStack;
  let before: unknown[];
  let after: unknown[];
  let differences: unknown[];
  let scanned: { values: Set<string>; items: string[] };
  /** The member's sealed profile before a correction: a copy kept somewhere (a stream record, an export). */
  let sealedBeforeCorrection: string;

  beforeAll(async () => {
    stack = await startTestStack();
    await stack.send([
      registerOrg('HP', null, 'province'),
      registerOrg('C1', 'HP', 'grassroots-cell'),
      registerOrg('C2', 'HP', 'grassroots-cell'),
    ]);
    await stack.settle();
    await stack.send([
      validEvent('dossier.received', {
        data: { dossierId: 'HS-0001', personId: APPLICANT, orgId: 'C1', receivedOn: '2021-01-04', profile },
      }),
      validEvent('member.imported', { data: { memberId: KEPT, orgId: 'C2', profile: validProfile({ fullName: 'Vũ Văn Keptname' }) } }),
      validEvent('dossier.received', {
        data: { dossierId: 'HS-0002', personId: REFUSED_APPLICANT, orgId: 'C1', receivedOn: '2021-01-04', profile: validProfile() },
      }),
      // Waits for a member who does not exist yet, and reaches the dead-letter queue
      lateUpdate,
    ]);
    await stack.settle();
    await stack.send([
      validEvent('member.admitted', {
        data: { memberId: CARD, orgId: 'C1', admittedOn: '2021-03-02', ceremonyOn: undefined, dossierId: 'HS-0001', profile },
      }),
      // Refused (before the dossier was received): kept with the applicant's profile
      validEvent('member.admitted', {
        data: {
          memberId: 'CARD-ADM',
          orgId: 'C1',
          admittedOn: '2020-12-01',
          ceremonyOn: undefined,
          dossierId: 'HS-0002',
          profile: validProfile({ fullName: 'Trần Thị Admittedname' }),
        },
      }),
      validEvent('member.imported', { data: { memberId: LATE, orgId: 'C2', profile: validProfile({ fullName: 'Đỗ Văn Importname' }) } }),
    ]);
    await stack.settle();
    const kept = await stack.clients.documentClient.send(
      new GetCommand({ TableName: stack.env.RECORDS_TABLE_NAME, Key: memberKey(KEPT), ConsistentRead: true }),
    );
    sealedBeforeCorrection = String(kept.Item?.sealedProfile);
    await stack.send([
      correction,
      validEvent('member.evaluated', { data: { memberId: CARD, year: 2021, rating: 'not-completed' } }),
      validEvent('member.exited', { data: { memberId: CARD, reason: 'expelled', on: '2022-05-20' } }),
      keptCorrection,
    ]);
    await stack.settle();
    // Another body under the key of an applied event, while its person exists: a conflict
    await stack.send([{ ...keptCorrection, data: { ...keptCorrection.data, profile: { religion: 'Không' } } }]);
    await stack.settle();
    before = await reports(stack);

    // Act: the erasures, then what was waiting comes back: the DLQ redriven, a redelivery
    await erasePerson(stack.stores.personData, CARD, { force: true });
    await erasePerson(stack.stores.personData, REFUSED_APPLICANT, { force: false });
    await erasePerson(stack.stores.personData, LATE, { force: true });
    await redriveDlq(stack.stores.redrive, stack.stores.deadLetterQueue, stack.stores.ingestQueue);
    await stack.send([correction]);
    await stack.settle();
    after = await reports(stack);
    differences = await recomputeFigures(stack.stores.recompute, { write: false });
    scanned = await everything(stack);
  }, 600_000);
  afterAll(async () => stack?.stop());

  it('finds no value that a guessed correction hashes to', () => {
    // Act: the attacker knows the event (its audit trail entry) but its religion, and tries them all
    const guesses = RELIGIONS.map((religion) => ({ ...correction, data: { ...correction.data, profile: { religion } } }));
    const hashes = guesses.flatMap((guess) => {
      const parsed = parseEvent(JSON.stringify(guess));
      if (!parsed.ok) throw new Error(parsed.message);
      // A plain SHA-256 of the body too: what a redrive grant once kept, before its digests were keyed.
      return [eventHash(parsed.event), createHash('sha256').update(JSON.stringify(guess)).digest('hex')];
    });
    // Assess
    expect(hashes).toHaveLength(2 * RELIGIONS.length);
    expect(scanned.values.size).toBeGreaterThan(50);
    expect(hashes.filter((h) => scanned.values.has(h))).toEqual([]);
  });

  it('finds neither the card number nor the applicant id anywhere, yet every figure is exact', () => {
    // Assess: no item names them (records, facts, the audit trail, figure items, reminders)
    for (const id of [CARD, APPLICANT, LATE, REFUSED_APPLICANT]) {
      expect(
        scanned.items.filter((i) => i.includes(id)),
        id,
      ).toEqual([]);
    }
    // the traits are still counted, under another name
    expect(after).toEqual(before);
    expect(differences).toEqual([]);
    expect(JSON.stringify(before)).toContain('"expelled":1');
  });

  it('keeps the audit trail of the erased member: event ids, types and dates', async () => {
    // Act
    const marker = await stack.clients.documentClient.send(
      new GetCommand({ TableName: stack.env.RECORDS_TABLE_NAME, Key: eventKey(correction.source, correction.id), ConsistentRead: true }),
    );
    // Assess
    expect(marker.Item).toMatchObject({ eventId: 'upd-religion', type: 'member.updated', occurredAt: correction.occurredAt });
    expect(JSON.stringify(marker.Item)).not.toContain(CARD);
  });

  it('still tells a conflicting body from a redelivery while the person exists', async () => {
    // Act
    const rejected = await stack.stores.redrive.listRejected();
    // Assess
    expect(rejected.filter((r) => r.eventId === 'upd-kept').map((r) => r.reason)).toEqual(['conflict']);
  });

  it('refuses an event sent before the erasure, from the dead-letter queue or redelivered: nothing comes back', async () => {
    // Act
    const rejected = await stack.stores.redrive.listRejected();
    const keys = await stack.stores.vault.keys([CARD, LATE], { create: false });
    // Assess: no key was made again for them, no profile is readable, nothing of the body kept
    expect(keys.size).toBe(0);
    const late = rejected.find((r) => r.eventId === 'late-upd');
    expect(late).toMatchObject({ reason: 'erased', body: '' });
    expect(JSON.stringify(late)).not.toContain(LATE);
    for (const text of ['Latename', 'Importname', 'Cardholder']) {
      expect(JSON.stringify(rejected)).not.toContain(text);
    }
  });

  it('erases a refused admission with the applicant it names through its dossier', async () => {
    // Act
    const rejected = await stack.stores.redrive.listRejected();
    // Assess
    expect(JSON.stringify(rejected)).not.toContain('Admittedname');
  });

  it('a correction replaces the key: a copy of the profile sealed before it no longer opens', async () => {
    // Act
    const key = (await stack.stores.vault.keys([KEPT], { create: false })).get(KEPT);
    // Assess: the member is still readable, the old copy is not
    expect(key).toBeDefined();
    expect(sealedBeforeCorrection).toMatch(/^sealed:/);
    expect(open(key!, sealedBeforeCorrection)).toBeUndefined();
  });
});
