/**
 * The only module that imports MQTT.js (the rest of transport/ goes through it): how a connection is opened,
 * established (subscribed, and watched for its loss) and closed, leaving no socket or timer behind, and how its
 * failures read. exchange.ts (one request), session.ts (a stream's session, pooled by pool.ts) and listener.ts (a
 * subscription held open: the simulator's, and one that outlives a request's answer) are built on it.
 */
import { Socket, connect as netConnect, isIP } from 'node:net';
import type { Duplex } from 'node:stream';
// The client alone, not the package root: the root's connect() pulls in WebSocket, SOCKS and their
// dependencies, which only ws:// and wss:// need (they import the root lazily, below).
import MqttClientModule, { type IClientOptions } from 'mqtt/lib/client';

export const MqttClient = MqttClientModule.default ?? MqttClientModule;
export type MqttClient = InstanceType<typeof MqttClient>;
import { ConnectionError, InterruptedError, TimeoutError, type ConnectionFact, type ScpError } from '../core/errors.js';
import { REQUEST_FATE } from '../core/outcome.js';
import { redactUrl } from '../core/settings.js';

export interface ConnectOptions {
  url: string;
  clientId: string;
  protocolVersion: 4 | 5;
  username?: string;
  password?: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  insecure: boolean;
  connectTimeoutMs: number;
}

export interface IncomingMessage {
  topic: string;
  payload: Buffer;
  /** Set only on messages the broker stored before we subscribed: never an answer to a request we just sent. */
  retained: boolean;
}

/** How long a clean DISCONNECT may take before we drop the socket: exit must never wait on the broker. */
const CLOSE_GRACE_MS = 1000;

/** Codes Node's TLS layer uses when the broker's certificate cannot be trusted. */
const TLS_TRUST_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** CONNACK codes for a refused login: 3.1.1 bad user name or password / not authorised, and their MQTT 5 twins. */
const LOGIN_REFUSED = new Set([4, 5, 134, 135]);

/** CONNACK codes for "unacceptable protocol version": 3.1.1's 1 and MQTT 5's 0x84. */
const VERSION_REFUSED = new Set([1, 132]);

/**
 * Turns what Node or MQTT.js threw into a fact an operator can act on (the command adds the advice); never includes
 * a password. A broker that will not speak MQTT 5 (RabbitMQ before 3.13 closes the socket; NATS answers code 1) is
 * said as such, rather than as a bare refusal.
 */
export function connectError(err: unknown, url: string, protocolVersion?: number, heard?: Buffer): ConnectionError {
  const code = (err as { code?: unknown }).code;
  const other = notMqtt(heard);
  if (other !== undefined) return new ConnectionError(`cannot connect to ${redactUrl(url)}: ${other}`);
  const { text, fact } = describeConnectError(err, url);
  const noMqtt5 = protocolVersion === 5 && typeof code === 'number' && VERSION_REFUSED.has(code);
  return new ConnectionError(text, { fact: noMqtt5 ? { kind: 'mqtt5-unsupported' } : fact });
}

/** Text that reads as text, for saying what a peer answered; at most `length` characters of its first line. */
const firstLine = (bytes: Buffer, length = 40) => JSON.stringify(bytes.toString('latin1').split(/\r?\n/)[0]!.slice(0, length));

/**
 * What the other end answered, when it is no MQTT broker: what its first bytes say it is (an HTTP server, a TLS
 * listener, an SSH server, or something else), and what to change. Undefined: nothing came, or an MQTT CONNACK.
 */
export function notMqtt(heard: Buffer | undefined): string | undefined {
  if (heard === undefined || heard.length === 0 || heard[0] === 0x20) return undefined;
  if (heard.subarray(0, 5).toString('latin1') === 'HTTP/') {
    return `the other end is not an MQTT broker: it answered HTTP (${firstLine(heard)}); is this the broker's MQTT port? (MQTT over WebSocket is ws:// or wss://)`;
  }
  if ((heard[0] === 0x15 || heard[0] === 0x16) && heard[1] === 0x03) return 'the other end speaks TLS on this port: use mqtts:// (and --ca if its certificate needs one)';
  if (heard.subarray(0, 4).toString('latin1') === 'SSH-') return `the other end is an SSH server (${firstLine(heard)}), not an MQTT broker`;
  const text = /^[\x20-\x7e\r\n\t]+$/.test(heard.toString('latin1')) ? firstLine(heard) : `bytes ${heard.subarray(0, 8).toString('hex')}`;
  return `the other end is not an MQTT broker: it answered ${text}`;
}

