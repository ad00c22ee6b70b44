// use case refreshFigures: what it needs from storage (the Figures table, and the Records
// table's cells and facts). The figures handler passes the DynamoDB store
// (shared/data/figures-store.ts), unit tests an in-memory one; the report and recompute
// read and write the same items through parts of it.
import type { DatedChanges, MergeBookkeeping, OrgFigures, Tally } from '../../domain/figures/index.js';
import type { FactRecord, VersionedRecord } from '../../domain/records.js';
import type { OrgTreeReader } from '../org-tree.js';

/** `own`: a cell's recount of its own records; `subtree`: the org and everything under it. */
export type FiguresKind = 'own' | 'subtree';

export interface StoredFigures extends MergeBookkeeping {
  orgId: string;
  kind: FiguresKind;
  figures: OrgFigures;
  /** Bumped by every write; a write states the version it read (optimistic concurrency). */
  version: number;
}

/** A record the index byCell holds for a cell, with its item's partition key. */
export interface CellHolding {
  pk: string;
  stored: VersionedRecord;
}

/** Reading the figures items (the report reads them too). */
export interface FiguresReader {
  /** Figures by (org, kind), keyed `kind:orgId` ({@link figuresId}); absent ones are not in the map. */
  readFigures(wanted: ReadonlyArray<{ orgId: string; kind: FiguresKind }>, consistent?: boolean): Promise<Map<string, StoredFigures>>;
}

export interface FiguresStore extends OrgTreeReader, FiguresReader, AsOfStore {
  /**
   * Writes at `readVersion + 1` only if nobody wrote since `readVersion` was read (undefined:
   * absent); false when someone did. A subtree item carries its `bookkeeping` (none: dropped).
   */
  writeFigures(
    orgId: string,
    kind: FiguresKind,
    figures: OrgFigures,
    readVersion: number | undefined,
    bookkeeping?: MergeBookkeeping,
  ): Promise<boolean>;
  /** What a cell holds now, from index byCell: eventually consistent, so callers verify. */
  queryCellItems(cellId: string): Promise<CellHolding[]>;
  /** A cell's facts of one year, read consistently. */
  queryFacts(cellId: string, year: number): Promise<FactRecord[]>;
  /** The version of a record now, read consistently (0 when it does not exist). */
  currentVersion(key: { pk: string; sk: string }): Promise<number>;
}

/**
 * One item of an org's figures as of a date: `nets` (year → the net change of that
 * year) or one year (`"2021"`: `MM-DD` → the changes dated that day).
 */
export interface StoredAsOf extends MergeBookkeeping {
  orgId: string;
  kind: FiguresKind;
  part: string;
  data: Record<string, Tally>;
  version: number;
}

/** What one record contributes to one cell's figures as of a date, at the record's version. */
export interface StoredContribution {
  cellId: string;
  /** The partition key of the record (`MEMBER#M1`). */
  recordPk: string;
  version: number;
  changes: DatedChanges;
}

/** What putting a contribution did: whether it was written, and the one it replaced (content and record version). */
export interface ContributionPut {
  written: boolean;
  replaced?: { changes: DatedChanges; version: number };
}

/** The as-of items a refresh reads and writes (see shared/data/figures-store.ts). */
export interface AsOfStore {
  /** Items by (org, kind, part), keyed {@link asOfId}; absent ones are not in the map. */
  readAsOf(
    wanted: ReadonlyArray<{ orgId: string; kind: FiguresKind; part: string }>,
    consistent?: boolean,
  ): Promise<Map<string, StoredAsOf>>;
  /** Writes only if nobody wrote since `readVersion` (undefined: absent); false when someone did. */
  writeAsOf(item: Omit<StoredAsOf, 'version'>, readVersion: number | undefined): Promise<boolean>;
  /**
   * Puts a record's contribution to a cell unless one of a later record version is
   * there; returns the contribution it replaced (undefined: none, or not replaced).
   */
  putContribution(c: StoredContribution): Promise<ContributionPut>;
  /**
   * The record is gone (only an erasure deletes a member, dossier or transfer: it moves it
   * under a pseudonym, docs/personal-data.md): its contribution goes too, unless one of a
   * later record version is there. Returns the contribution it removed, as a put would.
   */
  dropContribution(c: Omit<StoredContribution, 'changes'>): Promise<ContributionPut>;
  /** Every contribution to a cell, read consistently. */
  queryContributions(cellId: string): Promise<StoredContribution[]>;
}

/** The key of an as-of item in the maps {@link AsOfStore.readAsOf} answers. */
export const asOfId = (orgId: string, kind: FiguresKind, part: string) => `${kind}:${orgId}:${part}`;

/** The key of a figures item in the maps {@link FiguresReader.readFigures} answers. */
export const figuresId = (orgId: string, kind: FiguresKind) => `${kind}:${orgId}`;

/** The as-of item holding the net change of every year. */
export const NETS = 'nets';
