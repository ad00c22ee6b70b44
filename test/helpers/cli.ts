// `dangvien` as an operator runs it, for tests: the built CLI in a child process against
// the local stack whose data directory is given, with its exit code, stdout and stderr.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A runner of `dangvien … --data DIR` for the data directory `data()` names; it never throws on a non-zero exit. */
export function dangvienAt(data: () => string): (...args: string[]) => Promise<CliResult> {
  return async (...args) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['bin/dangvien.js', ...args, '--data', data()], {
        env: { ...process.env, DANGVIEN_DATA: '' },
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
}
