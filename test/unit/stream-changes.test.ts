// Which figures a stream batch makes stale (data/stream-changes.ts, domain/figures/stale.ts,
// refresh-figures/contributions.ts): a record change recounts the months of the cells where
// its contribution changed and no other; a fact, the month of its date; an org, a
// restructuring only when the tree's shape moved.
import { describe, expect, it } from 'vitest';
import { recordChangesOf, type StreamImages } from '../../shared/data/stream-changes.js';
import { staleFrom as staleFromChanges } from '../../shared/domain/figures/stale.js';
import { recordChanges } from '../../shared/domain/figures/index.js';
import { FIGURES_BY_IMPORT, toItem } from '../../shared/data/keys.js';
import type { DossierRecord, FactRecord, MemberRecord, OrgRecord, StoredRecord, TransferRecord } from '../../shared/domain/records.js';
import { writeContributions } from '../../shared/use-cases/refresh-figures/index.js';
import { InMemoryFiguresStore } from '../helpers/in-memory-stores.js';

const member = (extra: Partial<MemberRecord> = {}): MemberRecord => ({
  memberId: 'M1',
  cellId: 'C1',
  status: 'probationary',
  traits: { female: true, youthUnion: false, ethnicMinority: false, religious: false },
  admittedOn: '2021-03-01',
  ratings: {},
  badges: {},
  origin: 'admitted',
  version: 1,
  ...extra,
});
/** What the figures handler makes of a batch of stream images. */
const staleFrom = (images: StreamImages[]) => staleFromChanges(recordChangesOf(images));
const memberItem = (m: MemberRecord) => toItem({ entity: 'member', record: m });

/**
 * The months each cell recounts for a batch, the contributions of the versions before it
 * being in place (put by the batch that brought them).
 */
async function recounted(images: StreamImages[]): Promise<Record<string, string[]>> {
  const store = new InMemoryFiguresStore();
  for (const { oldImage } of images) {
    const stored = oldImage && (recordChangesOf([{ newImage: oldImage }])[0]?.after?.stored as StoredRecord | undefined);
    if (!stored || stored.entity === 'fact' || stored.entity === 'org') continue;
    for (const [cellId, changes] of recordChanges(stored)) {
      await store.putContribution({ cellId, recordPk: String(oldImage.pk), version: stored.record.version, changes });
    }
  }
  const months = await writeContributions(store, staleFrom(images).records.values());
  return Object.fromEntries([...months].map(([cell, set]) => [cell, [...set].sort()]));
}

describe("the bulk import's own inserts", () => {
  it('are left aside, and the next change of the member is counted as any other', async () => {
    // Prepare: the import's insert of M1 (its figures written by the import), then an event's change
    const imported = { ...memberItem(member()), ...FIGURES_BY_IMPORT };
    const changed = memberItem(member({ version: 2, status: 'official', recognizedOn: '2022-03-01' }));
    // Act
    const insertOnly = staleFrom([{ newImage: imported }]);
    const afterEvent = staleFrom([{ newImage: imported }, { oldImage: imported, newImage: changed }]);
    // Assess
    expect(insertOnly.records.size).toBe(0);
    expect(afterEvent.records.get('MEMBER#M1')).toMatchObject({ version: 2, firstVersion: 2 });
    expect(staleFrom([{ oldImage: imported, newImage: changed }])).toEqual(
      staleFrom([{ oldImage: memberItem(member()), newImage: changed }]),
    );
  });

  it('are only those the import marks: a record cannot carry the mark into an item, and an overwrite is counted', () => {
    // Prepare: a record smuggling the attribute, and the import's put over an existing member
    const smuggled = toItem({ entity: 'member', record: { ...member(), ...FIGURES_BY_IMPORT } as MemberRecord });
    const overwrite = { oldImage: memberItem(member()), newImage: { ...memberItem(member()), ...FIGURES_BY_IMPORT } };
    // Act / Assess
    expect(smuggled).not.toHaveProperty('figuresBy');
    expect(staleFrom([{ newImage: smuggled }]).records.size).toBe(1);
    expect(staleFrom([overwrite]).records.size).toBe(1);
  });
});

