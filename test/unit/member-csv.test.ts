// The legacy export's format: the file → records → member.imported envelopes, without AWS.
import { describe, expect, it } from 'vitest';
import {
  columnKey,
  headerNames,
  ImportFileError,
  MEMBER_CSV_ALIASES,
  MEMBER_CSV_COLUMNS,
  parseCsv,
  readHeader,
  readMemberCsv,
  rowEvent,
} from '../../shared/import/member-csv.js';
import { decodeUtf8, guessLegacyVietnamese } from '../../shared/import/text-encoding.js';

const HEADER = MEMBER_CSV_COLUMNS.join(',');
const ROW = [
  'M1',
  'C1',
  'official',
  '1995-05-19',
  '1996-05-19',
  'Nguyễn Văn An',
  'male',
  '1970-02-03',
  'Kinh',
  '',
  'university',
  '',
  'state-sector',
  'false',
];
const bytes = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

/** The file a row is read from: the documented columns, or the header given, named as written. */
function file(header: string[] = [...MEMBER_CSV_COLUMNS]) {
  const record = { line: 1, fields: header };
  return { fileHash: 'abc', columns: readHeader(record), header: headerNames(record) };
}

/** `text` as a regular expression that matches it literally. */
const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What `fn` throws, as an ImportFileError. */
function fileError(fn: () => unknown): ImportFileError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ImportFileError);
    return error as ImportFileError;
  }
  throw new Error('expected an ImportFileError');
}

