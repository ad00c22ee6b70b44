// A hostile district on the emulators (docs/events.md, §11): the city's system builds two
// districts Q1 and Q2 with cells, members, a dossier and transfers; Q1's system then tries
// every path into Q2 — each event type, restructuring, reused and pre-claimed ids,
// another's source, Q2's rejected item, forged redrive tokens, and laundering through the
// operator's DLQ redrive. Each scenario asserts that it was stored with its reason under
// the identity that sent it, and that nothing of Q2 changed: its report and every record
// it owns are compared before and after the attack.
//
// To make laundering observable, the operator's identity (fauxqs's SenderId, which the CLI
// sends as) is registered with the whole tree (and a source of its own: a registry gives
// each source one producer): a redrive that went out as the operator would be judged as
// the operator, and its rejection stored under the operator's identity instead of Q1's.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchGetAll } from '../../shared/data/dynamo-toolkit.js';
import { dossierKey, eventKey, memberKey, orgKey, transferKey } from '../../shared/data/keys.js';
import { outgoing } from '../../shared/domain/events/outgoing.js';
import type { RejectedEvent } from '../../shared/use-cases/ingest-event/port.js';
import { redriveDlq, redriveRejected } from '../../shared/use-cases/redrive/index.js';
import { buildReport } from '../../shared/use-cases/build-report/index.js';
import { registerOrg, validEvent, validExternalArrival } from '../helpers/events.js';
import { getMember, partition } from '../helpers/records.js';
import { startTestStack, type TestStack } from '../helpers/stack.js';

const CITY = 'AIDACITY';
const Q1 = 'AROAQ1';
const Q2 = 'AROAQ2';
const STRANGER = 'AIDASTRANGER';
/** What fauxqs reports as every message's SenderId: the operator's CLI sends as it. */
const OPERATOR = '000000000000';

const city = (e: { source: string }) => ({ ...e, source: 'csdl-city' });
const q1 = <T extends { source: string }>(e: T): T => ({ ...e, source: 'csdl-q1' });
const q2 = <T extends { source: string }>(e: T): T => ({ ...e, source: 'csdl-q2' });

const imported = (memberId: string, orgId: string) => city(validEvent('member.imported', { data: { memberId, orgId } }));
const issued = (transferId: string, memberId: string, fromOrgId: string, toOrgId: string, kind: 'official' | 'temporary' = 'official') =>
  city(validEvent('transfer.issued', { data: { transferId, memberId, fromOrgId, toOrgId, kind, issuedOn: '2022-06-01' } }));

/** Q2's own events: one applied as `evt-1`, one rejected (kept with its body) as `q2-bad`. */
const Q2_APPLIED = q2(validEvent('member.admitted', { id: 'evt-1', data: { memberId: 'Q2-M5', orgId: 'Q2-C1' } }));
const Q2_REJECTED = q2(validEvent('member.recognized', { id: 'q2-bad', data: { memberId: 'Q2-M1', recognizedOn: '2022-03-10' } }));

/** Q1's events sent before the attack: one that waits for a member Q2 will get, one rejected by a rule. */
const DLQ_BOUND = q1(validEvent('member.updated', { id: 'atk-dlq', data: { memberId: 'LATE-Q2', profile: { education: 'college' } } }));
/** The same, carrying a redrive token Q1 made up: `dlq redrive` must not take it for a grant of the operator's. */
const DLQ_FORGED = q1(
  validEvent('member.updated', { id: 'atk-dlq-forged', data: { memberId: 'LATE2-Q2', profile: { education: 'college' } } }),
);
const Q1_REJECTED = q1(validEvent('member.admitted', { id: 'q1-bad', data: { memberId: 'Q1-M1', orgId: 'Q1-C1' } }));

interface Scenario {
  name: string;
  event: { id: string; source: string; [field: string]: unknown };
  /** The identity it is sent as (and stored under). */
  sender: string;
  /** A redrive token set on the message by the attacker ('borrowed': a real grant's, for another body). */
  token?: string;
  reason: string;
}

