// cli: `dangvien`, the operator's tool (CONTRACT §10). JSON on stdout where a program
// reads it; exit 0 on success, 1 on a failed check, 2 on bad usage or input.
//
// This entry point parses the arguments and answers --help and --version itself; a
// command's module (and with it the AWS SDK) is loaded only when that command runs.
import { parseArgs } from 'node:util';
import { CheckFailed, UsageError } from './errors.js';

/** Set by scripts/build-cli.mjs from package.json. */
declare const __DANGVIEN_VERSION__: string;

const COMMON = `
Target (default: the local stack of \`npm start\`):
  --data DIR              the local stack whose data is in DIR (default $DANGVIEN_DATA or .local/)
  --stack-outputs FILE    the deployed stack, from \`cdk deploy --outputs-file FILE\``;

const HELP: Record<string, string> = {
  main: `dangvien <command> [options]

Commands:
  send FILE.ndjson [--wait] [--sender ID]  send events (one JSON envelope per line) to the ingest queue
  validate FILE.ndjson                check every line offline, as the ingest would; no stack needed
  report ORG [--year YYYY] [--date D] [--format json|csv|xlsx] [--lang vi] [--out FILE]
                                      the figures of an org and its whole subtree (JSON, CSV or Excel)
  remind --date YYYY-MM-DD            run the daily reminders job as of that date
  rejected list                       the rejected events with their reasons, and those waiting
  rejected redrive ID…                send rejected events again after a fix
  dlq redrive                         move the dead-letter queue back to the ingest queue
  recompute [--check]                 rebuild every figure from the records; --check only compares
  import FILE.csv [--dry-run]         bulk import of a legacy member export
  status                              is it healthy? queues, waiting and rejected events, figures lag, last reminders run
  person show ID | person erase ID [--force]  what is held about a person; erase their personal data
  --version                           the version

Every command has --help.${COMMON}`,
  send: `dangvien send FILE.ndjson [--wait] [--timeout SECONDS] [--sender ID]
  Sends each line (one event envelope) grouped by the person it is about (named in the
  event, else found on an earlier line or in the stored dossier or transfer), with a
  deduplication id from (source, id) and the body's hash. A line over 256 KiB is refused
  with its number. With --wait, returns once every event is applied
  or rejected (and the figures have caught up) and prints {sent, accepted, duplicates, rejected}.
  --sender ID (local stack only) sends as the producer identity ID, as if it were an IAM
  principal's SenderId: the registry in $DANGVIEN_PRODUCERS_FILE decides what it may write.
  A line that is not JSON is reported on stderr with its line number and counted as rejected.${COMMON}`,
  validate: `dangvien validate FILE.ndjson
  Checks every line offline with the ingest's own parser (the envelope, each type's
  fields, unknown fields, limits, NFC, safe text, dates: docs/producers.md) and the same
  (source, id) twice in the file with different bodies (conflict). Needs no stack and
  no network. Prints one JSON {line, id, reason, message} per invalid line (id null when
  the line has no usable id); blank lines are skipped, as send skips them, but counted
  in line numbers. A line over 256 KiB is invalid (reason schema).
  Exit 0 when every line is valid, 1 when any is not, 2 when the file cannot be read.`,
  report: `dangvien report ORG [--year YYYY] [--date YYYY-MM-DD] [--format json|csv|xlsx] [--lang vi] [--out FILE]
  The report of CONTRACT §9. --date (default today in Vietnam) is the day dueSoon,
  overdue, late and asOf are judged on; --year defaults to the year of --date.
  --format csv|xlsx: a table instead of the JSON: a header row, a row for ORG and one per
    child; columns orgId, name, level, then every number of the JSON by its dotted path
    (organizations.grassroots … badges.awarded). A child carries only members.* and
    admissions.*: its other cells are empty, as is a target that is not set. CSV is UTF-8
    with a byte order mark (Excel reads the diacritics); xlsx needs --out FILE or a
    redirected stdout (never a terminal).
  --lang vi: Vietnamese column labels in the header (Tổng số đảng viên, …); csv and xlsx
    only: the JSON keeps its English keys, and --lang with json is bad usage.
  --out FILE: write the report (any format) to FILE instead of stdout.
  Exit 2 when ORG is not registered or an option is bad.${COMMON}`,
  remind: `dangvien remind --date YYYY-MM-DD
  Runs the daily job as of that date and prints each reminder it emitted, one JSON per line.
  The digests it sent (one per subscribed org and day) go to stderr as the text a person reads.
  Running it twice for a day sends nothing new.${COMMON}`,
  rejected: `dangvien rejected list | rejected redrive ID…
  list: {"rejected": [...], "waiting": [...]} with reason codes and messages (no bodies: they hold personal data).
  redrive: sends the stored bodies again (fix the producer, or the org tree, first).${COMMON}`,
  dlq: `dangvien dlq redrive
  Moves every message of the ingest dead-letter queue back to the ingest queue.${COMMON}`,
  status: `dangvien status
  One JSON answer: the ingest queue (visible, in flight, age of the oldest message), the
  dead-letter queue, the rejected and waiting events, how far the figures lag behind the
  records, the last completed run of the daily reminders job, and "attention": what
  needs a person. Exit 0 when healthy, 1 when something needs a person.${COMMON}`,
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
  --dry-run checks every row the same way against the stored org tree and members,
  writes nothing and prints {rows, wouldImport, skipped, badRows}.
  Exit 1 when interrupted, 2 when the file cannot be read (missing, not UTF-8, a quote
  never closed) or its header is wrong.${COMMON}`,
};

HELP.person = `dangvien person show ID | person erase ID [--force]
  show: everything held about a person (applicant, member or attendee id), as JSON: the
  records with their profiles, the audit trail (events without personal fields) and
  the rejected events that name them. An admission links the applicant's and the
  member's ids: either one shows both.
  erase: destroys the person's keys and removes their profiles and rejected events,
  so that no readable copy of their personal data remains; ids, dates, statuses and
  the figures' yes/no traits stay, and every figure with them. Refused with
  "retention" (exit 2) for a person who is or was a member, unless --force.
  Prints what was erased as JSON.${COMMON}`;

export const OPTIONS = {
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'v', default: false },
  wait: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  year: { type: 'string' },
  date: { type: 'string' },
  check: { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  sender: { type: 'string' },
  data: { type: 'string' },
  'stack-outputs': { type: 'string' },
  format: { type: 'string' },
  lang: { type: 'string' },
  out: { type: 'string' },
} as const;

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  const [command, ...args] = positionals;
  if (values.version) {
    console.log(__DANGVIEN_VERSION__);
    return;
  }
  if (!command || values.help) {
    console.log(HELP[command ?? 'main'] ?? HELP.main);
    return;
  }
  // validate is offline: it must not load commands.js, which loads the AWS SDK.
  if (command === 'validate') {
    const { runValidate } = await import('./validate.js');
    await runValidate(args);
    return;
  }
  const { runCommand } = await import('./commands.js');
  await runCommand(command, args, values);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
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
