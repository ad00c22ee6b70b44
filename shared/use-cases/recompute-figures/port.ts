// use case recomputeFigures: one pass over every record, every figure item read, and the
// writes that replace those that differ — through the refresh's own conditional writes, so
// that a recompute may run while events flow. `dangvien recompute` passes the DynamoDB store
// (shared/data/recompute-store.ts).
import type { DeadlineRefresh } from '../../domain/deadline-refresh.js';
import type { StoredRecord } from '../../domain/records.js';
import type { FiguresStore, StoredContribution, StoredMonth, StoredNets } from '../refresh-figures/port.js';

/** Every item of the Figures table that holds figures, sorted by what it is. */
export interface FigureItems {
  months: StoredMonth[];
  nets: StoredNets[];
  contributions: StoredContribution[];
  /** Items of an earlier layout (`OWN`, `SUBTREE`, `…#ASOF#…`), read by no one. */
  leftovers: Array<{ pk: string; sk: string; orgId: string }>;
}

export interface RecomputeStore extends FiguresStore {
  /**
   * Visits every record once, in no particular order, with its item's partition key (what
   * a contribution names it by).
   */
  scanRecords(visit: (stored: StoredRecord, where: { pk: string }) => void): Promise<void>;
  /** Every month, nets and contribution item, in no particular order. */
  readAllFigureItems(): Promise<FigureItems>;
  /** Deletes an item of the Figures table (a leftover of an earlier layout). */
  deleteFigureItem(key: { pk: string; sk: string }): Promise<void>;
  /**
   * Writes a refreshed deadline (the date, the flag, the record's place in index
   * byRemindOn, its version) only if the record is still the one read; false when the
   * ingest changed it meanwhile.
   */
  writeRefreshedDeadline(refresh: DeadlineRefresh): Promise<boolean>;
}
