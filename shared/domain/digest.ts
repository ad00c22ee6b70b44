// domain: the daily digest, a message a committee member reads (docs/reminders.md, "Reaching
// the committee"). Pure: the reminders job passes the reminders recorded for the day and
// the org tree; the result is plain Vietnamese text, ready for an e-mail.
//
// What a reader sees, and what they never see:
// - the org the digest is for, then its subtree's reminders grouped by cell, each cell
//   with its name, its id and the orgs between it and the digest's org;
// - each reminder's kind in words (one label per kind, `REMINDER_KIND_LABELS`), the id of
//   the dossier, member, transfer or candidate, the due date as dd/mm/yyyy and the days left;
// - ids and org names only: a reminder carries no personal data and neither does this.
// A day with nothing for the org gives no digest (null): an empty message every morning
// teaches people to ignore the real ones.
import type { BusinessDate } from './records.js';
import type { OrgTree } from './figures/tree.js';
import type { Reminder, ReminderKind } from './reminders.js';
import { vietnameseDate, vietnameseNumber } from './vietnamese.js';

/** One digest: for one org and one day. */
export interface Digest {
  /** The subscribed org (the attribute `digestFor`). */
  digestFor: string;
  /** The job's date. */
  date: BusinessDate;
  /** The e-mail's subject line: one line, under SNS's 100 characters. */
  subject: string;
  /** The message itself. */
  text: string;
  /** How many reminders it lists (all of them, also those cut for length). */
  reminderCount: number;
}

/**
 * The kinds of docs/reminders.md in words, as a committee says them, in the words of the
 * Statute: "thời kỳ dự bị" (Điều lệ Đảng, art. 5), "xét công nhận đảng viên chính thức",
 * "xét tặng Huy hiệu Đảng". One label per kind.
 */
export const REMINDER_KIND_LABELS: Readonly<Record<ReminderKind, string>> = {
  'dossier.dueSoon': 'Hồ sơ sắp đến hạn',
  'dossier.overdue': 'Hồ sơ quá hạn',
  'probation.ending': 'Sắp hết thời kỳ dự bị',
  'probation.overdue': 'Quá hạn xét công nhận đảng viên chính thức',
  'transfer.late': 'Chuyển sinh hoạt đảng quá hạn chưa được tiếp nhận',
  'badge.upcoming': 'Sắp đến mốc xét tặng Huy hiệu Đảng',
  'ceremony.dueSoon': 'Sắp đến hạn tổ chức lễ kết nạp đảng viên',
  'ceremony.overdue': 'Quá hạn tổ chức lễ kết nạp đảng viên',
  'records.missing': 'Quá hạn hoàn thiện lý lịch đảng viên, phiếu đảng viên',
  'transfer.temporaryTooLong': 'Sinh hoạt đảng tạm thời quá thời hạn, chưa chuyển sinh hoạt đảng chính thức',
  'candidate.certificateExpiring': 'Giấy chứng nhận bồi dưỡng nhận thức về Đảng sắp hết hiệu lực',
};

/**
 * What the subject id of each kind is, in words. A transfer is known by its giấy giới
 * thiệu sinh hoạt đảng, the letter the sending committee issues (Hướng dẫn 12-HD/BTCTW);
 * a person of the candidate pool is a quần chúng (ưu tú), by the id the cell gave them.
 */
const SUBJECT_NOUNS: Readonly<Record<ReminderKind, string>> = {
  'dossier.dueSoon': 'hồ sơ kết nạp',
  'dossier.overdue': 'hồ sơ kết nạp',
  'probation.ending': 'đảng viên',
  'probation.overdue': 'đảng viên',
  'transfer.late': 'giấy giới thiệu sinh hoạt đảng',
  'badge.upcoming': 'đảng viên',
  'ceremony.dueSoon': 'đảng viên',
  'ceremony.overdue': 'đảng viên',
  'records.missing': 'đảng viên',
  'transfer.temporaryTooLong': 'giấy giới thiệu sinh hoạt đảng tạm thời',
  'candidate.certificateExpiring': 'quần chúng',
};

/** What the due date is, in words, per kind. */
const DUE_WORDS: Readonly<Record<ReminderKind, string>> = {
  'dossier.dueSoon': 'hạn giải quyết',
  'dossier.overdue': 'hạn giải quyết',
  'probation.ending': 'hết thời kỳ dự bị ngày',
  'probation.overdue': 'hạn xét công nhận',
  'transfer.late': 'hạn tiếp nhận',
  'badge.upcoming': 'mốc tuổi đảng',
  'ceremony.dueSoon': 'hạn tổ chức lễ kết nạp',
  'ceremony.overdue': 'hạn tổ chức lễ kết nạp',
  'records.missing': 'hạn hoàn thiện',
  'transfer.temporaryTooLong': 'hết thời hạn sinh hoạt tạm thời ngày',
  'candidate.certificateExpiring': 'hết hiệu lực từ ngày',
};

/** SNS takes 256 KiB; this leaves room for the subject and the attributes. */
export const DIGEST_MAX_BYTES = 200 * 1024;
const SUBJECT_MAX_CHARS = 99;

/** Days left in words: `còn 3 ngày`, `đến hạn hôm nay`, `quá hạn 5 ngày`. */
export function daysLeftInWords(daysLeft: number): string {
  if (daysLeft > 0) return `còn ${vietnameseNumber(daysLeft)} ngày`;
  if (daysLeft === 0) return 'đến hạn hôm nay';
  return `quá hạn ${vietnameseNumber(-daysLeft)} ngày`;
}

