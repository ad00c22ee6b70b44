// use case recomputeFigures: one pass over every record, every figure item read, and the
// writes that replace those that differ. `dangvien recompute` passes the DynamoDB store
// (shared/data/recompute-store.ts).
import type { DeadlineRefresh } from '../../domain/deadline-refresh.js';
import type { StoredRecord } from '../../domain/records.js';
import type { FiguresStore, StoredAsOf, StoredContribution, StoredFigures } from '../refresh-figures/port.js';

/** Every item of the Figures table, sorted by what it is. */
export interface FigureItems {
  figures: StoredFigures[];
  asOf: StoredAsOf[];
  contributions: StoredContribution[];
}

export interface RecomputeStore extends Pick<FiguresStore, 'writeFigures' | 'writeAsOf' | 'putContribution'> {
  /**
   * Visits every record once, in no particular order, with its item's partition key (what
   * a contribution names it by) and the cell it counts for now (index byCell).
   */
  scanRecords(visit: (stored: StoredRecord, where: { pk: string; cellId: string | undefined }) => void): Promise<void>;
  /** Every figures, as-of and contribution item, in no particular order. */
  readAllFigureItems(): Promise<FigureItems>;
  /**
   * Writes a refreshed deadline (the date, the flag, the record's place in index
   * byRemindOn, its version) only if the record is still the one read; false when the
   * ingest changed it meanwhile.
   */
  writeRefreshedDeadline(refresh: DeadlineRefresh): Promise<boolean>;
}
