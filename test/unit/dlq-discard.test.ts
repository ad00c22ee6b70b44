// `dangvien dlq discard` (docs/runbook.md "A message group held behind the dead-letter
// queue"): a named DLQ message becomes a rejected event `discarded` kept under its first
// sender, the group held behind it is released, and every other message stays where it was.
import { describe, expect, it } from 'vitest';
import type { HeldGroup, RejectedEvent, WaitingRef } from '../../shared/use-cases/ingest-event/port.js';
import { NO_BODY } from '../../shared/use-cases/ingest-event/port.js';
import { discardDeadLetters, type DiscardStores } from '../../shared/use-cases/redrive/discard.js';
import type { DeadLetter } from '../../shared/use-cases/redrive/port.js';
import { ingestEvent } from '../../shared/use-cases/ingest-event/index.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { InMemoryIngestStore } from '../helpers/in-memory-stores.js';

/** A DLQ in memory: a received message is hidden until removed or given back. */
function deadLetterQueue(messages: DeadLetter[]) {
  const held = [...messages];
  const hidden = new Set<DeadLetter>();
  return {
    held,
    visible: () => held.filter((m) => !hidden.has(m)),
    dlq: {
      receive: async () => {
        const batch = held.filter((m) => !hidden.has(m)).slice(0, 10);
        for (const m of batch) hidden.add(m);
        return batch;
      },
      remove: async (gone: readonly DeadLetter[]) => {
        for (const m of gone) held.splice(held.indexOf(m), 1);
      },
      giveBack: async (back: readonly DeadLetter[]) => {
        for (const m of back) hidden.delete(m);
      },
    },
  };
}

function storesWith(
  messages: DeadLetter[],
  opts: { holds?: HeldGroup[]; grants?: Map<string, { senderId: string; body: string }>; erased?: string[] } = {},
) {
  const queue = deadLetterQueue(messages);
  const rejected: RejectedEvent[] = [];
  const cleared: WaitingRef[] = [];
  const holds = new Map((opts.holds ?? []).map((h) => [h.group, h]));
  const grants = opts.grants ?? new Map<string, { senderId: string; body: string }>();
  const stores: DiscardStores = {
    dlq: queue.dlq,
    redrive: {
      grantedSender: async (token, body) => (grants.get(token)?.body === body ? grants.get(token)?.senderId : undefined),
      revokeRedriveGrant: async (token) => {
        grants.delete(token);
      },
    },
    rejections: {
      storeRejected: async (r) => {
        rejected.push(r);
      },
      rejectedBodiesAbout: async () => 0,
      erasures: async (ids) => new Map(ids.filter((id) => opts.erased?.includes(id)).map((id) => [id, '2026-01-01T00:00:00.000Z'])),
      clearDeferred: async (w) => {
        cleared.push(w);
      },
      // No record is known: a message's persons are those its body names.
      loadNeeds: async () => false,
    },
    holds: {
      release: async (group, heldKey) => holds.get(group)?.heldKey === heldKey && holds.delete(group),
    },
  };
  return { stores, queue, rejected, cleared, holds, grants };
}

const step = validEvent('dossier.stepCompleted', {
  source: 'csdl-q1',
  data: { dossierId: 'DH1', personId: 'PH1', step: 'processing', on: '2021-01-11' },
});
const admitted = validEvent('member.admitted', {
  source: 'csdl-q1',
  data: { memberId: 'PH1', orgId: 'C1', dossierId: 'DH1', admittedOn: '2021-03-02' },
});
const other = validEvent('member.updated', { source: 'csdl-q2', data: { memberId: 'OTHER' } });
const letter = (event: { source: string; id: string }, group: string, extra: Partial<DeadLetter> = {}): DeadLetter => ({
  body: JSON.stringify(event),
  group,
  firstSender: 'AROAQ1',
  receipt: `r-${event.id}`,
  ...extra,
});
const holdBehind = (event: { source: string; id: string }, group: string): HeldGroup => ({
  group,
  heldKey: `${event.source}/${event.id}`,
  heldEventId: event.id,
  reason: 'missing-dossier',
  since: '2026-12-01T00:00:00.000Z',
  chain: { waitsFor: { reason: 'missing-dossier', records: ['dossier:DH1'] }, touches: ['dossier:DH1', 'person:PH1'] },
  parked: 1,
});

