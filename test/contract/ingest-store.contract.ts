// The promises of the ingest's port (shared/use-cases/ingest-event/port.ts), as a suite
// any implementation must pass: test/unit/contract.test.ts runs it on the in-memory store
// the unit tests use, test/integration/contract.test.ts on the DynamoDB one. Each test
// uses ids of its own, so one store may serve the whole suite.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { emptyState, type Write } from '../../shared/domain/ingest/decision-types.js';
import type { MemberRecord, OrgRecord } from '../../shared/domain/records.js';
import { type AppliedEvent, type IngestStore, NO_BODY, type RejectedEvent } from '../../shared/use-cases/ingest-event/port.js';

const org = (orgId: string, version = 1): OrgRecord => ({
  orgId,
  parentId: null,
  name: orgId,
  level: 'province',
  status: 'active',
  targets: {},
  version,
});

const member = (memberId: string, cellId: string, version = 1): MemberRecord => ({
  memberId,
  cellId,
  status: 'official',
  traits: { female: false, youthUnion: false, ethnicMinority: false, religious: false },
  admittedOn: '2016-05-19',
  recognizedOn: '2017-05-19',
  ratings: {},
  badges: {},
  origin: 'imported',
  version,
});

const marker = (eventId: string): AppliedEvent => ({
  eventId,
  type: 'member.imported',
  hash: `hash-${eventId}`,
  source: 'contract',
  occurredAt: '2021-01-04T08:00:00+07:00',
  appliedAt: '2021-01-04T01:00:01.000Z',
  audit: '{}',
});

/** What the store holds of `memberId` now, as the ingest loads it. */
async function loadMember(store: IngestStore, memberId: string): Promise<MemberRecord | undefined> {
  const state = emptyState();
  await store.loadNeeds({ orgs: [], members: [memberId], dossiers: [], transfers: [] }, state);
  return state.members.get(memberId);
}

/**
 * @param grant writes a redrive grant for `senderId` and `body` as an operator's redrive
 * does (not a port of the ingest's: the operator's CLI writes grants), answering its token.
 */
