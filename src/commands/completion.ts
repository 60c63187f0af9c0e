/**
 * Shell completion scripts, generated from the commander program's own shape (cli.ts describeProgram), so a new
 * option is completed without anyone remembering to. Profile names are looked up when completing, by running
 * `scp config profiles`, so they follow the config file. Words that are not ours (OpenSSH's `scp host:file`) fall
 * back to the shell's file completion.
 */
import { UsageError } from '../core/errors.js';
import { longFlag, type OptionSpec } from '../options.js';
import { OPTIONS } from '../messages/index.js';

export interface OptionShape {
  long: string;
  short?: string;
  takesValue: boolean;
  description: string;
}

export interface CommandShape {
  name: string;
  description: string;
  options: OptionShape[];
  commands: CommandShape[];
}

export type ProgramShape = CommandShape;

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** Options whose value is a file, and the fixed value lists, from the option table; --profile is looked up live. */
const FILE_OPTIONS = new Set(OPTIONS.filter((spec: OptionSpec) => spec.complete === 'file').map((spec) => longFlag(spec)!));
const VALUES: Record<string, readonly string[]> = Object.fromEntries(
  OPTIONS.flatMap((spec: OptionSpec) => (Array.isArray(spec.complete) ? [[longFlag(spec)!, spec.complete]] : [])),
);
const PROFILES_COMMAND = 'scp config profiles 2>/dev/null';
/** Options whose value is a profile name, completed by PROFILES_COMMAND. */
const PROFILE_NAMED = OPTIONS.filter((spec: OptionSpec) => spec.complete === 'profile').map((spec) => longFlag(spec)!);

/** commander adds --help to every command without listing it among the options. */
const flagsOf = (options: OptionShape[]) => [...options.flatMap((o) => (o.short ? [o.long, o.short] : [o.long])), '--help', '-h'];
/** Options that take a value nothing can complete (a URL, a number): after them, offer nothing. */
const freeValueOptions = (shape: ProgramShape) =>
  [...new Set([shape, ...shape.commands].flatMap((c) => c.options).filter((o) => o.takesValue).map((o) => o.long))].filter(
    (o) => !FILE_OPTIONS.has(o) && !(o in VALUES) && !PROFILE_NAMED.includes(o),
  );
/** Our commands, less commander's own `help`. */
const commandsOf = (shape: ProgramShape) => shape.commands.filter((c) => c.name !== 'help');
/** Subcommands (config's) and command arguments (completion's shells) a command is followed by. */
const wordsAfter = (command: CommandShape) => (command.name === 'completion' ? [...SHELLS] : command.commands.map((c) => c.name));
const quoteFish = (text: string) => `'${text.replace(/[\\']/g, '\\$&')}'`;

function bash(shape: ProgramShape): string {
  const global = flagsOf(shape.options);
  const commands = commandsOf(shape);
  const fixed = Object.entries(VALUES).map(([option, values]) => `    ${option}) COMPREPLY=($(compgen -W "${values.join(' ')}" -- "$cur")); return ;;`);
  const others = freeValueOptions(shape);
  return `# scp completion for bash. Install: scp completion bash > ~/.local/share/bash-completion/completions/scp
_scp() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      ${commands.map((c) => c.name).join('|')}) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$prev" in
${fixed.join('\n')}
    ${PROFILE_NAMED.join('|')}) COMPREPLY=($(compgen -W "$(${PROFILES_COMMAND})" -- "$cur")); return ;;
    ${[...FILE_OPTIONS].join('|')}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${others.join('|')}) return ;;
  esac
  local words
  case "$cmd" in
    "") words="${commands.map((c) => c.name).join(' ')} ${global.join(' ')}" ;;
${commands.map((c) => `    ${c.name}) words="${[...wordsAfter(c), ...flagsOf(c.options), ...global].join(' ')}" ;;`).join('\n')}
  esac
  # A first word: our commands that start so (scp cl<TAB>), with the files that do too (OpenSSH's scp copies files);
  # none of ours: leave it to the shell's default (file) completion.
  if [[ -z "$cmd" && -n "$cur" && "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W "${commands.map((c) => c.name).join(' ')}" -- "$cur"))
    if [[ \${#COMPREPLY[@]} -gt 0 ]]; then COMPREPLY+=($(compgen -f -- "$cur")); fi
    return
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _scp scp smart-charging
`;
}

