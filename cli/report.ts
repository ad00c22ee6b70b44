// cli: `dangvien report ORG [--year] [--date] [--format json|csv|xlsx|text] [--lang vi] [--out FILE]`
// (docs/report.md, §10). Usage is checked before the stack is asked anything, so a bad
// option exits 2 at once, with or without a stack.
import { writeFile } from 'node:fs/promises';
import { ExportFormatSchema, ExportLangSchema, type ExportFormat, type ExportLang, renderTableExport } from '../shared/report/export.js';
import { buildReport, buildReportText } from '../shared/use-cases/build-report/index.js';
import { connect } from './connect.js';
import { UsageError } from './errors.js';
import type { Target } from './target.js';
import { dateOption } from './option-values.js';
import { writeOut } from './output.js';

/** The options `report` reads (cli/program.ts). */
export interface ReportCommandOptions {
  year?: string;
  date?: string;
  format?: string;
  lang?: string;
  out?: string;
}

const USAGE = 'usage: dangvien report ORG [--year YYYY] [--date YYYY-MM-DD] [--format json|csv|xlsx|text] [--lang vi] [--out FILE]';

interface ReportRequest {
  orgId: string;
  year: number | undefined;
  date: string | undefined;
  format: ExportFormat;
  lang: ExportLang | undefined;
  out: string | undefined;
}

/** The command line as a request, or UsageError (exit 2). */
export function parseReportRequest(args: readonly string[], values: ReportCommandOptions, stdoutIsTty: boolean): ReportRequest {
  if (args.length !== 1) throw new UsageError(USAGE);
  const year = values.year === undefined ? undefined : Number(values.year);
  if (year !== undefined && !(Number.isInteger(year) && year >= 1930 && year <= 2200))
    throw new UsageError('--year must be a year such as 2021');
  const date = values.date === undefined ? undefined : dateOption('--date', values.date);
  const format = ExportFormatSchema.safeParse(values.format ?? 'json');
  if (!format.success) throw new UsageError(`--format ${format.error.issues[0]!.message}`);
  const lang = values.lang === undefined ? undefined : ExportLangSchema.safeParse(values.lang);
  if (lang && !lang.success) throw new UsageError(`--lang ${lang.error.issues[0]!.message}`);
  if (lang && format.data === 'json')
    throw new UsageError(
      '--lang vi labels the header of --format csv or xlsx (--format text is Vietnamese already); the JSON keeps its English keys',
    );
  if (values.out === '') throw new UsageError('--out needs a file name');
  // An Excel file is bytes that would garble the terminal (and can leave it in a bad state).
  if (format.data === 'xlsx' && values.out === undefined && stdoutIsTty)
    throw new UsageError('--format xlsx writes a binary file: give --out FILE, or redirect stdout (> FILE)');
  return { orgId: args[0]!, year, date, format: format.data, lang: lang?.data, out: values.out };
}

/** The report in the asked format, to `--out FILE` or stdout. */
export async function reportCommand(args: readonly string[], values: ReportCommandOptions, target: () => Target): Promise<void> {
  const request = parseReportRequest(args, values, process.stdout.isTTY === true);
  const store = connect(target()).figures;
  const when = { year: request.year, date: request.date };
  const bytes = await (async () => {
    if (request.format === 'text') return Buffer.from(await buildReportText(store, request.orgId, when), 'utf8');
    const report = await buildReport(store, request.orgId, when);
    if (request.format === 'json') return Buffer.from(`${JSON.stringify(report, null, 2)}\n`, 'utf8');
    return (await renderTableExport(report, request.format, request.lang)).body;
  })();
  if (request.out === undefined) {
    // Awaited: the process exits right after the command, and a pipe may not have taken it all yet.
    await writeOut(bytes);
    return;
  }
  try {
    await writeFile(request.out, bytes);
  } catch (error) {
    throw new UsageError(`cannot write --out ${request.out}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
