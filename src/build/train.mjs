#!/usr/bin/env node
// Makes dist/scp.cjs.cache: runs the built CLI in this process through the paths people use (help, version, dry
// runs, config, single clears, sets and schedules and a stream against an embedded simulator), then saves V8's code cache of
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

expect('--help', await run(['--help']), 0);
expect('clear --help', await run(['clear', '--help']), 0);
expect('--version', await run(['--version']), 0);
expect('dry run', await run(['clear', '--id', '1', '--dry-run']), 0);
expect('dry run, criteria, JSON', await run(['clear', '--evse', 'GB*SEV*1', '--purpose', 'TxProfile', '--dry-run', '--json']), 0);
expect('bad input', await run(['clear', '--id', 'x']), 2);
expect('set --help', await run(['set', '--help']), 0);
expect('set dry run', await run(['set', '--evse', '3', '--id', '7', '--limit', '11kW', '--dry-run']), 0);
expect('set dry run, timed, JSON', await run(['set', '--id', '8', '--limit', '16A', '--start', '2026-12-01T18:00:00Z', '--duration', '2h', '--dry-run', '--json']), 0);
expect('set bad input', await run(['set', '--id', '7', '--limit', '11']), 2);
expect('schedule --help', await run(['schedule', '--help']), 0);
expect('schedule dry run', await run(['schedule', '--evse', '3', '--dry-run']), 0);
expect('schedule bad input', await run(['schedule', '--evse', '3', '--unit', 'kW']), 2);
expect('config show', await run(['config', 'show']), 0);

// A simulator on an embedded broker, in this process, and real round trips against it.
const stop = new AbortController();
const ready = new Promise((resolve, reject) => {
  void run(['simulate', '--embedded', '0'], {
    signal: stop.signal,
    onStderr: (text) => {
      const match = /listening on (mqtt:\/\/\S+)/.exec(text);
      if (match && /serving clear_charging_profile/.test(text)) resolve(match[1]);
    },
  }).then((result) => reject(new Error(`the simulator stopped: ${result.err}`)));
});
const simulated = await Promise.race([ready, new Promise((_, reject) => setTimeout(() => reject(new Error('no simulator within 10 s')), 10_000))]);
try {
  expect('round trip', await run(['--broker', simulated, 'clear', '--id', '1']), 0);
  expect('round trip, unknown, JSON', await run(['--broker', simulated, 'clear', '--id', '1', '--json']), 1);
  expect('round trip, criteria', await run(['--broker', simulated, 'clear', '--evse', 'GB*SEV*E002', '--purpose', 'TxProfile']), 0);
  expect('set round trip', await run(['--broker', simulated, 'set', '--evse', '3', '--id', '70', '--limit', '11kW']), 0);
  expect('set round trip, JSON', await run(['--broker', simulated, 'set', '--evse', '3', '--id', '71', '--limit', '16A', '--json']), 0);
  expect('schedule round trip', await run(['--broker', simulated, 'schedule', '--evse', 'GB*SEV*E001']), 0);
  expect('schedule round trip, chart', await run(['--broker', simulated, 'schedule', '--evse', '0', '--chart', '--unit', 'W']), 0);
  expect('schedule round trip, JSON', await run(['--broker', simulated, 'schedule', '--evse', 'GB*SEV*E002', '--json']), 0);
  expect('stream', await run(['--broker', simulated, 'clear', '--input', '-', '--json'], { input: '2\n4\n{"charging_profile_id": 99}\n' }), 1);
} finally {
  stop.abort('SIGTERM');
}

const cache = script.createCachedData();
writeFileSync(`${CLI_BUNDLE}.cache`, cache);
console.error(`build: code cache of dist/scp.cjs, ${(cache.length / 1024).toFixed(0)} KiB`);
// The simulator's broker and timers must not keep the build waiting.
process.exit(0);
