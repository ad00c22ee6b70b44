// The docs' tables that restate the code, read back and compared with it: the `--lang vi`
// headers and level names (docs/report.md), the reminder kinds in words and the digest
// example (docs/reminders.md), the import's column names and values (docs/import.md). A
// label reworded, a value added or a name dropped in the code fails here until its page
// says the same, so that a reader never meets words the program does not use.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { composeDigest, REMINDER_KIND_LABELS } from '../../shared/domain/digest.js';
import { OrgTree } from '../../shared/domain/figures/tree.js';
import type { OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import type { Reminder, ReminderKind } from '../../shared/domain/reminders.js';
import { ORG_LEVEL_NAMES } from '../../shared/domain/vietnamese.js';
import { MEMBER_CSV_ALIASES } from '../../shared/import/member-csv.js';
import {
  EDUCATION_NAMES,
  NO_QUALIFICATION_NAMES,
  NO_RELIGION_NAMES,
  OCCUPATION_NAMES,
  SEX_NAMES,
  STATUS_NAMES,
  YES_NO_NAMES,
} from '../../shared/import/member-values.js';
import { LABELS_VI } from '../../shared/report/labels-vi.js';

/** The body rows of the Markdown table whose header row has exactly `header`'s cells, as trimmed cells. */
function tableOf(page: string, header: readonly string[]): string[][] {
  const lines = readFileSync(page, 'utf8').split('\n');
  const cells = (line: string) =>
    line
      .trim()
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|'));
  const start = lines.findIndex((l) => l.startsWith('|') && JSON.stringify(cells(l)) === JSON.stringify(header));
  if (start < 0) throw new Error(`${page} has no table headed ${header.join(' | ')}`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}

/** `` `x` `` → `x`. */
const unquote = (cell: string) => cell.replace(/^`(.*)`$/, '$1');

describe('docs/report.md', () => {
  it('lists the --lang vi header of every column exactly as labels-vi.ts has it, in its order', () => {
    // Act
    const documented = tableOf('docs/report.md', ['column', '`--lang vi` header']).map(([column, label]) => [unquote(column!), label]);
    // Assess
    expect(documented).toEqual(Object.entries(LABELS_VI));
  });

  it('names every level as the exports write it with --lang vi', () => {
    // Act
    const documented = tableOf('docs/report.md', ['`level`', 'with `--lang vi`']).map(([level, name]) => [unquote(level!), name]);
    // Assess
    expect(documented).toEqual(Object.entries(ORG_LEVEL_NAMES));
  });
});

const org = (orgId: string, parentId: string | null, name: string, level: OrgLevel): OrgRecord => ({
  orgId,
  parentId,
  name,
  level,
  status: 'active',
  targets: {},
  version: 1,
});

/** The tree and the day the page's digest example is about. */
const EXAMPLE_TREE = new OrgTree([
  org('HP', null, 'Đảng bộ thành phố Hải Phòng', 'province'),
  org('HB', 'HP', 'Đảng bộ phường Hồng Bàng', 'upper-grassroots'),
  org('HB-CB1', 'HB', 'Chi bộ Tổ dân phố số 1', 'grassroots-cell'),
  org('HB-THPT', 'HB', 'Đảng bộ Trường Trung học phổ thông Hồng Bàng', 'grassroots-committee'),
  org('HB-THPT-GV', 'HB-THPT', 'Chi bộ Giáo viên', 'cell'),
]);
const reminder = (kind: ReminderKind, orgId: string, subjectId: string, dueOn: string, daysLeft: number, threshold: number | null = null) =>
  ({ kind, orgId, subjectId, dueOn, daysLeft, threshold, remindOn: '2026-11-23' }) satisfies Reminder;
const EXAMPLE_DAY: Reminder[] = [
  reminder('dossier.dueSoon', 'HB-THPT-GV', 'D-open-1', '2026-12-03', 10, 15),
  reminder('probation.ending', 'HB-THPT-GV', 'M41', '2026-12-13', 20),
  reminder('dossier.overdue', 'HB-CB1', 'D-open-0', '2026-11-18', -5),
  reminder('transfer.late', 'HB-THPT-GV', 'TR-2', '2026-11-13', -10),
];

describe('docs/reminders.md', () => {
  const page = readFileSync('docs/reminders.md', 'utf8');

  it('gives each reminder kind in the words of the digest', () => {
    // Act
    const documented = tableOf('docs/reminders.md', ['`kind`', 'Vietnamese (as the digest says it)', 'subject', 'sent']).map(
      ([kind, words]) => [unquote(kind!), words],
    );
    // Assess
    expect(documented).toEqual(Object.entries(REMINDER_KIND_LABELS));
  });

  it("shows the digest exactly as the composer writes it for the example's tree and reminders", () => {
    // Prepare: the example block and its subject line, under "## The digest"
    const section = page.slice(page.indexOf('## The digest'));
    const text = /```\n(Nhắc việc ngày[\s\S]*?)\n```/.exec(section)?.[1];
    const subject = /\(subject: `([^`]*)`\)/.exec(section)?.[1];
    // Act
    const digest = composeDigest({ digestFor: 'HB', date: '2026-11-23', reminders: EXAMPLE_DAY, tree: EXAMPLE_TREE });
    // Assess
    expect(text).toBe(digest?.text);
    expect(subject).toBe(digest?.subject);
  });
});

/** A cell of names: `;` between them when one holds a comma (`Học sinh, sinh viên`), else `,`; "an empty cell" is ''. */
function namesIn(cell: string): string[] {
  return cell
    .split(cell.includes(';') ? ';' : ',')
    .map((n) => n.trim())
    .map((n) => (n === 'an empty cell' ? '' : n))
    .sort();
}

/** Which rows of the import values table restate which table of member-values.ts; `none` is the value column's word for null. */
const VALUE_TABLES: ReadonlyArray<{ column: string; table: Readonly<Record<string, readonly string[]>> }> = [
  { column: '`status`', table: STATUS_NAMES },
  { column: '`sex`', table: SEX_NAMES },
  { column: '`youthUnion`', table: YES_NO_NAMES },
  { column: '`religion`', table: { none: NO_RELIGION_NAMES } },
  { column: '`education`, `qualification`', table: EDUCATION_NAMES },
  { column: '`qualification`', table: { none: NO_QUALIFICATION_NAMES } },
  { column: '`occupation`', table: OCCUPATION_NAMES },
];

describe('docs/import.md', () => {
  it("names each column's Vietnamese headers as member-csv.ts accepts them", () => {
    // Act
    const documented = tableOf('docs/import.md', ['column', 'Vietnamese names accepted', 'value']).map(([column, names]) => [
      unquote(column!),
      namesIn(names!),
    ]);
    // Assess
    expect(documented).toEqual(Object.entries(MEMBER_CSV_ALIASES).map(([column, names]) => [column, [...names].sort()]));
  });

  // Prepare: the values table, each continuation row with the column of the row above
  const rows = tableOf('docs/import.md', ['column', 'value', 'also accepted']);
  rows.forEach((row, i) => {
    if (row[0] === '' && i > 0) row[0] = rows[i - 1]![0]!;
  });

  it.each(VALUE_TABLES)('lists every value of $column with every name member-values.ts reads as it, and no other', ({ column, table }) => {
    // Act: value → names, as documented (rows whose value is prose, like "the religion", say what is not a table)
    const documented = Object.fromEntries(
      rows
        .filter(([c, value]) => c === column && (value === 'none' || /^`[^`]+`$/.test(value!)))
        .map(([, value, names]) => [unquote(value!), namesIn(names!)]),
    );
    // Assess
    expect(documented).toEqual(Object.fromEntries(Object.entries(table).map(([value, names]) => [value, [...names].sort()])));
  });
});

describe('the code cites the docs users can read', () => {
  it('no source, test or script names a contract outside the repository', () => {
    // Prepare: every tracked file a reader of the code opens (generated folders aside).
    const tracked = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' })
      .split('\0')
      .filter((f) => /\.(ts|mts|mjs|js|json|java)$/.test(f) && !f.startsWith('schemas/') && f !== 'package-lock.json');
    // Act
    const citing = tracked.filter((f) => /CONTRACT\s*§/.test(readFileSync(f, 'utf8')));
    // Assess: rules are cited by their page under docs/ (docs/README.md lists them).
    expect(citing).toEqual([]);
  });
});
