// cli: `dangvien`, the operator's tool (CONTRACT §10). JSON on stdout where a program
// reads it; exit 0 on success, 1 on a failed check, 2 on bad usage or input.
import { parseArgs } from 'node:util';
import { BusinessDateSchema } from '../shared/domain/events.js';
import { listRejected, redriveDlq, redriveRejected, listWaiting } from '../shared/data/redrive.js';
import { buildReport, UnknownOrgError } from '../shared/use-cases/build-report.js';
import { recomputeFigures } from '../shared/use-cases/recompute-figures.js';
import { sendFile } from './send.js';
import { resolveTarget, UsageError } from './target.js';

const COMMON = `
Target (default: the local stack of \`npm start\`):
  --data DIR              the local stack whose data is in DIR (default $DANGVIEN_DATA or .local/)
  --stack-outputs FILE    the deployed stack, from \`cdk deploy --outputs-file FILE\``;

const HELP: Record<string, string> = {
  main: `dangvien <command> [options]

Commands:
  send FILE.ndjson [--wait]           send events (one JSON envelope per line) to the ingest queue
  report ORG [--year YYYY] [--date D] the figures of an org and its whole subtree (JSON)
  remind --date YYYY-MM-DD            run the daily reminders job as of that date
  rejected list                       the rejected events with their reasons, and those waiting
  rejected redrive ID…                send rejected events again after a fix
  dlq redrive                         move the dead-letter queue back to the ingest queue
  recompute [--check]                 rebuild every figure from the records; --check only compares
  import FILE.csv                     bulk import of a legacy member export

Every command has --help.${COMMON}`,
  send: `dangvien send FILE.ndjson [--wait] [--timeout SECONDS]
  Sends each line (one event envelope) with MessageGroupId = its subject and
  deduplication id = its event id. With --wait, returns once every event is applied
  or rejected (and the figures have caught up) and prints {sent, accepted, duplicates, rejected}.
  A line that is not JSON is reported on stderr with its line number and counted as rejected.${COMMON}`,
  report: `dangvien report ORG [--year YYYY] [--date YYYY-MM-DD]
  The report of CONTRACT §9. --date (default today in Vietnam) is the day dueSoon,
  overdue, late and asOf are judged on; --year defaults to the year of --date.
  Exit 2 when ORG is not registered.${COMMON}`,
  remind: `dangvien remind --date YYYY-MM-DD
  Runs the daily job as of that date and prints each reminder it emitted, one JSON per line.
  Running it twice for a day sends nothing new.${COMMON}`,
  rejected: `dangvien rejected list | rejected redrive ID…
  list: {"rejected": [...], "waiting": [...]} with reason codes and messages (no bodies: they hold personal data).
  redrive: sends the stored bodies again (fix the producer, or the org tree, first).${COMMON}`,
  dlq: `dangvien dlq redrive
  Moves every message of the ingest dead-letter queue back to the ingest queue.${COMMON}`,
  recompute: `dangvien recompute [--check]
  Recounts every figure from the records. Without --check the stored figures that
  differ are replaced; with --check they are only listed, and the exit code is 1 if any differ.${COMMON}`,
  import: `dangvien import FILE.csv [--timeout SECONDS]
  Bulk import of a legacy member export: one row per member, a header row naming the
  columns (any order): memberId, cellId, status (official|probationary), admittedOn,
  recognizedOn (official only), fullName (optional), sex (female|male), birthDate,
  ethnicity, religion (optional, empty = none), education, occupation, youthUnion (true|false).
  Each row passes the same checks as a member.imported event (schema, dates, a registered
  active cell, a member not yet there); bad rows are reported on stderr with their line
  numbers and skipped. Rows are written in batches with a marker each, so running the
  same file again (after Ctrl-C, a crash, or a fix elsewhere) continues where it stopped
  and never counts a member twice. Prints {rows, imported, skipped, badRows}; on the
  local stack it returns once the figures have followed (--timeout, default 1800 s).
  Exit 1 when interrupted, 2 when the file cannot be read or its header is wrong.${COMMON}`,
};

