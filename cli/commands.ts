// cli: what each `dangvien` command does, loaded by cli/main.ts once a command is named.
import { BusinessDateSchema } from '../shared/domain/events/index.js';
import { UnknownOrgError } from '../shared/use-cases/errors.js';
import { recomputeFigures } from '../shared/use-cases/recompute-figures/index.js';
import { listWaiting, redriveDlq, redriveRejected } from '../shared/use-cases/redrive/index.js';
import { connect } from './connect.js';
import { CheckFailed, UsageError } from './errors.js';
import { sendFile } from './send.js';
import { resolveTarget } from './target.js';

/** The parsed options (cli/main.ts OPTIONS). */
export interface CommandOptions {
  wait?: boolean;
  timeout?: string;
  year?: string;
  date?: string;
  check?: boolean;
  'dry-run'?: boolean;
  force?: boolean;
  sender?: string;
  data?: string;
  'stack-outputs'?: string;
  format?: string;
  lang?: string;
  out?: string;
}

/** Runs one command; throws UsageError (exit 2) or CheckFailed (exit 1) as the contract asks. */
export async function runCommand(command: string, args: string[], values: CommandOptions): Promise<void> {
  try {
    await run(command, args, values);
  } catch (error) {
    if (error instanceof UnknownOrgError) throw new UsageError(error.message);
    throw error;
  }
}

async function run(command: string, args: string[], values: CommandOptions): Promise<void> {
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
      if (args.length !== 1) throw new UsageError('usage: dangvien send FILE.ndjson [--wait] [--timeout SECONDS] [--sender ID]');
      const to = target();
      if (values.sender !== undefined && to.kind !== 'local') {
        throw new UsageError('--sender is for the local stack only: in AWS the identity is the IAM principal that sends');
      }
      const summary = await sendFile(args[0]!, to, {
        sender: values.sender,
        wait: values.wait ?? false,
        timeoutMs: timeoutSeconds(values.timeout, 300) * 1000,
        warn: (s) => console.error(s),
      });
      console.log(JSON.stringify(summary));
      if (summary.pending) throw new CheckFailed(`${summary.pending} events still wait for a predecessor: see \`dangvien rejected list\``);
      return;
    }
    case 'report': {
      const { reportCommand } = await import('./report.js');
      await reportCommand(args, values, target);
      return;
    }
    case 'remind': {
      const d = date(true)!;
      const to = target();
      const [{ runRemindersJob }, { parseDigestOrgs }] = await Promise.all([
        import('../shared/use-cases/run-reminders-job/index.js'),
        import('../shared/wiring/environment.js'),
      ]);
      const result = await runRemindersJob(connect(to).reminders, d, { digestOrgs: parseDigestOrgs(to.env.REMINDER_DIGEST_ORGS) });
      for (const r of result.reminders) console.log(JSON.stringify(r));
      // stdout stays one reminder per line for programs; the digests are for a person.
      for (const digest of result.digests) console.error(`digest for ${digest.digestFor}:\n${digest.text}\n`);
      return;
    }
    case 'rejected': {
      const [sub, ...ids] = args;
      const stores = connect(target());
      if (sub === 'list') {
        const rejected = (await stores.redrive.listRejected()).map(({ body: _body, ...r }) => r);
        console.log(JSON.stringify({ rejected, waiting: await listWaiting(stores.redrive) }, null, 2));
        return;
      }
      if (sub === 'redrive' && ids.length > 0) {
        const result = await redriveRejected(stores.redrive, stores.ingestQueue, ids);
        console.log(JSON.stringify(result));
        if (result.unknown.length > 0) throw new UsageError(`not among the rejected: ${result.unknown.join(', ')}`);
        if (result.failed.length > 0)
          throw new CheckFailed(`the queue refused ${result.failed.join(', ')}: still listed, redrive them again`);
        return;
      }
      throw new UsageError('usage: dangvien rejected list | dangvien rejected redrive ID…');
    }
    case 'dlq': {
      if (args[0] !== 'redrive') throw new UsageError('usage: dangvien dlq redrive');
      const stores = connect(target());
      console.log(JSON.stringify({ moved: await redriveDlq(stores.redrive, stores.deadLetterQueue, stores.ingestQueue) }));
      return;
    }
    case 'recompute': {
      const differences = await recomputeFigures(connect(target()).recompute, { write: !values.check });
      console.log(JSON.stringify({ differences: differences.length, details: differences }, null, 2));
      if (values.check && differences.length > 0) throw new CheckFailed(`${differences.length} stored figures differ from a recount`);
      return;
    }
    case 'import': {
      if (args.length !== 1) throw new UsageError('usage: dangvien import FILE.csv [--dry-run] [--timeout SECONDS]');
      const { importFile } = await import('./import.js');
      const summary = await importFile(args[0]!, target(), {
        timeoutMs: timeoutSeconds(values.timeout, 1800) * 1000,
        dryRun: values['dry-run'],
      });
      console.log(JSON.stringify(summary, null, 2));
      if (summary.interrupted) throw new CheckFailed('interrupted: run the same command again to continue where it stopped');
      return;
    }
    case 'person': {
      const [sub, id, ...rest] = args;
      if ((sub !== 'show' && sub !== 'erase') || !id || rest.length > 0)
        throw new UsageError('usage: dangvien person show ID | dangvien person erase ID [--force]');
      const store = connect(target()).personData;
      const { showPerson, erasePerson, RetentionError } = await import('../shared/use-cases/person-data/index.js');
      if (sub === 'show') {
        console.log(JSON.stringify(await showPerson(store, id), null, 2));
        return;
      }
      try {
        console.log(JSON.stringify(await erasePerson(store, id, { force: values.force ?? false }), null, 2));
      } catch (error) {
        if (error instanceof RetentionError) throw new UsageError(`retention: ${error.message}`);
        throw error;
      }
      return;
    }
    case 'status': {
      const { readStatus } = await import('./status.js');
      const status = await readStatus(target());
      console.log(JSON.stringify(status, null, 2));
      if (!status.healthy) throw new CheckFailed(`needs attention: ${status.attention.length} item(s)`);
      return;
    }
    default:
      throw new UsageError(`unknown command ${command}; see dangvien --help`);
  }
}

/** `--timeout SECONDS`: a finite number above 0, else bad usage (a NaN deadline would wait forever). */
function timeoutSeconds(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError('--timeout must be a number of seconds above 0');
  return seconds;
}
