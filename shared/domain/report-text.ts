// domain: the report as the paragraph a committee pastes into its own report
// (docs/report.md#the-committees-text), in the words of the Party's reports: "9 tháng đầu
// năm 2018 đã kết nạp được 158 đảng viên, bằng 79% kế hoạch của …, bằng 69,6% kế hoạch của
// … giao; từ đầu nhiệm kỳ kết nạp được 833/1.000 đảng viên mới, bằng 83,3% chỉ tiêu".
// Pure: it reads the report's JSON (figures and org names, never a person) and nothing else.
import type { Report } from './figures/report.js';
import { addDays, yearOf } from './dates.js';
import { vietnameseDate, vietnameseNumber, vietnamesePercent } from './vietnamese.js';

/** What the text names besides the report: the organization that assigns the org its plans. */
export interface ReportTextContext {
  /** The registered name of the org's parent (the level above, which assigns its plans); absent for a root. */
  assignedBy?: string | undefined;
}

const n = (x: number) => vietnameseNumber(x);
const pct = (x: number) => vietnamesePercent(x);

/**
 * The period the yearly figures cover, as a committee names it: `Năm 2021` for a whole
 * year, `9 tháng đầu năm 2018` up to the end of a month inside the year, else `Từ đầu năm
 * 2018 đến ngày 15/09/2018`.
 */
export function periodPhrase(year: number, asOf: string): string {
  if (yearOf(asOf) !== year || asOf.endsWith('-12-31')) return `Năm ${year}`;
  const endOfMonth = addDays(asOf, 1).endsWith('-01');
  if (endOfMonth) return `${Number(asOf.slice(5, 7))} tháng đầu năm ${year}`;
  return `Từ đầu năm ${year} đến ngày ${vietnameseDate(asOf)}`;
}

/** "tăng 388 người so với năm 2020", "giảm 5 người", "bằng năm 2020". */
export function changePhrase(now: number, before: number, previousYear: number, sayYear: boolean): string {
  const than = sayYear ? ` so với năm ${previousYear}` : '';
  if (now === before) return `bằng năm ${previousYear}`;
  return now > before ? `tăng ${n(now - before)} người${than}` : `giảm ${n(before - now)} người${than}`;
}

/** The year's admissions against the own and the assigned plan. */
function admissionsSentence(r: Report, ctx: ReportTextContext, wholeYear: boolean): string {
  const a = r.admissions;
  const period = periodPhrase(r.year, r.asOf);
  if (a.total === 0) return `${period} chưa kết nạp được đảng viên mới`;
  const parts = [`${period} đã kết nạp được ${n(a.total)} đảng viên`];
  if (wholeYear) parts.push(changePhrase(a.total, r.previousYear.admissions.total, r.previousYear.year, true));
  if (a.achievementPct !== null) parts.push(`bằng ${pct(a.achievementPct)} kế hoạch của ${r.name}`);
  if (a.achievementPctAssigned !== null) parts.push(`bằng ${pct(a.achievementPctAssigned)} kế hoạch ${assigner(ctx)} giao`);
  return parts.join(', ');
}

const assigner = (ctx: ReportTextContext) => (ctx.assignedBy ? `của ${ctx.assignedBy}` : 'cấp trên');

/** "từ đầu nhiệm kỳ kết nạp được 833/1.000 đảng viên mới, bằng 83,3% chỉ tiêu nhiệm kỳ 2015 - 2020". */
function termSentence(r: Report, ctx: ReportTextContext): string | undefined {
  const t = r.term;
  if (!t) return undefined;
  const term = `nhiệm kỳ ${t.fromYear} - ${t.toYear}`;
  const of = t.target ?? t.targetAssigned;
  const parts = [`từ đầu nhiệm kỳ kết nạp được ${of === null ? n(t.admitted) : `${n(t.admitted)}/${n(of)}`} đảng viên mới`];
  if (t.achievementPct !== null) parts.push(`bằng ${pct(t.achievementPct)} chỉ tiêu ${term}`);
  if (t.achievementPctAssigned !== null) {
    parts.push(`bằng ${pct(t.achievementPctAssigned)} chỉ tiêu ${t.target === null ? term : 'nhiệm kỳ'} ${assigner(ctx)} giao`);
  }
  if (t.achievementPct === null && t.achievementPctAssigned === null) parts.push(term);
  return parts.join(', ');
}

