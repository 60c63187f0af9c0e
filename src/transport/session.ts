/**
 * A stream's MQTT session (`--input`: one of --connections, pooled by pool.ts): opened once, many requests published
 * on it, answers handed to the stream as they come; what one turn of the event loop writes leaves in one write.
 */
import { Socket } from 'node:net';
import { ConnectionError, InterruptedError } from '../core/errors.js';
import { REQUEST_FATE } from '../core/outcome.js';
import { redactUrl } from '../core/settings.js';
import { close, openEstablished, peerCertificate, subscribeTo, type ConnectOptions, type IncomingMessage, type PeerCertificate } from './client.js';

export interface SessionOptions {
  /** Subscribed before the session is handed over; none for a session whose subscriptions come later (`subscribe`). */
  responseTopic: string | undefined;
  qos: 1 | 2;
  /** How long SUBACK may take. */
  ackTimeoutMs: number;
  onMessage: (message: IncomingMessage) => void;
  signal?: AbortSignal;
  log?: (line: string) => void;
}

/** One connection for many requests (`scp clear --input`): the caller correlates answers and keeps the time. */
export interface Session {
  /**
   * Publishes at the session's QoS, not retained; `done` is called once the broker has acknowledged it, or with the
   * error. A callback, not a promise: a stream publishes tens of thousands, and each promise is garbage.
   */
  publish(topic: string, payload: string, done: (error?: ConnectionError) => void): void;
  /** Subscribes (one topic, or several in one SUBSCRIBE) at the session's QoS and resolves on SUBACK; rejects with a
   * ConnectionError as opening would. */
  subscribe(topic: string | readonly string[]): Promise<void>;
  /** Rejects with a ConnectionError when the connection goes; never resolves. */
  lost: Promise<never>;
  /** The broker's certificate, on a TLS connection over TCP (scp doctor reports when it expires). */
  certificate?: PeerCertificate;
  close(): Promise<void>;
}

/**
 * Gathers what MQTT.js writes to the socket in one turn of the event loop into one buffer and one write. mqtt-packet
 * writes each packet in 3 to 6 pieces; a stream sends a request and a PUBACK per line, and one write() per piece
 * (even corked) was the largest cost of a fast stream after the system calls themselves. Backpressure is the
 * socket's own (`writableNeedDrain`); `end()` writes what is gathered first, so a DISCONNECT is never lost.
 */
function coalesceWrites(socket: Socket): void {
  const write = socket.write.bind(socket) as (data: Buffer) => boolean;
  const end = socket.end.bind(socket);
  let chunks: Buffer[] = [];
  let size = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (chunks.length === 0) return;
    const data = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
    chunks = [];
    size = 0;
    if (!socket.destroyed) write(data);
  };
  socket.write = ((chunk: Buffer | string, encoding?: BufferEncoding | ((error?: Error | null) => void), callback?: (error?: Error | null) => void) => {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : chunk;
    chunks.push(buffer);
    size += buffer.length;
    const done = typeof encoding === 'function' ? encoding : callback;
    if (done) {
      // Whoever waits for this write waits for all of it: write now.
      flush();
      process.nextTick(done);
    } else if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
    return !socket.writableNeedDrain;
  }) as Socket['write'];
  // mqtt-packet corks per packet (and uncorks on the next tick); gathering already does better. uncork stays real:
  // the CONNECT, written before this, is still corked until its tick comes.
  socket.cork = () => undefined;
  socket.end = ((...args: Parameters<Socket['end']>) => {
    flush();
    return end(...args);
  }) as Socket['end'];
}

export async function openSession(connection: ConnectOptions, options: SessionOptions): Promise<Session> {
  const log = options.log ?? (() => undefined);
  const where = redactUrl(connection.url);
  // Nothing is published while a session opens: a broker that fails here may be passed over for another.
  // What is written in one turn of the event loop (requests, and PUBACKs for answers) leaves in one write.
  const { client, lost } = await openEstablished(
    connection,
    {
      topic: options.responseTopic,
      qos: options.qos,
      ackTimeoutMs: options.ackTimeoutMs,
      signal: options.signal,
      onAbort: () => new InterruptedError(`interrupted: ${REQUEST_FATE.before}`, options.signal?.reason),
      log,
      onMessage: options.onMessage,
    },
    (made) => {
      if (made.stream instanceof Socket) coalesceWrites(made.stream);
    },
  );
  // One PINGREQ per burst of PUBACKs, not one per request: it only has to carry our ACK to the broker.
  let pingPending = false;
  const ping = () => {
    if (pingPending) return;
    pingPending = true;
    setImmediate(() => {
      pingPending = false;
      if (client.connected) client.sendPing();
    });
  };
  const publishOptions = { qos: options.qos, retain: false } as const;
  const certificate = peerCertificate(client);
  return {
    lost,
    ...(certificate === undefined ? {} : { certificate }),
    subscribe: (topic) => subscribeTo(client, where, lost, { ...options, topic, onAbort: () => new InterruptedError('interrupted', options.signal?.reason), log }),
    publish: (topic, payload, done) => {
      client.publish(topic, payload, publishOptions, (err) => {
        if (err) {
          log(`publish failed: ${err.message}`);
          return done(new ConnectionError(`the broker at ${where} did not accept a request on ${topic}`));
        }
        ping();
        done();
      });
    },
    close: () => close(client),
  };
}

