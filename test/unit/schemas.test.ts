// The files in schemas/ are what producers and API consumers get: they must be exactly
// what `npm run schema` generates from the zod schemas today, and they must say the same
// as the parser (bodies the ingest accepts are valid, bodies it refuses for a reason a
// schema can express are invalid), checked with a real JSON Schema validator (ajv).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR, schemaFiles } from '../../scripts/generate-schemas.js';
import { EVENT_TYPES, parseEvent } from '../../shared/domain/events/index.js';
import { renderReport, OrgTree } from '../../shared/domain/figures/index.js';
import { ReportSchema } from '../../shared/domain/figures/report-schema.js';
import type { OrgLevel, OrgRecord } from '../../shared/domain/records.js';
import { remindersDue } from '../../shared/domain/reminders.js';
import { ReminderSchema } from '../../shared/domain/reminder-schema.js';
import { validEvent, validExternalArrival } from '../helpers/events.js';

// ajv-formats is CommonJS: its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (
  ajv: Ajv2020,
) => Ajv2020;

const checkedIn = (name: string) => JSON.parse(readFileSync(join(SCHEMAS_DIR, name), 'utf8')) as Record<string, unknown>;

/** A validator for the checked-in file `name` (draft 2020-12, with date and date-time formats). */
function validatorOf(name: string) {
  const ajv = addFormats(new Ajv2020({ allErrors: true, strict: true }));
  return ajv.compile(checkedIn(name));
}

/** One valid body of every event type, as the ingest accepts them. */
const validBodies = (): object[] => [...EVENT_TYPES.map((type) => validEvent(type)), validExternalArrival()];

