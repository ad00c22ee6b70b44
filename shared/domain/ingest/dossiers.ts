// domain: the rules of the admission dossier events (docs/events.md#admission-dossiers).
import type { EventOf } from '../events/index.js';
import { DOSSIER_STEPS, type BusinessDate, type DossierOutcome, type DossierRecord } from '../records.js';
import { daysBetween } from '../dates.js';
import { dossierDeadline } from '../rules/index.js';
import { dueOnFields } from './transfers.js';
import { apply, bump, reject, type Decision, type LoadedState, type Write } from './decision-types.js';
import { activeCell, isDecision, openDossier, putFact } from './lookups.js';
import { dossierLinkWrites } from './candidates.js';

/** tiếp nhận: the 60-day clock starts on `receivedOn`; a person in the candidate pool is linked to the dossier. */
export function receiveDossier(e: EventOf<'dossier.received'>, state: LoadedState): Decision {
  const { dossierId, personId, orgId, receivedOn, profile } = e.data;
  const cell = activeCell(state, orgId, receivedOn);
  if (isDecision(cell)) return cell;
  if (state.dossiers.has(dossierId)) return reject('dossier-exists', `dossier ${dossierId} already exists`);
  const record = bump<DossierRecord>(
    {
      dossierId,
      personId,
      cellId: cell.orgId,
      receivedOn,
      ...dueOnFields(dossierDeadline(receivedOn)),
      step: 'received',
      steps: { received: receivedOn },
      status: 'open',
      profile,
    },
    undefined,
  );
  return apply({ entity: 'dossier', record, expectedVersion: null }, ...dossierLinkWrites(state, personId, dossierId));
}

/** thẩm định (`processing`) → báo cáo → xét duyệt: steps only move forward (skipping one is allowed). */
export function completeDossierStep(e: EventOf<'dossier.stepCompleted'>, state: LoadedState): Decision {
  const dossier = openDossier(state, e.data.dossierId);
  if (isDecision(dossier)) return dossier;
  const { step, on, personId } = e.data;
  if (personId !== undefined && personId !== dossier.personId) {
    return reject('dossier-mismatch', `dossier ${dossier.dossierId} is not the dossier of person ${personId}`);
  }
  if (DOSSIER_STEPS.indexOf(step) <= DOSSIER_STEPS.indexOf(dossier.step)) {
    return reject('step-backwards', `dossier ${dossier.dossierId} is already at ${dossier.step}; ${step} would not move it forward`);
  }
  if (on < dossier.receivedOn) return reject('date-order', 'the step is dated before the dossier was received');
  // docs/events.md#admission-dossiers: steps only move forward, and their dates never go back.
  if (on < lastStepOn(dossier)) return reject('date-order', `the step is dated before the previous step (${dossier.step})`);
  const record = bump<DossierRecord>({ ...dossier, step, steps: { ...dossier.steps, [step]: on } }, dossier);
  return apply({ entity: 'dossier', record, expectedVersion: dossier.version });
}

/** kết thúc hồ sơ without admission. */
export function closeDossier(e: EventOf<'dossier.closed'>, state: LoadedState): Decision {
  const dossier = openDossier(state, e.data.dossierId);
  if (isDecision(dossier)) return dossier;
  if (e.data.personId !== undefined && e.data.personId !== dossier.personId) {
    return reject('dossier-mismatch', `dossier ${dossier.dossierId} is not the dossier of person ${e.data.personId}`);
  }
  if (e.data.on < dossier.receivedOn) return reject('date-order', 'the dossier is closed before it was received');
  if (e.data.on < lastStepOn(dossier)) return reject('date-order', `the dossier is closed before its last step (${dossier.step})`);
  return apply(...closeDossierWrites(dossier, e.data.outcome, e.data.on));
}

/** The date of the last step completed (`receivedOn` when none): no later step or closing may be before it. */
export function lastStepOn(dossier: DossierRecord): BusinessDate {
  return dossier.steps[dossier.step] ?? dossier.receivedOn;
}

/**
 * Closing writes the dossier and the fact that feeds closedInYear and the median. An
 * admitted applicant's profile now lives in the member record: the dossier drops its
 * copy, so that a correction of the member has no second copy to reach (docs/personal-data.md).
 */
export function closeDossierWrites(dossier: DossierRecord, outcome: DossierOutcome, on: BusinessDate, memberId?: string): Write[] {
  const { profile, ...rest } = dossier;
  // The member the applicant became: `person erase` of the applicant reaches them too.
  const kept = outcome === 'admitted' ? { ...rest, ...(memberId ? { memberId } : {}) } : dossier;
  return [
    {
      entity: 'dossier',
      record: bump<DossierRecord>({ ...kept, status: outcome, closedOn: on }, dossier),
      expectedVersion: dossier.version,
    },
    putFact(dossier.cellId, on, `dossierClosed#${dossier.dossierId}`, {
      kind: 'dossierClosed',
      outcome,
      days: daysBetween(dossier.receivedOn, on),
    }),
  ];
}
