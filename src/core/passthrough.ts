/**
 * `scp` is also the name of OpenSSH's secure copy. When an invocation is not one of ours, the launcher hands it to
 * the other `scp` in PATH unchanged. This module decides, with no IO of its own and nothing heavy imported: it runs
 * before commander, MQTT.js or anything else is loaded, on every invocation.
 */

/**
 * What each of our commands takes besides long options: whether a word may follow it (config's action, completion's
 * shell, help's topic), and the short options it knows (commander's -h, the global -v, clear's -y). An invocation is
 * ours by its first word only when the rest fits, so `scp clear host:/tmp/` (a file named clear) still reaches OpenSSH.
 */
const OUR_COMMANDS: ReadonlyMap<string, { word: boolean; shorts: ReadonlySet<string> }> = new Map(
  Object.entries({
    clear: { word: false, shorts: ['-h', '-v', '-y'] },
    simulate: { word: false, shorts: ['-h', '-v'] },
    config: { word: true, shorts: ['-h', '-v'] },
    completion: { word: true, shorts: ['-h'] },
    help: { word: true, shorts: [] },
  }).map(([name, { word, shorts }]) => [name, { word, shorts: new Set(shorts) }]),
);
/** A word, not a file: a misspelt action or an unsupported shell is ours to refuse (`scp completion tcsh`); a path or
 * a remote (`/`, `.`, `:`) is a copy. Local copies of a file named like a command to a bare name are the price. */
const BARE_WORD = /^[A-Za-z][\w-]*$/;
/** OpenSSH's scp has neither -h nor -V; -v is its verbose, so only ours after one of our commands. */
const OUR_SHORT_OPTIONS = new Set(['-h', '-V']);
/** `--word`: OpenSSH's scp has no long options at all, so one anywhere (before a bare `--`) makes the invocation ours. */
const LONG_OPTION = /^--[A-Za-z0-9]/;

export function isOwnInvocation(argv: readonly string[]): boolean {
  const [first, ...rest] = argv;
  if (first === undefined) return true; // `scp` alone: our usage
  if (OUR_SHORT_OPTIONS.has(first)) return true;
  // A bare `--` ends the options for OpenSSH too: what follows are file names, whatever they look like.
  const end = argv.indexOf('--');
  if ((end === -1 ? argv : argv.slice(0, end)).some((arg) => LONG_OPTION.test(arg))) return true;
  const command = OUR_COMMANDS.get(first);
  if (command === undefined) return false;
  // At most one word (config's action, completion's shell, help's topic), then only short options we know.
  const options = command.word && rest[0] !== undefined && BARE_WORD.test(rest[0]) ? rest.slice(1) : rest;
  return options.every((arg) => command.shorts.has(arg));
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
