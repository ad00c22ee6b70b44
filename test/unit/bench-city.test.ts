// The benchmark's synthetic city: the same for a seed, the size asked, and a story the
// domain accepts from the first event to the last (no rejection would hide in the bench's
// throughput figures as cheap work).
import { describe, expect, it } from 'vitest';
import { generateCity } from '../../bench/city.js';
import { STRUCTURE_SOURCE } from '../../bench/city/tree.js';
import { parseEvent } from '../../shared/domain/events/index.js';
import { fileHashOf, headerNames, parseCsv, readHeader, rowEvent } from '../../shared/import/member-csv.js';
import { DomainHarness } from '../helpers/domain-harness.js';

describe('the benchmark city', () => {
  const city = generateCity({ members: 1500, seed: 7, badRows: true });

  it('is the same city for the same seed and another for another seed', () => {
    const again = generateCity({ members: 1500, seed: 7, badRows: true });
    const other = generateCity({ members: 1500, seed: 8, badRows: true });
    expect(again.csv).toBe(city.csv);
    expect(again.events).toEqual(city.events);
    expect(other.csv).not.toBe(city.csv);
  });

  it('has 35 subordinate committees under the province and one export row per member, plus the bad rows', () => {
    const [, ...rows] = parseCsv(city.csv);
    expect(city.stats.orgs['upper-grassroots']).toBe(35);
    expect(city.stats.orgs.province).toBe(1);
    expect(rows).toHaveLength(1500 + city.badRows.length);
    expect(city.badRows.map((b) => b.reason).sort()).toEqual(['member-exists', 'missing-org', 'schema', 'schema']);
  });

  it('tells a story the domain accepts: every org, every good row and every event of the year applies', async () => {
    // Arrange: the tree and the export, as the bench registers and imports them
    const harness = await new DomainHarness().given(city.orgEvents);
    const [header, ...rows] = parseCsv(city.csv);
    const file = { columns: readHeader(header), header: headerNames(header), fileHash: fileHashOf(city.csv) };
    const badLines = new Set(city.badRows.map((b) => b.line));
    const imported = rows
      .filter((r) => !badLines.has(r.line))
      .map((r) => rowEvent(file, r, `${city.year - 1}-12-31T17:00:00Z`))
      .map((row) => {
        if (!row.ok) throw new Error(`a good row of the bench's export was refused: ${row.message}`);
        return row.event;
      });
    await harness.given(imported);
    // Act
    const results = await harness.runAll(city.events);
    // Assess
    const notApplied = results.filter((r) => r.outcome !== 'applied');
    expect(notApplied).toEqual([]);
    expect(results.length).toBeGreaterThan(300);
  });

  it("in the chaos test's shape (compact tree, rolls as events, a busy year) applies too, each person's events chained in after", async () => {
    // Arrange
    const small = generateCity({ members: 500, events: 2500, seed: 7, tree: { districts: 3 }, rolls: 'events' });
    const harness = await new DomainHarness().given(small.orgEvents);
    // Act
    const results = await harness.runAll(small.events);
    // Assess
    expect(results.filter((r) => r.outcome !== 'applied')).toEqual([]);
    expect(small.cells).toHaveLength(9);
    expect(small.events.length).toBeGreaterThan(2_400);
    const index = new Map(small.events.map((e, i) => [e.id, i]));
    const lastOf = new Map<string, string>();
    /** Dossier and transfer id → the person (events that do not name the person name one of these). */
    const personOf = new Map<string, string>();
    for (const e of small.events) {
      const d = e.data as { memberId?: string; personId?: string; member?: { memberId: string }; dossierId?: string; transferId?: string };
      const person = d.memberId ?? d.personId ?? d.member?.memberId ?? personOf.get(d.dossierId ?? d.transferId ?? '')!;
      for (const id of [d.dossierId, d.transferId]) if (id) personOf.set(id, person);
      const previous = lastOf.get(person);
      if (previous) expect(small.after[e.id]).toContain(previous);
      for (const before of small.after[e.id] ?? []) expect(index.get(before)).toBeLessThan(index.get(e.id)!);
      lastOf.set(person, e.id);
    }
  });

  describe('its org events of the year', () => {
    const isOrgEvent = (e: { type: string }) => e.type.startsWith('org.') || e.type === 'target.set';
    const orgEvents = city.events.filter(isOrgEvent);

    it('are the same for the same seed and hold every kind a province sends, tens to a few hundred of them', () => {
      // Prepare
      const again = generateCity({ members: 1500, seed: 7, badRows: true }).events.filter(isOrgEvent);
      // Act
      const types = new Set(orgEvents.map((e) => e.type));
      const kinds = new Set(
        orgEvents
          .filter((e) => e.type === 'target.set')
          .map((e) => `${'term' in e.data ? 'term' : 'year'}/${String(e.data.kind ?? 'own')}`),
      );
      // Assess
      expect(again).toEqual(orgEvents);
      expect([...types].sort()).toEqual(['org.dissolved', 'org.evaluated', 'org.moved', 'org.renamed', 'org.updated', 'target.set']);
      expect(kinds).toEqual(new Set(['year/own', 'year/assigned', 'term/own']));
      expect(orgEvents.length).toBeGreaterThan(20);
      expect(orgEvents.length).toBeLessThan(500);
      expect(city.orgEvents.every((e) => e.type === 'org.registered')).toBe(true);
    });

    it('are valid by the event schemas, come from the city committee’s system and are spread over the year among the others', () => {
      // Act
      const parsed = orgEvents.map((e) => parseEvent(JSON.stringify(e)));
      const positions = orgEvents.map((e) => city.events.indexOf(e));
      // Assess
      expect(parsed.filter((p) => !p.ok)).toEqual([]);
      expect(new Set(orgEvents.map((e) => e.source))).toEqual(new Set([STRUCTURE_SOURCE]));
      expect(Math.min(...positions)).toBeLessThan(city.events.length / 4);
      expect(Math.max(...positions)).toBeGreaterThan(city.events.length / 2);
    });

    it('move and merge only organizations that exist and are active then, and name no merged cell after its merger', () => {
      // Prepare
      const active = new Set(city.orgEvents.map((e) => String(e.data.orgId)));
      // Act: walk the year in order
      const problems: string[] = [];
      for (const e of orgEvents) {
        const d = e.data as { orgId: string; parentId?: string; mergedInto?: string };
        for (const id of [d.orgId, d.parentId, d.mergedInto])
          if (id !== undefined && !active.has(id)) problems.push(`${e.id} ${e.type} ${id}`);
        if (e.type === 'org.dissolved') active.delete(d.orgId);
      }
      const merged = new Map(orgEvents.filter((e) => e.type === 'org.dissolved').map((e) => [String(e.data.orgId), String(e.data.on)]));
      const late = city.events.filter((e) => {
        const on = e.occurredAt.slice(0, 10);
        if (e.type === 'org.dissolved') return false;
        return Object.values(e.data).some((v) => typeof v === 'string' && merged.has(v) && on >= merged.get(v)!);
      });
      // Assess
      expect(problems).toEqual([]);
      expect(merged.size).toBeGreaterThan(0);
      expect(late.map((e) => e.id)).toEqual([]);
    });
  });
});