function describeConnectError(err: unknown, url: string): { text: string; fact?: ConnectionFact } {
  const e = err as NodeJS.ErrnoException & { code?: string | number };
  const where = redactUrl(url);
  const tls = url.startsWith('mqtts:') || url.startsWith('wss:');
  if (typeof e.code === 'number') {
    // A CONNACK refusal: MQTT.js words it "Connection refused: <reason>".
    const reason = String(e.message).replace(/^Connection refused:\s*/i, '');
    const text = `the broker at ${where} refused the connection: ${reason} (code ${e.code})`;
    return LOGIN_REFUSED.has(e.code) ? { text, fact: { kind: 'login-refused' } } : { text };
  }
  if ((typeof e.code === 'string' && TLS_TRUST_CODES.has(e.code)) || /certificate/i.test(String(e.message))) {
    return { text: `TLS to ${where} failed: ${e.message}`, fact: { kind: 'tls-untrusted' } };
  }
  // A TLS handshake the other end never took part in: it speaks plain MQTT (or nothing) there.
  if (tls && (e.code === 'ECONNRESET' || e.code === 'EPROTO' || /TLS|SSL|wrong version/i.test(String(e.message)))) {
    return { text: `TLS to ${where} failed: the other end does not speak TLS there (a plain MQTT port? then use mqtt://)` };
  }
  switch (e.code) {
    case 'ECONNREFUSED':
      return { text: `cannot connect to ${where}: connection refused (is a broker listening there?)` };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { text: `cannot connect to ${where}: host not found (the name ${JSON.stringify(new URL(url).hostname)} does not resolve; check --broker)` };
    case 'ECONNRESET':
      return { text: `cannot connect to ${where}: the other end closed the connection before the broker answered${tls ? '' : ' (a TLS listener? then use mqtts://)'}` };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { text: `cannot connect to ${where}: no route to the host (a network or firewall between?)` };
    case 'ETIMEDOUT':
      return { text: `cannot connect to ${where}: the host did not answer (a firewall dropping the connection?)` };
  }
  // No library's words reach the operator: a code, or what the failure means.
  return { text: `cannot connect to ${where}: ${typeof e.code === 'string' ? e.code : 'it did not answer as an MQTT broker does'}` };
}

/** Settles with whichever comes first; `cleanup` always runs so no timer or listener outlives the race. */
export function race<T>(
  work: Promise<T>,
  { ms, onTimeout, signal, onAbort }: { ms?: number; onTimeout?: () => ScpError; signal?: AbortSignal; onAbort: () => ScpError },
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const abort = () => finish(() => reject(onAbort()));
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
      settle();
    };
    if (signal?.aborted) return abort();
    signal?.addEventListener('abort', abort, { once: true });
    if (ms !== undefined && onTimeout) timer = setTimeout(() => finish(() => reject(onTimeout())), ms);
    work.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
  });
}

/**
 * mqtt:// and mqtts:// get a socket of our own making: no-delay is on before CONNECT is written (Nagle on our side
 * meets delayed ACK on the broker's and costs ~40 ms a packet otherwise), and MQTT.js's connect() is skipped,
 * which would load its WebSocket and SOCKS code for every protocol. ws:// and wss:// go through connect().
 */
