/**
 * The simulator's connection: subscribed to the request topics, answering on it, and saying when it is lost (the
 * simulator then goes round its brokers).
 */
import { InterruptedError } from '../core/errors.js';
import { redactUrl } from '../core/settings.js';
import { close, openEstablished, type ConnectOptions, type IncomingMessage, type MqttClient } from './client.js';

export interface ServeOptions {
  /** The request topics (the Smart Charging one, the station's general one), subscribed at once. */
  topic: string | readonly string[];
  qos: 1 | 2;
  /** Called for every message on `topic`; `reply` publishes at `qos`, never retained. */
  onMessage: (message: IncomingMessage, reply: (topic: string, payload: string | Buffer) => void) => void;
  /** Aborts connecting (an InterruptedError). */
  signal: AbortSignal;
  log?: (line: string) => void;
}

/** A service's connection, subscribed (from now on no request is missed): `lost` rejects with a ConnectionError when
 * the connection goes; `close` disconnects. Used by `scp simulate`, which goes round its brokers when one is lost. */
export interface Service {
  lost: Promise<never>;
  /** Resolves with the error that ended the connection, or undefined once `signal` aborts: what a service waits on. */
  until(signal: AbortSignal): Promise<Error | undefined>;
  /** Publishes unasked (an update) at the service's QoS; resolves once the broker has it. */
  publish(topic: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export async function openService(connection: ConnectOptions, options: ServeOptions): Promise<Service> {
  const log = options.log ?? (() => undefined);
  const where = redactUrl(connection.url);
  // Nothing is answered before the subscription is up: a broker that fails here may be passed over for another.
  let client: MqttClient | undefined;
  const reply = (topic: string, payload: string | Buffer) => {
    client?.publish(topic, payload, { qos: options.qos, retain: false }, (err) => {
      if (err) log(`could not publish to ${topic}: ${err.message}`);
    });
  };
  const opened = await openEstablished(
    connection,
    {
      topic: options.topic,
      qos: options.qos,
      ackTimeoutMs: connection.connectTimeoutMs,
      signal: options.signal,
      onAbort: () => new InterruptedError('stopped', options.signal.reason),
      log,
      lostMessage: () => `lost the connection to ${where}`,
      onMessage: (message) => options.onMessage(message, reply),
    },
    (made) => (client = made),
  );
  return {
    lost: opened.lost,
    until: (signal) => untilLost(opened.lost, signal),
    publish: async (topic, payload) => {
      await opened.client.publishAsync(topic, payload, { qos: options.qos, retain: false });
    },
    close: () => close(opened.client),
  };
}

function untilLost(lost: Promise<never>, signal: AbortSignal): Promise<Error | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    lost.catch((err: Error) => {
      signal.removeEventListener('abort', onAbort);
      resolve(err);
    });
  });
}