/** `Tên (ID)`, or the id alone for an org the tree does not know. */
function orgLabel(tree: OrgTree, orgId: string): string {
  const org = tree.get(orgId);
  return org ? `${org.name} (${orgId})` : orgId;
}

/** One line per reminder: kind, subject, due date, days left (and the threshold of a dueSoon). */
function reminderLine(r: Reminder): string {
  const threshold = r.kind === 'dossier.dueSoon' && r.threshold !== null ? ` (mốc nhắc trước ${r.threshold} ngày)` : '';
  return `   - ${REMINDER_KIND_LABELS[r.kind]}: ${SUBJECT_NOUNS[r.kind]} ${r.subjectId}, ${DUE_WORDS[r.kind]} ${vietnameseDate(r.dueOn)}, ${daysLeftInWords(r.daysLeft)}${threshold}`;
}

/** Most urgent first, then by kind and id: the order a reader works through them. */
function byUrgency(a: Reminder, b: Reminder): number {
  return a.daysLeft - b.daysLeft || a.kind.localeCompare(b.kind) || a.subjectId.localeCompare(b.subjectId);
}

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/**
 * The digest of `digestFor` on `date`: the reminders of `reminders` whose cell lies in
 * its subtree, grouped by cell in the tree's order. A subscribed org that was merged
 * away is followed to the org that stands for it now (the digest keeps `digestFor`, so
 * its subscribers still get it). Null when none of the reminders is for its subtree, or
 * the org is unknown or dissolved without a successor.
 *
 * A text longer than `maxBytes` (a province on a catch-up day) lists the most urgent
 * cells that fit and says how many reminders it left out.
 */
export function composeDigest(input: {
  digestFor: string;
  date: BusinessDate;
  reminders: readonly Reminder[];
  tree: OrgTree;
  maxBytes?: number;
}): Digest | null {
  const { digestFor, date, tree } = input;
  const root = tree.effectiveCell(digestFor);
  if (root === undefined) return null;
  const order = new Map(tree.subtree(root).map((id, i) => [id, i]));
  const byCell = new Map<string, Reminder[]>();
  for (const r of input.reminders) {
    if (!order.has(r.orgId)) continue;
    const list = byCell.get(r.orgId);
    if (list) list.push(r);
    else byCell.set(r.orgId, [r]);
  }
  if (byCell.size === 0) return null;
  const cells = [...byCell.keys()].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
  const count = [...byCell.values()].reduce((n, list) => n + list.length, 0);

  const rootName = tree.get(root)?.name ?? root;
  const header = [
    `Nhắc việc ngày ${vietnameseDate(date)}`,
    `${orgLabel(tree, root)}: ${vietnameseNumber(count)} việc cần theo dõi ở ${vietnameseNumber(cells.length)} chi bộ.`,
    // One org merged into another is "sáp nhập"; "hợp nhất" would be two orgs made into a new one.
    ...(root === digestFor ? [] : [`(${orgLabel(tree, digestFor)} đã được sáp nhập vào ${orgLabel(tree, root)}.)`]),
    '',
  ];
  const footer = [
    '',
    'Tin này chỉ ghi mã hồ sơ, mã đảng viên, mã quần chúng và mã giấy giới thiệu sinh hoạt đảng; xem chi tiết trong hệ thống quản lý đảng viên.',
    'Mỗi việc được nhắc một lần ở mỗi mốc; tin tổng hợp gửi mỗi ngày một lần, chỉ khi có việc.',
  ];
  const maxBytes = input.maxBytes ?? DIGEST_MAX_BYTES;
  // Room for the longest "left out" line, so that the text never passes maxBytes.
  let used = utf8Bytes([...header, ...footer].join('\n')) + 200;
  const body: string[] = [];
  let listed = 0;
  for (const [i, cellId] of cells.entries()) {
    const between = tree
      .ancestors(cellId)
      .map((o) => o.orgId)
      .filter((id) => id !== root && tree.isInSubtree(root, id))
      .map((id) => orgLabel(tree, id));
    const group = [
      `${i + 1}. ${orgLabel(tree, cellId)}${between.length > 0 ? `, thuộc ${between.join(', ')}` : ''}`,
      ...(byCell.get(cellId) ?? []).sort(byUrgency).map(reminderLine),
      '',
    ];
    const size = utf8Bytes(group.join('\n')) + 1;
    if (used + size > maxBytes) break;
    used += size;
    body.push(...group);
    listed += group.length - 2;
  }
  if (listed < count)
    body.push(
      `… và ${vietnameseNumber(count - listed)} việc nữa ở ${vietnameseNumber(cells.length - countCells(body))} chi bộ khác, không ghi hết ở đây.`,
      '',
    );
  // SNS refuses a subject with a line break or a control character, and a refused publish
  // would stay in the outbox and fail every later run: such characters become spaces.
  const subject = `Nhắc việc ${vietnameseDate(date)}: ${rootName}`.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ');
  return {
    digestFor,
    date,
    subject: [...subject].length > SUBJECT_MAX_CHARS ? `${[...subject].slice(0, SUBJECT_MAX_CHARS - 1).join('')}…` : subject,
    text: [...header, ...body, ...footer].join('\n').replace(/\n{3,}/g, '\n\n'),
    reminderCount: count,
  };
}

/** How many cell groups `body` holds (their first lines are numbered). */
function countCells(body: readonly string[]): number {
  return body.filter((line) => /^\d+\. /.test(line)).length;
}