class CheckFailed extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      year: { type: 'string' },
      date: { type: 'string' },
      check: { type: 'boolean', default: false },
      data: { type: 'string' },
      'stack-outputs': { type: 'string' },
    },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) {
    console.log(HELP[command ?? 'main'] ?? HELP.main);
    return;
  }
  const target = () => resolveTarget({ data: values.data, stackOutputs: values['stack-outputs'] });
  const date = (required: boolean) => {
    if (values.date === undefined) {
      if (required) throw new UsageError('--date YYYY-MM-DD is required');
      return undefined;
    }
    if (!BusinessDateSchema.safeParse(values.date).success) throw new UsageError(`--date must be a calendar date YYYY-MM-DD`);
    return values.date;
  };
  switch (command) {
    case 'send': {
      if (args.length !== 1) throw new UsageError('usage: dangvien send FILE.ndjson [--wait]');
      const summary = await sendFile(args[0]!, target(), {
        wait: values.wait,
        timeoutMs: Number(values.timeout ?? 300) * 1000,
        warn: (s) => console.error(s),
      });
      console.log(JSON.stringify(summary));
      if (summary.pending) throw new CheckFailed(`${summary.pending} events still wait for a predecessor: see \`dangvien rejected list\``);
      return;
    }
    case 'report': {
      if (args.length !== 1) throw new UsageError('usage: dangvien report ORG [--year YYYY] [--date YYYY-MM-DD]');
      const year = values.year === undefined ? undefined : Number(values.year);
      if (year !== undefined && !(Number.isInteger(year) && year >= 1930 && year <= 2200)) throw new UsageError('--year must be a year such as 2021');
      const d = date(false);
      target();
      console.log(JSON.stringify(await buildReport(args[0]!, { year, date: d }), null, 2));
      return;
    }
    case 'remind': {
      const d = date(true)!;
      target();
      const [{ runRemindersJob }, { dynamoRemindersStore }] = await Promise.all([import('../shared/use-cases/send-reminders.js'), import('../shared/data/reminder-store.js')]);
      const result = await runRemindersJob(dynamoRemindersStore, d);
      for (const r of result.reminders) console.log(JSON.stringify(r));
      return;
    }
    case 'rejected': {
      const [sub, ...ids] = args;
      target();
      if (sub === 'list') {
        const rejected = (await listRejected()).map(({ body: _body, ...r }) => r);
        console.log(JSON.stringify({ rejected, waiting: await listWaiting() }, null, 2));
        return;
      }
      if (sub === 'redrive' && ids.length > 0) {
        const result = await redriveRejected(ids, process.env.INGEST_QUEUE_URL!);
        console.log(JSON.stringify(result));
        if (result.unknown.length > 0) throw new UsageError(`not among the rejected: ${result.unknown.join(', ')}`);
        return;
      }
      throw new UsageError('usage: dangvien rejected list | dangvien rejected redrive ID…');
    }
    case 'dlq': {
      if (args[0] !== 'redrive') throw new UsageError('usage: dangvien dlq redrive');
      target();
      console.log(JSON.stringify({ moved: await redriveDlq(process.env.INGEST_DLQ_URL!, process.env.INGEST_QUEUE_URL!) }));
      return;
    }
    case 'recompute': {
      target();
      const differences = await recomputeFigures({ write: !values.check });
      console.log(JSON.stringify({ differences: differences.length, details: differences }, null, 2));
      if (values.check && differences.length > 0) throw new CheckFailed(`${differences.length} stored figures differ from a recount`);
      return;
    }
    case 'import': {
      if (args.length !== 1) throw new UsageError('usage: dangvien import FILE.csv [--timeout SECONDS]');
      const { importFile } = await import('./import.js');
      const summary = await importFile(args[0]!, target(), { timeoutMs: Number(values.timeout ?? 1800) * 1000 });
      console.log(JSON.stringify(summary, null, 2));
      if (summary.interrupted) throw new CheckFailed('interrupted: run the same command again to continue where it stopped');
      return;
    }
    default:
      throw new UsageError(`unknown command ${command}; see dangvien --help`);
  }
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof UnknownOrgError) {
      console.error(error.message);
      process.exit(2);
    }
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error((error as Error).message);
      process.exit(2);
    }
    if (error instanceof CheckFailed) {
      console.error(error.message);
      process.exit(1);
    }
    console.error(`dangvien: ${(error as Error).message}`);
    process.exit(1);
  },
);
