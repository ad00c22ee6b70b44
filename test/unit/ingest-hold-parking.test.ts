// The ingest with a message group held behind its event in the dead-letter queue
// (use-cases/ingest-event, domain/ingest/hold.ts): what is parked, what passes, who may
// not park, when the hold ends, and a crash halfway.
import { describe, expect, it } from 'vitest';
import { createIngestHandler } from '../../functions/ingest/handler.js';
import { lambdaContext } from '../../local/runners/lambda-context.js';
import { sqsEventOf } from '../helpers/sqs-events.js';
import { REDRIVE_ATTRIBUTE } from '../../shared/data/queue-sender.js';
import { heldChainOf } from '../../shared/domain/ingest/hold.js';
import type { Producer } from '../../shared/domain/ingest/scope.js';
import { ingestEvent, PredecessorMissingError, type IngestContext } from '../../shared/use-cases/ingest-event/index.js';
import type { GroupHolds, HeldGroup } from '../../shared/use-cases/ingest-event/port.js';
import { parseEvent } from '../../shared/domain/events/index.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';

/**
 * Holds kept in memory, the dead-letter queue a list that keeps every copy sent (the real
 * send has a random deduplication id); `failParkOnce` crashes a park after its send, before
 * the message is acknowledged.
 */
class InMemoryHolds implements GroupHolds {
  readonly holds = new Map<string, HeldGroup>();
  readonly deadLetters: Array<{ group: string; body: string; senderId: string }> = [];
  failParkOnce = false;
  /** How many times the ingest read the holds (list). */
  reads = 0;
  /** The hold of `group` as it is now, for the test's assertions (not a read of the ingest's). */
  holdOf(group: string) {
    return this.holds.get(group);
  }
  async hold(hold: Omit<HeldGroup, 'parked'>) {
    if (!this.holds.has(hold.group)) this.holds.set(hold.group, { ...hold, parked: 0 });
  }
  async park(group: string, body: string, senderId: string, touches: readonly string[]) {
    const hold = this.holds.get(group)!;
    hold.parked += 1;
    hold.chain = { ...hold.chain, touches: [...new Set([...hold.chain.touches, ...touches])] };
    this.deadLetters.push({ group, body, senderId });
    if (this.failParkOnce) {
      this.failParkOnce = false;
      throw new Error('injected crash after the send to the dead-letter queue');
    }
  }
  async release(group: string, heldKey: string) {
    return this.holds.get(group)?.heldKey === heldKey && this.holds.delete(group);
  }
  async list() {
    this.reads += 1;
    return [...this.holds.values()].map((h) => ({ ...h, chain: { ...h.chain, touches: [...h.chain.touches] } }));
  }
}

const PRODUCERS: Producer[] = [
  { senderId: 'CITY', name: 'city', sources: ['csdl-dang-vien'], orgs: ['*'] },
  { senderId: 'Q9', name: 'another district', sources: ['csdl-q9'], orgs: ['Q9'] },
];
const producers = (id: string | undefined) => PRODUCERS.find((p) => p.senderId === id);

let messages = 0;
function ingest(
  store: InMemoryIngestStore,
  holds: InMemoryHolds,
  event: object | string,
  opts: { group: string; receiveCount?: number; lastTry?: boolean; senderId?: string; redrive?: string; eventsThisMinute?: number },
) {
  const context: IngestContext = {
    senderId: opts.senderId ?? 'CITY',
    producers,
    registered: PRODUCERS,
    groupId: opts.group,
    // Each message its own batch here: the holds as they are now.
    holds: { store: holds, held: new Map([...holds.holds].map(([g, h]) => [g, structuredClone(h)])) },
    ...(opts.redrive ? { redrive: opts.redrive } : {}),
    ...(opts.eventsThisMinute !== undefined ? { eventsThisMinute: opts.eventsThisMinute } : {}),
  };
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  return ingestEvent(store, body, { messageId: `m${++messages}`, receiveCount: opts.receiveCount ?? 1, lastTry: opts.lastTry, context });
}

async function outcomeOf(...args: Parameters<typeof ingest>): Promise<string> {
  try {
    const out = await ingest(...args);
    return out.outcome === 'rejected' ? out.reason : out.outcome;
  } catch (error) {
    if (error instanceof PredecessorMissingError) return `waits:${error.reason}`;
    throw error;
  }
}

