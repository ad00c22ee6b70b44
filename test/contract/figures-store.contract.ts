// The promises of the figures' port (shared/use-cases/refresh-figures/port.ts) and the
// report's (build-report/port.ts), as a suite any implementation must pass:
// test/unit/contract.test.ts runs it on the in-memory store the unit tests use,
// test/integration/contract.test.ts on the DynamoDB one. The records the store reads from
// the Records table (facts, orgs) are put by the harness, as the ingest would leave them;
// each test uses ids of its own, so one store may serve the whole suite.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FactRecord, OrgRecord } from '../../shared/domain/records.js';
import type { ReportReader } from '../../shared/use-cases/build-report/port.js';
import { monthId, netsId, type FiguresStore } from '../../shared/use-cases/refresh-figures/port.js';

/** An implementation under test, with the ingest's part played: putting records where the store reads them. */
export interface FiguresHarness {
  store: FiguresStore & ReportReader;
  putFact(fact: FactRecord): Promise<void>;
  putOrg(org: OrgRecord): Promise<void>;
}

export function figuresStoreContract(implementation: string, harnessFor: () => Promise<FiguresHarness>): void {
  describe(`FiguresStore contract: ${implementation}`, () => {
    const id = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

    it('leaves months never written out of what it reads, and writes one at version 1 only if still absent', async () => {
      // Prepare
      const { store } = await harnessFor();
      const orgId = id('O');
      const item = { orgId, kind: 'own' as const, month: '2021-03', changes: { '2021-03-02': { 'members.total': 1 } } };
      // Act
      const absent = await store.readItems({ months: [{ orgId, kind: 'own', month: '2021-03' }] });
      const created = await store.writeMonth(item, undefined);
      const createdAgain = await store.writeMonth(item, undefined);
      const read = await store.readItems({
        months: [
          { orgId, kind: 'own', month: '2021-03' },
          { orgId, kind: 'own', month: '2021-04' },
        ],
      });
      // Assess
      expect(absent.months.size).toBe(0);
      expect([created, createdAgain]).toEqual([true, false]);
      expect([...read.months.keys()]).toEqual([monthId(orgId, 'own', '2021-03')]);
      expect(read.months.get(monthId(orgId, 'own', '2021-03'))).toMatchObject({ ...item, version: 1 });
    });

    it('writes a month at the next version only if nobody wrote since the version read, with the bookkeeping given', async () => {
      // Prepare
      const { store } = await harnessFor();
      const orgId = id('O');
      const month = { orgId, kind: 'subtree' as const, month: '2021-03' };
      await store.writeMonth({ ...month, changes: {}, absorbed: { '@own': 1 }, treeVersion: 4 }, undefined);
      const changes = { '2021-03-02': { 'members.total': 3, 'transfers.officialOut#HP-Q2-C1': 1, 'dossiers.daysToClose#41': 2 } };
      // Act
      const stale = await store.writeMonth({ ...month, changes }, 2);
      const written = await store.writeMonth({ ...month, changes, absorbed: { '@own': 2, C1: 7 }, treeVersion: 5 }, 1);
      const stored = (await store.readItems({ months: [month] })).months.get(monthId(orgId, 'subtree', '2021-03'));
      const withoutBookkeeping = await store.writeMonth({ ...month, changes }, 2);
      const after = (await store.readItems({ months: [month] })).months.get(monthId(orgId, 'subtree', '2021-03'));
      // Assess
      expect([stale, written, withoutBookkeeping]).toEqual([false, true, true]);
      expect(stored).toMatchObject({ version: 2, changes, absorbed: { '@own': 2, C1: 7 }, treeVersion: 5 });
      expect(after?.version).toBe(3);
      expect(after?.absorbed).toBeUndefined();
      expect(after?.treeVersion).toBeUndefined();
    });

    it("lists an org's months of one kind in a range, in order, and all of them without one", async () => {
      // Prepare
      const { store } = await harnessFor();
      const orgId = id('O');
      for (const month of ['2021-12', '2020-03', '2021-01', '2022-01']) {
        await store.writeMonth({ orgId, kind: 'subtree', month, changes: { [`${month}-05`]: { 'members.total': 1 } } }, undefined);
      }
      await store.writeMonth({ orgId, kind: 'own', month: '2021-06', changes: { '2021-06-05': { 'members.total': 1 } } }, undefined);
      // Act
      const range = await store.queryMonths(orgId, 'subtree', { from: '2021-01', to: '2021-12' });
      const all = await store.queryMonths(orgId, 'subtree');
      // Assess
      expect(range.map((m) => m.month)).toEqual(['2021-01', '2021-12']);
      expect(all.map((m) => m.month)).toEqual(['2020-03', '2021-01', '2021-12', '2022-01']);
      expect(all[0]?.changes).toEqual({ '2020-03-05': { 'members.total': 1 } });
    });

    it('keeps the nets of closed years and the month versions they sum, under the same versions', async () => {
      // Prepare
      const { store } = await harnessFor();
      const orgId = id('O');
      const nets = {
        orgId,
        kind: 'own' as const,
        through: 2025,
        years: { '2021': { 'members.total': 4, 'admissions.total': 2 } },
        seen: { '2021': [0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 12] },
      };
      // Act
      const created = await store.writeNets(nets, undefined);
      const again = await store.writeNets(nets, undefined);
      const next = await store.writeNets({ ...nets, through: 2026 }, 1);
      const read = await store.readItems({
        nets: [
          { orgId, kind: 'own' },
          { orgId, kind: 'subtree' },
        ],
      });
      // Assess
      expect([created, again, next]).toEqual([true, false, true]);
      expect([...read.nets.keys()]).toEqual([netsId(orgId, 'own')]);
      expect(read.nets.get(netsId(orgId, 'own'))).toMatchObject({ ...nets, through: 2026, version: 2 });
    });

    it('deletes the subtree items of an org, and nothing of its own', async () => {
      // Prepare
      const { store } = await harnessFor();
      const orgId = id('O');
      const changes = { '2021-03-02': { 'members.total': 1 } };
      await store.writeMonth({ orgId, kind: 'subtree', month: '2021-03', changes }, undefined);
      await store.writeNets({ orgId, kind: 'subtree', through: 2025, years: {}, seen: {} }, undefined);
      await store.writeMonth({ orgId, kind: 'own', month: '2021-03', changes }, undefined);
      // Act
      await store.deleteSubtreeItems(orgId);
      // Assess
      expect(await store.queryMonths(orgId, 'subtree')).toEqual([]);
      expect((await store.readItems({ nets: [{ orgId, kind: 'subtree' }] })).nets.size).toBe(0);
      expect((await store.queryMonths(orgId, 'own')).map((m) => m.month)).toEqual(['2021-03']);
    });

    it("keeps a record's contribution unless a later version of the record is there, and says what it replaced", async () => {
      // Prepare
      const { store } = await harnessFor();
      const cellId = id('C');
      const contribution = (version: number, day: string) => ({
        cellId,
        recordPk: 'MEMBER#M1',
        version,
        changes: { [`2021-${day}`]: { 'members.total': 1, 'dossiers.dueSoonBy#2021-05-01': -1 } },
      });
      // Act
      const first = await store.putContribution(contribution(2, '03-02'));
      const same = await store.putContribution(contribution(2, '03-02'));
      const older = await store.putContribution(contribution(1, '01-01'));
      const later = await store.putContribution(contribution(3, '04-10'));
      await store.putContribution({ ...contribution(1, '05-05'), recordPk: 'MEMBER#M2' });
      const all = await store.queryContributions(cellId);
      // Assess
      const was = { changes: contribution(2, '03-02').changes, version: 2 };
      expect(first).toEqual({ written: true });
      expect(same).toEqual({ written: true, replaced: was });
      expect(older).toEqual({ written: false });
      expect(later).toEqual({ written: true, replaced: was });
      expect(all.map((c) => [c.recordPk, c.version]).sort()).toEqual([
        ['MEMBER#M1', 3],
        ['MEMBER#M2', 1],
      ]);
      expect(all.find((c) => c.recordPk === 'MEMBER#M1')?.changes).toEqual(contribution(3, '04-10').changes);
      expect(await store.queryContributions(id('C'))).toEqual([]);
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

    it('reads the org records as they are now', async () => {
      // Prepare
      const harness = await harnessFor();
      const orgId = id('O');
      const org: OrgRecord = {
        orgId,
        parentId: null,
        name: 'Chi bộ 1',
        level: 'cell',
        status: 'active',
        targets: { '2021': 3 },
        version: 2,
      };
      await harness.putOrg(org);
      // Act
      const read = await harness.store.readOrgs([orgId, id('O')]);
      // Assess
      expect([...read.keys()]).toEqual([orgId]);
      expect(read.get(orgId)).toEqual(org);
    });
  });
}
