#!/usr/bin/env node
// npm run bench:single [-- --runs N]
//
// Times one `scp` process per command against Node's own floor (`node -e 0`), all in one run, interleaved
// A B C ... A B C so that load on the machine hits every command alike. The round trip runs against two brokers:
// a Mosquitto with `set_tcp_nodelay true` and one with Mosquitto's defaults (most operators' brokers), each with a
// fast responder on no-delay sockets; `mosquitto_rr` does the same round trip when installed. Without Mosquitto,
// an embedded aedes broker with no-delay sockets stands in for both. Peak RSS comes from /usr/bin/time when present.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { PROMPTS, SPINNER, coverageDir } from '../helpers/evaluated.mjs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { median, mosquittoBin, mosquittoRr, printTable, scp, startAedes, startMosquitto, startResponder, startSimulatorOn, timeOnce } from './lib.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;
// A cache folder of the bench's own: on a Node other than the builder's, the first (untimed) run of each command
// makes its code cache there (src/launch/user-cache.ts), and the user's own caches are left alone.
process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'scp-bench-cache-'));
// The commands measured are the registry's, each with its entry's everyday sample (cli.ts messageCommands).
const require = createRequire(import.meta.url);
const { loadBundle, CLI_BUNDLE } = require('../../dist/launch.cjs');
const messages = loadBundle(CLI_BUNDLE).exports.messageCommands();
const words = (argv) => argv.map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg}'`)).join(' ');
const label = (command, args, after) => ['scp', command, words(args), after].filter(Boolean).join(' ');
const brokers = [];
const responders = [];
const simulators = [];
try {
  if (mosquittoBin) {
    brokers.push(await startMosquitto('Mosquitto, set_tcp_nodelay true', true));
    brokers.push(await startMosquitto('Mosquitto, defaults', false));
  } else {
    brokers.push(await startAedes('embedded aedes, no-delay sockets'));
  }
  for (const broker of brokers) responders.push(await startResponder(broker.url));
  // `scp simulate` as the service too, on topics of its own beside the plain responder's (#43: the stall it showed).
  for (const broker of brokers) simulators.push(await startSimulatorOn(broker.url, 'bench-sim'));

  const node = process.execPath;
  // A stand-in for OpenSSH's scp that exits at once: what the hand-over itself costs, beside running it directly.
  const standIn = join(mkdtempSync(join(tmpdir(), 'scp-bench-openssh-')), 'scp');
  writeFileSync(standIn, '#!/bin/sh\nexit 0\n');
  chmodSync(standIn, 0o755);
  process.env.PATH = `${dirname(standIn)}:${process.env.PATH}`;
  const request = JSON.stringify({ id: '2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1', name: 'clear_charging_profile', type: 'request', data: { charging_profile_id: 1 } });
  const commands = [
    { label: 'node -e 0', argv: [node, '-e', '0'] },
    { label: 'scp --version', argv: [node, scp, '--version'] },
    { label: 'scp --help', argv: [node, scp, '--help'] },
    ...messages.map(({ command, samples: { send } }) => ({ label: label(command, send[0], '--dry-run'), argv: [node, scp, command, ...send[0], '--dry-run'] })),
    { label: 'stand-in OpenSSH scp, run directly', argv: [standIn, '-r', 'dir', 'host:'] },
    { label: 'scp -r dir host: (handed to the stand-in)', argv: [node, scp, '-r', 'dir', 'host:'] },
    ...brokers.map((broker) => ({ label: `scp clear --id 1 (${broker.name})`, argv: [node, scp, '--broker', broker.url, 'clear', '--id', '1'] })),
    // A clear of profile 1 that the simulator answers `unknown` after the first run (exit 1, so no code is expected).
    ...brokers.map((broker, i) => ({ label: `scp clear --id 1 (scp simulate, ${broker.name})`, argv: [node, scp, '--broker', broker.url, ...simulators[i].topics, 'clear', '--id', '1'], anyCode: true })),
    ...messages.slice(1).map(({ command, samples: { send } }) => ({ label: label(command, send[0], `(${brokers[0].name})`), argv: [node, scp, '--broker', brokers[0].url, command, ...send[0]] })),
    ...(mosquittoRr && mosquittoBin
      ? brokers.map((broker) => ({
          label: `mosquitto_rr, same round trip (${broker.name})`,
          argv: [mosquittoRr, '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'ocpp/smart_charging', '-e', 'smart_charging/ocpp', '-q', '1', '-m', request, '-W', '10'],
        }))
      : []),
  ];
  const samples = new Map(commands.map((c) => [c.label, { ms: [], rss: [] }]));
  for (const command of commands) await timeOnce(command.argv, 0); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const command of commands) {
      const { ms, rss } = await timeOnce(command.argv, command.anyCode ? undefined : 0);
      samples.get(command.label).ms.push(ms);
      samples.get(command.label).rss.push(rss);
    }
  }

  const base = samples.get('node -e 0');
  const baseMs = median(base.ms);
  const baseRss = Math.max(...base.rss);
  console.log(`${runs} interleaved runs each, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  printTable(
    ['command', 'median ms', 'x node -e 0', 'peak RSS MiB', 'x node -e 0 RSS'],
    commands.map(({ label }) => {
      const { ms, rss } = samples.get(label);
      const peak = Math.max(...rss);
      return [
        label,
        median(ms).toFixed(1),
        (median(ms) / baseMs).toFixed(2),
        Number.isFinite(peak) ? (peak / 1024).toFixed(1) : 'n/a',
        Number.isFinite(peak) ? (peak / baseRss).toFixed(2) : 'n/a',
      ];
    }),
  );

  // The delayed-ACK stall (#43): each service's round trip through a default Mosquitto beside the no-delay one.
  if (brokers.length === 2) {
    console.log('');
    for (const service of ['Mosquitto', 'scp simulate']) {
      const of = (broker) => median(samples.get(service === 'Mosquitto' ? `scp clear --id 1 (${broker.name})` : `scp clear --id 1 (scp simulate, ${broker.name})`).ms);
      const delta = of(brokers[1]) - of(brokers[0]);
      console.log(`round trip with ${service === 'Mosquitto' ? 'the plain responder' : 'scp simulate'} answering, Mosquitto defaults - set_tcp_nodelay true: ${delta >= 0 ? '+' : ''}${delta.toFixed(1)} ms (target: within 10 ms)`);
    }
  }

  // What each command evaluates (issue #29: a command loads only what it uses): the bundle's modules that ran, ours
  // by name. The round trip's must include no prompts and no spinner.
  console.log('\nmodules evaluated per command (ours / all of the bundle):');
  for (const { label, argv } of commands) {
    if (argv[0] !== node || argv[1] !== scp) continue;
    const coverage = coverageDir();
    spawnSync(node, argv.slice(1), { env: { ...process.env, NODE_V8_COVERAGE: coverage.dir } });
    const ran = [...coverage.evaluated()];
    coverage.done();
    const ours = ran.filter((name) => name.startsWith('src/'));
    console.log(`- ${label}: ${ours.length} / ${ran.length}: ${ours.map((name) => name.replace(/^src\//, '')).join(', ')}`);
    if (/\(/.test(label) && ran.some((name) => PROMPTS(name) || SPINNER(name))) console.log(`  ${label} ran the prompts or the spinner`);
  }
} finally {
  for (const simulator of simulators) await simulator.stop();
  for (const client of responders) await client.endAsync();
  for (const broker of brokers) await broker.stop();
}