describe('dlq discard takes a named message out of the dead-letter queue and loses nothing', () => {
  it('keeps it as a rejected event `discarded` under its first sender, with its body, and leaves the others visible', async () => {
    // Prepare
    const messages = [letter(step, 'PH1'), letter(admitted, 'PH1'), letter(other, 'OTHER', { firstSender: 'AROAQ2' })];
    const { stores, queue, rejected, cleared } = storesWith(messages);
    // Act
    const result = await discardDeadLetters(stores, [`csdl-q1/${step.id}`]);
    // Assess
    expect(result).toMatchObject({
      outcome: 'discarded',
      discarded: [{ key: `csdl-q1/${step.id}`, eventId: step.id, senderId: 'AROAQ1' }],
    });
    expect(rejected).toEqual([
      expect.objectContaining({
        id: `csdl-q1/${step.id}@AROAQ1`,
        key: `csdl-q1/${step.id}`,
        eventId: step.id,
        source: 'csdl-q1',
        senderId: 'AROAQ1',
        type: 'dossier.stepCompleted',
        reason: 'discarded',
        body: JSON.stringify(step),
        personId: 'PH1',
      }),
    ]);
    expect(cleared).toEqual([{ id: `csdl-q1/${step.id}@AROAQ1`, eventId: step.id, source: 'csdl-q1', senderId: 'AROAQ1' }]);
    expect(queue.held).toEqual([messages[1], messages[2]]);
    expect(queue.visible()).toEqual([messages[1], messages[2]]);
  });

  it('finds a message by the event id `status` shows', async () => {
    // Prepare
    const { stores, queue } = storesWith([letter(other, 'OTHER'), letter(step, 'PH1')]);
    // Act
    const result = await discardDeadLetters(stores, [step.id]);
    // Assess
    expect(result.outcome).toBe('discarded');
    expect(queue.held.map((m) => m.group)).toEqual(['OTHER']);
  });

  it('finds a message past the first ten received, and gives back every one received on the way', async () => {
    // Prepare: twelve messages of other persons before the one named
    const before = Array.from({ length: 12 }, (_, i) => letter(validEvent('member.updated', { data: { memberId: `M${i}` } }), `M${i}`));
    const { stores, queue } = storesWith([...before, letter(step, 'PH1')]);
    // Act
    await discardDeadLetters(stores, [step.id]);
    // Assess
    expect(queue.held).toEqual(before);
    expect(queue.visible()).toEqual(before);
  });

  it('releases the group held behind that very event, so the events parked behind it can apply', async () => {
    // Prepare
    const { stores, holds } = storesWith([letter(step, 'PH1'), letter(admitted, 'PH1')], { holds: [holdBehind(step, 'PH1')] });
    // Act
    const result = await discardDeadLetters(stores, [step.id]);
    // Assess
    expect(result).toMatchObject({ outcome: 'discarded', discarded: [{ group: 'PH1', released: true }] });
    expect(holds.has('PH1')).toBe(false);
  });

  it('keeps the hold when the discarded event is one parked behind another', async () => {
    // Prepare
    const { stores, holds } = storesWith([letter(step, 'PH1'), letter(admitted, 'PH1')], { holds: [holdBehind(step, 'PH1')] });
    // Act
    const result = await discardDeadLetters(stores, [admitted.id]);
    // Assess
    expect(result).toMatchObject({ outcome: 'discarded', discarded: [{ eventId: admitted.id, released: false }] });
    expect(holds.get('PH1')?.heldEventId).toBe(step.id);
  });

  it('changes nothing when an id is not in the dead-letter queue, and says which', async () => {
    // Prepare
    const messages = [letter(step, 'PH1'), letter(other, 'OTHER')];
    const { stores, queue, rejected, holds } = storesWith(messages, { holds: [holdBehind(step, 'PH1')] });
    // Act
    const result = await discardDeadLetters(stores, [step.id, 'csdl-q1/NOT-THERE']);
    // Assess
    expect(result).toEqual({ outcome: 'unknown', unknown: ['csdl-q1/NOT-THERE'] });
    expect(rejected).toEqual([]);
    expect(holds.has('PH1')).toBe(true);
    expect(queue.visible()).toEqual(messages);
  });

  it('does not take an event id that names two messages (two sources): the `<source>/<id>` must say which', async () => {
    // Prepare
    const twin = { ...step, source: 'csdl-q2' };
    const { stores, rejected } = storesWith([letter(step, 'PH1'), letter(twin, 'PH1')]);
    // Act
    const result = await discardDeadLetters(stores, [step.id]);
    // Assess
    expect(result).toEqual({ outcome: 'unknown', unknown: [step.id] });
    expect(rejected).toEqual([]);
  });

  it('lists what it would discard in a dry run, and changes nothing', async () => {
    // Prepare
    const messages = [letter(step, 'PH1'), letter(other, 'OTHER')];
    const { stores, queue, rejected, holds } = storesWith(messages, { holds: [holdBehind(step, 'PH1')] });
    // Act
    const result = await discardDeadLetters(stores, [step.id], { dryRun: true });
    // Assess
    expect(result).toEqual({
      outcome: 'dry-run',
      wouldDiscard: [{ key: `csdl-q1/${step.id}`, eventId: step.id, group: 'PH1', senderId: 'AROAQ1' }],
    });
    expect(rejected).toEqual([]);
    expect(holds.has('PH1')).toBe(true);
    expect(queue.visible()).toEqual(messages);
  });
});

