// The import use case on an in-memory store: deciding, resuming and the dry run, without emulators.
import { readFileSync } from 'node:fs';
import { CSV_HEADER, csvRow, type CsvOverrides } from '../helpers/member-csv.js';
import { describe, expect, it } from 'vitest';
import { OrgTree } from '../../shared/domain/figures/tree.js';
import type { MemberRecord, OrgRecord } from '../../shared/domain/records.js';
import { checkImport, importMembers, type ImportMarker, type MemberImportStore } from '../../shared/use-cases/import-members/index.js';
import { buildReport } from '../../shared/use-cases/build-report/index.js';
import { InMemoryFiguresStore } from '../helpers/in-memory-stores.js';
import { beforeCall } from '../helpers/store-decorators.js';

/** A store in memory that counts its writes. */
class MemoryStore implements MemberImportStore {
  readonly members = new Map<string, MemberRecord>();
  readonly markers = new Map<string, ImportMarker>();
  writes = 0;
  readonly figures = new InMemoryFiguresStore();
  constructor(private readonly orgs: OrgRecord[]) {
    for (const o of orgs) this.figures.putOrg(o);
  }
  memberPk = (memberId: string) => `MEMBER#${memberId}`;
  /** Each file's note: the run it names and whether it says counted. */
  readonly fileNotes = new Map<string, { runId: string; counted: boolean }>();
  private runs = 0;
  beginFileRun = async (fileHash: string) => {
    const before = this.fileNotes.get(fileHash);
    const runId = `run-${++this.runs}`;
    this.fileNotes.set(fileHash, { runId, counted: false });
    return { runId, counted: before?.counted === true };
  };
  finishFileRun = async (fileHash: string, runId: string) => {
    if (this.fileNotes.get(fileHash)?.runId === runId) this.fileNotes.set(fileHash, { runId, counted: true });
  };
  currentOrgTree = async () => new OrgTree(this.orgs);
  findMarkers = async (source: string, ids: string[]) => new Set(ids.filter((id) => this.markers.get(id)?.source === source));
  readonly erased = new Map<string, string>();
  erasures = async (ids: string[]) => new Map(ids.flatMap((id) => (this.erased.has(id) ? [[id, this.erased.get(id)!] as const] : [])));
  findMembers = async (ids: string[]) => new Map(ids.flatMap((id) => (this.members.has(id) ? [[id, this.members.get(id)!] as const] : [])));
  findMembersForFigures = async (ids: string[]) => {
    const found = await this.findMembers(ids);
    return new Map([...found].map(([id, { profile: _profile, ...rest }]) => [id, rest]));
  };
  putMembers = async (members: MemberRecord[]) => {
    this.writes += members.length;
    for (const m of members) this.members.set(m.memberId, m);
  };
  putMarkers = async (markers: ImportMarker[]) => {
    this.writes += markers.length;
    for (const m of markers) this.markers.set(m.eventId, m);
  };
}

const org = (orgId: string, parentId: string | null, level: OrgRecord['level']): OrgRecord => ({
  orgId,
  parentId,
  level,
  name: orgId,
  status: 'active',
  targets: {},
  version: 1,
});
const TREE = [org('HP', null, 'province'), org('C1', 'HP', 'grassroots-cell')];

/** A file of rows in the documented order, in cell C1; `over` replaces fields of a row by column. */
function file(...rows: Array<[memberId: string, over?: CsvOverrides]>): string {
  return [CSV_HEADER, ...rows.map(([memberId, over]) => csvRow(memberId, 'C1', over))].join('\n');
}

