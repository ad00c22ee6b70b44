// The yes that `person erase` and a writing `recompute` wait for (docs/cli.md
// "Confirmations and dry runs"): asked on a terminal, refused where nobody can answer.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirm } from '../../cli/confirm.js';
import { UsageError } from '../../cli/errors.js';

/** A terminal that answers `answer` once asked, and what was written on it. */
function terminal(answer: string) {
  const input = Object.assign(new PassThrough(), { isTTY: true });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => {
    shown += chunk.toString();
    if (shown.includes('[y/N]')) input.write(`${answer}\n`);
  });
  return { input, output, shown: () => shown };
}

describe('confirm', () => {
  it.each(['y', 'yes', 'YES', ' y '])('goes on when the operator answers %j', async (answer) => {
    // Prepare
    const tty = terminal(answer);
    // Act
    await confirm('erase the personal data of P-1', { yes: false, input: tty.input, output: tty.output });
    // Assess
    expect(tty.shown()).toContain('This will erase the personal data of P-1. It cannot be undone. Go on? [y/N]');
  });

  it.each(['', 'n', 'no', 'yes please'])('changes nothing when the operator answers %j', async (answer) => {
    // Prepare
    const tty = terminal(answer);
    // Act
    const asked = confirm('erase the personal data of P-1', { yes: false, input: tty.input, output: tty.output });
    // Assess
    await expect(asked).rejects.toThrow(UsageError);
    await expect(asked).rejects.toThrow('not confirmed: nothing was changed');
  });

  it('refuses without asking when stdin is not a terminal, and goes on with --yes without asking', async () => {
    // Prepare: a pipe, as in a script or CI
    const pipe = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => {
      shown += chunk.toString();
    });
    // Act
    const refused = confirm('erase the personal data of P-1', { yes: false, input: pipe, output });
    const agreed = confirm('erase the personal data of P-1', { yes: true, input: pipe, output });
    // Assess
    await expect(refused).rejects.toThrow(/pass --yes to go on/);
    await expect(agreed).resolves.toBeUndefined();
    expect(shown).toBe('');
  });
});
