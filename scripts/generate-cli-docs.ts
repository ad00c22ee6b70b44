// Writes docs/cli.md from the CLI itself: every command's help as the parser prints it
// (cli/program.ts), the exit codes (cli/errors.ts) and the environment variables
// (cli/environment.ts), so the page cannot drift from the tool. test/unit/cli-docs.test.ts
// renders it in memory and fails when the checked-in page differs.
// Run: npx tsx scripts/generate-cli-docs.ts (or `npm run docs:cli`).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { ENVIRONMENT } from '../cli/environment.js';
import { EXIT_MEANINGS } from '../cli/errors.js';
import { buildProgram } from '../cli/program.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the page goes. */
export const CLI_DOCS = join(root, 'docs', 'cli.md');

/** The width the help is wrapped to on the page (a terminal's is its own). */
const HELP_WIDTH = 100;

/** `dangvien rejected redrive` for that command. */
function commandLine(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Every command under `command`, depth first, itself included. */
function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}

const anchorOf = (line: string) => line.replaceAll(' ', '-');
const cell = (text: string) => text.replaceAll('|', '\\|');

/** The page, as `npm run docs:cli` writes it. */
export function cliDocs(): string {
  let captured = '';
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const program = buildProgram({
    version,
    output: { writeOut: (s) => (captured += s), getOutHelpWidth: () => HELP_WIDTH, getOutHasColors: () => false },
  });
  const helpOf = (command: Command) => {
    captured = '';
    command.outputHelp();
    return captured.trimEnd();
  };
  const commands = allCommands(program).slice(1);
  const leaves = commands.filter((c) => c.commands.length === 0);

  return `# \`dangvien\`, the command line

<!-- Written by \`npm run docs:cli\` from the CLI itself (cli/program.ts, cli/errors.ts,
cli/environment.ts); test/unit/cli-docs.test.ts fails when this page is stale. Edit those. -->

One tool for operators and producers: \`npx dangvien <command>\` from the repository
(\`npm ci\` builds it). It talks to the local stack of \`npm start\` by default — the one
whose data directory is \`--data DIR\`, \`$DANGVIEN_DATA\` or \`.local/\` — and to the
deployed stack with \`--stack-outputs FILE\` (the file \`cdk deploy --outputs-file FILE\`
writes) and the usual AWS credentials. It prints JSON on stdout where a program reads it,
and messages and progress on stderr. \`dangvien help COMMAND\` and \`dangvien COMMAND --help\`
print a command's help; an option of another command is refused (exit 2).

## Commands

| command | does |
| --- | --- |
${leaves.map((c) => `| [\`${commandLine(c)}\`](#${anchorOf(commandLine(c))}) | ${cell(c.summary() || c.description())} |`).join('\n')}

## Exit codes

| code | means |
| --- | --- |
${Object.entries(EXIT_MEANINGS)
  .map(([code, meaning]) => `| ${code} | ${cell(meaning)} |`)
  .join('\n')}

Each command's help says which of them it uses. \`person show\` of an id nothing is held
about exits 0 with the empty lists, and says so on stderr: "nothing" is an answer (a
request for a person's data must be answerable when none is held), and a typo shows there.
A closed pipe (\`dangvien validate big.ndjson | head -1\`) ends the command quietly with the
code earned so far: \`validate\` exits 1 once it has printed an invalid line, a report 0.

## Confirmations and dry runs

\`person erase\` and a writing \`recompute\` cannot be undone. On a terminal they ask first
(\`[y/N]\`); where nobody can answer (a script, CI, stdin not a terminal) they refuse with
exit 2 unless \`--yes\` is given. Both have \`--dry-run\`: what would be erased or replaced,
with nothing written. \`recompute --check\` runs the same comparison as \`recompute --dry-run\`
and fails (exit 1) on a difference: it is the health check; \`--dry-run\` is the look before
a repair and exits 0. \`import --dry-run\` checks every row as the import would, writes
nothing, and exits 1 when a row is bad.

## Environment variables

| variable | read by | does | when not set |
| --- | --- | --- | --- |
${ENVIRONMENT.map((v) => `| \`${v.name}\` | ${v.readBy} | ${cell(v.meaning)} | ${cell(v.unset)} |`).join('\n')}

With \`--stack-outputs\`, the AWS SDK reads its own variables (\`AWS_PROFILE\`, \`AWS_REGION\`,
…); the stack's region in the outputs file wins over \`AWS_REGION\`.

## Shell completion

\`dangvien completion bash\` and \`dangvien completion zsh\` print a script that completes
commands, subcommands and options, written from the same command tree as the help. Load it
from the shell's start file, for the command \`dangvien\` on your PATH (\`npm link\` in the
repository puts it there):

\`\`\`sh
echo 'source <(dangvien completion bash)' >> ~/.bashrc
echo 'source <(dangvien completion zsh)' >> ~/.zshrc
\`\`\`

## Every command's help

### \`dangvien\`

\`\`\`text
${helpOf(program)}
\`\`\`

${commands.map((c) => `### \`${commandLine(c)}\`\n\n\`\`\`text\n${helpOf(c)}\n\`\`\`\n`).join('\n')}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) writeFileSync(CLI_DOCS, cliDocs());