const SUB_TARGET_WORDS = { privateSector: 'trong doanh nghiệp tư nhân', student: 'là học sinh, sinh viên' } as const;

/** "kết nạp được 80 đảng viên trong doanh nghiệp tư nhân, bằng 88,9% chỉ tiêu". */
function subTargetSentences(a: Report['admissions']): string[] {
  return (Object.keys(SUB_TARGET_WORDS) as (keyof typeof SUB_TARGET_WORDS)[]).flatMap((g) => {
    const sub = a.subTargets[g];
    if (!sub) return [];
    const reached = sub.achievementPct === null ? '' : `, bằng ${pct(sub.achievementPct)} chỉ tiêu`;
    return [`kết nạp được ${n(sub.admitted)}/${n(sub.target)} đảng viên ${SUB_TARGET_WORDS[g]}${reached}`];
  });
}

/**
 * The breakdowns with their shares and, for a whole year, the change from the previous
 * one: "2.079 nữ, chiếm 63,04%, tăng 388 người so với năm 2020; 1.732 đoàn viên, chiếm
 * 52,52%, tăng 27 người; …". The previous year is named at the first change only.
 */
function breakdownSentence(r: Report, wholeYear: boolean): string | undefined {
  const a = r.admissions;
  if (a.total === 0) return undefined;
  const before = r.previousYear.admissions;
  // A count the report suppresses (null: a small organization's few) is not said at all
  // (docs/report.md "Small counts suppressed").
  const items: { count: number | null; words: string; share: number | null; was?: number }[] = [
    { count: a.female, words: 'nữ', share: a.sharesPct.female, was: before.female },
    { count: a.youthUnion, words: 'đoàn viên', share: a.sharesPct.youthUnion, was: before.youthUnion },
    {
      count: a.privateEnterprise + a.enterpriseOwner,
      words: 'người làm việc trong doanh nghiệp tư nhân (kể cả chủ doanh nghiệp)',
      share: a.sharesPct.privateSector,
    },
    { count: a.student, words: 'học sinh, sinh viên', share: a.sharesPct.student },
    { count: a.contractFreelance, words: 'lao động hợp đồng, tự do', share: a.sharesPct.contractFreelance },
    { count: a.ethnicMinority, words: 'người dân tộc thiểu số', share: a.sharesPct.ethnicMinority },
    { count: a.religious, words: 'người có đạo', share: a.sharesPct.religious },
    // The Statute's exception (docs/report.md): counted, never given as a share.
    { count: a.populationPolicy, words: 'quần chúng vi phạm chính sách dân số', share: null },
    { count: a.readmitted, words: 'trường hợp kết nạp lại', share: a.sharesPct.readmitted },
  ];
  let yearSaid = false;
  const phrases = items
    .filter((i): i is typeof i & { count: number } => i.count !== null && i.count > 0)
    .map((i) => {
      const parts = [`${n(i.count)} ${i.words}`];
      if (i.share !== null) parts.push(`chiếm ${pct(i.share)}`);
      if (wholeYear && i.was !== undefined) {
        parts.push(changePhrase(i.count, i.was, r.previousYear.year, !yearSaid));
        yearSaid = true;
      }
      return parts.join(', ');
    });
  return phrases.length === 0 ? undefined : `Trong số đảng viên mới kết nạp có ${phrases.join('; ')}`;
}

/** Members at the end of the day: "Đảng bộ … có 3.298 đảng viên (3.100 chính thức, 198 dự bị)". */
function membersSentence(r: Report): string {
  const m = r.members;
  return `Tính đến ngày ${vietnameseDate(r.asOf)}, ${r.name} có ${n(m.total)} đảng viên (${n(m.official)} đảng viên chính thức, ${n(m.probationary)} đảng viên dự bị)`;
}

/**
 * The party files, as Hải Phòng reports them: "hồ sơ đảng viên mới kết nạp được cập nhật
 * vào cơ sở dữ liệu là 1.994 hồ sơ, đạt tỷ lệ 60,46%", and of all members.
 */
function filesSentence(r: Report): string | undefined {
  const said = [
    r.admissions.total > 0 && r.admissions.recordsFiledPct !== null
      ? `hồ sơ đảng viên mới kết nạp được cập nhật vào cơ sở dữ liệu là ${n(r.admissions.recordsFiled)} hồ sơ, đạt tỷ lệ ${pct(r.admissions.recordsFiledPct)}`
      : '',
    r.members.total > 0 && r.members.recordsFiledPct !== null
      ? `cập nhật hồ sơ của ${n(r.members.recordsFiled)}/${n(r.members.total)} đảng viên vào cơ sở dữ liệu, đạt tỷ lệ ${pct(r.members.recordsFiledPct)}`
      : '',
  ].filter((x) => x !== '');
  return said.length === 0 ? undefined : said.join('; ');
}

