// Stories of members who stay where they are or leave the rolls: exits (mostly deaths
// among the oldest; a few struck off or resigned come back, readmitted), exemptions
// (miễn sinh hoạt) for the oldest, corrections of profiles; then, for members without a
// story that ends their membership, badges (Huy hiệu Đảng) and ratings.
import { addDays, addYears, compareDates } from '../../shared/domain/dates.js';
import { BADGE_YEARS } from '../../shared/domain/events/index.js';
import { BADGE_OCCASIONS } from './names.js';
import type { Member } from './people.js';
import { pad } from './random.js';
import type { YearDraft } from './year.js';

function exit(y: YearDraft, m: Member, reason: string, on = y.day(2, 362)): number {
  return y.emit(on, 'member.exited', { memberId: m.memberId, reason, on }, m.memberId);
}

export function exitStories(y: YearDraft): void {
  for (const m of y.take(y.count(0.0085), y.old)) exit(y, m, 'deceased');
  for (const m of y.take(y.count(0.0015))) exit(y, m, 'deceased');
  const young = (x: Member) => !y.old(x);
  for (const [reason, rate] of [
    ['struck-off', 0.0012],
    ['resigned', 0.0003],
    ['expelled', 0.0003],
  ] as const) {
    for (const m of y.take(y.count(rate), young)) exit(y, m, reason);
  }
  // Readmitted (kết nạp lại) a few months after leaving.
  for (const m of y.take(y.count(0.0006), young)) {
    const exited = exit(y, m, y.r.chance(0.5) ? 'struck-off' : 'resigned', y.day(2, 250));
    const admittedOn = addDays(y.drafts[exited]!.on, y.r.int(30, 100));
    const data = { memberId: m.memberId, orgId: m.cellId, admittedOn, profile: m.profile, readmitted: true };
    y.emit(admittedOn, 'member.admitted', data, m.memberId, exited);
  }
}

export function standingStories(y: YearDraft): void {
  for (const m of y.take(y.count(0.002), y.old)) {
    const on = y.day(2, 362);
    y.emit(on, 'member.exempted', { memberId: m.memberId, on }, m.memberId);
    y.staying.push(m);
  }
  for (const m of y.take(y.count(0.004))) {
    const profile = y.r.chance(0.5) ? { education: 'university' } : { occupation: y.old(m) ? 'retired' : 'private-enterprise' };
    y.emit(y.day(2, 362), 'member.updated', { memberId: m.memberId, profile }, m.memberId);
    y.staying.push(m);
  }
}

/** The occasion (after the milestone) on which the member gets a badge this year, if any. */
function badgeOf(year: number, m: Member): { years: number; awardedOn: string } | undefined {
  for (const years of BADGE_YEARS) {
    const milestone = addYears(m.admittedOn, years);
    if (milestone.slice(0, 4) !== String(year)) continue;
    const awardedOn = BADGE_OCCASIONS.map((d) => `${year}-${d}`).find((d) => compareDates(d, milestone) >= 0);
    if (awardedOn) return { years, awardedOn };
  }
  return undefined;
}

/** Badges: milestones reached this year, awarded on the next occasion; these members stay (no other story). */
export function badgeStories(y: YearDraft): void {
  for (const m of y.take(y.pool.length, (x) => badgeOf(y.year, x) !== undefined)) {
    const { years, awardedOn } = badgeOf(y.year, m)!;
    y.emit(awardedOn, 'member.badgeAwarded', { memberId: m.memberId, years, awardedOn }, m.memberId);
    y.staying.push(m);
  }
}

/** Ratings (đánh giá, xếp loại) some cells send: last year's in January–February, this year's in December. */
export function ratingStories(y: YearDraft): void {
  const { r } = y;
  const rating = () =>
    r.weighted([
      ['excellent', 15],
      ['good', 70],
      ['completed', 12],
      ['not-completed', 3],
    ] as const);
  const share = Math.min(1, 0.01 * y.input.scale);
  for (const m of [...y.pool, ...y.staying]) {
    if (r.chance(share)) {
      const on = `${y.year}-${pad(r.int(1, 2))}-${pad(r.int(5, 27))}`;
      y.emit(on, 'member.evaluated', { memberId: m.memberId, year: y.year - 1, rating: rating() }, m.memberId);
    }
    if (r.chance(share)) {
      const on = `${y.year}-12-${pad(r.int(1, 28))}`;
      y.emit(on, 'member.evaluated', { memberId: m.memberId, year: y.year, rating: rating() }, m.memberId);
    }
  }
}
