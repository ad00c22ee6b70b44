// Figures on the emulators: record changes → stream runner → figures handler → report.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../helpers/emulators.js';
import { scanAll } from '../../shared/data/dynamo-toolkit.js';
import { listWaiting } from '../../shared/use-cases/redrive/index.js';
import { buildReport } from '../../shared/use-cases/build-report/index.js';
import { recomputeFigures } from '../../shared/use-cases/recompute-figures/index.js';
import { FIXED_FIGURES, type DatedChanges } from '../../shared/domain/figures/index.js';
import { contributionFromItem } from '../../shared/data/figures-store.js';
import { transferKey } from '../../shared/data/keys.js';
import { registerOrg, validEvent, validProfile } from '../helpers/events.js';
import { getTransfer } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const admit = (memberId: string, orgId: string, admittedOn = '2021-03-02', profile = {}) =>
  validEvent('member.admitted', { data: { memberId, orgId, admittedOn, ceremonyOn: undefined, profile: validProfile(profile) } });

describe('figures on the emulators', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
    // Prepare: HP > Q1 > {G1 > {S1 > C11, C12}, C2}; Q2 > C3
    await stack.send([
      registerOrg('HP', null, 'province'),
      registerOrg('Q1', 'HP', 'upper-grassroots'),
      registerOrg('Q2', 'HP', 'upper-grassroots'),
      registerOrg('G1', 'Q1', 'grassroots-committee'),
      registerOrg('C11', 'G1', 'cell'),
      registerOrg('C12', 'G1', 'cell'),
      registerOrg('C2', 'Q1', 'grassroots-cell'),
      registerOrg('C3', 'Q2', 'grassroots-cell'),
      validEvent('target.set', { data: { orgId: 'HP', year: 2021, admissions: 3 } }),
    ]);
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('counts admissions in every ancestor, with the breakdowns and the target', async () => {
    // Act
    await stack.send([
      admit('A1', 'C11', '2021-03-02', { sex: 'female' }),
      admit('A2', 'C12'),
      admit('A3', 'C3', '2021-04-01', { occupation: 'student', youthUnion: false }),
    ]);
    await stack.settle();
    // Assess
    const hp = await buildReport(stack.stores.figures, 'HP', { date: '2021-12-31' });
    expect(hp.members).toMatchObject({ total: 3, probationary: 3, female: 1 });
    expect(hp.admissions).toMatchObject({ total: 3, female: 1, student: 1, youthUnion: 2, target: 3, achievementPct: 100 });
    expect(hp.organizations).toEqual({
      grassroots: 3,
      grassrootsCommittees: 1,
      grassrootsCells: 2,
      cells: 2,
      newInYear: 0,
      privateSector: 0,
    });
    expect(hp.children.map((c) => [c.orgId, c.members.total])).toEqual([
      ['Q1', 2],
      ['Q2', 1],
    ]);
    const g1 = await buildReport(stack.stores.figures, 'G1', { date: '2021-12-31' });
    expect(g1.members.total).toBe(2);
  });

  it('counts a transfer inside a subtree as neither in nor out there, but across the boundary below it', async () => {
    // Act: C11 → C12 (both under G1), then C12 → C3 (across Q1/Q2)
    await stack.send([
      validEvent('transfer.issued', {
        data: { transferId: 'T1', memberId: 'A1', kind: 'official', fromOrgId: 'C11', toOrgId: 'C12', issuedOn: '2021-06-01' },
      }),
    ]);
    await stack.settle();
    const inTransit = await buildReport(stack.stores.figures, 'G1', { date: '2021-06-02' });
    await stack.send([validEvent('transfer.received', { data: { transferId: 'T1', receivedOn: '2021-06-05' } })]);
    await stack.settle();
    // Assess
    expect(inTransit.members).toMatchObject({ total: 1, inTransit: 1 });
    const g1 = await buildReport(stack.stores.figures, 'G1', { date: '2021-12-31' });
    expect(g1.transfers).toMatchObject({ officialIn: 0, officialOut: 0 });
    expect(g1.members).toMatchObject({ total: 2, inTransit: 0 });
    const c11 = await buildReport(stack.stores.figures, 'C11', { date: '2021-12-31' });
    expect(c11.transfers).toMatchObject({ officialOut: 1, officialIn: 0 });
  });

  it('moves a subtree with its figures: the old and the new ancestors are both right', async () => {
    // Act: the district Q1 is abolished, G1 moved under the province, C2 merged into C3
    await stack.send([
      validEvent('org.moved', { data: { orgId: 'G1', parentId: 'HP' } }),
      validEvent('org.dissolved', { data: { orgId: 'C2', on: '2025-07-01', mergedInto: 'C3' } }),
      validEvent('org.dissolved', { data: { orgId: 'Q1', on: '2025-07-01', mergedInto: undefined } }),
    ]);
    await stack.settle();
    // Assess
    expect(await stack.stores.redrive.listRejected()).toEqual([]);
    expect(await listWaiting(stack.stores.redrive)).toEqual([]);
    const hp = await buildReport(stack.stores.figures, 'HP', { date: '2025-07-02', year: 2021 });
    expect(hp.children.map((c) => c.orgId)).toEqual(['G1', 'Q2']);
    expect(hp.members.total).toBe(3);
    expect(hp.admissions.total).toBe(3);
    const q2 = await buildReport(stack.stores.figures, 'Q2', { date: '2025-07-02', year: 2021 });
    expect(q2.members.total).toBe(1);
    expect(q2.organizations.grassrootsCells).toBe(1);
  });

  it('reads the org tree again only after an org changed, and a new cell shows in the reports at once', async () => {
    // Arrange
    const before = await stack.stores.orgTree.currentOrgTree();
    const cellsBefore = (await buildReport(stack.stores.figures, 'G1', { date: '2021-12-31' })).organizations.cells;
    // Act
    const reused = await stack.stores.orgTree.currentOrgTree();
    await stack.send([admit('A9', 'C12')]);
    await stack.settle();
    const afterMember = await stack.stores.orgTree.currentOrgTree();
    await stack.send([registerOrg('C13', 'G1', 'cell')]);
    await stack.settle();
    const afterOrg = await stack.stores.orgTree.currentOrgTree();
    // Assess
    expect(reused).toBe(before);
    expect(afterMember).toBe(before);
    expect(afterOrg).not.toBe(before);
    expect(afterOrg.has('C13')).toBe(true);
    expect((await buildReport(stack.stores.figures, 'G1', { date: '2021-12-31' })).organizations.cells).toBe(cellsBefore + 1);
  });

  it('shows a rating corrected, a sector changed and a founding date given in a warm report at once', async () => {
    // Prepare: the report's tree is warm
    const before = await buildReport(stack.stores.figures, 'G1', { date: '2021-12-31' });
    // Act
    await stack.send([
      validEvent('org.evaluated', { data: { orgId: 'C11', year: 2021, rating: 'good' } }),
      validEvent('org.updated', { data: { orgId: 'C12', sector: 'private-enterprise', establishedOn: '2021-06-01' } }),
      validEvent('org.evaluated', { data: { orgId: 'G1', year: 2021, rating: 'completed' } }),
      validEvent('org.evaluated', { data: { orgId: 'C11', year: 2021, rating: 'excellent' } }),
    ]);
    await stack.settle();
    const after = await buildReport(stack.stores.figures, 'G1', { date: '2021-12-31' });
    const hp = await buildReport(stack.stores.figures, 'HP', { date: '2021-12-31' });
    // Assess
    expect(before.orgRatings).toEqual({ excellent: 0, good: 0, completed: 0, notCompleted: 0 });
    expect(after.orgRatings).toEqual({ excellent: 1, good: 0, completed: 1, notCompleted: 0 });
    expect(after.organizations).toMatchObject({ newInYear: 1, privateSector: 1 });
    expect(after.members).toEqual(before.members);
    expect(hp.orgRatings).toEqual(after.orgRatings);
  });

  it('finds no difference between the stored figures and a recount from the records', async () => {
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
  });

  it('reads every record exactly once however the scan is paged and segmented', async () => {
    // Arrange: what the table holds, read in one sequential pass
    const all: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await documentClient().send(
        new ScanCommand({ TableName: stack.env.RECORDS_TABLE_NAME!, ExclusiveStartKey: start, ConsistentRead: true }),
      );
      for (const item of page.Items ?? []) all.push(`${String(item.pk)}|${String(item.sk)}`);
      start = page.LastEvaluatedKey;
    } while (start);
    // Act
    const seen: string[] = [];
    await scanAll(
      stack.clients.documentClient,
      stack.env.RECORDS_TABLE_NAME!,
      (item) => seen.push(`${String(item.pk)}|${String(item.sk)}`),
      { segments: 3, pageSize: 2 },
    );
    // Assess
    expect(all.length).toBeGreaterThan(20);
    expect(seen.sort()).toEqual(all.sort());
  });

  it('finds a figure changed behind its back, names it, and repairs it', async () => {
    // Arrange: Q2's and then G1's subtree gain a member in storage only
    const before = (await buildReport(stack.stores.figures, 'G1', { date: '2021-12-31' })).members.total;
    for (const orgId of ['Q2', 'G1']) {
      const [stored] = await stack.stores.figures.queryMonths(orgId, 'subtree', { from: '2021-03', to: '2021-04' });
      const day = Object.keys(stored!.changes)[0]!;
      const wrong = structuredClone(stored!.changes);
      wrong[day]!['members.total'] = (wrong[day]!['members.total'] ?? 0) + 1;
      expect(await stack.stores.figures.writeMonth({ ...stored!, changes: wrong }, stored!.version)).toBe(true);
    }
    // Act
    const found = await recomputeFigures(stack.stores.recompute, { write: false });
    const repaired = await recomputeFigures(stack.stores.recompute, { write: true });
    // Assess: named in org order, whatever order the scans came back in
    expect(found.map((d) => `${d.kind}:${d.orgId}`)).toEqual(['subtree:G1', 'subtree:Q2']);
    expect(found[0]!.lines.join('\n')).toContain('members.total');
    expect(repaired).toHaveLength(2);
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    expect((await buildReport(stack.stores.figures, 'G1', { date: '2021-12-31' })).members.total).toBe(before);
  });

  it('upgrades figures kept by the previous release: month items rebuilt from its contributions, its items deleted', async () => {
    // Prepare: the Figures table as the previous release left it — no month or nets
    // items, its whole-year items, and contributions as lists of the first fifteen figures
    const figuresTable = stack.env.FIGURES_TABLE_NAME!;
    const before = await buildReport(stack.stores.figures, 'HP', { date: '2021-12-31' });
    const items: Record<string, unknown>[] = [];
    await scanAll(stack.clients.documentClient, figuresTable, (item) => items.push(item));
    const asList = (changes: DatedChanges) =>
      Object.fromEntries(Object.entries(changes).map(([d, t]) => [d, FIXED_FIGURES.slice(0, 15).map((f) => t[f.name] ?? 0)]));
    for (const item of items) {
      const Key = { pk: item.pk, sk: item.sk };
      if (String(item.pk).startsWith('ORG#')) await documentClient().send(new DeleteCommand({ TableName: figuresTable, Key }));
      else {
        const { changes } = contributionFromItem(item);
        await documentClient().send(new PutCommand({ TableName: figuresTable, Item: { ...item, changes: asList(changes) } }));
      }
    }
    const old = [
      { pk: 'ORG#HP', sk: 'SUBTREE' },
      { pk: 'ORG#HP', sk: 'SUBTREE#ASOF#2021' },
    ];
    for (const Key of old) await documentClient().send(new PutCommand({ TableName: figuresTable, Item: { ...Key, version: 3 } }));
    // Act
    const found = await recomputeFigures(stack.stores.recompute, { write: false });
    await recomputeFigures(stack.stores.recompute, { write: true });
    // Assess: the old items named and gone, the report as it was, nothing left to repair
    expect(found.filter((d) => d.orgId === 'HP' && d.part?.startsWith('SUBTREE')).map((d) => d.part)).toEqual([
      'SUBTREE',
      'SUBTREE#ASOF#2021',
    ]);
    for (const Key of old) expect((await documentClient().send(new GetCommand({ TableName: figuresTable, Key }))).Item).toBeUndefined();
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    expect(await buildReport(stack.stores.figures, 'HP', { date: '2021-12-31' })).toEqual(before);
  });

  it('moves a provisional deadline a later calendar computes otherwise, and flags it no more', async () => {
    // Prepare: a transfer whose deadline an older release stored before the calendar
    // listed 30/4–1/5 (too early, and flagged provisional)
    await stack.send([
      registerOrg('DL', null, 'province'),
      registerOrg('DL1', 'DL', 'grassroots-cell'),
      registerOrg('DL2', 'DL', 'grassroots-cell'),
      validEvent('member.imported', { data: { memberId: 'M-DL', orgId: 'DL1' } }),
      validEvent('transfer.issued', {
        data: { transferId: 'T-DL', memberId: 'M-DL', fromOrgId: 'DL1', toOrgId: 'DL2', issuedOn: '2024-04-26' },
      }),
    ]);
    await stack.settle();
    const right = (await getTransfer(stack, 'T-DL'))!.dueOn!;
    await documentClient().send(
      new UpdateCommand({
        TableName: stack.env.RECORDS_TABLE_NAME!,
        Key: transferKey('T-DL'),
        UpdateExpression: 'SET dueOn = :old, dueOnProvisional = :yes',
        ExpressionAttributeValues: { ':old': '2024-06-06', ':yes': true },
      }),
    );
    await stack.settle();
    // Act
    const found = await recomputeFigures(stack.stores.recompute, { write: false });
    await recomputeFigures(stack.stores.recompute, { write: true });
    await stack.settle();
    // Assess
    expect(found.map((d) => d.part)).toEqual(['deadline:TRANSFER#T-DL']);
    expect(found[0]!.lines).toEqual([`dueOn 2024-06-06 → ${right}`]);
    expect(await getTransfer(stack, 'T-DL')).toMatchObject({ dueOn: right });
    expect((await getTransfer(stack, 'T-DL'))?.dueOnProvisional).toBeUndefined();
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
  });
});
