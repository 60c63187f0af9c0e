/**
 * What bin/scp.js runs first. Our own invocations go to the CLI; anything else (`scp -r dir host:`) goes to
 * OpenSSH's scp, found later in PATH, with the same arguments, stdio, signals and exit status. Kept apart from the
 * CLI so that neither tool pays for the other: this file loads only Node built-ins.
 *
 * The CLI itself (dist/scp.cjs, one CommonJS bundle) is compiled from a V8 code cache made at build time
 * (src/build/train.mjs): Node 20 caches no compiled code for modules, and compiling ours was the largest part of
 * a run's own time. There is one cache per command (`dist/scp.<command>.cache`; `<command>-dry-run` for its flag
 * runs, which never load MQTT.js; `root` for help, config, the simulator and the rest), each holding only what that command ran in
 * training: V8 deserialises a whole cache before the first line runs, and one cache of everything cost a `--help`
 * the simulator's and MQTT.js's compiled code. A missing or rejected cache (another Node or V8), or the wrong one,
 * only costs time: the source is the same.
 */
import { accessSync, closeSync, constants, openSync, readFileSync, readSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { asksHelpOnly, cacheFile, cacheFor } from './cache.js';
import { readUserCache, userCacheFile, writeUserCache } from './user-cache.js';

export { cacheFile };
import { HAND_OVER_MARK, findOtherScp, isOwnInvocation, loopMessage, type LauncherWords } from './passthrough.js';
import { envFlag } from '../core/settings.js';
import { EXIT } from '../core/errors.js';
import { writeLine } from '../output/plain.js';
import { Stdio } from '../output/stdio.js';

/** Our commands and their short options, read off the built CLI and written in by src/build/build.mjs (esbuild's
 * define): deciding "ours or OpenSSH's" costs no file read and cannot drift from the commands. */
declare const SCP_LAUNCHER_WORDS: LauncherWords;
/** cli.ts's VERSION, written in the same way: `scp --version` alone is answered here, with no CLI to load. */
declare const SCP_VERSION: string;
/** The commands the build trained a code cache of their own for (src/build/train.mjs); the others use `root`'s. */
declare const SCP_CACHES: readonly string[];
/** The V8 the build made its code caches with (process.versions.v8): any other rejects them. */
declare const SCP_CACHE_V8: string;
/** Each bundle's content id (a hash of dist/scp.cjs, dist/help.cjs): the user's caches of one build are never
 * offered to another, since V8 tells sources apart by their length alone. */
declare const SCP_BUNDLE_IDS: Readonly<Record<string, string>>;

export interface LoadedBundle {
  exports: typeof import('../cli.js');
  script: Script;
  /** What became of the code cache: used, rejected (made by another V8) or missing. */
  cache: 'used' | 'rejected' | 'missing';
}

/**
 * Compiles and runs a CommonJS bundle as `require` would, with `cachedData` when there is one (none: compiled from
 * source, as the build's training wants). The bundle is read as latin1: esbuild writes ASCII only (its default
 * charset, escapes for the rest), and a one-byte read skips UTF-8 decoding of 700 kB (the build checks the bundle is
 * ASCII).
 */
function runBundle(file: string, cachedData: Buffer | undefined): LoadedBundle {
  const source = readFileSync(file, 'latin1');
  // The bundle has no import() left (the build lowers them to require), so no dynamic-import callback is needed.
  // The build wrote it as the function Node would wrap a module in (src/build/build.mjs).
  const script = new Script(source, { filename: file, cachedData });
  const module = { exports: {} as LoadedBundle['exports'] };
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cache: cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'used' };
}

/** The bundle with the build's code cache `cache` (none given: from source). */
export function loadBundle(file: string, cache?: string): LoadedBundle {
  let cachedData: Buffer | undefined;
  try {
    cachedData = cache === undefined ? undefined : readFileSync(cacheFile(file, cache));
  } catch {
    cachedData = undefined;
  }
  return runBundle(file, cachedData);
}

/**
 * The bundle with the code cache `name` that the running V8 takes: the build's, on the V8 the build made its caches
 * with; on any other, the one an earlier run made on this machine (user-cache.ts), made by this run when there is
 * none yet (or none V8 takes), once it ends normally.
 */
