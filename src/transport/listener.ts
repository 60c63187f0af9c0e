/**
 * A listener: a connection that holds its subscriptions open, hands on every message that comes, may publish at
 * will, and says when it is lost. `scp simulate` serves on one (and goes round its brokers when it is lost); a single
 * request's step that keeps following the response topic after the answer listens on one of its own.
 */
import { InterruptedError } from '../core/errors.js';
import { redactUrl } from '../core/settings.js';
import { close, openEstablished, type ConnectOptions, type IncomingMessage, type MqttClient } from './client.js';
import { ROUND_PAUSE_MS, roundTheBrokers, type KeepTrying } from './failover.js';

export interface ListenOptions {
  /** The topics (the simulator's: the Smart Charging request topic and the station's general one), subscribed at once. */
  topic: string | readonly string[];
  qos: 1 | 2;
  /** Called for every message on `topic`; `reply` publishes at `qos`, never retained. */
  onMessage: (message: IncomingMessage, reply: (topic: string, payload: string | Buffer) => void) => void;
  /** Aborts connecting (an InterruptedError). */
  signal: AbortSignal;
  log?: (line: string) => void;
}

/** A listener's connection, subscribed (from now on no message is missed): `lost` rejects with a ConnectionError when
 * the connection goes; `close` disconnects. */
export interface Listener {
  lost: Promise<never>;
  /** Resolves with the error that ended the connection, or undefined once `signal` aborts: what a listener waits on. */
  until(signal: AbortSignal): Promise<Error | undefined>;
  /** Publishes unasked (the simulator's updates) at the listener's QoS; resolves once the broker has it. */
  publish(topic: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export async function openListener(connection: ConnectOptions, options: ListenOptions): Promise<Listener> {
  const log = options.log ?? (() => undefined);
  const where = redactUrl(connection.url);
  // Nothing is published before the subscription is up: a broker that fails here may be passed over for another.
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

/** A listener, and which broker (an index into the brokers) it is on. */
export interface Held {
  listener: Listener;
  index: number;
}

export interface KeepListening {
  brokers: readonly string[];
  /** A new listener on the broker at `index`. */
  open(index: number): Promise<Listener>;
  /** How long to go round the brokers after a loss (failover.ts serviceKeepsTrying). */
  keepTrying: KeepTrying;
  /** Ctrl-C or SIGTERM: what ends it normally. */
  signal: AbortSignal;
  /** The connection went (`from`: the broker it was on); going round the brokers starts now. */
  lost(err: Error, from: number): void;
  /** A listener is back (on `held.index`, the `attempt`th try after losing `from`). */
  back(held: Held, attempt: number, from: number): void;
  /** A try that failed while going round. */
  failed?(err: unknown): void;
  /** Said on the last listener before it closes, when stopping. */
  stopping?(listener: Listener): Promise<void>;
}

/**
 * Holds a listener open across lost connections until `signal` aborts: when its connection goes, it goes round the
 * brokers from the one lost (failover.ts), for as long as `keepTrying` says, and listens again on the first that takes
 * it back. Resolves once stopped; rejects with the last try's error when no broker took it back. The simulator serves
 * this way, and so does a single request's subscription that follows the answer.
 */
export async function keepListening(first: Held, o: KeepListening): Promise<void> {
  let at = first;
  for (;;) {
    const lost = await at.listener.until(o.signal);
    if (lost === undefined) await o.stopping?.(at.listener);
    await at.listener.close();
    if (lost === undefined) return;
    o.lost(lost, at.index);
    let next;
    try {
      next = await roundTheBrokers(o.brokers, at.index, o.open, { keepTrying: o.keepTrying, delayMs: ROUND_PAUSE_MS, stop: o.signal, onFailure: o.failed });
    } catch (err) {
      // Told to stop while going round: the normal end.
      if (err instanceof InterruptedError) return;
      throw err;
    }
    const from = at.index;
    at = { listener: next.value, index: next.index };
    o.back(at, next.attempt, from);
  }
}
