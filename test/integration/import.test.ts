// The bulk import on the emulators: a legacy CSV → member items + markers → stream → figures.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../shared/use-cases/build-report/index.js';
import { checkImport, ImportFileError, importMembers, type ImportOptions } from '../../shared/use-cases/import-members/index.js';
import { erasePerson, showPerson } from '../../shared/use-cases/person-data/index.js';
import { recomputeFigures } from '../../shared/use-cases/recompute-figures/index.js';
import { baseOrgs, validEvent } from '../helpers/events.js';
import { CSV_HEADER, csvRow } from '../helpers/member-csv.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';
import { beforeCall, importStoreWith } from '../helpers/store-decorators.js';

const HEADER = CSV_HEADER;
const row = csvRow;

const csv = (...lines: string[]) => `${[HEADER, ...lines].join('\r\n')}\r\n`;

/** Members M<from>…M<to-1>, alternating between the two cells. */
const members = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => row(`M${from + i}`, (from + i) % 2 ? 'C1' : 'C2'));

describe('dangvien import', () => {
  let stack: TestStack;
  /** The import on the stack's Records table. */
  const importFile = (content: string, opts: ImportOptions = {}) => importMembers(content, stack.stores.memberImport(), opts);
  beforeAll(async () => {
    stack = await startTestStack();
    await stack.send(baseOrgs());
    await stack.settle();
  });
  afterAll(async () => stack?.stop());

  // Prepare: four good rows (a quoted name with a comma, an NFD name) and four bad ones
  const legacy = csv(
    row('A1', 'C1'), // line 2
    row('A2', 'C1', {
      status: 'probationary',
      recognizedOn: '',
      admittedOn: '2020-11-02',
      sex: 'female',
      youthUnion: 'true',
      fullName: '"Trần, Thị Bình"',
    }), // 3
    row('A3', 'C2', { ethnicity: 'Tày', religion: 'Phật giáo', fullName: 'Lê Văn Cường'.normalize('NFD') }), // 4
    row('A4', 'C2', { birthDate: '1990-02-30' }), // 5: no such date
    row('A5', 'C9'), // 6: no such cell
    row('A1', 'C2'), // 7: A1 again
    row('A6', 'C1', { sex: 'không rõ' }), // 8: neither a value of the contract nor a Vietnamese one
    row('A7', 'C2', { sex: 'female' }), // 9
  );

  it('imports the good rows, reports the bad ones by line, and the figures follow', async () => {
    // Act
    const summary = await importFile(legacy);
    await stack.settle();
    // Assess
    expect(summary).toMatchObject({ rows: 8, imported: 4, skipped: 0 });
    expect(summary.badRows.map((b) => [b.line, b.reason])).toEqual([
      [5, 'schema'],
      [6, 'missing-org'],
      [7, 'member-exists'],
      [8, 'schema'],
    ]);
    expect(summary.badRows[0]!.message).toContain('birthDate');
    expect(summary.badRows[3]).toMatchObject({ column: 'sex', message: expect.stringContaining('sex') });
    expect(JSON.stringify(summary)).not.toContain('1990-02-30');
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    const hp = await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' });
    expect(hp.members).toMatchObject({ total: 4, official: 3, probationary: 1, female: 2, ethnicMinority: 1, religious: 1 });
    expect(hp.admissions.total).toBe(0);
  });

  it('imports nothing new when the same file runs again', async () => {
    // Act
    const again = await importFile(legacy);
    await stack.settle();
    // Assess
    expect(again).toMatchObject({ imported: 0, skipped: 4 });
    expect(again.badRows.map((b) => b.line)).toEqual([5, 6, 7, 8]);
    expect((await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' })).members.total).toBe(4);
  });

  it('resumes a run that crashed between the members and their markers, and counts everyone once', async () => {
    // Prepare: 4 chunks of 5; the crash comes before the second chunk's markers
    const file = csv(...members(100, 120));
    let markerWrites = 0;
    const crash = async () => {
      await expect(
        importMembers(
          file,
          importStoreWith(stack.stores.memberImport({ concurrency: 1 }), (what) => {
            if (what === 'markers' && ++markerWrites === 2) throw new Error('simulated crash');
          }),
          { chunkSize: 5 },
        ),
      ).rejects.toThrow('simulated crash');
    };
    await crash();
    // Act
    const resumed = await importFile(file, { chunkSize: 5 });
    await stack.settle();
    // Assess: chunk 1 was done; chunk 2's members were there without markers
    expect(resumed).toMatchObject({ rows: 20, imported: 15, skipped: 5, badRows: [] });
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    expect((await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' })).members.total).toBe(24);
  });

  it('stops cleanly on a signal and continues from there', async () => {
    // Prepare
    const file = csv(...members(200, 212));
    const controller = new AbortController();
    // Act
    const first = await importFile(file, {
      chunkSize: 4,
      onProgress: (p) => p.rowsDone >= 4 && controller.abort(),
      signal: controller.signal,
    });
    const second = await importFile(file, { chunkSize: 4 });
    await stack.settle();
    // Assess
    expect(first).toMatchObject({ imported: 4, interrupted: true });
    expect(second).toMatchObject({ imported: 8, skipped: 4, badRows: [] });
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    expect((await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' })).members.total).toBe(36);
  });

  it.each([
    ['in the second chunk, its members written and not marked', 'contribution', 5, 300, { imported: 8, skipped: 4 }],
    ['at the recount, every row marked', 'figures', 1, 320, { imported: 0, skipped: 12 }],
  ] as const)('resumes a run that crashed %s, and counts everyone once', async (_when, step, nth, from, resumedCounts) => {
    // Prepare: 3 chunks of 4
    const file = csv(...members(from, from + 12));
    const before = (await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' })).members.total;
    let steps = 0;
    await expect(
      importMembers(
        file,
        importStoreWith(stack.stores.memberImport({ concurrency: 1 }), (what) => {
          if (what === step && ++steps === nth) throw new Error('simulated crash');
        }),
        { chunkSize: 4 },
      ),
    ).rejects.toThrow('simulated crash');
    await stack.settle();
    // Act
    const resumed = await importFile(file, { chunkSize: 4 });
    await stack.settle();
    // Assess: what the crash left uncounted is counted by the re-run, once
    expect(resumed).toMatchObject({ rows: 12, ...resumedCounts, badRows: [] });
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    expect((await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' })).members.total).toBe(before + 12);
  });

  it.each(['figures', 'contribution'] as const)(
    'ends exact when an event changes an imported member at the import step "%s", before the recount',
    async (step) => {
      // Prepare: the exit of a member the import has written, applied (and counted) while the import waits
      const [id, other] = step === 'figures' ? ['E1', 'E2'] : ['E3', 'E4'];
      const file = csv(row(id, 'C1'), row(other, 'C2'));
      const before = await buildReport(stack.stores.figures, 'HP', { date: '2024-12-31' });
      let raced = false;
      const racing = importStoreWith(stack.stores.memberImport(), async (what) => {
        if (what !== step || raced) return;
        raced = true;
        await stack.send([validEvent('member.exited', { data: { memberId: id, reason: 'resigned', on: '2024-05-20' } })]);
        await stack.settle();
      });
      // Act
      const summary = await importMembers(file, racing);
      await stack.settle();
      // Assess: both members imported, one of them out since May 2024, and every figure exact
      expect(raced).toBe(true);
      expect(summary).toMatchObject({ imported: 2, badRows: [] });
      expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
      const after = await buildReport(stack.stores.figures, 'HP', { date: '2024-12-31' });
      expect(after.members.total - before.members.total).toBe(1);
      expect(after.exits.resigned - before.exits.resigned).toBe(1);
    },
  );

  it('erases an imported member: the figures follow the record under its pseudonym, and nothing names the member', async () => {
    // Prepare: an imported member, counted by the import
    await importFile(csv(row('X1', 'C1')));
    await stack.settle();
    const before = await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' });
    // Act
    await erasePerson(stack.stores.personData, 'X1', { force: true });
    await stack.settle();
    // Assess: still counted (under the pseudonym), exact, and the person holds nothing
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    expect((await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' })).members).toEqual(before.members);
    const { contributions } = await stack.stores.recompute.readAllFigureItems();
    expect(contributions.filter((c) => c.recordPk.includes('X1'))).toEqual([]);
    expect((await showPerson(stack.stores.personData, 'X1')).records).toEqual([]);
  });

  it('ends exact, and names no erased member, when an imported member is erased before the import puts its contribution', async () => {
    // Prepare: the import waits, its member written, while the member is erased and the figures catch up
    const file = csv(row('X7', 'C1'));
    const base = stack.stores.memberImport();
    const before = await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' });
    let erased = false;
    const figures = beforeCall(base.figures, 'putContribution', async () => {
      if (erased) return;
      erased = true;
      await erasePerson(stack.stores.personData, 'X7', { force: true });
      await stack.settle();
    });
    // Act
    const summary = await importMembers(file, { ...base, figures });
    await stack.settle();
    // Assess: counted once (under its pseudonym), and no figure item names the member
    expect(erased).toBe(true);
    expect(summary).toMatchObject({ imported: 1, badRows: [] });
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    const { contributions } = await stack.stores.recompute.readAllFigureItems();
    expect(contributions.filter((c) => c.recordPk.includes('X7'))).toEqual([]);
    const after = await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' });
    expect(after.members.total - before.members.total).toBe(1);
  });

  // Known defect, not fixed: the stream leaves the import's inserts aside, and only a re-run
  // of rows still in the file recounts what the crashed run wrote (it.fails until it does).
  it.fails('ends exact when a run crashed before its recount and the file run again was fixed, one of its rows taken out', async () => {
    // Prepare: a run of three rows crashes at its recount, every member written, none counted
    const first = csv(row('F1', 'C1'), row('F2', 'C1'), row('F3', 'C2'));
    await expect(
      importMembers(
        first,
        importStoreWith(stack.stores.memberImport(), (what) => {
          if (what === 'figures') throw new Error('simulated crash');
        }),
      ),
    ).rejects.toThrow('simulated crash');
    await stack.settle();
    // Act: the operator runs the file again, fixed: the third row (another district's) taken out
    const fixed = csv(row('F1', 'C1'), row('F2', 'C1'));
    await importFile(fixed);
    await stack.settle();
    // Assess: every stored member is counted, F3 included
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
  });

  it('ends exact when two imports of files that disagree on a member run at once', async () => {
    // Prepare: two exports place member O1 in different cells; both are decided before either writes
    const [fileA, fileB] = [csv(row('O1', 'C1')), csv(row('O1', 'C2'))];
    let releaseB!: () => void;
    const bMayWrite = new Promise<void>((resolve) => (releaseB = resolve));
    let bAtMembers!: () => void;
    const bDecided = new Promise<void>((resolve) => (bAtMembers = resolve));
    let runB: Promise<unknown> | undefined;
    const storeB = importStoreWith(stack.stores.memberImport(), async (what) => {
      if (what !== 'members') return;
      bAtMembers();
      await bMayWrite;
    });
    const storeA = importStoreWith(stack.stores.memberImport(), async (what) => {
      if (what !== 'members' || runB) return;
      runB = importMembers(fileB, storeB);
      await bDecided;
    });
    // B writes over A's member, and is counted, before A puts its contribution
    let raced = false;
    const figuresA = beforeCall(storeA.figures, 'putContribution', async () => {
      if (raced) return;
      raced = true;
      releaseB();
      await runB;
      await stack.settle();
    });
    // Act
    await importMembers(fileA, { ...storeA, figures: figuresA });
    await stack.settle();
    // Assess: one member, counted once, in the cell its record names
    expect(raced).toBe(true);
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
  });

  it('ends exact when a second run of a file begins during a first and crashes before its recount', async () => {
    // Prepare: an interrupted run counted S1 and noted the file as counted; run A begins,
    // and before A reads its first chunk run B of the same file begins, writes and marks S2,
    // and crashes at its recount; A skips both marked rows and ends
    const file = csv(row('S1', 'C1'), row('S2', 'C2'));
    const stop = new AbortController();
    await importFile(file, { chunkSize: 1, signal: stop.signal, onProgress: (p) => p.rowsDone === 1 && stop.abort() });
    let marked = false;
    const storeB = importStoreWith(stack.stores.memberImport(), (what) => {
      if (what === 'markers') marked = true;
      else if (what === 'figures' && marked) throw new Error('simulated crash');
    });
    let bRan = false;
    const storeA = beforeCall(stack.stores.memberImport(), 'findMarkers', async () => {
      if (bRan) return;
      bRan = true;
      await expect(importMembers(file, storeB)).rejects.toThrow('simulated crash');
    });
    const runA = await importMembers(file, storeA);
    // Act
    await importFile(file);
    await stack.settle();
    // Assess: S2, written by B, is counted
    expect(runA).toMatchObject({ imported: 0, skipped: 2 });
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
  });

  it('does not bring back a member erased since an earlier export of the same rolls was imported', async () => {
    // Prepare: R1 imported, then erased
    await importFile(csv(row('R1', 'C1')));
    await erasePerson(stack.stores.personData, 'R1', { force: true });
    await stack.settle();
    // Act: the export, fixed (a row added), imported again
    const again = await importFile(csv(row('R1', 'C1'), row('R2', 'C1')));
    await stack.settle();
    // Assess: nothing of R1 is stored again, and its row says why
    expect(again.badRows.map((b) => [b.line, b.reason])).toEqual([[2, 'erased']]);
    expect((await showPerson(stack.stores.personData, 'R1')).records).toEqual([]);
  });

  it('keeps the key a person already has when many persons get theirs at once', async () => {
    // Prepare: K2 already has a key (what was sealed for K2 before is readable with it only)
    const [earlier] = (await stack.stores.vault.keys(['K2'], { create: true })).values();
    // Act: keys for a hundred and fifty persons at once, K2 among them
    const ids = Array.from({ length: 150 }, (_, i) => `K${i}`);
    const keys = await stack.stores.vault.keys(ids, { create: true });
    // Assess: every person has one, K2 still its own, and each is the one stored
    expect(keys.size).toBe(150);
    expect(keys.get('K2')?.key.equals(earlier!.key)).toBe(true);
    const again = await stack.stores.vault.keys(ids, { create: false });
    expect(ids.every((id) => again.get(id)?.key.equals(keys.get(id)!.key))).toBe(true);
  });

  it('checks a file in a dry run against the stored tree and members, and writes nothing', async () => {
    // Prepare: a new member, one already imported above, a missing cell, a date the rules cannot compute with
    const file = csv(
      row('D1', 'C1'),
      row('A1', 'C2'),
      row('D2', 'C9'),
      row('D3', 'C2', { admittedOn: '9999-12-31', status: 'probationary', recognizedOn: '' }),
    );
    const before = await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' });
    // Act
    const dry = await checkImport(file, stack.stores.memberImport());
    await stack.settle();
    // Assess
    expect(dry).toMatchObject({ rows: 4, wouldImport: 1, skipped: 0 });
    expect(dry.badRows.map((b) => [b.line, b.reason])).toEqual([
      [3, 'member-exists'],
      [4, 'missing-org'],
      [5, 'schema'],
    ]);
    expect((await buildReport(stack.stores.figures, 'HP', { date: '2021-01-31' })).members).toEqual(before.members);
    expect(await importFile(file)).toMatchObject({ imported: 1, skipped: 0 });
  });

  it('imports a Vietnamese export as its database writes it, and the figures count its members by their Vietnamese values', async () => {
    // Prepare: `;`, a byte order mark, Vietnamese headers and values, dd/mm/yyyy (test/fixtures)
    const bytes = readFileSync(new URL('../fixtures/member-export-vi.csv', import.meta.url));
    await stack.settle();
    const before = (await buildReport(stack.stores.figures, 'HP', { date: '2021-12-31' })).members;
    // Act
    const summary = await importMembers(bytes, stack.stores.memberImport());
    await stack.settle();
    // Assess: six members; the two bad rows named by line and column
    expect(summary).toMatchObject({ rows: 8, imported: 6, skipped: 0 });
    expect(summary.badRows.map((b) => [b.line, b.column])).toEqual([
      [7, 'Ngày sinh (birthDate)'],
      [8, 'Nghề nghiệp (occupation)'],
    ]);
    expect(await recomputeFigures(stack.stores.recompute, { write: false })).toEqual([]);
    const after = (await buildReport(stack.stores.figures, 'HP', { date: '2021-12-31' })).members;
    const added = Object.fromEntries(Object.entries(after).map(([k, v]) => [k, (v ?? 0) - (before[k as keyof typeof before] ?? 0)]));
    expect(added).toMatchObject({ total: 6, official: 4, probationary: 2, female: 4, youthUnion: 4, ethnicMinority: 2, religious: 2 });
  });

  it('refuses a file whose header names an unknown column, before reading any row', async () => {
    await expect(importFile(`${HEADER},salary\n${row('Z1', 'C1')},1\n`)).rejects.toBeInstanceOf(ImportFileError);
  });
});
