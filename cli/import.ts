// cli: `dangvien import FILE.csv`, the bulk import of a legacy member export.
// (adapter) --> use case import-members --> domain/ingest
import { readFileSync } from 'node:fs';
import { SingleBar } from 'cli-progress';
import {
  checkImport,
  ImportFileError,
  importMembers,
  type DryRunSummary,
  type ImportProgress,
  type ImportSummary,
} from '../shared/use-cases/import-members/index.js';
import { connect } from './connect.js';
import { UsageError } from './errors.js';
import { localFiguresFollowed } from './send.js';
import type { Target } from './target.js';

export interface ImportFileOptions {
  /** How long to wait for the local stack's figures to catch up after the last row. */
  timeoutMs: number;
  /** Where the progress bar and notes go (stderr). */
  stderr?: NodeJS.WriteStream;
  /** Check every row as the import would, write nothing (`--dry-run`). */
  dryRun?: boolean;
}

/**
 * Imports the file, with a progress bar on stderr. The first Ctrl-C stops after the
 * chunk in flight (the summary says `interrupted`; the same command continues), a
 * second one exits at once (still safe: see the markers in use-cases/import-members). On the
 * local stack it then waits until the figures have followed its own rows, never for
 * anything else queued meanwhile (someone else's waiting event), `timeoutMs` at most.
 * With `dryRun`, the rows are checked against the stored tree and members and
 * nothing is written: the summary says how many would be imported.
 */
export async function importFile(
  file: string,
  target: Target,
  opts: ImportFileOptions,
): Promise<(ImportSummary & { figuresFollowed?: false }) | DryRunSummary> {
  const stderr = opts.stderr ?? process.stderr;
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) process.exit(130);
    stderr.write('\nstopping after the rows in flight… (Ctrl-C again to quit now)\n');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  const bar = progressBar(stderr, opts.dryRun ?? false);
  let summary: ImportSummary | DryRunSummary;
  const store = connect(target).memberImport();
  const run = { signal: controller.signal, onProgress: bar.update };
  try {
    summary = opts.dryRun ? await checkImport(content, store, run) : await importMembers(content, store, run);
  } catch (error) {
    if (error instanceof ImportFileError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  } finally {
    bar.done();
    process.off('SIGINT', onSigint);
  }
  const skipped = opts.dryRun ? 'would be skipped' : 'skipped';
  for (const b of summary.badRows) stderr.write(`line ${b.line}: ${b.reason}: ${b.message}; ${skipped}\n`);
  if (!opts.dryRun && !summary.interrupted && 'imported' in summary && summary.imported > 0 && target.kind === 'local' && target.apiUrl) {
    stderr.write('waiting for the figures to follow…\n');
    // Every row is written by now: the figures have followed once the stream has passed this instant.
    if (!(await localFiguresFollowed(target.apiUrl, new Date(), opts.timeoutMs))) return { ...summary, figuresFollowed: false };
  }
  return summary;
}

/**
 * cli-progress redraws the bar in place on a terminal; elsewhere (CI logs, a pipe) it
 * prints a line every few seconds instead of every update. A dry run imports nothing,
 * and its bar says so.
 */
function progressBar(out: NodeJS.WriteStream, dryRun: boolean): { update: (p: ImportProgress) => void; done: () => void } {
  const started = Date.now();
  const counts = dryRun ? 'would import {imported}' : '{imported} imported';
  const bar = new SingleBar({
    stream: out,
    format: `{bar} {percentage}% {value}/{total} rows · {rate} rows/s · ${counts}, {skipped} already there, {bad} bad · ETA {eta_formatted}`,
    barCompleteChar: '█',
    barIncompleteChar: '░',
    barsize: 24,
    noTTYOutput: true,
    notTTYSchedule: 5_000,
    formatValue: (v, _options, type) => (type === 'percentage' ? String(v) : v.toLocaleString('en-US')),
  });
  let startedBar = false;
  return {
    update(p) {
      const seconds = (Date.now() - started) / 1000;
      const payload = { rate: seconds > 0 ? Math.round(p.rowsDone / seconds) : 0, imported: p.imported, skipped: p.skipped, bad: p.bad };
      if (!startedBar) {
        bar.start(p.rows, p.rowsDone, payload);
        startedBar = true;
      } else bar.update(p.rowsDone, payload);
    },
    done() {
      if (startedBar) bar.stop();
    },
  };
}
