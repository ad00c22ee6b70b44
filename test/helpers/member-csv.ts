// Test helper: rows of a legacy member export in the documented column order.
import { MEMBER_CSV_COLUMNS } from '../../shared/use-cases/import-members/index.js';

type Column = (typeof MEMBER_CSV_COLUMNS)[number];

export type CsvOverrides = Partial<Record<Column, string>>;

/**
 * The columns these rows have: every documented one but `qualification`, which an export
 * has only when it keeps professional education apart (test/unit/member-csv has it).
 */
const COLUMNS = MEMBER_CSV_COLUMNS.filter((c) => c !== 'qualification');

/** The header row naming those columns. */
export const CSV_HEADER = COLUMNS.join(',');

/** One valid row (an official member of `cellId`); `over` replaces fields by column name. */
export function csvRow(memberId: string, cellId: string, over: CsvOverrides = {}): string {
  const fields: Partial<Record<Column, string>> = {
    memberId,
    cellId,
    status: 'official',
    admittedOn: '1995-05-19',
    recognizedOn: '1996-05-19',
    fullName: 'Nguyễn Văn An',
    sex: 'male',
    birthDate: '1970-02-03',
    ethnicity: 'Kinh',
    religion: '',
    education: 'university',
    occupation: 'state-sector',
    youthUnion: 'false',
    ...over,
  };
  return COLUMNS.map((c) => fields[c]).join(',');
}
