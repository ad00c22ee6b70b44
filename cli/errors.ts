// cli: the failures that decide `dangvien`'s exit code (docs/cli.md "Exit codes"), and the
// one table from failure to code. Kept in a module of their own, with no AWS import, so
// that the entry point can tell them apart without loading a command.
import { CommanderError } from 'commander';

/** The exit codes, one meaning each: a script branches on them. */
export const EXIT = {
  /** Done; a check that found nothing. */
  ok: 0,
  /** A check ran and failed, or something needs a person: an invalid line, a difference, unhealthy, events still pending, a bad row in a dry run. */
  checkFailed: 1,
  /** Bad usage or input: an unknown command or option, a bad value, an unknown org, a file that cannot be read, a confirmation not given. */
  badUsage: 2,
  /** The stack or AWS could not be reached, or an internal error (a bug). */
  unavailable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What each exit code means, as the help and docs/cli.md say it. */
export const EXIT_MEANINGS: Readonly<Record<ExitCode, string>> = {
  0: 'done; a check found nothing',
  1: 'a check failed or something needs a person: an invalid line (validate), a difference (recompute --check), unhealthy (status), events still pending (send --wait), a bad row (import --dry-run)',
  2: 'bad usage or input: an unknown command or option, a bad value, an unknown org, a file that cannot be read, a confirmation not given; nothing was changed',
  3: 'the stack or AWS cannot be reached (no local stack running, a connection refused, no credentials), or an internal error',
};

/** Bad usage or input: exit 2, with the message on stderr. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A check that ran and failed (`recompute --check`, events still pending, an invalid line): exit 1. */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}

/** No stack to talk to (none running with that data directory, or it does not answer): exit 3. */
export class StackUnreachableError extends Error {
  override name = 'StackUnreachableError';
}

/**
 * The error codes of a connection that did not happen (on the error or its `cause`, as
 * `fetch` wraps them) and the AWS SDK's error for missing credentials: the stack or AWS is
 * out of reach, not a bug.
 */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNREACHABLE_NAMES = new Set(['CredentialsProviderError', 'TimeoutError']);

type Failure = { name?: string; code?: unknown; cause?: unknown };

/** Whether `error` says the stack or AWS could not be reached (by its type and code, never its message). */
export function isUnreachable(error: unknown): boolean {
  for (let e = error as Failure | undefined, depth = 0; e && depth < 4; e = e.cause as Failure | undefined, depth += 1) {
    if (e instanceof StackUnreachableError) return true;
    if (typeof e.code === 'string' && UNREACHABLE_CODES.has(e.code)) return true;
    if (typeof e.name === 'string' && UNREACHABLE_NAMES.has(e.name)) return true;
    // An AggregateError (a name that resolves to several addresses, each refused).
    if (e instanceof AggregateError && e.errors.some(isUnreachable)) return true;
  }
  return false;
}

/** Whether `error` is a write to a pipe whose reader has gone (`dangvien … | head`). */
export function isClosedPipe(error: unknown): boolean {
  return (error as Failure | undefined)?.code === 'EPIPE';
}

/**
 * The exit code of a failure, by its type: the CLI's own classes, the parser's errors
 * (`CommanderError`: 0 for help and version, else bad usage), an unreachable stack;
 * anything else is an internal error.
 */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CheckFailed) return EXIT.checkFailed;
  if (error instanceof UsageError) return EXIT.badUsage;
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.badUsage;
  return EXIT.unavailable;
}