describe('schemas/', () => {
  it('holds exactly what `npm run schema` generates from the zod schemas', async () => {
    // Act
    const generated = await schemaFiles();
    const present = readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json'));
    // Assess
    expect(present.sort(), 'run npm run schema').toEqual([...generated.keys()].sort());
    for (const [name, content] of generated) {
      expect(readFileSync(join(SCHEMAS_DIR, name), 'utf8'), `schemas/${name} is out of date: run npm run schema`).toBe(content);
    }
    expect([...generated.keys()]).toEqual(expect.arrayContaining(['envelope.json', 'reminder.json', 'report.json', 'openapi.json']));
  });

  it('envelope.json accepts a body of every type the parser accepts, and names exactly one type for each', () => {
    // Prepare
    const validate = validatorOf('envelope.json');
    const oneOf = checkedIn('envelope.json').oneOf as unknown[];
    // Act
    const verdicts = validBodies().map((body) => ({
      parsed: parseEvent(JSON.stringify(body)).ok,
      valid: validate(body),
      errors: validate.errors,
    }));
    // Assess
    expect(oneOf).toHaveLength(EVENT_TYPES.length);
    for (const v of verdicts) expect(v).toMatchObject({ parsed: true, valid: true, errors: null });
  });

  it('envelope.json refuses what the parser refuses for a reason a schema can state', () => {
    // Prepare: each body breaks one rule of docs/events.md
    const admitted = validEvent('member.admitted');
    const badge = validEvent('member.badgeAwarded');
    const bad: Record<string, object> = {
      'unknown type': { ...admitted, type: 'member.promoted' },
      'unknown envelope field': { ...admitted, occuredAt: admitted.occurredAt },
      'unknown data field': { ...admitted, data: { ...admitted.data, cellId: 'C1' } },
      'missing data field': { ...admitted, data: { ...admitted.data, orgId: undefined } },
      'id outside the alphabet': { ...admitted, id: 'evt 1' },
      'source too long': { ...admitted, source: 's'.repeat(65) },
      'date not in the calendar': { ...admitted, data: { ...admitted.data, admittedOn: '2021-02-29' } },
      'date before 1900': { ...admitted, data: { ...admitted.data, admittedOn: '1899-12-31' } },
      'instant without offset': { ...admitted, occurredAt: '2021-03-02T09:15:00' },
      'bidirectional control in a name': {
        ...admitted,
        data: { ...admitted.data, profile: { ...admitted.data.profile, fullName: 'Nguyễn\u202EAn' } },
      },
      'blank name': { ...admitted, data: { ...admitted.data, profile: { ...admitted.data.profile, fullName: '   ' } } },
      'enum value': { ...admitted, data: { ...admitted.data, profile: { ...admitted.data.profile, sex: 'f' } } },
      'badge years not a milestone': { ...badge, data: { ...badge.data, years: 35 } },
    };
    const validate = validatorOf('envelope.json');
    // Act
    const verdicts = Object.entries(bad).map(([what, body]) => ({
      what,
      parsed: parseEvent(JSON.stringify(body)).ok,
      valid: validate(JSON.parse(JSON.stringify(body))),
    }));
    // Assess
    expect(verdicts).toEqual(Object.keys(bad).map((what) => ({ what, parsed: false, valid: false })));
  });

  it('each per-type file is the matching branch of envelope.json', () => {
    // Prepare
    const defs = checkedIn('envelope.json').$defs as Record<string, Record<string, unknown>>;
    // Assess
    for (const type of EVENT_TYPES) {
      const { $schema: _s, $id: _i, ...own } = checkedIn(`${type}.json`);
      expect(defs[type], type).toEqual(own);
    }
  });

  it('reminder.json accepts the reminders the job builds and refuses one with an extra field', () => {
    // Prepare
    const validate = validatorOf('reminder.json');
    const reminders = remindersDue(
      [
        { kind: 'dossier', dossierId: 'D1', cellId: 'C1', dueOn: '2025-03-10', thresholds: [15, 7, 3] },
        { kind: 'transfer', transferId: 'T1', cellId: 'C2', dueOn: '2025-02-20' },
      ],
      '2025-03-05',
      new Set(),
    ).map((k) => k.reminder);
    // Act
    const verdicts = reminders.map((r) => [validate(r), ReminderSchema.safeParse(r).success]);
    // Assess
    expect(reminders.map((r) => r.kind).sort()).toEqual(['dossier.dueSoon', 'transfer.late']);
    expect(verdicts).toEqual([
      [true, true],
      [true, true],
    ]);
    expect(validate({ ...reminders[0], fullName: 'Nguyễn Văn An' })).toBe(false);
  });

  it('report.json and the zod report schema accept a report renderReport builds, children, target and median included', () => {
    // Prepare: a province with a target, a district under it, and figures with a half-day median
    const org = (orgId: string, parentId: string | null, level: OrgLevel, targets = {}): OrgRecord => ({
      version: 1,
      orgId,
      parentId,
      name: `Tổ chức ${orgId}`,
      level,
      status: 'active',
      targets,
    });
    const hp = org('HP', null, 'province', { '2026': 8 });
    const q1 = org('Q1', 'HP', 'upper-grassroots');
    const tree = new OrgTree([hp, q1, org('C1', 'Q1', 'grassroots-cell')]);
    const figures = {
      state: {},
      yearly: {
        'admissions.total': 3,
        'admissions.female': 1,
        'dossiers.closedInYear': 2,
        'dossiers.daysToClose#41': 1,
        'dossiers.daysToClose#42': 1,
      },
      dueSoon: 0,
    };
    // Act
    const report = renderReport({
      org: hp,
      tree,
      figures,
      children: [{ org: q1, figures }],
      year: 2026,
      date: '2026-12-31',
    });
    // Assess
    expect(report).toMatchObject({ admissions: { target: 8, achievementPct: 37.5 }, dossiers: { medianDaysToClose: 41.5 } });
    expect(ReportSchema.parse(report)).toEqual(report);
    const validate = validatorOf('report.json');
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...report, members: { ...report.members, fullNames: [] } })).toBe(false);
    // No dossier closed: the median is null, not 0.
    expect(validate({ ...report, dossiers: { ...report.dossiers, medianDaysToClose: null } })).toBe(true);
    expect(validate({ ...report, dossiers: { ...report.dossiers, medianDaysToClose: -1 } })).toBe(false);
  });

  it('openapi.json describes GET /orgs/{orgId}/report with the report schema, its query parameters and SigV4', () => {
    // Prepare
    const doc = checkedIn('openapi.json') as {
      openapi: string;
      paths: Record<string, { get: { parameters: { name: string; in: string }[]; responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, unknown>; securitySchemes: Record<string, Record<string, unknown>> };
      security: unknown[];
    };
    const get = doc.paths['/orgs/{orgId}/report']?.get;
    // Assess
    expect(doc.openapi).toBe('3.1.0');
    expect(get?.parameters.map((p) => `${p.in}:${p.name}`)).toEqual([
      'path:orgId',
      'query:year',
      'query:date',
      'query:format',
      'query:lang',
    ]);
    expect(Object.keys(get?.responses ?? {})).toEqual(['200', '400', '403', '404', '503']);
    const { $schema: _s, $id: _i, ...report } = checkedIn('report.json');
    expect(doc.components.schemas.Report).toEqual(report);
    expect(doc.security).toEqual([{ sigv4: [] }]);
    expect(doc.components.securitySchemes.sigv4).toMatchObject({ 'x-amazon-apigateway-authtype': 'awsSigv4' });
  });
});
