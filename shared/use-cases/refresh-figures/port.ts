// use case refreshFigures: what it needs from storage (the Figures table, and the Records
// table's facts). The figures handler passes the DynamoDB store
// (shared/data/figures-store.ts), unit tests an in-memory one; the report and recompute
// read and write the same items through parts of it.
import type { DatedChanges, MergeBookkeeping, Month, Nets } from '../../domain/figures/index.js';
import type { FactRecord } from '../../domain/records.js';
import type { OrgTreeReader } from '../org-tree.js';

/**
 * `own`: a cell's recount of its own records and facts; `subtree`: an org and everything
 * under it, kept only for orgs with children (a childless org's subtree is its own).
 */
export type FiguresKind = 'own' | 'subtree';

/** One month of an org's figures: its changes by day. */
export interface StoredMonth extends MergeBookkeeping {
  orgId: string;
  kind: FiguresKind;
  month: Month;
  changes: DatedChanges;
  /** Bumped by every write; a write states the version it read (optimistic concurrency). */
  version: number;
}

/** The nets of the closed years of an org's months (domain/figures/months.ts). */
export interface StoredNets extends Nets {
  orgId: string;
  kind: FiguresKind;
  version: number;
}

/** Which items to read at once. */
export interface ItemsWanted {
  months?: ReadonlyArray<{ orgId: string; kind: FiguresKind; month: Month }>;
  nets?: ReadonlyArray<{ orgId: string; kind: FiguresKind }>;
}

/** Items read, keyed {@link monthId} and {@link netsId}; absent ones are not in the maps. */
export interface ItemsRead {
  months: Map<string, StoredMonth>;
  nets: Map<string, StoredNets>;
}

/** Reading the figures items (the report reads them too). */
export interface FiguresReader {
  /** Month and nets items by key, in one round of reads. */
  readItems(wanted: ItemsWanted, consistent?: boolean): Promise<ItemsRead>;
  /** The month items of one org and kind from `range.from` to `range.to` (every one when no range), by month. */
  queryMonths(orgId: string, kind: FiguresKind, range?: { from: Month; to: Month }, consistent?: boolean): Promise<StoredMonth[]>;
}

/** What one record contributes to one cell's figures, at the record's version. */
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

export interface FiguresStore extends OrgTreeReader, FiguresReader {
  /** Writes a month at `readVersion + 1` only if nobody wrote it since `readVersion` (undefined: absent); false when someone did. */
  writeMonth(item: Omit<StoredMonth, 'version'>, readVersion: number | undefined): Promise<boolean>;
  /** Writes the nets under the same rule. */
  writeNets(item: Omit<StoredNets, 'version'>, readVersion: number | undefined): Promise<boolean>;
  /** Deletes every subtree item of an org (it has no children any more: its own items stand for it). */
  deleteSubtreeItems(orgId: string): Promise<void>;
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
  /** A cell's facts of one year, read consistently (the facts are their own contributions). */
  queryFacts(cellId: string, year: number): Promise<FactRecord[]>;
}

/** The key of a month item in the maps {@link FiguresReader.readItems} answers. */
export const monthId = (orgId: string, kind: FiguresKind, month: Month) => `${kind}:${orgId}:${month}`;

/** The key of a nets item in those maps. */
export const netsId = (orgId: string, kind: FiguresKind) => `${kind}:${orgId}`;
