// cli: what each `dangvien` command does once cli/program.ts has parsed it: check the
// option values, reach the stack (connect.ts), call the use case, print. Loaded only when
// a command runs (it loads the AWS SDK). A use case's refusal of the input becomes a
// UsageError (exit 2) here, by its type.
import { UnknownOrgError } from '../shared/use-cases/errors.js';
import { recomputeFigures } from '../shared/use-cases/recompute-figures/index.js';
import { discardDeadLetters } from '../shared/use-cases/redrive/discard.js';
import { listWaiting, redriveDlq, redriveRejected } from '../shared/use-cases/redrive/index.js';
import { confirm } from './confirm.js';
import { connect } from './connect.js';
import { CheckFailed, UsageError } from './errors.js';
import { dateOption, daysOption, secondsOption } from './option-values.js';
import { sendFile } from './send.js';
import { resolveTarget, type TargetOptions } from './target.js';

const target = (opts: TargetOptions) => resolveTarget({ data: opts.data, stackOutputs: opts.stackOutputs });
const printJson = (value: unknown) => console.log(JSON.stringify(value, null, 2));

/** `dangvien send FILE`. */
export async function send(file: string, opts: TargetOptions & { wait?: boolean; timeout?: string; sender?: string }): Promise<void> {
  const timeoutMs = secondsOption('--timeout', opts.timeout, 300) * 1000;
  const to = target(opts);
  if (opts.sender !== undefined && to.kind !== 'local') {
    throw new UsageError('--sender is for the local stack only: in AWS the identity is the IAM principal that sends');
  }
  const summary = await sendFile(file, to, { sender: opts.sender, wait: opts.wait ?? false, timeoutMs, warn: (s) => console.error(s) });
  console.log(JSON.stringify(summary));
  const limit = `after --timeout ${timeoutMs / 1000} s`;
  if (summary.pending) {
    for (const p of summary.pendingLines ?? []) console.error(`line ${p.line}${p.key ? ` (${p.key})` : ''}: ${p.why}`);
    const unlisted = summary.pending - (summary.pendingLines?.length ?? 0);
    const more = unlisted > 0 ? ` (${unlisted} more not listed)` : '';
    throw new CheckFailed(`${summary.pending} line(s) still pending ${limit}${more}: \`dangvien status\`, \`dangvien rejected list\``);
  }
  if (summary.figuresFollowed === false) {
    throw new CheckFailed(
      `every line is applied or rejected, but the figures had not followed them ${limit}: \`dangvien status\` shows the lag`,
    );
  }
}