/** The candidate pool and its classes, as Dương Kinh reports them ("mở 5 lớp … cho 198 quần chúng ưu tú"). */
function candidatesSentence(r: Report, period: string): string | undefined {
  const c = r.candidates;
  const said = [
    c.trained > 0 ? `${period} đã mở ${n(c.classes)} lớp bồi dưỡng nhận thức về Đảng cho ${n(c.trained)} quần chúng ưu tú` : '',
    c.admitted > 0 ? `kết nạp được ${n(c.admitted)} đảng viên mới là quần chúng đã học lớp bồi dưỡng nhận thức về Đảng` : '',
    c.pool > 0
      ? `nguồn phát triển đảng viên hiện có ${n(c.pool)} quần chúng ưu tú, trong đó ${n(c.certified)} quần chúng có giấy chứng nhận bồi dưỡng nhận thức về Đảng còn giá trị`
      : '',
  ].filter((x) => x !== '');
  return said.length === 0 ? undefined : said.join('; ');
}

/** Recognitions, transfers and exits of the period, each said only when it happened. */
function movementSentence(r: Report, period: string): string | undefined {
  const t = r.transfers;
  const e = r.exits;
  const said = [
    r.recognitions.total > 0 ? `công nhận ${n(r.recognitions.total)} đảng viên chính thức` : '',
    t.officialIn > 0 ? `tiếp nhận ${n(t.officialIn)} đảng viên chuyển sinh hoạt đảng chính thức đến` : '',
    t.officialOut > 0 ? `chuyển sinh hoạt đảng chính thức cho ${n(t.officialOut)} đảng viên đi nơi khác` : '',
    t.temporaryIn > 0 ? `tiếp nhận ${n(t.temporaryIn)} đảng viên sinh hoạt đảng tạm thời` : '',
    t.temporaryOut > 0 ? `giới thiệu ${n(t.temporaryOut)} đảng viên đi sinh hoạt đảng tạm thời` : '',
    e.expelled > 0 ? `khai trừ ${n(e.expelled)} đảng viên` : '',
    e.struckOff > 0 ? `xóa tên ${n(e.struckOff)} đảng viên` : '',
    e.resigned > 0 ? `${n(e.resigned)} đảng viên xin ra khỏi Đảng` : '',
    e.deceased > 0 ? `${n(e.deceased)} đảng viên từ trần` : '',
  ].filter((s) => s !== '');
  return said.length === 0 ? undefined : `${period}: ${said.join('; ')}`;
}

const sentence = (s: string) => `${s.charAt(0).toLocaleUpperCase('vi')}${s.slice(1)}.`;

/**
 * The report as the committee's paragraph, in Vietnamese: the admissions of the year (or
 * of its first months) against the own and the assigned plan, the term's achievement,
 * the breakdowns with their shares and, for a whole year, the change from the previous
 * one, the candidate pool and its classes, the members on the day and their party
 * files, then recognitions, transfers and exits. Numbers in
 * Vietnamese notation, dates dd/mm/yyyy; organizations by their registered names.
 */
export function reportText(r: Report, ctx: ReportTextContext = {}): string {
  const wholeYear = periodPhrase(r.year, r.asOf).startsWith('Năm ');
  const term = termSentence(r, ctx);
  const admissions = [admissionsSentence(r, ctx, wholeYear), ...(term ? [term] : []), ...subTargetSentences(r.admissions)].join('; ');
  const sentences = [
    `Số liệu công tác đảng viên của ${r.name}, tính đến ngày ${vietnameseDate(r.asOf)}`,
    admissions,
    breakdownSentence(r, wholeYear),
    candidatesSentence(r, wholeYear ? `Trong năm ${r.year}` : periodPhrase(r.year, r.asOf)),
    membersSentence(r),
    filesSentence(r),
    movementSentence(r, wholeYear ? `Trong năm ${r.year}` : periodPhrase(r.year, r.asOf)),
  ].filter((s): s is string => s !== undefined);
  return `${sentences.map(sentence).join(' ')}\n`;
}
