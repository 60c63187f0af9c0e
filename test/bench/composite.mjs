#!/usr/bin/env node
// npm run bench:composite [-- --requests N]
//
// How fast `scp simulate` answers get_composite_schedule from a station holding 100 profiles of 1024 periods each
// (issue #20's target: at most 50 ms), side by side in the same run with the same station holding no profiles (the
// broker, JSON and MQTT part alone). Both simulators run on one embedded broker each, with the clock fixed; a client
// on a no-delay socket sends the requests one at a time, alternating between the two, and times each answer.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import mqtt from 'mqtt';
import { median, printTable, scp } from './lib.mjs';

const requests = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 40;
const CLOCK = '2026-12-01T18:00:00Z';
const dir = mkdtempSync(join(tmpdir(), 'scp-bench-composite-'));

/**
 * 100 profiles of 1024 periods: every purpose and kind, stack levels 0 to 19, periods 1 to 2 minutes apart. A station
 * the simulator accepts (it checks --profiles as libocpp checks what it holds): one profile per purpose, EVSE and
 * stack level, each TxProfile for its EVSE's transaction, no Relative ChargingStationMaxProfile.
 */
function bigStation() {
  const purposes = ['TxDefaultProfile', 'TxDefaultProfile', 'TxProfile', 'ChargingStationMaxProfile', 'ChargingStationExternalConstraints'];
  const kinds = ['Absolute', 'Recurring', 'Relative'];
  return Array.from({ length: 100 }, (_, i) => {
    const purpose = purposes[i % purposes.length];
    const kind = purpose === 'ChargingStationMaxProfile' && kinds[i % 3] === 'Relative' ? 'Absolute' : kinds[i % 3];
    let start = 0;
    const periods = Array.from({ length: 1024 }, (_, j) => {
      if (j > 0) start += 60 + ((i * 7 + j * 13) % 61);
      // 6 to 63 A, or as much in W at 230 V x 3 phases.
      return { start_period: start, limit: (6 + ((i * 31 + j * 17) % 58)) * (i % 4 ? 1 : 690) };
    });
    return {
      ...(purpose === 'TxDefaultProfile' || purpose === 'TxProfile' ? { evse_id: String(1 + (i % 2)) } : {}),
      charging_profile: {
        id: i + 1,
        stack_level: Math.floor(i / 5),
        charging_profile_purpose: purpose,
        charging_profile_kind: kind,
        ...(kind === 'Recurring' ? { recurrency_kind: i % 2 ? 'Daily' : 'Weekly' } : {}),
        ...(purpose === 'TxProfile' ? { transaction_id: `T${1 + (i % 2)}` } : {}),
        charging_schedule: [
          { id: 1, ...(kind === 'Relative' ? {} : { start_schedule: `2026-12-01T${String(i % 18).padStart(2, '0')}:00:00Z` }), charging_rate_unit: i % 4 ? 'A' : 'W', charging_schedule_period: periods },
        ],
      },
    };
  });
}

async function simulator(args) {
  const child = spawn(process.execPath, [scp, 'simulate', '--embedded', '0', '--clock', CLOCK, '--evses', '2', '--transaction', '1=T1@2026-12-01T17:00:00Z', '--transaction', '2=T2@2026-12-01T17:10:00Z', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  const url = await new Promise((resolve, reject) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (/serving /.test(stderr)) resolve(/listening on (mqtt:\/\/\S+)/.exec(stderr)[1]);
    });
    child.on('exit', (code) => reject(new Error(`simulator exited ${code}: ${stderr}`)));
  });
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
  client.stream.setNoDelay?.(true);
  const waiting = new Map();
  client.on('message', (_topic, payload) => {
    const answer = JSON.parse(payload.toString());
    waiting.get(answer.id)?.(answer);
  });
  await client.subscribeAsync('smart_charging/ocpp', { qos: 1 });
  /** One request, timed from publish to answer; the answer's period count says what was computed. */
  const ask = (evse) =>
    new Promise((resolve) => {
      const id = randomUUID();
      const started = process.hrtime.bigint();
      waiting.set(id, (answer) => {
        waiting.delete(id);
        resolve({ ms: Number(process.hrtime.bigint() - started) / 1e6, periods: answer.data.schedule?.charging_schedule_period.length ?? 0, status: answer.data.status });
      });
      client.publish('ocpp/smart_charging', JSON.stringify({ id, name: 'get_composite_schedule', type: 'request', data: { evse_id: evse, duration: 86400 } }), { qos: 1 });
    });
  return { ask, stop: async () => (await client.endAsync(), child.kill()) };
}

const path = join(dir, 'profiles.json');
writeFileSync(path, JSON.stringify(bigStation()));
const stations = [];
try {
  stations.push({ name: '100 profiles x 1024 periods', sim: await simulator(['--profiles', path]) });
  stations.push({ name: 'no profiles (baseline)', sim: await simulator([]) });
  const rows = [];
  for (const evse of ['1', '0']) {
    const samples = stations.map(() => []);
    let periods = stations.map(() => 0);
    for (const [i, station] of stations.entries()) await station.sim.ask(evse); // warm up
    for (let r = 0; r < requests; r++) {
      for (const [i, station] of stations.entries()) {
        const { ms, periods: n, status } = await station.sim.ask(evse);
        if (status !== 'Accepted') throw new Error(`${station.name}: ${status}`);
        samples[i].push(ms);
        periods[i] = n;
      }
    }
    for (const [i, station] of stations.entries()) {
      rows.push([`evse ${evse}, ${station.name}`, periods[i], median(samples[i]).toFixed(1), Math.max(...samples[i]).toFixed(1), (median(samples[i]) / median(samples[1])).toFixed(1)]);
    }
  }
  console.log(`\nget_composite_schedule, 1 day window, ${requests} requests each, alternating, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  printTable(['station, request', 'periods in answer', 'median ms', 'max ms', 'x baseline'], rows);
} finally {
  for (const { sim } of stations) await sim.stop();
  rmSync(dir, { recursive: true, force: true });
}
