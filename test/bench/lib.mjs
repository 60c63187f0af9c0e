// Shared by the benchmark scripts: brokers on free loopback ports, a fast responder, process timing.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mqtt from 'mqtt';
import { freePort, listening, which } from '../helpers/net.mjs';

export const scp = fileURLToPath(new URL('../../bin/scp.js', import.meta.url));
export const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
export const mosquittoBin = which('mosquitto');
export const mosquittoRr = which('mosquitto_rr');
const dir = mkdtempSync(join(tmpdir(), 'scp-bench-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

async function waitForPort(port) {
  for (let i = 0; i < 100; i++) {
    if (await listening(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nothing listens on ${port}`);
}

export async function startMosquitto(name, nodelay, extra = '') {
  const port = await freePort();
  const config = join(dir, `${port}.conf`);
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n${nodelay ? 'set_tcp_nodelay true\n' : ''}${extra}`);
  const child = spawn(mosquittoBin, ['-c', config], { stdio: 'ignore' });
  await waitForPort(port);
  return { name, url: `mqtt://127.0.0.1:${port}`, port, stop: async () => child.kill() };
}

/** aedes as `scp simulate --embedded` runs it; `module` 'aedes-v1' is the 1.2.0 it replaced, for comparison. */
export async function startAedes(name, module = 'aedes') {
  const { Aedes } = await import(module);
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

const SCHEDULE_ANSWER = JSON.stringify({
  status: 'Accepted',
  schedule: {
    evse_id: '3',
    duration: 86400,
    schedule_start: '2026-12-01T18:00:00Z',
    charging_rate_unit: 'A',
    charging_schedule_period: [{ start_period: 0, limit: 32, number_of_phases_available: 3 }, { start_period: 3600, limit: 16, number_of_phases_available: 3 }],
  },
});

/** Answers every request at once, accepted, on a no-delay socket of its own; id and name are cut from the request text. */
/** The answers that are not clear's and set's `accepted`, and where they go, by message name. */
const ANSWERS = {
  get_composite_schedule: { data: SCHEDULE_ANSWER, topic: 'smart_charging/ocpp' },
  service_status: { data: '{"service":"smart_charging","status":"ready","software_version":"0.0.0","api_version":"1.6.9"}', topic: 'josev/cs' },
};

export async function startResponder(url) {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0, writeCache: false });
  client.stream.setNoDelay?.(true);
  client.on('message', (_topic, payload) => {
    const text = payload.toString();
    const at = text.indexOf('"id":"');
    if (at < 0) return;
    const id = text.slice(at + 6, at + 42);
    const named = text.indexOf('"name":"', at + 42) + 8;
    const name = text.slice(named, text.indexOf('"', named));
    // get_composite_schedule answers with a capitalised status and a schedule of two periods, as the service does;
    // service_status on the station's general topics, ready.
    const { data, topic } = ANSWERS[name] ?? { data: '{"status":"accepted"}', topic: 'smart_charging/ocpp' };
    client.publish(topic, `{"id":"${id}","name":"${name}","type":"response","data":${data}}`, { qos: 1 });
  });
  await client.subscribeAsync(['ocpp/smart_charging', 'cs/josev'], { qos: 1 });
  return client;
}

/** What writes the numbers 1 to `count`, one a line, to a process's stdin, a thousand lines a write, minding backpressure. */
export function feed(count) {
  return (stdin) => {
    let i = 1;
    const write = () => {
      while (i <= count) {
        let chunk = '';
        for (let j = 0; j < 1000 && i <= count; j++, i++) chunk += `${i}\n`;
        if (!stdin.write(chunk)) return stdin.once('drain', write);
      }
      stdin.end();
    };
    write();
  };
}

/** `scp <args>` (the built one) as a child, resolved once it says it serves (`scp simulate`). */
async function spawnServing(args) {
  const child = spawn(process.execPath, [scp, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (/serving /.test(stderr)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`simulator exited ${code}: ${stderr}`)));
  });
  return child;
}

/** `scp simulate` on `url`, on the Smart Charging topics under `prefix`, resolved once it serves. */
export async function startSimulatorOn(url, prefix) {
  const topics = ['--request-topic', `${prefix}/ocpp/smart_charging`, '--response-topic', `${prefix}/smart_charging/ocpp`];
  const child = await spawnServing(['--broker', url, ...topics, 'simulate']);
  return { topics, stop: async () => child.kill() };
}

/** One process: wall time from spawn to exit; peak RSS (KiB) and CPU seconds when /usr/bin/time is there. */
export function timeOnce(argv, expectCode, { stdin } = {}) {
  const [cmd, args] = timeBin ? [timeBin, ['-f', '%M %U %S', ...argv]] : [argv[0], argv.slice(1)];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: [stdin ? 'pipe' : 'ignore', 'ignore', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    if (stdin) stdin(child.stdin);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (expectCode !== undefined && code !== expectCode) return reject(new Error(`${argv.join(' ')} exited ${code}: ${stderr}`));
      const [rss, user, sys] = timeBin ? stderr.trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
      resolve({ ms, rss, cpu: user + sys });
    });
  });
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

export function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => `| ${cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const row of rows) console.log(line(row));
}

/** `scp simulate --stations <stations>` on templated topics through `brokers` (the first that accepts, the rest next),
 * resolved once it serves. */
export function startFleetSimulator(brokers, stations, topics) {
  return spawnServing([...brokers.flatMap((url) => ['--broker', url]), ...topics, 'simulate', '--stations', String(stations)]);
}
