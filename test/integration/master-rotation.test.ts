// The personal data master secret can be rotated (docs/runbook.md#rotating-the-personal-data-master-secret):
// a new version is made, every person gets a key under it and every copy is sealed again,
// the old version is destroyed — and everything reads back as before: profiles, rejected
// bodies, the audit trail's sealed hashes (a conflict is still told from a redelivery),
// the tombstones of erased persons, and values sealed before key ids existed.
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toItem } from '../../shared/data/keys.js';
import { createDynamoVault, fileMasterSecret, sealedDataExists } from '../../shared/data/personal-vault.js';
import { openSealed } from '../../shared/data/sealed-records.js';
import type { MasterRotation } from '../../shared/data/master-rotation.js';
import { erasePerson, showPerson } from '../../shared/use-cases/person-data/index.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { partition } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const legacyProfile = validProfile({ fullName: 'Hà Văn Legacyname' });

/** A member as versions before key ids stored it: a `salt` alone, its profile `sealed:v1:` under HKDF(master 1, salt). */
async function putLegacyMember(stack: TestStack, memberId: string): Promise<void> {
  const master = readFileSync(stack.env.PERSONAL_DATA_MASTER_FILE!);
  const salt = randomBytes(32);
  const key = Buffer.from(hkdfSync('sha256', master, salt, 'dangvien/personal-data/v1', 32));
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(memberId, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(legacyProfile), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const put = (Item: Record<string, unknown>) =>
    stack.clients.documentClient.send(new PutCommand({ TableName: stack.env.RECORDS_TABLE_NAME, Item }));
  await put({ pk: `PERSON#${memberId}`, sk: 'SALT', entity: 'salt', salt: salt.toString('base64') });
  const { profile: _profile, ...item } = toItem({
    entity: 'member',
    record: {
      memberId,
      cellId: 'C1',
      status: 'official',
      traits: { female: false, youthUnion: true, ethnicMinority: false, religious: false },
      admittedOn: '1991-03-02',
      recognizedOn: '1992-03-02',
      ratings: {},
      badges: {},
      origin: 'imported',
      version: 1,
    },
  });
  await put({ ...item, sealedProfile: `sealed:v1:${iv.toString('base64url')}.${body.toString('base64url')}` });
}

describe('rotating the personal data master secret', () => {
  let stack: TestStack;
  let before: unknown[];
  let rejectedBefore: unknown;
  let rotation: MasterRotation;
  const applied = validEvent('member.updated', { id: 'rot-upd', data: { memberId: 'M-ROT', profile: { religion: 'Phật giáo' } } });
  const shown = () => Promise.all(['M-ROT', 'P-ROT', 'LEGACY'].map((id) => showPerson(stack.stores.personData, id)));
  const bodies = async () =>
    (await stack.stores.redrive.listRejected()).map((r) => ({ id: r.id, body: r.body })).sort((a, b) => a.id.localeCompare(b.id));

  beforeAll(async () => {
    stack = await startTestStack({ figures: false });
    await stack.send([registerOrg('HP', null, 'province'), registerOrg('C1', 'HP', 'grassroots-cell')]);
    await stack.settle();
    await stack.send([
      validEvent('member.imported', { data: { memberId: 'M-ROT', orgId: 'C1', profile: validProfile({ fullName: 'Lý Thị Rotname' }) } }),
      validEvent('dossier.received', {
        data: { dossierId: 'D-ROT', personId: 'P-ROT', orgId: 'C1', profile: validProfile({ fullName: 'Mai Văn Applicant' }) },
      }),
      validEvent('dossier.received', { data: { dossierId: 'D-GONE', personId: 'P-GONE', orgId: 'C1' } }),
      // A body that fails the schema and names nobody: sealed under a key of its own
      '{"id":"rot-bad","type":"member.admitted","data":{"profile":{"fullName":"Ẩn Danh Nobody"}}}',
    ]);
    await stack.settle();
    await stack.send([applied, validEvent('member.imported', { data: { memberId: 'M-ROT', orgId: 'C1' } })]);
    await stack.settle();
    await putLegacyMember(stack, 'LEGACY');
    await erasePerson(stack.stores.personData, 'P-GONE', { force: false });
    before = await shown();
    rejectedBefore = await bodies();

    // Act
    rotation = await stack.stores.rotateMasterSecret({ settleMs: 0 });
  });
  afterAll(async () => stack?.stop());

  it('makes version 2, gives every person a key under it, and destroys version 1', async () => {
    // Assess
    const file = stack.env.PERSONAL_DATA_MASTER_FILE!;
    expect(rotation).toMatchObject({ from: 1, to: 2, retired: [1], left: 0 });
    expect(rotation.persons).toBeGreaterThanOrEqual(4);
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.2`)).toBe(true);
    for (const id of ['M-ROT', 'P-ROT', 'LEGACY']) {
      const [salt] = await partition(stack, `PERSON#${id}`);
      expect(salt?.salt, id).toBeUndefined();
      expect(Object.values(salt?.keys as Record<string, string>).map((entry) => entry.split(':')[0])).toEqual(['2']);
    }
  });

  it('reads back every profile, rejected body and value sealed before key ids, also in a process started afresh', async () => {
    // Prepare: another process on the same table and key files
    const records = { documentClient: stack.clients.documentClient, tableName: stack.env.RECORDS_TABLE_NAME! };
    const fresh = createDynamoVault({
      ...records,
      masterSecret: fileMasterSecret(stack.env.PERSONAL_DATA_MASTER_FILE!, () => sealedDataExists(records)),
    });
    // Act
    const after = await shown();
    const [legacy] = await openSealed(fresh, await partition(stack, 'MEMBER#LEGACY'));
    // Assess
    expect(after).toEqual(before);
    expect(JSON.stringify(after)).toContain('Rotname');
    expect(JSON.stringify(after)).toContain('Legacyname');
    expect(legacy?.profile).toEqual(legacyProfile);
    expect(await bodies()).toEqual(rejectedBefore);
    expect(JSON.stringify(rejectedBefore)).toContain('Nobody');
  });

  it('still tells a redelivery from another body, and still refuses an old event about an erased person', async () => {
    // Act
    await stack.send([applied, { ...applied, data: { ...applied.data, profile: { religion: 'Không' } } }]);
    await stack.send([validEvent('dossier.stepCompleted', { data: { dossierId: 'D-GONE', personId: 'P-GONE', step: 'reviewed' } })]);
    await stack.settle();
    const rejected = await stack.stores.redrive.listRejected();
    // Assess
    expect(rejected.filter((r) => r.eventId === 'rot-upd').map((r) => r.reason)).toEqual(['conflict']);
    expect(rejected.filter((r) => r.reason === 'erased')).toHaveLength(1);
  });

  it('makes the keys of new persons under the new version', async () => {
    // Act
    await stack.send([validEvent('member.imported', { data: { memberId: 'M-NEW', orgId: 'C1' } })]);
    await stack.settle();
    const [salt] = await partition(stack, 'PERSON#M-NEW');
    // Assess
    expect(Object.values(salt?.keys as Record<string, string>).map((entry) => entry.split(':')[0])).toEqual(['2']);
  });
});
