import { describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import { isWeekend } from '../../shared/domain/dates.js';
import {
  defaultRuleSets,
  addPeriod,
  badgeNoticeDays,
  ceremonyDeadline,
  ceremonyNoticeDays,
  certificateExpiresOn,
  certificateNoticeDays,
  dossierDueOn,
  dossierThresholds,
  isWorkingDay,
  parseRuleSets,
  probationEndsOn,
  probationNoticeDays,
  recognitionDueOn,
  recordsDueOn,
  ruleSetFor,
  temporaryTransferTooLongOn,
  subtractPeriod,
  transferDueOn,
  type RuleSet,
  type RuleSetFile,
} from '../../shared/domain/rules/index.js';
import rawRuleSets from '../../shared/domain/rules/rule-sets.json' with { type: 'json' };

const DEFAULTS = {
  dossierDeadline: { days: 60, unit: 'calendar' },
  dossierThresholds: [15, 7, 3],
  probation: { months: 12 },
  recognitionDue: { days: 30, unit: 'working' },
  transferReceipt: { days: 30, unit: 'working' },
  badgeNotice: { days: 60, unit: 'calendar' },
  probationNotice: { days: 30, unit: 'calendar' },
  ceremonyDue: { days: 30, unit: 'working' },
  ceremonyNotice: { days: 7, unit: 'calendar' },
  recordsDue: { days: 30, unit: 'calendar' },
  certificateValidity: { months: 60 },
  certificateNotice: { days: 90, unit: 'calendar' },
  temporaryTransferLimit: { months: 12 },
} as const;

/** A small data file like rule-sets.json, for sets the shipped file does not have. */
function file(overrides: Partial<RuleSetFile> = {}): RuleSetFile {
  return {
    calendars: { test: [{ on: '2025-01-29', name: 'Tết' }] },
    ruleSets: [{ id: 'a', effectiveFrom: '2021-01-01', holidays: 'test', ...structuredClone(DEFAULTS), dossierThresholds: [15, 7, 3] }],
    ...overrides,
  };
}

/** The set in force in 2025, for period arithmetic that only needs the holidays. */
function current(): RuleSet {
  return ruleSetFor('2025-01-01');
}

describe('the shipped rule sets', () => {
  it('has the three effective dates, all with the defaults of docs/reminders.md#deadlines', () => {
    // Prepare
    const sets = defaultRuleSets();
    // Act
    const starts = sets.map((s) => s.effectiveFrom);
    // Assess
    expect(starts).toEqual(['2021-01-01', '2025-01-01', '2025-07-01']);
    for (const s of sets) expect(s).toMatchObject(DEFAULTS);
  });

  it('carries the public holidays of 2020–2027 in every set', () => {
    // Prepare
    const fixed = (y: number) => [`${y}-01-01`, `${y}-04-30`, `${y}-05-01`, `${y}-09-02`];
    const hungKings = ['2020-04-02', '2021-04-21', '2022-04-10', '2023-04-29', '2024-04-18', '2025-04-07', '2026-04-26', '2027-04-16'];
    const lunarNewYear = ['2020-01-25', '2021-02-12', '2022-02-01', '2023-01-22', '2024-02-10', '2025-01-29', '2026-02-17', '2027-02-06'];
    // Act
    const lists = defaultRuleSets().map((s) => new Set(s.holidays));
    // Assess
    for (const holidays of lists) {
      for (let y = 2020; y <= 2027; y++) for (const d of fixed(y)) expect(holidays, d).toContain(d);
      for (const d of [...hungKings, ...lunarNewYear]) expect(holidays, d).toContain(d);
    }
  });

  it('closes the offices for the whole of Tết 2025 and Tết 2026', () => {
    // Prepare
    const s = current();
    const tet2025 = ['2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-01-31'];
    const tet2026 = ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19', '2026-02-20'];
    // Act
    const open = [...tet2025, ...tet2026].filter((d) => isWorkingDay(d, s));
    // Assess
    expect(open).toEqual([]);
    expect(isWorkingDay('2025-02-03', s)).toBe(true);
    expect(isWorkingDay('2026-02-23', s)).toBe(true);
  });

  it('gives every year 11 statutory days off from 2021 (5 of them Tết) on weekdays, counting nghỉ bù and swaps', () => {
    // Prepare
    const holidays = current().holidays;
    // Act
    const weekdaysOff = (y: number) => holidays.filter((d) => d.startsWith(`${y}-`) && !isWeekend(d)).length;
    // Assess: the statutory 11 days land on weekdays once compensated; swaps add a day.
    expect([2021, 2022, 2023, 2024, 2025, 2026, 2027].map(weekdaysOff)).toEqual([11, 11, 11, 12, 12, 12, 11]);
    expect(weekdaysOff(2020)).toBe(10);
  });
});

describe('ruleSetFor', () => {
  it('picks the set whose effective date is the latest on or before the date', () => {
    // Prepare
    const dates = ['2021-01-01', '2024-12-31', '2025-01-01', '2025-06-30', '2025-07-01', '2030-01-01'];
    // Act
    const ids = dates.map((d) => ruleSetFor(d).id);
    // Assess
    expect(ids).toEqual(['2021-01', '2021-01', '2025-01', '2025-01', '2025-07', '2025-07']);
  });

  it('applies the earliest set to dates before every set', () => {
    // Prepare
    const old = '1990-05-19';
    // Act
    const chosen = ruleSetFor(old);
    // Assess
    expect(chosen.id).toBe('2021-01');
  });

  it('does not depend on the order of the list, and refuses an empty one', () => {
    // Prepare
    const reversed = [...defaultRuleSets()].reverse();
    // Act
    const chosen = ruleSetFor('2025-03-01', reversed);
    // Assess
    expect(chosen.id).toBe('2025-01');
    expect(() => ruleSetFor('2025-03-01', [])).toThrow(RangeError);
    expect(() => ruleSetFor('2025-3-1')).toThrow(RangeError);
  });

  it('lets a new rule set change deadlines by data alone, decided by the date that starts the clock', () => {
    // Prepare: the shipped data plus a set from 2026-01-01 with a 45-day dossier deadline.
    const data = structuredClone(rawRuleSets) as RuleSetFile;
    data.ruleSets.push({
      ...structuredClone(data.ruleSets[2]!),
      id: '2026-01',
      effectiveFrom: '2026-01-01',
      dossierDeadline: { days: 45, unit: 'calendar' },
      dossierThresholds: [10, 5],
    });
    const sets = parseRuleSets(data);
    // Act
    const before = dossierDueOn('2025-12-31', sets);
    const after = dossierDueOn('2026-01-01', sets);
    // Assess
    expect(before).toBe('2026-03-01');
    expect(after).toBe('2026-02-15');
    expect(dossierThresholds('2025-12-31', sets)).toEqual([15, 7, 3]);
    expect(dossierThresholds('2026-01-01', sets)).toEqual([10, 5]);
  });
});

describe('addPeriod', () => {
  it('counts calendar days as days', () => {
    // Prepare
    const period = { days: 60, unit: 'calendar' } as const;
    // Act
    const end = addPeriod('2021-03-02', period, current());
    // Assess
    expect(end).toBe('2021-05-01');
  });

  it('skips a weekend: the first working day after a Friday is the Monday', () => {
    // Prepare
    const friday = '2021-03-05';
    // Act
    const one = addPeriod(friday, { days: 1, unit: 'working' }, current());
    const five = addPeriod(friday, { days: 5, unit: 'working' }, current());
    const fromSaturday = addPeriod('2021-03-06', { days: 1, unit: 'working' }, current());
    // Assess
    expect(one).toBe('2021-03-08');
    expect(five).toBe('2021-03-12');
    expect(fromSaturday).toBe('2021-03-08');
  });

  it('skips Tết 2025 (27–31 January)', () => {
    // Prepare
    const fridayBeforeTet = '2025-01-24';
    // Act
    const next = addPeriod(fridayBeforeTet, { days: 1, unit: 'working' }, current());
    // Assess
    expect(next).toBe('2025-02-03');
  });

  it('skips Tết 2026 (16–20 February)', () => {
    // Prepare
    const fridayBeforeTet = '2026-02-13';
    // Act
    const next = addPeriod(fridayBeforeTet, { days: 1, unit: 'working' }, ruleSetFor(fridayBeforeTet));
    // Assess
    expect(next).toBe('2026-02-23');
  });

  it('treats 0 days as the start itself and rejects a negative period', () => {
    // Prepare
    const start = '2025-01-25';
    // Act
    const same = addPeriod(start, { days: 0, unit: 'working' }, current());
    // Assess
    expect(same).toBe(start);
    expect(() => addPeriod(start, { days: -1, unit: 'calendar' }, current())).toThrow(RangeError);
  });

  it('subtractPeriod counts working days backwards over Tết', () => {
    // Prepare
    const monday = '2025-02-03';
    // Act
    const back = subtractPeriod(monday, { days: 1, unit: 'working' }, current());
    // Assess
    expect(back).toBe('2025-01-24');
    expect(addPeriod(back, { days: 1, unit: 'working' }, current())).toBe(monday);
  });
});

describe('the deadlines', () => {
  it('dossier: 60 calendar days from receivedOn, thresholds 15, 7, 3', () => {
    // Prepare
    const receivedOn = '2025-01-20';
    // Act
    const dueOn = dossierDueOn(receivedOn);
    const thresholds = dossierThresholds(receivedOn);
    thresholds.push(99); // a fresh copy: the caller may keep or change it
    // Assess
    expect(dueOn).toBe('2025-03-21');
    expect(dossierThresholds(receivedOn)).toEqual([15, 7, 3]);
  });

  it('probation: 12 months from the ceremony, else from the admission, clamped', () => {
    // Prepare, Act
    const fromAdmission = probationEndsOn('2021-03-02');
    const fromCeremony = probationEndsOn('2021-03-02', '2021-03-20');
    const nullCeremony = probationEndsOn('2021-03-02', null);
    const leap = probationEndsOn('2020-02-29');
    // Assess
    expect(fromAdmission).toBe('2022-03-02');
    expect(fromCeremony).toBe('2022-03-20');
    expect(nullCeremony).toBe('2022-03-02');
    expect(leap).toBe('2021-02-28');
  });

  it('recognition: 30 working days after probation ends, across Tết 2025', () => {
    // Prepare
    const ends = '2025-01-24';
    // Act
    const due = recognitionDueOn(ends);
    // Assess: Feb 3 … Mar 14 are the 30 working days.
    expect(due).toBe('2025-03-14');
  });

  it('transfer: 30 working days after issuedOn, across Tết 2025 and Tết 2026', () => {
    // Prepare, Act
    const in2025 = transferDueOn('2025-01-20');
    const in2026 = transferDueOn('2026-02-13');
    const plain = transferDueOn('2021-06-01');
    // Assess
    expect(in2025).toBe('2025-03-10');
    expect(in2026).toBe('2026-04-03');
    expect(plain).toBe('2021-07-13');
  });

  it('notices: 30 days before probation ends, 60 before a badge milestone; working-day notices converted', () => {
    // Prepare
    const data = file();
    data.ruleSets[0]!.probationNotice = { days: 1, unit: 'working' };
    const sets = parseRuleSets(data);
    // Act
    const probation = probationNoticeDays('2025-06-02');
    const badge = badgeNoticeDays('2025-06-02');
    const working = probationNoticeDays('2025-02-03', sets);
    // Assess
    expect(probation).toBe(30);
    expect(badge).toBe(60);
    expect(working).toBe(3); // Monday back to Friday
  });
});

describe('the admission work and the pool (docs/reminders.md#deadlines)', () => {
  it('ceremony: 30 working days after the decision, across Tết 2026; its notice 7 days before', () => {
    // Prepare: decided on Tuesday 2026-02-10, before the Tết week (16–20 February 2026).
    const admittedOn = '2026-02-10';
    // Act
    const { dueOn, provisional } = ceremonyDeadline(admittedOn);
    const plain = ceremonyDeadline('2021-06-01').dueOn;
    // Assess: 3 working days before Tết, the week of Tết skipped, 27 after it.
    expect(dueOn).toBe('2026-03-31');
    expect(provisional).toBe(false);
    expect(plain).toBe('2021-07-13');
    expect(ceremonyNoticeDays(dueOn)).toBe(7);
  });

  it('ceremony: provisional while the calendar does not list the year it runs into', () => {
    // Prepare: 2028 has no holidays in the shipped calendar.
    const admittedOn = '2028-03-01';
    // Act
    const deadline = ceremonyDeadline(admittedOn);
    // Assess
    expect(deadline.provisional).toBe(true);
  });

  it('party file: 30 calendar days after the ceremony', () => {
    // Prepare, Act
    const due = recordsDueOn('2026-03-10');
    // Assess
    expect(due).toBe('2026-04-09');
  });

  it('certificate: valid 60 months, 29 February to 28 February; notice 90 days before it expires', () => {
    // Prepare, Act
    const expires = certificateExpiresOn('2024-02-29');
    const plain = certificateExpiresOn('2021-10-15');
    // Assess
    expect(expires).toBe('2029-02-28');
    expect(plain).toBe('2026-10-15');
    expect(certificateNoticeDays(plain)).toBe(90);
  });

  it('temporary transfer: too long 12 months after issuedOn', () => {
    // Prepare, Act
    const leap = temporaryTransferTooLongOn('2024-02-29');
    const plain = temporaryTransferTooLongOn('2025-08-15');
    // Assess
    expect(leap).toBe('2025-02-28');
    expect(plain).toBe('2026-08-15');
  });

  it('an older rule set keeps its own periods: a change from a date on moves only the clocks started since', () => {
    // Prepare: a made-up 2026 set with a 20-working-day ceremony and 36-month certificates.
    const data = file();
    const later = { ...structuredClone(data.ruleSets[0]!), id: 'b', effectiveFrom: '2026-01-01' };
    later.ceremonyDue = { days: 20, unit: 'working' };
    later.certificateValidity = { months: 36 };
    data.ruleSets.push(later);
    const sets = parseRuleSets(data);
    // Act
    const before = ceremonyDeadline('2025-12-01', sets).dueOn;
    const after = ceremonyDeadline('2026-03-02', sets).dueOn;
    // Assess: each decision keeps the rules in force on its own date.
    expect(before).toBe(ceremonyDeadline('2025-12-01', parseRuleSets(file())).dueOn);
    expect(after).toBe('2026-03-30');
    expect(certificateExpiresOn('2025-12-31', sets)).toBe('2030-12-31');
    expect(certificateExpiresOn('2026-01-01', sets)).toBe('2029-01-01');
  });

  it('year 9999 is out of the range dates can hold: every deadline throws a RangeError, never a wrong date', () => {
    // Prepare, Act, Assess
    expect(() => ceremonyDeadline('9999-12-31')).toThrow(RangeError);
    expect(() => certificateExpiresOn('9999-12-31')).toThrow(RangeError);
    expect(() => temporaryTransferTooLongOn('9999-12-31')).toThrow(RangeError);
  });
});

describe('parseRuleSets', () => {
  it('accepts a valid file and resolves calendars', () => {
    // Prepare
    const data = file();
    // Act
    const [only] = parseRuleSets(data);
    // Assess
    expect(only?.holidays).toEqual(['2025-01-29']);
    expect(Object.isFrozen(only)).toBe(true);
  });

  it.each([
    ['an unknown key', (d: RuleSetFile) => Object.assign(d.ruleSets[0]!, { dossierDeadlne: 1 })],
    ['an impossible date', (d: RuleSetFile) => (d.ruleSets[0]!.effectiveFrom = '2021-02-30')],
    ['a negative period', (d: RuleSetFile) => (d.ruleSets[0]!.transferReceipt = { days: -1, unit: 'working' })],
    ['a certificate valid 0 months', (d: RuleSetFile) => (d.ruleSets[0]!.certificateValidity = { months: 0 })],
    ['a set without the ceremony', (d: RuleSetFile) => delete (d.ruleSets[0] as Partial<RuleSetFile['ruleSets'][number]>).ceremonyDue],
    ['an unknown unit', (d: RuleSetFile) => Object.assign(d.ruleSets[0]!.badgeNotice, { unit: 'weeks' })],
    ['an unknown calendar', (d: RuleSetFile) => (d.ruleSets[0]!.holidays = 'nope')],
    ['a zero threshold', (d: RuleSetFile) => (d.ruleSets[0]!.dossierThresholds = [15, 0])],
    ['two sets on one day', (d: RuleSetFile) => d.ruleSets.push({ ...structuredClone(d.ruleSets[0]!), id: 'b' })],
    ['no set at all', (d: RuleSetFile) => (d.ruleSets = [])],
  ])('rejects %s', (_name, spoil) => {
    // Prepare
    const data = file();
    spoil(data);
    // Act
    const load = () => parseRuleSets(data);
    // Assess
    expect(load).toThrow(ZodError);
  });

  it('validates the shipped data file', () => {
    // Prepare
    const data = structuredClone(rawRuleSets);
    // Act
    const sets = parseRuleSets(data);
    // Assess
    expect(sets).toEqual(defaultRuleSets());
    expect(sets[0]!.holidays[0]).toBe('2020-01-01');
  });
});
