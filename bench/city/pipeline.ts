// The admission work around the year's stories (docs/events.md#the-candidate-pool,
// #after-the-decision): every applicant listed in a cell's pool one to four months before
// the dossier (most trained in a class of the month), a pool about three times the year's
// admissions (some trained, some dropped), ceremonies one to six weeks after a decision
// that came without one, party files a few weeks after the ceremony, cards after the
// recognition, and the files and cards of the members on the rolls. Drawn from a source of
// its own after the other stories, so that it moves none of their draws.
import { addDays, daysBetween, maxDate } from '../../shared/domain/dates.js';
import { profileFor } from './people.js';
import { pad, rng, workday } from './random.js';
import type { YearDraft } from './year.js';

/** A class on Party awareness (lớp bồi dưỡng nhận thức về Đảng): one a month city-wide, so that one class trains people of many cells. */
const classOf = (on: string) => `LOP${on.slice(0, 7)}`;

function listAndTrain(y: YearDraft, r: R, p: { personId: string; orgId: string; profile: object }, until: string) {
  const listedOn = maxDate(`${y.year}-01-02`, addDays(until, -r.int(30, 120)));
  let last = y.emit(listedOn, 'candidate.listed', { ...p, on: listedOn }, p.personId);
  if (r.chance(0.9)) {
    const on = addDays(listedOn, r.int(0, Math.max(0, daysBetween(listedOn, until))));
    last = y.emit(on, 'candidate.classCompleted', { personId: p.personId, classId: classOf(on), on }, p.personId, last);
  }
  return last;
}

type Data = Record<string, string | undefined> & { profile: object };
type R = ReturnType<typeof rng>;

/** The party file and the card a member on the rolls comes with (most have both). */
function importedDates(r: R, data: Data, importedOn: string): void {
  const filedOn = addDays(data.admittedOn!, r.int(20, 60));
  if (r.chance(0.97) && filedOn <= importedOn) data.recordsFiledOn = filedOn;
  if (data.recognizedOn !== undefined && r.chance(0.95)) {
    const cardOn = addDays(data.recognizedOn, r.int(30, 120));
    if (cardOn <= importedOn) data.cardIssuedOn = cardOn;
  }
}

/** After a decision: the ceremony when the decision came without one (most), then the party file (most). */
function afterDecision(y: YearDraft, r: R, data: Data, admission: number): void {
  let last = admission;
  let held = data.ceremonyOn;
  if (held === undefined && r.chance(0.85)) {
    held = addDays(data.admittedOn!, r.int(7, 42));
    last = y.emit(held, 'member.ceremonyHeld', { memberId: data.memberId, on: held }, data.memberId!, last);
  }
  if (held !== undefined && r.chance(0.8)) {
    const on = addDays(held, r.int(10, 40));
    y.emit(on, 'member.recordsFiled', { memberId: data.memberId, on }, data.memberId!, last);
  }
}

export function pipelineStories(y: YearDraft, seed: number): void {
  const r = rng(seed);
  const drafted = [...y.drafts];
  drafted.forEach((d, i) => {
    const data = d.data as Data;
    if (d.type === 'member.imported') importedDates(r, data, d.on);
    else if (d.type === 'dossier.received') {
      listAndTrain(y, r, { personId: data.personId!, orgId: data.orgId!, profile: data.profile }, data.receivedOn!);
    } else if (d.type === 'member.admitted') afterDecision(y, r, data, i);
    else if (d.type === 'member.recognized' && r.chance(0.7)) {
      const on = addDays(data.recognizedOn!, r.int(20, 90));
      y.emit(on, 'member.cardIssued', { memberId: data.memberId, on }, data.memberId!, i);
    }
  });
  // The rest of the pool: no dossier this year.
  const admissions = drafted.filter((d) => d.type === 'member.admitted').length;
  for (let k = 1; k <= 2 * admissions; k++) {
    const personId = `QC${y.year}${pad(k, 6)}`;
    const orgId = r.pick(y.input.units).cellId;
    const profile = profileFor(r, y.year, r.int(18, 35), { femaleShare: 0.45, year: y.year });
    if (profile.occupation === 'retired') profile.occupation = 'state-sector';
    const last = listAndTrain(y, r, { personId, orgId, profile }, workday(y.year, r.int(60, 340)));
    if (r.chance(0.15)) {
      const on = addDays(y.drafts[last]!.on, r.int(10, 60));
      y.emit(on, 'candidate.dropped', { personId, on, reason: r.pick(['withdrew', 'not-qualified', 'moved-away']) }, personId, last);
    }
  }
}
