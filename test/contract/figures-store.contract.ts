// The promises of the figures' port (shared/use-cases/refresh-figures/port.ts), as a suite
// any implementation must pass: test/unit/contract.test.ts runs it on the in-memory store
// the unit tests use, test/integration/contract.test.ts on the DynamoDB one. The records a
// cell holds are put by the harness (`records`), as the ingest would leave them; each
// test uses ids of its own, so one store may serve the whole suite.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emptyFigures } from '../../shared/domain/figures/index.js';
import type { FactRecord, MemberRecord } from '../../shared/domain/records.js';
import { asOfId, figuresId, type FiguresStore } from '../../shared/use-cases/refresh-figures/port.js';

/** An implementation under test, with the ingest's part played: putting records where the store reads them. */
export interface FiguresHarness {
  store: FiguresStore;
  /** Puts a member as the ingest writes it; answers its partition key. */
  putMember(member: MemberRecord): Promise<string>;
  putFact(fact: FactRecord): Promise<void>;
}

const member = (memberId: string, cellId: string, extra: Partial<MemberRecord> = {}): MemberRecord => ({
  memberId,
  cellId,
  status: 'official',
  traits: { female: true, youthUnion: false, ethnicMinority: false, religious: false },
  admittedOn: '2016-05-19',
  recognizedOn: '2017-05-19',
  ratings: {},
  badges: {},
  origin: 'imported',
  version: 1,
  ...extra,
});

