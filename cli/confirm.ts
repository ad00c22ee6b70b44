// cli: the operator's yes before a command that cannot be undone (`person erase`, a
// writing `recompute`). On a terminal it asks; where nobody can answer (a script, CI,
// a pipe) it refuses unless the command line already says `--yes`.
import { createInterface } from 'node:readline/promises';
import { UsageError } from './errors.js';

export interface ConfirmOptions {
  /** `--yes` was given. */
  yes: boolean;
  /** Where the answer comes from (default stdin); asked only when it is a terminal. */
  input?: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Where the question goes (default stderr: stdout is for programs). */
  output?: NodeJS.WritableStream;
}

/**
 * Returns once the operator agreed to `what` (a sentence: "erase the personal data of
 * P-1"). Throws UsageError (exit 2, nothing done) when the answer is not yes, or when
 * there is no terminal to ask on and `--yes` was not given.
 */
export async function confirm(what: string, opts: ConfirmOptions): Promise<void> {
  if (opts.yes) return;
  const input = opts.input ?? process.stdin;
  if (input.isTTY !== true) {
    throw new UsageError(`this would ${what}, which cannot be undone: pass --yes to go on (there is no terminal to ask on)`);
  }
  const prompt = createInterface({ input, output: opts.output ?? process.stderr });
  try {
    const answer = await prompt.question(`This will ${what}. It cannot be undone. Go on? [y/N] `);
    if (!/^\s*y(es)?\s*$/i.test(answer)) throw new UsageError('not confirmed: nothing was changed');
  } finally {
    prompt.close();
  }
}
