/**
 * `scp` is also the name of OpenSSH's secure copy. When an invocation is not one of ours, the launcher hands it to
 * the other `scp` in PATH unchanged. This module decides, with no IO of its own and nothing heavy imported: it runs
 * before commander, MQTT.js or anything else is loaded, on every invocation.
 */

import type { LauncherWords } from '../cli.js';
import { oneEditAway } from '../core/similar.js';

export type { LauncherWords };

/** A word, not a file: a misspelt action or an unsupported shell is ours to refuse (`scp completion tcsh`); a path or
 * a remote (`/`, `.`, `:`) is a copy. Local copies of a file named like a command to a bare name are the price. */
const BARE_WORD = /^[A-Za-z][\w-]*$/;
/**
 * OpenSSH's scp's option letters (scp(1), OpenSSH 9): a root short option of ours that is also one of these (`-v`)
 * means OpenSSH's when it stands alone. This is OpenSSH's list, not ours; a letter it adds later is only a letter we
 * would take as ours when given with nothing else, where OpenSSH would print its usage anyway.
 */
const OPENSSH_LETTERS = new Set('346ABCDFJOPRSTXcilopqrsv');
/** `--word`: OpenSSH's scp has no long options at all, so one anywhere (before a bare `--`) makes the invocation ours. */
const LONG_OPTION = /^--[A-Za-z0-9]/;

/**
 * How many of `args` (from `from`) are short options of `shorts`, each alone (`-y`), with its value (`-x v`), or
 * switches grouped as commander groups them (`-vy`). Stops at the first that is not.
 */
function shortOptionsAt(args: readonly string[], from: number, shorts: Readonly<Record<string, boolean>>): number {
  let i = from;
  while (i < args.length) {
    const arg = args[i]!;
    if (Object.hasOwn(shorts, arg)) {
      i += shorts[arg] ? 2 : 1;
      continue;
    }
    const letters = /^-([A-Za-z0-9]{2,})$/.exec(arg)?.[1];
    if (letters === undefined || ![...letters].every((letter) => shorts[`-${letter}`] === false)) break;
    i += 1;
  }
  return Math.min(i, args.length);
}

/**
 * Ours or OpenSSH's: `scp`, `scp -h`, `scp [-v] <command> [word] [its short options]`, a lone word one edit away
 * from a command, or anything with a long option; everything else (`scp -r dir host:`, `scp clear host:/tmp/`,
 * `scp stauts host:`, a file named like a command) is a copy.
 */
export function isOwnInvocation(argv: readonly string[], words: LauncherWords): boolean {
  if (argv.length === 0) return true; // `scp` alone: our usage
  // A bare `--` ends the options for OpenSSH too: what follows are file names, whatever they look like.
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => LONG_OPTION.test(arg))) return true;
  const start = shortOptionsAt(argv, 0, words.root);
  if (start === argv.length) return argv.some((arg) => Object.hasOwn(words.root, arg) && !OPENSSH_LETTERS.has(arg.slice(1)));
  const command = Object.hasOwn(words.commands, argv[start]!) ? words.commands[argv[start]!]! : undefined;
  // A lone word one edit away from a command (`scp stauts`) is our typo: a copy always names two operands.
  if (command === undefined) return start === argv.length - 1 && BARE_WORD.test(argv[start]!) && Object.keys(words.commands).some((name) => oneEditAway(argv[start]!, name));
  // At most one word (config's action, completion's shell, help's topic), then only short options its help lists.
  const next = start + 1;
  const options = command.word && argv[next] !== undefined && BARE_WORD.test(argv[next]!) ? next + 1 : next;
  return shortOptionsAt(argv, options, command.shorts) === argv.length;
}

/**
 * The environment variable the hand-over sets on the process it starts, naming the `scp` it ran. OpenSSH's scp
 * ignores it and ssh does not send it (no SendEnv pattern of OpenSSH's defaults matches it). Arriving here with it
 * set on an invocation that is not ours means that `scp` was this tool again: a loop, stopped on its second step.
 */
export const HAND_OVER_MARK = 'SCP_HANDED_OVER_TO';

/** The one line a loop is reported with (exit 2): which `scp` runs this tool, and the three ways out. */
export function loopMessage(found: string): string {
  const dir = found.replace(/\/[^/]*$/, '') || '/';
  return (
    `${found} runs this tool again, not OpenSSH's scp, so the hand-over stopped (nothing was run): ` +
    `set SCP_NO_PASSTHROUGH=1, call this tool as smart-charging, or put OpenSSH's scp ahead of ${dir} in PATH`
  );
}

export interface PathLookup {
  /** The file's real path if it exists and is executable, else undefined. */
  executable(path: string): string | undefined;
  /** The first bytes of a file (a few hundred are enough to see a script's shebang and what it runs), or ''. */
  head(path: string): string;
}

/**
 * A script that runs one of our launchers: the shims pnpm, volta-like managers and hand-made wrappers put on PATH
 * name the launcher's path (their own or the package's). Cheap to see and worth skipping; anything subtler (a
 * variable, a binary shim) is caught by the mark instead.
 */
export function runsUs(head: string, ours: ReadonlySet<string>): boolean {
  if (!head.startsWith('#!')) return false;
  if (head.includes('smart-charging/bin/scp.js')) return true;
  for (const path of ours) if (path !== '' && head.includes(path)) return true;
  return false;
}

/**
 * The first `scp` in PATH that is not this tool: candidates that resolve (realpath) to one of `ours` (our launcher,
 * or a link to it, as npm install -g and npm link make) or are scripts that run it are skipped, so the hand-over
 * does not come back to us where that can be seen; the mark stops whatever cannot.
 */
export function findOtherScp(pathVariable: string | undefined, ours: ReadonlySet<string>, lookup: PathLookup): string | undefined {
  for (const dir of (pathVariable ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = `${dir.replace(/\/+$/, '')}/scp`;
    const real = lookup.executable(candidate);
    if (real === undefined || ours.has(real) || runsUs(lookup.head(real), ours)) continue;
    return candidate;
  }
  return undefined;
}
