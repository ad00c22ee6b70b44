// `dangvien` without a stack: what it refuses and how, its help, its exit codes
// (docs/cli.md "Exit codes") and its end on a closed pipe. The built CLI, as an operator runs it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS_FILE } from '../../local/endpoints.js';
import { registerOrg } from '../helpers/events.js';
import { runDangvien as dangvien } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dangvien-usage-'));
const fileOf = (name: string, content: string) => {
  const file = join(dir, name);
  writeFileSync(file, content);
  return file;
};
const valid = fileOf('valid.ndjson', JSON.stringify(registerOrg('HP', null, 'province')));
/** A data directory where no stack was ever started. */
const noStack = mkdtempSync(join(tmpdir(), 'dangvien-nostack-'));

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

/** Runs the CLI with its stdout closed by the reader before it writes anything, as `| head` does once it has enough. */
async function withClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['bin/dangvien.js', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.destroy();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('dangvien usage', () => {
  it('refuses an option that another command owns, exit 2, naming it', async () => {
    // Act
    const results = await Promise.all([
      dangvien(['validate', valid, '--wait']),
      dangvien(['validate', valid, '--format', 'xlsx']),
      dangvien(['status', '--check', '--data', noStack]),
      dangvien(['report', 'HP', '--wait', '--data', noStack]),
    ]);
    // Assess
    for (const r of results) expect(r).toMatchObject({ code: 2, stdout: '' });
    expect(results[0]!.stderr).toContain("unknown option '--wait'");
    expect(results[1]!.stderr).toContain("unknown option '--format'");
    expect(results[2]!.stderr).toContain("unknown option '--check'");
  });

  it('answers `help COMMAND` and `COMMAND --help` with the same help, exit 0', async () => {
    // Act
    const [helpReport, reportHelp, helpRedrive, program] = await Promise.all([
      dangvien(['help', 'report']),
      dangvien(['report', '--help']),
      dangvien(['rejected', 'help', 'redrive']),
      dangvien(['help']),
    ]);
    // Assess
    expect(helpReport.code).toBe(0);
    expect(helpReport.stdout).toContain('Usage: dangvien report [options] <org>');
    expect(helpReport.stdout).toContain('--format <format>');
    expect(reportHelp).toEqual(helpReport);
    expect(helpRedrive).toMatchObject({ code: 0, stdout: expect.stringContaining('Usage: dangvien rejected redrive [options] <ids...>') });
    expect(program.code).toBe(0);
    for (const command of [
      'send',
      'validate',
      'report',
      'remind',
      'rejected',
      'dlq',
      'recompute',
      'import',
      'status',
      'person',
      'completion',
    ])
      expect(program.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
  });

  it('exits 2 on bad usage: an unknown command, a missing argument, one too many, no command at all', async () => {
    // Act
    const results = await Promise.all([
      dangvien(['frobnicate']),
      dangvien(['validate']),
      dangvien(['validate', valid, valid]),
      dangvien(['remind', '--data', noStack]),
      dangvien([]),
    ]);
    // Assess
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[0]!.stderr).toContain("unknown command 'frobnicate'");
    expect(results[3]!.stderr).toContain("required option '--date <YYYY-MM-DD>' not specified");
  });

  it('says which date format it expects, and what a dd/mm/yyyy date is in it', async () => {
    // Act
    const [european, american, impossible, outOfRange] = await Promise.all([
      dangvien(['report', 'HP', '--date', '31/12/2026', '--data', noStack]),
      dangvien(['remind', '--date', '12/31/2026', '--data', noStack]),
      dangvien(['report', 'HP', '--date', '2021-02-30', '--data', noStack]),
      dangvien(['remind', '--date', '1800-01-01', '--data', noStack]),
    ]);
    // Assess: all refused before any stack is looked for
    for (const r of [european, american, impossible, outOfRange]) expect(r.code).toBe(2);
    expect(european.stderr).toContain('--date 31/12/2026: dates are YYYY-MM-DD: did you mean 2026-12-31?');
    expect(american.stderr).toContain('--date 12/31/2026: dates are YYYY-MM-DD');
    expect(american.stderr).not.toContain('did you mean');
    expect(impossible.stderr).toContain('--date 2021-02-30: not a calendar date');
    expect(outOfRange.stderr).toContain('1900-01-01');
  });

  it('exits 2 with the file named when --stack-outputs cannot be read, without a trace', async () => {
    // Act
    const missing = await dangvien(['status', '--stack-outputs', join(dir, 'outputs.json')]);
    const notJson = await dangvien(['status', '--stack-outputs', fileOf('bad-outputs.json', '{"Dangvien": ')]);
    // Assess
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toContain(`cannot read --stack-outputs ${join(dir, 'outputs.json')}: ENOENT`);
    expect(missing.stderr).not.toMatch(/\n\s+at /);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toContain('not the JSON of `cdk deploy --outputs-file`');
  });

  it('exits 3 when no stack runs there, or when the stack it names does not answer', async () => {
    // Prepare: an endpoints file left behind, pointing at ports nothing listens on
    const stale = mkdtempSync(join(tmpdir(), 'dangvien-stale-'));
    const port = await closedPort();
    writeFileSync(
      join(stale, ENDPOINTS_FILE),
      JSON.stringify({
        dynamodbEndpoint: `http://127.0.0.1:${port}`,
        sqsEndpoint: `http://127.0.0.1:${port}`,
        apiUrl: `http://127.0.0.1:${port}`,
        env: { RECORDS_TABLE_NAME: 'r', FIGURES_TABLE_NAME: 'f', INGEST_QUEUE_URL: `http://127.0.0.1:${port}/q`, INGEST_DLQ_URL: 'x' },
        pid: process.pid,
      }),
    );
    // Act
    const none = await dangvien(['status', '--data', noStack]);
    const unreachable = await dangvien(['rejected', 'list', '--data', stale]);
    // Assess
    expect(none).toMatchObject({ code: 3, stdout: '' });
    expect(none.stderr).toContain(`no local stack is running with data in ${noStack}`);
    expect(unreachable).toMatchObject({ code: 3, stdout: '' });
    expect(unreachable.stderr).toContain('cannot reach the stack');
    expect(unreachable.stderr).not.toMatch(/\n\s+at /);
  });

  it('refuses to erase or to rewrite figures without --yes when it cannot ask, before looking for a stack', async () => {
    // Act
    const erase = await dangvien(['person', 'erase', 'P-1', '--data', noStack]);
    const recompute = await dangvien(['recompute', '--data', noStack]);
    const erased = await dangvien(['person', 'erase', 'P-1', '--yes', '--data', noStack]);
    const dryRun = await dangvien(['person', 'erase', 'P-1', '--dry-run', '--data', noStack]);
    const check = await dangvien(['recompute', '--check', '--data', noStack]);
    const discard = await dangvien(['dlq', 'discard', 'csdl/E-1', '--data', noStack]);
    const discarded = await dangvien(['dlq', 'discard', 'csdl/E-1', '--yes', '--data', noStack]);
    const discardDryRun = await dangvien(['dlq', 'discard', 'csdl/E-1', '--dry-run', '--data', noStack]);
    // Assess: refused as bad usage; with --yes, or when nothing is written, it goes on (to find no stack)
    expect(erase).toMatchObject({ code: 2, stdout: '' });
    expect(erase.stderr).toContain('pass --yes');
    expect(recompute).toMatchObject({ code: 2, stdout: '' });
    expect(recompute.stderr).toContain('pass --yes');
    expect(discard).toMatchObject({ code: 2, stdout: '' });
    expect(discard.stderr).toContain('pass --yes');
    expect([erased.code, dryRun.code, check.code, discarded.code, discardDryRun.code]).toEqual([3, 3, 3, 3, 3]);
  });

  it('ends quietly when the reader closes the pipe: exit 1 from validate after an invalid line, no trace', async () => {
    // Prepare: many invalid lines, more than a pipe holds
    const big = fileOf('big.ndjson', Array.from({ length: 20_000 }, (_, i) => `{"id": "bad-${i}"}`).join('\n'));
    // Act
    const result = await withClosedStdout(['validate', big]);
    // Assess
    expect(result).toEqual({ code: 1, stderr: '' });
  });

  it('ends quietly with exit 0 when the reader of the help closes the pipe', async () => {
    // Act
    const result = await withClosedStdout(['help', 'report']);
    // Assess
    expect(result).toEqual({ code: 0, stderr: '' });
  });

  it('completes commands, subcommands and options in bash from the same command tree as the help', async () => {
    // Prepare
    const { stdout: script } = await dangvien(['completion', 'bash']);
    const complete = async (...words: string[]) => {
      const file = fileOf('completion.bash', script);
      const line = `source ${file}; COMP_WORDS=(dangvien ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}; _dangvien; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
        const child = spawn('bash', ['-c', line]);
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
        });
        child.on('error', reject);
        child.on('exit', () => resolve({ stdout: out }));
      });
      return stdout.split('\n').filter((l) => l !== '');
    };
    // Act and Assess
    expect(await complete('re')).toEqual(['report', 'remind', 'rejected', 'recompute']);
    expect(await complete('rejected', '')).toEqual(['list', 'redrive', 'help']);
    expect(await complete('report', 'HP', '--f')).toEqual(['--format']);
    expect(await complete('completion', '')).toEqual(['bash', 'zsh']);
    expect(await complete('person', 'erase', 'P-1', '--')).toEqual(expect.arrayContaining(['--yes', '--dry-run', '--force', '--data']));
    expect(await complete('validate', '--')).not.toContain('--wait');
    const zsh = await dangvien(['completion', 'zsh']);
    expect(zsh.code).toBe(0);
    expect(zsh.stdout).toContain('bashcompinit');
    expect((await dangvien(['completion', 'fish'])).code).toBe(2);
    expect(readFileSync(join(dir, 'completion.bash'), 'utf8')).toBe(script);
  });
});
