// domain: what applying one event decides. The handler loads what `needsFor` asks,
// calls `decide`, and writes the result in one transaction with the event's marker.
import type { CandidateRecord, DossierRecord, FactRecord, MemberRecord, OrgRecord, TransferRecord, VersionedRecord } from '../records.js';

/** Stable, machine-readable reasons an event can never apply (docs/events.md). */
export type RejectReason =
  | 'not-json'
  | 'unknown-type'
  | 'schema'
  | 'conflict'
  | 'out-of-scope'
  | 'org-exists'
  | 'bad-parent'
  | 'cycle'
  | 'not-empty'
  | 'org-dissolved'
  | 'not-a-cell'
  | 'member-exists'
  | 'dossier-exists'
  | 'dossier-closed'
  | 'step-backwards'
  | 'wrong-cell'
  | 'not-probationary'
  | 'not-active'
  | 'already-awarded'
  | 'transfer-exists'
  | 'transfer-open'
  /** docs/events.md#transfers: the transfer is not awaiting what the event does (received, ended, complete at issue). */
  | 'not-pending'
  | 'not-temporary'
  /** docs/events.md: the optional `memberId` of a transfer event names another member than the transfer's. */
  | 'transfer-mismatch'
  | 'date-order'
  /** docs/events.md#admission-dossiers: an admission names a dossier that is not open in the admission's cell. */
  | 'dossier-mismatch'
  /** docs/events.md#members: a member event dated (or a rating's year) before the member's admittedOn. */
  | 'before-admission'
  /** docs/events.md#members: recognizedOn before the end of probation. */
  | 'probation-not-ended'
  /** docs/events.md#members: a badge before admittedOn + years − 1 year. */
  | 'too-early'
  /** A date derived from the event (a deadline, the end of probation) is out of the range dates can hold. */
  | 'date-out-of-range'
  /** docs/events.md#the-candidate-pool: listing a person who is in the pool already, or was admitted from it. */
  | 'candidate-exists'
  /** docs/events.md#the-candidate-pool: dropping a person who is no longer in the pool (dropped or admitted). */
  | 'not-in-pool'
  /** docs/events.md#after-the-decision: a second admission ceremony. */
  | 'already-held'
  /** docs/events.md#after-the-decision: a second filing of the party file. */
  | 'already-filed'
  /** docs/events.md#after-the-decision: a party card, or a badge, for a member who is not official (on that date). */
  | 'not-official'
  /** docs/events.md#organizations: an org's rating for a year before it was established, or an establishment after a rated year. */
  | 'before-established'
  /** docs/events.md#message-groups: the message's group is not its event's subject group. */
  | 'wrong-group'
  /** docs/producers.md#quotas: its producer has as many events waiting as its quota allows. */
  | 'too-many-waiting'
  /** docs/producers.md#quotas: its producer sent more events this minute than its quota allows. */
  | 'too-many-events';

/** Reasons to try again later: a predecessor has not arrived yet. */
export type RetryReason = 'missing-org' | 'missing-member' | 'missing-dossier' | 'missing-transfer' | 'missing-candidate';

/** Records an event needs to be decided; asked again after each load until complete. */
export interface Needs {
  orgs: string[];
  /** Org events need the whole tree (cycles, children, merges). */
  allOrgs?: boolean;
  members: string[];
  dossiers: string[];
  transfers: string[];
  /** Candidates by `personId` (docs/events.md#the-candidate-pool); absent: none. */
  candidates?: string[];
  /** Dissolving an org without a merge target needs the active member counts of its rolls. */
  activeMembersOf?: string[];
  /**
   * Dissolving an org without a merge target needs the number of open dossiers
   * (`status` `open`) whose `cellId` is each of these orgs; loaded into
   * {@link LoadedState.openDossiers} (see {@link countOpenDossiers}).
   */
  openDossiersOf?: string[];
}

/** What the handler loaded. A missing key means "looked up, does not exist". */
export interface LoadedState {
  orgs: Map<string, OrgRecord>;
  allOrgsLoaded: boolean;
  members: Map<string, MemberRecord>;
  dossiers: Map<string, DossierRecord>;
  transfers: Map<string, TransferRecord>;
  /** By `personId`. */
  candidates: Map<string, CandidateRecord>;
  activeMembers: Map<string, number>;
  /** Open dossiers per cell id, for the cells `openDossiersOf` named; a cell not in the map was not loaded. */
  openDossiers: Map<string, number>;
  /** Keys already looked up, so that "absent" and "not loaded" differ. */
  looked: Set<string>;
}

export function emptyState(): LoadedState {
  return {
    orgs: new Map(),
    allOrgsLoaded: false,
    members: new Map(),
    dossiers: new Map(),
    transfers: new Map(),
    candidates: new Map(),
    activeMembers: new Map(),
    openDossiers: new Map(),
    looked: new Set(),
  };
}

/**
 * One record write. `expectedVersion` is the version that was read (null: the record
 * must not exist yet), so a concurrent change makes the transaction fail and retry.
 */
export type Write =
  | (VersionedRecord & {
      expectedVersion: number | null;
      /**
       * An org write that leaves the tree's shape as it was (a rename, a target): the
       * tree's readers keep their copy, and no figure moves (docs/architecture.md).
       */
      sameTree?: true;
    })
  | { entity: 'fact'; op: 'put'; record: FactRecord }
  | { entity: 'fact'; op: 'delete'; record: Pick<FactRecord, 'cellId' | 'year' | 'factId'> };

export type Decision =
  | { outcome: 'apply'; writes: Write[] }
  | { outcome: 'reject'; reason: RejectReason; message: string }
  | { outcome: 'retry'; reason: RetryReason; message: string };

export const apply = (...writes: Write[]): Decision => ({ outcome: 'apply', writes });
export const reject = (reason: RejectReason, message: string): Decision => ({ outcome: 'reject', reason, message });
export const retry = (reason: RetryReason, message: string): Decision => ({ outcome: 'retry', reason, message });

/** The next version of a record that was read at `previous` (null: new). */
export function bump<T extends { version: number }>(record: Omit<T, 'version'>, previous: { version: number } | undefined): T {
  return { ...record, version: (previous?.version ?? 0) + 1 } as T;
}

/**
 * The pure default of what a loader puts in {@link LoadedState.openDossiers} for one
 * cell: the dossiers whose `cellId` is `cellId` and whose `status` is `open`.
 */
export function countOpenDossiers(dossiers: Iterable<Pick<DossierRecord, 'cellId' | 'status'>>, cellId: string): number {
  let n = 0;
  for (const d of dossiers) if (d.cellId === cellId && d.status === 'open') n += 1;
  return n;
}
