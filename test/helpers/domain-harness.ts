// An in-memory stand-in for the Records table and the ingest use case, for testing the
// pure domain (shared/domain/ingest) without the emulators. It follows the real ingest
// (shared/use-cases/ingest-event.ts, shared/data/ingest-store.ts) step by step:
//   parse the body → idempotency marker → loop needsFor/load until nothing new →
//   decide → write everything in one all-or-nothing "transaction".
// Like DynamoDB, the transaction checks each record write's `expectedVersion` (null:
// must not exist yet) and refuses two operations on the same item. It also checks what
// the real store does not: that each write bumps the version by exactly one.

import { decide, needsFor } from '../../shared/domain/ingest/decide.js';
import {
  emptyState,
  type Decision,
  type LoadedState,
  type Needs,
  type RejectReason,
  type RetryReason,
  type Write,
} from '../../shared/domain/ingest/decision-types.js';
import { parseEvent, type DomainEvent } from '../../shared/domain/events.js';
import type { DossierRecord, Fact, FactRecord, MemberRecord, OrgRecord, TransferRecord } from '../../shared/domain/records.js';

/** What running one message did. */
export type RunResult =
  | { outcome: 'applied'; eventId: string; writes: Write[] }
  | { outcome: 'duplicate'; eventId: string }
  | { outcome: 'rejected'; eventId?: string; reason: RejectReason; message: string }
  | { outcome: 'retry'; eventId: string; reason: RetryReason; message: string };

/** A write the "transaction" refused: a domain bug, never a business outcome. */
export class TransactionError extends Error {
  override name = 'TransactionError';
}

const factKey = (f: Pick<FactRecord, 'cellId' | 'year' | 'factId'>): string => `${f.cellId}#${String(f.year)}#${f.factId}`;

/** Deep copy, so that `decide` can never change the store by mutating what it was given. */
const copy = <T>(x: T): T => structuredClone(x);