export function figuresStoreContract(implementation: string, harnessFor: () => Promise<FiguresHarness>): void {
  describe(`FiguresStore contract: ${implementation}`, () => {
    const id = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

    it('leaves figures never written out of what it reads, and writes them at version 1 only if still absent', async () => {
      // Prepare
      const { store } = await harnessFor();
      const orgId = id('O');
      const figures = emptyFigures();
      // Act
      const absent = await store.readFigures([{ orgId, kind: 'own' }]);
      const created = await store.writeFigures(orgId, 'own', figures, undefined);
      const createdAgain = await store.writeFigures(orgId, 'own', figures, undefined);
      const read = await store.readFigures([{ orgId, kind: 'own' }]);
      // Assess
      expect(absent.size).toBe(0);
      expect([created, createdAgain]).toEqual([true, false]);
      expect(read.get(figuresId(orgId, 'own'))).toMatchObject({ orgId, kind: 'own', version: 1, figures });
    });

    it('writes figures at the next version only if nobody wrote since the version read, and keeps the bookkeeping given', async () => {
      // Prepare
      const { store } = await harnessFor();
      const orgId = id('O');
      await store.writeFigures(orgId, 'subtree', emptyFigures(), undefined, { absorbed: { own: 1 }, treeVersion: 4 });
      const changed = emptyFigures();
      changed.current.members.total = 3;
      // Act
      const stale = await store.writeFigures(orgId, 'subtree', changed, 2);
      const written = await store.writeFigures(orgId, 'subtree', changed, 1, { absorbed: { own: 2 }, treeVersion: 5 });
      const stored = (await store.readFigures([{ orgId, kind: 'subtree' }])).get(figuresId(orgId, 'subtree'));
      const withoutBookkeeping = await store.writeFigures(orgId, 'subtree', changed, 2);
      const after = (await store.readFigures([{ orgId, kind: 'subtree' }])).get(figuresId(orgId, 'subtree'));
      // Assess
      expect([stale, written, withoutBookkeeping]).toEqual([false, true, true]);
      expect(stored).toMatchObject({ version: 2, figures: changed, absorbed: { own: 2 }, treeVersion: 5 });
      expect(after?.version).toBe(3);
      expect(after?.absorbed).toBeUndefined();
      expect(after?.treeVersion).toBeUndefined();
    });

    it('reads and writes as-of items under the same versions, each part apart', async () => {
      // Prepare
      const { store } = await harnessFor();
      const orgId = id('O');
      const item = { orgId, kind: 'own' as const, part: '2021', data: { '03-02': [1] } };
      // Act
      const created = await store.writeAsOf(item, undefined);
      const again = await store.writeAsOf(item, undefined);
      const next = await store.writeAsOf({ ...item, data: { '03-02': [2] } }, 1);
      const read = await store.readAsOf([
        { orgId, kind: 'own', part: '2021' },
        { orgId, kind: 'own', part: 'nets' },
      ]);
      // Assess
      expect([created, again, next]).toEqual([true, false, true]);
      expect([...read.keys()]).toEqual([asOfId(orgId, 'own', '2021')]);
      expect(read.get(asOfId(orgId, 'own', '2021'))).toMatchObject({ version: 2, data: { '03-02': [2] } });
    });

    it("keeps a record's contribution unless a later version of the record is there, and says what it replaced", async () => {
      // Prepare
      const { store } = await harnessFor();
      const cellId = id('C');
      const contribution = (version: number, day: string) => ({
        cellId,
        recordPk: 'MEMBER#M1',
        version,
        changes: { [`2021-${day}`]: [1] },
      });
      // Act
      const first = await store.putContribution(contribution(2, '03-02'));
      const same = await store.putContribution(contribution(2, '03-02'));
      const older = await store.putContribution(contribution(1, '01-01'));
      const later = await store.putContribution(contribution(3, '04-10'));
      await store.putContribution({ ...contribution(1, '05-05'), recordPk: 'MEMBER#M2' });
      const all = await store.queryContributions(cellId);
      // Assess
      expect(first).toEqual({ written: true });
      expect(same).toEqual({ written: true, replaced: { changes: { '2021-03-02': [1] }, version: 2 } });
      expect(older).toEqual({ written: false });
      expect(later).toEqual({ written: true, replaced: { changes: { '2021-03-02': [1] }, version: 2 } });
      expect(all.map((c) => [c.recordPk, c.version]).sort()).toEqual([
        ['MEMBER#M1', 3],
        ['MEMBER#M2', 1],
      ]);
      expect(await store.queryContributions(id('C'))).toEqual([]);
    });

    it('gives what a cell holds now: its members on the rolls, not one that left, and each record at its version', async () => {
      // Prepare
      const harness = await harnessFor();
      const cellId = id('C');
      const onRolls = await harness.putMember(member(id('M'), cellId, { version: 3 }));
      await harness.putMember(member(id('M'), cellId, { status: 'exited', exit: { reason: 'resigned', on: '2021-06-01' } }));
      await harness.putMember(member(id('M'), id('C')));
      // Act
      const held = await harness.store.queryCellItems(cellId);
      // Assess
      expect(held.map((h) => h.pk)).toEqual([onRolls]);
      expect(held[0]?.stored).toMatchObject({ entity: 'member', record: { cellId, version: 3 } });
      expect(await harness.store.currentVersion({ pk: onRolls, sk: 'MEMBER' })).toBe(3);
      expect(await harness.store.currentVersion({ pk: `MEMBER#${id('M')}`, sk: 'MEMBER' })).toBe(0);
    });

    it("gives a cell's facts of one year, none of another year or cell", async () => {
      // Prepare
      const harness = await harnessFor();
      const cellId = id('C');
      const fact = (year: number, factId: string, cell = cellId): FactRecord => ({
        cellId: cell,
        year,
        factId,
        on: `${year}-03-02`,
        fact: { kind: 'recognition' },
      });
      await harness.putFact(fact(2021, 'a'));
      await harness.putFact(fact(2021, 'b'));
      await harness.putFact(fact(2022, 'c'));
      await harness.putFact(fact(2021, 'd', id('C')));
      // Act
      const facts = await harness.store.queryFacts(cellId, 2021);
      // Assess
      expect(facts.map((f) => f.factId).sort()).toEqual(['a', 'b']);
      expect(facts[0]).toMatchObject({ cellId, year: 2021, fact: { kind: 'recognition' } });
    });
  });
}
