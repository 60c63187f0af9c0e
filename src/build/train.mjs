#!/usr/bin/env node
// Makes the CLI's V8 code caches, one per command: dist/scp.<name>.cache (src/launch/index.ts `cacheFor` picks one
// by the command word). Each is made by a process of its own that loads dist/scp.cjs from source, runs the built CLI
// in-process through what people run with that command, and saves V8's code cache of what those runs compiled:
//   help      the help bundle (dist/help.cjs) through every form it answers: --help, help, <command> --help
//   root      every help the help bundle does not answer, --version, config, completion, an unknown command:
//             every run without a cache of its own
//   <message> a bad input, and the entry's samples as round trips against a simulator in another process (so none
//             of the simulator is in the cache); a stream (--input) compiles what it adds as it starts
//   <message>-dry-run  the same samples as dry runs only (none of MQTT.js in it): what `--dry-run` runs
// Each holds only what its runs need: a round trip's cache without the help and the dry runs deserialises faster.
// (The simulator has no cache of its own: see build.mjs.)
// One cache of everything made `--help` deserialise MQTT.js and the simulator before its first line. Exits non-zero
// if a run misbehaves: the build then says no cache was made, and scp still works, only slower to start.
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { loadBundle, cacheFile, CLI_BUNDLE, HELP_BUNDLE } = require('../../dist/launch.cjs');
const self = fileURLToPath(import.meta.url);
const scpBin = fileURLToPath(new URL('../../bin/scp.js', import.meta.url));
// Nothing of the builder's own settings (SCP_*, a config file) may change what is run.
const env = { PATH: process.env.PATH, HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' };
const [profile, broker] = [arg('--profile'), arg('--broker')];

function arg(name) {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

async function run(cli, argv, { input = '', signal = new AbortController().signal, onStderr } = {}) {
  const [stdin, stdout, stderr] = [new PassThrough(), new PassThrough(), new PassThrough()];
  stdin.end(input);
  let [out, err] = ['', ''];
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => {
    err += chunk;
    onStderr?.(err);
  });
  const code = await cli.main(argv, { stdin, stdout, stderr, env, signal });
  return { code, out, err };
}

function expect(what, result, ...codes) {
  if (!codes.includes(result.code)) throw new Error(`${what}: exit ${result.code}, expected ${codes.join(' or ')}: ${result.err}`);
}

/** Every run without a command of its own cache. */
async function trainRoot(cli) {
  expect('--help', await run(cli, ['--help']), 0);
  expect('--version', await run(cli, ['--version']), 0);
  expect('help', await run(cli, ['help']), 0);
  for (const { command } of cli.messageCommands()) {
    expect(`${command} --help`, await run(cli, [command, '--help']), 0);
    expect(`help ${command}`, await run(cli, ['help', command]), 0);
  }
  expect('config show', await run(cli, ['config', 'show']), 0);
  expect('config path', await run(cli, ['config', 'path']), 0);
  expect('completion', await run(cli, ['completion', 'bash']), 0);
  expect('unknown command', await run(cli, ['nonsense']), 2);
}

/** One message's flag runs. */
async function trainDryRuns(cli, { command, samples }) {
  for (const args of samples.send) {
    expect(`${command} dry run`, await run(cli, [command, ...args, '--dry-run']), 0);
    expect(`${command} dry run, JSON`, await run(cli, [command, ...args, '--dry-run', '--json']), 0);
  }
}

/** One message's round trips against the simulator at `url`, and its bad input. */
async function trainMessage(cli, { command, samples }, url) {
  expect(`${command} bad input`, await run(cli, [command, ...samples.bad]), 2);
  for (const args of samples.send) expect(`${command} round trip`, await run(cli, ['--broker', url, command, ...args]), 0, 1);
  expect(`${command} round trip, JSON`, await run(cli, ['--broker', url, command, ...samples.send[0], '--json']), 0, 1);
}

function listening(text, resolve) {
  const match = /listening on (mqtt:\/\/\S+)/.exec(text);
  if (match && /serving /.test(text)) resolve(match[1]);
}

/** The help bundle, through every form the launcher hands it (launch/cache.ts asksHelpOnly). */
async function trainHelp(cli) {
  const commands = Object.keys(cli.launcherWords().commands).filter((command) => command !== 'help');
  for (const argv of [['--help'], ['-h'], ['help'], ...commands.flatMap((command) => [[command, '--help'], ['help', command]])]) {
    expect(argv.join(' '), await run(cli, argv), 0);
  }
}

/** One profile, in this process: load the CLI from source, run, save what was compiled. */
async function trainProfile() {
  const bundle = profile === 'help' ? HELP_BUNDLE : CLI_BUNDLE;
  const { exports: cli, script } = loadBundle(bundle);
  const messages = cli.messageCommands();
  if (profile === 'root') await trainRoot(cli);
  else if (profile === 'help') await trainHelp(cli);
  else {
    const message = messages.find((one) => one.command === profile.replace(/-dry-run$/, ''));
    if (!message) throw new Error(`no message command ${profile}`);
    await (profile.endsWith('-dry-run') ? trainDryRuns(cli, message) : trainMessage(cli, message, broker));
  }
  const cache = script.createCachedData();
  writeFileSync(profile === 'help' ? cacheFile(HELP_BUNDLE, 'root') : cacheFile(CLI_BUNDLE, profile), cache);
  console.error(`build: code cache for ${profile}, ${(cache.length / 1024).toFixed(0)} KiB`);
}

/** The simulator the message profiles run against: the built scp, in a process of its own. */
async function startSimulator() {
  const child = spawn(process.execPath, [scpBin, 'simulate', '--embedded', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let text = '';
  const url = await new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error(`no simulator within 10 s: ${text}`)), 10_000).unref();
    child.stderr.on('data', (chunk) => listening((text += chunk), resolve));
    child.once('exit', (code) => reject(new Error(`the simulator exited ${code}: ${text}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** Every profile, each in a fresh process given this one's V8 flags (a cache is only taken under the flags it was made with). */
async function trainAll() {
  const { exports: cli } = loadBundle(CLI_BUNDLE);
  const commands = cli.messageCommands().map(({ command }) => command);
  const simulator = await startSimulator();
  try {
    for (const name of ['help', 'root', ...commands.flatMap((command) => [command, `${command}-dry-run`])]) {
      const trained = spawnSync(process.execPath, [...process.execArgv, self, '--profile', name, '--broker', simulator.url], { stdio: 'inherit' });
      if (trained.status !== 0) throw new Error(`training ${name} exited ${trained.status}`);
    }
  } finally {
    simulator.stop();
  }
}

await (profile === undefined ? trainAll() : trainProfile());
// A simulator's broker and timers must not keep the build waiting.
process.exit(0);
