// `dangvien dlq redrive` keeps the identity of the producer that sent each message
// (docs/security.md "Redrives keep the first sender"): the DLQ message's own SQS SenderId,
// or the grant of a message that was itself a redrive — never a token a message merely
// carries, which its producer could have set.
import { describe, expect, it } from 'vitest';
import type { EventQueue } from '../../shared/use-cases/event-queue.js';
import type { DeadLetter, DeadLetterQueue, RedriveStore } from '../../shared/use-cases/redrive/index.js';
import { redriveDlq } from '../../shared/use-cases/redrive/index.js';
import { validEvent } from '../helpers/events.js';

/** The grants of a redrive store: token → the sender and the body it vouches for. */
function storeWith(grants: Map<string, { senderId: string; body: string }>): RedriveStore {
  let next = 0;
  return {
    listRejected: async () => [],
    listDeferred: async () => [],
    deleteRejected: async () => {},
    appliedKeys: async () => new Set(),
    grantRedrive: async (senderId, body) => {
      const token = `new-${++next}`;
      grants.set(token, { senderId, body });
      return token;
    },
    grantedSender: async (token, body) => (grants.get(token)?.body === body ? grants.get(token)?.senderId : undefined),
    revokeRedriveGrant: async (token) => {
      grants.delete(token);
    },
    listQuotasReached: async () => [],
  };
}

/** A DLQ holding `messages` once, and the items the ingest queue received. */
function queues(messages: DeadLetter[]) {
  let pending = [...messages];
  const sent: Array<{ body: string; redrive?: string }> = [];
  const dlq: DeadLetterQueue = {
    receive: async () => pending.splice(0, 10),
    remove: async (gone) => {
      pending = pending.filter((m) => !gone.includes(m));
    },
    giveBack: async () => {},
  };
  const queue: EventQueue = {
    send: async (items) => {
      sent.push(...items);
      return items.map((_, i) => ({ ok: true as const, messageId: `m${i}` }));
    },
  };
  return { dlq, queue, sent };
}

describe('dlq redrive sends each message again as the producer that sent it', () => {
  const body = JSON.stringify(validEvent('member.updated', { source: 'csdl-q1', data: { memberId: 'LATE' } }));

  it('ignores a token the producer set on its own message: a new grant names the message’s SQS sender', async () => {
    // Prepare: Q1's message carries a token of its own making
    const grants = new Map<string, { senderId: string; body: string }>();
    const { dlq, queue, sent } = queues([{ body, firstSender: 'AROAQ1', redrive: 'made-up', receipt: 'r1' }]);
    // Act
    await redriveDlq(storeWith(grants), dlq, queue);
    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]!.redrive).not.toBe('made-up');
    expect(grants.get(sent[0]!.redrive!)).toEqual({ senderId: 'AROAQ1', body });
  });

  it('keeps the sender of the grant a redriven message was sent under, and deletes that grant', async () => {
    // Prepare: the operator redrove Q1's event once; it failed again, and SQS says the operator sent it
    const grants = new Map([['first-redrive', { senderId: 'AROAQ1', body }]]);
    const { dlq, queue, sent } = queues([{ body, firstSender: 'OPERATOR', redrive: 'first-redrive', receipt: 'r1' }]);
    // Act
    await redriveDlq(storeWith(grants), dlq, queue);
    // Assess
    expect(grants.get(sent[0]!.redrive!)).toEqual({ senderId: 'AROAQ1', body });
    expect(grants.has('first-redrive')).toBe(false);
  });

  it('does not take a real grant copied onto another body: the message stays its SQS sender’s', async () => {
    // Prepare: Q1 copied the token of Q2's redrive onto its own body
    const grants = new Map([['q2-redrive', { senderId: 'AROAQ2', body: '{"another":"body"}' }]]);
    const { dlq, queue, sent } = queues([{ body, firstSender: 'AROAQ1', redrive: 'q2-redrive', receipt: 'r1' }]);
    // Act
    await redriveDlq(storeWith(grants), dlq, queue);
    // Assess
    expect(grants.get(sent[0]!.redrive!)?.senderId).toBe('AROAQ1');
    expect(grants.has('q2-redrive')).toBe(true);
  });
});