async function socketFor(url: URL, options: ConnectOptions): Promise<(() => Duplex) | undefined> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (url.protocol === 'mqtt:') {
    const port = Number(url.port) || 1883;
    return () => netConnect({ host, port, noDelay: true });
  }
  if (url.protocol === 'mqtts:') {
    const port = Number(url.port) || 8883;
    const { connect: tlsConnect } = await import('node:tls');
    return () => {
      const socket = tlsConnect({
        host,
        port,
        servername: isIP(host) ? undefined : host,
        ca: options.ca,
        cert: options.cert,
        key: options.key,
        rejectUnauthorized: !options.insecure,
      });
      socket.setNoDelay(true);
      return socket;
    };
  }
  return undefined;
}

/** MQTT.js's own connect(), for WebSocket URLs; bundlers expose a CommonJS module's exports as `default`. */
async function loadConnect(): Promise<typeof import('mqtt').connect> {
  const mqtt = await import('mqtt');
  return mqtt.connect ?? (mqtt as unknown as { default: typeof mqtt }).default.connect;
}

/** MQTT.js's options for one connection. */
function clientOptionsOf(options: ConnectOptions, url: URL): IClientOptions {
  const fromUrl = (part: string) => (part ? decodeURIComponent(part) : undefined);
  return {
    clientId: options.clientId,
    protocolVersion: options.protocolVersion,
    clean: true,
    // A one-shot tool fails fast: no silent reconnect loop, no queueing while disconnected, no resubscribing.
    reconnectPeriod: 0,
    // Our own timer (in exchange) words the failure; MQTT.js's fires later only as a backstop.
    connectTimeout: options.connectTimeoutMs + 1000,
    queueQoSZero: false,
    resubscribe: false,
    keepalive: 30,
    // MQTT.js otherwise re-arms its keepalive timer on every packet: a timer per packet in a stream. Pings then go
    // every 30 s whatever the traffic, which costs nothing.
    reschedulePings: false,
    // mqtt-packet otherwise builds a cache of 65,536 number buffers at start: tens of ms for a one-shot process.
    writeCache: false,
    // Credentials in the URL (mqtt://user:pass@host) count when no flag or variable gave them.
    username: options.username ?? fromUrl(url.username),
    password: options.password ?? fromUrl(url.password),
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    rejectUnauthorized: !options.insecure,
  };
}

/**
 * Resolves on CONNACK; rejects with the failure in words. `heard()`: the first bytes the other end sent, which say
 * what it is when it is no MQTT broker.
 */
function accepted(client: MqttClient, options: ConnectOptions, heard: () => Buffer | undefined): Promise<void> {
  const ready = new Promise<void>((resolve, reject) => {
    const onConnect = () => {
      detach();
      resolve();
    };
    // With reconnect off, a refused CONNACK surfaces only as 'error', and there may be no 'close' after it.
    const onError = (err: Error) => {
      detach();
      reject(connectError(err, options.url, options.protocolVersion, heard()));
    };
    const onClose = () => {
      detach();
      const where = redactUrl(options.url);
      const other = notMqtt(heard());
      if (other !== undefined) return reject(new ConnectionError(`cannot connect to ${where}: ${other}`));
      const fact = options.protocolVersion === 5 ? ({ kind: 'mqtt5-unsupported' } as const) : undefined;
      // Closed without a word: a broker that will not speak MQTT 5 does that, and so does a TLS listener given plain MQTT.
      const tlsHint = options.url.startsWith('mqtt:') && fact === undefined ? ' (a TLS listener? then use mqtts://)' : '';
      reject(new ConnectionError(`cannot connect to ${where}: the connection closed before the broker accepted it${tlsHint}`, { fact }));
    };
    const detach = () => {
      client.off('connect', onConnect);
      client.off('error', onError);
      client.off('close', onClose);
    };
    client.on('connect', onConnect);
    client.on('error', onError);
    client.on('close', onClose);
  });
  // Handled here too: an attempt given up while connecting (a stream that ended) leaves nobody waiting for it.
  ready.catch(() => undefined);
  return ready;
}

