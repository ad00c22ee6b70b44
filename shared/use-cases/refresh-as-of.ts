// use case: bring the figures as of a date up to date after a batch of record changes.
// (adapter) functions/figures --> use case refresh-figures --> this --> domain/figures
//
// Three steps, each a recount, so that redelivery and reordering are harmless:
// 1. each changed record's contribution to every cell it ever counted for is put, at the
//    record's version (a later version already there wins): `CHANGES#<cell>/<record>`;
// 2. each cell whose contributions changed sums all of them again into its own items
//    (the year-net item and the items of the years touched);
// 3. each ancestor sums its children's items of those years (done by refresh-figures,
//    deepest first, with {@link mergeOrgAsOf}).
import { byYear, recordChanges, sumChanges, type DatedChanges, type Tally } from '../domain/figures/index.js';
import { yearOf } from '../domain/dates.js';
import type { ChangedRecord } from '../data/changes.js';
import { ConcurrentUpdateError } from './errors.js';
import { asOfId, type AsOfStore, type FiguresKind } from './ports.js';

const MAX_CONFLICTS = 20;

/** The item holding the net change of every year. */
export const NETS = 'nets';

/** Years a set of changes touches. */
function yearsOf(changes: DatedChanges | undefined): number[] {
  return Object.keys(changes ?? {}).map(yearOf);
}

/**
 * Step 1: puts every changed record's contributions. Returns, per cell, the years whose
 * changes may differ now (the years of every image's and of the replaced contribution).
 */
export async function writeContributions(store: AsOfStore, records: Iterable<ChangedRecord>): Promise<Map<string, Set<number>>> {
  const stale = new Map<string, Set<number>>();
  const touch = (cellId: string, years: number[]) => {
    const set = stale.get(cellId) ?? new Set<number>();
    for (const y of years) set.add(y);
    stale.set(cellId, set);
  };
  const puts: Promise<void>[] = [];
  for (const record of records) {
    const latest = record.latest ? recordChanges(record.latest) : new Map<string, DatedChanges>();
    const cells = new Map<string, number[]>();
    for (const image of record.images) {
      for (const [cellId, changes] of recordChanges(image)) cells.set(cellId, [...(cells.get(cellId) ?? []), ...yearsOf(changes)]);
    }
    for (const [cellId, changes] of latest) cells.set(cellId, [...(cells.get(cellId) ?? []), ...yearsOf(changes)]);
    for (const [cellId, years] of cells) {
      // A cell the latest version no longer counts for keeps an empty contribution at that version.
      const changes = latest.get(cellId) ?? {};
      puts.push(
        store.putContribution({ cellId, recordPk: record.pk, version: record.version, changes }).then(({ replaced }) => {
          touch(cellId, [...years, ...yearsOf(replaced)]);
        }),
      );
    }
  }
  await Promise.all(puts);
  return stale;
}

/** Whether two tally maps hold the same numbers. */
function sameTallies(a: Record<string, Tally> | undefined, b: Record<string, Tally> | undefined): boolean {
  return JSON.stringify(sumChanges([a])) === JSON.stringify(sumChanges([b]));
}

/**
 * Writes the parts of an org's as-of figures that differ from what is stored, each under
 * the version read; false when any write lost a race (read again and redo).
 */
async function writeParts(
  store: AsOfStore,
  orgId: string,
  kind: FiguresKind,
  parts: Map<string, Record<string, Tally>>,
  read: Map<string, { data: Record<string, Tally>; version: number }>,
): Promise<boolean> {
  const results = await Promise.all(
    [...parts].map(([part, data]) => {
      const stored = read.get(asOfId(orgId, kind, part));
      if (stored && sameTallies(stored.data, data)) return true;
      if (!stored && Object.keys(data).length === 0) return true;
      return store.writeAsOf({ orgId, kind, part, data: sumChanges([data]) }, stored?.version);
    }),
  );
  return results.every(Boolean);
}

/** Step 2: a cell's own as-of items (nets and the stale years), summed from all its contributions. */
export async function recountCellAsOf(store: AsOfStore, cellId: string, years: ReadonlySet<number>): Promise<void> {
  const wanted = [NETS, ...[...years].map(String)].map((part) => ({ orgId: cellId, kind: 'own' as const, part }));
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    // Read the items before the contributions: a contribution put after this read is
    // followed by a recount whose write makes ours fail on the version, and redo.
    const read = await store.readAsOf(wanted);
    const split = byYear(sumChanges((await store.queryContributions(cellId)).map((c) => c.changes)));
    const parts = new Map<string, Record<string, Tally>>([[NETS, split.nets]]);
    for (const y of years) parts.set(String(y), split.days[String(y)] ?? {});
    if (await writeParts(store, cellId, 'own', parts, read)) return;
  }
  throw new ConcurrentUpdateError(`figures as of a date of ${cellId}`, MAX_CONFLICTS);
}

/**
 * Step 3 for one org: its subtree items = its own + its children's subtree items, for the
 * year-net item and `years`; with `allYears`, every year any of them holds (the tree
 * changed shape under it).
 */
export async function mergeOrgAsOf(
  store: AsOfStore,
  orgId: string,
  children: readonly string[],
  years: ReadonlySet<number>,
  allYears: boolean,
): Promise<void> {
  const sources = [{ orgId, kind: 'own' as const }, ...children.map((id) => ({ orgId: id, kind: 'subtree' as const }))];
  for (let attempt = 0; attempt < MAX_CONFLICTS; attempt++) {
    const netsRead = await store.readAsOf([...sources, { orgId, kind: 'subtree' as const }].map((s) => ({ ...s, part: NETS })));
    const parts = new Set([...years].map(String));
    if (allYears) for (const stored of netsRead.values()) for (const y of Object.keys(stored.data)) parts.add(y);
    const read = new Map(netsRead);
    const yearItems = [...parts].flatMap((part) => [...sources, { orgId, kind: 'subtree' as const }].map((s) => ({ ...s, part })));
    for (const [id, item] of await store.readAsOf(yearItems)) read.set(id, item);
    const merged = new Map<string, Record<string, Tally>>();
    for (const part of [NETS, ...parts]) {
      merged.set(part, sumChanges(sources.map((s) => read.get(asOfId(s.orgId, s.kind, part))?.data)));
    }
    if (await writeParts(store, orgId, 'subtree', merged, read)) return;
  }
  throw new ConcurrentUpdateError(`figures as of a date of ${orgId} (subtree)`, MAX_CONFLICTS);
}
