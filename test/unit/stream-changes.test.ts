// Which figures a stream batch makes stale (data/stream-changes.ts, domain/figures/stale.ts): a change that leaves what a
// record adds to its cell's figures now as it was recounts nothing now; anything else does.
import { describe, expect, it } from 'vitest';
import { recordChangesOf, type StreamImages } from '../../shared/data/stream-changes.js';
import { staleFrom as staleFromChanges } from '../../shared/domain/figures/stale.js';
import { toItem } from '../../shared/data/keys.js';
import type { DossierRecord, MemberRecord, TransferRecord } from '../../shared/domain/records.js';

const member = (extra: Partial<MemberRecord> = {}): MemberRecord => ({
  memberId: 'M1',
  cellId: 'C1',
  status: 'probationary',
  traits: { female: true, youthUnion: false, ethnicMinority: false, religious: false },
  admittedOn: '2021-03-01',
  ratings: {},
  badges: {},
  origin: 'admitted',
  version: 1,
  ...extra,
});
/** What the figures handler makes of a batch of stream images. */
const staleFrom = (images: StreamImages[]) => staleFromChanges(recordChangesOf(images));
const memberItem = (m: MemberRecord) => toItem({ entity: 'member', record: m });

describe('the cells a record change makes stale now', () => {
  it('recounts no cell for an evaluation or a badge, but keeps the record for its figures as of a date', () => {
    // Act
    const stale = staleFrom([
      {
        oldImage: memberItem(member()),
        newImage: memberItem(member({ version: 2, ratings: { '2021': { rating: 'excellent', cellId: 'C1' } } })),
      },
      {
        oldImage: memberItem(member({ version: 2 })),
        newImage: memberItem(member({ version: 3, badges: { '30-years': '2021-09-02' } })),
      },
    ]);
    // Assess
    expect([...stale.cells.keys()]).toEqual([]);
    expect(stale.records.get('MEMBER#M1')?.version).toBe(3);
  });

  it('compares a legacy image (a readable profile, no traits) by the traits its profile makes', () => {
    // Prepare: an item written before traits and sealing existed, then its first rewrite
    const { traits: _, ...legacy } = memberItem(member());
    const old = { ...legacy, profile: { sex: 'female', youthUnion: false, ethnicity: 'Kinh', religion: null } };
    // Act / Assess: the same traits count the same; another sex counts otherwise
    const badge = { badges: { '30-years': '2021-09-02' } };
    expect(staleFrom([{ oldImage: old, newImage: memberItem(member({ version: 2, ...badge })) }]).cells.size).toBe(0);
    const male = { female: false, youthUnion: false, ethnicMinority: false, religious: false };
    expect(staleFrom([{ oldImage: old, newImage: memberItem(member({ version: 2, traits: male })) }]).cells.size).toBe(1);
  });

  it('recounts the cell for what it counts: a recognition, a trait, an exemption, an exit', () => {
    for (const next of [
      { status: 'official' as const, recognizedOn: '2022-03-01' },
      { traits: { female: false, youthUnion: false, ethnicMinority: false, religious: false } },
      { exemptedOn: '2022-01-01' },
      { status: 'exited' as const },
    ]) {
      const stale = staleFrom([{ oldImage: memberItem(member()), newImage: memberItem(member({ version: 2, ...next })) }]);
      expect([...stale.cells.keys()], JSON.stringify(next)).toEqual(['C1']);
    }
  });

  it('recounts both cells of a move, the cell of a new record and of a deleted one', () => {
    expect([
      ...staleFrom([{ oldImage: memberItem(member()), newImage: memberItem(member({ cellId: 'C2', version: 2 })) }]).cells.keys(),
    ]).toEqual(['C1', 'C2']);
    expect([...staleFrom([{ newImage: memberItem(member()) }]).cells.keys()]).toEqual(['C1']);
    expect([...staleFrom([{ oldImage: memberItem(member()) }]).cells.keys()]).toEqual(['C1']);
  });

  it('recounts the cell when a dossier moves on a step or its deadline moves', () => {
    const dossier: DossierRecord = {
      dossierId: 'D1',
      personId: 'P1',
      cellId: 'C1',
      status: 'open',
      step: 'received',
      receivedOn: '2021-03-01',
      dueOn: '2021-05-01',
      steps: { received: '2021-03-01' },
      version: 1,
    };
    const item = (d: Partial<DossierRecord>) => toItem({ entity: 'dossier', record: { ...dossier, ...d } });
    expect(staleFrom([{ oldImage: item({}), newImage: item({ version: 2, step: 'processing' }) }]).cells.size).toBe(1);
    expect(staleFrom([{ oldImage: item({}), newImage: item({ version: 2, dueOn: '2021-05-04' }) }]).cells.size).toBe(1);
  });

  it("recounts the sending cell when a pending transfer's deadline moves, and both cells when a temporary one is received", () => {
    const transfer: TransferRecord = {
      transferId: 'T1',
      memberId: 'M1',
      kind: 'temporary',
      fromOrgId: 'C1',
      toOrgId: 'C2',
      fromExternal: false,
      toExternal: false,
      issuedOn: '2021-03-01',
      dueOn: '2021-04-01',
      status: 'issued',
      version: 1,
    };
    const item = (t: Partial<TransferRecord>) => toItem({ entity: 'transfer', record: { ...transfer, ...t } });
    expect([...staleFrom([{ oldImage: item({}), newImage: item({ version: 2, dueOn: '2021-04-05' }) }]).cells.keys()]).toEqual(['C1']);
    const received = { version: 2, status: 'received' as const, receivedOn: '2021-03-10' };
    expect([...staleFrom([{ oldImage: item({}), newImage: item(received) }]).cells.keys()]).toEqual(['C1', 'C2']);
    // A change that moves nothing counted (the provisional flag cleared, the same date)
    expect(staleFrom([{ oldImage: item({ dueOnProvisional: true }), newImage: item({ version: 2 }) }]).cells.size).toBe(0);
  });
});