/** `dangvien report ORG`. */
export async function report(
  org: string,
  opts: TargetOptions & { year?: string; date?: string; format?: string; lang?: string; out?: string },
): Promise<void> {
  const { reportCommand } = await import('./report.js');
  try {
    await reportCommand([org], opts, () => target(opts));
  } catch (error) {
    if (error instanceof UnknownOrgError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * `dangvien remind --date D [--dry-run | --force]`. A date after today (in Vietnam) is a
 * dry run unless --force: its reminders are not due yet, and sending them would also
 * move the job's last run into the future.
 */
export async function remind(opts: TargetOptions & { date: string; dryRun?: boolean; force?: boolean }): Promise<void> {
  const date = dateOption('--date', opts.date);
  const [{ runRemindersJob }, { previewRemindersJob }, { parseDigestOrgs }, { todayInVietnam }] = await Promise.all([
    import('../shared/use-cases/run-reminders-job/index.js'),
    import('../shared/use-cases/run-reminders-job/dry-run.js'),
    import('../shared/wiring/environment.js'),
    import('../shared/domain/dates.js'),
  ]);
  const today = todayInVietnam(new Date());
  const future = date > today;
  const dryRun = opts.dryRun === true || (future && opts.force !== true);
  if (future && !opts.dryRun) {
    console.error(
      opts.force
        ? `--force: running the job for ${date}, after today (${today}): its reminders go out now, before their day`
        : `${date} is after today (${today} in Vietnam): a dry run — nothing is sent or recorded. \`--force\` sends them now.`,
    );
  }
  const to = target(opts);
  const run = dryRun ? previewRemindersJob : runRemindersJob;
  const result = await run(connect(to).reminders, date, { digestOrgs: parseDigestOrgs(to.env.REMINDER_DIGEST_ORGS) });
  for (const r of result.reminders) console.log(JSON.stringify(r));
  // stdout stays one reminder per line for programs; the digests are for a person.
  for (const digest of result.digests) console.error(`digest for ${digest.digestFor}:\n${digest.text}\n`);
  if (dryRun)
    console.error(
      `dry run: ${result.reminders.length} reminder(s) and ${result.digests.length} digest(s) would be sent for ${date}; nothing was`,
    );
}

/** `dangvien rejected list`. */
export async function rejectedList(opts: TargetOptions): Promise<void> {
  const { redrive } = connect(target(opts));
  const rejected = (await redrive.listRejected()).map(({ body: _body, ...r }) => r);
  printJson({ rejected, waiting: await listWaiting(redrive) });
}

/** `dangvien rejected redrive ID…`. */
export async function rejectedRedrive(ids: string[], opts: TargetOptions): Promise<void> {
  const stores = connect(target(opts));
  const result = await redriveRejected(stores.redrive, stores.ingestQueue, ids);
  console.log(JSON.stringify(result));
  if (result.unknown.length > 0) throw new UsageError(`not among the rejected: ${result.unknown.join(', ')}`);
  if (result.failed.length > 0) throw new CheckFailed(`the queue refused ${result.failed.join(', ')}: still listed, redrive them again`);
}

/** `dangvien dlq redrive`. */
export async function dlqRedrive(opts: TargetOptions): Promise<void> {
  const stores = connect(target(opts));
  console.log(JSON.stringify({ moved: await redriveDlq(stores.redrive, stores.deadLetterQueue, stores.ingestQueue) }));
}

/** `dangvien dlq discard ID… [--dry-run | --yes]`. */
export async function dlqDiscard(ids: string[], opts: TargetOptions & { dryRun?: boolean; yes?: boolean }): Promise<void> {
  if (!opts.dryRun)
    await confirm(`take ${ids.join(', ')} out of the dead-letter queue (kept as rejected events \`discarded\`)`, {
      yes: opts.yes ?? false,
    });
  const stores = connect(target(opts));
  const result = await discardDeadLetters(
    { redrive: stores.redrive, rejections: stores.ingest, holds: stores.holds, dlq: stores.deadLetterQueue },
    ids,
    { dryRun: opts.dryRun ?? false },
  );
  if (result.outcome === 'unknown')
    throw new UsageError(
      `not in the dead-letter queue: ${result.unknown.join(', ')} (or an event id that names more than one message: give its <source>/<id>); nothing was discarded`,
    );
  const { outcome: _outcome, ...shown } = result;
  console.log(JSON.stringify(shown));
}

/**
 * `dangvien recompute [--check | --dry-run | --yes]`. `--check` and `--dry-run` compare
 * alone (the same comparison: --check fails on a difference, --dry-run is a preview);
 * without them the differences are written, once the operator has said yes, and only
 * while no event flows (domain/health.ts eventsFlowing).
 */
export async function recompute(opts: TargetOptions & { check?: boolean; dryRun?: boolean; yes?: boolean }): Promise<void> {
  const write = !opts.check && !opts.dryRun;
  // Asked before the stack is looked for: a script without --yes is refused as bad usage.
  if (write) await confirm('replace every stored figure that differs from a recount of the records', { yes: opts.yes ?? false });
  const to = target(opts);
  if (write) {
    const { whyNotIdle } = await import('./status.js');
    const busy = await whyNotIdle(to);
    if (busy) {
      throw new CheckFailed(
        `not while events flow (${busy}): a recompute that writes now could count a cell's figures from an older version of a record. Run it again once \`dangvien status\` shows the ingest queue empty and the figures caught up; --check and --dry-run are safe at any time`,
      );
    }
  }
  const differences = await recomputeFigures(connect(to).recompute, { write });
  printJson({ differences: differences.length, details: differences });
  if (opts.check && differences.length > 0) throw new CheckFailed(`${differences.length} stored figures differ from a recount`);
}

/** `dangvien import FILE.csv [--dry-run]`. */
export async function importCsv(file: string, opts: TargetOptions & { dryRun?: boolean; timeout?: string }): Promise<void> {
  const timeoutMs = secondsOption('--timeout', opts.timeout, 1800) * 1000;
  const to = target(opts);
  const { importFile } = await import('./import.js');
  const summary = await importFile(file, to, { timeoutMs, dryRun: opts.dryRun });
  printJson(summary);
  if (summary.interrupted) throw new CheckFailed('interrupted: run the same command again to continue where it stopped');
  if ('figuresFollowed' in summary && summary.figuresFollowed === false) {
    throw new CheckFailed(
      `every row is written, but the figures had not followed them after --timeout ${timeoutMs / 1000} s: \`dangvien status\` shows the lag`,
    );
  }
  if (opts.dryRun && summary.badRows.length > 0) {
    throw new CheckFailed(`${summary.badRows.length} of ${summary.rows} rows would not be imported (listed above); nothing was written`);
  }
}

/** `dangvien status [--silent-days N]`. */
export async function status(opts: TargetOptions & { silentDays?: string }): Promise<void> {
  const silentDays = opts.silentDays === undefined ? undefined : daysOption('--silent-days', opts.silentDays);
  const { readStatus } = await import('./status.js');
  const report = await readStatus(target(opts), new Date(), { silentDays });
  printJson(report);
  if (!report.healthy) throw new CheckFailed(`needs attention: ${report.attention.length} item(s)`);
}

/** `dangvien person show ID`. */
export async function personShow(id: string, opts: TargetOptions): Promise<void> {
  const to = target(opts);
  const { showPerson } = await import('./person.js');
  await showPerson(connect(to), id);
}

/** `dangvien person erase ID [--force] [--dry-run | --yes]`. */
export async function personErase(id: string, opts: TargetOptions & { force?: boolean; dryRun?: boolean; yes?: boolean }): Promise<void> {
  if (!opts.dryRun) await confirm(`erase the personal data of ${id} and of the ids linked to it`, { yes: opts.yes ?? false });
  const to = target(opts);
  const { erasePersonData } = await import('./person.js');
  await erasePersonData(connect(to), id, { force: opts.force ?? false, dryRun: opts.dryRun ?? false });
}

/** `dangvien vault rotate`. */
export async function vaultRotate(opts: TargetOptions): Promise<void> {
  const stores = connect(target(opts));
  const rotation = await stores.rotateMasterSecret({ log: (line) => console.error(line) });
  printJson(rotation);
  if (rotation.left > 0) {
    throw new CheckFailed('older versions of the master secret are still needed: run `dangvien vault rotate` again');
  }
}
