// docs/reminders.md#deadlines: a working-day deadline stored while the holiday calendar did not cover
// its days is flagged provisional, and computed again once a release extends the
// calendar (`dangvien recompute`), so that no silently wrong date stays stored.
import { describe, expect, it } from 'vitest';
import { refreshedDeadline } from '../../shared/domain/deadline-refresh.js';
import { defaultRuleSets, parseRuleSets, ruleSetFor, transferDeadline, transferDueOn } from '../../shared/domain/rules/index.js';
import type { StoredRecord, TransferRecord } from '../../shared/domain/records.js';

/** The rule sets of an older release: the same rules, a calendar that lists no holiday yet. */
function calendarNotYetListed() {
  const { holidays: _h, makeUpDays: _m, calendarYears: _c, provisionalYears: _p, dossierThresholds, ...rest } = ruleSetFor('2024-04-26');
  return parseRuleSets({ ruleSets: [{ ...rest, dossierThresholds: [...dossierThresholds], holidays: [] }] });
}

function transfer(extra: Partial<TransferRecord>): StoredRecord {
  return {
    entity: 'transfer',
    record: {
      version: 3,
      transferId: 'T1',
      memberId: 'M1',
      kind: 'official',
      fromOrgId: 'C1',
      toOrgId: 'C2',
      fromExternal: false,
      toExternal: false,
      issuedOn: '2024-04-26',
      status: 'issued',
      ...extra,
    },
  };
}

describe('provisional deadlines computed again', () => {
  it('a deadline stored before the calendar listed 30/4–1/5 moves to the right date and becomes final', () => {
    // Prepare: what an older release stored (no holiday known: provisional, too early)
    const old = transferDeadline('2024-04-26', calendarNotYetListed());
    expect(old.provisional).toBe(true);
    const stored = transfer({ dueOn: old.dueOn, dueOnProvisional: true });

    // Act: computed with the rule sets of now
    const refresh = refreshedDeadline(stored, defaultRuleSets());

    // Assess
    expect(old.dueOn < transferDueOn('2024-04-26')).toBe(true);
    expect(refresh?.after.record).toMatchObject({ dueOn: transferDueOn('2024-04-26'), version: 4 });
    expect(refresh?.after.record).not.toHaveProperty('dueOnProvisional');
  });

  it('leaves alone a final deadline, a received transfer, and a deadline the calendar still cannot confirm', () => {
    const still = transferDeadline('2026-12-10');
    expect(still.provisional).toBe(true);
    expect(refreshedDeadline(transfer({ dueOn: '2024-06-07' }))).toBeUndefined();
    expect(refreshedDeadline(transfer({ dueOn: '2024-06-01', dueOnProvisional: true, status: 'received' }))).toBeUndefined();
    expect(refreshedDeadline(transfer({ issuedOn: '2026-12-10', dueOn: still.dueOn, dueOnProvisional: true }))).toBeUndefined();
  });
});