export async function openClient(options: ConnectOptions): Promise<{ client: MqttClient; ready: Promise<void> }> {
  const url = new URL(options.url);
  const clientOptions = clientOptionsOf(options, url);
  const socket = await socketFor(url, options);
  // The first bytes the other end sends: an MQTT broker's are a CONNACK; anything else says what it is instead.
  let heard: Buffer | undefined;
  const listening = socket
    ? () => {
        const made = socket();
        made.once('data', (chunk: Buffer) => (heard ??= chunk));
        return made;
      }
    : undefined;
  const client = listening ? new MqttClient(listening, clientOptions) : (await loadConnect())(options.url, clientOptions);
  return { client, ready: accepted(client, options, () => heard) };
}

/** The broker's certificate on a TLS connection over TCP (mqtts://): until when it is valid, and whom it names. */
export interface PeerCertificate {
  validTo: string;
  subject?: string;
}

/** Undefined without TLS, and over WebSocket (wss://), whose stream does not show the socket under it. */
export function peerCertificate(client: MqttClient): PeerCertificate | undefined {
  const stream = client.stream as unknown as { getPeerCertificate?: () => { valid_to?: string; subject?: { CN?: string } } | null };
  if (typeof stream?.getPeerCertificate !== 'function') return undefined;
  const certificate = stream.getPeerCertificate();
  if (!certificate?.valid_to) return undefined;
  return { validTo: new Date(certificate.valid_to).toISOString(), ...(certificate.subject?.CN === undefined ? {} : { subject: certificate.subject.CN }) };
}

/**
 * What a connect timeout adds when the socket was taken: a broker answers CONNECT at once, so something that holds the
 * connection in silence is most likely no MQTT broker (an HTTP server waiting for a request line), or one overloaded.
 */
const SAID_NOTHING = ': the other end took the connection but said nothing (is this the broker\'s MQTT port? a broker under load: raise --connect-timeout)';

function tookConnection(client: MqttClient): boolean {
  const stream = client.stream as Partial<Socket> | undefined;
  return stream?.connecting === false && stream.destroyed === false;
}

/** Disconnects politely when we can, then makes sure the socket is gone either way. */
export async function close(client: MqttClient): Promise<void> {
  if (client.connected) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      client.endAsync().catch(() => undefined),
      new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS))),
    ]);
    clearTimeout(timer);
  }
  client.end(true);
  client.stream?.destroy();
  // A late socket error after we gave up must not crash the process as an unhandled 'error' event.
  client.on('error', () => undefined);
}

export interface EstablishOptions {
  /** Subscribed before anything is sent (one topic, or several at once); none, for a session that subscribes later (`Session.subscribe`). */
  topic: string | readonly string[] | undefined;
  qos: 1 | 2;
  /** How long SUBACK may take. */
  ackTimeoutMs: number;
  signal?: AbortSignal;
  onAbort: () => ScpError;
  onMessage: (message: IncomingMessage) => void;
  log: (line: string) => void;
  /** Words the loss of the connection; by default `lost the connection to <url>`. */
  lostMessage?: (where: string) => string;
}

/**
 * Waits for CONNACK, then subscribes to `topic` and waits for SUBACK: a fast responder could otherwise answer before
 * we listen. Returns `lost`, a promise that rejects with a ConnectionError when the connection goes, so that a wait ends
 * at once rather than at its timeout. The caller closes the client, whatever happens here.
 */
export async function establish(
  client: MqttClient,
  ready: Promise<void>,
  connection: ConnectOptions,
  o: EstablishOptions,
): Promise<{ lost: Promise<never> }> {
  const where = redactUrl(connection.url);
  o.log(`connecting to ${where} as ${connection.clientId} (MQTT ${connection.protocolVersion === 5 ? '5' : '3.1.1'})`);
  await race(ready, {
    ms: connection.connectTimeoutMs,
    onTimeout: () => new ConnectionError(`cannot connect to ${where}: no answer from the broker within ${connection.connectTimeoutMs / 1000} s${tookConnection(client) ? SAID_NOTHING : ''}`),
    signal: o.signal,
    onAbort: o.onAbort,
  });
  o.log('connected');

  let lose!: (error: ScpError) => void;
  const lost = new Promise<never>((_, reject) => (lose = reject));
  lost.catch(() => undefined);
  client.on('close', () => lose(new ConnectionError(o.lostMessage?.(where) ?? `lost the connection to ${where}`, { lost: true })));
  client.on('error', (err) => o.log(`connection error: ${err.message}`));
  client.on('message', (topic, payload, packet) => o.onMessage({ topic, payload, retained: packet.retain }));

  if (o.topic !== undefined) {
    await subscribeTo(client, where, lost, { ...o, topic: o.topic }).catch((err: unknown) => {
      throw err instanceof ConnectionError ? err.with({ connected: true }) : err;
    });
  }
  // Wrapped: an async function returning the promise itself would adopt it, and never resolve.
  return { lost };
}

