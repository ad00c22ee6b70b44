// An in-memory IngestStore (shared/use-cases/ingest-event/port.ts) with the semantics of
// the DynamoDB one (shared/data/ingest-store.ts), so that unit tests run the real
// `ingestEvent` in milliseconds:
//   - a commit is all or nothing: every record write's `expectedVersion` (null: must not
//     exist yet) and the marker's attribute_not_exists are checked before anything is
//     written; a marker that exists answers 'already-applied', any other failed
//     condition 'stale', as the transaction's cancellation reasons do;
//   - two operations on one item in one commit are refused, as DynamoDB refuses them;
//   - what is read is a deep copy, so the domain can never change the store by mutating it.
// It also checks what DynamoDB does not: that each write bumps the version by exactly
// one (a domain bug, thrown as TransactionError).
import { countOpenDossiers, type LoadedState, type Needs, type Write } from '../../shared/domain/ingest/decision-types.js';
import type {
  CandidateRecord,
  DossierRecord,
  FactRecord,
  MemberRecord,
  OrgRecord,
  Profile,
  TransferRecord,
  VersionedRecord,
} from '../../shared/domain/records.js';
import { correctedBody } from '../../shared/domain/personal-data.js';
import { cellOf } from '../../shared/data/keys.js';
import { idempotencyKey, type EventKey } from '../../shared/domain/ingest/idempotency.js';
import { quotaKeyOf } from '../../shared/domain/ingest/quotas.js';
import { OrgTree } from '../../shared/domain/figures/index.js';
import {
  NO_BODY,
  type AppliedEvent,
  type CommitResult,
  type IngestStore,
  type RedriveGrant,
  type RejectedEvent,
  type QuotaReached,
  type WaitingRef,
} from '../../shared/use-cases/ingest-event/port.js';
import type { ReportReader } from '../../shared/use-cases/build-report/port.js';
import {
  monthId,
  netsId,
  type ContributionPut,
  type FiguresKind,
  type FiguresStore,
  type ItemsRead,
  type ItemsWanted,
  type StoredContribution,
  type StoredMonth,
  type StoredNets,
} from '../../shared/use-cases/refresh-figures/port.js';

/** A write no DynamoDB transaction would accept, or one that bumps a version wrongly: a bug, never a business outcome. */
export class TransactionError extends Error {
  override name = 'TransactionError';
}

export interface DeferredEvent {
  eventId: string;
  senderId: string;
  reason: string;
  message: string;
  attempts: number;
  receiveCount?: number;
  inDeadLetterQueue?: true;
}

const factId = (f: Pick<FactRecord, 'cellId' | 'year' | 'factId'>): string => `${f.cellId}#${String(f.year)}#${f.factId}`;
const copy = <T>(x: T): T => structuredClone(x);

export class InMemoryIngestStore implements IngestStore {
  readonly orgs = new Map<string, OrgRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly dossiers = new Map<string, DossierRecord>();
  readonly transfers = new Map<string, TransferRecord>();
  /** By `personId`, as the CANDIDATE#<personId> items. */
  readonly candidates = new Map<string, CandidateRecord>();
  /** Keyed `cellId#year#factId`, like the FACT#<cell>#<year> / <factId> items. */
  readonly facts = new Map<string, FactRecord>();
  /** The markers, by idempotency key `<source>/<id>`. */
  readonly applied = new Map<string, AppliedEvent>();
  /** By rejection id (`<source>/<id>@<sender>`…), as the REJECTED items. */
  readonly rejected = new Map<string, RejectedEvent>();
  /** By waiting id (`<source>/<id>@<sender>`), as the DEFERRED items. */
  readonly deferred = new Map<string, DeferredEvent>();
  /** The quotas reached, by `<quota>#<kind>`, as the QUOTA items. */
  readonly quotasReached = new Map<string, QuotaReached>();
  /** Redrive grants by token, with the body each vouches for (the DynamoDB store keeps a keyed digest of it). */
  readonly grants = new Map<string, RedriveGrant & { body: string }>();
  /** Bumped by every commit that writes an org, as the ORGTREE counter is. */
  treeVersion = 0;
  /** How often the scope check asked for the tree (the counter read of the DynamoDB store). */
  orgTreeReads = 0;
  /** The writes of the last successful commit (tests look at what an event wrote). */
  lastWrites: readonly Write[] = [];
  /** The last rejection stored (tests look at its message). */
  lastRejected: RejectedEvent | undefined;

