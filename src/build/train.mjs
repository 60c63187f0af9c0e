#!/usr/bin/env node
// Makes dist/scp.cjs.cache: runs the built CLI in this process through the paths people use (help, version, dry
// runs, config, every message's samples and a stream against an embedded simulator), then saves V8's code cache of
// everything those runs compiled. The launcher (src/launch/index.ts) hands the cache to V8 when it loads dist/scp.cjs, so a real run
// skips parsing and compiling what it needs. Exits non-zero if a run misbehaves: the build then says no cache was
// made, and scp still works, only slower to start.
import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { writeFileSync } from 'node:fs';

const require = createRequire(import.meta.url);
const { loadBundle, CLI_BUNDLE } = require('../../dist/launch.cjs');
const { exports: cli, script } = loadBundle(CLI_BUNDLE);

// Nothing of the builder's own settings (SCP_*, a config file) may change what is run.
const env = { PATH: process.env.PATH, HOME: '/nonexistent', XDG_CONFIG_HOME: '/nonexistent' };

async function run(argv, { input = '', signal = new AbortController().signal, onStderr } = {}) {
  const stdin = new PassThrough();
  stdin.end(input);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => {
    err += chunk;
    onStderr?.(err);
  });
  const code = await cli.main(argv, { stdin, stdout, stderr, env, signal });
  return { code, out, err };
}

function expect(what, result, code) {
  if (result.code !== code) throw new Error(`${what}: exit ${result.code}, expected ${code}: ${result.err}`);
}

// Every message of the registry, as its entry's samples say (cli.ts messageCommands): no list of commands here.
const messages = cli.messageCommands();
expect('--help', await run(['--help']), 0);
expect('--version', await run(['--version']), 0);
for (const { command, samples } of messages) {
  expect(`${command} --help`, await run([command, '--help']), 0);
  for (const args of samples.send) expect(`${command} dry run`, await run([command, ...args, '--dry-run']), 0);
  expect(`${command} dry run, JSON`, await run([command, ...samples.send[0], '--dry-run', '--json']), 0);
  expect(`${command} bad input`, await run([command, ...samples.bad]), 2);
}
expect('config show', await run(['config', 'show']), 0);

// A simulator on an embedded broker, in this process, and real round trips against it.
const stop = new AbortController();
const ready = new Promise((resolve, reject) => {
  void run(['simulate', '--embedded', '0'], {
    signal: stop.signal,
    onStderr: (text) => {
      const match = /listening on (mqtt:\/\/\S+)/.exec(text);
      if (match && /serving /.test(text)) resolve(match[1]);
    },
  }).then((result) => reject(new Error(`the simulator stopped: ${result.err}`)));
});
const simulated = await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('no simulator within 10 s')), 10_000))]);
try {
  for (const { command, samples } of messages) {
    for (const args of samples.send) expect(`${command} round trip`, await run(['--broker', simulated, command, ...args]), 0);
    // Again, with --json: a clear finds nothing the second time (exit 1).
    const again = await run(['--broker', simulated, command, ...samples.send[0], '--json']);
    if (again.code > 1) expect(`${command} round trip, JSON`, again, 0);
  }
  expect('stream', await run(['--broker', simulated, 'clear', '--input', '-', '--json'], { input: '2\n4\n{"charging_profile_id": 99}\n' }), 1);
} finally {
  stop.abort('SIGTERM');
}

const cache = script.createCachedData();
writeFileSync(`${CLI_BUNDLE}.cache`, cache);
console.error(`build: code cache of dist/scp.cjs, ${(cache.length / 1024).toFixed(0)} KiB`);
// The simulator's broker and timers must not keep the build waiting.
process.exit(0);
