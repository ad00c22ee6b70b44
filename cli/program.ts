// cli: the `dangvien` command tree — every command, its arguments, its own options and its
// help — on commander. Commander because it is the most used and best kept parser for
// Node (no dependencies, typed, ESM), and it gives per-command options (another command's
// option is refused), generated help, `help COMMAND` and nested commands as they are;
// it loads in about 15 ms, so `--help` stays fast. The help printed here is the help in
// docs/cli.md (scripts/generate-cli-docs.ts).
//
// Each action loads what its command needs when it runs (cli/commands.ts, and with it the
// AWS SDK); `validate` loads cli/validate.ts alone and never the AWS SDK.
import { type AddHelpTextContext, Command, Option, type OutputConfiguration } from 'commander';
import { EXIT_MEANINGS } from './errors.js';
import { writeOut } from './output.js';

/** How the program is built: its version, and where its help and the parser's errors go. */
export interface ProgramOptions {
  version: string;
  /** Default: stdout and stderr, wrapped to the terminal's width. */
  output?: OutputConfiguration;
}

const TARGET = 'Target (default: the local stack of `npm start`):';

/** Adds --data and --stack-outputs to a command that talks to a stack. */
function talksToStack(command: Command): Command {
  return command
    .addOption(new Option('--data <dir>', 'the local stack whose data is in DIR (default: $DANGVIEN_DATA, else .local/)').helpGroup(TARGET))
    .addOption(new Option('--stack-outputs <file>', 'the deployed stack, from `cdk deploy --outputs-file FILE`').helpGroup(TARGET));
}

const commands = () => import('./commands.js');

/** The exit codes after the program's help, wrapped as the parser wraps its own lists. */
function exitCodesHelp({ command, error }: AddHelpTextContext): string {
  const output = command.configureOutput();
  const helper = command.createHelp();
  helper.prepareContext({ helpWidth: (error ? output.getErrHelpWidth?.() : output.getOutHelpWidth?.()) ?? 80 });
  const items = Object.entries(EXIT_MEANINGS).map(([code, meaning]) => helper.formatItem(code, 1, meaning, helper));
  return `\nExit codes:\n${items.join('\n')}\n\nEnvironment variables, shell completion and every command's help: docs/cli.md.`;
}