  async findApplied(key: EventKey): Promise<AppliedEvent | undefined> {
    const marker = this.applied.get(idempotencyKey(key.source, key.eventId));
    return marker && copy(marker);
  }

  async redriveGrantFor(token: string, body: string, messageId: string): Promise<RedriveGrant | undefined> {
    const grant = this.grants.get(token);
    if (!grant || grant.body !== body || grant.expiresAt <= Date.now() / 1000) return undefined;
    if (grant.usedBy !== undefined && grant.usedBy !== messageId) return undefined;
    const { body: _body, ...kept } = copy(grant);
    return kept;
  }

  async useRedriveGrant(token: string, messageId: string): Promise<boolean> {
    const grant = this.grants.get(token);
    if (!grant || (grant.usedBy !== undefined && grant.usedBy !== messageId)) return false;
    grant.usedBy = messageId;
    return true;
  }

  /** What an operator's redrive writes: a grant of `token` for `senderId` and this body, kept `days`. */
  grant(token: string, senderId: string, body: string, days = 15): void {
    const now = Date.now();
    const expiresAt = Math.floor(now / 1000) + days * 86_400;
    this.grants.set(token, { token, senderId, body, bodyDigest: `digest-of:${body}`, createdAt: new Date(now).toISOString(), expiresAt });
  }

  /** A copy of the tree as it is now, as the kept copy is once the counter has been read. */
  async currentOrgTree(): Promise<OrgTree> {
    this.orgTreeReads += 1;
    return new OrgTree([...this.orgs.values()].map(copy), this.treeVersion);
  }

  /** Why the event `eventId` waits (any sender's wait), for tests. */
  deferredOf(eventId: string): DeferredEvent | undefined {
    return [...this.deferred.values()].find((d) => d.eventId === eventId);
  }

  async loadNeeds(needs: Needs, state: LoadedState): Promise<boolean> {
    let loaded = false;
    const want = <T>(kind: string, ids: readonly string[], from: Map<string, T>, into: Map<string, T>) => {
      for (const id of ids) {
        const look = `${kind}:${id}`;
        if (state.looked.has(look)) continue;
        state.looked.add(look);
        loaded = true;
        const record = from.get(id);
        if (record !== undefined) into.set(id, copy(record));
      }
    };
    if (!state.allOrgsLoaded) want('org', needs.orgs, this.orgs, state.orgs);
    want('member', needs.members, this.members, state.members);
    want('dossier', needs.dossiers, this.dossiers, state.dossiers);
    want('transfer', needs.transfers, this.transfers, state.transfers);
    want('candidate', needs.candidates ?? [], this.candidates, state.candidates);
    if (needs.allOrgs && !state.allOrgsLoaded) {
      for (const org of this.orgs.values()) state.orgs.set(org.orgId, copy(org));
      state.allOrgsLoaded = true;
      loaded = true;
    }
    for (const cellId of needs.activeMembersOf ?? []) {
      if (state.activeMembers.has(cellId)) continue;
      state.activeMembers.set(cellId, this.rollsCount(cellId));
      loaded = true;
    }
    for (const cellId of needs.openDossiersOf ?? []) {
      if (state.openDossiers.has(cellId)) continue;
      state.openDossiers.set(cellId, countOpenDossiers(this.dossiers.values(), cellId));
      loaded = true;
    }
    return loaded;
  }

