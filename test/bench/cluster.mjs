#!/usr/bin/env node
// npm run bench:cluster [-- --requests N --runs R]
//
// Requests per second of one `scp clear --input` stream spread over 50 stations, through a 3-node NATS cluster
// (`scp simulate --stations 50` on one node, scp on another: every request and answer crosses the cluster) beside the
// same through a single NATS server, in the same run, alternating: what the cluster's replication costs. Both keep
// JetStream in /dev/shm (test/brokers/nats-cluster.mjs), so the disk is not what is measured.
import { spawn } from 'node:child_process';
import { startNatsCluster } from '../brokers/nats-cluster.mjs';
import { median, printTable, scp, startFleetSimulator } from './lib.mjs';

const arg = (name, fallback) => Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const requests = arg('--requests', 5000);
const runs = arg('--runs', 3);
const STATIONS = 50;
const TOPICS = ['--request-topic', 'stations/{station}/ocpp/smart_charging', '--response-topic', 'stations/{station}/smart_charging/ocpp'];


const input = `${Array.from({ length: requests }, (_, i) => JSON.stringify({ station: String(1 + (i % STATIONS)), charging_profile_id: 2 + (i % 6) })).join('\n')}\n`;

/** One stream through `url`: seconds from start to exit, and how its lines ended. */
function stream(url) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(process.execPath, [scp, '--broker', url, ...TOPICS, 'clear', '--input', '-', '--json'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.once('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const outcomes = out.trimEnd().split('\n').map((line) => JSON.parse(line).outcome);
      if (outcomes.length !== requests || outcomes.some((o) => o !== 'accepted' && o !== 'unknown')) return reject(new Error(`exit ${code}, ${outcomes.length} records: ${err.slice(-500)}`));
      resolve(seconds);
    });
    child.stdin.end(input);
  });
}

const cluster = await startNatsCluster({ nodes: 3, name: 'scp-bench' });
const single = await startNatsCluster({ nodes: 1, name: 'scp-bench-single' });
const simulators = [];
try {
  simulators.push(await startFleetSimulator([cluster.nodes[0].url], STATIONS, TOPICS), await startFleetSimulator([single.nodes[0].url], STATIONS, TOPICS));
  const setups = [
    { name: `3-node cluster (simulator on n1, scp on n2)`, url: cluster.nodes[1].url, seconds: [] },
    { name: 'single server', url: single.nodes[0].url, seconds: [] },
  ];
  for (let run = 0; run < runs; run++) for (const setup of setups) setup.seconds.push(await stream(setup.url));
  const rate = (setup) => requests / median(setup.seconds);
  console.log(`\nscp clear --input over ${STATIONS} stations, ${requests} requests, ${runs} alternating runs each, NATS ${cluster.version}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  printTable(
    ['broker', 'median s', 'requests/s', 'x single server'],
    setups.map((setup) => [setup.name, median(setup.seconds).toFixed(2), Math.round(rate(setup)), (rate(setup) / rate(setups[1])).toFixed(2)]),
  );
} finally {
  for (const child of simulators) child.kill();
  await cluster.stop();
  await single.stop();
}
