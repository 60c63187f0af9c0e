/**
 * Deliver and correlate, for one request over MQTT: the connection settings resolved (the config laid under, the
 * password and TLS files read), then one exchange per question (transport/exchange.ts: connect, subscribe, publish,
 * the answer matched by id and checked against the request, close) with the spinner, the next broker tried only for
 * what was never sent, and the one password question a refused login is worth. MQTT.js is loaded only here, and only
 * once something is to be sent: --help, --dry-run and bad input never pay for it.
 */
import { ConnectionError, ScpError, TimeoutError } from '../core/errors.js';
import { publishedFate } from '../core/outcome.js';
import { SeenTally, silence } from '../core/silence.js';
import { againstRequest, classifyResponse } from '../core/response.js';
import type { Settled } from '../core/result.js';
import { redactUrl } from '../core/settings.js';
import type { ConnectionSettings } from '../options.js';
import { awaitedAt, type Envelope, type MessageKind } from '../messages/kind.js';
import { advising } from '../connection/advice.js';
import { resolveConnection, type Connection, type ConnectionFlags } from '../connection/settings.js';
import type { ConnectOptions } from '../transport/client.js';
import type { ExchangeOptions } from '../transport/exchange.js';
import { firstAccepting } from '../transport/failover.js';
import type { Asking } from './build.js';
import type { RequestContext } from './context.js';

/** How one request's questions are answered: how each wait ended, and where the record says the answer came from;
 * `attempt` marks the start of each try (the record's elapsed time is the last one's), with the broker the request
 * is about to be published to (none: answered here). */
export type Ask = (kind: MessageKind, request: Envelope<'request'>, attempt?: (broker?: string) => void) => Promise<Answered>;
export type Answered = { settled: Settled; source: Readonly<Record<string, unknown>> };

/** The connection settings resolved (config, password), with what is worth saying about them before anything connects. */
export async function connectionFor(flags: ConnectionFlags, settings: ConnectionSettings, ctx: RequestContext): Promise<Connection> {
  const { output } = ctx;
  const connection = await resolveConnection(flags, ctx.env, (message) => output.warn(message), settings);
  if (connection.connect.insecure) output.warn('--insecure: the broker\'s TLS certificate is not checked');
  output.debug(
    `broker ${redactUrl(connection.connect.url)}, user ${connection.connect.username ?? '(none)'}, password ${connection.connect.password === undefined ? '(none)' : '(set)'}`,
  );
  return connection;
}

/**
 * Whether a refused login is worth one masked question: the broker refused the user name or password, no password
 * came from anywhere (flag, env, profile or URL), a question may be asked, and the protocol can carry the answer
 * (MQTT 3.1.1 sends a password only with a user name).
 */
function passwordRetry(err: unknown, connect: ConnectOptions, asking: Asking): { who: string } | undefined {
  if (!(err instanceof ConnectionError) || !err.refusedLogin || !asking.policy().allowed) return undefined;
  const url = new URL(connect.url);
  if (connect.password !== undefined || url.password !== '') return undefined;
  const username = connect.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  if (username === undefined && connect.protocolVersion !== 5) return undefined;
  return { who: `${username ?? '(no user name)'} at ${redactUrl(connect.url)}` };
}

/** The exchange's options for one request of `kind`: where it goes, and which message on the response topic is its answer. */
function exchangeOptions(kind: MessageKind, request: Envelope<'request'>, connection: Connection, ctx: RequestContext, tally: SeenTally): ExchangeOptions<Settled> {
  const { output } = ctx;
  return {
    unanswered: publishedFate(kind.changes),
    requestTopic: connection.requestTopic,
    responseTopic: connection.responseTopic,
    payload: JSON.stringify(request),
    timeoutMs: connection.timeoutMs,
    qos: connection.qos,
    signal: ctx.signal,
    log: (line) => output.debug(line),
    match: ({ topic, payload, retained }) => {
      const classified = classifyResponse(kind, payload, request.id, { retained });
      const shown = payload.toString('utf8');
      if (classified.kind === 'foreign') {
        tally.add(classified.about);
        output.debug(`ignored message on ${topic} (${classified.reason}): ${shown}`);
        return undefined;
      }
      output.debug(`received on ${topic}: ${shown}`);
      return againstRequest(classified, request, kind);
    },
    onPublished: () => void output.spin('waiting for the answer', connection.timeoutMs),
  };
}

/**
 * How one request's questions are asked over MQTT: each a whole exchange on the connection settings, on the first
 * broker that accepts; `attempt` marks each try, and the record names the last broker tried. An error that is not
 * scp's own (a bug) is thrown.
 */
export function asker(connection: Connection, ctx: RequestContext, asking: Asking): Ask {
  const { output } = ctx;
  return async (kind, request, attempt) => {
    const { exchange } = await import('../transport/exchange.js');
    const tally = new SeenTally();
    const options = exchangeOptions(kind, request, connection, ctx, tally);
    let broker = connection.connect.url;
    const once = async (connect: ConnectOptions) => {
      attempt?.(redactUrl(connect.url));
      broker = connect.url;
      await output.spin(`connecting to ${redactUrl(connect.url)}`, connect.connectTimeoutMs);
      try {
        return await advising(exchange(connect, options));
      } finally {
        output.stopSpinner();
      }
    };
    const tries = (connect: ConnectOptions) => firstAccepting(connection.brokers, (i) => once({ ...connect, url: connection.brokers[i]! }), (message) => output.warn(message));
    const source = () => ({ broker: redactUrl(broker) });
    try {
      return { settled: await passwordRetried(tries, connection.connect, output, asking), source: source() };
    } catch (err) {
      if (!(err instanceof ScpError)) throw err;
      if (!(err instanceof TimeoutError)) return { settled: { kind: 'failed', error: err }, source: source() };
      // No answer in time: said with what came on the response topic meanwhile, and what to check.
      const words = silence(tally.seen, awaitedAt(kind, connection, redactUrl(broker)), connection.timeoutMs / 1000, publishedFate(kind.changes));
      return { settled: { kind: 'failed', error: new TimeoutError(words) }, source: { ...source(), seen: tally.seen } };
    }
  };
}

/** The tries, and once more with a password when the broker refused a login that came without one (passwordRetry). */
async function passwordRetried<T>(tries: (connect: ConnectOptions) => Promise<T>, connect: ConnectOptions, output: RequestContext['output'], asking: Asking): Promise<T> {
  try {
    return await tries(connect);
  } catch (err) {
    const retry = passwordRetry(err, connect, asking);
    if (!retry) throw err;
    // As git does with credentials: ask only once the broker has said no, and only for this one retry.
    output.error((err as Error).message);
    const password = await (await asking.load()).askPassword(asking.streams(), retry.who);
    return tries({ ...connect, password });
  }
}
