// The demo city of the first `npm start` (local/demo.ts): every event applies in its
// phases, nothing is rejected or left waiting, and the first morning's reminders show the
// admission work (docs/reminders.md) besides the dossiers and transfers.
import { describe, expect, it } from 'vitest';
import { demoPhases } from '../../local/demo.js';
import { reminderSubjects } from '../../shared/domain/reminder-index.js';
import { remindersDue } from '../../shared/domain/reminders.js';
import type { StoredRecord } from '../../shared/domain/records.js';
import { DomainHarness } from '../helpers/domain-harness.js';

describe('the demo city', () => {
  it.each(['2026-12-06', '2027-03-01', '2028-02-29'])(
    'applies whole on %s and reminds of the ceremony, the files, the pool and a long temporary transfer',
    async (today) => {
      // Prepare
      const h = new DomainHarness();
      // Act
      const outcomes: string[] = [];
      for (const phase of demoPhases(today)) for (const e of phase) outcomes.push((await h.run(e)).outcome);
      const records: StoredRecord[] = [
        ...[...h.members.values()].map((record): StoredRecord => ({ entity: 'member', record })),
        ...[...h.dossiers.values()].map((record): StoredRecord => ({ entity: 'dossier', record })),
        ...[...h.transfers.values()].map((record): StoredRecord => ({ entity: 'transfer', record })),
        ...[...h.candidates.values()].map((record): StoredRecord => ({ entity: 'candidate', record })),
      ];
      const kinds = remindersDue(records.flatMap(reminderSubjects), today, new Set()).map((k) => k.reminder.kind);
      // Assess
      expect(outcomes.filter((o) => o !== 'applied')).toEqual([]);
      expect(kinds).toEqual(
        expect.arrayContaining(['ceremony.overdue', 'records.missing', 'candidate.certificateExpiring', 'transfer.temporaryTooLong']),
      );
      expect([...h.candidates.values()].filter((c) => c.stays.at(-1)?.until === undefined).length).toBeGreaterThanOrEqual(10);
      expect(h.members.get('M33')).toMatchObject({ firstAdmittedOn: '1986-02-03', interruptedDays: 365 });
    },
  );
});
