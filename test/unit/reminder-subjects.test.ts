// Which reminders a stored record gives rise to (domain/reminder-index.ts), for the
// admission work, the candidate pool, temporary transfers and party age: records made
// by the real ingest rules (in-memory harness), then read as the daily job reads them.
import { describe, expect, it } from 'vitest';
import type { StoredRecord } from '../../shared/domain/records.js';
import { indexAttributes, reminderSubjects } from '../../shared/domain/reminder-index.js';
import { DomainHarness } from '../helpers/domain-harness.js';
import { baseOrgs, validEvent, validProfile } from '../helpers/events.js';

const member = (h: DomainHarness, id = 'M1'): StoredRecord => ({ entity: 'member', record: h.members.get(id)! });
const kinds = (stored: StoredRecord) => reminderSubjects(stored).map((s) => s.kind);

describe('reminder subjects of the admission work', () => {
  it('a member admitted without a ceremony: the ceremony is due 30 working days after the decision', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.admitted', { data: { admittedOn: '2026-02-10', ceremonyOn: undefined } }),
    ]);
    // Act
    const subjects = reminderSubjects(member(h));
    // Assess
    expect(subjects).toContainEqual({ kind: 'ceremony', memberId: 'M1', cellId: 'C1', dueOn: '2026-03-31', noticeDays: 7 });
    expect(indexAttributes(member(h))).toEqual({ remindOn: '2026-03-24', remindMonth: '2026-03' });
  });

  it('after the ceremony: no ceremony reminder, the party file due 30 days later, probation from the ceremony', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.admitted', { data: { admittedOn: '2026-02-10', ceremonyOn: undefined } }),
      validEvent('member.ceremonyHeld', { data: { on: '2026-03-10' } }),
    ]);
    // Act
    const subjects = reminderSubjects(member(h));
    // Assess
    expect(subjects.map((s) => s.kind).sort()).toEqual(['probation', 'records']);
    expect(subjects).toContainEqual({ kind: 'records', memberId: 'M1', cellId: 'C1', dueOn: '2026-04-09' });
    expect(subjects.find((s) => s.kind === 'probation')).toMatchObject({ probationEndsOn: '2027-03-10' });
  });

  it('the party file filed: nothing of the admission work is left to remind', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.admitted', { data: { admittedOn: '2026-02-10', ceremonyOn: '2026-03-10' } }),
      validEvent('member.recordsFiled', { data: { on: '2026-03-20' } }),
    ]);
    // Act, Assess
    expect(kinds(member(h))).toEqual(['probation']);
  });

  it('an imported member had its ceremony elsewhere: no ceremony, no party file reminder', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.imported', { data: { status: 'probationary', admittedOn: '2026-02-10', recognizedOn: undefined } }),
    ]);
    // Act, Assess
    expect(kinds(member(h))).toEqual(['probation']);
  });
});

describe('reminder subjects of party age', () => {
  it('a probationary member has no badge milestone (party age comes with recognition)', async () => {
    // Prepare: first admitted 1991, readmitted 2021 (probationary).
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.imported'),
      validEvent('member.exited', { data: { on: '2000-01-01' } }),
      validEvent('member.admitted', { data: { readmitted: true, firstAdmittedOn: '1991-03-02', interruptedDays: 365 } }),
    ]);
    // Act, Assess
    expect(kinds(member(h))).not.toContain('badge');
  });

  it('recognized: the milestones count from the first admission plus the time out', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.imported'),
      validEvent('member.exited', { data: { on: '2000-01-01' } }),
      validEvent('member.admitted', { data: { readmitted: true, firstAdmittedOn: '1991-03-02', interruptedDays: 3000 } }),
      validEvent('member.recognized'),
    ]);
    // Act
    const badge = reminderSubjects(member(h)).find((s) => s.kind === 'badge');
    // Assess: party age starts 1999-05-19 (1991-03-02 + 3000 days); the 30 years were not awarded.
    expect(badge?.kind === 'badge' && badge.milestones.slice(0, 2)).toEqual([
      { years: 30, on: '2029-05-19' },
      { years: 40, on: '2039-05-19' },
    ]);
  });
});

describe('reminder subjects of transfers and the pool', () => {
  it('a temporary transfer from a cell of this system, received or not, until it ends', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('member.imported'),
      validEvent('transfer.issued', { data: { kind: 'temporary', issuedOn: '2025-08-15' } }),
    ]);
    const stored = (): StoredRecord => ({ entity: 'transfer', record: h.transfers.get('T1')! });
    // Act
    const issued = reminderSubjects(stored());
    await h.given([validEvent('transfer.received', { data: { receivedOn: '2025-08-20' } })]);
    const received = reminderSubjects(stored());
    await h.given([validEvent('transfer.returned', { data: { on: '2025-12-01' } })]);
    const returned = reminderSubjects(stored());
    // Assess
    expect(issued).toEqual([
      { kind: 'transfer', transferId: 'T1', cellId: 'C1', dueOn: '2025-09-30' },
      { kind: 'temporary-transfer', transferId: 'T1', cellId: 'C1', dueOn: '2026-08-15' },
    ]);
    expect(received).toEqual([{ kind: 'temporary-transfer', transferId: 'T1', cellId: 'C1', dueOn: '2026-08-15' }]);
    expect(returned).toEqual([]);
  });

  it('a temporary attendee from outside has no sending cell here: nothing to remind', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('transfer.received', {
        data: {
          transferId: 'T2',
          receivedOn: '2025-01-10',
          fromOrgId: 'EXT-DN',
          toOrgId: 'C1',
          kind: 'temporary',
          member: {
            memberId: 'M2',
            status: 'official',
            admittedOn: '2010-05-19',
            recognizedOn: '2011-05-19',
            profile: validProfile(),
          },
        },
      }),
    ]);
    // Act, Assess
    expect(reminderSubjects({ entity: 'transfer', record: h.transfers.get('T2')! })).toEqual([]);
  });

  it('a candidate in the pool: the latest certificate expires 60 months after its date; dropped or admitted, nothing', async () => {
    // Prepare
    const h = await new DomainHarness().given([
      ...baseOrgs(),
      validEvent('candidate.listed'),
      validEvent('candidate.classCompleted', { data: { classId: 'NTVD-2019', on: '2019-04-01' } }),
      validEvent('candidate.classCompleted'),
    ]);
    const stored = (): StoredRecord => ({ entity: 'candidate', record: h.candidates.get('M1')! });
    // Act
    const inPool = reminderSubjects(stored());
    await h.given([validEvent('member.admitted')]);
    const admitted = reminderSubjects(stored());
    // Assess
    expect(inPool).toEqual([{ kind: 'certificate', personId: 'M1', cellId: 'C1', expiresOn: '2025-10-15', noticeDays: 90 }]);
    expect(admitted).toEqual([]);
    expect(indexAttributes(stored())).toEqual({});
  });

  it('a candidate without a certificate has nothing to remind', async () => {
    // Prepare
    const h = await new DomainHarness().given([...baseOrgs(), validEvent('candidate.listed')]);
    // Act, Assess
    expect(reminderSubjects({ entity: 'candidate', record: h.candidates.get('M1')! })).toEqual([]);
  });
});
