/**
 * One request and its answer (a single `scp clear`, `set` or `schedule`): connect, subscribe, publish, wait for the
 * message the caller's `match` accepts (see core/response), close.
 */
import { ConnectionError, InterruptedError, TimeoutError, type ScpError } from '../core/errors.js';
import { REQUEST_FATE } from '../core/outcome.js';
import { redactUrl } from '../core/settings.js';
import { beforeSending, close, establish, openClient, race, type ConnectOptions, type IncomingMessage, type MqttClient } from './client.js';

export interface ExchangeOptions<T> {
  requestTopic: string;
  responseTopic: string;
  payload: string;
  /** How long to wait for the answer once the request is acknowledged by the broker. */
  timeoutMs: number;
  /** QoS of the request and of the subscription; never 0, so "published" always means the broker has it. */
  qos: 1 | 2;
  /** Returns a value to end the wait with it, or undefined to keep waiting. */
  match: (message: IncomingMessage) => T | undefined;
  signal?: AbortSignal;
  log?: (line: string) => void;
  /** Called once the broker has the request: the --timeout wait starts now (the spinner shows it). */
  onPublished?: () => void;
  /** What a published request that gets no answer means (core/outcome.ts publishedFate): the last words of a timeout's
   * or a lost connection's message. */
  unanswered: string;
}

/**
 * QoS 1 or 2: publishAsync resolves on PUBACK (PUBCOMP), so "published" means the broker has it. Our own timer,
 * because publishAsync can hang when a broker drops a publish it refuses (MQTT.js #1974).
 */
async function publishRequest<T>(
  client: MqttClient,
  options: ExchangeOptions<T>,
  lost: Promise<never>,
  { where, fate, interrupted }: { where: string; fate: () => string; interrupted: () => InterruptedError },
): Promise<void> {
  const { requestTopic } = options;
  const sent = client.publishAsync(requestTopic, options.payload, { qos: options.qos, retain: false }).catch((err: Error) => {
    // MQTT.js's words for it stay in --verbose: the operator is told what it means.
    options.log?.(`publish failed: ${err.message}`);
    throw new ConnectionError(`the broker at ${where} did not accept the request on ${requestTopic}: ${fate()}`);
  });
  await race(Promise.race([sent, lost]), {
    ms: options.timeoutMs,
    onTimeout: () =>
      new ConnectionError(`the broker at ${where} did not acknowledge the request on ${requestTopic} within ${options.timeoutMs / 1000} s: ${fate()}`),
    signal: options.signal,
    onAbort: interrupted,
  });
}

/**
 * Connect, subscribe to the response topic, publish the request (QoS 1 or 2, not retained), and wait for the message
 * `match` accepts. Resolves with what `match` returned; rejects with a ConnectionError, TimeoutError or
 * InterruptedError. The client is closed before this returns, whatever happened.
 */
export async function exchange<T>(connection: ConnectOptions, options: ExchangeOptions<T>): Promise<T> {
  const { requestTopic, responseTopic, signal } = options;
  const log = options.log ?? (() => undefined);
  const where = redactUrl(connection.url);
  // What an operator must be told about the request when we stop early depends on how far it got.
  let phase: 'before' | 'publishing' | 'published' = 'before';
  const fate = () => (phase === 'published' ? options.unanswered : REQUEST_FATE[phase]);
  const interrupted = () => new InterruptedError(`interrupted: ${fate()}`, signal?.reason);

  let matched!: (value: T) => void;
  let answered = false;
  let stopAcking = () => undefined as void;
  const answer = new Promise<T>((resolve) => (matched = resolve));
  const { client, ready } = await openClient(connection).catch(beforeSending);
  try {
    const { lost } = await establish(client, ready, connection, {
      topic: responseTopic,
      qos: options.qos,
      ackTimeoutMs: options.timeoutMs,
      signal,
      onAbort: interrupted,
      log,
      lostMessage: (at) => `lost the connection to ${at}: ${fate()}`,
      onMessage: (message) => {
        const value = options.match(message);
        if (value === undefined) return;
        answered = true;
        matched(value);
      },
    }).catch(beforeSending);

    phase = 'publishing';
    // Logged as it is handed to the socket. An answer read in the same chunk as the PUBACK is handled before the
    // publish's promise settles, so a line logged only after the acknowledgement could follow the answer's.
    log(`publishing to ${requestTopic}: ${options.payload}`);
    await publishRequest(client, options, lost, { where, fate, interrupted });
    phase = 'published';
    stopAcking = acknowledgeWhileWaiting(client, () => answered);
    // Said only while nothing has answered: an answer already logged says the broker had the request.
    if (!answered) log(`published to ${requestTopic}: the broker acknowledged it`);
    options.onPublished?.();

    return await race(Promise.race([answer, lost]), {
      ms: options.timeoutMs,
      onTimeout: () =>
        new TimeoutError(
          `no matching response on ${responseTopic} within ${options.timeoutMs / 1000} s: ${options.unanswered}`,
        ),
      signal,
      onAbort: interrupted,
    });
  } finally {
    stopAcking();
    await close(client);
    log('disconnected');
  }
}

/** The gaps between the pings of `acknowledgeWhileWaiting`: from 1 ms, half as long again each time, until they are as
 * long as the delayed ACK itself. */
const FIRST_GAP_MS = 1;
const GROWTH = 1.5;
const DELAYED_ACK_MS = 40;

/**
 * A broker without TCP_NODELAY (Mosquitto's default) sends a small packet only once the one before it is acknowledged,
 * and our kernel delays its ACK of a packet we answer nothing to by ~40 ms: an answer that reaches the broker while its
 * PUBACK (or a PINGRESP) to us is unacknowledged waits behind it that long (seen with tcpdump: the answer held until
 * our delayed ACK of the PINGRESP). A packet of ours carries the ACK at once, and PINGREQ is the one a client may send
 * at any time; but its PINGRESP is a small packet too. So: a PINGREQ at the PUBACK, and after each PINGRESP another,
 * after 1 ms, then half as long again each time, until the answer comes or the gap is as long as the delayed ACK (a
 * dozen pings over ~200 ms at most). An answer then waits at most the gap of its moment: under a millisecond for a
 * service on the same machine, instead of 40. Returns what stops it.
 */
function acknowledgeWhileWaiting(client: MqttClient, answered: () => boolean): () => void {
  let gap = FIRST_GAP_MS;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const ping = () => {
    if (!stopped && !answered() && client.connected) client.sendPing();
  };
  const onPacket = (packet: { cmd: string }) => {
    if (packet.cmd !== 'pingresp' || stopped || answered() || gap > DELAYED_ACK_MS) return;
    timer = setTimeout(ping, gap);
    gap *= GROWTH;
  };
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    client.off('packetreceive', onPacket);
  };
  client.on('packetreceive', onPacket);
  ping();
  return stop;
}

