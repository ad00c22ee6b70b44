// test: the daily digest read as a committee member reads it (docs/reminders.md, "Reaching the
// committee"), and the attributes and filter policies that decide who gets what.
import { describe, expect, it } from 'vitest';
import { composeDigest, daysLeftInWords, REMINDER_KIND_LABELS } from '../../shared/domain/digest.js';
import { OrgTree } from '../../shared/domain/figures/tree.js';
import { attributesOf, orgPathOf, type Notification, type NotificationAttributes } from '../../shared/domain/notifications.js';
import type { OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import type { Reminder, ReminderKind } from '../../shared/domain/reminders.js';
import { digestOrgsOf, filterPolicyOf, InvalidSubscriptionsError, parseReminderSubscriptions } from '../../shared/domain/subscriptions.js';

const org = (orgId: string, parentId: string | null, name: string, level: OrgLevel, extra: Partial<OrgRecord> = {}): OrgRecord => ({
  orgId,
  parentId,
  name,
  level,
  status: 'active',
  targets: {},
  version: 1,
  ...extra,
});

/** Hải Phòng > Hồng Bàng (a ward committee with two cells, one grassroots cell) and Lê Chân. */
const CITY = [
  org('HP', null, 'Đảng bộ thành phố Hải Phòng', 'province'),
  org('HB', 'HP', 'Đảng bộ quận Hồng Bàng', 'upper-grassroots'),
  org('HB-P1', 'HB', 'Đảng bộ phường Hoàng Văn Thụ', 'grassroots-committee'),
  org('HB-P1-C1', 'HB-P1', 'Chi bộ khu phố 1', 'cell'),
  org('HB-P1-C2', 'HB-P1', 'Chi bộ khu phố 2', 'cell'),
  org('HB-C3', 'HB', 'Chi bộ Trường THPT Hồng Bàng', 'grassroots-cell'),
  org('LC', 'HP', 'Đảng bộ quận Lê Chân', 'upper-grassroots'),
  org('LC-C1', 'LC', 'Chi bộ Chợ Con', 'grassroots-cell'),
];
const tree = new OrgTree(CITY);

const reminder = (
  kind: ReminderKind,
  orgId: string,
  subjectId: string,
  dueOn: string,
  daysLeft: number,
  threshold: number | null = null,
): Reminder => ({
  kind,
  orgId,
  subjectId,
  dueOn,
  daysLeft,
  threshold,
  remindOn: '2026-11-23',
});

const DAY: Reminder[] = [
  reminder('dossier.dueSoon', 'HB-P1-C2', 'D-open-1', '2026-12-03', 10, 15),
  reminder('probation.ending', 'HB-P1-C2', 'M41', '2026-12-13', 20),
  reminder('dossier.overdue', 'HB-P1-C1', 'D-open-0', '2026-11-18', -5),
  reminder('transfer.late', 'HB-P1-C2', 'TR-2', '2026-11-13', -10),
  reminder('badge.upcoming', 'HB-C3', 'M7', '2027-01-22', 60),
  reminder('dossier.overdue', 'HB-C3', 'D9', '2026-11-23', 0),
  reminder('probation.overdue', 'LC-C1', 'M99', '2026-11-01', -22),
];

describe('the digest, read by a person', () => {
  it("lists the district's reminders of the day by cell, kinds in words, dates as dd/mm/yyyy, most urgent first", () => {
    // Act
    const digest = composeDigest({ digestFor: 'HB', date: '2026-11-23', reminders: DAY, tree });

    // Assess
    expect(digest?.subject).toBe('Nhắc việc 23/11/2026: Đảng bộ quận Hồng Bàng');
    expect(digest?.text).toBe(
      [
        'Nhắc việc ngày 23/11/2026',
        'Đảng bộ quận Hồng Bàng (HB): 6 việc cần theo dõi ở 3 chi bộ.',
        '',
        '1. Chi bộ Trường THPT Hồng Bàng (HB-C3)',
        '   - Hồ sơ quá hạn: hồ sơ kết nạp D9, hạn giải quyết 23/11/2026, đến hạn hôm nay',
        '   - Sắp đến mốc xét tặng Huy hiệu Đảng: đảng viên M7, mốc tuổi đảng 22/01/2027, còn 60 ngày',
        '',
        '2. Chi bộ khu phố 1 (HB-P1-C1), thuộc Đảng bộ phường Hoàng Văn Thụ (HB-P1)',
        '   - Hồ sơ quá hạn: hồ sơ kết nạp D-open-0, hạn giải quyết 18/11/2026, quá hạn 5 ngày',
        '',
        '3. Chi bộ khu phố 2 (HB-P1-C2), thuộc Đảng bộ phường Hoàng Văn Thụ (HB-P1)',
        '   - Chuyển sinh hoạt đảng quá hạn chưa được tiếp nhận: giấy giới thiệu sinh hoạt đảng TR-2, hạn tiếp nhận 13/11/2026, quá hạn 10 ngày',
        '   - Hồ sơ sắp đến hạn: hồ sơ kết nạp D-open-1, hạn giải quyết 03/12/2026, còn 10 ngày (mốc nhắc trước 15 ngày)',
        '   - Sắp hết thời kỳ dự bị: đảng viên M41, hết thời kỳ dự bị ngày 13/12/2026, còn 20 ngày',
        '',
        'Tin này chỉ ghi mã hồ sơ, mã đảng viên, mã quần chúng và mã giấy giới thiệu sinh hoạt đảng; xem chi tiết trong hệ thống quản lý đảng viên.',
        'Mỗi việc được nhắc một lần ở mỗi mốc; tin tổng hợp gửi mỗi ngày một lần, chỉ khi có việc.',
      ].join('\n'),
    );
    expect(digest).toMatchObject({ digestFor: 'HB', date: '2026-11-23', reminderCount: 6 });
  });

  it("words the admission work, the pool and long temporary transfers in the words of the Party's documents", () => {
    // Prepare
    const admissionWork = [
      reminder('ceremony.dueSoon', 'HB-C3', 'M51', '2026-11-30', 7),
      reminder('ceremony.overdue', 'HB-C3', 'M52', '2026-11-20', -3),
      reminder('records.missing', 'HB-C3', 'M53', '2026-11-22', -1),
      reminder('transfer.temporaryTooLong', 'HB-C3', 'TR-5', '2026-11-23', 0),
      reminder('candidate.certificateExpiring', 'HB-C3', 'QC-17', '2027-02-21', 90),
    ];
    // Act
    const digest = composeDigest({ digestFor: 'HB-C3', date: '2026-11-23', reminders: admissionWork, tree });
    // Assess: most urgent first; ids only.
    expect(digest?.text.split('\n').filter((l) => l.startsWith('   - '))).toEqual([
      '   - Quá hạn tổ chức lễ kết nạp đảng viên: đảng viên M52, hạn tổ chức lễ kết nạp 20/11/2026, quá hạn 3 ngày',
      '   - Quá hạn hoàn thiện lý lịch đảng viên, phiếu đảng viên: đảng viên M53, hạn hoàn thiện 22/11/2026, quá hạn 1 ngày',
      '   - Sinh hoạt đảng tạm thời quá thời hạn, chưa chuyển sinh hoạt đảng chính thức: giấy giới thiệu sinh hoạt đảng tạm thời TR-5, hết thời hạn sinh hoạt tạm thời ngày 23/11/2026, đến hạn hôm nay',
      '   - Sắp đến hạn tổ chức lễ kết nạp đảng viên: đảng viên M51, hạn tổ chức lễ kết nạp 30/11/2026, còn 7 ngày',
      '   - Giấy chứng nhận bồi dưỡng nhận thức về Đảng sắp hết hiệu lực: quần chúng QC-17, hết hiệu lực từ ngày 21/02/2027, còn 90 ngày',
    ]);
  });

  it("never shows another subtree's reminders: Lê Chân's are only in Lê Chân's and the city's digest", () => {
    // Act
    const hb = composeDigest({ digestFor: 'HB', date: '2026-11-23', reminders: DAY, tree });
    const lc = composeDigest({ digestFor: 'LC', date: '2026-11-23', reminders: DAY, tree });
    const city = composeDigest({ digestFor: 'HP', date: '2026-11-23', reminders: DAY, tree });
    const cell = composeDigest({ digestFor: 'HB-P1-C1', date: '2026-11-23', reminders: DAY, tree });

    // Assess
    expect(hb?.text).not.toContain('M99');
    expect(lc?.text).toContain('Quá hạn xét công nhận đảng viên chính thức: đảng viên M99, hạn xét công nhận 01/11/2026, quá hạn 22 ngày');
    expect(lc?.text).not.toContain('HB');
    expect(city?.reminderCount).toBe(7);
    // The city's digest says which district each cell is in.
    expect(city?.text).toContain('2. Chi bộ khu phố 1 (HB-P1-C1), thuộc Đảng bộ phường Hoàng Văn Thụ (HB-P1), Đảng bộ quận Hồng Bàng (HB)');
    expect(cell?.text.split('\n').filter((l) => l.startsWith('   - '))).toEqual([
      '   - Hồ sơ quá hạn: hồ sơ kết nạp D-open-0, hạn giải quyết 18/11/2026, quá hạn 5 ngày',
    ]);
  });

  it('gives no digest on a day with nothing for the org, nor for an org the tree does not know', () => {
    // Assess
    expect(composeDigest({ digestFor: 'LC', date: '2026-11-23', reminders: DAY.slice(0, 6), tree })).toBeNull();
    expect(composeDigest({ digestFor: 'HB', date: '2026-11-23', reminders: [], tree })).toBeNull();
    expect(composeDigest({ digestFor: 'NOPE', date: '2026-11-23', reminders: DAY, tree })).toBeNull();
  });

  it("follows a merged district to its successor and says so, keeping the subscriber's org as digestFor", () => {
    // Prepare: Lê Chân merged into Hồng Bàng; its cell now hangs under Hồng Bàng.
    const merged = new OrgTree([
      ...CITY.filter((o) => o.orgId !== 'LC' && o.orgId !== 'LC-C1'),
      org('LC', 'HB', 'Đảng bộ quận Lê Chân', 'upper-grassroots', { status: 'dissolved', mergedInto: 'HB', dissolvedOn: '2025-07-01' }),
      org('LC-C1', 'HB', 'Chi bộ Chợ Con', 'grassroots-cell'),
    ]);

    // Act
    const digest = composeDigest({ digestFor: 'LC', date: '2026-11-23', reminders: DAY, tree: merged });

    // Assess
    expect(digest?.digestFor).toBe('LC');
    expect(digest?.text).toContain('(Đảng bộ quận Lê Chân (LC) đã được sáp nhập vào Đảng bộ quận Hồng Bàng (HB).)');
    expect(digest?.text).toContain('Chi bộ Chợ Con (LC-C1)');
  });

  it('carries ids and org names only: nothing in a reminder is a name, and nothing else gets in', () => {
    // Prepare: ids and names an attacker might choose to look like something else.
    const hostile = new OrgTree([org('X', null, 'Chi bộ <script>alert(1)</script>', 'grassroots-cell')]);

    // Act
    const digest = composeDigest({
      digestFor: 'X',
      date: '2026-11-23',
      reminders: [reminder('dossier.dueSoon', 'X', 'D:1.a_b-c', '2026-11-30', 7, 7)],
      tree: hostile,
    });

    // Assess: plain text, as given; an e-mail shows it as text.
    expect(digest?.text).toContain('1. Chi bộ <script>alert(1)</script> (X)');
    expect(digest?.text).toContain('hồ sơ kết nạp D:1.a_b-c, hạn giải quyết 30/11/2026, còn 7 ngày (mốc nhắc trước 7 ngày)');
  });

  it('stays under the size SNS takes on a catch-up day, and says how much it left out', () => {
    // Prepare: 3,000 cells with one overdue dossier each.
    const cells = Array.from({ length: 3_000 }, (_, i) => org(`C${i}`, 'HB', `Chi bộ số ${i} của phường có tên rất dài`, 'cell'));
    const big = new OrgTree([...CITY, ...cells]);
    const many = cells.map((c, i) => reminder('dossier.overdue', c.orgId, `D${i}`, '2026-11-01', -22));

    // Act
    const digest = composeDigest({ digestFor: 'HB', date: '2026-11-23', reminders: many, tree: big, maxBytes: 50_000 });

    // Assess
    const bytes = new TextEncoder().encode(digest?.text ?? '').length;
    expect(bytes).toBeLessThanOrEqual(50_000);
    expect(bytes).toBeGreaterThan(45_000);
    const listed = (digest?.text ?? '').split('\n').filter((l) => l.startsWith('   - ')).length;
    const left = 3_000 - listed;
    expect(left).toBeGreaterThanOrEqual(1_000);
    // Thousands with a dot, as a committee writes them: 2.750
    const inWords = `${Math.floor(left / 1_000)}.${String(left % 1_000).padStart(3, '0')}`;
    expect(digest?.text).toContain(`… và ${inWords} việc nữa ở ${inWords} chi bộ khác, không ghi hết ở đây.`);
    expect(digest?.text).toContain('Đảng bộ quận Hồng Bàng (HB): 3.000 việc cần theo dõi ở 3.000 chi bộ.');
    expect(digest?.reminderCount).toBe(3_000);
  });

  it('keeps the subject to one line under 100 characters whatever the org is called', () => {
    // Prepare
    const long = new OrgTree([org('L', null, `Đảng bộ ${'rất '.repeat(60)}dài`, 'province'), org('L1', 'L', 'Chi bộ 1', 'cell')]);

    // Act
    const digest = composeDigest({
      digestFor: 'L',
      date: '2026-11-23',
      reminders: [reminder('badge.upcoming', 'L1', 'M1', '2027-01-01', 39)],
      tree: long,
    });

    // Assess
    expect([...(digest?.subject ?? '')].length).toBeLessThan(100);
    expect(digest?.subject).toMatch(/^Nhắc việc 23\/11\/2026: Đảng bộ rất .*…$/);
  });

  it('keeps the subject free of the line breaks SNS refuses, whatever characters a name holds', () => {
    // Prepare: characters the event schema lets through in a name but SNS refuses in a subject.
    const odd = new OrgTree([org('O', null, 'Đảng bộ\u2028phường\u2029Mới\u00adX', 'province'), org('O1', 'O', 'Chi bộ 1', 'cell')]);

    // Act
    const digest = composeDigest({
      digestFor: 'O',
      date: '2026-11-23',
      reminders: [reminder('badge.upcoming', 'O1', 'M1', '2027-01-01', 39)],
      tree: odd,
    });

    // Assess
    expect(digest?.subject).toBe('Nhắc việc 23/11/2026: Đảng bộ phường Mới X');
  });

  it('has one label per kind, each a different phrase, and words for the days left', () => {
    // Assess
    const labels = Object.values(REMINDER_KIND_LABELS);
    expect(Object.keys(REMINDER_KIND_LABELS).sort()).toEqual([
      'badge.upcoming',
      'candidate.certificateExpiring',
      'ceremony.dueSoon',
      'ceremony.overdue',
      'dossier.dueSoon',
      'dossier.overdue',
      'probation.ending',
      'probation.overdue',
      'records.missing',
      'transfer.late',
      'transfer.temporaryTooLong',
    ]);
    expect(new Set(labels).size).toBe(labels.length);
    expect(REMINDER_KIND_LABELS['dossier.dueSoon']).toBe('Hồ sơ sắp đến hạn');
    expect([3, 0, -1, -1500].map(daysLeftInWords)).toEqual(['còn 3 ngày', 'đến hạn hôm nay', 'quá hạn 1 ngày', 'quá hạn 1.500 ngày']);
  });
});

/**
 * SNS's documented matching for exact-string filter policies on message attributes:
 * every key of the policy must match; a String attribute matches when it equals one of
 * the values, a String.Array when any of its elements does; a missing attribute never
 * matches. A reference model, so that the routing below is checked without AWS.
 */
function snsMatches(policy: Record<string, string[]>, attributes: NotificationAttributes): boolean {
  return Object.entries(policy).every(([key, allowed]) => {
    const value = attributes[key];
    if (value === undefined) return false;
    return typeof value === 'string' ? allowed.includes(value) : value.some((v) => allowed.includes(v));
  });
}

describe('reaching the committee', () => {
  const asReminder = (r: Reminder): Notification => ({ type: 'reminder', reminder: r, orgPath: orgPathOf(tree, r.orgId) });
  const hbDigest = composeDigest({ digestFor: 'HB', date: '2026-11-23', reminders: DAY, tree });
  const lcDigest = composeDigest({ digestFor: 'LC', date: '2026-11-23', reminders: DAY, tree });
  const published: Notification[] = [...DAY.map(asReminder), { type: 'digest', digest: hbDigest! }, { type: 'digest', digest: lcDigest! }];
  const received = (policy: Record<string, string[]>) =>
    published
      .filter((n) => snsMatches(policy, attributesOf(n)))
      .map((n) => (n.type === 'digest' ? `digest:${n.digest.digestFor}` : n.reminder.subjectId));

  it('publishes each reminder with its kind, its cell and the path from the root down to the cell', () => {
    // Assess
    expect(attributesOf(asReminder(DAY[0]!))).toEqual({
      kind: 'dossier.dueSoon',
      orgId: 'HB-P1-C2',
      orgPath: ['HP', 'HB', 'HB-P1', 'HB-P1-C2'],
    });
    expect(attributesOf({ type: 'digest', digest: hbDigest! })).toEqual({ kind: 'digest', digestFor: 'HB' });
    expect(orgPathOf(tree, 'UNKNOWN')).toEqual(['UNKNOWN']);
  });

  it("a queue subscribed to HB gets HB's subtree's reminders and no digest; an e-mail of HB gets HB's digest only", () => {
    // Prepare
    const [queue, email] = parseReminderSubscriptions(
      JSON.stringify([
        { orgId: 'HB', sqsArn: 'arn:aws:sqs:ap-southeast-1:111122223333:hong-bang' },
        { orgId: 'HB', email: 'vanphong@hongbang.example' },
      ]),
      'subs.json',
    );

    // Assess
    expect(filterPolicyOf(queue!)).toEqual({ orgPath: ['HB'] });
    expect(received(filterPolicyOf(queue!))).toEqual(['D-open-1', 'M41', 'D-open-0', 'TR-2', 'M7', 'D9']);
    expect(filterPolicyOf(email!)).toEqual({ kind: ['digest'], digestFor: ['HB'] });
    expect(received(filterPolicyOf(email!))).toEqual(['digest:HB']);
    // A cell's queue gets its own reminders only; the city's gets every reminder.
    expect(received({ orgPath: ['HB-P1-C1'] })).toEqual(['D-open-0']);
    expect(received({ orgPath: ['HP'] })).toHaveLength(DAY.length);
  });
});

describe('the subscriptions file', () => {
  it('reads e-mail, SQS and HTTPS entries; the digest goes to the orgs with an e-mail subscriber', () => {
    // Act
    const subs = parseReminderSubscriptions(
      JSON.stringify([
        { orgId: 'LC', email: 'a@lc.example' },
        { orgId: 'HB', email: 'b@hb.example' },
        { orgId: 'HB', email: 'c@hb.example' },
        { orgId: 'HP', https: 'https://hp.example/hooks/reminders' },
        { orgId: 'HP', sqsArn: 'arn:aws:sqs:ap-southeast-1:111122223333:hp' },
      ]),
      'subs.json',
    );

    // Assess
    expect(digestOrgsOf(subs)).toEqual(['HB', 'LC']);
    expect(filterPolicyOf(subs[3]!)).toEqual({ orgPath: ['HP'] });
  });

  it.each([
    ['not JSON', '[{', /subs\.json: not JSON/],
    ['not an array', '{"orgId":"HB","email":"a@b.example"}', /subs\.json: the file: /],
    ['a bad e-mail', '[{"orgId":"HB","email":"nobody"}]', /entry 0/],
    ['http, not https', '[{"orgId":"HB","https":"http://hb.example/hook"}]', /entry 0/],
    ['a FIFO queue', '[{"orgId":"HB","sqsArn":"arn:aws:sqs:ap-southeast-1:111122223333:hb.fifo"}]', /entry 0/],
    ['an id with a space', '[{"orgId":"H B","email":"a@b.example"}]', /entry 0/],
    ['an unknown field', '[{"orgId":"HB","email":"a@b.example","sms":"+84"}]', /entry 0/],
    [
      'the same subscription twice',
      '[{"orgId":"HB","email":"a@b.example"},{"orgId":"HB","email":"A@b.example"}]',
      /entry 1: repeats entry 0/,
    ],
    ['two endpoints in one entry', '[{"orgId":"HB","email":"a@b.example","https":"https://x.example"}]', /entry 0/],
  ])('refuses %s with a message naming the file and the entry', (_case, text, message) => {
    // Assess
    expect(() => parseReminderSubscriptions(text, 'subs.json')).toThrow(InvalidSubscriptionsError);
    expect(() => parseReminderSubscriptions(text, 'subs.json')).toThrow(message);
  });
});