/** The tree, and person P1's dossier step dead-lettered before its dossier: group P1 held behind it. */
async function heldBehindStep() {
  const store = new InMemoryIngestStore();
  const holds = new InMemoryHolds();
  for (const e of baseOrgs()) await ingest(store, holds, e, { group: 'orgs' });
  const step = validEvent('dossier.stepCompleted', { data: { dossierId: 'D1', personId: 'P1' } });
  expect(await outcomeOf(store, holds, step, { group: 'P1', receiveCount: 6, lastTry: true })).toBe('waits:missing-dossier');
  return { store, holds, step };
}

const received = () => validEvent('dossier.received', { data: { dossierId: 'D1', personId: 'P1' } });
const admitted = () => validEvent('member.admitted', { data: { memberId: 'P1', orgId: 'C1', dossierId: 'D1' } });

describe('a group held behind its event in the dead-letter queue', () => {
  it('is held at the last try only: an earlier try holds nothing', async () => {
    // Prepare
    const store = new InMemoryIngestStore();
    const holds = new InMemoryHolds();
    for (const e of baseOrgs()) await ingest(store, holds, e, { group: 'orgs' });
    // Act
    await outcomeOf(store, holds, validEvent('dossier.stepCompleted', { data: { dossierId: 'D1', personId: 'P1' } }), {
      group: 'P1',
      receiveCount: 5,
    });
    // Assess
    expect(await holds.list()).toEqual([]);
  });

  it('parks the admission behind the step, in the dead-letter queue, noted as waiting `held`; lets the dossier through', async () => {
    // Prepare
    const { store, holds, step } = await heldBehindStep();
    const admission = admitted();
    // Act
    const passed = await outcomeOf(store, holds, received(), { group: 'P1' });
    const parked = await outcomeOf(store, holds, admission, { group: 'P1' });
    // Assess
    expect([passed, parked]).toEqual(['applied', 'held']);
    expect(holds.deadLetters.map((d) => [d.group, JSON.parse(d.body).id, d.senderId])).toEqual([['P1', admission.id, 'CITY']]);
    // Its note says it is in the dead-letter queue, with its real receive count (its first).
    expect(store.deferredOf(admission.id)).toMatchObject({
      reason: 'held',
      message: expect.stringContaining(step.id),
      receiveCount: 1,
      inDeadLetterQueue: true,
    });
    expect(store.members.size).toBe(0);
    expect(holds.holdOf('P1')?.parked).toBe(1);
  });

  it('keeps what a parked event touches: a correction of the member it admits is parked too', async () => {
    // Prepare: a step that names no person (group dossier:D1), an admission parked behind it.
    const store = new InMemoryIngestStore();
    const holds = new InMemoryHolds();
    const step = parseEvent(JSON.stringify(validEvent('dossier.stepCompleted', { data: { dossierId: 'D1' } })));
    if (!step.ok) throw new Error(step.message);
    await holds.hold({
      group: 'P1',
      heldKey: 'x/y',
      heldEventId: 'y',
      reason: 'missing-dossier',
      since: '2026-12-06T00:00:00Z',
      chain: heldChainOf(step.event, 'missing-dossier'),
    });
    for (const e of baseOrgs()) await ingest(store, holds, e, { group: 'orgs' });
    expect(await outcomeOf(store, holds, admitted(), { group: 'P1' })).toBe('held');
    // Act
    const correction = await outcomeOf(store, holds, validEvent('member.updated', { data: { memberId: 'P1' } }), { group: 'P1' });
    // Assess
    expect(correction).toBe('held');
  });

  it("refuses another producer's event in the group before the hold: nobody parks events in another's person", async () => {
    // Prepare
    const { store, holds } = await heldBehindStep();
    const foreign = validEvent('member.evaluated', { source: 'csdl-q9', data: { memberId: 'OTHER' } });
    // Act
    const outcome = await outcomeOf(store, holds, foreign, { group: 'P1', senderId: 'Q9' });
    // Assess
    expect(outcome).toBe('wrong-group');
    expect(holds.deadLetters).toEqual([]);
  });

  it('ends when the held event comes back from the dead-letter queue and applies; the parked admission then applies after it', async () => {
    // Prepare
    const { store, holds, step } = await heldBehindStep();
    await outcomeOf(store, holds, received(), { group: 'P1' });
    const admission = admitted();
    await outcomeOf(store, holds, admission, { group: 'P1' });
    // Act: dlq redrive, in the group's order, each under a grant for its sender.
    store.grant('g-step', 'CITY', JSON.stringify(step));
    store.grant('g-admission', 'CITY', holds.deadLetters[0]!.body);
    const redriven = [
      await outcomeOf(store, holds, step, { group: 'P1', redrive: 'g-step' }),
      await outcomeOf(store, holds, holds.deadLetters[0]!.body, { group: 'P1', redrive: 'g-admission' }),
    ];
    // Assess
    expect(redriven).toEqual(['applied', 'applied']);
    expect(await holds.list()).toEqual([]);
    expect(store.dossiers.get('D1')).toMatchObject({ status: 'admitted', step: 'processing' });
    expect(store.deferredOf(admission.id)).toBeUndefined();
  });

  it('stays while events are parked when the producer sends the held event again itself: they must come back first', async () => {
    // Prepare
    const { store, holds, step } = await heldBehindStep();
    await outcomeOf(store, holds, received(), { group: 'P1' });
    await outcomeOf(store, holds, admitted(), { group: 'P1' });
    // Act: the step sent again by its producer (no redrive), then a later event of the person.
    const again = await outcomeOf(store, holds, step, { group: 'P1' });
    const later = await outcomeOf(store, holds, validEvent('member.ceremonyHeld', { data: { memberId: 'P1' } }), { group: 'P1' });
    // Assess
    expect([again, later]).toEqual(['applied', 'held']);
    expect(holds.holdOf('P1')?.heldEventId).toBe(step.id);
  });

  it('stays when the producer sends the held event again over its rate: refused before the hold is looked at', async () => {
    // Prepare: nothing parked yet (a re-send applied or rejected would end the hold)
    const { store, holds, step } = await heldBehindStep();
    // Act: the step sent again as the 601st event of its producer's minute (quota 600)
    const again = await outcomeOf(store, holds, step, { group: 'P1', eventsThisMinute: 601 });
    // Assess: refused over the rate; the group is still held behind the step in the dead-letter queue
    expect(again).toBe('too-many-events');
    expect(holds.holdOf('P1')?.heldEventId).toBe(step.id);
  });

  it('applies an event parked twice (a crash before its acknowledgement) once: the second copy is a duplicate by its marker', async () => {
    // Prepare: the admission crashes after its park, is delivered again and parked again.
    const { store, holds, step } = await heldBehindStep();
    await outcomeOf(store, holds, received(), { group: 'P1' });
    const admission = admitted();
    holds.failParkOnce = true;
    await expect(ingest(store, holds, admission, { group: 'P1' })).rejects.toThrow('injected');
    expect(await outcomeOf(store, holds, admission, { group: 'P1', receiveCount: 2 })).toBe('held');
    expect(holds.deadLetters).toHaveLength(2);
    expect(holds.holdOf('P1')?.parked).toBe(2);
    // Act: dlq redrive, in the group's order: the step, then both copies of the admission.
    store.grant('g-step', 'CITY', JSON.stringify(step));
    const redriven = [await outcomeOf(store, holds, step, { group: 'P1', redrive: 'g-step' })];
    for (const [i, copy] of holds.deadLetters.entries()) {
      store.grant(`g-${i}`, 'CITY', copy.body);
      redriven.push(await outcomeOf(store, holds, copy.body, { group: 'P1', redrive: `g-${i}` }));
    }
    // Assess
    expect(redriven).toEqual(['applied', 'applied', 'duplicate']);
    expect(store.members.get('P1')).toMatchObject({ status: 'probationary' });
    expect(await holds.list()).toEqual([]);
    expect(store.deferredOf(admission.id)).toBeUndefined();
  });
});

