/**
 * Failover: which broker a connection goes to, and how long scp keeps going round them after a loss. One policy for a
 * single request (`firstAccepting`), a stream's sessions (pool.ts) and the simulator alike; the brokers are the nodes
 * of a cluster, in the order given. Knows no MQTT: what is tried is a function that opens something or throws.
 */
import { ConnectionError, InterruptedError } from '../core/errors.js';
import { redactUrl } from '../core/settings.js';

/**
 * The brokers in order, the first that accepts carrying the work (`work(index)`): a broker is passed over, with a
 * warning naming the next, only on a connection error from before anything was published, so a request that may have
 * been applied is never sent again elsewhere. Any other error, or the last broker's, is thrown.
 */
export async function firstAccepting<T>(brokers: readonly string[], work: (index: number) => Promise<T>, warn: (message: string) => void): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await work(i);
    } catch (err) {
      if (!(err instanceof ConnectionError) || !err.nothingSent || i >= brokers.length - 1) throw err;
      warn(`${err.message}; trying ${redactUrl(brokers[i + 1]!)}`);
    }
  }
}

/** The pause before each round of the brokers after a loss (before each try, with one broker): the next node of a
 * cluster is tried at once, and a single broker that restarts is not hammered. */
export const ROUND_PAUSE_MS = 500;

/**
 * With several brokers (a cluster), how long after a loss a connection keeps going round them, whatever else says
 * stop: the surviving nodes of a cluster may refuse or stall new sessions until they have elected new leaders for what
 * the lost node led (NATS JetStream took from under a second to ~25 s here, test/cluster).
 */
export const FAILOVER_WINDOW_MS = 60_000;

/**
 * When to stop going round the brokers after a loss: given the attempt (from 1), per broker since when it has failed
 * to accept a connection in a row (undefined: it has not, or it accepted and then refused the subscription, as a
 * cluster electing leaders does), the time now and the time of the loss.
 */
export type KeepTrying = (attempt: number, failingSince: readonly (number | undefined)[], now: number, lostAt: number) => boolean;

/** After a loss, how many rounds over the brokers a stream's session is re-established in before it gives up. */
const SESSION_ROUNDS = 3;

/** A stream's session: 3 tries per broker, and with a cluster for up to FAILOVER_WINDOW_MS from the loss. */
export const sessionKeepsTrying =
  (brokers: number): KeepTrying =>
  (attempt, _failingSince, now, lostAt) =>
    attempt <= SESSION_ROUNDS * brokers || (brokers > 1 && now - lostAt < FAILOVER_WINDOW_MS);

/**
 * The simulator gives up only once every broker has refused the connection, in a row, for --connect-timeout, and
 * with several brokers the failover window has passed: the surviving nodes of a NATS cluster refused new sessions
 * for seconds while electing leaders. A broker that accepts the connection but refuses the subscription is still
 * there and does not count.
 */
export const serviceKeepsTrying =
  (brokers: number, connectTimeoutMs: number): KeepTrying =>
  (_attempt, failingSince, now, lostAt) =>
    (brokers > 1 && now - lostAt < FAILOVER_WINDOW_MS) || failingSince.some((since) => since === undefined || now - since < connectTimeoutMs);

/**
 * The one reconnection loop: after losing the broker at `from`, try the next broker at once, and the one after, a
 * pause (`delayMs`) before each round (before each try with a single broker), until `open` accepts or `keepTrying`
 * says no (then the last error is thrown). `stop` ends it early, also in a pause or an attempt, with an
 * InterruptedError: a finished stream must not be kept alive by its reconnecting.
 */
export async function roundTheBrokers<T>(
  brokers: readonly string[],
  from: number,
  open: (index: number) => Promise<T>,
  {
    keepTrying,
    delayMs,
    stop,
    onFailure,
    now = () => performance.now(),
  }: { keepTrying: KeepTrying; delayMs: number; stop: AbortSignal; onFailure?: (err: unknown, index: number) => void; now?: () => number },
): Promise<{ value: T; index: number; attempt: number }> {
  const lostAt = now();
  const failingSince: (number | undefined)[] = brokers.map(() => undefined);
  failingSince[from] = lostAt;
  for (let attempt = 1; ; attempt++) {
    if (brokers.length === 1 || attempt % brokers.length === 0) await pause(delayMs, stop);
    if (stop.aborted) throw new InterruptedError('stopped', stop.reason);
    const index = (from + attempt) % brokers.length;
    try {
      return { value: await open(index), index, attempt };
    } catch (err) {
      if (stop.aborted) throw new InterruptedError('stopped', stop.reason);
      if (err instanceof ConnectionError && err.connected) failingSince[index] = undefined;
      else failingSince[index] ??= now();
      onFailure?.(err, index);
      if (!keepTrying(attempt, failingSince, now(), lostAt)) throw err;
    }
  }
}

/** Waits `ms`, or less if `stop` aborts first. */
function pause(ms: number, stop: AbortSignal): Promise<void> {
  if (stop.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      stop.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    stop.addEventListener('abort', done, { once: true });
  });
}
