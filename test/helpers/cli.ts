// `dangvien` as an operator runs it, for tests: the built CLI in a child process, with its
// exit code, stdout and stderr. Its stdin is never a terminal here, as in CI.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `dangvien ARGS…` with `env` (default: this process's, without `$DANGVIEN_DATA`); never throws on a non-zero exit. */
export async function runDangvien(args: string[], env: NodeJS.ProcessEnv = { ...process.env, DANGVIEN_DATA: '' }): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['bin/dangvien.js', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A runner of `dangvien … --data DIR` for the data directory `data()` names; it never throws on a non-zero exit. */
export function dangvienAt(data: () => string): (...args: string[]) => Promise<CliResult> {
  return (...args) => runDangvien([...args, '--data', data()]);
}
