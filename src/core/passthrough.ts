/**
 * `scp` is also the name of OpenSSH's secure copy. When an invocation is not one of ours, the launcher hands it to
 * the other `scp` in PATH unchanged. This module decides, with no IO of its own and nothing heavy imported: it runs
 * before commander, MQTT.js or anything else is loaded, on every invocation.
 */

/** First arguments that make an invocation ours. OpenSSH's scp takes only single-dash options, so every long
 * option is ours; of the short ones only -h and -V (OpenSSH has neither), never -v (OpenSSH's verbose). */
const OUR_COMMANDS = new Set(['clear', 'simulate', 'config', 'completion', 'help']);
const OUR_SHORT_OPTIONS = new Set(['-h', '-V']);

export function isOwnInvocation(argv: readonly string[]): boolean {
  const first = argv[0];
  if (first === undefined) return true; // `scp` alone: our usage
  if (OUR_COMMANDS.has(first) || OUR_SHORT_OPTIONS.has(first)) return true;
  return first.startsWith('--') && first.length > 2;
}

export interface PathLookup {
  /** The file's real path if it exists and is executable, else undefined. */
  executable(path: string): string | undefined;
}

/**
 * The first `scp` in PATH that is not this tool: candidates that resolve (realpath) to one of `ours` (our launcher,
 * or a link to it, as npm install -g and npm link make) are skipped, so the hand-over never comes back to us.
 */
export function findOtherScp(pathVariable: string | undefined, ours: ReadonlySet<string>, lookup: PathLookup): string | undefined {
  for (const dir of (pathVariable ?? '').split(':')) {
    if (dir === '') continue;
    const candidate = `${dir.replace(/\/+$/, '')}/scp`;
    const real = lookup.executable(candidate);
    if (real !== undefined && !ours.has(real)) return candidate;
  }
  return undefined;
}
