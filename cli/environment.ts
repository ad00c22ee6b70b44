// cli: every `DANGVIEN_*` environment variable that `dangvien`, `npm start` or the test
// harness reads, in one table: docs/cli.md prints it, and test/unit/cli-docs.test.ts
// fails when the code reads one that is not here.

/** One environment variable: who reads it, what it changes, what holds without it. */
export interface EnvironmentVariable {
  name: string;
  /** Who reads it: `dangvien`, `npm start`, the tests. */
  readBy: string;
  /** What it does. */
  meaning: string;
  /** What holds when it is not set. */
  unset: string;
}

export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  {
    name: 'DANGVIEN_DATA',
    readBy: '`dangvien`, `npm start`',
    meaning:
      'the data directory: `npm start` keeps the stack’s data there and writes the endpoints `dangvien` reads; `--data DIR` wins over it',
    unset: '`.local/` in the current directory',
  },
  {
    name: 'DANGVIEN_PRODUCERS_FILE',
    readBy: '`npm start` (the ingest)',
    meaning:
      'the producer registry of the local stack (docs/producers.md): who may write what; read again for every batch, so an edit applies at once. `dangvien send --sender ID` sends as one of its identities',
    unset: 'no registry: every sender may write everything',
  },
  {
    name: 'DANGVIEN_SUBSCRIPTIONS_FILE',
    readBy: '`npm start`',
    meaning: 'the reminder subscriptions (docs/subscribers.md) whose digests the local stack prints; `--subscriptions FILE` wins over it',
    unset: 'the digest of each root org',
  },
  {
    name: 'DANGVIEN_VISIBILITY_TIMEOUT',
    readBy: '`npm start`',
    meaning: 'seconds before a message that a crashed handler held is received again (and the longest wait of a waiting event)',
    unset: '180 s, as the deployed queue',
  },
  {
    name: 'DANGVIEN_LOG_FORMAT',
    readBy: '`npm start`',
    meaning:
      '`json`: the handlers’ log lines as JSON, as in Lambda; `text`: one readable line each (an event waiting for its predecessor: `waiting: SOURCE/ID REASON (receive N), tried again in S s`)',
    unset: '`text` on a terminal, `json` when the output is a file or a pipe',
  },
  {
    name: 'DANGVIEN_DEBUG',
    readBy: '`dangvien`, the tests',
    meaning: '`dangvien` prints the stack trace of an internal error (exit 3); the tests print their local stacks’ log lines',
    unset: 'the message alone; no log lines',
  },
];