describe('importMembers on a store', () => {
  it('turns a date the rules cannot compute with into a bad row and imports the rest', async () => {
    // Prepare: a probation that would end after year 9999
    const store = new MemoryStore(TREE);
    const csv = file(['M1'], ['M2', { status: 'probationary', recognizedOn: '', admittedOn: '9999-12-31' }], ['M3']);
    // Act
    const summary = await importMembers(csv, store);
    // Assess
    expect(summary).toMatchObject({ rows: 3, imported: 2, skipped: 0 });
    expect(summary.badRows).toEqual([{ line: 3, column: 'admittedOn', reason: 'schema', message: expect.not.stringContaining('9999') }]);
    expect([...store.members.keys()].sort()).toEqual(['M1', 'M3']);
  });

  it('refuses the row of an erased member, in a dry run too, and imports the others', async () => {
    // Prepare: M2 was erased (its tombstone stands); an export made before that still lists them
    const store = new MemoryStore(TREE);
    store.erased.set('M2', '2026-03-04T05:06:07.000Z');
    const csv = file(['M1'], ['M2'], ['M3']);
    // Act
    const dry = await checkImport(csv, store);
    const real = await importMembers(csv, store);
    // Assess: the row says why and names no personal data; nothing of M2 is written
    for (const summary of [dry, real])
      expect(summary.badRows).toEqual([{ line: 3, reason: 'erased', message: expect.stringContaining('erased on 2026-03-04') }]);
    expect(real.imported).toBe(2);
    expect([...store.members.keys()].sort()).toEqual(['M1', 'M3']);
  });

  it('checks in a dry run what the import would do, and writes nothing', async () => {
    // Prepare: M1 is already there, from another file that said something else about them
    const store = new MemoryStore(TREE);
    await importMembers(file(['M1', { fullName: 'Trần Văn Ba' }]), store);
    const writesBefore = store.writes;
    const csv = file(['M1'], ['M2'], ['M3', { cellId: 'NOPE' }], ['M2'], ['M4', { sex: 'không rõ' }]);
    // Act
    const dry = await checkImport(csv, store);
    // Assess
    expect(store.writes).toBe(writesBefore);
    expect(dry).toEqual({
      rows: 5,
      wouldImport: 1,
      skipped: 0,
      badRows: [
        { line: 2, reason: 'member-exists', message: expect.any(String) },
        { line: 4, reason: 'missing-org', message: expect.any(String) },
        { line: 5, reason: 'member-exists', message: expect.stringContaining('line 3') },
        { line: 6, column: 'sex', reason: 'schema', message: expect.stringContaining('sex: expected Nam or Nữ') },
      ],
    });
    const real = await importMembers(csv, store);
    expect({ imported: real.imported, badRows: real.badRows.length }).toEqual({ imported: dry.wouldImport, badRows: dry.badRows.length });
  });

  it('a re-run skips what is marked and only marks a member written without its marker', async () => {
    // Prepare: a first run that lost the markers of its only chunk
    const store = new MemoryStore(TREE);
    const csv = file(['M1'], ['M2']);
    await importMembers(csv, store);
    store.markers.delete([...store.markers.keys()][1]!);
    // Act
    const again = await importMembers(csv, store);
    // Assess
    expect(again).toMatchObject({ rows: 2, imported: 1, skipped: 1, badRows: [] });
    expect(store.markers.size).toBe(2);
  });

  it('counts the members it writes in their cell and its ancestors, once for the file', async () => {
    // Prepare: three members in two chunks
    const store = new MemoryStore(TREE);
    const csv = file(['M1'], ['M2', { sex: 'female' }], ['M3']);
    // Act
    await importMembers(csv, store, { chunkSize: 2, today: '2026-12-06' });
    // Assess: one write per month item (the cell's and the province's), not one per chunk
    const hp = await buildReport(store.figures, 'HP', { date: '2026-12-06' });
    expect(hp.members).toMatchObject({ total: 3, female: 1 });
    expect([...store.figures.contributions.values()].map((c) => c.recordPk).sort()).toEqual(['MEMBER#M1', 'MEMBER#M2', 'MEMBER#M3']);
    expect(Math.max(...store.figures.writes.values())).toBe(1);
  });

  it('a re-run counts the members of a run that stopped before its recount, all of them marked', async () => {
    // Prepare: the first run's recount fails after its members, contributions and markers are written
    const store = new MemoryStore(TREE);
    const csv = file(['M1'], ['M2']);
    store.figures.beforeWrite = () => {
      throw new Error('simulated crash');
    };
    await expect(importMembers(csv, store, { today: '2026-12-06' })).rejects.toThrow('simulated crash');
    store.figures.beforeWrite = undefined;
    // Act
    const again = await importMembers(csv, store, { today: '2026-12-06' });
    const third = await importMembers(csv, store, { today: '2026-12-06' });
    // Assess: the re-run counts the whole file; a run after it has nothing left to count
    expect(again).toMatchObject({ imported: 0, skipped: 2, badRows: [] });
    expect((await buildReport(store.figures, 'HP', { date: '2026-12-06' })).members.total).toBe(2);
    expect(third).toMatchObject({ imported: 0, skipped: 2 });
    expect(store.figures.contributions.size).toBe(2);
  });

  it('a re-run counts the rows of a second run of the file that began during the first and stopped before its recount', async () => {
    // Prepare: an interrupted run counted M1 (the file's note says so); run A begins, and
    // before A reads its first chunk run B of the same file begins, writes and marks M2, and
    // crashes before its recount; A then skips both marked rows and ends
    const store = new MemoryStore(TREE);
    const csv = file(['M1'], ['M2']);
    const stop = new AbortController();
    await importMembers(csv, store, {
      chunkSize: 1,
      today: '2026-12-06',
      signal: stop.signal,
      onProgress: (p) => p.rowsDone === 1 && stop.abort(),
    });
    let bRan = false;
    const a = beforeCall(store, 'findMarkers', async () => {
      if (bRan) return;
      bRan = true;
      store.figures.beforeWrite = () => {
        throw new Error('simulated crash');
      };
      await expect(importMembers(csv, store, { today: '2026-12-06' })).rejects.toThrow('simulated crash');
      store.figures.beforeWrite = undefined;
    });
    const runA = await importMembers(csv, a, { today: '2026-12-06' });
    // Act
    await importMembers(csv, store, { today: '2026-12-06' });
    // Assess: B's member is in the figures, counted by the re-run
    expect(runA).toMatchObject({ imported: 0, skipped: 2 });
    expect((await buildReport(store.figures, 'HP', { date: '2026-12-06' })).members.total).toBe(2);
  });

  it('imports a Vietnamese member export as its database writes it, and refuses the two bad rows by line and column', async () => {
    // Prepare: `;`, a byte order mark, CRLF, Vietnamese headers and values, dd/mm/yyyy, an
    // STT column, an NFD row, a row without diacritics, Excel's trailing row of `;`
    const store = new MemoryStore([...TREE, org('C2', 'HP', 'grassroots-cell')]);
    const bytes = readFileSync(new URL('../fixtures/member-export-vi.csv', import.meta.url));
    // Act
    const summary = await importMembers(bytes, store);
    // Assess
    expect(summary).toMatchObject({ rows: 8, imported: 6, skipped: 0 });
    expect(summary.badRows).toEqual([
      { line: 7, column: 'Ngày sinh (birthDate)', reason: 'schema', message: expect.stringContaining('dd/mm/yyyy') },
      {
        line: 8,
        column: 'Nghề nghiệp (occupation)',
        reason: 'schema',
        message: expect.stringMatching(/^Nghề nghiệp \(occupation\): expected /),
      },
    ]);
    expect(JSON.stringify(summary)).not.toMatch(/31\/02|Thợ may|Vũ Văn Nam|Đặng/);
    const member = (id: string) => store.members.get(id)!;
    expect(member('VI-01012345')).toMatchObject({
      cellId: 'C1',
      status: 'official',
      admittedOn: '2010-05-19',
      recognizedOn: '2011-05-19',
      traits: { female: true, youthUnion: true, ethnicMinority: false, religious: false },
      profile: { birthDate: '1985-03-05', education: 'university', occupation: 'state-sector', religion: null },
    });
    expect(member('VI-01012346')).toMatchObject({
      admittedOn: '2001-02-03',
      traits: { female: false, youthUnion: false },
      profile: { birthDate: '1978-09-07', education: 'vocational', occupation: 'retired' },
    });
    expect(member('VI-01012347')).toMatchObject({
      status: 'probationary',
      traits: { female: true, youthUnion: true, ethnicMinority: true },
      profile: { education: 'upper-secondary', occupation: 'student' },
    });
    expect(member('VI-01012348')).toMatchObject({
      status: 'official',
      traits: { religious: true, youthUnion: false },
      profile: { religion: 'Công giáo', education: 'vocational', occupation: 'private-enterprise' },
    });
    expect(member('VI-01012349')).toMatchObject({ profile: { education: 'postgraduate', occupation: 'enterprise-owner' } });
    expect(member('VI-01012352')).toMatchObject({
      status: 'probationary',
      traits: { female: true },
      profile: { fullName: 'Bùi Minh Châu', education: 'college', occupation: 'contract-freelance' },
    });
  });
});