describe('a group held by one producer', () => {
  it("holds that producer's later events only: another producer's event about the person applies", async () => {
    // Prepare: district Q9 sends a correction of P1, who does not exist yet; at its last try it holds group P1.
    const store = new InMemoryIngestStore();
    const holds = new InMemoryHolds();
    for (const e of baseOrgs()) await ingest(store, holds, e, { group: 'orgs' });
    const q9 = (data: object) => validEvent('member.updated', { source: 'csdl-q9', data: { memberId: 'P1', ...data } });
    expect(await outcomeOf(store, holds, q9({}), { group: 'P1', senderId: 'Q9', receiveCount: 6, lastTry: true })).toBe(
      'waits:missing-member',
    );
    // Act
    const sameProducer = await outcomeOf(store, holds, q9({}), { group: 'P1', senderId: 'Q9' });
    const imported = await outcomeOf(store, holds, validEvent('member.imported', { data: { memberId: 'P1', orgId: 'C1' } }), {
      group: 'P1',
    });
    const evaluated = await outcomeOf(store, holds, validEvent('member.evaluated', { data: { memberId: 'P1' } }), { group: 'P1' });
    // Assess
    expect([sameProducer, imported, evaluated]).toEqual(['held', 'applied', 'applied']);
    expect(holds.deadLetters.map((d) => d.senderId)).toEqual(['Q9']);
    expect((await holds.list())[0]).toMatchObject({ producer: 'Q9', parked: 1 });
  });
});