/** Subscribes and waits for SUBACK; a refusal, a lower QoS than asked, no SUBACK in time or a loss is a ConnectionError. */
export async function subscribeTo(
  client: MqttClient,
  where: string,
  lost: Promise<never>,
  o: Pick<EstablishOptions, 'qos' | 'ackTimeoutMs' | 'signal' | 'onAbort' | 'log'> & { topic: string | readonly string[] },
): Promise<void> {
  const topics = typeof o.topic === 'string' ? [o.topic] : [...o.topic];
  const named = topics.join(' and ');
  // MQTT.js 5.16 rejects on a failure code in SUBACK; older versions resolved with it in the grant. Cover both.
  // Said with the SUBACK's code where there is one; MQTT.js's own words never reach the operator.
  const refused = (code: number | undefined) =>
    new ConnectionError(`the broker at ${where} refused the subscription to ${named}${code === undefined ? '' : ` (code ${code})`}: not authorised to read it?`);
  const subscribed = client.subscribeAsync(topics, { qos: o.qos }).catch((err: Error & { code?: unknown }) => {
    throw refused(typeof err.code === 'number' ? err.code : Number(/\b(1[2-9]\d)\b/.exec(err.message)?.[1]) || undefined);
  });
  const grants = await race(Promise.race([subscribed, lost]), {
    ms: o.ackTimeoutMs,
    onTimeout: () =>
      new ConnectionError(`the broker at ${where} did not acknowledge the subscription to ${named} within ${o.ackTimeoutMs / 1000} s: nothing was sent`),
    signal: o.signal,
    onAbort: o.onAbort,
  });
  const refusedGrant = grants.find((grant) => grant.qos >= 0x80);
  if (refusedGrant) throw refused(refusedGrant.qos);
  // A broker may grant less than asked (NATS and RabbitMQ 3.10 grant 1 for 2): one that cannot deliver QoS 2 to
  // us cannot be trusted with a QoS 2 request either (NATS closes the connection on one). Say so before sending.
  const downgraded = grants.find((grant) => grant.qos < o.qos);
  if (downgraded) {
    throw new ConnectionError(`the broker at ${where} granted QoS ${downgraded.qos}, not ${o.qos}, for ${named}: it does not support QoS ${o.qos}`, {
      fact: { kind: 'qos-downgraded', granted: downgraded.qos },
      fate: ' (nothing was sent)',
    });
  }
  o.log(`subscribed to ${named}`);
}

/** A connection that failed before anything was published: the caller may try another broker. */
export function beforeSending(err: unknown): never {
  throw err instanceof ConnectionError ? err.with({ nothingSent: true }) : err;
}


/**
 * A client opened and established (subscribed, its loss watched), or closed again if that fails; a failure here is
 * from before anything was published (`beforeSending`), so another broker may be tried. `prepare` runs on the new
 * client before it connects (a session gathers its writes; the simulator keeps it to answer on).
 */
export async function openEstablished(
  connection: ConnectOptions,
  options: EstablishOptions,
  prepare?: (client: MqttClient) => void,
): Promise<{ client: MqttClient; lost: Promise<never> }> {
  const { client, ready } = await openClient(connection).catch(beforeSending);
  prepare?.(client);
  try {
    const { lost } = await establish(client, ready, connection, options).catch(beforeSending);
    return { client, lost };
  } catch (err) {
    await close(client);
    throw err;
  }
}
