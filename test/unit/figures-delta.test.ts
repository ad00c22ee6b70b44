// The delta merge (domain/figures/delta.ts, nets.ts, use case refresh-figures): after any
// mix of redelivery, races, crashes, restructuring and a year closing, every month item and
// every year the nets hold must be exactly what the records and facts give — checked
// against a recount from scratch.
import { describe, expect, it } from 'vitest';
import {
  applyDeltas,
  byMonth,
  diffChanges,
  factChanges,
  lastClosableYear,
  mergeSources,
  netOf,
  OWN_SOURCE,
  planMerge,
  recordChanges,
  sumChanges,
  type DatedChanges,
  type Stale,
} from '../../shared/domain/figures/index.js';
import type { FactRecord, MemberRecord, OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import { recordChangesOf } from '../../shared/data/stream-changes.js';
import { emptyStale, staleFrom } from '../../shared/domain/figures/stale.js';
import { toItem } from '../../shared/data/keys.js';
import { refreshFigures } from '../../shared/use-cases/refresh-figures/index.js';
import { monthId, netsId, type FiguresKind } from '../../shared/use-cases/refresh-figures/port.js';
import { InMemoryFiguresStore } from '../helpers/in-memory-stores.js';
import { OrgTree } from '../../shared/domain/figures/tree.js';

/** Today for most tests: every year of their data is closed, so that the nets are kept too. */
const TODAY = '2026-12-06';

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

/** The figures store of a city, and the records the refreshes count (as the Records table holds them). */
class City {
  readonly store = new InMemoryFiguresStore();
  readonly members = new Map<string, MemberRecord>();

  /**
   * R ─ D1 ─ C11, C12
   *   └ D2 ─ C21
   */
  constructor() {
    this.store.putOrg(org('R', null, 'province'));
    this.store.putOrg(org('D1', 'R', 'upper-grassroots'));
    this.store.putOrg(org('D2', 'R', 'upper-grassroots'));
    for (const [cell, parent] of [
      ['C11', 'D1'],
      ['C12', 'D1'],
      ['C21', 'D2'],
    ] as const) {
      this.store.putOrg(org(cell, parent, 'cell'));
    }
  }

  /** Puts members (new versions); returns the batch their stream records make. */
  change(...members: MemberRecord[]): Stale {
    const stale = emptyStale();
    for (const m of members) {
      const pk = `MEMBER#${m.memberId}`;
      const before = this.members.get(pk);
      this.members.set(pk, structuredClone(m));
      const images = [...(before ? [{ entity: 'member' as const, record: before }] : []), { entity: 'member' as const, record: m }];
      stale.records.set(pk, { pk, version: m.version, firstVersion: m.version, images, latest: { entity: 'member', record: m } });
    }
    return stale;
  }

  /** Puts members (new versions); returns the batch the stream makes of their old and new images. */
  streamed(...members: MemberRecord[]): Stale {
    return staleFrom(
      recordChangesOf(
        members.map((m) => {
          const pk = `MEMBER#${m.memberId}`;
          const before = this.members.get(pk);
          this.members.set(pk, structuredClone(m));
          const image = (record: MemberRecord) => toItem({ entity: 'member', record });
          return { ...(before ? { oldImage: image(before) } : {}), newImage: image(m) };
        }),
      ),
    );
  }

  /** Puts a fact; returns the batch its stream record makes. */
  addFact(fact: FactRecord): Stale {
    this.store.facts.push(fact);
    return staleFrom(recordChangesOf([{ newImage: toItem({ entity: 'fact', record: fact }) }]));
  }

  /** Changes an org; returns the batch its stream record makes. */
  changeOrg(next: OrgRecord, opts: { sameTree?: boolean } = {}): Stale {
    const before = this.store.orgs.get(next.orgId);
    this.store.putOrg(next, opts);
    const image = (record: OrgRecord) => toItem({ entity: 'org', record });
    return staleFrom(recordChangesOf([{ ...(before ? { oldImage: image(before) } : {}), newImage: image(next) }]));
  }

  refresh(stale: Stale, today = TODAY) {
    return refreshFigures(this.store, stale, { today });
  }
}

/**
 * Every month item equals the recount from scratch of the records and facts now (own for
 * cells, subtree for orgs with children), no other is there, and every nets item holds each
 * year up to the closable one, each equal to that year's months.
 */
async function expectExact(city: City, today = TODAY): Promise<void> {
  const { store } = city;
  const tree = await store.currentOrgTree();
  const own = new Map<string, DatedChanges[]>();
  for (const m of city.members.values()) {
    for (const [cell, changes] of recordChanges({ entity: 'member', record: m })) own.set(cell, [...(own.get(cell) ?? []), changes]);
  }
  for (const f of store.facts) own.set(f.cellId, [...(own.get(f.cellId) ?? []), factChanges(f).changes]);
  const expected = new Map<string, DatedChanges>();
  const total = new Map<string, DatedChanges>();
  for (const id of tree.bottomUp()) {
    const mine = sumChanges(own.get(id) ?? []);
    for (const [month, changes] of byMonth(mine)) expected.set(monthId(id, 'own', month), changes);
    const children = tree.children(id);
    if (children.length === 0) {
      total.set(id, mine);
      continue;
    }
    const sub = mergeSources([mine, ...children.map((c) => total.get(c.orgId))], (other) => tree.isInSubtree(id, other));
    total.set(id, sub);
    for (const [month, changes] of byMonth(sub)) expected.set(monthId(id, 'subtree', month), changes);
  }
  for (const id of new Set([...expected.keys(), ...store.months.keys()])) {
    expect(diffChanges(store.months.get(id)?.changes, expected.get(id)), id).toEqual([]);
  }
  const closable = lastClosableYear(today);
  const kinds = new Map<string, { orgId: string; kind: FiguresKind }>();
  for (const m of store.months.values()) if (Object.keys(m.changes).length > 0) kinds.set(netsId(m.orgId, m.kind), m);
  for (const [id, { orgId, kind }] of kinds) {
    const nets = store.nets.get(id);
    expect(nets?.through, `nets of ${id}`).toBeGreaterThanOrEqual(closable);
    for (let y = 2015; y <= closable; y++) {
      const months = [...store.months.values()].filter((m) => m.orgId === orgId && m.kind === kind && m.month.startsWith(`${y}-`));
      const net = netOf(sumChanges(months.map((m) => m.changes)));
      expect(diffChanges({ y: nets?.years[String(y)] ?? {} }, { y: net }), `nets of ${id}, ${y}`).toEqual([]);
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

/** The month items `city`'s store is asked to read from now on, as `kind:org:month`. */
function monthsRead(city: City): string[] {
  const read: string[] = [];
  const readItems = city.store.readItems.bind(city.store);
  city.store.readItems = async (wanted) => {
    read.push(...(wanted.months ?? []).map((w) => monthId(w.orgId, w.kind, w.month)));
    return readItems(wanted);
  };
  return read;
}

/** A city whose every item has been merged once (in full), so that what follows can be a delta. */
async function settledCity(): Promise<City> {
  const city = new City();
  await city.refresh(city.change(member('M1', 'C11', 1), member('M2', 'C12', 1), member('M3', 'C21', 1)));
  return city;
}

describe('the delta merge of month items', () => {
  it('takes in a change of one cell reading no sibling, and stays exact', async () => {
    const city = await settledCity();
    const read = monthsRead(city);
    await city.refresh(city.change(member('M4', 'C11', 1, '2021-03-05', true)));
    expect(read.sort()).toEqual(['own:C11:2021-03', 'subtree:D1:2021-03', 'subtree:R:2021-03']);
    await expectExact(city);
  });

  it('takes in a change after a rating or an update of an org as a delta: the tree moved, its shape did not', async () => {
    // Prepare: C11 rated and its sector changed (the tree's counter moves: the report counts them)
    const city = await settledCity();
    const treeBefore = city.store.treeVersion;
    await city.refresh(
      city.changeOrg(org('C11', 'D1', 'cell', { orgRatings: { '2021': 'excellent' }, sector: 'private-enterprise', version: 2 })),
    );
    expect(city.store.treeVersion).toBeGreaterThan(treeBefore);
    const read = monthsRead(city);
    // Act
    await city.refresh(city.change(member('M4', 'C11', 1, '2021-03-05', true)));
    // Assess: each ancestor read its own month only, no sibling's (a full merge reads them all)
    expect(read.sort()).toEqual(['own:C11:2021-03', 'subtree:D1:2021-03', 'subtree:R:2021-03']);
    await expectExact(city);
  });

  it('counts a batch delivered twice once', async () => {
    const city = await settledCity();
    const batch = city.change(member('M4', 'C11', 1, '2022-05-02', true), member('M2', 'C12', 2, '2021-03-01', true));
    await city.refresh(batch);
    await city.refresh(batch);
    await expectExact(city);
  });

  it('is exact when two refreshes of different cells under one parent race', async () => {
    const city = await settledCity();
    const a = city.change(member('M4', 'C11', 1, '2022-05-02'));
    const b = city.change(member('M5', 'C12', 1, '2022-05-09', true));
    raceOn(city.store, monthId('D1', 'subtree', '2022-05'));
    await Promise.all([city.refresh(a), city.refresh(b)]);
    await expectExact(city);
  });

  it('is exact when two refreshes of one cell race, on its months and on its nets', async () => {
    const city = await settledCity();
    raceOn(city.store, monthId('C11', 'own', '2022-05'));
    await Promise.all([
      city.refresh(city.change(member('M4', 'C11', 1, '2022-05-02'))),
      city.refresh(city.change(member('M5', 'C11', 1, '2022-05-09', true))),
    ]);
    await expectExact(city);
    raceOn(city.store, `nets:${netsId('C11', 'own')}`);
    await Promise.all([
      city.refresh(city.change(member('M6', 'C11', 1, '2023-02-01'))),
      city.refresh(city.change(member('M4', 'C11', 2, '2022-05-02', true))),
    ]);
    await expectExact(city);
  });

  it('catches up after a crash between a cell and its parent, or between a month and its nets, other changes coming in between', async () => {
    for (const crashAt of [
      monthId('D1', 'subtree', '2022-05'),
      `nets:${netsId('C11', 'own')}`,
      `nets:${netsId('D1', 'subtree')}`,
      monthId('R', 'subtree', '2022-05'),
    ]) {
      const city = await settledCity();
      const batch = city.change(member('M4', 'C11', 1, '2022-05-02', true));
      crashOn(city.store, crashAt);
      await expect(city.refresh(batch)).rejects.toThrow(/crash/);
      await city.refresh(city.change(member('M5', 'C12', 1, '2022-05-09')));
      await city.refresh(batch);
      await expectExact(city);
    }
  });

  it('stays exact when an org moves or merges, even between a crash and the redelivery', async () => {
    const city = await settledCity();
    await city.refresh(city.changeOrg(org('C12', 'D2', 'cell')));
    await expectExact(city);
    await city.refresh(city.change(member('M4', 'C12', 1, '2022-05-02')));
    await expectExact(city);

    const batch = city.change(member('M5', 'C11', 1, '2023-01-09', true));
    crashOn(city.store, monthId('R', 'subtree', '2023-01'));
    await expect(city.refresh(batch)).rejects.toThrow(/crash/);
    // C11 merged into C21: it keeps its place under its successor, its history with it.
    await city.refresh(city.changeOrg(org('C11', 'C21', 'cell', { status: 'dissolved', mergedInto: 'C21' })));
    await city.refresh(batch);
    await expectExact(city);
    // D1 has no child left: its subtree items are gone, its parent reads nothing of it.
    expect([...city.store.months.values()].filter((m) => m.orgId === 'D1')).toEqual([]);
  });

  it('never adds a delta merged under another org tree (a slow refresh still holding the old one)', async () => {
    const city = await settledCity();
    let resume = () => {};
    const paused = new Promise<void>((resolve) => {
      resume = resolve;
    });
    let atD1 = () => {};
    const reachedD1 = new Promise<void>((resolve) => {
      atD1 = resolve;
    });
    city.store.beforeWrite = async (w) => {
      if (w !== monthId('D1', 'subtree', '2022-05')) return;
      city.store.beforeWrite = undefined;
      atD1();
      await paused;
    };
    const slow = city.refresh(city.change(member('M4', 'C12', 1, '2022-05-02')));
    await reachedD1;
    await city.refresh(city.changeOrg(org('C12', 'D2', 'cell')));
    resume();
    await slow;
    await city.refresh(city.change(member('M5', 'C11', 1, '2022-05-09')));
    await city.refresh(city.change(member('M4', 'C12', 2, '2022-05-02', true)));
    await expectExact(city);
  });

  it('keeps a transfer between two cells of one subtree out of that subtree, delta after delta', async () => {
    const city = await settledCity();
    const transfer = (factId: string, from: string, to: string): FactRecord => ({
      cellId: from,
      year: 2022,
      factId,
      on: '2022-06-01',
      fact: { kind: 'transferOut', transferKind: 'official', counterpart: to },
    });
    await city.refresh(city.addFact(transfer('T1', 'C11', 'C12')));
    await city.refresh(city.addFact(transfer('T2', 'C11', 'C21')));
    await city.refresh(city.addFact(transfer('T3', 'C12', 'X-EXTERNAL')));
    await expectExact(city);
    expect(city.store.months.get(monthId('D1', 'subtree', '2022-06'))?.changes).toEqual({
      '2022-06-01': { 'transfers.officialOut#C21': 1, 'transfers.officialOut#X-EXTERNAL': 1 },
    });
  });

  it('moves no figure and merges nothing again for a rename or a target', async () => {
    const city = await settledCity();
    const writes = new Map(city.store.writes);
    const stale = city.changeOrg(org('C11', 'D1', 'cell', { name: 'Chi bộ mới', targets: { '2022': 5 }, version: 2 }), { sameTree: true });
    await city.refresh(stale);
    expect(stale.orgs.size).toBe(0);
    expect(city.store.writes).toEqual(writes);
    await city.refresh(city.change(member('M4', 'C11', 1, '2022-05-02')));
    await expectExact(city);
  });
});

describe('the nets of closed years', () => {
  it('takes in a year once it is closed, and not before the day after New Year', async () => {
    // Prepare: a city counted in 2022, and changes of 2022 counted while 2022 is open
    const city = new City();
    await city.refresh(city.change(member('M1', 'C11', 1), member('M2', 'C12', 1), member('M3', 'C21', 1)), '2022-06-01');
    await city.refresh(city.change(member('M4', 'C11', 1, '2022-05-02', true)), '2022-12-31');
    const holds = (id: string) => city.store.nets.get(id)?.through;
    // Act / Assess: on New Year's Day 2022 is not yet taken in; on the 2nd it is, by the first refresh of each item
    await city.refresh(city.change(member('M5', 'C12', 1, '2023-01-01')), '2023-01-01');
    expect(holds(netsId('C12', 'own'))).toBe(2021);
    await city.refresh(city.change(member('M6', 'C12', 1, '2023-01-02')), '2023-01-02');
    expect(holds(netsId('C12', 'own'))).toBe(2022);
    expect(holds(netsId('D1', 'subtree'))).toBe(2022);
    expect(holds(netsId('C11', 'own'))).toBe(2021);
    await city.refresh(city.change(member('M4', 'C11', 2, '2022-05-02', false), member('M3', 'C21', 2, '2021-03-01', true)), '2023-01-02');
    await expectExact(city, '2023-01-02');
  });

  it('sums again a year a writer changed while the year was being taken in', async () => {
    // Prepare: 2021 not yet held by the nets of C11 (written in 2021), then closed
    const city = new City();
    await city.refresh(city.change(member('M1', 'C11', 1, '2021-03-01')), '2021-06-01');
    // Act: one refresh takes 2021 in; another, that read the nets before, writes a month of 2021 meanwhile
    let once = true;
    city.store.beforeWrite = async (w) => {
      if (w !== `nets:${netsId('C11', 'own')}` || !once) return;
      once = false;
      await city.store.writeMonth(
        {
          orgId: 'C11',
          kind: 'own',
          month: '2021-03',
          changes: { '2021-03-01': { 'members.total': 2, 'members.official': 2 } },
        },
        city.store.months.get(monthId('C11', 'own', '2021-03'))?.version,
      );
      city.members.set('MEMBER#M2', member('M2', 'C11', 1, '2021-03-01'));
      await city.store.putContribution({
        cellId: 'C11',
        recordPk: 'MEMBER#M2',
        version: 1,
        changes: recordChanges({ entity: 'member', record: member('M2', 'C11', 1, '2021-03-01') }).get('C11')!,
      });
    };
    await city.refresh(city.change(member('M3', 'C11', 1, '2022-02-01')), '2023-03-01');
    // Assess: the nets hold both members of 2021
    expect(city.store.nets.get(netsId('C11', 'own'))?.years['2021']).toMatchObject({ 'members.total': 2 });
  });
});

describe('only the months a record version changed', () => {
  /** Writes so far of each month item (nets items are `nets:…`). */
  const monthWrites = (city: City) => new Map([...city.store.writes].filter(([id]) => !id.startsWith('nets:')));
  /** A member admitted in 2020 and recognized in 2021: its contribution spans two years. */
  const spanning = (version: number, recognizedOn = '2021-06-01', extra: Partial<MemberRecord> = {}): MemberRecord => ({
    ...member('M9', 'C11', version, '2020-06-01'),
    recognizedOn,
    ...extra,
  });

  it('writes no month for a version that changes nothing they count (an evaluation)', async () => {
    const city = await settledCity();
    await city.refresh(city.change(spanning(1)));
    const before = new Map(city.store.writes);
    await city.refresh(city.change(spanning(2, '2021-06-01', { ratings: { '2021': { rating: 'excellent', cellId: 'C11' } } })));
    expect(city.store.writes).toEqual(before);
    await expectExact(city);
  });

  it('rewrites the changed months, not the month the change left alone', async () => {
    const city = await settledCity();
    await city.refresh(city.change(spanning(1)));
    const before = monthWrites(city);
    await city.refresh(city.change(spanning(2, '2021-07-01')));
    const rewritten = [...monthWrites(city)].filter(([id, n]) => before.get(id) !== n).map(([id]) => id);
    expect(rewritten.some((id) => id.endsWith(':2021-06'))).toBe(true);
    expect(rewritten.some((id) => id.endsWith(':2021-07'))).toBe(true);
    expect(rewritten.filter((id) => id.endsWith(':2020-06'))).toEqual([]);
    await expectExact(city);
  });

  /** A city where version 2 of the member moved its recognition, and the refresh died after the put, before the recount. */
  async function crashedAfterPut(): Promise<{ city: City; moved: Stale }> {
    const city = await settledCity();
    await city.refresh(city.change(spanning(1)));
    const moved = city.change(spanning(2, '2021-07-01'));
    crashOn(city.store, monthId('C11', 'own', '2021-06'));
    await expect(city.refresh(moved)).rejects.toThrow(/crash/);
    return { city, moved };
  }

  it('recounts every month again when a batch is redelivered after a crash between the put and the recount', async () => {
    const { city, moved } = await crashedAfterPut();
    // The contribution is already at version 2: only the redelivery's recount can bring the items to it.
    await city.refresh(moved);
    await expectExact(city);
    // The next version changes nothing counted, and stays exact on top.
    await city.refresh(city.change(spanning(3, '2021-07-01', { badges: { '30-years': '2021-09-02' } })));
    await expectExact(city);
  });

  it('recounts every month when the retry of a crashed batch carries more of the record changes than the first attempt', async () => {
    const { city, moved: first } = await crashedAfterPut();
    // Act: the record changed again (a rating), and the retry reads both changes from the checkpoint
    const retry = city.change(spanning(3, '2021-07-01', { ratings: { '2021': { rating: 'good', cellId: 'C11' } } }));
    const [pk, earlier] = [...first.records][0]!;
    const later = retry.records.get(pk)!;
    retry.records.set(pk, { ...later, firstVersion: earlier.firstVersion, images: [...earlier.images, ...later.images] });
    await city.refresh(retry);
    // Assess: version 2's move of the recognition reached the cell and every ancestor
    await expectExact(city);
  });

  it('stays exact on batches the stream makes, whose evaluations and badges recount no month', async () => {
    const city = await settledCity();
    for (const next of [
      spanning(1),
      spanning(2, '2021-06-01', { ratings: { '2021': { rating: 'excellent', cellId: 'C11' } } }),
      spanning(3, '2021-07-01', { ratings: { '2021': { rating: 'excellent', cellId: 'C11' } } }),
      spanning(4, '2021-07-01', { badges: { '30-years': '2021-09-02' }, ratings: { '2021': { rating: 'excellent', cellId: 'C11' } } }),
      spanning(5, '2021-07-01', { traits: { female: true, youthUnion: false, ethnicMinority: false, religious: false } }),
      spanning(6, '2021-07-01', { exemptedOn: '2021-08-01' }),
      { ...spanning(7, '2021-07-01'), cellId: 'C21', stints: [{ cellId: 'C21', from: '2020-06-01' }] },
    ]) {
      await city.refresh(city.streamed(next));
      await expectExact(city);
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
  const changes = (members: number, out: Record<string, number>): DatedChanges => ({
    '2021-06-01': {
      'members.total': members,
      'recognitions.total': members,
      ...Object.fromEntries(Object.entries(out).map(([k, n]) => [`transfers.officialOut#${k}`, n])),
    },
  });

  it('gives what a full merge gives, the boundary entries filtered the same way', () => {
    const inside = (other: string) => other === 'C1' || other === 'C2';
    const c1Before = changes(3, { C2: 1, X: 2 });
    const c1After = changes(5, { C2: 4, X: 1, Y: 1 });
    const c2 = changes(2, { C1: 1, X: 1 });
    const stored = mergeSources([c1Before, c2], inside);
    const delta = applyDeltas(stored, [{ before: c1Before, after: c1After }], inside);
    expect(diffChanges(delta, mergeSources([c1After, c2], inside))).toEqual([]);
    expect(delta).toEqual({
      '2021-06-01': { 'members.total': 7, 'recognitions.total': 7, 'transfers.officialOut#X': 2, 'transfers.officialOut#Y': 1 },
    });
  });

  it('adds and removes days and figures of a month', () => {
    const stored = { '2021-03-01': { 'members.total': 2, 'members.official': 1 }, '2021-03-04': { 'members.total': 1 } };
    const before = { '2021-03-01': { 'members.total': 1, 'members.official': 1 } };
    const after = { '2021-03-01': { 'members.total': 1 }, '2021-03-05': { 'members.official': 2 } };
    expect(applyDeltas(stored, [{ before, after }], () => false)).toEqual({
      '2021-03-01': { 'members.total': 2 },
      '2021-03-04': { 'members.total': 1 },
      '2021-03-05': { 'members.official': 2 },
    });
  });
});

describe("the tree's version a delta merge depends on", () => {
  const base = [
    org('R', null, 'province'),
    org('D1', 'R', 'upper-grassroots'),
    org('D2', 'R', 'upper-grassroots'),
    org('C11', 'D1', 'cell'),
  ];
  const versionOf = (orgs: OrgRecord[], counter: number | undefined = 7) => new OrgTree(orgs, counter).mergeVersion;
  const withC11 = (c11: Partial<OrgRecord>) => base.map((o) => (o.orgId === 'C11' ? { ...o, ...c11 } : o));

  it('stays for a rename, a plan, a rating, a sector or a founding date, whatever the counter says', () => {
    const before = versionOf(base);
    for (const c11 of [
      { name: 'Chi bộ mới' },
      { targets: { '2022': 3 } },
      { orgRatings: { '2021': 'good' as const } },
      { sector: 'private-enterprise' as const },
      { establishedOn: '2001-01-01' },
    ])
      expect(versionOf(withC11(c11), 8)).toBe(before);
  });

  it('moves with a move, a dissolution, a merger or a new org, and is unknown when the counter is', () => {
    const before = versionOf(base);
    for (const orgs of [
      withC11({ parentId: 'D2' }),
      withC11({ status: 'dissolved', dissolvedOn: '2022-01-01' }),
      withC11({ status: 'dissolved', dissolvedOn: '2022-01-01', mergedInto: 'D1' }),
      [...base, org('C12', 'D1', 'cell')],
    ])
      expect(versionOf(orgs)).not.toBe(before);
    expect(new OrgTree(base).mergeVersion).toBeUndefined();
  });
});
