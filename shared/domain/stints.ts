// domain: a member's stays on cells' rolls (MemberRecord.stints), kept by the ingest and
// read by the figures as of a date. Pure functions: no AWS import, no clock.
import type { BusinessDate, MemberRecord, MemberStint } from './records.js';

/**
 * The member's stays, oldest first. A record written before stints were kept has one
 * stay in its cell from `admittedOn` until its exit (a member in transit or gone to an
 * external org then: until its admission, i.e. not counted before; the dates of its
 * transfer are not on the record).
 */
export function stintsOf(member: MemberRecord): MemberStint[] {
  if (member.stints) return member.stints;
  if (member.status === 'probationary' || member.status === 'official') return [{ cellId: member.cellId, from: member.admittedOn }];
  if (member.status === 'exited' && member.exit) return [{ cellId: member.cellId, from: member.admittedOn, until: member.exit.on }];
  return [];
}

/** The stays with a new one begun in `cellId` on `from`. */
export function stintStarted(stints: readonly MemberStint[], cellId: string, from: BusinessDate): MemberStint[] {
  return [...stints, { cellId, from }];
}

/** The stays with the open one (the last, if open) ended on `until`. */
export function stintEnded(stints: readonly MemberStint[], until: BusinessDate): MemberStint[] {
  const last = stints.at(-1);
  if (!last || last.until !== undefined) return [...stints];
  return [...stints.slice(0, -1), { ...last, until }];
}

/** The stays with the last one open again (a cancelled transfer never happened). */
export function stintReopened(stints: readonly MemberStint[]): MemberStint[] {
  const last = stints.at(-1);
  if (!last) return [];
  const { until: _until, ...open } = last;
  return [...stints.slice(0, -1), open];
}

/**
 * The stays of a member whose record is about to be replaced by a new membership
 * (readmission, return from another system), each marked with the dates of the
 * membership it belongs to. None when there is no earlier record.
 */
export function earlierStints(existing: MemberRecord | undefined): MemberStint[] {
  if (!existing) return [];
  const dates = {
    ...(existing.recognizedOn !== undefined ? { recognizedOn: existing.recognizedOn } : {}),
    ...(existing.exemptedOn !== undefined ? { exemptedOn: existing.exemptedOn } : {}),
    ...(existing.recordsFiledOn !== undefined ? { recordsFiledOn: existing.recordsFiledOn } : {}),
    ...(existing.cardIssuedOn !== undefined ? { cardIssuedOn: existing.cardIssuedOn } : {}),
    ...(existing.ceremonyOn !== undefined ? { ceremonyOn: existing.ceremonyOn } : {}),
    ...(existing.origin === 'admitted' ? { byDecision: true as const } : {}),
  };
  return stintsOf(existing).map((s) => (s.earlier ? s : { ...s, earlier: dates }));
}

/**
 * The cell whose rolls held the member on `date` (docs/report.md: a yearly figure counts in
 * the cell the member was in at the time of the event, also for an event that arrives
 * after a later transfer): the last stay begun on or before `date`. A member in transit
 * belongs to the sending cell, whose stay ended at the issue; a date before every stay
 * (rejected elsewhere as before-admission) falls back to the current cell.
 */
export function cellOn(member: MemberRecord, date: BusinessDate): string {
  let cell: string | undefined;
  for (const stint of stintsOf(member)) if (stint.from <= date) cell = stint.cellId;
  return cell ?? member.cellId;
}
