/**
 * Real MQTT brokers for the tests: aedes inside the test process on an ephemeral port (plain, TLS or with a login
 * check), a private Mosquitto on a free port, or the broker named by SCP_TEST_BROKER_URL.
 */
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { Aedes, type AedesOptions } from 'aedes';
// aedes 1.2 (MQTT 3.1.1 only), the embedded broker before 2.0: for the tests of a broker that refuses MQTT 5.
import { Aedes as AedesV311 } from 'aedes-v1';
import { freePort, listening } from './net.mjs';

export interface Broker {
  url: string;
  port: number;
  /** Present for the embedded broker only, for tests that watch what the broker saw. */
  aedes?: Aedes;
  close(): Promise<void>;
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startEmbeddedBroker(
  options: { tls?: TlsOptions; aedes?: AedesOptions; port?: number; mqtt311Only?: boolean } = {},
): Promise<Broker> {
  const aedes = options.mqtt311Only ? ((await AedesV311.createBroker(options.aedes as never)) as unknown as Aedes) : await Aedes.createBroker(options.aedes);
  const server = options.tls ? createTlsServer(options.tls, aedes.handle) : createTcpServer(aedes.handle);
  const sockets = new Set<Socket>();
  server.on(options.tls ? 'secureConnection' : 'connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, options.port);
  return {
    url: `${options.tls ? 'mqtts' : 'mqtt'}://127.0.0.1:${port}`,
    port,
    aedes,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

/** aedes that lets in one user name and password and refuses any other login with CONNACK 4, as Mosquitto does. */
export function startLoginBroker(user: string, password: string): Promise<Broker> {
  return startEmbeddedBroker({
    aedes: {
      authenticate: (_client, username, given, done) => {
        if (username === user && given?.toString() === password) return done(null, true);
        done(Object.assign(new Error('bad login'), { returnCode: 4 }) as never, false);
      },
    },
  });
}

/** aedes behind a WebSocket endpoint (ws://127.0.0.1:port/mqtt), as brokers on port 443 or behind proxies offer. */
export async function startWebSocketBroker(): Promise<Broker> {
  const aedes = await Aedes.createBroker();
  const server = createHttpServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (socket, request) => aedes.handle(createWebSocketStream(socket) as never, request as never));
  const port = await listen(server as unknown as Server);
  return {
    url: `ws://127.0.0.1:${port}/mqtt`,
    port,
    aedes,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
    },
  };
}

/** The broker the broker-agnostic suites run against: SCP_TEST_BROKER_URL when set, else a fresh embedded one. */
export async function brokerUnderTest(): Promise<Broker> {
  const external = process.env.SCP_TEST_BROKER_URL;
  if (external) {
    return { url: external, port: Number(new URL(external).port || 1883), close: async () => undefined };
  }
  return startEmbeddedBroker();
}

export function brokerName(): string {
  const url = process.env.SCP_TEST_BROKER_URL;
  if (!url) return 'embedded aedes broker';
  return `${process.env.SCP_TEST_BROKER_NAME ?? 'broker'} at ${url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}`;
}

export interface BrokerCapabilities {
  mqtt5: boolean;
  qos2: boolean;
  /** The URL carries a user name and password: the broker wants a login. */
  login: boolean;
}

/**
 * What the broker under test can do. For an external broker the runner must say (SCP_TEST_BROKER_MQTT5 and
 * SCP_TEST_BROKER_QOS2, 0 or 1; test/brokers/with-broker.mjs and .ci/run do), so that each capability is tested
 * one way or the other and none is skipped in silence.
 */
export function brokerCapabilities(): BrokerCapabilities {
  const url = process.env.SCP_TEST_BROKER_URL;
  if (!url) return { mqtt5: true, qos2: true, login: false };
  const declared = (name: string) => {
    const value = process.env[name];
    if (value !== '0' && value !== '1') {
      throw new Error(`${name} must be 0 or 1 when SCP_TEST_BROKER_URL is set: declare what the broker under test supports`);
    }
    return value === '1';
  };
  return { mqtt5: declared('SCP_TEST_BROKER_MQTT5'), qos2: declared('SCP_TEST_BROKER_QOS2'), login: new URL(url).username !== '' };
}

/** A TCP server that accepts connections and never says a word: a broker that hangs before CONNACK. */
export async function startSilentServer(): Promise<Broker> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const port = await listen(server);
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}


export interface Mosquitto extends Broker {
  /** Stops the broker (SIGTERM) and waits for it to exit; `start()` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** The folder holding its config, for password files and certificates. */
  dir: string;
}

async function waitForPort(port: number, failed: () => string | undefined): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    if (await listening(port)) return;
    const why = failed();
    if (why !== undefined || Date.now() > deadline) throw new Error(`mosquitto did not start: ${why ?? 'timeout'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A private Mosquitto (MQTT 5 capable, unlike aedes) on a free loopback port, with a config of the test's own so
 * that it can be stopped, restarted, given a password file or TLS. Needs the `mosquitto` binary, which every
 * machine of this project has; without it the test fails and says so, rather than skipping.
 */
export async function startPrivateMosquitto(
  extraConfig: (dir: string) => string = () => '',
  options: { anonymous?: boolean } = {},
): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'scp-mosquitto-'));
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(
    config,
    `listener ${port} 127.0.0.1\nallow_anonymous ${options.anonymous === false ? 'false' : 'true'}\npersistence false\nset_tcp_nodelay true\n${extraConfig(dir)}`,
  );
  let child: ChildProcess | undefined;
  const start = async () => {
    const proc = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    let stderr = '';
    let error: string | undefined;
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    proc.once('error', (err) => (error = `cannot start mosquitto (is it installed?): ${err.message}`));
    await waitForPort(port, () => error ?? (proc.exitCode !== null ? stderr || `exit ${proc.exitCode}` : undefined));
  };
  const stop = async () => {
    const proc = child;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.kill('SIGTERM');
      await exited;
    }
  };
  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    dir,
    start,
    stop,
    close: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A private Mosquitto, for tests of what only Mosquitto here offers (MQTT 5), whatever broker is under test. */
export async function startMosquitto(): Promise<Broker> {
  return startPrivateMosquitto();
}

/**
 * A TCP relay in front of a broker, so a test can cut a client's connection without touching the broker: `cut()`
 * drops what is connected; `refuse()` also stops listening (a node that is down), until `accept()` listens again on
 * the same port (the node back).
 */
export async function startCuttingProxy(
  target: number,
  { maxConnections }: { maxConnections?: number } = {},
): Promise<Broker & { cut(): void; refuse(): Promise<void>; accept(): Promise<void> }> {
  const pairs = new Set<[Socket, Socket]>();
  const relay = (inbound: Socket) => {
    const outbound = tcpConnect(target, '127.0.0.1');
    inbound.setNoDelay(true);
    outbound.setNoDelay(true);
    const pair: [Socket, Socket] = [inbound, outbound];
    pairs.add(pair);
    inbound.pipe(outbound).pipe(inbound);
    const drop = () => {
      inbound.destroy();
      outbound.destroy();
      pairs.delete(pair);
    };
    inbound.on('error', drop).on('close', drop);
    outbound.on('error', drop).on('close', drop);
  };
  // Past `maxConnections`, Node closes a new connection at once: a node that takes one client and no more.
  const serve = () => Object.assign(createTcpServer(relay), maxConnections === undefined ? {} : { maxConnections });
  let server = serve();
  const port = await listen(server);
  const cut = () => {
    for (const [inbound, outbound] of pairs) {
      inbound.destroy();
      outbound.destroy();
    }
    pairs.clear();
  };
  const stop = () => new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    cut,
    refuse: async () => {
      cut();
      await stop();
    },
    accept: async () => {
      server = serve();
      await listen(server, port);
    },
    close: async () => {
      cut();
      await stop();
    },
  };
}
