// report export: the report JSON (docs/report.md) as one table — the rows that the CSV and
// the Excel sheet are written from, for the CLI, the report Lambda and the local API alike.
// Pure: no I/O, no AWS.
//
// Invariant: every number in the table is the JSON's value at the column's dotted path.
// The columns are read from the JSON itself (its key order), so a figure added to the
// report becomes a column without touching this file (a section the JSON may leave null
// or absent takes its columns from the report's schema, so the columns never depend on
// the data); a child row holds only the sections
// a child carries in the JSON (members, admissions), the others are empty cells — not
// zeros, which would claim a figure the report never computed for that child. `asOf` and
// `year` are the report's own, on every row: a printed sheet, or a row pasted elsewhere,
// still says what day and year it is as of.
import type { Report } from '../domain/figures/report.js';
import { ReportSchema } from '../domain/figures/report-schema.js';
import type { BusinessDate, OrgLevel } from '../domain/records.js';
import { ORG_LEVEL_NAMES } from '../domain/vietnamese.js';

/** A date cell (`asOf`): each format writes it as its readers write dates. */
export interface DateCell {
  date: BusinessDate;
}

/** A cell: text for the org's identity, a number for a figure, a date, null for an empty cell. */
export type TableCell = string | number | DateCell | null;

/** The org's identity columns, first in every row. */
export const IDENTITY_COLUMNS = ['orgId', 'name', 'level'] as const;

/** The report's parameters, after the identity: the same on every row. */
export const PARAMETER_COLUMNS = ['asOf', 'year'] as const;

/** Top-level keys of the report that are not figure columns; `children` are the further rows, `suppressed` marks cells. */
const NOT_COLUMNS: ReadonlySet<string> = new Set([...IDENTITY_COLUMNS, ...PARAMETER_COLUMNS, 'suppressed', 'children']);

/**
 * The cell of a figure a row's `suppressed` names (docs/report.md "Small counts
 * suppressed"): words, not an empty cell, which would read as "no figure computed".
 */
export const SUPPRESSED_CELL: Record<'vi' | 'en', string> = { en: 'suppressed', vi: 'không công bố (số lượng ít)' };

/** The language of the table's words: the contract's (the default) or Vietnamese (`--lang vi`). */
export type TableLang = 'vi' | undefined;

/** The report's table: `columns` are the keys (`orgId`, …, `members.total`, …), then one row for the org and one per child. */
export interface ReportTable {
  columns: string[];
  rows: TableCell[][];
}

/** Thrown when the report holds a value a table cell cannot (a programming error, not bad input). */
export class NotATableError extends Error {
  override name = 'NotATableError';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A zod schema as far as the table reads it: its kind, what it wraps, an object's fields. */
interface SchemaNode {
  def: { type: string };
  unwrap?: () => SchemaNode;
  shape?: Record<string, SchemaNode>;
}

/** The object fields a schema describes (through nullable and optional), or undefined for a leaf or no schema. */
function fieldsOf(schema: SchemaNode | undefined): Record<string, SchemaNode> | undefined {
  let s = schema;
  while (s && (s.def.type === 'nullable' || s.def.type === 'optional') && s.unwrap) s = s.unwrap();
  return s?.def.type === 'object' ? s.shape : undefined;
}

/**
 * Every leaf of `section` by its dotted path under `prefix`, in the JSON's key order; a
 * leaf is a number or null. A section the report may leave null or absent (`term`, a
 * sub-target) still gives its columns, from the schema, so that the table has the same
 * columns whatever the data: they follow the JSON's keys, in the schema's order.
 */
function leafPaths(section: Record<string, unknown>, schema: SchemaNode | undefined, prefix: string): string[] {
  const fields = fieldsOf(schema);
  const keys = [...Object.keys(section), ...Object.keys(fields ?? {}).filter((k) => !(k in section))];
  return keys.flatMap((key) => {
    const path = `${prefix}.${key}`;
    const value = section[key];
    if (isObject(value)) return leafPaths(value, fields?.[key], path);
    if ((value === null || value === undefined) && fieldsOf(fields?.[key])) return leafPaths({}, fields?.[key], path);
    if (typeof value === 'number' || value === null || value === undefined) return [path];
    throw new NotATableError(`the report's ${path} is not a number`);
  });
}

/** The figure columns of a report: every number of its JSON by dotted path, in the JSON's order. */
export function figureColumns(report: Report): string[] {
  const sections = fieldsOf(ReportSchema as unknown as SchemaNode) ?? {};
  return Object.entries(report as unknown as Record<string, unknown>)
    .filter(([key]) => !NOT_COLUMNS.has(key))
    .flatMap(([key, value]) => {
      if (value === null && fieldsOf(sections[key])) return leafPaths({}, sections[key], key);
      if (!isObject(value)) throw new NotATableError(`the report's ${key} is not a section of figures`);
      return leafPaths(value, sections[key], key);
    });
}

/** The value at a dotted path, or undefined when a section on the way is absent. */
function valueAt(source: Record<string, unknown>, path: string): unknown {
  let at: unknown = source;
  for (const key of path.split('.')) {
    if (!isObject(at)) return undefined;
    at = at[key];
  }
  return at;
}

function rowOf(source: Record<string, unknown>, report: Report, figures: readonly string[], lang: TableLang): TableCell[] {
  const level = source.level as OrgLevel;
  const identity = [String(source.orgId), String(source.name), lang === 'vi' ? (ORG_LEVEL_NAMES[level] ?? level) : level];
  const hidden = new Set(((source.suppressed ?? []) as Array<{ field: string }>).map((f) => f.field));
  const cells = figures.map((path) => {
    if (hidden.has(path)) return SUPPRESSED_CELL[lang ?? 'en'];
    const v = valueAt(source, path);
    // Absent (a section a child does not carry) and null (no target) are both empty.
    return typeof v === 'number' ? v : null;
  });
  return [...identity, { date: report.asOf }, report.year, ...cells];
}

/**
 * The report as a table: a row for the org, then one per child in the JSON's order. With
 * `lang` `vi` the levels are their Vietnamese names (`Chi bộ trực thuộc`); every number
 * stays the JSON's.
 */
export function reportTable(report: Report, lang?: TableLang): ReportTable {
  const figures = figureColumns(report);
  const rows = [report, ...report.children].map((r) => rowOf(r as unknown as Record<string, unknown>, report, figures, lang));
  return { columns: [...IDENTITY_COLUMNS, ...PARAMETER_COLUMNS, ...figures], rows };
}
