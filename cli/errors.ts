// cli: the failures that decide `dangvien`'s exit code (CONTRACT §10). Kept in a module
// of their own so that the entry point can tell them apart without loading a command.

/** Bad usage or input: exit 2, with the message on stderr. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A check that ran and failed (`recompute --check`, events still pending): exit 1. */
export class CheckFailed extends Error {
  override name = 'CheckFailed';
}
