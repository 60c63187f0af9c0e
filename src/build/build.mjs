#!/usr/bin/env node
// `npm run build` after `tsc`: bundles the TypeScript into dist/ with esbuild, then makes the CLI's V8 code cache.
//
//   dist/launch.cjs   what bin/scp.js runs first: ours or OpenSSH's scp (Node built-ins only), with the commands and
//                     their short options read off the built CLI (cli.ts launcherWords) written in as a constant
//   dist/scp.cjs      the whole CLI, one CommonJS module already wrapped as Node wraps one (a function of exports,
//                     require, module, __filename, __dirname): every command, MQTT.js, commander, chalk, @inquirer/prompts.
//                     The launcher compiles it with vm (loadBundle); wrapped here, it is not copied into a new string
//                     at every start.
//                     Lazy `import()`s stay lazy: esbuild turns them into module initialisers that run on first use,
//                     so `--help` never runs MQTT.js or the prompts (test/e2e/lazy.e2e.test.ts checks it).
//   dist/help.cjs     the same program without what commands load lazily: what the launcher runs for help alone
//                     (buildCli's comment), with its code cache dist/help.root.cache
//   dist/scp.<command>.cache  V8 code caches of scp.cjs, one per command (and `root` for the rest), each after the
//                     runs of that command in train.mjs (--help, --dry-run, round trips)
//   dist/demo.js      `npm run demo` (ES module: it uses top-level await)
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';
import { createHash } from 'node:crypto';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = `${root}dist`;
rmSync(dist, { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', minify: true, logLevel: 'warning', absWorkingDir: root, outdir: dist };
const commonJs = { ...common, format: 'cjs', outExtension: { '.js': '.cjs' } };
/**
 * The CLI as one CommonJS bundle named `name`. `helpOnly`: the help bundle (dist/help.cjs), the same program with
 * every module a command loads lazily (`import()`) left out: what `scp --help`, `scp <command> --help` and `scp help
 * [command]` run, which build the program and print its help and load nothing else. A fifth of the full bundle's
 * source to read, compile and run (#29); should one of its runs reach a left-out module anyway, it fails as an
 * internal error naming it, and test/e2e/lazy.e2e.test.ts runs every form it is used for.
 */
function buildCli(name, { helpOnly = false } = {}) {
  return build({
    ...commonJs,
    metafile: helpOnly,
    entryPoints: { [name]: 'src/cli.ts' },
    // Identifiers stay readable: stack traces of internal errors, and the lazy-loading test, name the modules.
    minify: false,
    minifyWhitespace: true,
    minifySyntax: true,
    banner: { js: '(function (exports, require, module, __filename, __dirname) {' },
    footer: { js: '\n})' },
    external: ['aedes'],
    // import() of a Node built-in (node:tls) becomes a lazy require: a script compiled by vm with a code cache has no
    // dynamic-import host, and Node 20's way to give it one is experimental.
    supported: { 'dynamic-import': false },
    plugins: [
      {
        name: 'chalk-without-probe',
        setup(build) {
          build.onResolve({ filter: /^#supports-color$/ }, () => ({ path: `${root}src/shims/supports-color.ts` }));
        },
      },
      ...(helpOnly ? [leftOutOfHelp] : []),
    ],
    alias: {
      // commander imports child_process at start for executable subcommands scp does not have (see the shim).
      'node:child_process': './src/shims/child-process.ts',
      'worker-timers': './src/shims/worker-timers.ts',
      'readable-stream': 'node:stream',
      // MQTT.js's per-packet debug logging, off in a CLI that has --verbose (see the shim).
      debug: './src/shims/debug.cjs',
      // Required by MQTT.js at start for topic aliases scp never uses: loaded on first use instead (see the shim).
      'lru-cache': './src/shims/lru-cache.cjs',
    },
  });
}

/** For the help bundle: every `import()` of ours becomes a module that fails, naming what was left out. */
const leftOutOfHelp = {
  name: 'left-out-of-help',
  setup(build) {
    build.onResolve({ filter: /^\./ }, (args) => (args.kind === 'dynamic-import' ? { path: args.path, namespace: 'left-out', pluginData: args.importer } : undefined));
    build.onLoad({ filter: /.*/, namespace: 'left-out' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`the help bundle has no ${args.path} (imported by ${args.pluginData})`)});`,
      loader: 'js',
    }));
  },
};

await buildCli('scp');
// The help bundle's modules all run when it loads (nothing in it is lazy: esbuild wraps no module of it in an
// initialiser), so "which modules did --help evaluate" is its list of modules: kept beside it for the lazy-loading
// test and the start-up bench (test/helpers/evaluated.mjs), and left out of the package.
const { metafile } = await buildCli('help', { helpOnly: true });
writeFileSync(`${dist}/help.modules.json`, `${JSON.stringify(Object.keys(metafile.inputs).filter((path) => !path.startsWith('left-out:')).sort())}\n`);
// The launcher is built from the CLI: which words are ours is what the program itself says, never a list kept by hand.
// The version too, so that `scp --version` is answered without loading the CLI.
const cli = { exports: {} };
runInThisContext(readFileSync(`${dist}/scp.cjs`, 'latin1'))(cli.exports, createRequire(`${dist}/scp.cjs`), cli, `${dist}/scp.cjs`, dist);
const { exports: built } = cli;
// The launcher reads the bundle as latin1 (src/launch/index.ts loadBundle): it must stay ASCII, as esbuild's default
// charset writes it.
for (const bundle of ['scp.cjs', 'help.cjs']) {
  if (/[^\x00-\x7f]/.test(readFileSync(`${dist}/${bundle}`, 'latin1'))) throw new Error(`build: dist/${bundle} is not ASCII`);
}
// Which commands get a code cache of their own (train.mjs makes them): each message's, and one for its dry runs. The
// simulator has none: a server that starts 13 ms later is not worth 675 kB more in the package; it uses root's.
const caches = built.messageCommands().flatMap(({ command }) => [command, `${command}-dry-run`]);
await build({
  ...commonJs,
  entryPoints: { launch: 'src/launch/index.ts' },
  define: {
    SCP_LAUNCHER_WORDS: JSON.stringify(built.launcherWords()),
    SCP_VERSION: JSON.stringify(built.VERSION),
    SCP_CACHES: JSON.stringify(caches),
    // The user's code caches, made where another V8 runs (src/launch/user-cache.ts), are kept per bundle content.
    SCP_CACHE_V8: JSON.stringify(process.versions.v8),
    SCP_BUNDLE_IDS: JSON.stringify(Object.fromEntries(['scp.cjs', 'help.cjs'].map((name) => [name, createHash('sha256').update(readFileSync(`${dist}/${name}`)).digest('hex').slice(0, 16)]))),
  },
});
await build({ ...common, entryPoints: { demo: 'src/demo.ts' }, format: 'esm' });

// V8 rejects a code cache made under other flags than its own. The stream run in train.mjs would set its heap flags
// (streamHeapFlags, src/pipeline/stream-heap.ts) in the training process; given here at V8's default values, they are left
// alone and the cache matches a plain `node`. (The lazy e2e test fails if the cache is ever rejected.)
const trained = spawnSync(process.execPath, ['--semi-space-growth-factor=2', '--heap-growing-percent=0', fileURLToPath(new URL('./train.mjs', import.meta.url))], {
  stdio: 'inherit',
});
if (trained.status !== 0) {
  // Not fatal: scp works without the cache, only slower to start. Said loudly, since the benchmark would show it.
  console.error('build: no code cache was made (see above); scp will start slower');
}