describe('the months a record change makes stale', () => {
  it('recounts no month for an evaluation or a badge, but puts the record at its version', async () => {
    // Prepare
    const images = [
      {
        oldImage: memberItem(member()),
        newImage: memberItem(member({ version: 2, ratings: { '2021': { rating: 'excellent', cellId: 'C1' } } })),
      },
    ];
    // Act / Assess
    expect(await recounted(images)).toEqual({});
    expect(staleFrom(images).records.get('MEMBER#M1')?.version).toBe(2);
  });

  it('compares a legacy image (a readable profile, no traits) by the traits its profile makes', async () => {
    // Prepare: an item written before traits and sealing existed, then its first rewrite
    const { traits: _, ...legacy } = memberItem(member());
    const old = { ...legacy, profile: { sex: 'female', youthUnion: false, ethnicity: 'Kinh', religion: null } };
    // Act / Assess: the same traits count the same; another sex counts otherwise
    const badge = { badges: { '30-years': '2021-09-02' } };
    expect(await recounted([{ oldImage: old, newImage: memberItem(member({ version: 2, ...badge })) }])).toEqual({});
    const male = { female: false, youthUnion: false, ethnicMinority: false, religious: false };
    expect(await recounted([{ oldImage: old, newImage: memberItem(member({ version: 2, traits: male })) }])).toEqual({ C1: ['2021-03'] });
  });

  it('recounts the months where it counts otherwise: a recognition, a trait, an exemption, an exit', async () => {
    for (const [next, months] of [
      [{ status: 'official' as const, recognizedOn: '2022-03-01' }, ['2022-03']],
      [{ traits: { female: false, youthUnion: false, ethnicMinority: false, religious: false } }, ['2021-03']],
      [{ exemptedOn: '2022-01-01' }, ['2022-01']],
      [{ status: 'exited' as const, exit: { reason: 'resigned' as const, on: '2022-06-30' } }, ['2022-06']],
    ] as const) {
      const images = [{ oldImage: memberItem(member()), newImage: memberItem(member({ version: 2, ...next })) }];
      expect(await recounted(images), JSON.stringify(next)).toEqual({ C1: months });
    }
  });

  it('recounts both cells of a move, the cell of a new record and of a deleted one', async () => {
    const moved = member({
      cellId: 'C2',
      version: 2,
      status: 'official',
      stints: [
        { cellId: 'C1', from: '2021-03-01', until: '2021-06-01' },
        { cellId: 'C2', from: '2021-06-10' },
      ],
    });
    expect(await recounted([{ oldImage: memberItem(member()), newImage: memberItem(moved) }])).toEqual({
      C1: ['2021-06'],
      C2: ['2021-06'],
    });
    expect(await recounted([{ newImage: memberItem(member()) }])).toEqual({ C1: ['2021-03'] });
    expect(await recounted([{ oldImage: memberItem(member()) }])).toEqual({ C1: ['2021-03'] });
  });

  it('recounts the months a dossier step or a deadline moves', async () => {
    const dossier: DossierRecord = {
      dossierId: 'D1',
      personId: 'P1',
      cellId: 'C1',
      status: 'open',
      step: 'received',
      receivedOn: '2021-03-01',
      dueOn: '2021-05-01',
      steps: { received: '2021-03-01' },
      version: 1,
    };
    const item = (d: Partial<DossierRecord>) => toItem({ entity: 'dossier', record: { ...dossier, ...d } });
    const step = { version: 2, step: 'processing' as const, steps: { received: '2021-03-01', processing: '2021-04-02' } };
    expect(await recounted([{ oldImage: item({}), newImage: item(step) }])).toEqual({ C1: ['2021-04'] });
    // The deadline is when it becomes overdue, and which key it is due soon under.
    expect(await recounted([{ oldImage: item({}), newImage: item({ version: 2, dueOn: '2021-05-04' }) }])).toEqual({
      C1: ['2021-03', '2021-05'],
    });
  });

  it("recounts the sending cell when a pending transfer's deadline moves, and both cells when a temporary one is received", async () => {
    const transfer: TransferRecord = {
      transferId: 'T1',
      memberId: 'M1',
      kind: 'temporary',
      fromOrgId: 'C1',
      toOrgId: 'C2',
      fromExternal: false,
      toExternal: false,
      issuedOn: '2021-03-01',
      dueOn: '2021-04-01',
      status: 'issued',
      version: 1,
    };
    const item = (t: Partial<TransferRecord>) => toItem({ entity: 'transfer', record: { ...transfer, ...t } });
    expect(await recounted([{ oldImage: item({}), newImage: item({ version: 2, dueOn: '2021-04-05' }) }])).toEqual({ C1: ['2021-04'] });
    const received = { version: 2, status: 'received' as const, receivedOn: '2021-04-10' };
    expect(await recounted([{ oldImage: item({}), newImage: item(received) }])).toEqual({ C1: ['2021-04'], C2: ['2021-04'] });
    // A change that moves nothing counted (the provisional flag cleared, the same date)
    expect(await recounted([{ oldImage: item({ dueOnProvisional: true }), newImage: item({ version: 2 }) }])).toEqual({});
  });
});

describe('facts and orgs in a batch', () => {
  it('recounts the month of a fact put or deleted, in its cell', () => {
    const fact: FactRecord = { cellId: 'C1', year: 2021, factId: 'rating#M1', on: '2021-12-31', fact: { kind: 'rating', rating: 'good' } };
    const item = toItem({ entity: 'fact', record: fact });
    expect(staleFrom([{ newImage: item }]).factMonths).toEqual(new Map([['C1', new Set(['2021-12'])]]));
    expect(staleFrom([{ oldImage: item }]).factMonths).toEqual(new Map([['C1', new Set(['2021-12'])]]));
  });

  it('restructures for a new parent or a dissolution, never for a name, a target or a new org', () => {
    const org: OrgRecord = { orgId: 'C1', parentId: 'G1', name: 'Chi bộ 1', level: 'cell', status: 'active', targets: {}, version: 1 };
    const item = (o: Partial<OrgRecord>) => toItem({ entity: 'org', record: { ...org, ...o } });
    expect([...staleFrom([{ oldImage: item({}), newImage: item({ version: 2, parentId: 'G2' }) }]).orgs].sort()).toEqual([
      'C1',
      'G1',
      'G2',
    ]);
    const merged = { version: 2, status: 'dissolved' as const, mergedInto: 'C2', parentId: 'C2' };
    expect([...staleFrom([{ oldImage: item({}), newImage: item(merged) }]).orgs].sort()).toEqual(['C1', 'C2', 'G1']);
    expect(staleFrom([{ oldImage: item({}), newImage: item({ version: 2, name: 'Chi bộ Một', targets: { '2021': 3 } }) }]).orgs.size).toBe(
      0,
    );
    expect(staleFrom([{ newImage: item({}) }]).orgs.size).toBe(0);
  });
});