  async commit(marker: AppliedEvent, writes: readonly Write[], opts: { clearDeferred?: WaitingRef }): Promise<CommitResult> {
    const seen = new Set<string>();
    let stale = false;
    for (const w of writes) {
      const key = w.entity === 'fact' ? `fact:${factId(w.record)}` : `${w.entity}:${idOf(w)}`;
      if (seen.has(key)) throw new TransactionError(`two operations on ${key} in one transaction`);
      seen.add(key);
      if (w.entity === 'fact') continue;
      const current = this.tableOf(w.entity).get(idOf(w));
      if (w.expectedVersion === null ? current !== undefined : current?.version !== w.expectedVersion) stale = true;
      if (w.record.version !== (w.expectedVersion ?? 0) + 1) {
        throw new TransactionError(`${key} written at version ${String(w.record.version)} after ${String(w.expectedVersion)}`);
      }
    }
    const key = idempotencyKey(marker.source, marker.eventId);
    if (this.applied.has(key)) return 'already-applied';
    if (stale) return 'stale';
    for (const w of writes) {
      if (w.entity === 'fact') {
        if (w.op === 'put') this.facts.set(factId(w.record), copy(w.record));
        else this.facts.delete(factId(w.record));
      } else {
        (this.tableOf(w.entity) as Map<string, VersionedRecord['record']>).set(idOf(w), copy(w.record));
      }
    }
    if (writes.some((w) => w.entity === 'org' && !w.sameTree)) this.treeVersion += 1;
    this.applied.set(key, copy(marker));
    if (opts.clearDeferred) this.deferred.delete(opts.clearDeferred.id);
    this.lastWrites = writes;
    return 'committed';
  }

  async storeRejected(rejected: RejectedEvent): Promise<void> {
    this.rejected.set(rejected.id, copy(rejected));
    this.lastRejected = copy(rejected);
  }

  async rejectedBodiesAbout(personId: string, senderId: string, limit: number): Promise<number> {
    const kept = [...this.rejected.values()].filter((r) => r.personId === personId && r.senderId === senderId && r.body !== NO_BODY);
    return Math.min(kept.length, limit);
  }

  /** The keys each person has had (a correction replaces it): what a correction did, for tests. */
  readonly keyVersions = new Map<string, number>();

  /** How many copies the last correction sealed again (records, markers and rejected events about the person). */
  lastCorrectionResealed = 0;

  async followCorrection(personId: string, correction: Partial<Profile>): Promise<void> {
    this.keyVersions.set(personId, (this.keyVersions.get(personId) ?? 1) + 1);
    let resealed = [...this.applied.values()].filter((m) => m.personId === personId).length + (this.members.has(personId) ? 1 : 0);
    for (const [id, r] of this.rejected) {
      if (r.personId !== personId || r.body === NO_BODY) continue;
      resealed += 1;
      let body = r.body;
      try {
        body = JSON.stringify(correctedBody(JSON.parse(r.body), correction));
      } catch {
        // A body that is not JSON is sealed again as it is.
      }
      this.rejected.set(id, { ...r, body });
    }
    this.lastCorrectionResealed = resealed;
  }

  /** Erasure times by person id (tombstones), as the vault keeps them. */
  readonly erased = new Map<string, string>();

  async erasures(personIds: readonly string[]): Promise<Map<string, string>> {
    return new Map(personIds.flatMap((id) => (this.erased.has(id) ? [[id, this.erased.get(id)!] as const] : [])));
  }

  async clearDeferred(waiting: WaitingRef): Promise<void> {
    this.deferred.delete(waiting.id);
  }

  async isDeferred(waiting: WaitingRef): Promise<boolean> {
    return this.deferred.has(waiting.id);
  }

  async countWaiting(quotaKey: string): Promise<number> {
    return [...this.deferred.values()].filter((d) => quotaKeyOf(d.senderId) === quotaKey).length;
  }