const atk = (n: number) => `atk-${n}`;
const arrival = (n: number, memberId: string, extra: object = {}) =>
  q1(
    validExternalArrival({
      id: atk(n),
      data: { transferId: `ATK-T${n}`, toOrgId: 'Q1-C1', ...extra, member: { ...validExternalArrival().data.member!, memberId } },
    }),
  );

const SCENARIOS: Scenario[] = [
  {
    name: 'admits a member into a cell of Q2',
    event: q1(validEvent('member.admitted', { id: atk(1), data: { memberId: 'ATK-M1', orgId: 'Q2-C1' } })),
  },
  {
    name: 'imports a member into a cell of Q2',
    event: q1(validEvent('member.imported', { id: atk(2), data: { memberId: 'ATK-M2', orgId: 'Q2-C2' } })),
  },
  {
    name: "imports into its own cell over Q2's member id",
    event: q1(validEvent('member.imported', { id: atk(3), data: { memberId: 'Q2-M1', orgId: 'Q1-C1' } })),
  },
  {
    name: "admits into its own cell over Q2's member id",
    event: q1(validEvent('member.admitted', { id: atk(4), data: { memberId: 'Q2-M1', orgId: 'Q1-C1' } })),
  },
  {
    name: "updates Q2's member",
    event: q1(validEvent('member.updated', { id: atk(5), data: { memberId: 'Q2-M1', profile: { sex: 'female' } } })),
  },
  {
    name: "recognizes Q2's member",
    event: q1(validEvent('member.recognized', { id: atk(6), data: { memberId: 'Q2-M5', recognizedOn: '2022-03-10' } })),
  },
  { name: "exempts Q2's member", event: q1(validEvent('member.exempted', { id: atk(7), data: { memberId: 'Q2-M1' } })) },
  {
    name: "strikes off Q2's member",
    event: q1(validEvent('member.exited', { id: atk(8), data: { memberId: 'Q2-M1', reason: 'struck-off' } })),
  },
  {
    name: "rates Q2's member",
    event: q1(validEvent('member.evaluated', { id: atk(9), data: { memberId: 'Q2-M1', year: 2021, rating: 'not-completed' } })),
  },
  { name: "awards a badge to Q2's member", event: q1(validEvent('member.badgeAwarded', { id: atk(10), data: { memberId: 'Q2-M1' } })) },
  {
    name: "exits Q2's member attending its own cell temporarily",
    event: q1(validEvent('member.exited', { id: atk(11), data: { memberId: 'Q2-M4' } })),
  },
  {
    name: 'receives a dossier in a cell of Q2',
    event: q1(validEvent('dossier.received', { id: atk(12), data: { dossierId: 'ATK-D', orgId: 'Q2-C1' } })),
  },
  {
    name: "receives a dossier in its own cell under Q2's dossier id",
    event: q1(validEvent('dossier.received', { id: atk(13), data: { dossierId: 'Q2-D1', orgId: 'Q1-C1' } })),
  },
  {
    name: "completes a step of Q2's dossier",
    event: q1(validEvent('dossier.stepCompleted', { id: atk(14), data: { dossierId: 'Q2-D1' } })),
  },
  { name: "closes Q2's dossier", event: q1(validEvent('dossier.closed', { id: atk(15), data: { dossierId: 'Q2-D1' } })) },
  {
    name: "admits into its own cell closing Q2's dossier",
    event: q1(validEvent('member.admitted', { id: atk(16), data: { memberId: 'ATK-M16', orgId: 'Q1-C1', dossierId: 'Q2-D1' } })),
  },
  { name: 'registers an org under Q2', event: q1(registerOrgAs(atk(17), 'ATK-O17', 'Q2', 'grassroots-cell')) },
  { name: 'registers a new root', event: q1(registerOrgAs(atk(18), 'ATK-ROOT', null, 'province')) },
  { name: "registers Q2's cell id again, under itself", event: q1(registerOrgAs(atk(19), 'Q2-C1', 'Q1', 'grassroots-cell')) },
  { name: "renames Q2's cell", event: q1(validEvent('org.renamed', { id: atk(20), data: { orgId: 'Q2-C1', name: 'Chi bộ bị chiếm' } })) },
  { name: "moves Q2's cell under Q1", event: q1(validEvent('org.moved', { id: atk(21), data: { orgId: 'Q2-C1', parentId: 'Q1' } })) },
  { name: 'moves its own cell under Q2', event: q1(validEvent('org.moved', { id: atk(22), data: { orgId: 'Q1-C2', parentId: 'Q2' } })) },
  {
    name: "dissolves Q2's cell into its own",
    event: q1(validEvent('org.dissolved', { id: atk(23), data: { orgId: 'Q2-C2', mergedInto: 'Q1-C2' } })),
  },
  {
    name: "dissolves its own cell into Q2's",
    event: q1(validEvent('org.dissolved', { id: atk(24), data: { orgId: 'Q1-C1', mergedInto: 'Q2-C1' } })),
  },
  {
    name: "dissolves Q2's cell outright",
    event: q1(validEvent('org.dissolved', { id: atk(25), data: { orgId: 'Q2-C1', mergedInto: undefined } })),
  },
  {
    name: "sets Q2's admissions target",
    event: q1(validEvent('target.set', { id: atk(26), data: { orgId: 'Q2', year: 2022, admissions: 0 } })),
  },
  {
    name: "sets the city's target",
    event: q1(validEvent('target.set', { id: atk(27), data: { orgId: 'HP', year: 2022, admissions: 1 } })),
  },
  {
    name: "issues a transfer of Q2's member from its own cell",
    event: q1(
      validEvent('transfer.issued', {
        id: atk(28),
        data: { transferId: 'ATK-T28', memberId: 'Q2-M1', fromOrgId: 'Q1-C1', toOrgId: 'Q1-C2', issuedOn: '2022-07-01' },
      }),
    ),
  },
  {
    name: 'issues a transfer from a cell of Q2',
    event: q1(
      validEvent('transfer.issued', {
        id: atk(29),
        data: { transferId: 'ATK-T29', memberId: 'Q2-M1', fromOrgId: 'Q2-C1', toOrgId: 'Q1-C1', issuedOn: '2022-07-01' },
      }),
    ),
  },
  {
    name: "issues a transfer under Q2's transfer id",
    event: q1(
      validEvent('transfer.issued', {
        id: atk(30),
        data: { transferId: 'Q2-T1', memberId: 'Q1-M3', fromOrgId: 'Q1-C1', toOrgId: 'Q1-C2', issuedOn: '2022-07-01' },
      }),
    ),
  },
  {
    name: "receives Q2's transfer into its own cell (Q2 is the sending end)",
    event: q1(validEvent('transfer.received', { id: atk(31), data: { transferId: 'Q2-T1', receivedOn: '2022-06-20' } })),
  },
  {
    name: "receives Q2's transfer after registering its external destination",
    event: q1(validEvent('transfer.received', { id: atk(32), data: { transferId: 'Q2-TX', receivedOn: '2022-06-20' } })),
  },
  {
    name: "cancels Q2's transfer",
    event: q1(validEvent('transfer.cancelled', { id: atk(33), data: { transferId: 'Q2-T1', on: '2022-06-05' } })),
  },
  {
    name: "returns Q2's temporary transfer into its own cell",
    event: q1(validEvent('transfer.returned', { id: atk(34), data: { transferId: 'Q2-TT', on: '2022-09-01' } })),
  },
  {
    name: 'cancels its own transfer to a cell of Q2',
    event: q1(validEvent('transfer.cancelled', { id: atk(35), data: { transferId: 'Q1-T1', on: '2022-06-05' } })),
  },
  { name: "takes in an arrival from outside under Q2's member id", event: arrival(36, 'Q2-M3') },
  { name: 'takes in an arrival into a cell of Q2', event: arrival(37, 'ATK-M37', { toOrgId: 'Q2-C2' }) },
  {
    name: "sends under Q2's source",
    event: q2(validEvent('member.admitted', { id: atk(38), data: { memberId: 'ATK-M38', orgId: 'Q1-C1' } })),
  },
  {
    name: "sends under the city's source",
    event: city(validEvent('member.admitted', { id: atk(39), data: { memberId: 'ATK-M39', orgId: 'Q1-C1' } })),
  },
  {
    name: "overwrites Q2's rejected event with its own body under Q2's key",
    event: { ...Q2_REJECTED, data: { memberId: 'Q2-M1', recognizedOn: '2023-01-01' } },
  },
  {
    name: 'redrives through a token that names no grant',
    event: q1(validEvent('member.updated', { id: atk(41), data: { memberId: 'Q2-M1', profile: { sex: 'female' } } })),
    token: 'forged-token',
  },
  {
    name: 'registers under itself an org id the registry grants to a ward system of Q2',
    event: q1(registerOrgAs(atk(43), 'Q2-NEW', 'Q1', 'grassroots-cell')),
  },
  {
    name: "redrives through a real grant's token, for another body",
    event: q1(validEvent('member.updated', { id: atk(42), data: { memberId: 'Q2-M1', profile: { sex: 'female' } } })),
    token: 'borrowed',
  },
].map((s) => ({ reason: 'out-of-scope', sender: Q1, ...s }) as Scenario);