describe('the holds of one batch', () => {
  it('are read once per batch, and an event parked in it is seen by the next event of its group', async () => {
    // Prepare: group P1 held behind a step that names only its dossier; a handler without scoping.
    const store = new InMemoryIngestStore();
    const holds = new InMemoryHolds();
    const handler = createIngestHandler({ store, loadRegistry: async () => undefined, waitBeforeRetry: async () => {}, holds });
    await handler(sqsEventOf(baseOrgs().map((body) => ({ body }))), lambdaContext('ingest', 30_000));
    const step = parseEvent(JSON.stringify(validEvent('dossier.stepCompleted', { data: { dossierId: 'D1' } })));
    if (!step.ok) throw new Error(step.message);
    await holds.hold({
      group: 'P1',
      heldKey: `csdl-dang-vien/${step.event.id}`,
      heldEventId: step.event.id,
      reason: 'missing-dossier',
      since: '2026-12-06T00:00:00Z',
      chain: heldChainOf(step.event, 'missing-dossier'),
    });
    holds.reads = 0;
    // Act: the admission closing D1 (parked), a correction of the member it admits, an event of another person.
    const batch = [
      admitted(),
      validEvent('member.updated', { data: { memberId: 'P1' } }),
      validEvent('member.imported', { data: { memberId: 'P2', orgId: 'C1' } }),
    ];
    const response = await handler(sqsEventOf(batch.map((body) => ({ body }))), lambdaContext('ingest', 30_000));
    // Assess: one read; the correction parked behind the admission it follows; nothing failed.
    expect(response).toEqual({ batchItemFailures: [] });
    expect(holds.reads).toBe(1);
    expect(holds.deadLetters.map((d) => JSON.parse(d.body).id)).toEqual([batch[0]!.id, batch[1]!.id]);
  });

  it('see the hold released by the held event redriven: the events parked behind it, redriven in the same batch, apply', async () => {
    // Prepare: P1 held behind its step, the admission parked; a handler without scoping.
    const { store, holds, step } = await heldBehindStep();
    await outcomeOf(store, holds, received(), { group: 'P1' });
    await outcomeOf(store, holds, admitted(), { group: 'P1' });
    const parked = holds.deadLetters[0]!.body;
    store.grant('g-step', 'CITY', JSON.stringify(step));
    store.grant('g-admission', 'CITY', parked);
    const handler = createIngestHandler({ store, loadRegistry: async () => undefined, waitBeforeRetry: async () => {}, holds });
    // Act: dlq redrive brings the group back in one batch, in order, each message naming its grant.
    const batch = sqsEventOf([
      { body: step, group: 'P1' },
      { body: parked, group: 'P1' },
    ]);
    for (const [record, grant] of batch.Records.map((r, i) => [r, ['g-step', 'g-admission'][i]!] as const))
      record.messageAttributes = { [REDRIVE_ATTRIBUTE]: { dataType: 'String', stringValue: grant } };
    const response = await handler(batch, lambdaContext('ingest', 30_000));
    // Assess: both applied, nothing parked again, the hold gone.
    expect(response).toEqual({ batchItemFailures: [] });
    expect(holds.deadLetters).toHaveLength(1);
    expect(await holds.list()).toEqual([]);
    expect(store.members.get('P1')).toMatchObject({ status: 'probationary' });
  });
});
