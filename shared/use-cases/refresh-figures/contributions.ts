// use case refreshFigures, step 1: each changed record's contribution to every cell it ever
// counted for, put at the record's version (a later version already there wins):
// `CHANGES#<cell>/<record>`. Returns the months of each cell that must be recounted.
import {
  monthsThatDiffer,
  monthsTouched,
  recordChanges,
  type ChangedRecord,
  type DatedChanges,
  type Month,
} from '../../domain/figures/index.js';
import type { ContributionPut, FiguresStore } from './port.js';

/**
 * The months of a cell that a contribution's put may have changed. Only a put that replaced
 * a version older than every change of the batch knows exactly — an earlier batch put it
 * and went on to recount — : the months where the two differ (none when the record changed
 * nothing the figures count, e.g. an evaluation). A put that replaced a version of this
 * batch may follow a crash of an earlier attempt before the cell was recounted, and one
 * refused for a later version proves nothing: both recount every month any image holds.
 */
function staleMonths(put: ContributionPut, record: ChangedRecord, changes: DatedChanges, imageMonths: Month[]): Month[] {
  const { replaced } = put;
  if (put.written && replaced && replaced.version < record.firstVersion) return monthsThatDiffer(replaced.changes, changes);
  return [...imageMonths, ...monthsTouched(replaced?.changes)];
}

/** Puts every changed record's contributions; returns, per cell, the months to recount (cells with none left out). */
export async function writeContributions(
  store: Pick<FiguresStore, 'putContribution' | 'dropContribution'>,
  records: Iterable<ChangedRecord>,
): Promise<Map<string, Set<Month>>> {
  const stale = new Map<string, Set<Month>>();
  const touch = (cellId: string, months: Month[]) => {
    if (months.length === 0) return;
    const set = stale.get(cellId) ?? new Set<Month>();
    for (const m of months) set.add(m);
    stale.set(cellId, set);
  };
  const puts: Promise<void>[] = [];
  for (const record of records) {
    const latest = record.latest ? recordChanges(record.latest) : new Map<string, DatedChanges>();
    const cells = new Map<string, Month[]>();
    for (const image of record.images) {
      for (const [cellId, changes] of recordChanges(image)) cells.set(cellId, [...(cells.get(cellId) ?? []), ...monthsTouched(changes)]);
    }
    for (const [cellId, changes] of latest) cells.set(cellId, [...(cells.get(cellId) ?? []), ...monthsTouched(changes)]);
    for (const [cellId, months] of cells) {
      // A cell the latest version no longer counts for keeps an empty contribution at that
      // version; a record that no longer exists keeps none, so that no figure item names
      // a key an erasure took away (docs/personal-data.md).
      const changes = latest.get(cellId) ?? {};
      const at = { cellId, recordPk: record.pk, version: record.version };
      puts.push(
        (record.latest ? store.putContribution({ ...at, changes }) : store.dropContribution(at)).then((put) =>
          touch(cellId, staleMonths(put, record, changes, months)),
        ),
      );
    }
  }
  await Promise.all(puts);
  return stale;
}
