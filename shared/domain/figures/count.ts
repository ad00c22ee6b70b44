// domain/figures: a cell's own figures, recounted from its records.

import type { DossierRecord, FactRecord, MemberRecord, StoredRecord, TransferRecord } from '../records.js';
import { bump, emptyCurrent, emptyYear, type CurrentFigures, type OrgFigures, type YearFigures } from './types.js';

// The profile's comparisons live with the traits they make (personal-data.ts).
export { isEthnicMinority, isReligious } from '../personal-data.js';

export interface CellCurrentInput {
  cellId: string;
  /** The members on the cell's rolls; only `probationary`/`official` ones of this cell count. */
  members: readonly MemberRecord[];
  /** The cell's dossiers; only open ones of this cell count. */
  dossiers: readonly DossierRecord[];
  /** Transfers whose current relevance is this cell; others are ignored. */
  transfers: readonly TransferRecord[];
}

/**
 * The current figures of one cell (docs/events.md#transfers, §9):
 * - `members`: active members (probationary/official) whose `cellId` is the cell; an
 *   exempted member still counts; the profile's traits are the member's current ones.
 * - `dossiers`: open dossiers of the cell, by last step completed and by `dueOn`.
 * - a transfer `issued` from the cell to an org of this system (`toExternal` false) is
 *   pending: `pendingTransfers[dueOn] += 1` (skipped if it has no `dueOn`), and, when
 *   official, `members.inTransit += 1` — the sending side counts it, never the receiver.
 * - a temporary transfer `received` into the cell is a `temporaryAttendee`, whatever the sender.
 */
export function countCellCurrent(input: CellCurrentInput): CurrentFigures {
  const { cellId } = input;
  const cur = emptyCurrent();
  const m = cur.members;
  for (const member of input.members) {
    if (member.cellId !== cellId) continue;
    if (member.status !== 'probationary' && member.status !== 'official') continue;
    m.total += 1;
    if (member.status === 'official') m.official += 1;
    else m.probationary += 1;
    const t = member.traits;
    if (t.female) m.female += 1;
    if (t.youthUnion) m.youthUnion += 1;
    if (t.ethnicMinority) m.ethnicMinority += 1;
    if (t.religious) m.religious += 1;
    if (member.exemptedOn !== undefined) m.exempted += 1;
  }
  const d = cur.dossiers;
  for (const dossier of input.dossiers) {
    if (dossier.cellId !== cellId || dossier.status !== 'open') continue;
    d.open += 1;
    d.byStep[dossier.step] += 1;
    bump(d.dueOn, dossier.dueOn);
  }
  for (const t of input.transfers) {
    if (t.status === 'issued' && t.fromOrgId === cellId && !t.toExternal) {
      if (t.dueOn !== undefined) bump(cur.pendingTransfers, t.dueOn);
      if (t.kind === 'official') m.inTransit += 1;
    } else if (t.status === 'received' && t.kind === 'temporary' && t.toOrgId === cellId) {
      m.temporaryAttendees += 1;
    }
  }
  return cur;
}

/**
 * What one record adds to a cell's figures now: {@link countCellCurrent} is a sum over
 * records, so a change that leaves this the same for a cell leaves the cell's figures so.
 */
export function recordCurrentFigures(stored: StoredRecord, cellId: string): CurrentFigures {
  const one = <T>(entity: StoredRecord['entity'], wanted: string): T[] => (entity === wanted ? [stored.record as T] : []);
  return countCellCurrent({
    cellId,
    members: one<MemberRecord>(stored.entity, 'member'),
    dossiers: one<DossierRecord>(stored.entity, 'dossier'),
    transfers: one<TransferRecord>(stored.entity, 'transfer'),
  });
}

/**
 * The yearly figures of one cell and one year from its facts (the caller passes the
 * facts of that cell and year; every fact given is counted). Transfer facts go into the
 * counterpart maps keyed by `counterpart`. Every dossier closing counts, whatever its
 * outcome (admitted, rejected, withdrawn), keyed by its `days`.
 */
export function countCellYear(facts: readonly FactRecord[]): YearFigures {
  const y = emptyYear();
  for (const { fact } of facts) {
    switch (fact.kind) {
      case 'admission': {
        const a = y.admissions;
        a.total += 1;
        if (fact.female) a.female += 1;
        if (fact.youthUnion) a.youthUnion += 1;
        if (fact.readmitted) a.readmitted += 1;
        if (fact.occupation === 'student') a.student += 1;
        else if (fact.occupation === 'private-enterprise') a.privateEnterprise += 1;
        else if (fact.occupation === 'enterprise-owner') a.enterpriseOwner += 1;
        else if (fact.occupation === 'contract-freelance') a.contractFreelance += 1;
        break;
      }
      case 'recognition':
        y.recognitions += 1;
        break;
      case 'transferOut':
        bump(fact.transferKind === 'official' ? y.transfers.officialOut : y.transfers.temporaryOut, fact.counterpart);
        break;
      case 'transferIn':
        bump(fact.transferKind === 'official' ? y.transfers.officialIn : y.transfers.temporaryIn, fact.counterpart);
        break;
      case 'exit':
        if (fact.reason === 'struck-off') y.exits.struckOff += 1;
        else y.exits[fact.reason] += 1;
        break;
      case 'dossierClosed':
        bump(y.dossiersClosed, String(fact.days));
        break;
      case 'rating':
        if (fact.rating === 'not-completed') y.ratings.notCompleted += 1;
        else y.ratings[fact.rating] += 1;
        break;
      case 'badge':
        y.badges += 1;
        break;
      default: {
        const never: never = fact;
        throw new Error(`unknown fact ${JSON.stringify(never)}`);
      }
    }
  }
  return y;
}

/**
 * A cell's own figures: `countCellCurrent` plus `countCellYear` for every year its facts
 * fall in (facts of other cells are ignored).
 */
export function countCellFigures(input: CellCurrentInput & { facts: readonly FactRecord[] }): OrgFigures {
  const byYear = new Map<number, FactRecord[]>();
  for (const f of input.facts) {
    if (f.cellId !== input.cellId) continue;
    const list = byYear.get(f.year);
    if (list) list.push(f);
    else byYear.set(f.year, [f]);
  }
  const years: Record<string, YearFigures> = {};
  for (const [year, facts] of [...byYear].sort((a, b) => a[0] - b[0])) years[String(year)] = countCellYear(facts);
  return { current: countCellCurrent(input), years };
}