  /** Events counted per identity and minute (countEvents). */
  readonly eventsCounted = new Map<string, number>();

  async countEvents(quotaKey: string, minute: string, n: number): Promise<number> {
    const total = (this.eventsCounted.get(`${quotaKey}#${minute}`) ?? 0) + n;
    this.eventsCounted.set(`${quotaKey}#${minute}`, total);
    return total;
  }

  /** The rejected bodies kept of an identity (none expire here: tests run within a day). */
  async countRejectedKept(quotaKey: string): Promise<number> {
    return [...this.rejected.values()].filter((r) => r.body !== NO_BODY && r.senderId?.split(':')[0] === quotaKey).length;
  }

  async noteQuotaReached(reached: QuotaReached): Promise<void> {
    this.quotasReached.set(`${reached.senderId}#${reached.kind}`, copy(reached));
  }

  async storeDeferred(waiting: WaitingRef, reason: string, message: string): Promise<void> {
    const attempts = (this.deferred.get(waiting.id)?.attempts ?? 0) + 1;
    this.deferred.set(waiting.id, {
      eventId: waiting.eventId,
      senderId: waiting.senderId,
      reason,
      message,
      attempts,
      ...(waiting.receiveCount !== undefined ? { receiveCount: waiting.receiveCount } : {}),
      ...(waiting.inDeadLetterQueue ? { inDeadLetterQueue: true as const } : {}),
    });
  }

  /**
   * What the DynamoDB store counts before a dissolution (index byCell with its filter): the
   * members that count for the cell, and the official transfers awaiting receipt from it.
   */
  rollsCount(cellId: string): number {
    let n = 0;
    for (const record of this.members.values()) if (cellOf({ entity: 'member', record }) === cellId) n += 1;
    for (const record of this.transfers.values()) {
      if (record.kind === 'official' && record.fromOrgId === cellId && cellOf({ entity: 'transfer', record }) === cellId) n += 1;
    }
    return n;
  }

  private tableOf(entity: VersionedRecord['entity']): Map<string, { version: number }> {
    switch (entity) {
      case 'org':
        return this.orgs;
      case 'member':
        return this.members;
      case 'dossier':
        return this.dossiers;
      case 'transfer':
        return this.transfers;
      case 'candidate':
        return this.candidates;
    }
  }
}

function idOf(w: VersionedRecord): string {
  switch (w.entity) {
    case 'org':
      return w.record.orgId;
    case 'member':
      return w.record.memberId;
    case 'dossier':
      return w.record.dossierId;
    case 'transfer':
      return w.record.transferId;
    case 'candidate':
      return w.record.personId;
  }
}

/**
 * An in-memory FiguresStore (shared/use-cases/refresh-figures/port.ts) with the semantics of
 * the DynamoDB one (shared/data/figures-store.ts), so that unit tests run the real `refreshFigures`:
 * conditional writes at `readVersion + 1`, reads as deep copies, contributions kept unless a
 * later record version is there. The org tree carries the version of the counter that
 * `putOrg` bumps, as the ORGTREE/VERSION item does. `beforeWrite` runs before every month or
 * nets write (keyed as the read maps are, a nets item as `nets:<kind>:<org>`): a test makes a
 * write wait there (a race) or throw (a crash).
 */
export class InMemoryFiguresStore implements FiguresStore, ReportReader {
  readonly orgs = new Map<string, OrgRecord>();
  treeVersion = 0;
  readonly facts: FactRecord[] = [];
  readonly months = new Map<string, StoredMonth>();
  readonly nets = new Map<string, StoredNets>();
  readonly contributions = new Map<string, StoredContribution>();
  beforeWrite?: (id: string) => void | Promise<void>;
  /** Writes of month and nets items, by id. */
  readonly writes = new Map<string, number>();

