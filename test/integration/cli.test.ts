// `dangvien` as an operator runs it: JSON on stdout, exit 0 / 1 / 2 / 3 (docs/cli.md).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { lastCompletedRun } from '../../shared/data/run-status.js';
import { addDays, todayInVietnam } from '../../shared/domain/dates.js';
import { registerOrg, validEvent } from '../helpers/events.js';
import { CSV_HEADER, csvRow } from '../helpers/member-csv.js';
import { dangvienAt } from '../helpers/cli.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

describe('the dangvien CLI against a local stack', () => {
  let stack: TestStack;
  let data: string;
  const dangvien = dangvienAt(() => data);

  beforeAll(async () => {
    // Prepare: a stack and the endpoints file `npm start` would leave in its data directory
    stack = await startTestStack();
    data = mkdtempSync(join(tmpdir(), 'dangvien-cli-'));
    writeFileSync(join(data, ENDPOINTS_FILE), JSON.stringify({ ...inject('emulators'), apiUrl: '', env: stack.env, pid: process.pid }));
    await stack.send([registerOrg('HP', null, 'province'), registerOrg('C1', 'HP', 'grassroots-cell')]);
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  it('answers --version with the package version and --help with the commands, exit 0, without a stack', async () => {
    // Act
    const version = await dangvien('--version');
    const help = await dangvien('--help');
    // Assess
    expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n` });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('send [options] <file>');
  });

  it('sends a file and waits: accepted, duplicates and rejected, a bad line named by its number', async () => {
    // Prepare
    const admitted = validEvent('member.admitted', { data: { memberId: 'CLI1', orgId: 'C1' } });
    const recognized = validEvent('member.recognized', { data: { memberId: 'CLI1', recognizedOn: '2022-03-10' } });
    const file = join(data, 'events.ndjson');
    writeFileSync(file, [JSON.stringify(admitted), 'not json', JSON.stringify(recognized), JSON.stringify(recognized)].join('\n'));
    // Act
    const first = await dangvien('send', file, '--wait');
    const again = await dangvien('send', file, '--wait');
    // Assess
    expect(first.code).toBe(0);
    // Every line counts exactly once (docs/cli.md): the repeated line is a duplicate.
    expect(JSON.parse(first.stdout)).toMatchObject({ sent: 4, accepted: 2, duplicates: 1, rejected: 1 });
    expect(first.stderr).toContain('line 2');
    expect(JSON.parse(again.stdout)).toMatchObject({ sent: 4, accepted: 0, duplicates: 3, rejected: 1 });
  });

  it('prints the report of an org and exits 2 for an org that is not registered', async () => {
    // Prepare
    await stack.settle();
    // Act
    const report = await dangvien('report', 'HP', '--date', '2021-12-31');
    const unknown = await dangvien('report', 'NOPE');
    const badDate = await dangvien('report', 'HP', '--date', '2021-02-30');
    // Assess
    expect(report.code).toBe(0);
    // Recognized on 2022-03-10: on 2021-12-31 the member is still probationary (docs/report.md, as of a date).
    expect(JSON.parse(report.stdout)).toMatchObject({ orgId: 'HP', year: 2021, members: { total: 1, official: 0, probationary: 1 } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('NOPE');
    expect(badDate.code).toBe(2);
  });

  it('lists rejected events without their bodies, and checks the figures against a recount', async () => {
    // Act
    const list = await dangvien('rejected', 'list');
    const check = await dangvien('recompute', '--check');
    // Assess
    const { rejected } = JSON.parse(list.stdout) as { rejected: Array<Record<string, unknown>> };
    // The bad line of each of the two sends, stored per message.
    expect(rejected.map((r) => r.reason)).toEqual(['not-json', 'not-json']);
    expect(rejected.every((r) => !('body' in r))).toBe(true);
    expect(check.code).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ differences: 0 });
  });

  it('imports a CSV: a summary on stdout, the bad rows by line and the progress on stderr, the figures after it', async () => {
    // Prepare: two members of C1 and a row for a cell that does not exist
    const header = CSV_HEADER;
    const line = (memberId: string, cellId: string) =>
      csvRow(memberId, cellId, { fullName: 'Phạm Thị Hoa', sex: 'female', birthDate: '1975-01-02' });
    const file = join(data, 'members.csv');
    writeFileSync(file, [header, line('IMP1', 'C1'), line('IMP2', 'NOPE'), line('IMP3', 'C1')].join('\n'));
    const before = JSON.parse((await dangvien('report', 'HP', '--date', '2021-12-31')).stdout);
    // Act
    const imported = await dangvien('import', file);
    await stack.settle();
    const report = await dangvien('report', 'HP', '--date', '2021-12-31');
    const missing = await dangvien('import', join(data, 'nope.csv'));
    // Assess
    expect(imported.code).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ rows: 3, imported: 2, skipped: 0, badRows: [{ line: 3, reason: 'missing-org' }] });
    expect(imported.stderr).toMatch(/line 3: missing-org/);
    expect(imported.stderr).toMatch(/100% 3\/3 rows/);
    expect(imported.stderr).not.toContain('Phạm');
    expect(JSON.parse(report.stdout).members.female).toBe(before.members.female + 2);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.csv');
  });

  it('checks a `;` file with Vietnamese columns in a dry run, writes nothing, and refuses a file that is not UTF-8', async () => {
    // Prepare: Excel's Vietnamese export (`;`, a byte order mark); then the same header in TCVN3
    const header =
      'Số thẻ đảng viên;Chi bộ;Trạng thái;Ngày vào Đảng;Ngày chính thức;Họ và tên;Giới tính;Ngày sinh;Dân tộc;Tôn giáo;Trình độ học vấn;Nghề nghiệp;Đoàn viên';
    const row = csvRow('DRY1', 'C1', { fullName: 'Phạm Thị Hoa', sex: 'female', birthDate: '1975-01-02' }).replaceAll(',', ';');
    const file = join(data, 'dry.csv');
    writeFileSync(file, `\uFEFF${header}\r\n${row}\r\n`);
    const legacy = join(data, 'tcvn3.csv');
    writeFileSync(
      legacy,
      Buffer.from([
        ...Buffer.from('H'),
        0xe4,
        ...Buffer.from(' v'),
        0xb5,
        ...Buffer.from(' t'),
        0xaa,
        ...Buffer.from('n;Ng'),
        0xb5,
        ...Buffer.from('y sinh\n'),
      ]),
    );
    const before = JSON.parse((await dangvien('report', 'HP', '--date', '2021-12-31')).stdout);
    // Act
    const dry = await dangvien('import', file, '--dry-run');
    await stack.settle();
    const after = JSON.parse((await dangvien('report', 'HP', '--date', '2021-12-31')).stdout);
    const notUtf8 = await dangvien('import', legacy);
    // Assess
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ rows: 1, wouldImport: 1, skipped: 0, badRows: [] });
    expect(after.members).toEqual(before.members);
    expect(notUtf8.code).toBe(2);
    expect(notUtf8.stderr).toMatch(/line 1: the file is not UTF-8; it looks like TCVN3/);
  });
  it('counts lines with an invalid id as rejected and refuses a line over 256 KiB by its number, without waiting out the timeout', async () => {
    // Prepare: ten envelopes whose ids the ingest cannot use, one line too long, one good event
    const file = join(data, 'bad-ids.ndjson');
    const badIds = Array.from({ length: 10 }, (_, i) => JSON.stringify({ ...validEvent('member.exempted'), id: `bad id ${i}` }));
    const huge = JSON.stringify({ ...validEvent('org.renamed'), pad: 'x'.repeat(300 * 1024) });
    writeFileSync(file, [...badIds, huge, JSON.stringify(registerOrg('C9', 'HP', 'grassroots-cell'))].join('\n'));
    // Act: send's own wait (300 s) outlasts the test's hang guard, so waiting it out fails the test
    const result = await dangvien('send', file, '--wait');
    // Assess
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: 11, accepted: 1, duplicates: 0, rejected: 11 });
    expect(result.stderr).toContain('line 11: longer than 256 KiB');
  });

  it('sends a file of large lines, more than 1 MiB per ten, and counts each of them', async () => {
    // Prepare: six lines of about 200 KiB each (under the 256 KiB limit; the ingest rejects the unknown field)
    const file = join(data, 'large-lines.ndjson');
    const lines = Array.from({ length: 6 }, (_, i) =>
      JSON.stringify({ ...validEvent('org.renamed'), id: `large-${i}`, pad: 'x'.repeat(200 * 1024) }),
    );
    writeFileSync(file, lines.join('\n'));
    // Act
    const result = await dangvien('send', file, '--wait');
    // Assess
    expect(result.stderr).not.toMatch(/BatchRequestTooLong|refused/);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: 6, accepted: 0, rejected: 6 });
  });

  it('counts a rejected line sent again at once as rejected again, without waiting out the timeout', async () => {
    // Prepare: a line the ingest rejects (an unknown field), sent and rejected once
    const file = join(data, 'resent.ndjson');
    writeFileSync(file, JSON.stringify({ ...validEvent('org.renamed'), id: 'resent-1', unknownField: true }));
    const first = await dangvien('send', file, '--wait');
    // Act: the same bytes again, well within SQS's five-minute deduplication window (waiting out
    // send's 300 s would outlast the test's hang guard)
    const again = await dangvien('send', file, '--wait');
    // Assess
    expect(JSON.parse(first.stdout)).toEqual({ sent: 1, accepted: 0, duplicates: 0, rejected: 1 });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ sent: 1, accepted: 0, duplicates: 0, rejected: 1 });
  });

  it('applies a file holding a tree and its members, and a dossier whose steps do not name the person, in one send', async () => {
    // Prepare: members listed before nothing waits for them, steps and closing without personId
    const file = join(data, 'tree.ndjson');
    const lines = [
      registerOrg('T-Q', 'HP', 'upper-grassroots'),
      registerOrg('T-C', 'T-Q', 'grassroots-cell'),
      ...Array.from({ length: 12 }, (_, i) => validEvent('member.imported', { data: { memberId: `T-M${i}`, orgId: 'T-C' } })),
      validEvent('dossier.received', { data: { dossierId: 'T-D', personId: 'T-P', orgId: 'T-C' } }),
      validEvent('dossier.stepCompleted', { data: { dossierId: 'T-D', step: 'processing', on: '2021-01-11' } }),
      validEvent('dossier.stepCompleted', { data: { dossierId: 'T-D', step: 'reported', on: '2021-01-20' } }),
      validEvent('member.admitted', { data: { memberId: 'T-P', orgId: 'T-C', dossierId: 'T-D' } }),
    ];
    writeFileSync(file, lines.map((e) => JSON.stringify(e)).join('\n'));
    // Act
    const result = await dangvien('send', file, '--wait');
    // Assess: everything applied, nothing rejected for order, nothing left waiting
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ sent: lines.length, accepted: lines.length, duplicates: 0, rejected: 0 });
  });

  it('stores the same id with another body as a conflict instead of letting SQS drop it', async () => {
    // Prepare
    const first = registerOrg('K1', 'HP', 'grassroots-cell');
    const other = { ...first, data: { ...first.data, name: 'Another name' } };
    const file1 = join(data, 'k1.ndjson');
    const file2 = join(data, 'k2.ndjson');
    writeFileSync(file1, JSON.stringify(first));
    writeFileSync(file2, JSON.stringify(other));
    // Act
    await dangvien('send', file1, '--wait');
    const second = await dangvien('send', file2, '--wait');
    // Assess
    expect(JSON.parse(second.stdout)).toMatchObject({ sent: 1, rejected: 1 });
    const listed = JSON.parse((await dangvien('rejected', 'list')).stdout) as { rejected: Array<{ eventId?: string; reason: string }> };
    expect(listed.rejected).toContainEqual(expect.objectContaining({ eventId: first.id, reason: 'conflict' }));
  });
  it('counts a repeated (source, id) with another body in one file as a conflict: not sent, rejected', async () => {
    // Prepare: the same key twice with two names, and once more with the first body
    const first = registerOrg('K2', 'HP', 'grassroots-cell');
    const other = { ...first, data: { ...first.data, name: 'Another name' } };
    const file = join(data, 'k2-twice.ndjson');
    writeFileSync(file, [first, other, first].map((e) => JSON.stringify(e)).join('\n'));
    // Act
    const result = await dangvien('send', file, '--wait', '--timeout', '50');
    // Assess: every line once: the first applied, the other body a conflict, the repeat a duplicate
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ sent: 2, accepted: 1, duplicates: 1, rejected: 1 });
    expect(result.stderr).toContain(`line 2: conflict: csdl-dang-vien/${first.id} is on line 1 with another body`);
    const report = JSON.parse((await dangvien('report', 'K2')).stdout) as { name: string };
    expect(report.name).toBe(first.data.name);
  });

  it('runs remind for a date after today as a dry run: it prints what it would send, sends and records nothing; --force sends', async () => {
    // Prepare: a dossier received today, due soon fifty days from now
    const today = todayInVietnam(new Date());
    const later = addDays(today, 50);
    const file = join(data, 'dossier-today.ndjson');
    const dossier = validEvent('dossier.received', { data: { dossierId: 'REM-D1', personId: 'REM-P1', orgId: 'C1', receivedOn: today } });
    writeFileSync(file, JSON.stringify(dossier));
    expect((await dangvien('send', file, '--wait', '--timeout', '50')).code).toBe(0);
    const runBefore = await lastCompletedRun(stack.stores.runStatus, 'reminders');
    const isOurs = (line: string) => (JSON.parse(line) as { subjectId: string }).subjectId === 'REM-D1';
    const ours = (out: string) => out.split('\n').filter(Boolean).filter(isOurs);
    // Act
    const dry = await dangvien('remind', '--date', later);
    const dryAgain = await dangvien('remind', '--date', later);
    const runAfterDry = await lastCompletedRun(stack.stores.runStatus, 'reminders');
    const forced = await dangvien('remind', '--date', later, '--force');
    const forcedAgain = await dangvien('remind', '--date', later, '--force');
    // Assess: the dry runs print the same reminder, since nothing was recorded
    expect(dry.code).toBe(0);
    expect(ours(dry.stdout)).toHaveLength(1);
    expect(ours(dryAgain.stdout)).toEqual(ours(dry.stdout));
    expect(dry.stderr).toContain(`${later} is after today (${today} in Vietnam): a dry run`);
    expect(runAfterDry).toEqual(runBefore);
    expect(ours(forced.stdout)).toEqual(ours(dry.stdout));
    expect(ours(forcedAgain.stdout)).toEqual([]);
    expect((await lastCompletedRun(stack.stores.runStatus, 'reminders'))?.date).toBe(later);
  });

  it('redrives a rejected event by sending it first: rejected again, it is still listed, never lost', async () => {
    // Prepare: the conflict of the test above, whose cause no redrive can fix
    const before = JSON.parse((await dangvien('rejected', 'list')).stdout) as {
      rejected: Array<{ id: string; reason: string; rejectedAt: string }>;
    };
    const conflict = before.rejected.find((r) => r.reason === 'conflict')!;
    // Act
    const redrive = await dangvien('rejected', 'redrive', conflict.id);
    await stack.settle();
    // Assess
    expect(JSON.parse(redrive.stdout)).toMatchObject({ redriven: [conflict.id], unknown: [], failed: [] });
    const after = JSON.parse((await dangvien('rejected', 'list')).stdout) as {
      rejected: Array<{ id: string; reason: string; rejectedAt: string }>;
    };
    const again = after.rejected.find((r) => r.id === conflict.id);
    expect(again?.reason).toBe('conflict');
    expect(again!.rejectedAt > conflict.rejectedAt).toBe(true);
  });
  it('checks an import in a dry run with a bad row: exit 1, "would import" in its words, nothing written', async () => {
    // Prepare: one good row and one for a cell that does not exist
    const file = join(data, 'dry-bad.csv');
    const row = (memberId: string, cellId: string) => csvRow(memberId, cellId, { sex: 'female', birthDate: '1980-05-06' });
    writeFileSync(file, [CSV_HEADER, row('DRYBAD1', 'C1'), row('DRYBAD2', 'NOPE')].join('\n'));
    const before = JSON.parse((await dangvien('report', 'HP', '--date', '2021-12-31')).stdout);
    // Act
    const dry = await dangvien('import', file, '--dry-run');
    await stack.settle();
    const after = JSON.parse((await dangvien('report', 'HP', '--date', '2021-12-31')).stdout);
    // Assess
    expect(dry.code).toBe(1);
    expect(JSON.parse(dry.stdout)).toMatchObject({ rows: 2, wouldImport: 1, badRows: [{ line: 3, reason: 'missing-org' }] });
    expect(dry.stderr).toMatch(/would import 1, 0 already there, 1 bad/);
    expect(dry.stderr).toMatch(/line 3: missing-org: .*; would be skipped/);
    expect(dry.stderr).not.toMatch(/\d+ imported/);
    expect(after.members).toEqual(before.members);
  });

  it('says on stderr that nothing is held about an id, and still answers with the empty lists', async () => {
    // Act
    const shown = await dangvien('person', 'show', 'NOBODY-HERE');
    // Assess
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({ personId: 'NOBODY-HERE', linkedIds: [], records: [], auditTrail: [], rejected: [] });
    expect(shown.stderr).toContain('nothing is held about NOBODY-HERE');
  });

  it('ends a report quietly, exit 0, when its reader has closed the pipe', async () => {
    // Act: the reader closes its end before the report is written
    const child = spawn(process.execPath, ['bin/dangvien.js', 'report', 'HP', '--date', '2021-12-31', '--data', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    // Assess
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });

  it('lists in a dry run what a recompute would replace and writes nothing; with --yes it repairs', async () => {
    // Prepare: HP's subtree figures changed behind the stack's back
    await stack.settle();
    const [stored] = await stack.stores.figures.queryMonths('HP', 'subtree');
    const day = Object.keys(stored!.changes)[0]!;
    const wrong = structuredClone(stored!.changes);
    wrong[day]!['members.total'] = (wrong[day]!['members.total'] ?? 0) + 5;
    expect(await stack.stores.figures.writeMonth({ ...stored!, changes: wrong }, stored!.version)).toBe(true);
    // Act
    const dryRun = await dangvien('recompute', '--dry-run');
    const checkAfterDryRun = await dangvien('recompute', '--check');
    const refused = await dangvien('recompute');
    const repaired = await dangvien('recompute', '--yes');
    const checkAfterRepair = await dangvien('recompute', '--check');
    // Assess: the dry run names the difference (exit 0) and leaves it for --check to find
    expect(dryRun.code).toBe(0);
    expect(JSON.parse(dryRun.stdout)).toMatchObject({ differences: 1, details: [{ orgId: 'HP', kind: 'subtree' }] });
    expect(checkAfterDryRun.code).toBe(1);
    expect(JSON.parse(checkAfterDryRun.stdout).details).toEqual(JSON.parse(dryRun.stdout).details);
    expect(refused).toMatchObject({ code: 2, stdout: '' });
    expect(repaired.code).toBe(0);
    expect(JSON.parse(repaired.stdout)).toMatchObject({ differences: 1 });
    expect(checkAfterRepair.code).toBe(0);
  });

  it('refuses a writing recompute while an event is on the ingest queue, and writes nothing', async () => {
    // Prepare: a wrong figure to repair, and an event that waits for a member never admitted
    await stack.settle();
    const [stored] = await stack.stores.figures.queryMonths('HP', 'subtree');
    const day = Object.keys(stored!.changes)[0]!;
    const wrong = structuredClone(stored!.changes);
    wrong[day]!['members.total'] = (wrong[day]!['members.total'] ?? 0) + 7;
    expect(await stack.stores.figures.writeMonth({ ...stored!, changes: wrong }, stored!.version)).toBe(true);
    await stack.send([validEvent('member.recognized', { data: { memberId: 'NEVER-ADMITTED', recognizedOn: '2022-03-10' } })]);
    // Act
    const refused = await dangvien('recompute', '--yes');
    const check = await dangvien('recompute', '--check');
    // Assess: exit 1 saying why and what to wait for; the wrong figure is still there
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(/not while events flow \(1 message\(s\) on the ingest queue\)/);
    expect(refused.stderr).toContain('--check and --dry-run are safe at any time');
    expect(JSON.parse(check.stdout)).toMatchObject({ differences: 1, details: [{ orgId: 'HP', kind: 'subtree' }] });
  });
});