function zsh(shape: ProgramShape): string {
  const global = flagsOf(shape.options);
  const commands = commandsOf(shape);
  const others = freeValueOptions(shape);
  return `#compdef scp smart-charging
# scp completion for zsh. Install: scp completion zsh > "\${fpath[1]}/_scp" (any folder in $fpath), then restart zsh.
_scp() {
  local cur=\${words[CURRENT]} prev=\${words[CURRENT-1]} cmd= w
  for w in \${words[2,CURRENT-1]}; do
    case $w in
      ${commands.map((c) => c.name).join('|')}) cmd=$w; break ;;
    esac
  done
  case $prev in
${Object.entries(VALUES).map(([option, values]) => `    ${option}) compadd -- ${values.join(' ')}; return ;;`).join('\n')}
    ${PROFILE_NAMED.join('|')}) compadd -- \${(f)"$(${PROFILES_COMMAND})"}; return ;;
    ${[...FILE_OPTIONS].join('|')}) _files; return ;;
    ${others.join('|')}) return ;;
  esac
  case $cmd in
    '') if [[ -n $cur && $cur != -* ]]; then compadd -- ${commands.map((c) => c.name).join(' ')}; _files; return; fi
        compadd -- ${commands.map((c) => c.name).join(' ')} ${global.join(' ')} ;;
${commands.map((c) => `    ${c.name}) compadd -- ${[...wordsAfter(c), ...flagsOf(c.options), ...global].join(' ')} ;;`).join('\n')}
  esac
}
_scp "$@"
`;
}

function fish(shape: ProgramShape): string {
  const commands = commandsOf(shape);
  const option = (o: OptionShape, condition?: string) => {
    const parts = ['complete -c scp -c smart-charging'];
    if (condition) parts.push(`-n ${quoteFish(condition)}`);
    parts.push(`-l ${o.long.slice(2)}`);
    if (o.short) parts.push(`-s ${o.short.slice(1)}`);
    if (PROFILE_NAMED.includes(o.long)) parts.push(`-x -a ${quoteFish(`(${PROFILES_COMMAND})`)}`);
    else if (o.long in VALUES) parts.push(`-x -a ${quoteFish(VALUES[o.long]!.join(' '))}`);
    else if (FILE_OPTIONS.has(o.long)) parts.push('-r -F');
    else if (o.takesValue) parts.push('-x');
    parts.push(`-d ${quoteFish(o.description.split(/[:(]/)[0]!.trim())}`);
    return parts.join(' ');
  };
  const lines = [
    '# scp completion for fish. Install: scp completion fish > ~/.config/fish/completions/scp.fish',
    // Not -f: a first word may be a file too (OpenSSH's scp), so files stay offered beside the commands.
    ...commands.map((c) => `complete -c scp -c smart-charging -n '__fish_use_subcommand' -a ${c.name} -d ${quoteFish(c.description.split(/[:(]/)[0]!.trim())}`),
    ...shape.options.map((o) => option(o)),
    ...commands.flatMap((c) => [
      ...c.options.map((o) => option(o, `__fish_seen_subcommand_from ${c.name}`)),
      ...wordsAfter(c).map((word) => `complete -c scp -c smart-charging -f -n ${quoteFish(`__fish_seen_subcommand_from ${c.name}; and not __fish_seen_subcommand_from ${wordsAfter(c).join(' ')}`)} -a ${word}`),
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

export function completionScript(shell: string, shape: ProgramShape): string {
  switch (shell) {
    case 'bash':
      return bash(shape);
    case 'zsh':
      return zsh(shape);
    case 'fish':
      return fish(shape);
    default:
      throw new UsageError(`completion: ${JSON.stringify(shell)} is not supported; use ${SHELLS.join(', ')}`);
  }
}