describe('dlq discard keeps the rejection under the producer that sent the message', () => {
  it('ignores a token the message carries that no grant vouches for: the rejection is its SQS sender’s', async () => {
    // Prepare: Q2 put a made-up token, and a real one of Q1's for another body, on its message
    const grants = new Map([['q1-grant', { senderId: 'AROAQ1', body: '{"another":"body"}' }]]);
    const made = letter(other, 'OTHER', { firstSender: 'AROAQ2', redrive: 'made-up' });
    const copied = letter({ ...other, id: 'copied' }, 'OTHER', { firstSender: 'AROAQ2', redrive: 'q1-grant' });
    const { stores, rejected } = storesWith([made, copied], { grants });
    // Act
    await discardDeadLetters(stores, [other.id, 'copied']);
    // Assess
    expect(rejected.map((r) => r.senderId)).toEqual(['AROAQ2', 'AROAQ2']);
    expect(grants.has('q1-grant')).toBe(true);
  });

  it('keeps the sender of the grant a redriven message was sent under, and deletes that grant', async () => {
    // Prepare: the operator redrove Q1's event once; SQS says the operator sent it
    const body = JSON.stringify(step);
    const grants = new Map([['first-redrive', { senderId: 'AROAQ1', body }]]);
    const { stores, rejected } = storesWith([letter(step, 'PH1', { firstSender: 'OPERATOR', redrive: 'first-redrive' })], { grants });
    // Act
    await discardDeadLetters(stores, [step.id]);
    // Assess
    expect(rejected[0]).toMatchObject({ senderId: 'AROAQ1', body });
    expect(grants.has('first-redrive')).toBe(false);
  });

  it('keeps no body about a person erased after the event occurred', async () => {
    // Prepare
    const { stores, rejected } = storesWith([letter(step, 'PH1')], { erased: ['PH1'] });
    // Act
    await discardDeadLetters(stores, [step.id]);
    // Assess
    expect(rejected).toEqual([expect.objectContaining({ reason: 'discarded', body: NO_BODY })]);
    expect(rejected[0]!.personId).toBeUndefined();
  });
});

describe('dlq discard keeps a body about the persons the ingest would keep it about', () => {
  it('ties a step naming only its dossier to the applicant, and an admission to its applicant too, as `person erase` finds them', async () => {
    // Prepare: the dossier DL1 of applicant PL1 applied; in the DLQ a step that names only
    // DL1 and an admission of member ML1 from DL1 (the ids differ: two message groups).
    const records = new InMemoryIngestStore();
    const applied = [...baseOrgs(), validEvent('dossier.received', { data: { dossierId: 'DL1', personId: 'PL1', orgId: 'C1' } })];
    for (const [i, e] of applied.entries()) await ingestEvent(records, JSON.stringify(e), { messageId: `m-${i}`, receiveCount: 1 });
    const onlyDossier = validEvent('dossier.stepCompleted', { data: { dossierId: 'DL1' } });
    const admission = validEvent('member.admitted', { data: { memberId: 'ML1', orgId: 'C1', dossierId: 'DL1' } });
    const { stores } = storesWith([letter(onlyDossier, 'dossier:DL1'), letter(admission, 'ML1')]);
    stores.rejections = records;
    // Act
    await discardDeadLetters(stores, [onlyDossier.id, admission.id]);
    // Assess: each kept with its body, indexed by every person it is about (the first its
    // personId, the others linked), so an erasure of the applicant finds both.
    const kept = (id: string) => [...records.rejected.values()].find((r) => r.eventId === id);
    expect(kept(onlyDossier.id)).toMatchObject({ reason: 'discarded', body: JSON.stringify(onlyDossier), personId: 'PL1' });
    expect(kept(onlyDossier.id)?.linkedPersonIds).toBeUndefined();
    expect(kept(admission.id)).toMatchObject({
      reason: 'discarded',
      body: JSON.stringify(admission),
      personId: 'ML1',
      linkedPersonIds: ['PL1'],
    });
  });

  it('keeps no body of an admission whose applicant was erased after it occurred', async () => {
    // Prepare: applicant PL2 erased (a tombstone); the admission from her dossier in the DLQ.
    const records = new InMemoryIngestStore();
    const applied = [...baseOrgs(), validEvent('dossier.received', { data: { dossierId: 'DL2', personId: 'PL2', orgId: 'C1' } })];
    for (const [i, e] of applied.entries()) await ingestEvent(records, JSON.stringify(e), { messageId: `m-${i}`, receiveCount: 1 });
    records.erased.set('PL2', new Date().toISOString());
    const admission = validEvent('member.admitted', { data: { memberId: 'ML2', orgId: 'C1', dossierId: 'DL2' } });
    const { stores } = storesWith([letter(admission, 'ML2')]);
    stores.rejections = records;
    // Act
    await discardDeadLetters(stores, [admission.id]);
    // Assess
    const kept = [...records.rejected.values()].find((r) => r.eventId === admission.id);
    expect(kept).toMatchObject({ reason: 'discarded', body: NO_BODY });
    expect(kept?.personId).toBeUndefined();
  });
});
