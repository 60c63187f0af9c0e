#!/usr/bin/env node
// npm run bench:single [-- --runs N]
//
// Times one `scp` process per command against Node's own floor (`node -e 0`), all in one run, interleaved
// A B C ... A B C so that load on the machine hits every command alike. The round trip runs against two brokers:
// a Mosquitto with `set_tcp_nodelay true` and one with Mosquitto's defaults (most operators' brokers), each with a
// fast responder on no-delay sockets; `mosquitto_rr` does the same round trip when installed. Without Mosquitto,
// an embedded aedes broker with no-delay sockets stands in for both. Peak RSS comes from /usr/bin/time when present.
import { spawn, spawnSync } from 'node:child_process';
import { createServer, connect as tcpConnect } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 20;
const scp = fileURLToPath(new URL('../../bin/scp.js', import.meta.url));
const which = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || undefined;
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const mosquittoBin = which('mosquitto');
const mosquittoRr = which('mosquitto_rr');
const dir = mkdtempSync(join(tmpdir(), 'scp-bench-'));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((resolve) => {
      const socket = tcpConnect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

async function startMosquitto(name, nodelay) {
  const port = await freePort();
  const config = join(dir, `${name}.conf`);
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n${nodelay ? 'set_tcp_nodelay true\n' : ''}`);
  const child = spawn(mosquittoBin, ['-c', config], { stdio: 'ignore' });
  await waitForPort(port);
  return { name, url: `mqtt://127.0.0.1:${port}`, port, stop: async () => child.kill() };
}

async function startAedes(name) {
  const { Aedes } = await import('aedes');
  const aedes = await Aedes.createBroker();
  const server = createServer((socket) => {
    socket.setNoDelay(true);
    aedes.handle(socket);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    name,
    url: `mqtt://127.0.0.1:${port}`,
    port,
    stop: async () => {
      server.close();
      aedes.close();
    },
  };
}

/** Answers every request at once, on a no-delay socket of its own. */
async function startResponder(url) {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  client.stream.setNoDelay?.(true);
  client.on('message', (_topic, payload) => {
    let id;
    try {
      ({ id } = JSON.parse(payload.toString()));
    } catch {
      return;
    }
    client.publish('smart_charging/ocpp', JSON.stringify({ id, name: 'clear_charging_profile', type: 'response', data: { status: 'accepted' } }), { qos: 1 });
  });
  await client.subscribeAsync('ocpp/smart_charging', { qos: 1 });
  return client;
}

/** One run: wall time from spawn to exit, peak RSS (KiB) when /usr/bin/time is there. */
function timeOnce(argv, expectCode) {
  const [cmd, args] = timeBin ? [timeBin, ['-f', '%M', ...argv]] : [argv[0], argv.slice(1)];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== expectCode) return reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`));
      const rss = timeBin ? Number(stderr.trim().split('\n').pop()) : NaN;
      resolve({ ms, rss });
    });
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const brokers = [];
const responders = [];
try {
  if (mosquittoBin) {
    brokers.push(await startMosquitto('Mosquitto, set_tcp_nodelay true', true));
    brokers.push(await startMosquitto('Mosquitto, defaults', false));
  } else {
    brokers.push(await startAedes('embedded aedes, no-delay sockets'));
  }
  for (const broker of brokers) responders.push(await startResponder(broker.url));

  const node = process.execPath;
  const request = JSON.stringify({ id: '2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1', name: 'clear_charging_profile', type: 'request', data: { charging_profile_id: 1 } });
  const commands = [
    { label: 'node -e 0', argv: [node, '-e', '0'], code: 0 },
    { label: 'scp --version', argv: [node, scp, '--version'], code: 0 },
    { label: 'scp --help', argv: [node, scp, '--help'], code: 0 },
    { label: 'scp clear --id 1 --dry-run', argv: [node, scp, 'clear', '--id', '1', '--dry-run'], code: 0 },
    ...brokers.map((broker) => ({ label: `scp clear --id 1 (${broker.name})`, argv: [node, scp, '--broker', broker.url, 'clear', '--id', '1'], code: 0 })),
    ...(mosquittoRr && mosquittoBin
      ? brokers.map((broker) => ({
          label: `mosquitto_rr, same round trip (${broker.name})`,
          argv: [mosquittoRr, '-h', '127.0.0.1', '-p', String(broker.port), '-t', 'ocpp/smart_charging', '-e', 'smart_charging/ocpp', '-q', '1', '-m', request, '-W', '10'],
          code: 0,
        }))
      : []),
  ];
  const samples = new Map(commands.map((c) => [c.label, { ms: [], rss: [] }]));
  for (const command of commands) await timeOnce(command.argv, command.code); // warm the file cache
  for (let i = 0; i < runs; i++) {
    for (const command of commands) {
      const { ms, rss } = await timeOnce(command.argv, command.code);
      samples.get(command.label).ms.push(ms);
      samples.get(command.label).rss.push(rss);
    }
  }

  const base = samples.get('node -e 0');
  const baseMs = median(base.ms);
  const baseRss = Math.max(...base.rss);
  const rows = commands.map(({ label }) => {
    const { ms, rss } = samples.get(label);
    const peak = Math.max(...rss);
    return [
      label,
      median(ms).toFixed(1),
      (median(ms) / baseMs).toFixed(2),
      Number.isFinite(peak) ? (peak / 1024).toFixed(1) : 'n/a',
      Number.isFinite(peak) ? (peak / baseRss).toFixed(2) : 'n/a',
    ];
  });
  const header = ['command', 'median ms', 'x node -e 0', 'peak RSS MiB', 'x node -e 0 RSS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(`${runs} interleaved runs each, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
} finally {
  for (const client of responders) await client.endAsync();
  for (const broker of brokers) await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