/** Not Q1, but as hostile: an unregistered sender reusing Q2's key, so that Q2's rejection would be hidden. */
const STRANGER_SCENARIO: Scenario = {
  name: "an unregistered sender overwrites Q2's rejected event under Q2's key",
  event: { ...Q2_REJECTED, data: { memberId: 'Q2-M2', recognizedOn: '2023-01-01' } },
  sender: STRANGER,
  reason: 'out-of-scope',
};

function registerOrgAs(id: string, orgId: string, parentId: string | null, level: Parameters<typeof registerOrg>[2]) {
  return { ...registerOrg(orgId, parentId, level), id };
}

/** Everything of Q2 a report or a reader sees: its report, the records it owns, its markers and rejections. */
async function q2Snapshot(stack: TestStack): Promise<unknown> {
  const keys = [
    ...['Q2', 'Q2-C1', 'Q2-C2', 'HP'].map(orgKey),
    ...['Q2-M1', 'Q2-M2', 'Q2-M3', 'Q2-M4', 'Q2-M5', 'LATE-Q2', 'LATE2-Q2'].map(memberKey),
    dossierKey('Q2-D1'),
    ...['Q2-T1', 'Q2-TX', 'Q2-TT', 'Q1-T1'].map(transferKey),
    eventKey('csdl-q2', 'evt-1'),
    eventKey('csdl-q2', 'q2-bad'),
  ];
  const records = (await batchGetAll(stack.clients.documentClient, stack.env.RECORDS_TABLE_NAME!, keys, { consistentRead: true })).sort(
    (a, b) => String(a.pk).localeCompare(String(b.pk)),
  );
  const facts = await Promise.all(
    ['Q2-C1', 'Q2-C2'].flatMap((cell) => [2021, 2022].map((year) => partition(stack, `FACT#${cell}#${year}`))),
  );
  const rejected = (await partition(stack, 'REJECTED')).filter((r) => r.senderId === Q2);
  const reports = await Promise.all([2021, 2022].map((year) => buildReport(stack.stores.figures, 'Q2', { year, date: '2026-12-31' })));
  return { records, facts, rejected, reports };
}