/** The whole `dangvien` program. Parse with `parseAsync(argv, { from: 'user' })`; it throws instead of exiting. */
export function buildProgram(opts: ProgramOptions): Command {
  const program = new Command('dangvien');
  // Set before the commands are added: each command inherits them.
  program
    .exitOverride()
    .configureOutput(opts.output ?? {})
    .showHelpAfterError('(add --help for usage)')
    .version(opts.version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', 'show the help of a command')
    .usage('<command> [options]')
    .description(
      'The operator’s tool for the dangvien backend: send and check events, read the report, run the reminders job, look after rejected events, the figures and personal data. JSON on stdout where a program reads it; messages on stderr.',
    )
    .addHelpText('after', exitCodesHelp);

  talksToStack(
    program
      .command('send')
      .summary('send events (one JSON envelope per line) to the ingest queue')
      .description(
        [
          'Sends each line (one event envelope), grouped by the person it is about (named in the event, else found on an earlier line or in the stored dossier or transfer), with a deduplication id from (source, id) and the body’s hash. A line over 256 KiB is refused with its number; a line that is not JSON is reported with its number, sent, and counted as rejected; a line that repeats an earlier line’s (source, id) with another body is a conflict: not sent, counted as rejected, as `validate` reports it.',
          'With --wait it returns once every line of the file is applied or rejected and, on the local stack, the figures have followed them — an event of someone else’s waiting elsewhere never holds it up — and prints {sent, accepted, duplicates, rejected}: every line counts once. Progress goes to stderr.',
          '--timeout is a hard limit: at it, exit 1 with `pending` (how many lines are not yet applied or rejected) and `pendingLines`, each line with why: what it waits for, how often it was tried and when it is tried next (or that it went to the dead-letter queue), or that it is held behind an earlier line of the same person; also listed on stderr.',
        ].join('\n\n'),
      )
      .argument('<file>', 'NDJSON: one event envelope per line')
      .option('--wait', 'wait until every line is applied or rejected and the figures have followed')
      .option('--timeout <seconds>', 'with --wait: a hard limit on the wait (default 300)')
      .option('--sender <id>', 'local stack only: send as this producer identity ($DANGVIEN_PRODUCERS_FILE decides what it may write)'),
  ).action(async (file: string, options) => (await commands()).send(file, options));

  program
    .command('validate')
    .summary('check every line of a file offline, as the ingest would; no stack needed')
    .description(
      [
        'Checks every line with the ingest’s own parser (the envelope, each type’s fields, unknown fields, limits, NFC, safe text, dates: docs/producers.md), and the same (source, id) twice in the file with different bodies (conflict). Needs no stack and no network.',
        'Prints one JSON {line, id, reason, message} per invalid line (id null when the line has no usable id); blank lines are skipped, as send skips them, but counted in line numbers. A line over 256 KiB is invalid (reason schema).',
        'Exit 1 when a line is invalid, 2 when the file cannot be read.',
      ].join('\n\n'),
    )
    .argument('<file>', 'NDJSON: one event envelope per line')
    .action(async (file: string) => (await import('./validate.js')).runValidate([file]));

  talksToStack(
    program
      .command('report')
      .summary("the figures of an org and its whole subtree (JSON, CSV, Excel or the committee's text)")
      .description(
        [
          'The report of an org and its whole subtree, as the HTTP API gives it. --date is the day the report is as of: members, open dossiers, dueSoon, overdue and late are those of its end, and the yearly figures count --year from 1 January to it. --date defaults to today in Vietnam, or to 31 December of a past --year given alone (its year-end report); --year defaults to the year of --date.',
          '--format csv|xlsx gives a table instead of the JSON: a header row, a row for ORG and one per child, columns orgId, name, level, asOf, year, then every number of the JSON by its dotted path; an empty cell is a number the JSON does not hold, never zero. CSV is UTF-8 with a byte order mark; xlsx needs --out FILE or a redirected stdout, never a terminal.',
          '--format text gives the paragraph a committee pastes into its report, in Vietnamese: the admissions of the year (or of its first months) against the own plan and the plan the level above assigned, the term since its start, the breakdowns with their shares and the change from the previous year, the members, transfers and exits. Organizations by name, never a person.',
          'Exit 2 when ORG is not registered or an option is bad.',
        ].join('\n\n'),
      )
      .argument('<org>', 'the org id')
      .option('--year <yyyy>', 'the year of the yearly figures (default: the year of --date)')
      .option('--date <YYYY-MM-DD>', 'the day the report is as of (default: today in Vietnam; 31 December of a past --year given alone)')
      .option('--format <format>', 'json, csv, xlsx or text (default: json)')
      .option(
        '--lang <lang>',
        'vi: the table in Vietnamese: header labels and levels by name; CSV as Excel on a Vietnamese Windows reads it (; between fields, , before decimals, dates dd/mm/yyyy); xlsx with a title row (Báo cáo số liệu … tính đến ngày dd/mm/yyyy). CSV and xlsx only: the JSON keeps its English keys',
      )
      .option('--out <file>', 'write the report to FILE instead of stdout'),
  ).action(async (org: string, options) => (await commands()).report(org, options));

  talksToStack(
    program
      .command('remind')
      .summary('run the daily reminders job as of a date')
      .description(
        [
          'Runs the daily job as of that date and prints each reminder it emitted, one JSON per line. The digests it sent (one per subscribed org and day) go to stderr as the text a person reads. Running it twice for a day sends nothing new.',
          'A date after today (in Vietnam) is a dry run unless --force: the reminders it would send are printed the same way, and nothing is published or recorded (the job’s last run stays as it was). --dry-run does the same for any date.',
        ].join('\n\n'),
      )
      .requiredOption('--date <YYYY-MM-DD>', 'the day the job runs as of')
      .addOption(new Option('--dry-run', 'print what the job would send, send and record nothing').conflicts('force'))
      .option('--force', 'run the job for a date after today: its reminders go out now, before their day'),
  ).action(async (options) => (await commands()).remind(options));

  const rejected = program
    .command('rejected')
    .summary('the rejected events with their reasons, and those waiting; send them again')
    .description('The events the ingest refused (with a reason code) and those waiting for a predecessor.');
  talksToStack(
    rejected
      .command('list')
      .summary('the rejected events and those waiting')
      .description(
        'Prints {"rejected": [...], "waiting": [...]} with reason codes and messages (never the bodies: they hold personal data).',
      ),
  ).action(async (options) => (await commands()).rejectedList(options));
  talksToStack(
    rejected
      .command('redrive')
      .summary('send rejected events again after a fix')
      .description(
        'Sends the stored bodies of these rejected events again (fix the producer, or the org tree, first). An event rejected again is listed again, with its new reason. Exit 2 for an id that is not among the rejected, 1 when the queue refused some (they stay listed).',
      )
      .argument('<ids...>', 'the ids `rejected list` shows'),
  ).action(async (ids: string[], options) => (await commands()).rejectedRedrive(ids, options));

  const dlq = program.command('dlq').summary('the dead-letter queue').description('The ingest’s dead-letter queue.');
  talksToStack(
    dlq
      .command('redrive')
      .summary('move the dead-letter queue back to the ingest queue')
      .description('Moves every message of the ingest dead-letter queue back to the ingest queue; prints {moved}.'),
  ).action(async (options) => (await commands()).dlqRedrive(options));
  talksToStack(
    dlq
      .command('discard')
      .summary('take events out of the dead-letter queue for good; each is kept as a rejected event')
      .description(
        [
          'Takes the named events out of the dead-letter queue, each kept as a rejected event `discarded` under the producer that first sent it (its body as any rejected body: `dangvien rejected redrive` can still send it while it is kept). A message group held behind a discarded event is released: the events parked behind it apply at the next `dlq redrive`. Prints {discarded}, each with its group and whether that group was released.',
          'An id is `<source>/<id>`, or an event id that names one message (what `status` shows of a held group). An id not in the dead-letter queue: exit 2, nothing changed. The other messages read while looking are made visible again at once. It asks first on a terminal; elsewhere it needs --yes. --dry-run prints {wouldDiscard} and changes nothing.',
        ].join('\n\n'),
      )
      .argument('<ids...>', 'the events: `<source>/<id>`, or the event id')
      .option('--dry-run', 'list what would be discarded, change nothing')
      .option('--yes', 'discard without asking (needed when stdin is not a terminal)'),
  ).action(async (ids: string[], options) => (await commands()).dlqDiscard(ids, options));

  talksToStack(
    program
      .command('recompute')
      .summary('recount every figure from the records; --check only compares')
      .description(
        [
          'Recounts every figure from the records and replaces the stored figures that differ (and every provisional deadline a newer calendar moves): a repair. It asks first on a terminal; elsewhere it needs --yes. It refuses (exit 1) while events flow — a message on the ingest queue, or the figures behind the records — since a change landing between its scan and its writes could leave a figure counted from an older version of a record: run it again once `dangvien status` shows both at rest.',
          '--dry-run lists what it would replace and writes nothing (exit 0 whatever it finds): a look before a repair. --check is the same comparison as a health check: exit 1 when anything differs. Both print {differences, details}.',
        ].join('\n\n'),
      )
      .addOption(new Option('--check', 'only compare: exit 1 when a stored figure differs from the recount').conflicts(['dryRun', 'yes']))
      .option('--dry-run', 'list what would be replaced, write nothing')
      .option('--yes', 'replace without asking (needed when stdin is not a terminal)'),
  ).action(async (options) => (await commands()).recompute(options));

  talksToStack(
    program
      .command('import')
      .summary('bulk import of a legacy member export (CSV)')
      .description(
        [
          'One row per member, a header row naming the columns in any order, in English or Vietnamese: memberId, cellId, status (official|probationary), admittedOn, recognizedOn (official only), fullName (optional), sex (female|male), birthDate, ethnicity, religion (optional, empty = none), education and/or qualification (the higher counts), occupation, youthUnion (true|false); a column STT is left aside. Values as the events write them or as a Vietnamese export does (dates dd/mm/yyyy, Nam|Nữ, Chính thức|Dự bị, Có|x / Không|empty, education and occupation by their Vietnamese names: docs/import.md); a value that is neither is a bad row naming its line and column. Each row passes the checks of a member.imported event; bad rows are reported on stderr with their line numbers and skipped.',
          'Rows are written in batches with a marker each: running the same file again (after Ctrl-C, a crash, or a fix) continues where it stopped and never counts a member twice. Prints {rows, imported, skipped, badRows}; on the local stack it returns once the figures have followed its rows (never waiting for anything else queued), or at --timeout with `figuresFollowed: false` and exit 1.',
          '--dry-run checks every row the same way against the stored org tree and members, writes nothing, and prints {rows, wouldImport, skipped, badRows}: exit 1 when a row is bad.',
          'Exit 1 when interrupted, 2 when the file cannot be read (missing, not UTF-8, a quote never closed) or its header is wrong.',
        ].join('\n\n'),
      )
      .argument('<file>', 'the CSV file (UTF-8, `,` or `;` between fields)')
      .option('--dry-run', 'check every row, write nothing')
      .option('--timeout <seconds>', 'a hard limit on the wait for the figures to follow its rows (default 1800); exit 1 at it'),
  ).action(async (file: string, options) => (await commands()).importCsv(file, options));

  talksToStack(
    program
      .command('status')
      .summary('is it healthy? queues, waiting and rejected events, figures lag, last reminders run')
      .description(
        [
          'One JSON answer: the ingest queue (visible, in flight, age of the oldest message), the dead-letter queue, the rejected and waiting events (the oldest by name), how far the figures lag behind the records, the last completed run of the daily reminders job, each source with its last event and its events and rejections of the last seven days (`sources`), the registered producers silent for too long (`silentProducers`), and "attention": what needs a person. Exit 1 when something needs a person.',
          'A registered producer (docs/security.md) is named when none of its sources has sent anything for more than its `silentAfterDays` in the registry, else --silent-days (default 14). An event waiting past its short retries (2, 4, 8, 16 s) is named with what it waits for.',
        ].join('\n\n'),
      )
      .option(
        '--silent-days <days>',
        'days without an event after which a registered producer is named (default 14; the registry’s silentAfterDays wins)',
      ),
  ).action(async (options) => (await commands()).status(options));

  const person = program
    .command('person')
    .summary('what is held about a person; erase their personal data')
    .description('A person by any of their ids (applicant, member, attendee): an admission links the applicant’s and the member’s.');
  talksToStack(
    person
      .command('show')
      .summary('everything held about a person, as JSON')
      .description(
        'Prints everything held about a person as JSON: the records with their profiles, the audit trail (events without personal fields) and the rejected events that name them. An id nothing is held about prints the empty lists (exit 0: "nothing" is an answer) and says so on stderr.',
      )
      .argument('<id>', 'an applicant, member or attendee id'),
  ).action(async (id: string, options) => (await commands()).personShow(id, options));
  talksToStack(
    person
      .command('erase')
      .summary('erase a person’s personal data')
      .description(
        [
          'Destroys the person’s keys and removes their profiles and rejected events, so that no readable copy of their personal data remains; ids, dates, statuses and the figures’ yes/no traits stay, and every figure with them. Cannot be undone: it asks first on a terminal; elsewhere it needs --yes.',
          'Refused with "retention" (exit 2) for a person who is or was a member, unless --force. Prints what was erased as JSON; --dry-run prints what would be, and destroys nothing.',
        ].join('\n\n'),
      )
      .argument('<id>', 'an applicant, member or attendee id')
      .option('--force', 'erase a person who is or was a member too')
      .option('--dry-run', 'say what would be erased, destroy nothing')
      .option('--yes', 'erase without asking (needed when stdin is not a terminal)'),
  ).action(async (id: string, options) => (await commands()).personErase(id, options));

  const vault = program
    .command('vault')
    .summary('the keys that seal personal data')
    .description('The master secret every person’s key is made from (docs/runbook.md#rotating-the-personal-data-master-secret).');
  talksToStack(
    vault
      .command('rotate')
      .summary('rotate the personal data master secret')
      .description(
        [
          'Makes a new version of the master secret, gives every person a new key under it and seals every copy kept about them again, then destroys the older versions. It waits two minutes before its last look, so that every running function has read the new version. Prints what it did as JSON; progress goes to stderr.',
          'A rotation that stopped (a crash, a lost connection) is finished by running the command again: it makes no new version while an older one is still there.',
        ].join('\n\n'),
      ),
  ).action(async (options) => (await commands()).vaultRotate(options));

  program
    .command('completion')
    .summary('the shell completion script (bash or zsh)')
    .description(
      'Prints a script that completes dangvien’s commands, subcommands and options. Load it in the shell’s start file: `source <(npx dangvien completion bash)` in ~/.bashrc, or `source <(npx dangvien completion zsh)` in ~/.zshrc.',
    )
    .addArgument(program.createArgument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action(async (shell: 'bash' | 'zsh') => {
      const { completionScript } = await import('./completion.js');
      await writeOut(completionScript(program, shell));
    });

  return program;
}
