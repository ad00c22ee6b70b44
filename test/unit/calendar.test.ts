// docs/reminders.md#deadlines: the holiday calendar of the rule sets — make-up working days (làm bù),
// coverage, provisional deadlines, and a guard that next year's holidays are added in time.
import { describe, expect, it } from 'vitest';
import { todayInVietnam, yearOf } from '../../shared/domain/dates.js';
import {
  calendarCovers,
  defaultRuleSets,
  isWorkingDay,
  parseRuleSets,
  ruleSetFor,
  transferDeadline,
  transferDueOn,
} from '../../shared/domain/rules/index.js';

describe('make-up working days (làm bù)', () => {
  for (const day of ['2024-05-04', '2025-04-26', '2026-01-10']) {
    it(`Saturday ${day} is a working day`, () => {
      // Prepare
      const set = ruleSetFor(day);

      // Act
      const working = isWorkingDay(day, set);

      // Assess
      expect(working).toBe(true);
    });
  }

  it('an ordinary Saturday is not', () => {
    // Prepare, Act, Assess
    expect(isWorkingDay('2024-05-11', ruleSetFor('2024-05-11'))).toBe(false);
  });

  it('a make-up Saturday shortens a working-day deadline by one day', () => {
    // Prepare: issued Friday 2024-04-26; with 29/4–1/5 off, the 4 May Saturday counts
    const set = ruleSetFor('2024-04-26');
    const without = parseRuleSets({
      ruleSets: [{ ...rawOf(set), holidays: set.holidays }],
    })[0];

    // Act
    const withMakeUp = transferDueOn('2024-04-26');
    const withoutMakeUp = transferDueOn('2024-04-26', without ? [without] : []);

    // Assess
    expect(withMakeUp < withoutMakeUp).toBe(true);
  });

  it('a day listed both as a holiday and as a working day fails the load', () => {
    // Prepare
    const file = {
      calendars: {
        c: [
          { on: '2024-05-04', name: 'x' },
          { on: '2024-05-04', name: 'y', workingDay: true },
        ],
      },
      ruleSets: [{ ...rawOf(defaultRuleSets()[0]!), holidays: 'c' }],
    };

    // Act, Assess
    expect(() => parseRuleSets(file)).toThrow(/both as a holiday and as a working day/);
  });
});

describe('coverage and provisional deadlines', () => {
  it('calendarCovers the listed years, not the others', () => {
    // Prepare, Act, Assess
    expect(['2020-06-01', '2026-06-01', '2027-06-01', '2028-06-01', '2019-06-01'].map((d) => calendarCovers(d))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('a working-day deadline within confirmed years is final', () => {
    // Prepare, Act
    const deadline = transferDeadline('2024-03-01');

    // Assess
    expect(deadline).toEqual({ dueOn: transferDueOn('2024-03-01'), provisional: false });
  });

  it('a working-day deadline reaching a year not listed is computed, and flagged provisional', () => {
    // Prepare, Act
    const deadline = transferDeadline('2028-12-10');

    // Assess
    expect(deadline.dueOn).toBe(transferDueOn('2028-12-10'));
    expect(deadline.provisional).toBe(true);
  });

  it('a working-day deadline reaching a year with provisional entries (2027) is provisional', () => {
    // Prepare, Act, Assess
    expect(transferDeadline('2026-12-10').provisional).toBe(true);
  });
});

describe('the calendar is extended in time', () => {
  it('from 1 October, next year’s holidays are in rule-sets.json', () => {
    // Prepare: the real clock, on purpose — this test is a reminder to the maintainers.
    const today = todayInVietnam(new Date());
    const year = yearOf(today);
    const next = `${String(year + 1)}-06-01`;

    // Act
    const due = today >= `${String(year)}-10-01`;
    const covered = calendarCovers(next);

    // Assess
    expect(
      !due || covered,
      `add the holidays of ${String(year + 1)} (Tết, Giỗ Tổ, nghỉ bù, làm bù) to shared/domain/rules/rule-sets.json: working-day deadlines reaching ${String(year + 1)} are provisional until then`,
    ).toBe(true);
  });
});

/** A rule set back in the shape of rule-sets.json (without its calendar fields). */
function rawOf(set: ReturnType<typeof defaultRuleSets>[number]) {
  const { holidays: _h, makeUpDays: _m, calendarYears: _c, provisionalYears: _p, dossierThresholds, ...rest } = set;
  return { ...rest, dossierThresholds: [...dossierThresholds] };
}
