// The delta merge (domain/figures/delta.ts, use case refresh-figures): after any mix of
// redelivery, races, crashes and restructuring, every subtree item (figures and as of a
// date) must be exactly the merge of its sources — checked against a merge from scratch.
import { describe, expect, it } from 'vitest';
import {
  applyFiguresDeltas,
  applyTallyDeltas,
  byYear,
  countCellFigures,
  diffFigures,
  diffTallies,
  emptyFigures,
  emptyYear,
  mergeSubtree,
  OWN_SOURCE,
  planMerge,
  recordChanges,
  sumChanges,
  type DatedChanges,
  type OrgFigures,
} from '../../shared/domain/figures/index.js';
import type { FactRecord, MemberRecord, OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import { recordChangesOf } from '../../shared/data/stream-changes.js';
import { staleFrom, type Stale } from '../../shared/domain/figures/stale.js';
import { toItem } from '../../shared/data/keys.js';
import { refreshFigures } from '../../shared/use-cases/refresh-figures/index.js';
import { asOfId, figuresId } from '../../shared/use-cases/refresh-figures/port.js';
import { InMemoryFiguresStore } from '../helpers/in-memory-stores.js';

function org(orgId: string, parentId: string | null, level: OrgLevel, extra: Partial<OrgRecord> = {}): OrgRecord {
  return { orgId, parentId, name: orgId, level, status: 'active', targets: {}, version: 1, ...extra };
}

function member(id: string, cellId: string, version: number, admittedOn = '2021-03-01', female = false): MemberRecord {
  return {
    memberId: id,
    cellId,
    status: 'official',
    traits: { female, youthUnion: false, ethnicMinority: false, religious: false },
    admittedOn,
    recognizedOn: admittedOn,
    ratings: {},
    badges: {},
    origin: 'admitted',
    version,
  };
}

/**
 * R ─ D1 ─ C11, C12
 *   └ D2 ─ C21
 */
function city(): InMemoryFiguresStore {
  const store = new InMemoryFiguresStore();
  store.putOrg(org('R', null, 'province'));
  store.putOrg(org('D1', 'R', 'upper-grassroots'));
  store.putOrg(org('D2', 'R', 'upper-grassroots'));
  for (const [cell, parent] of [
    ['C11', 'D1'],
    ['C12', 'D1'],
    ['C21', 'D2'],
  ] as const) {
    store.putOrg(org(cell, parent, 'cell'));
  }
  return store;
}

const emptyStale = (): Stale => ({ cells: new Map(), records: new Map(), orgs: new Set() });

/** Puts members (new versions) into the store; returns the batch their stream records make. */
function change(store: InMemoryFiguresStore, ...members: MemberRecord[]): Stale {
  const stale = emptyStale();
  for (const m of members) {
    const pk = `MEMBER#${m.memberId}`;
    const before = store.members.get(pk);
    store.members.set(pk, structuredClone(m));
    for (const cellId of new Set([before?.cellId, m.cellId])) {
      if (cellId) stale.cells.set(cellId, { current: true, years: new Set(), expectations: [] });
    }
    const images = [...(before ? [{ entity: 'member' as const, record: before }] : []), { entity: 'member' as const, record: m }];
    stale.records.set(pk, { pk, version: m.version, firstVersion: m.version, images, latest: { entity: 'member', record: m } });
  }
  return stale;
}

/** Puts members (new versions) into the store; returns the batch the stream makes of their old and new images. */
function streamed(store: InMemoryFiguresStore, ...members: MemberRecord[]): Stale {
  return staleFrom(
    recordChangesOf(
      members.map((m) => {
        const pk = `MEMBER#${m.memberId}`;
        const before = store.members.get(pk);
        store.members.set(pk, structuredClone(m));
        const image = (record: MemberRecord) => toItem({ entity: 'member', record });
        return { ...(before ? { oldImage: image(before) } : {}), newImage: image(m) };
      }),
    ),
  );
}

/** Puts a fact into the store; returns the batch its stream record makes. */
function addFact(store: InMemoryFiguresStore, fact: FactRecord): Stale {
  store.facts.push(fact);
  const stale = emptyStale();
  stale.cells.set(fact.cellId, { current: false, years: new Set([fact.year]), expectations: [] });
  return stale;
}

/** Changes an org; returns the batch its stream record makes (the org and its old and new parent). */
function changeOrg(store: InMemoryFiguresStore, next: OrgRecord): Stale {
  const before = store.orgs.get(next.orgId);
  store.putOrg(next);
  const stale = emptyStale();
  for (const id of [next.orgId, before?.parentId, next.parentId]) if (id) stale.orgs.add(id);
  return stale;
}

/** Every subtree item equals the merge from scratch of the records now, figures and as of a date. */
async function expectExact(store: InMemoryFiguresStore): Promise<void> {
  const tree = await store.currentOrgTree();
  const members = [...store.members.values()];
  const subtree = new Map<string, OrgFigures>();
  const ownChanges = new Map<string, DatedChanges[]>();
  for (const m of members) {
    for (const [cell, changes] of recordChanges({ entity: 'member', record: m }))
      ownChanges.set(cell, [...(ownChanges.get(cell) ?? []), changes]);
  }
  const subtreeChanges = new Map<string, DatedChanges>();
  for (const id of tree.bottomUp()) {
    const own =
      tree.get(id)?.level === 'cell'
        ? countCellFigures({ cellId: id, members, dossiers: [], transfers: [], facts: store.facts })
        : emptyFigures();
    expect(diffFigures(store.figures.get(figuresId(id, 'own'))?.figures, own), `own:${id}`).toEqual([]);
    const merged = mergeSubtree(
      id,
      own,
      tree.children(id).map((c) => subtree.get(c.orgId)),
      (other) => tree.isInSubtree(id, other),
    );
    subtree.set(id, merged);
    expect(diffFigures(store.figures.get(figuresId(id, 'subtree'))?.figures, merged), `subtree:${id}`).toEqual([]);
    const changes = sumChanges([...(ownChanges.get(id) ?? []), ...tree.children(id).map((c) => subtreeChanges.get(c.orgId))]);
    subtreeChanges.set(id, changes);
    const split = byYear(changes);
    const parts = new Map(Object.entries({ nets: split.nets, ...split.days }));
    for (const item of store.asOf.values())
      if (item.orgId === id && item.kind === 'subtree' && !parts.has(item.part)) parts.set(item.part, {});
    for (const [part, data] of parts) {
      expect(diffTallies(store.asOf.get(asOfId(id, 'subtree', part))?.data, data), `subtree:${id}:${part}`).toEqual([]);
    }
  }
}

/** Makes the first write of `id` wait until a second writer of `id` has written (two refreshes racing). */
function raceOn(store: InMemoryFiguresStore, id: string): void {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let writers = 0;
  store.beforeWrite = async (w) => {
    if (w !== id) return;
    writers += 1;
    if (writers === 1) await released;
    else if (writers === 2) setTimeout(release, 0);
  };
}

/** Makes the next write of `id` throw, as a Lambda dying there would. */
function crashOn(store: InMemoryFiguresStore, id: string): void {
  store.beforeWrite = (w) => {
    if (w !== id) return;
    store.beforeWrite = undefined;
    throw new Error(`crash before writing ${id}`);
  };
}

/** A city whose every item has been merged once (in full), so that what follows can be a delta. */
async function settledCity(): Promise<InMemoryFiguresStore> {
  const store = city();
  await refreshFigures(store, change(store, member('M1', 'C11', 1), member('M2', 'C12', 1), member('M3', 'C21', 1)));
  return store;
}

describe('the delta merge of subtree figures', () => {
  it('takes in a change of one cell reading no sibling, and stays exact', async () => {
    const store = await settledCity();
    const read: string[] = [];
    const readFigures = store.readFigures.bind(store);
    store.readFigures = async (wanted) => {
      read.push(...wanted.map((w) => figuresId(w.orgId, w.kind)));
      return readFigures(wanted);
    };
    await refreshFigures(store, change(store, member('M4', 'C11', 1, '2022-05-02', true)));
    expect(read.sort()).toEqual(['own:C11', 'subtree:C11', 'subtree:D1', 'subtree:R']);
    await expectExact(store);
  });

  it('counts a batch delivered twice once', async () => {
    const store = await settledCity();
    const batch = change(store, member('M4', 'C11', 1, '2022-05-02', true), member('M2', 'C12', 2, '2021-03-01', true));
    await refreshFigures(store, batch);
    await refreshFigures(store, batch);
    await expectExact(store);
  });

  it('is exact when two refreshes of different cells under one parent race', async () => {
    const store = await settledCity();
    const a = change(store, member('M4', 'C11', 1, '2022-05-02'));
    const b = change(store, member('M5', 'C12', 1, '2023-01-09', true));
    raceOn(store, figuresId('D1', 'subtree'));
    await Promise.all([refreshFigures(store, a), refreshFigures(store, b)]);
    await expectExact(store);
  });

  it('is exact when two refreshes of one cell race, as of a date too', async () => {
    const store = await settledCity();
    const a = change(store, member('M4', 'C11', 1, '2022-05-02'));
    const b = change(store, member('M5', 'C11', 1, '2023-01-09', true));
    raceOn(store, asOfId('C11', 'own', 'nets'));
    await Promise.all([refreshFigures(store, a), refreshFigures(store, b)]);
    await expectExact(store);
    raceOn(store, figuresId('C11', 'own'));
    const c = change(store, member('M6', 'C11', 1, '2023-02-01'));
    const d = change(store, member('M4', 'C11', 2, '2022-05-02', true));
    await Promise.all([refreshFigures(store, c), refreshFigures(store, d)]);
    await expectExact(store);
  });

  it('catches up after a crash between a cell and its parent, other changes coming in between', async () => {
    for (const crashAt of [figuresId('D1', 'subtree'), asOfId('D1', 'subtree', 'nets'), figuresId('R', 'subtree')]) {
      const store = await settledCity();
      const batch = change(store, member('M4', 'C11', 1, '2022-05-02', true));
      crashOn(store, crashAt);
      await expect(refreshFigures(store, batch)).rejects.toThrow(/crash/);
      await refreshFigures(store, change(store, member('M5', 'C12', 1, '2023-01-09')));
      await refreshFigures(store, batch);
      await expectExact(store);
    }
  });

  it('stays exact when an org moves or merges, even between a crash and the redelivery', async () => {
    const store = await settledCity();
    await refreshFigures(store, changeOrg(store, org('C12', 'D2', 'cell')));
    await expectExact(store);
    await refreshFigures(store, change(store, member('M4', 'C12', 1, '2022-05-02')));
    await expectExact(store);

    const batch = change(store, member('M5', 'C11', 1, '2023-01-09', true));
    crashOn(store, figuresId('R', 'subtree'));
    await expect(refreshFigures(store, batch)).rejects.toThrow(/crash/);
    // C11 merged into C21: it keeps its place under its successor, its history with it.
    await refreshFigures(store, changeOrg(store, org('C11', 'C21', 'cell', { status: 'dissolved', mergedInto: 'C21' })));
    await refreshFigures(store, batch);
    await expectExact(store);
  });

  it('never adds a delta merged under another org tree (a slow refresh still holding the old one)', async () => {
    const store = await settledCity();
    let resume = () => {};
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let atD1 = () => {};
    const reachedD1 = new Promise<void>((resolve) => {
      atD1 = resolve;
    });
    store.beforeWrite = async (w) => {
      if (w !== figuresId('D1', 'subtree')) return;
      store.beforeWrite = undefined;
      atD1();
      await paused;
    };
    const slow = refreshFigures(store, change(store, member('M4', 'C12', 1, '2022-05-02')));
    await reachedD1;
    await refreshFigures(store, changeOrg(store, org('C12', 'D2', 'cell')));
    resume();
    await slow;
    await refreshFigures(store, change(store, member('M5', 'C11', 1, '2023-01-09')));
    await refreshFigures(store, change(store, member('M4', 'C12', 2, '2022-05-02', true)));
    await expectExact(store);
  });

  it('keeps a transfer between two cells of one subtree out of that subtree, delta after delta', async () => {
    const store = await settledCity();
    const transfer = (factId: string, from: string, to: string): FactRecord => ({
      cellId: from,
      year: 2022,
      factId,
      on: '2022-06-01',
      fact: { kind: 'transferOut', transferKind: 'official', counterpart: to },
    });
    await refreshFigures(store, addFact(store, transfer('T1', 'C11', 'C12')));
    await refreshFigures(store, addFact(store, transfer('T2', 'C11', 'C21')));
    await refreshFigures(store, addFact(store, transfer('T3', 'C12', 'X-EXTERNAL')));
    await expectExact(store);
    expect(store.figures.get(figuresId('D1', 'subtree'))?.figures.years['2022']?.transfers.officialOut).toEqual({
      C21: 1,
      'X-EXTERNAL': 1,
    });
  });
});

describe('as of a date, only the years a record version changed', () => {
  /** Writes so far of each item as of a date (`kind:org:part`; figures items are `kind:org`). */
  const asOfWrites = (store: InMemoryFiguresStore) => new Map([...store.writes].filter(([id]) => id.split(':').length === 3));
  /** A member admitted in 2020 and recognized in 2021: its contribution spans two years. */
  const spanning = (version: number, recognizedOn = '2021-06-01', extra: Partial<MemberRecord> = {}): MemberRecord => ({
    ...member('M9', 'C11', version, '2020-06-01'),
    recognizedOn,
    ...extra,
  });

  it('writes no item as of a date for a version that changes nothing they count (an evaluation)', async () => {
    const store = await settledCity();
    await refreshFigures(store, change(store, spanning(1)));
    const before = asOfWrites(store);
    await refreshFigures(store, change(store, spanning(2, '2021-06-01', { ratings: { '2021': { rating: 'excellent', cellId: 'C11' } } })));
    expect(asOfWrites(store)).toEqual(before);
    await expectExact(store);
  });

  it('rewrites the changed year and the nets, not the year the change left alone', async () => {
    const store = await settledCity();
    await refreshFigures(store, change(store, spanning(1)));
    const before = asOfWrites(store);
    await refreshFigures(store, change(store, spanning(2, '2021-07-01')));
    const rewritten = [...asOfWrites(store)].filter(([id, n]) => before.get(id) !== n).map(([id]) => id);
    expect(rewritten.some((id) => id.endsWith(':2021'))).toBe(true);
    expect(rewritten.some((id) => id.endsWith(':nets'))).toBe(true);
    expect(rewritten.filter((id) => id.endsWith(':2020'))).toEqual([]);
    await expectExact(store);
  });

  /** A city where version 2 of the member moved its recognition, and the refresh died after the put, before the recount. */
  async function crashedAfterPut(): Promise<{ store: InMemoryFiguresStore; moved: Stale }> {
    const store = await settledCity();
    await refreshFigures(store, change(store, spanning(1)));
    const moved = change(store, spanning(2, '2021-07-01'));
    crashOn(store, asOfId('C11', 'own', 'nets'));
    await expect(refreshFigures(store, moved)).rejects.toThrow(/crash/);
    return { store, moved };
  }

  it('recounts every year again when a batch is redelivered after a crash between the put and the recount', async () => {
    const { store, moved } = await crashedAfterPut();
    // The contribution is already at version 2: only the redelivery's recount can bring the items to it.
    await refreshFigures(store, moved);
    await expectExact(store);
    // The next version changes nothing counted, and stays exact on top.
    await refreshFigures(store, change(store, spanning(3, '2021-07-01', { badges: { '30-years': '2021-09-02' } })));
    await expectExact(store);
  });

  it('recounts every year when the retry of a crashed batch carries more of the record changes than the first attempt', async () => {
    const { store, moved: first } = await crashedAfterPut();
    // Act: the record changed again (a rating), and the retry reads both changes from the checkpoint
    const retry = change(store, spanning(3, '2021-07-01', { ratings: { '2021': { rating: 'good', cellId: 'C11' } } }));
    const [pk, earlier] = [...first.records][0]!;
    const later = retry.records.get(pk)!;
    retry.records.set(pk, { ...later, firstVersion: earlier.firstVersion, images: [...earlier.images, ...later.images] });
    await refreshFigures(store, retry);
    // Assess: version 2's move of the recognition reached the cell and every ancestor
    await expectExact(store);
  });

  it('stays exact on batches the stream makes, whose evaluations and badges recount no cell', async () => {
    const store = await settledCity();
    for (const next of [
      spanning(1),
      spanning(2, '2021-06-01', { ratings: { '2021': { rating: 'excellent', cellId: 'C11' } } }),
      spanning(3, '2021-07-01', { ratings: { '2021': { rating: 'excellent', cellId: 'C11' } } }),
      spanning(4, '2021-07-01', { badges: { '30-years': '2021-09-02' }, ratings: { '2021': { rating: 'excellent', cellId: 'C11' } } }),
      // What the cell counts now changes while the member stays: these must recount it.
      spanning(5, '2021-07-01', { traits: { female: true, youthUnion: false, ethnicMinority: false, religious: false } }),
      spanning(6, '2021-07-01', { exemptedOn: '2021-08-01' }),
      { ...spanning(7, '2021-07-01'), cellId: 'C21' },
    ]) {
      await refreshFigures(store, streamed(store, next));
      await expectExact(store);
    }
  });
});

describe('planMerge', () => {
  const tree = { treeVersion: 7, restructured: false };
  const stored = { version: 4, treeVersion: 7, absorbed: { [OWN_SOURCE]: 2, C1: 5, C2: 3 } };
  const change = (beforeVersion: number, version: number) => ({ version, change: { beforeVersion, before: 1, after: 2 } });

  it('adds a change that starts at the version the item holds, and records the new one', () => {
    expect(planMerge(stored, tree, new Map([['C1', change(5, 6)]]))).toEqual({
      kind: 'delta',
      changes: [{ before: 1, after: 2 }],
      absorbed: { [OWN_SOURCE]: 2, C1: 6, C2: 3 },
    });
  });

  it('does nothing for versions it already holds (a redelivery, a faster refresh)', () => {
    expect(planMerge(stored, tree, new Map([['C1', change(4, 5)]]))).toEqual({ kind: 'none' });
    expect(planMerge(stored, tree, new Map([['C2', { version: 2 }]]))).toEqual({ kind: 'none' });
  });

  it('merges in full whenever a delta could be wrong', () => {
    const full = { kind: 'full' };
    // A version in between was written by another refresh (or `recompute`).
    expect(planMerge(stored, tree, new Map([['C1', change(6, 7)]]))).toEqual(full);
    // A newer version and no change known (a crash before the parent took it in).
    expect(planMerge(stored, tree, new Map([['C2', { version: 4 }]]))).toEqual(full);
    expect(planMerge(stored, tree, new Map([['C9', change(0, 1)]]))).toEqual(full);
    expect(planMerge(stored, { treeVersion: 8, restructured: false }, new Map([['C1', change(5, 6)]]))).toEqual(full);
    expect(planMerge(stored, { treeVersion: undefined, restructured: false }, new Map([['C1', change(5, 6)]]))).toEqual(full);
    expect(planMerge(stored, { treeVersion: 7, restructured: true }, new Map([['C1', change(5, 6)]]))).toEqual(full);
    expect(planMerge({ version: 4 }, tree, new Map([['C1', change(5, 6)]]))).toEqual(full);
    expect(planMerge(undefined, tree, new Map())).toEqual(full);
  });
});

describe('applying deltas', () => {
  const figures = (members: number, out: Record<string, number>): OrgFigures => {
    const f = emptyFigures();
    f.current.members.total = members;
    const y = emptyYear();
    y.transfers.officialOut = out;
    y.recognitions = members;
    f.years['2021'] = y;
    return f;
  };

  it('gives what a full merge gives, the transfer maps filtered the same way', () => {
    const inside = (other: string) => other === 'C1' || other === 'C2';
    const c1Before = figures(3, { C2: 1, X: 2 });
    const c1After = figures(5, { C2: 4, X: 1, Y: 1 });
    const c2 = figures(2, { C1: 1, X: 1 });
    const stored = mergeSubtree('P', undefined, [c1Before, c2], inside);
    const delta = applyFiguresDeltas('P', stored, [{ before: c1Before, after: c1After }], inside);
    expect(diffFigures(delta, mergeSubtree('P', undefined, [c1After, c2], inside))).toEqual([]);
  });

  it('adds and removes tallies of an as-of item', () => {
    const stored = { '03-01': [2, 1], '04-01': [1] };
    expect(applyTallyDeltas(stored, [{ before: { '03-01': [1, 1] }, after: { '03-01': [1], '05-01': [0, 2] } }])).toEqual({
      '03-01': [2],
      '04-01': [1],
      '05-01': [0, 2],
    });
  });
});
