// cli: `dangvien completion bash|zsh`, a completion script written from the same command
// tree as the help (cli/program.ts), so that a new command or option completes without
// a second list to keep. zsh runs the bash function through bashcompinit.
import type { Command, Option } from 'commander';

/** One command of the tree as the script sees it: `rejected/redrive` for `dangvien rejected redrive`. */
interface CompletionNode {
  path: string;
  subcommands: string[];
  /** Every flag, short and long. */
  flags: string[];
  /** Flags that take a value, with what to offer for it. */
  values: Array<{ flag: string; offer: string }>;
  /** The choices of the first argument, if it has any. */
  argumentChoices: string[];
  /** Whether its argument is a file name. */
  takesFile: boolean;
}

/** What to offer for an option's value: its choices, a directory, a file, or nothing (a date, an id). */
function offerFor(option: Option): string {
  if (option.argChoices) return `compgen -W '${option.argChoices.join(' ')}' -- "$cur"`;
  if (/<dir>/.test(option.flags)) return 'compgen -d -- "$cur"';
  if (/<file>/.test(option.flags)) return 'compgen -f -- "$cur"';
  return ':';
}

function nodesOf(command: Command, path = ''): CompletionNode[] {
  const help = command.createHelp();
  const visible = help.visibleCommands(command);
  const options = help.visibleOptions(command);
  const node: CompletionNode = {
    path,
    subcommands: visible.map((c) => c.name()),
    flags: options.flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined)),
    values: options
      .filter((o) => o.required || o.optional)
      .flatMap((o) => [o.short, o.long].filter((f): f is string => f !== undefined).map((flag) => ({ flag, offer: offerFor(o) }))),
    argumentChoices: command.registeredArguments[0]?.argChoices ?? [],
    takesFile: command.registeredArguments.some((a) => a.name() === 'file'),
  };
  const join = (name: string) => (path === '' ? name : `${path}/${name}`);
  const children = command.commands.flatMap((c) => nodesOf(c, join(c.name())));
  // `help COMMAND` completes the commands it can explain.
  const helpCommand = visible.find((c) => !command.commands.includes(c));
  const helpNode = helpCommand && {
    path: join(helpCommand.name()),
    subcommands: command.commands.map((c) => c.name()),
    flags: [],
    values: [],
    argumentChoices: [],
    takesFile: false,
  };
  return [node, ...children, ...(helpNode ? [helpNode] : [])];
}

/** The bash function `_dangvien`, and its registration. */
function bashScript(program: Command): string {
  const nodes = nodesOf(program);
  const steps = nodes.flatMap((n) => n.subcommands.map((s) => `"${n.path}:${s}"`));
  const perNode = nodes
    .map((n) => {
      const words = n.argumentChoices.length > 0 ? n.argumentChoices : n.subcommands;
      return `    "${n.path}") subs='${words.join(' ')}'; flags='${n.flags.join(' ')}'; files=${n.takesFile ? 1 : 0} ;;`;
    })
    .join('\n');
  const perValue = nodes.flatMap((n) => n.values.map((v) => `    "${n.path}:${v.flag}") COMPREPLY=($(${v.offer})); return ;;`)).join('\n');
  return `# dangvien completion for bash: \`source <(dangvien completion bash)\` (written by \`dangvien completion bash\`).
_dangvien() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" path="" word subs="" flags="" files=0 i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    case "$path:$word" in
      ${steps.join('|')}) path="\${path:+$path/}$word" ;;
    esac
  done
  case "$path:$prev" in
${perValue}
  esac
  case "$path" in
${perNode}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  elif [[ "$files" == 1 ]]; then
    COMPREPLY=($(compgen -f -- "$cur"))
  fi
}
complete -o filenames -F _dangvien dangvien
`;
}

/** The completion script for `shell`. */
export function completionScript(program: Command, shell: 'bash' | 'zsh'): string {
  const bash = bashScript(program);
  if (shell === 'bash') return bash;
  return `# dangvien completion for zsh: \`source <(dangvien completion zsh)\` (the bash function, through bashcompinit).
(( $+functions[compdef] )) || { autoload -U +X compinit && compinit }
autoload -U +X bashcompinit && bashcompinit
${bash}`;
}