export function loadCompiled(file: string, name: string, env: NodeJS.ProcessEnv = process.env): LoadedBundle {
  if (process.versions.v8 === SCP_CACHE_V8) return loadBundle(file, name);
  const path = userCacheFile(file, SCP_BUNDLE_IDS[basename(file)] ?? 'unknown', name, env);
  if (path === undefined) return runBundle(file, undefined);
  const loaded = runBundle(file, readUserCache(path));
  if (loaded.cache !== 'used') {
    process.once('exit', (code) => {
      if (code === 0 || code === 1) writeUserCache(path, loaded.script.createCachedData());
    });
  }
  return loaded;
}

/** The CLI bundle beside this launcher, and the help bundle: the same program without what commands load (build.mjs). */
export const CLI_BUNDLE = join(__dirname, 'scp.cjs');
export const HELP_BUNDLE = join(__dirname, 'help.cjs');

function executable(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

/** Enough of a file to see a script's shebang and the launcher it runs; an ELF binary costs the same one read. */
function head(path: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(8192);
    return buffer.toString('latin1', 0, readSync(fd, buffer, 0, buffer.length, 0));
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Runs the other scp with our arguments and stdio, forwarding signals; resolves with its exit status. */
async function handOver(program: string, argv: string[]): Promise<number> {
  // Loaded only for a hand-over: our own commands never pay for them.
  const [{ spawn }, { constants: os }] = await Promise.all([import('node:child_process'), import('node:os')]);
  // Listen before spawning: a signal that lands between the two must still reach the child, or we would die and
  // leave it running on the terminal.
  let child: ReturnType<typeof spawn> | undefined;
  let early: NodeJS.Signals | undefined;
  const forward = (signal: NodeJS.Signals) => {
    if (child) child.kill(signal);
    else early = signal;
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, forward);
  return new Promise((resolve) => {
    // The mark: if `program` turns out to be this tool again (a shim we could not recognise), it stops there.
    child = spawn(program, argv, { stdio: 'inherit', env: { ...process.env, [HAND_OVER_MARK]: program } });
    if (early) child.kill(early);
    child.once('error', (err) => {
      writeLine(process.stderr, `cannot run ${program}: ${err.message}`);
      resolve(126);
    });
    child.once('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      resolve(code ?? 128 + (signal ? (os.signals[signal] ?? 0) : 0));
    });
  });
}

/** `launcher` is bin/scp.js's own path; `passthrough: false` for the name that never hands over (smart-charging). */
export async function launch(launcher: string, { passthrough: allowed = true }: { passthrough?: boolean } = {}): Promise<void> {
  const argv = process.argv.slice(2);
  const passthrough = !envFlag(process.env.SCP_NO_PASSTHROUGH);
  let missingHint: string | undefined;
  if (allowed && !isOwnInvocation(argv, SCP_LAUNCHER_WORDS)) {
    const handedOverTo = process.env[HAND_OVER_MARK];
    if (passthrough && handedOverTo !== undefined) {
      // The plain writer, not the CLI's Output: the loop's second step must stay as cheap as the first.
      writeLine(process.stderr, loopMessage(handedOverTo));
      process.exitCode = EXIT.usage;
      return;
    }
    if (passthrough) {
      const ours = new Set([launcher, realpathSync(launcher), process.argv[1] ? executable(process.argv[1]) ?? '' : '']);
      const other = findOtherScp(process.env.PATH, ours, { executable, head });
      if (other) {
        process.exitCode = await handOver(other, argv);
        return;
      }
      missingHint = "not an scp command, and OpenSSH's scp (which scp hands other arguments to) was not found in PATH";
    } else {
      missingHint = 'not an scp command (handing over to OpenSSH\'s scp is off: SCP_NO_PASSTHROUGH)';
    }
  }
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
    // Straight to the descriptor: process.stdout would load Node's streams (~5 ms on Node 22 and 24) for one line.
    new Stdio(1, () => process.stdout).write(`${SCP_VERSION}\n`);
    return;
  }
  const bundle = asksHelpOnly(argv, Object.keys(SCP_LAUNCHER_WORDS.commands)) ? loadCompiled(HELP_BUNDLE, 'root') : loadCompiled(CLI_BUNDLE, cacheFor(argv, SCP_CACHES));
  await bundle.exports.run({ unknownHint: missingHint, name: basename(launcher, '.js') });
}
