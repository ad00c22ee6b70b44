// docs/personal-data.md on a real data directory: after a correction and an erasure no readable
// copy of the personal data is left anywhere DynamoDB Local keeps data — every item of
// every table, and the database file itself — while the figures stay exact.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAll } from '../../shared/data/dynamo-toolkit.js';
import type { AwsClients } from '../../shared/data/aws-clients.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { dangvienAt } from '../helpers/cli.js';
import { killGroup, startStack, target } from '../helpers/npm-start.js';

// Distinctive values, each in one person's profile only.
const APPLICANT = { name: 'Lê Thị Zyxwvuapplicant', birthDate: '1987-03-14' };
const MEMBER = { oldName: 'Phạm Văn Qwertyoldname', newName: 'Phạm Văn Correctedname', birthDate: '1991-07-23' };

/** Every way a text may sit in a file: NFC and NFD UTF-8, and JSON's \\u escapes of both. */
function spellings(text: string): string[] {
  const escaped = (s: string) => s.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const forms = [text.normalize('NFC'), text.normalize('NFD')];
  // The ASCII tail alone too: found even if the accented part were stored another way.
  return [...forms, ...forms.map(escaped), text.split(' ').at(-1)!];
}

describe('personal data: corrections and erasure reach every copy', () => {
  const data = mkdtempSync(join(tmpdir(), 'dangvien-erasure-'));
  let running: ChildProcess | undefined;
  /** The clients of the stack `npm start` runs (its own emulators). */
  let clients: AwsClients;
  const dangvien = dangvienAt(() => data);
  const reports = async () => {
    const out: unknown[] = [];
    for (const org of ['HP', 'C1', 'C2']) out.push(JSON.parse((await dangvien('report', org, '--date', '2022-12-31')).stdout));
    return out;
  };
  /** Every item of every table, as text. */
  const everyItem = async () => {
    const { TableNames = [] } = await clients.dynamo.send(new ListTablesCommand({}));
    const items: string[] = [];
    for (const table of TableNames) await scanAll(clients.documentClient, table, (item) => void items.push(JSON.stringify(item)));
    return { tables: TableNames.length, text: items.join('\n'), count: items.length };
  };

  beforeAll(async () => {
    const started = startStack(data);
    running = started.child;
    await started.ready;
    clients = target(data).stores.clients;
  });
  afterAll(async () => {
    if (running) await killGroup(running, 'SIGKILL');
  });

  it('erases an applicant everywhere, keeps a member without --force, and leaves no readable old name', async () => {
    // Prepare: a tree; an applicant whose dossier is rejected; a person who applies, is
    // admitted, corrected and transferred; a rejected event that names each of them
    const applicant = validProfile({ fullName: APPLICANT.name, birthDate: APPLICANT.birthDate, sex: 'female' });
    const member = validProfile({ fullName: MEMBER.oldName, birthDate: MEMBER.birthDate });
    const admitted = validEvent('member.admitted', {
      data: { memberId: 'M-B', orgId: 'C1', admittedOn: '2021-03-02', ceremonyOn: undefined, dossierId: 'D-B', profile: member },
    });
    const events = [
      registerOrg('HP', null, 'province'),
      registerOrg('C1', 'HP', 'grassroots-cell'),
      registerOrg('C2', 'HP', 'grassroots-cell'),
      validEvent('dossier.received', {
        data: { dossierId: 'D-A', personId: 'P-A', orgId: 'C1', receivedOn: '2021-01-04', profile: applicant },
      }),
      // Refused (the dossier exists): kept for a redrive, with the applicant's profile
      validEvent('dossier.received', {
        data: { dossierId: 'D-A', personId: 'P-A', orgId: 'C1', receivedOn: '2021-01-05', profile: applicant },
      }),
      validEvent('dossier.closed', { data: { dossierId: 'D-A', personId: 'P-A', outcome: 'rejected', on: '2021-02-01' } }),
      validEvent('dossier.received', {
        data: { dossierId: 'D-B', personId: 'P-B', orgId: 'C1', receivedOn: '2021-01-04', profile: member },
      }),
      validEvent('dossier.stepCompleted', { data: { dossierId: 'D-B', personId: 'P-B', step: 'reviewed', on: '2021-02-20' } }),
    ];
    // The applicant's and the member's ids differ (two message groups): the admission goes second.
    const membership = [
      admitted,
      // Refused (the member exists): kept for a redrive, with the old name
      { ...admitted, id: 'admitted-again' },
      validEvent('member.updated', { data: { memberId: 'M-B', profile: { fullName: MEMBER.newName } } }),
      validEvent('transfer.issued', {
        data: { transferId: 'T-B', memberId: 'M-B', fromOrgId: 'C1', toOrgId: 'C2', issuedOn: '2022-06-01' },
      }),
      validEvent('transfer.received', { data: { transferId: 'T-B', memberId: 'M-B', receivedOn: '2022-06-10' } }),
    ];
    const sent = [];
    for (const [i, batch] of [events, membership].entries()) {
      const file = join(data, `events-${i}.ndjson`);
      writeFileSync(file, batch.map((e) => JSON.stringify(e)).join('\n'));
      sent.push(JSON.parse((await dangvien('send', file, '--wait')).stdout));
    }
    const refused = JSON.parse((await dangvien('rejected', 'list')).stdout).rejected.map((r: { reason: string; message: string }) => r);
    expect(refused.map((r: { reason: string }) => r.reason).sort(), JSON.stringify(refused)).toEqual(['dossier-exists', 'member-exists']);
    expect(sent).toMatchObject([
      { accepted: events.length - 1, rejected: 1 },
      { accepted: membership.length - 1, rejected: 1 },
    ]);
    const before = await reports();
    // The applicant's group, and the group of her dossier (a step that names only it), held
    // behind events in the dead-letter queue: the holds name her and what she is about.
    const held = (group: string, event: string) => ({
      group,
      heldKey: `csdl-dang-vien/${event}`,
      heldEventId: event,
      reason: 'missing-dossier' as const,
      since: new Date().toISOString(),
      chain: { waitsFor: { reason: 'missing-dossier' as const, records: ['dossier:D-A'] }, touches: ['dossier:D-A', 'person:P-A'] },
    });
    await target(data).stores.holds.hold(held('P-A', 'held-applicant'));
    await target(data).stores.holds.hold(held('dossier:D-A', 'held-dossier'));

    // Act: a dry run first, then the erasure (`--yes`: no terminal here to ask on)
    const preview = await dangvien('person', 'erase', 'P-A', '--dry-run');
    const shownAfterPreview = (await dangvien('person', 'show', 'P-A')).stdout;
    const kept = await dangvien('person', 'erase', 'M-B', '--yes');
    const erased = await dangvien('person', 'erase', 'P-A', '--yes');
    const shownApplicant = JSON.parse((await dangvien('person', 'show', 'P-A')).stdout);
    const shownMember = (await dangvien('person', 'show', 'M-B')).stdout;
    const after = await reports();
    const check = await dangvien('recompute', '--check');
    const scanned = await everyItem();
    await killGroup(running!, 'SIGINT');
    running = undefined;
    const dbDir = join(data, 'dynamodb');
    const files = readdirSync(dbDir).map((f) => readFileSync(join(dbDir, f)));

    // Assess: the dry run says what the erasure then does, and destroys nothing
    expect(preview.code).toBe(0);
    expect(JSON.parse(preview.stdout)).toMatchObject({
      dryRun: true,
      personId: 'P-A',
      keysToDestroy: 1,
      recordsToClear: 1,
      rejectedToForget: 1,
    });
    expect(shownAfterPreview).toContain(APPLICANT.name);
    // a member is kept without --force; the applicant is erased, figures unchanged
    expect(kept.code).toBe(2);
    expect(kept.stderr).toContain('retention');
    expect(erased.code).toBe(0);
    expect(JSON.parse(erased.stdout)).toMatchObject({
      personId: 'P-A',
      keysDestroyed: 1,
      recordsCleared: 1,
      recordsPseudonymized: 1,
      rejectedForgotten: 1,
      auditTrailKept: 2,
    });
    expect(after).toEqual(before);
    expect(check.code).toBe(0);
    // The dossier and the audit trail stay under a pseudonym: nothing is found by the applicant's id any more
    expect(shownApplicant).toMatchObject({ records: [], auditTrail: [], rejected: [] });
    // The holds of her group and her dossier's are gone (the events they held come back refused `erased`)
    expect(scanned.text).not.toContain('"pk":"HOLD"');
    expect(scanned.text).toContain('"status":"rejected"');
    expect(scanned.text).toMatch(/"personId":"~[A-Za-z0-9_-]{22}"/);
    // The member's current profile is there for the operator, the old name nowhere
    expect(shownMember).toContain(MEMBER.newName);
    expect(shownMember).not.toContain('Qwertyoldname');
    // Nowhere in the data: no item of any table, no byte of the database files
    expect(scanned.tables).toBeGreaterThanOrEqual(2);
    expect(scanned.count).toBeGreaterThan(20);
    expect(files.length).toBeGreaterThan(0);
    const secrets = [
      ...spellings(APPLICANT.name),
      APPLICANT.birthDate,
      ...spellings(MEMBER.oldName),
      ...spellings(MEMBER.newName),
      MEMBER.birthDate,
    ];
    for (const secret of secrets) {
      expect(scanned.text, secret).not.toContain(secret);
      for (const f of files) expect(f.includes(Buffer.from(secret, 'utf8')), secret).toBe(false);
    }
    // The test would see them if they were there: ids and dates of the same events are in the file
    expect(files.some((f) => f.includes(Buffer.from('D-A', 'utf8')))).toBe(true);
    expect(scanned.text).toContain('2021-01-04');
  });
});