/** The same canonical form for equal bodies whatever their key order (the real ingest hashes a canonical form too). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export class DomainHarness {
  readonly orgs = new Map<string, OrgRecord>();
  readonly members = new Map<string, MemberRecord>();
  readonly dossiers = new Map<string, DossierRecord>();
  readonly transfers = new Map<string, TransferRecord>();
  /** Keyed `cellId#year#factId`, like the FACT#<cell>#<year> / <factId> items. */
  readonly facts = new Map<string, FactRecord>();
  /** Applied event id → canonical body (the idempotency marker). */
  readonly applied = new Map<string, string>();
  /** Every result, in order. */
  readonly log: RunResult[] = [];

  /** Runs one message: a parsed event, or anything else (sent as its JSON). */
  run(event: DomainEvent | object): RunResult {
    const result = this.runOnce(event);
    this.log.push(result);
    return result;
  }

  /** Runs messages in order; returns their results. */
  runAll(events: readonly (DomainEvent | object)[]): RunResult[] {
    return events.map((e) => this.run(e));
  }

  /**
   * Runs messages that must all apply (a test's "given"): throws, naming the message,
   * on any other outcome, so that a broken setup does not pass as the case under test.
   */
  given(events: readonly (DomainEvent | object)[]): this {
    for (const e of events) {
      const r = this.run(e);
      if (r.outcome !== 'applied') {
        throw new Error(`setup event ${JSON.stringify(e)} did not apply: ${JSON.stringify(r)}`);
      }
    }
    return this;
  }

  private runOnce(message: DomainEvent | object): RunResult {
    const parsed = parseEvent(JSON.stringify(message));
    if (!parsed.ok) return { outcome: 'rejected', reason: parsed.reason, message: parsed.message };
    const event = parsed.event;
    const body = canonical(event);
    const marker = this.applied.get(event.id);
    if (marker !== undefined) {
      if (marker === body) return { outcome: 'duplicate', eventId: event.id };
      return { outcome: 'rejected', eventId: event.id, reason: 'conflict', message: `event ${event.id} was already applied with a different body` };
    }
    const state = this.load(event);
    const decision: Decision = decide(event, state);
    switch (decision.outcome) {
      case 'reject':
        return { outcome: 'rejected', eventId: event.id, reason: decision.reason, message: decision.message };
      case 'retry':
        return { outcome: 'retry', eventId: event.id, reason: decision.reason, message: decision.message };
      case 'apply':
        this.commit(decision.writes);
        this.applied.set(event.id, body);
        return { outcome: 'applied', eventId: event.id, writes: decision.writes };
    }
  }

  /** Asks `needsFor` until it names nothing new, as the real ingest does. */
  private load(event: DomainEvent): LoadedState {
    const state = emptyState();
    for (let round = 0; this.loadNeeds(needsFor(event, state), state); round++) {
      if (round > 20) throw new Error(`needsFor keeps asking for more (${event.type})`);
    }
    return state;
  }

  /** Mirrors ingest-store `loadNeeds`: returns whether anything was loaded. */
  private loadNeeds(needs: Needs, state: LoadedState): boolean {
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
    return loaded;
  }

  /**
   * Writes all or nothing. Throws {@link TransactionError} on a version mismatch, a
   * version that is not bumped by one, or two operations on one item.
   */
  commit(writes: readonly Write[]): void {
    const seen = new Set<string>();
    for (const w of writes) {
      const key = w.entity === 'fact' ? `fact:${factKey(w.record)}` : `${w.entity}:${this.idOf(w)}`;
      if (seen.has(key)) throw new TransactionError(`two operations on ${key} in one transaction`);
      seen.add(key);
      if (w.entity === 'fact') continue;
      const current = this.tableOf(w.entity).get(this.idOf(w));
      if (w.expectedVersion === null) {
        if (current !== undefined) throw new TransactionError(`${key} exists (version ${String(current.version)}), expected none`);
      } else if (current === undefined || current.version !== w.expectedVersion) {
        throw new TransactionError(`${key} is at version ${String(current?.version)}, expected ${String(w.expectedVersion)}`);
      }
      if (w.record.version !== (w.expectedVersion ?? 0) + 1) {
        throw new TransactionError(`${key} written at version ${String(w.record.version)} after ${String(w.expectedVersion)}`);
      }
    }
    for (const w of writes) {
      if (w.entity === 'fact') {
        if (w.op === 'put') this.facts.set(factKey(w.record), copy(w.record));
        else this.facts.delete(factKey(w.record));
      } else {
        (this.tableOf(w.entity) as Map<string, typeof w.record>).set(this.idOf(w), copy(w.record));
      }
    }
  }

  private idOf(w: Exclude<Write, { entity: 'fact' }>): string {
    switch (w.entity) {
      case 'org':
        return w.record.orgId;
      case 'member':
        return w.record.memberId;
      case 'dossier':
        return w.record.dossierId;
      case 'transfer':
        return w.record.transferId;
    }
  }

  private tableOf(entity: 'org' | 'member' | 'dossier' | 'transfer'): Map<string, { version: number }> {
    switch (entity) {
      case 'org':
        return this.orgs;
      case 'member':
        return this.members;
      case 'dossier':
        return this.dossiers;
      case 'transfer':
        return this.transfers;
    }
  }

  // ------------------------------------------------------------------ queries for tests

  /** Members on `cellId`'s rolls now (probationary or official). */
  activeCount(cellId: string): number {
    let n = 0;
    for (const m of this.members.values()) {
      if (m.cellId === cellId && (m.status === 'probationary' || m.status === 'official')) n += 1;
    }
    return n;
  }

  /** What the store counts before a dissolution: the active members and those in transit from the cell. */
  rollsCount(cellId: string): number {
    let n = this.activeCount(cellId);
    for (const m of this.members.values()) if (m.cellId === cellId && m.status === 'in-transit') n += 1;
    return n;
  }

  /** Facts of one cell and year, optionally of one kind, sorted by factId. */
  factsOf<K extends Fact['kind']>(cellId: string, year: number, kind?: K): FactRecord[] {
    return [...this.facts.values()]
      .filter((f) => f.cellId === cellId && f.year === year && (kind === undefined || f.fact.kind === kind))
      .sort((a, b) => (a.factId < b.factId ? -1 : a.factId > b.factId ? 1 : 0));
  }

  /** Number of facts of `kind` per `cellId|year`. */
  factCounts(kind: Fact['kind']): Record<string, number> {
    const out: Record<string, number> = {};
    for (const f of this.facts.values()) {
      if (f.fact.kind !== kind) continue;
      const k = `${f.cellId}|${String(f.year)}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  /** Official transfers issued to an org of this system and not yet received or cancelled, per sending cell. */
  inTransitCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.transfers.values()) {
      if (t.kind === 'official' && t.status === 'issued' && !t.toExternal) out[t.fromOrgId] = (out[t.fromOrgId] ?? 0) + 1;
    }
    return out;
  }

  /** Temporary transfers received and not yet returned or cancelled, per receiving cell. */
  attendeeCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.transfers.values()) {
      if (t.kind === 'temporary' && t.status === 'received') out[t.toOrgId] = (out[t.toOrgId] ?? 0) + 1;
    }
    return out;
  }
}

/** `{ outcome, reason }` of a result, for compact assertions. */
export function outcomeOf(r: RunResult): { outcome: RunResult['outcome']; reason?: string } {
  return r.outcome === 'rejected' || r.outcome === 'retry' ? { outcome: r.outcome, reason: r.reason } : { outcome: r.outcome };
}