describe('the member CSV', () => {
  it('reads `;` between fields when the header line uses it (Excel on a Vietnamese Windows)', () => {
    // Prepare
    const file = `${MEMBER_CSV_COLUMNS.join(';')}\r\n${ROW.join(';')}\r\n`;
    // Act
    const { columns, rows } = readMemberCsv(file);
    // Assess
    expect(columns).toEqual([...MEMBER_CSV_COLUMNS]);
    expect(rows).toEqual([{ line: 2, fields: ROW }]);
  });

  it('keeps `,` inside a `;` file and `;` inside a `,` file as text', () => {
    expect(parseCsv('a;b\n1,5;x\n').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1,5', 'x'],
    ]);
    expect(parseCsv('a,b\n1;5,x\n').map((r) => r.fields)).toEqual([
      ['a', 'b'],
      ['1;5', 'x'],
    ]);
  });

  it('quotes per RFC 4180: delimiters, doubled quotes and line breaks inside, each record named by its first line', () => {
    // Act
    const records = parseCsv('a,b\r\n"Trần, Thị ""Bình""",x\r\n"two\r\nlines",y\r\n\r\n,\r\nlast,z');
    // Assess
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['Trần, Thị "Bình"', 'x'] },
      { line: 3, fields: ['two\nlines', 'y'] },
      { line: 7, fields: ['last', 'z'] },
    ]);
  });

  it('reports a quote that is never closed with the line it opens on, instead of swallowing the rest of the file', () => {
    // Prepare: three rows; the second opens a quote and never closes it
    const file = [HEADER, ROW.join(','), ['M2', 'C1', 'official', '1995-05-19', '1996-05-19', '"Lê Văn'].join(','), ROW.join(',')].join(
      '\n',
    );
    // Act
    const error = fileError(() => readMemberCsv(file));
    // Assess
    expect(error.problem).toBe('quoting');
    expect(error.message).toMatch(/^line 3: a quote/);
    expect(error.message).not.toContain('Lê');
  });

  it('reports a stray quote inside a field by its line, without the value', () => {
    const error = fileError(() => parseCsv('a,b\n1,2\nNguyễn "Út",3\n'));
    expect(error.message).toMatch(/^line 3:/);
    expect(error.message).not.toContain('Út');
  });

  it('accepts a UTF-8 byte order mark and refuses bytes that are not UTF-8, naming the line', () => {
    // Prepare
    const good = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}\n${ROW.join(',')}\n`)]);
    const latin1 = Buffer.concat([Buffer.from(`${HEADER}\n${ROW.join(',')}\n`), Buffer.from('M2,C1,Jos\xe9\n', 'latin1')]);
    // Act
    const read = readMemberCsv(good);
    const error = fileError(() => readMemberCsv(latin1));
    // Assess
    expect(read.columns[0]).toBe('memberId');
    expect(read.rows[0]!.fields[5]).toBe('Nguyễn Văn An');
    expect(error.problem).toBe('encoding');
    expect(error.message).toMatch(/^line 3: the file is not UTF-8/);
    expect(() => decodeUtf8(Buffer.from([0xed, 0xa0, 0x80]))).toThrow(/not UTF-8/); // a surrogate, not a character
  });

  it('names TCVN3 (ABC) and VNI-Windows when the bytes look like them', () => {
    // Prepare: "Họ và tên,Ngày sinh\nNguyễn Văn Đức,..." in each code page
    const tcvn3 = bytes(
      'H',
      [0xe4],
      ' v',
      [0xb5],
      ' t',
      [0xaa],
      'n,Ng',
      [0xb5],
      'y sinh\nNguy',
      [0xd4],
      'n V',
      [0xb4] /* not used */,
      'n ',
      [0xa7],
      [0xf8],
      'c\n',
    );
    const vni = bytes(
      'Ho',
      [0xef],
      ' va',
      [0xf8],
      ' te',
      [0xe2],
      'n,Nga',
      [0xf8],
      'y sinh\nNguye',
      [0xe3],
      'n Va',
      [0xea],
      'n ',
      [0xd1],
      'u',
      [0xf9],
      'c\n',
    );
    const latin1 = bytes('name\nJos', [0xe9], ' M', [0xfc], 'ller, Fran', [0xe7], 'ois\n');
    // Act & Assess
    expect(guessLegacyVietnamese(tcvn3)).toBe('TCVN3');
    expect(guessLegacyVietnamese(vni)).toBe('VNI-Windows');
    expect(guessLegacyVietnamese(latin1)).toBeUndefined();
    expect(fileError(() => readMemberCsv(tcvn3)).message).toMatch(/TCVN3/);
    expect(fileError(() => readMemberCsv(vni)).message).toMatch(/VNI/);
  });

  it('takes the Vietnamese column names, in any case, NFC or NFD, with or without diacritics', () => {
    // Prepare
    const vietnamese = [
      'Số thẻ đảng viên',
      'Chi bộ',
      'Trạng thái',
      'Ngày vào Đảng',
      'Ngày chính thức',
      'HỌ VÀ TÊN',
      'Giới tính'.normalize('NFD'),
      'ngay sinh',
      'Dân tộc',
      'Tôn giáo',
      'Trình độ học vấn',
      'TRÌNH ĐỘ CHUYÊN MÔN',
      'Nghề nghiệp',
      ' Đoàn  viên ',
    ];
    // Act
    const columns = readHeader({ line: 1, fields: vietnamese });
    // Assess
    expect(columns).toEqual([...MEMBER_CSV_COLUMNS]);
    expect(
      readHeader({
        line: 1,
        fields: [
          'Mã đảng viên',
          'Mã chi bộ',
          'status',
          'Ngày kết nạp',
          'Ngày công nhận chính thức',
          'sex',
          'birthDate',
          'ethnicity',
          'Học vấn',
          'occupation',
          'youthUnion',
        ],
      }),
    ).toContain('admittedOn');
  });

  it('has one column per alias, however it is folded', () => {
    const keys = MEMBER_CSV_COLUMNS.flatMap((c) => [c, ...MEMBER_CSV_ALIASES[c]].map(columnKey));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('refuses an unknown, repeated or missing column by name', () => {
    expect(fileError(() => readHeader({ line: 1, fields: [...MEMBER_CSV_COLUMNS, 'Lương'] })).message).toMatch(/unknown column\(s\) Lương/);
    expect(fileError(() => readHeader({ line: 1, fields: [...MEMBER_CSV_COLUMNS, 'Họ và tên'] })).message).toMatch(/named twice: fullName/);
    expect(fileError(() => readHeader({ line: 1, fields: MEMBER_CSV_COLUMNS.filter((c) => c !== 'sex') })).message).toMatch(
      /missing column\(s\) sex/,
    );
    expect(fileError(() => readMemberCsv('')).problem).toBe('empty');
  });

  it('makes the member.imported envelope of a row, its id naming the file and the line', () => {
    // Act
    const row = rowEvent(file(), { line: 7, fields: ROW }, '2021-01-01T00:00:00Z');
    // Assess
    expect(row).toMatchObject({
      ok: true,
      event: {
        id: 'import:abc:7',
        type: 'member.imported',
        source: 'legacy-import',
        data: { memberId: 'M1', orgId: 'C1', profile: { religion: null, youthUnion: false } },
      },
    });
  });

  it('reads a row as a Vietnamese member database writes it', () => {
    // Prepare: the values of ROW in Vietnamese, dates day first, a ticked youth-union box
    const fields = ['M1', 'C1', 'Chính thức', '19/5/1995', '19/05/1996', 'Nguyễn Văn An', 'NỮ', '03/02/1970', 'Kinh', 'Không'].concat([
      '12/12',
      'Đại học'.normalize('NFD'),
      'Cán bộ, công chức, viên chức',
      'x',
    ]);
    // Act
    const row = rowEvent(file(), { line: 2, fields }, '2021-01-01T00:00:00Z');
    // Assess
    expect(row).toMatchObject({
      ok: true,
      event: {
        data: {
          status: 'official',
          admittedOn: '1995-05-19',
          recognizedOn: '1996-05-19',
          profile: {
            sex: 'female',
            birthDate: '1970-02-03',
            religion: null,
            education: 'university',
            occupation: 'state-sector',
            youthUnion: true,
          },
        },
      },
    });
  });

  it('refuses a value that is neither the contract’s nor a Vietnamese one, naming the column as the file does and never the value', () => {
    // Prepare: a Vietnamese header; each case spoils one cell of a good row
    const header = [
      'Số thẻ đảng viên',
      'Chi bộ',
      'Trạng thái',
      'Ngày vào Đảng',
      'Ngày chính thức',
      'Họ và tên',
      'Giới tính',
      'Ngày sinh',
      'Dân tộc',
      'Tôn giáo',
      'Trình độ học vấn',
      'Trình độ chuyên môn',
      'Nghề nghiệp',
      'Đoàn viên',
    ];
    const vi = file(header);
    const good = ['M1', 'C1', 'Dự bị', '19/05/2020', '', 'Lê Thị Bình', 'Nữ', '03/02/1990', 'Kinh', '', 'THPT', '', 'Nông dân', 'Có'];
    const cases: Array<[column: number, value: string, named: string]> = [
      [2, 'Đình chỉ sinh hoạt', 'Trạng thái (status)'],
      [3, '31/02/2020', 'Ngày vào Đảng (admittedOn)'],
      [3, '2020-02-30', 'Ngày vào Đảng (admittedOn)'],
      [3, '19.05.2020', 'Ngày vào Đảng (admittedOn)'],
      [3, '05/19/2020', 'Ngày vào Đảng (admittedOn)'],
      [6, 'Khác', 'Giới tính (sex)'],
      [7, '3/2/90', 'Ngày sinh (birthDate)'],
      [10, 'Tiểu học', 'Trình độ học vấn (education)'],
      [11, 'Trung cấp lý luận chính trị', 'Trình độ chuyên môn (qualification)'],
      [12, 'Thợ may', 'Nghề nghiệp (occupation)'],
      [13, 'Chưa', 'Đoàn viên (youthUnion)'],
    ];
    expect(rowEvent(vi, { line: 2, fields: good }, 'T')).toMatchObject({ ok: true });
    for (const [column, value, named] of cases) {
      // Act
      const fields = good.with(column, value);
      const row = rowEvent(vi, { line: 9, fields }, 'T');
      // Assess
      expect(row, value).toEqual({
        ok: false,
        column: named,
        message: expect.stringMatching(new RegExp(`^${literally(named)}: expected `)),
      });
      expect(JSON.stringify(row), value).not.toContain(value);
    }
  });

  it('takes the higher of the general and the professional education, and either alone', () => {
    // Prepare
    const at = (education: string, qualification: string) => {
      const fields = ROW.with(10, education).with(11, qualification);
      const row = rowEvent(file(), { line: 2, fields }, 'T');
      return row.ok ? (row.event.data.profile as { education?: string }).education : row.message;
    };
    // Assess
    expect(at('12/12', 'Thạc sỹ')).toBe('postgraduate');
    expect(at('Trung học phổ thông', 'Không')).toBe('upper-secondary');
    expect(at('9/12', 'Trung cấp nghề')).toBe('vocational');
    expect(at('', 'Cao đẳng')).toBe('college');
    expect(at('university', '')).toBe('university');
    expect(at('Đại học', 'Trung cấp')).toBe('university');
    expect(at('', '')).toBeUndefined(); // the event's schema says it is required
  });

  it('leaves a column STT (the row number of nearly every Vietnamese export) aside', () => {
    // Prepare
    const text = `STT;${MEMBER_CSV_COLUMNS.join(';')}\n1;${ROW.join(';')}\n`;
    // Act
    const read = readMemberCsv(text);
    const row = rowEvent(read, read.rows[0]!, 'T');
    // Assess
    expect(read.columns[0]).toBeNull();
    expect(row).toMatchObject({ ok: true, event: { data: { memberId: 'M1', orgId: 'C1' } } });
  });

  it('needs education or qualification in the header, not both', () => {
    const without = (...names: string[]) => MEMBER_CSV_COLUMNS.filter((c) => !names.includes(c));
    expect(readHeader({ line: 1, fields: without('qualification') })).toContain('education');
    expect(readHeader({ line: 1, fields: without('education') })).toContain('qualification');
    expect(fileError(() => readHeader({ line: 1, fields: without('education', 'qualification') })).message).toMatch(
      /missing column\(s\) education \(or qualification\)/,
    );
  });
});
