#!/usr/bin/env node
// node test/brokers/with-broker.mjs <rabbitmq|nats> -- <command...>
//
// Starts a private broker of that kind on free loopback ports, with a login and MQTT enabled, runs the command with
// SCP_TEST_BROKER_URL (and what the broker can do: SCP_TEST_BROKER_MQTT5, SCP_TEST_BROKER_QOS2, SCP_TEST_BROKER_NAME)
// in its environment, then stops what it started, by pid, and removes its files. The machine's own RabbitMQ and NATS
// are left alone: this starts separate instances (a RabbitMQ node of its own name, ports and data folder; a
// nats-server with its own config and JetStream store). A broker that is not installed is a setup error: it says so
// and exits 1, since these machines have both.
//
// Exits with the command's status (or 1 if the broker could not be started).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [kind, separator, ...command] = process.argv.slice(2);
if (!['rabbitmq', 'nats'].includes(kind) || separator !== '--' || command.length === 0) {
  console.error('usage: with-broker.mjs <rabbitmq|nats> -- <command...>');
  process.exit(2);
}

const USER = 'scp-test';
const PASSWORD = 'interop secret';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const listening = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

const which = (bin, fallback) => {
  const found = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();
  return found || (fallback && existsSync(fallback) ? fallback : undefined);
};

function setupError(message) {
  console.error(`with-broker: ${message}`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), `scp-${kind}-`));
const logFile = join(dir, 'broker.log');

async function startRabbitMq() {
  // The Debian wrapper (/usr/sbin/rabbitmq-server) switches to the rabbitmq user and the machine's node; the real
  // script takes its node from the environment.
  const server = which('/usr/lib/rabbitmq/bin/rabbitmq-server') ?? setupError('RabbitMQ is not installed (/usr/lib/rabbitmq/bin/rabbitmq-server)');
  const [amqp, dist, mqtt] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqp}`,
      `mqtt.listeners.tcp.default = 127.0.0.1:${mqtt}`,
      'mqtt.allow_anonymous = false',
      `default_user = ${USER}`,
      `default_pass = ${PASSWORD}`,
      'loopback_users = none',
      '',
    ].join('\n'),
  );
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  const env = {
    ...process.env,
    HOME: dir,
    RABBITMQ_NODENAME: `scp-test-${process.pid}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(amqp),
    RABBITMQ_DIST_PORT: String(dist),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
  };
  const version = /^(\d+\.\d+\.\d+)/.exec(spawnSync('dpkg-query', ['-W', '-f', '${Version}', 'rabbitmq-server'], { encoding: 'utf8' }).stdout ?? '')?.[1];
  const [major, minor] = (version ?? '0.0').split('.').map(Number);
  return {
    child: spawn(server, [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
    port: mqtt,
    // RabbitMQ 3.10: MQTT 3.1.1 only (5 arrived in 3.13); QoS 2 is downgraded to 1.
    name: `RabbitMQ ${version ?? '(version unknown)'} (rabbitmq_mqtt)`,
    mqtt5: major > 3 || (major === 3 && minor >= 13),
    qos2: false,
    bootMs: 60_000,
  };
}

async function startNats() {
  const server = which('nats-server') ?? setupError('nats-server is not installed');
  const [client, mqtt] = [await freePort(), await freePort()];
  const store = join(dir, 'jetstream');
  writeFileSync(
    join(dir, 'nats.conf'),
    [
      'server_name: scp-test',
      `listen: 127.0.0.1:${client}`,
      `jetstream { store_dir: ${JSON.stringify(store)} }`,
      `authorization { users: [ { user: ${JSON.stringify(USER)}, password: ${JSON.stringify(PASSWORD)} } ] }`,
      `mqtt { listen: 127.0.0.1:${mqtt} }`,
      '',
    ].join('\n'),
  );
  const version = /v(\d+\.\d+\.\d+)/.exec(spawnSync(server, ['--version'], { encoding: 'utf8' }).stdout)?.[1];
  return {
    child: spawn(server, ['-c', join(dir, 'nats.conf')], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] }),
    port: mqtt,
    // NATS 2.9: MQTT 3.1.1 only, QoS 0 and 1.
    name: `NATS ${version ?? '(version unknown)'} (MQTT gateway, JetStream)`,
    mqtt5: false,
    qos2: false,
    bootMs: 20_000,
  };
}

const broker = kind === 'rabbitmq' ? await startRabbitMq() : await startNats();
const log = [];
broker.child.stdout.on('data', (chunk) => log.push(chunk));
broker.child.stderr.on('data', (chunk) => log.push(chunk));
let exited = false;
const gone = new Promise((resolve) => broker.child.once('exit', (code, signal) => {
  exited = true;
  resolve({ code, signal });
}));

/** Stops the whole process group we started (the broker and its helpers), gently, then for good. */
async function stop() {
  if (!exited) {
    try {
      process.kill(-broker.child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-broker.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, 15_000);
    await gone;
    clearTimeout(timer);
  }
  writeFileSync(logFile, Buffer.concat(log));
  rmSync(dir, { recursive: true, force: true });
}

let status = 1;
try {
  const started = Date.now();
  while (!(await listening(broker.port))) {
    if (exited) throw new Error(`the broker exited while starting:\n${Buffer.concat(log).toString().slice(-3000)}`);
    if (Date.now() - started > broker.bootMs) throw new Error(`the broker did not listen on ${broker.port} within ${broker.bootMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const url = `mqtt://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${broker.port}`;
  console.error(`with-broker: ${broker.name} (pid ${broker.child.pid}) on 127.0.0.1:${broker.port}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const run = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: {
      ...process.env,
      SCP_TEST_BROKER_URL: url,
      SCP_TEST_BROKER_NAME: broker.name,
      SCP_TEST_BROKER_MQTT5: broker.mqtt5 ? '1' : '0',
      SCP_TEST_BROKER_QOS2: broker.qos2 ? '1' : '0',
    },
  });
  const forward = (signal) => run.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  status = await new Promise((resolve) => run.once('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : 15))));
} catch (err) {
  console.error(`with-broker: ${err.message}`);
} finally {
  await stop();
}
process.exit(status);
