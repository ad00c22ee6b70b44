// Test helper: rows of a legacy member export in the documented column order.
import { MEMBER_CSV_COLUMNS } from '../../shared/use-cases/import-members.js';

export type CsvOverrides = Partial<Record<(typeof MEMBER_CSV_COLUMNS)[number], string>>;

/** The header row naming every column. */
export const CSV_HEADER = MEMBER_CSV_COLUMNS.join(',');

/** One valid row (an official member of `cellId`); `over` replaces fields by column name. */
export function csvRow(memberId: string, cellId: string, over: CsvOverrides = {}): string {
  const fields: Record<string, string> = {
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
    qualification: '',
    occupation: 'state-sector',
    youthUnion: 'false',
    ...over,
  };
  return MEMBER_CSV_COLUMNS.map((c) => fields[c]).join(',');
}
