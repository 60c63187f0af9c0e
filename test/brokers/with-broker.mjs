#!/usr/bin/env node
// node test/brokers/with-broker.mjs <rabbitmq|nats> -- <command...>
//
// Starts a private broker of that kind on free loopback ports, with a login and MQTT enabled (plain, and TLS with a
// throw-away CA), runs the command with SCP_TEST_BROKER_URL (and SCP_TEST_BROKER_TLS_URL, SCP_TEST_BROKER_CA, what the
// broker can do: SCP_TEST_BROKER_MQTT5, SCP_TEST_BROKER_QOS2, and SCP_TEST_BROKER_NAME) in its environment, then stops what it started, by pid, and removes its files. The machine's own RabbitMQ and NATS
// are left alone: this starts separate instances (a RabbitMQ node of its own name, ports and data folder; a
// nats-server with its own config and JetStream store). A broker that is not installed is a setup error: it says so
// and exits 1, since these machines have both.
//
// Exits with the command's status (or 1 if the broker could not be started).
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { freePort, listening, which } from '../helpers/net.mjs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [kind, separator, ...command] = process.argv.slice(2);
if (!['rabbitmq', 'nats'].includes(kind) || separator !== '--' || command.length === 0) {
  console.error('usage: with-broker.mjs <rabbitmq|nats> -- <command...>');
  process.exit(2);
}

const USER = 'scp-test';
const PASSWORD = 'interop secret';

function setupError(message) {
  console.error(`with-broker: ${message}`);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), `scp-${kind}-`));
const logFile = join(dir, 'broker.log');

/** A throw-away CA and a server certificate for localhost and 127.0.0.1, made with the openssl CLI. */
function makeCertificates() {
  const openssl = (...args) => {
    const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (run.status !== 0) setupError(`openssl ${args[0]} failed: ${run.stderr || run.error}`);
  };
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=scp interop test CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext');
  return { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
}
const tls = makeCertificates();

async function startRabbitMq() {
  // The Debian wrapper (/usr/sbin/rabbitmq-server) switches to the rabbitmq user and the machine's node; the real
  // script takes its node from the environment.
  const server = which('/usr/lib/rabbitmq/bin/rabbitmq-server') ?? setupError('RabbitMQ is not installed (/usr/lib/rabbitmq/bin/rabbitmq-server)');
  const [amqp, dist, mqtt, mqtts] = [await freePort(), await freePort(), await freePort(), await freePort()];
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = 127.0.0.1:${amqp}`,
      `mqtt.listeners.tcp.default = 127.0.0.1:${mqtt}`,
      `mqtt.listeners.ssl.default = 127.0.0.1:${mqtts}`,
      `ssl_options.cacertfile = ${tls.ca}`,
      `ssl_options.certfile = ${tls.cert}`,
      `ssl_options.keyfile = ${tls.key}`,
      'ssl_options.verify = verify_none',
      'ssl_options.fail_if_no_peer_cert = false',
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
    children: [spawn(server, [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })],
    port: mqtt,
    tlsPort: mqtts,
    // RabbitMQ 3.10: MQTT 3.1.1 only (5 arrived in 3.13); QoS 2 is downgraded to 1.
    name: `RabbitMQ ${version ?? '(version unknown)'} (rabbitmq_mqtt)`,
    mqtt5: major > 3 || (major === 3 && minor >= 13),
    qos2: false,
    bootMs: 60_000,
  };
}

async function startNats() {
  const server = which('nats-server') ?? setupError('nats-server is not installed');
  const conf = async (name, tlsBlock) => {
    const [client, mqtt] = [await freePort(), await freePort()];
    writeFileSync(
      join(dir, `${name}.conf`),
      [
        `server_name: scp-test-${name}`,
        `listen: 127.0.0.1:${client}`,
        `jetstream { store_dir: ${JSON.stringify(join(dir, `${name}-jetstream`))} }`,
        `authorization { users: [ { user: ${JSON.stringify(USER)}, password: ${JSON.stringify(PASSWORD)} } ] }`,
        `mqtt { listen: 127.0.0.1:${mqtt}${tlsBlock} }`,
        '',
      ].join('\n'),
    );
    return mqtt;
  };
  // One MQTT listener per NATS server: a second server, on its own, serves MQTT over TLS.
  const mqtt = await conf('plain', '');
  const mqtts = await conf('tls', `, tls { cert_file: ${JSON.stringify(tls.cert)}, key_file: ${JSON.stringify(tls.key)} }`);
  const version = /v(\d+\.\d+\.\d+)/.exec(spawnSync(server, ['--version'], { encoding: 'utf8' }).stdout)?.[1];
  return {
    children: ['plain', 'tls'].map((name) => spawn(server, ['-c', join(dir, `${name}.conf`)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] })),
    port: mqtt,
    tlsPort: mqtts,
    // NATS 2.9: MQTT 3.1.1 only, QoS 0 and 1.
    name: `NATS ${version ?? '(version unknown)'} (MQTT gateway, JetStream)`,
    mqtt5: false,
    qos2: false,
    bootMs: 20_000,
  };
}

const broker = kind === 'rabbitmq' ? await startRabbitMq() : await startNats();
const log = [];
let exited = false;
const gone = broker.children.map(
  (child) =>
    new Promise((resolve) => {
      child.stdout.on('data', (chunk) => log.push(chunk));
      child.stderr.on('data', (chunk) => log.push(chunk));
      child.once('exit', () => {
        exited = true;
        resolve();
      });
    }),
);
const pids = broker.children.map((child) => child.pid).join(', ');

/** Stops the process groups we started (each broker and its helpers), gently, then for good. */
async function stop() {
  const signal = (name) => {
    for (const child of broker.children) {
      try {
        process.kill(-child.pid, name);
      } catch {
        // already gone
      }
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 15_000);
  await Promise.all(gone);
  clearTimeout(timer);
  writeFileSync(logFile, Buffer.concat(log));
  rmSync(dir, { recursive: true, force: true });
}

let status = 1;
try {
  const started = Date.now();
  while (!(await listening(broker.port)) || !(await listening(broker.tlsPort))) {
    if (exited) throw new Error(`the broker exited while starting:\n${Buffer.concat(log).toString().slice(-3000)}`);
    if (Date.now() - started > broker.bootMs) throw new Error(`the broker did not listen on ${broker.port} within ${broker.bootMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const login = `${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}`;
  const url = `mqtt://${login}@127.0.0.1:${broker.port}`;
  console.error(
    `with-broker: ${broker.name} (pid ${pids}) on 127.0.0.1:${broker.port}, TLS on ${broker.tlsPort}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  const run = spawn(command[0], command.slice(1), {
    stdio: 'inherit',
    env: {
      ...process.env,
      SCP_TEST_BROKER_URL: url,
      // The certificate names localhost and 127.0.0.1; the CA is ours, so scp must be given it (--ca).
      SCP_TEST_BROKER_TLS_URL: `mqtts://${login}@localhost:${broker.tlsPort}`,
      SCP_TEST_BROKER_CA: tls.ca,
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
