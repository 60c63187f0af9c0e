// A private NATS cluster on loopback, for the fleet tests and the cluster benchmark: `nodes` nats-servers routed to
// each other (one cluster), each with JetStream (which NATS's MQTT support needs, for QoS 1 sessions) and an MQTT
// listener of its own. Free ports, its own folder, stopped by pid; the machine's NATS is left alone. One node can be
// stopped (as a node that fails) while the others go on. `nodes: 1` is a single server, the benchmark's baseline.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { freePort, listening, which } from '../helpers/net.mjs';

/** Resolves once the node takes an MQTT session (CONNACK): its listener is up before the MQTT support's JetStream
 * streams are, and until then it closes every connection (a simulator started then would exit 4). */
async function acceptsSessions(node, deadline) {
  for (;;) {
    const accepted = await new Promise((resolve) => {
      const client = mqtt.connect(node.url, { clientId: `ready-${Math.random().toString(16).slice(2, 10)}`, reconnectPeriod: 0, connectTimeout: 2000, clean: true });
      client.on('error', () => undefined);
      client.once('connect', () => {
        client.end(true);
        resolve(true);
      });
      client.once('close', () => {
        client.end(true);
        resolve(false);
      });
    });
    if (accepted) return;
    if (Date.now() > deadline) throw new Error(`${node.name}: no MQTT session accepted in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Resolves once every node serves MQTT and JetStream has a meta leader (the MQTT listener refuses clients before),
 * and every node has accepted an MQTT session. */
async function ready(nodes, logs, ms) {
  const deadline = Date.now() + ms;
  for (;;) {
    const up = await Promise.all(nodes.map((node) => listening(node.mqttPort)));
    const leader = nodes.length === 1 || logs().includes('JetStream cluster new metadata leader') || logs().includes('Self is new JetStream cluster metadata leader');
    if (up.every(Boolean) && leader) {
      for (const node of nodes) await acceptsSessions(node, deadline);
      return;
    }
    if (Date.now() > deadline) throw new Error(`the NATS cluster did not come up in ${ms / 1000} s:\n${logs().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * What `node` leads at the moment, from the nodes' own logs: the JetStream metadata (who places streams) and which of
 * the MQTT support's streams ($MQTT_sess, $MQTT_msgs, ...). Losing a node that leads them costs the cluster an
 * election, and the MQTT clients on the other nodes wait for it (or are dropped): the fleet benchmark reports it
 * beside each time, since the leaders are wherever the cluster put them.
 */
function leads(node, nodes) {
  // The node whose log says so last (NATS stamps each line with its time, to the microsecond).
  const lastToSay = (line) => {
    let latest;
    for (const one of nodes) {
      const said = one.log.split('\n').filter((text) => line.test(text)).pop();
      const time = said && /\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d\.\d+/.exec(said)?.[0];
      if (time && (latest === undefined || time > latest.time)) latest = { time, one };
    }
    return latest?.one;
  };
  const led = lastToSay(/Self is new JetStream cluster metadata leader/) === node ? ['metadata'] : [];
  const streams = new Set(nodes.flatMap((one) => [...one.log.matchAll(/new stream leader for '[^']*> (\$MQTT_\w+)'/g)].map((m) => m[1])));
  for (const stream of [...streams].sort()) {
    if (lastToSay(new RegExp(`new stream leader for '[^']*> \\${stream}'`)) === node) led.push(stream);
  }
  return led;
}

async function startOnce({ nodes: count = 3, name = "scp-fleet", mqttTuning = "" } = {}) {
  const server = which('nats-server');
  if (!server) throw new Error('nats-server is not installed (Debian package nats-server); the cluster tests need it');
  const version = /v(\d+\.\d+\.\d+)/.exec(spawnSync(server, ['--version'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';
  // JetStream's store in memory-backed /dev/shm where there is one: the test is about failover, not the disk.
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'scp-nats-cluster-'));
  const nodes = [];
  for (let i = 0; i < count; i++) nodes.push({ name: `n${i + 1}`, clientPort: await freePort(), routePort: await freePort(), mqttPort: await freePort() });
  const routes = nodes.map((node) => `nats-route://127.0.0.1:${node.routePort}`).join(', ');
  let log = '';
  for (const node of nodes) {
    const config = join(dir, `${node.name}.conf`);
    writeFileSync(
      config,
      [
        `server_name: ${name}-${node.name}`,
        `listen: 127.0.0.1:${node.clientPort}`,
        `jetstream { store_dir: ${JSON.stringify(join(dir, `${node.name}-jetstream`))} }`,
        ...(count > 1 ? [`cluster { name: ${name}, listen: 127.0.0.1:${node.routePort}, routes: [${routes}] }`] : []),
        `mqtt { listen: 127.0.0.1:${node.mqttPort}${mqttTuning} }`,
        '',
      ].join('\n'),
    );
    node.log = '';
    node.start = () => {
      node.child = spawn(server, ['-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
      const take = (chunk) => {
        log += chunk;
        node.log += chunk;
      };
      node.child.stdout.on('data', take);
      node.child.stderr.on('data', take);
    };
    node.url = `mqtt://127.0.0.1:${node.mqttPort}`;
    /** Stops the node: SIGTERM, as an operator or an orchestrator stops one (SIGKILL: as a crash would). */
    node.kill = async (signal = 'SIGTERM') => {
      const child = node.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill(signal);
      await exited;
    };
    node.start();
  }
  try {
    await ready(nodes, () => log, 60_000);
  } catch (err) {
    await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    nodes,
    version,
    log: () => log,
    leads: (node) => leads(node, nodes),
    stop: async () => {
      await Promise.all(nodes.map((node) => node.kill('SIGKILL')));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts the cluster; one that does not come up (on a loaded 2-core machine JetStream's first election can take over
 * a minute) is stopped and started once more, on fresh ports, saying so. Setting up is not what the tests measure.
 */
export async function startNatsCluster(options = {}) {
  try {
    return await startOnce(options);
  } catch (err) {
    console.warn(`the NATS cluster did not come up (${err.message.split('\n')[0]}); starting it once more`);
    return startOnce(options);
  }
}
