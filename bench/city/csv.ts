// The legacy export: the members on the rolls as the documented CSV, with, on request,
// four bad rows (a date that does not exist, an unknown cell, a duplicate member, a sex
// that is neither a contract value nor a Vietnamese one) and the reason the import must give for each.
import { MEMBER_CSV_COLUMNS } from '../../shared/use-cases/import-members/index.js';
import type { Member } from './people.js';
import { pad } from './random.js';
import { ROOT_ID } from './tree.js';

export interface CsvExport {
  csv: string;
  badRows: Array<{ line: number; reason: string }>;
}

/** The n-th bad row (1–4), made from the member `m` (and `victim`, whose id it repeats). */
function badRow(m: Member, victim: Member, nth: number): Member {
  const bad = { ...m, memberId: `DVX${pad(nth, 7)}`, profile: { ...m.profile } };
  if (nth === 1) bad.profile.birthDate = `${m.profile.birthDate.slice(0, 4)}-02-30`;
  if (nth === 2) bad.cellId = `${ROOT_ID}-99-G999`;
  if (nth === 3) bad.memberId = victim.memberId;
  if (nth === 4) (bad.profile as { sex: string }).sex = 'khác';
  return bad;
}

export function exportCsv(members: Member[], withBadRows: boolean): CsvExport {
  const n = members.length;
  const lines: string[] = [MEMBER_CSV_COLUMNS.join(',')];
  const badRows: CsvExport['badRows'] = [];
  const badAt = withBadRows
    ? new Map([
        [Math.floor(n * 0.2), 'schema'],
        [Math.floor(n * 0.45), 'missing-org'],
        [Math.floor(n * 0.7), 'member-exists'],
        [Math.floor(n * 0.9), 'schema'],
      ])
    : new Map<number, string>();
  members.forEach((m, i) => {
    const reason = badAt.get(i);
    if (reason) {
      lines.push(csvRow(badRow(m, members[Math.floor(i / 2)]!, badRows.length + 1)));
      badRows.push({ line: lines.length, reason });
    }
    lines.push(csvRow(m));
  });
  return { csv: `${lines.join('\n')}\n`, badRows };
}

/** One CSV line in the documented column order, quoted where needed. */
function csvRow(m: Member): string {
  const p = m.profile;
  const values: Record<(typeof MEMBER_CSV_COLUMNS)[number], string> = {
    memberId: m.memberId,
    cellId: m.cellId,
    status: m.status,
    admittedOn: m.admittedOn,
    recognizedOn: m.recognizedOn ?? '',
    fullName: p.fullName ?? '',
    sex: p.sex,
    birthDate: p.birthDate,
    ethnicity: p.ethnicity,
    religion: p.religion ?? '',
    education: p.education,
    qualification: '',
    occupation: p.occupation,
    youthUnion: String(p.youthUnion),
  };
  return MEMBER_CSV_COLUMNS.map((c) => quote(values[c])).join(',');
}

function quote(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