describe('a hostile district cannot write outside its subtree, through any path', () => {
  let stack: TestStack;
  let before: unknown;
  let after: unknown;
  let rejected: RejectedEvent[];
  const send = (sender: string, events: object[], redrive?: string) =>
    stack.stores.ingestQueue.send(
      events.map((e) => ({ ...outgoing(JSON.stringify(e)), ...(redrive ? { redrive } : {}) })),
      { localSender: sender },
    );
  const phase = async (sender: string, events: object[]) => {
    await send(sender, events);
    await stack.settle();
  };

  beforeAll(async () => {
    // Prepare: the registry — the city, the two districts, and the operators (see the top)
    const dir = mkdtempSync(join(tmpdir(), 'adversarial-'));
    const producersFile = join(dir, 'producers.json');
    writeFileSync(
      producersFile,
      JSON.stringify({
        producers: [
          { senderId: CITY, name: 'city', sources: ['csdl-city'], orgs: ['*'] },
          { senderId: Q1, name: 'district Q1', sources: ['csdl-q1'], orgs: ['Q1'] },
          { senderId: Q2, name: 'district Q2', sources: ['csdl-q2'], orgs: ['Q2'] },
          { senderId: OPERATOR, name: 'operators', sources: ['csdl-operators'], orgs: ['*'] },
          // A ward of Q2 the city will register: its system is registered already
          { senderId: 'AROAW', name: 'ward of Q2', sources: ['csdl-w'], orgs: ['Q2-NEW'] },
        ],
      }),
    );
    stack = await startTestStack({ producersFile });
    // The city builds both districts
    await phase(
      CITY,
      [
        registerOrg('HP', null, 'province'),
        registerOrg('Q1', 'HP', 'upper-grassroots'),
        registerOrg('Q2', 'HP', 'upper-grassroots'),
        ...['Q1-C1', 'Q1-C2'].map((c) => registerOrg(c, 'Q1', 'grassroots-cell')),
        ...['Q2-C1', 'Q2-C2'].map((c) => registerOrg(c, 'Q2', 'grassroots-cell')),
      ].map(city),
    );
    await phase(CITY, [
      ...['Q1-M1', 'Q1-M2', 'Q1-M3'].map((m) => imported(m, 'Q1-C1')),
      ...['Q2-M1', 'Q2-M2', 'Q2-M3'].map((m) => imported(m, 'Q2-C1')),
      imported('Q2-M4', 'Q2-C2'),
      city(validEvent('dossier.received', { data: { dossierId: 'Q2-D1', personId: 'Q2-P1', orgId: 'Q2-C1' } })),
      city(validEvent('target.set', { data: { orgId: 'Q2', year: 2022, admissions: 12 } })),
    ]);
    await phase(CITY, [
      issued('Q2-T1', 'Q2-M2', 'Q2-C1', 'Q1-C1'),
      issued('Q2-TX', 'Q2-M3', 'Q2-C1', 'EXT-X'),
      issued('Q2-TT', 'Q2-M4', 'Q2-C2', 'Q1-C2', 'temporary'),
      city(validEvent('transfer.received', { data: { transferId: 'Q2-TT', memberId: 'Q2-M4', receivedOn: '2022-06-10' } })),
      issued('Q1-T1', 'Q1-M2', 'Q1-C1', 'Q2-C2'),
    ]);
    await phase(Q2, [Q2_APPLIED, Q2_REJECTED]);
    // Q1 registers Q2's external destination as its own cell, sends an update of a member
    // that does not exist yet (it waits, then lands in the DLQ), and an event rejected by a rule
    await phase(Q1, [q1(registerOrgAs('q1-ext', 'EXT-X', 'Q1', 'grassroots-cell')), DLQ_BOUND, Q1_REJECTED]);
    await send(Q1, [DLQ_FORGED], 'made-up-token');
    await stack.settle();
    // The members the waiting updates name now exist, in Q2; the operator redrives Q2's
    // rejected event (still rejected: a grant exists whose token Q1 will borrow)
    await phase(CITY, [imported('LATE-Q2', 'Q2-C1'), imported('LATE2-Q2', 'Q2-C1')]);
    const q2Rejection = (await stack.stores.redrive.listRejected()).find((r) => r.eventId === 'q2-bad' && r.senderId === Q2)!;
    await redriveRejected(stack.stores.redrive, stack.stores.ingestQueue, [q2Rejection.id]);
    await stack.settle();
    const borrowed = String((await partition(stack, 'REDRIVE'))[0]?.token);
    before = await q2Snapshot(stack);

    // Act: every attack at once, then the operator redrives the DLQ and Q1's rejected event
    for (const s of SCENARIOS) await send(s.sender, [s.event], s.token === 'borrowed' ? borrowed : s.token);
    await send(STRANGER_SCENARIO.sender, [STRANGER_SCENARIO.event]);
    await stack.settle();
    await redriveDlq(stack.stores.redrive, stack.stores.deadLetterQueue, stack.stores.ingestQueue);
    await redriveRejected(stack.stores.redrive, stack.stores.ingestQueue, [
      (await stack.stores.redrive.listRejected()).find((r) => r.eventId === Q1_REJECTED.id)!.id,
    ]);
    await stack.settle();
    after = await q2Snapshot(stack);
    rejected = await stack.stores.redrive.listRejected();
  });
  afterAll(async () => stack?.stop());

  it.each([...SCENARIOS, STRANGER_SCENARIO].map((s) => [s.name, s] as const))('%s: stored with its reason under its sender', (_name, s) => {
    // Assess
    const own = rejected.filter((r) => r.eventId === s.event.id && r.source === s.event.source && r.senderId === s.sender);
    expect(own.map((r) => r.reason)).toEqual([s.reason]);
    // What it was refused for touching is not kept (docs/security.md)
    expect(own[0]?.body).toBe('');
  });

  it('left nothing of Q2 changed: its reports, records, markers and rejections', () => {
    // Assess
    expect((before as { records: unknown[] }).records.length).toBeGreaterThan(10);
    expect(after).toEqual(before);
  });

  it("keeps Q2's rejected event as Q2 sent it, and lists every sender's own", () => {
    // Assess
    const sameKey = rejected.filter((r) => r.key === 'csdl-q2/q2-bad');
    expect(sameKey.map((r) => [r.senderId, r.reason]).sort()).toEqual([
      [STRANGER, 'out-of-scope'],
      [Q1, 'out-of-scope'],
      [Q2, 'not-probationary'],
    ]);
    expect(sameKey.find((r) => r.senderId === Q2)?.body).toBe(JSON.stringify(Q2_REJECTED));
  });

  it("does not launder through the DLQ: the waiting update, redriven by the operator, is still Q1's and out of scope", async () => {
    // Assess
    const own = rejected.filter((r) => r.eventId === DLQ_BOUND.id);
    expect(own.map((r) => [r.senderId, r.reason])).toEqual([[Q1, 'out-of-scope']]);
    expect((await getMember(stack, 'LATE-Q2'))?.profile).toMatchObject({ education: 'university' });
  });

  it("does not launder a made-up redrive token: Q1's update carrying one is Q1's and out of scope, never the operator's", async () => {
    // Assess
    const own = rejected.filter((r) => r.eventId === DLQ_FORGED.id);
    expect(own.map((r) => [r.senderId, r.reason])).toEqual([[Q1, 'out-of-scope']]);
    expect((await getMember(stack, 'LATE2-Q2'))?.profile).toMatchObject({ education: 'university' });
  });

  it("redrives Q1's rejected event as Q1: rejected again, listed as Q1's, never the operator's", () => {
    // Assess
    const own = rejected.filter((r) => r.eventId === Q1_REJECTED.id);
    expect(own.map((r) => [r.senderId, r.reason])).toEqual([[Q1, 'member-exists']]);
  });

  it('lets Q1 use an id Q2 applied, under its own source, as an event of its own', async () => {
    // Act
    await send(Q1, [q1(validEvent('member.admitted', { id: 'evt-1', data: { memberId: 'Q1-M9', orgId: 'Q1-C1' } }))]);
    await stack.settle();
    // Assess
    expect(await getMember(stack, 'Q1-M9')).toMatchObject({ cellId: 'Q1-C1' });
    expect(await getMember(stack, 'Q2-M5')).toMatchObject({ cellId: 'Q2-C1' });
  });

  it('cannot pre-claim an id Q2 will use: Q2 applies it afterwards as its own', async () => {
    // Prepare
    await send(Q1, [q1(validEvent('member.admitted', { id: 'q2-future', data: { memberId: 'Q1-M10', orgId: 'Q1-C1' } }))]);
    await stack.settle();
    // Act
    await send(Q2, [q2(validEvent('member.admitted', { id: 'q2-future', data: { memberId: 'Q2-M10', orgId: 'Q2-C2' } }))]);
    await stack.settle();
    // Assess
    expect(await getMember(stack, 'Q1-M10')).toMatchObject({ cellId: 'Q1-C1' });
    expect(await getMember(stack, 'Q2-M10')).toMatchObject({ cellId: 'Q2-C2' });
  });
});
