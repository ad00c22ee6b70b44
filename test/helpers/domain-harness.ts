// The real ingest use case (shared/use-cases/ingest-event) on an in-memory store
// (in-memory-stores.ts), for testing the domain rules and idempotency without the
// emulators: parse the body → idempotency marker → loop needsFor/load until nothing
// new → decide → one all-or-nothing commit. What differs from production is only where
// the records live.
import type { RejectReason, RetryReason, Write } from '../../shared/domain/ingest/decision-types.js';
import type { DomainEvent } from '../../shared/domain/events/index.js';
import type {
  CandidateRecord,
  DossierRecord,
  Fact,
  FactRecord,
  MemberRecord,
  OrgRecord,
  TransferRecord,
} from '../../shared/domain/records.js';
import { PredecessorMissingError } from '../../shared/use-cases/errors.js';
import { ingestEvent } from '../../shared/use-cases/ingest-event/index.js';
import { InMemoryIngestStore } from './in-memory-stores.js';

export { TransactionError } from './in-memory-stores.js';

/** What running one message did. */
export type RunResult =
  | { outcome: 'applied'; eventId: string; writes: readonly Write[] }
  | { outcome: 'duplicate'; eventId: string }
  | { outcome: 'rejected'; eventId?: string; reason: RejectReason; message: string }
  | { outcome: 'retry'; eventId: string; reason: RetryReason; message: string };

export class DomainHarness {
  readonly store = new InMemoryIngestStore();
  readonly orgs: Map<string, OrgRecord> = this.store.orgs;
  readonly members: Map<string, MemberRecord> = this.store.members;
  readonly dossiers: Map<string, DossierRecord> = this.store.dossiers;
  readonly transfers: Map<string, TransferRecord> = this.store.transfers;
  readonly candidates: Map<string, CandidateRecord> = this.store.candidates;
  /** Keyed `cellId#year#factId`, like the FACT#<cell>#<year> / <factId> items. */
  readonly facts: Map<string, FactRecord> = this.store.facts;
  /** Every result, in order. */
  readonly log: RunResult[] = [];
  private messages = 0;

  /** Runs one message: a parsed event, or anything else (sent as its JSON). */
  async run(event: DomainEvent | object): Promise<RunResult> {
    const result = await this.runOnce(JSON.stringify(event));
    this.log.push(result);
    return result;
  }

  /** Runs messages in order; returns their results. */
  async runAll(events: readonly (DomainEvent | object)[]): Promise<RunResult[]> {
    const results: RunResult[] = [];
    for (const e of events) results.push(await this.run(e));
    return results;
  }

  /**
   * Runs messages that must all apply (a test's "given"): throws, naming the message,
   * on any other outcome, so that a broken setup does not pass as the case under test.
   */
  async given(events: readonly (DomainEvent | object)[]): Promise<this> {
    for (const e of events) {
      const r = await this.run(e);
      if (r.outcome !== 'applied') {
        throw new Error(`setup event ${JSON.stringify(e)} did not apply: ${JSON.stringify(r)}`);
      }
    }
    return this;
  }

  private async runOnce(body: string): Promise<RunResult> {
    this.messages += 1;
    this.store.lastRejected = undefined;
    try {
      const out = await ingestEvent(this.store, body, { messageId: `message-${this.messages}`, receiveCount: 1 });
      switch (out.outcome) {
        case 'applied':
          return { outcome: 'applied', eventId: out.eventId, writes: this.store.lastWrites };
        case 'duplicate':
          return { outcome: 'duplicate', eventId: out.eventId };
        case 'rejected':
          return {
            outcome: 'rejected',
            ...(out.eventId === undefined ? {} : { eventId: out.eventId }),
            reason: out.reason as RejectReason,
            message: this.rejectionMessage(),
          };
        case 'held':
          // The harness's messages carry no group: none is ever held.
          throw new Error(`event ${out.eventId} held, though no group is held here`);
      }
    } catch (error) {
      if (!(error instanceof PredecessorMissingError)) throw error;
      return {
        outcome: 'retry',
        eventId: error.eventId,
        reason: error.reason,
        message: this.store.deferredOf(error.eventId)?.message ?? '',
      };
    }
  }

  /** The message of the rejection the last run stored. */
  private rejectionMessage(): string {
    return this.store.lastRejected?.message ?? '';
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

  /** What the store counts before a dissolution: the members on the cell's rolls and those in transit from it. */
  rollsCount(cellId: string): number {
    return this.store.rollsCount(cellId);
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