  /** Puts an org; `sameTree` as a rename or a target is written (the tree's counter stays). */
  putOrg(org: OrgRecord, opts: { sameTree?: boolean } = {}): void {
    this.orgs.set(org.orgId, copy(org));
    if (!opts.sameTree) this.treeVersion += 1;
  }

  async currentOrgTree(): Promise<OrgTree> {
    return new OrgTree([...this.orgs.values()].map(copy), this.treeVersion);
  }

  async readOrgs(ids: readonly string[]): Promise<Map<string, OrgRecord>> {
    return new Map(ids.filter((id) => this.orgs.has(id)).map((id) => [id, copy(this.orgs.get(id)!)]));
  }

  async readItems(wanted: ItemsWanted): Promise<ItemsRead> {
    const out: ItemsRead = { months: new Map(), nets: new Map() };
    for (const m of wanted.months ?? []) {
      const item = this.months.get(monthId(m.orgId, m.kind, m.month));
      if (item) out.months.set(monthId(m.orgId, m.kind, m.month), copy(item));
    }
    for (const n of wanted.nets ?? []) {
      const item = this.nets.get(netsId(n.orgId, n.kind));
      if (item) out.nets.set(netsId(n.orgId, n.kind), copy(item));
    }
    return out;
  }

  async queryMonths(orgId: string, kind: FiguresKind, range?: { from: string; to: string }): Promise<StoredMonth[]> {
    return [...this.months.values()]
      .filter((m) => m.orgId === orgId && m.kind === kind && (!range || (m.month >= range.from && m.month <= range.to)))
      .sort((a, b) => (a.month < b.month ? -1 : 1))
      .map(copy);
  }

  async writeMonth(item: Omit<StoredMonth, 'version'>, readVersion: number | undefined): Promise<boolean> {
    const id = monthId(item.orgId, item.kind, item.month);
    await this.beforeWrite?.(id);
    if (this.months.get(id)?.version !== readVersion) return false;
    this.months.set(id, copy({ ...item, version: (readVersion ?? 0) + 1 }));
    this.writes.set(id, (this.writes.get(id) ?? 0) + 1);
    return true;
  }

  async writeNets(item: Omit<StoredNets, 'version'>, readVersion: number | undefined): Promise<boolean> {
    const id = netsId(item.orgId, item.kind);
    await this.beforeWrite?.(`nets:${id}`);
    if (this.nets.get(id)?.version !== readVersion) return false;
    this.nets.set(id, copy({ ...item, version: (readVersion ?? 0) + 1 }));
    this.writes.set(`nets:${id}`, (this.writes.get(`nets:${id}`) ?? 0) + 1);
    return true;
  }

  async deleteSubtreeItems(orgId: string): Promise<void> {
    for (const [id, m] of this.months) if (m.orgId === orgId && m.kind === 'subtree') this.months.delete(id);
    this.nets.delete(netsId(orgId, 'subtree'));
  }

  async putContribution(c: StoredContribution): Promise<ContributionPut> {
    const id = `${c.cellId}|${c.recordPk}`;
    const old = this.contributions.get(id);
    if (old && old.version > c.version) return { written: false };
    this.contributions.set(id, copy(c));
    return old ? { written: true, replaced: { changes: copy(old.changes), version: old.version } } : { written: true };
  }

  async dropContribution(c: Omit<StoredContribution, 'changes'>): Promise<ContributionPut> {
    const id = `${c.cellId}|${c.recordPk}`;
    const old = this.contributions.get(id);
    if (old && old.version > c.version) return { written: false };
    this.contributions.delete(id);
    return old ? { written: true, replaced: { changes: copy(old.changes), version: old.version } } : { written: true };
  }

  async queryContributions(cellId: string): Promise<StoredContribution[]> {
    return [...this.contributions.values()].filter((c) => c.cellId === cellId).map(copy);
  }

  async queryFacts(cellId: string, year: number): Promise<FactRecord[]> {
    return this.facts.filter((f) => f.cellId === cellId && f.year === year).map(copy);
  }
}
