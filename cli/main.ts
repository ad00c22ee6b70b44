// cli: `dangvien`, the operator's tool (docs/cli.md). JSON on stdout where a program reads
// it, messages on stderr, and an exit code that says which kind of end it was (one table:
// cli/errors.ts). The command tree is cli/program.ts; a command's module (and with it the
// AWS SDK) is loaded only when that command runs.
import { CommanderError } from 'commander';
import { CheckFailed, EXIT, exitCodeOf, isClosedPipe, isUnreachable, StackUnreachableError, UsageError } from './errors.js';
import { buildProgram } from './program.js';

/** Set by scripts/build-cli.mjs from package.json. */
declare const __DANGVIEN_VERSION__: string;

/** The code earned so far (validate sets 1 at its first invalid line), else 0. */
const codeSoFar = () => (typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);

// A reader that closes the pipe (`dangvien validate big.ndjson | head -1`) has taken what
// it wanted: end quietly, with the code earned so far, instead of a trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (isClosedPipe(error)) process.exit(codeSoFar());
    throw error;
  });
}

/** What to say on stderr for a failure (the parser has already said its own). */
function messageOf(error: unknown): string | undefined {
  if (error instanceof CommanderError) return undefined;
  if (error instanceof UsageError || error instanceof CheckFailed || error instanceof StackUnreachableError) return error.message;
  const e = error as Error & { code?: string };
  // The innermost cause says most (`fetch failed` wraps `connect ECONNREFUSED …`).
  let inner = e;
  while (inner.cause instanceof Error) inner = inner.cause as Error & { code?: string };
  const detail = [inner.name, inner.message || inner.code].filter(Boolean).join(': ');
  if (isUnreachable(error)) {
    return `dangvien: cannot reach the stack (${detail}): is \`npm start\` running? For AWS: the credentials, and --stack-outputs FILE`;
  }
  const trace = process.env.DANGVIEN_DEBUG ? `\n${e.stack ?? ''}` : ' (DANGVIEN_DEBUG=1 prints the trace)';
  return `dangvien: internal error: ${detail}${trace}`;
}

try {
  await buildProgram({ version: __DANGVIEN_VERSION__ }).parseAsync(process.argv.slice(2), { from: 'user' });
  process.exit(codeSoFar());
} catch (error) {
  if (isClosedPipe(error)) process.exit(codeSoFar());
  const message = messageOf(error);
  if (message !== undefined) console.error(message);
  process.exit(exitCodeOf(error));
}
