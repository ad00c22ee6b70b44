// `dangvien report`'s options (docs/cli.md): what is bad usage (exit 2) before any stack is asked.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.js';
import { parseReportRequest } from '../../cli/report.js';

describe('dangvien report options', () => {
  it('refuses to write an Excel file to a terminal, and writes it to --out or a pipe', () => {
    expect(() => parseReportRequest(['HP'], { format: 'xlsx' }, true)).toThrow(/--out FILE, or redirect stdout/);
    expect(parseReportRequest(['HP'], { format: 'xlsx', out: 'hp.xlsx' }, true)).toMatchObject({ format: 'xlsx', out: 'hp.xlsx' });
    expect(parseReportRequest(['HP'], { format: 'xlsx' }, false)).toMatchObject({ format: 'xlsx', out: undefined });
    // CSV and JSON are text: a terminal shows them
    expect(parseReportRequest(['HP'], { format: 'csv', lang: 'vi' }, true)).toMatchObject({ format: 'csv', lang: 'vi' });
  });

  it.each([
    [{ format: 'XLSX' }, '--format must be json, csv, xlsx or text'],
    [{ format: '' }, '--format must be json, csv, xlsx or text'],
    [{ format: 'csv', lang: 'VI' }, '--lang must be vi'],
    [{ lang: 'vi' }, 'the JSON keeps its English keys'],
    [{ format: 'json', lang: 'vi' }, 'the JSON keeps its English keys'],
    [{ out: '' }, '--out needs a file name'],
    [{ year: '20x1' }, '--year must be a year'],
    [{ date: '2021-02-30' }, '--date 2021-02-30: not a calendar date'],
    [{ date: '30/12/2021' }, '--date 30/12/2021: dates are YYYY-MM-DD: did you mean 2021-12-30?'],
  ])('%j is bad usage', (values, message) => {
    expect(() => parseReportRequest(['HP'], values, false)).toThrow(UsageError);
    expect(() => parseReportRequest(['HP'], values, false)).toThrow(message);
  });

  it('takes exactly one org', () => {
    expect(() => parseReportRequest([], {}, false)).toThrow(/usage: dangvien report ORG/);
    expect(() => parseReportRequest(['HP', 'HB'], {}, false)).toThrow(UsageError);
    expect(parseReportRequest(['HP'], {}, false)).toEqual({
      orgId: 'HP',
      year: undefined,
      date: undefined,
      format: 'json',
      lang: undefined,
      out: undefined,
    });
  });
});
