// domain: a deadline stored while the holiday calendar did not yet cover its days
// (`dueOnProvisional`, docs/reminders.md#deadlines) computed again with the rule sets of now, so that a
// calendar extended by a later release repairs every deadline it moves. Pure.
import { defaultRuleSets, dossierDeadline, transferDeadline, type Deadline, type RuleSet } from './rules/index.js';
import type { StoredRecord } from './records.js';

/** A record whose stored deadline the rule sets of now would compute otherwise. */
export interface DeadlineRefresh {
  before: StoredRecord;
  after: StoredRecord;
}

/**
 * The record with its provisional deadline computed again, or undefined when there is
 * nothing to change: not provisional, no longer pending, or the same date still provisional.
 */
export function refreshedDeadline(stored: StoredRecord, sets: readonly RuleSet[] = defaultRuleSets()): DeadlineRefresh | undefined {
  if (stored.entity === 'dossier') {
    const d = stored.record;
    if (!d.dueOnProvisional || d.status !== 'open') return undefined;
    const after = withDeadline(d, dossierDeadline(d.receivedOn, sets));
    return after ? { before: stored, after: { entity: 'dossier', record: after } } : undefined;
  }
  if (stored.entity === 'transfer') {
    const t = stored.record;
    if (!t.dueOnProvisional || t.status !== 'issued' || t.toExternal || t.issuedOn === undefined) return undefined;
    const after = withDeadline(t, transferDeadline(t.issuedOn, sets));
    return after ? { before: stored, after: { entity: 'transfer', record: after } } : undefined;
  }
  return undefined;
}

function withDeadline<R extends { dueOn?: string; dueOnProvisional?: boolean; version: number }>(
  record: R,
  deadline: Deadline,
): R | undefined {
  if (deadline.dueOn === record.dueOn && deadline.provisional) return undefined;
  const { dueOnProvisional: _was, ...rest } = record;
  return { ...rest, dueOn: deadline.dueOn, ...(deadline.provisional ? { dueOnProvisional: true } : {}), version: record.version + 1 } as R;
}
