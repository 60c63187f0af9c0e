/**
 * Real MQTT brokers for the tests: aedes inside the test process on an ephemeral port (plain, TLS or with a login
 * check), a private Mosquitto on a free port, or the broker named by SCP_TEST_BROKER_URL.
 */
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createHttpServer } from 'node:http';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { Aedes, type AedesOptions } from 'aedes';

export interface Broker {
  url: string;
  port: number;
  /** Present for the embedded broker only, for tests that watch what the broker saw. */
  aedes?: Aedes;
  close(): Promise<void>;
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startEmbeddedBroker(options: { tls?: TlsOptions; aedes?: AedesOptions } = {}): Promise<Broker> {
  const aedes = await Aedes.createBroker(options.aedes);
  const server = options.tls ? createTlsServer(options.tls, aedes.handle) : createTcpServer(aedes.handle);
  const sockets = new Set<Socket>();
  server.on(options.tls ? 'secureConnection' : 'connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
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
  return process.env.SCP_TEST_BROKER_URL ? `broker at ${process.env.SCP_TEST_BROKER_URL}` : 'embedded aedes broker';
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

async function freePort(): Promise<number> {
  const server = createTcpServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A private Mosquitto (MQTT 5 capable, unlike aedes) on a free loopback port. Needs the `mosquitto` binary, which
 * every machine of this project has; without it the test fails and says so, rather than skipping.
 */
export async function startMosquitto(extraConfig = ''): Promise<Broker> {
  const external = process.env.SCP_TEST_BROKER_URL;
  if (external && !extraConfig) return brokerUnderTest();
  const dir = mkdtempSync(join(tmpdir(), 'scp-mosquitto-'));
  const port = await freePort();
  const config = join(dir, 'mosquitto.conf');
  writeFileSync(config, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\n${extraConfig}`);
  const child = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (err) => reject(new Error(`cannot start mosquitto (is it installed?): ${err.message}`))),
  );
  const deadline = Date.now() + 5000;
  for (;;) {
    const up = await Promise.race([
      new Promise<boolean>((resolve) => {
        const probe = tcpConnect(port, '127.0.0.1');
        probe.once('connect', () => (probe.destroy(), resolve(true)));
        probe.once('error', () => resolve(false));
      }),
      spawnError,
    ]);
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`mosquitto did not start: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    close: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