export function ingestStoreContract<S extends IngestStore>(
  implementation: string,
  storeFor: () => Promise<S>,
  grant: (store: S, senderId: string, body: string) => Promise<string>,
): void {
  describe(`IngestStore contract: ${implementation}`, () => {
    const id = (what: string) => `${what}-${randomUUID().slice(0, 8)}`;

    it('finds no marker for an event never applied, and finds the marker a commit wrote', async () => {
      // Prepare
      const store = await storeFor();
      const eventId = id('e');
      // Act
      const before = await store.findApplied({ source: 'contract', eventId });
      const result = await store.commit(marker(eventId), [{ entity: 'member', record: member(id('M'), 'C1'), expectedVersion: null }], {});
      const after = await store.findApplied({ source: 'contract', eventId });
      // Assess
      expect(before).toBeUndefined();
      expect(result).toBe('committed');
      expect(after).toEqual(marker(eventId));
      expect(await store.findApplied({ source: 'another-source', eventId })).toBeUndefined();
    });

    it('commits all of the writes and the marker, or none: a marker already there answers already-applied and writes nothing', async () => {
      // Prepare
      const store = await storeFor();
      const eventId = id('e');
      const [first, second] = [id('M'), id('M')];
      await store.commit(marker(eventId), [{ entity: 'member', record: member(first, 'C1'), expectedVersion: null }], {});
      // Act
      const again = await store.commit(marker(eventId), [{ entity: 'member', record: member(second, 'C1'), expectedVersion: null }], {});
      // Assess
      expect(again).toBe('already-applied');
      expect(await loadMember(store, second)).toBeUndefined();
      expect(await loadMember(store, first)).toMatchObject({ memberId: first, version: 1 });
    });

    it('answers stale and writes nothing when a record is not at the version the writes were decided on', async () => {
      // Prepare: a member at version 1
      const store = await storeFor();
      const memberId = id('M');
      const other = id('M');
      await store.commit(marker(id('e')), [{ entity: 'member', record: member(memberId, 'C1'), expectedVersion: null }], {});
      const writes = (expectedVersion: number | null): Write[] => [
        { entity: 'member', record: member(other, 'C1'), expectedVersion: null },
        { entity: 'member', record: member(memberId, 'C2', (expectedVersion ?? 0) + 1), expectedVersion },
      ];
      const lateEvent = id('e');
      // Act: as if created anew, then as if read at version 2
      const created = await store.commit(marker(lateEvent), writes(null), {});
      const ahead = await store.commit(marker(lateEvent), writes(2), {});
      const current = await store.commit(marker(lateEvent), writes(1), {});
      // Assess: nothing of the two stale commits, not even their marker
      expect([created, ahead, current]).toEqual(['stale', 'stale', 'committed']);
      expect(await loadMember(store, memberId)).toMatchObject({ cellId: 'C2', version: 2 });
      expect(await loadMember(store, other)).toMatchObject({ version: 1 });
    });

    it('loads what the needs name and the state has not looked at yet, and says whether it loaded anything', async () => {
      // Prepare
      const store = await storeFor();
      const [present, absent] = [id('M'), id('M')];
      await store.commit(marker(id('e')), [{ entity: 'member', record: member(present, 'C1'), expectedVersion: null }], {});
      const state = emptyState();
      const needs = { orgs: [], members: [present, absent], dossiers: [], transfers: [] };
      // Act
      const first = await store.loadNeeds(needs, state);
      const second = await store.loadNeeds(needs, state);
      // Assess: an absent record is looked at and simply not in the state
      expect(first).toBe(true);
      expect(second).toBe(false);
      expect([...state.members.keys()]).toEqual([present]);
      expect(state.looked.has(`member:${absent}`)).toBe(true);
    });

    it('gives what it loads as a copy: changing it changes nothing stored', async () => {
      // Prepare
      const store = await storeFor();
      const memberId = id('M');
      await store.commit(marker(id('e')), [{ entity: 'member', record: member(memberId, 'C1'), expectedVersion: null }], {});
      // Act
      const loaded = await loadMember(store, memberId);
      loaded!.cellId = 'changed';
      // Assess
      expect((await loadMember(store, memberId))?.cellId).toBe('C1');
    });

    it('shows an org in the tree once an org-writing commit has gone through', async () => {
      // Prepare
      const store = await storeFor();
      const orgId = id('O');
      // Act
      const before = await store.currentOrgTree();
      await store.commit(marker(id('e')), [{ entity: 'org', record: org(orgId), expectedVersion: null }], {});
      const after = await store.currentOrgTree();
      // Assess
      expect(before.has(orgId)).toBe(false);
      expect(after.get(orgId)).toMatchObject({ orgId, version: 1 });
      if (before.version !== undefined && after.version !== undefined) expect(after.version).toBeGreaterThan(before.version);
    });

    it('finds no redrive grant for a token nobody granted, and none to use', async () => {
      const store = await storeFor();
      expect(await store.redriveGrantFor(id('token'), '{}', id('m'))).toBeUndefined();
      expect(await store.useRedriveGrant(id('token'), id('m'))).toBe(false);
    });

    it('serves a redrive grant to one message: again to its redelivery, never to another message', async () => {
      // Prepare
      const store = await storeFor();
      const body = JSON.stringify({ id: id('e'), note: 'the body the grant vouches for' });
      const token = await grant(store, 'AROAQ1', body);
      const [first, other] = [id('m'), id('m')];
      // Act
      const before = await store.redriveGrantFor(token, body, first);
      const used = await store.useRedriveGrant(token, first);
      const redelivered = await store.redriveGrantFor(token, body, first);
      const usedAgain = await store.useRedriveGrant(token, first);
      const forOther = await store.redriveGrantFor(token, body, other);
      const usedByOther = await store.useRedriveGrant(token, other);
      // Assess
      expect(before).toMatchObject({ token, senderId: 'AROAQ1' });
      expect([used, usedAgain, usedByOther]).toEqual([true, true, false]);
      expect(redelivered).toMatchObject({ token, senderId: 'AROAQ1', usedBy: first });
      expect(forOther).toBeUndefined();
      expect(await store.redriveGrantFor(token, `${body} `, first)).toBeUndefined();
    });

    it('counts the waiting events of one identity, its role sessions together, and no one else’s; a commit or a clear frees one', async () => {
      // Prepare: AIDA… waits with two events (one from a role session of it), AIDA…X (a longer id) with one
      const store = await storeFor();
      const sender = id('AIDA').replace('-', '');
      const note = (eventId: string, senderId: string) => ({
        id: `contract/${eventId}@${senderId}`,
        eventId,
        source: 'contract',
        senderId,
      });
      const [a, b, other] = [note(id('w'), sender), note(id('w'), `${sender}:session`), note(id('w'), `${sender}X`)];
      for (const w of [a, b, other]) await store.storeDeferred(w, 'missing-member', 'waits');
      await store.storeDeferred(a, 'missing-member', 'waits again');
      // Act
      const before = await store.countWaiting(sender);
      const noted = [await store.isDeferred(a), await store.isDeferred({ ...a, senderId: `${sender}X`, id: `${a.id}X` })];
      await store.commit(marker(a.eventId), [], { clearDeferred: a });
      await store.clearDeferred(b);
      const after = await store.countWaiting(sender);
      // Assess
      expect(before).toBe(2);
      expect(noted).toEqual([true, false]);
      expect(after).toBe(0);
      expect(await store.countWaiting(`${sender}X`)).toBe(1);
    });

    it('counts the events of one identity per minute, its role sessions together: each count answers the new total', async () => {
      // Prepare: an identity of its own, two minutes
      const store = await storeFor();
      const sender = id('AIDA').replace('-', '');
      // Act: two batches in one minute, one in the next, and another identity's in the first
      const first = await store.countEvents(sender, '2026-12-06T10:00', 3);
      const second = await store.countEvents(sender, '2026-12-06T10:00', 4);
      const nextMinute = await store.countEvents(sender, '2026-12-06T10:01', 1);
      const other = await store.countEvents(`${sender}X`, '2026-12-06T10:00', 2);
      // Assess
      expect([first, second, nextMinute, other]).toEqual([3, 7, 1, 2]);
    });

    it('counts the rejected bodies an identity has kept: once each, whatever its session; a rejection kept without its body not at all', async () => {
      // Prepare: rejections of one identity (one from a role session of it) and of another
      const store = await storeFor();
      const sender = id('AIDA').replace('-', '');
      const rejection = (eventId: string, senderId: string, body: string): RejectedEvent => ({
        id: `contract/${eventId}@${senderId}`,
        reason: 'missing-member',
        message: 'kept',
        body,
        eventId,
        source: 'contract',
        key: `contract/${eventId}`,
        senderId,
        rejectedAt: new Date().toISOString(),
      });
      const [a, b, c] = [id('r'), id('r'), id('r')];
      // Act: a twice (a resend replaces its rejection), b from a session, c without its body, one of the other identity
      await store.storeRejected(rejection(a, sender, '{"id":"a"}'));
      await store.storeRejected(rejection(a, sender, '{"id":"a","again":true}'));
      await store.storeRejected(rejection(b, `${sender}:session`, '{"id":"b"}'));
      await store.storeRejected(rejection(c, sender, NO_BODY));
      await store.storeRejected(rejection(id('r'), `${sender}X`, '{"id":"x"}'));
      // Assess
      expect(await store.countRejectedKept(sender)).toBe(2);
      expect(await store.countRejectedKept(`${sender}X`)).toBe(1);
    });
  });
}
