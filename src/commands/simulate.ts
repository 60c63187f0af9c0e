/**
 * `scp simulate`: the stand-in service (src/simulator/) on its brokers, an embedded one if asked. It reads the
 * --profiles file, connects, goes round its brokers when one is lost, and stops on Ctrl-C or SIGTERM.
 */
import { InterruptedError, UsageError } from '../core/errors.js';
import { redactUrl } from '../core/settings.js';
import type { SimulateOptions } from '../options.js';
import { topicFlags } from '../messages/kind.js';
import { openStation } from '../simulator/profiles.js';
import { showProfiles } from '../output/simulator.js';
import { announcements, parseServiceFlags, serviceHandler, stationsOn, topicPairs, type ServiceContext } from '../simulator/service.js';
import { advising } from '../connection/advice.js';
import { readNamed } from '../connection/secrets.js';
import { checkConnectionFlags, clientIdFor, resolveConnection, type Connection, type ConnectionFlags } from '../connection/settings.js';
import type { CommandContext } from '../pipeline/context.js';
import { firstAccepting, serviceKeepsTrying } from '../transport/failover.js';
import { keepListening, type Listener, type ListenOptions } from '../transport/listener.js';

/** simulate's own options, typed from the option table. */
export type SimulateFlags = SimulateOptions;

export interface SimulateContext extends CommandContext, ServiceContext {}

/** While going round, a word on stderr at most this often (every failed attempt with --verbose). */
const STILL_TRYING_EVERY_MS = 10_000;

/**
 * Serves until Ctrl-C or SIGTERM, on the first broker that accepts (exit 4 if none does). When the connection is lost
 * it goes round its brokers as a stream's sessions do, saying so on stderr, with every station's profiles kept, and
 * gives up (exit 4) only when every broker has refused for --connect-timeout in a row and, with several brokers, the
 * failover window (transport/failover.ts, 60 s from the loss) has passed: a simulator that died with a cluster node
 * would make a fleet rehearsal pointless.
 */
async function serveOnBrokers(
  connection: Connection,
  ctx: SimulateContext,
  options: ListenOptions & { onReady: () => void; announce: (phase: 'start' | 'stop') => Array<{ topic: string; payload: string }> },
): Promise<void> {
  const { output, signal } = ctx;
  const { openListener } = await import('../transport/listener.js');
  const { brokers } = connection;
  let fresh = false;
  const open = (index: number) => {
    const clientId = clientIdFor(connection, 1, fresh);
    fresh = true;
    return advising(openListener({ ...connection.connect, url: brokers[index]!, clientId }, options));
  };
  try {
    const first = await firstAccepting(brokers, async (index) => ({ listener: await open(index), index }), (message) => output.warn(message));
    options.onReady();
    await announce(first.listener, options.announce('start'), output);
    let saidAt = 0;
    await keepListening(first, {
      brokers,
      open,
      keepTrying: serviceKeepsTrying(brokers.length, connection.connect.connectTimeoutMs),
      signal,
      lost: (lost, from) => {
        saidAt = performance.now();
        output.warn(`${lost.message}; ${brokers.length > 1 ? `trying ${redactUrl(brokers[(from + 1) % brokers.length]!)}` : 'reconnecting'}, keeping every station's profiles`);
      },
      failed: (err) => {
        if (performance.now() - saidAt < STILL_TRYING_EVERY_MS) return output.debug(`${(err as Error).message}`);
        saidAt = performance.now();
        output.warn(`still trying its brokers: ${(err as Error).message}`);
      },
      back: ({ index }, attempt, from) => output.note(`serving again on ${redactUrl(brokers[index]!)} (attempt ${attempt} after losing ${redactUrl(brokers[from]!)})`),
      // Stopping: the services say so (service_status updates) before they go.
      stopping: (listener) => announce(listener, options.announce('stop'), output),
    });
  } catch (err) {
    // Being told to stop is how a service ends normally.
    if (!(err instanceof InterruptedError)) throw err;
  }
}

/** Publishes what the service announces unasked; a broker that does not take it within a second is not waited for. */
async function announce(service: Listener, messages: Array<{ topic: string; payload: string }>, output: SimulateContext['output']): Promise<void> {
  if (messages.length === 0) return;
  const sent = Promise.all(messages.map(({ topic, payload }) => service.publish(topic, payload))).catch((err: Error) => output.debug(`an update was not published: ${err.message}`));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([sent, new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
  clearTimeout(timer);
}

/**
 * scp simulate: a Smart Charging service stand-in that keeps a set of profiles in memory and answers every message
 * of the registry as an OCPP 2.0.1 station would (messages/), optionally on a broker of its own.
 * Runs until Ctrl-C or SIGTERM.
 */
export async function runSimulate(flags: SimulateFlags, connectionFlags: ConnectionFlags, ctx: SimulateContext): Promise<void> {
  const { output, signal } = ctx;
  const parsed = parseServiceFlags(flags);
  const settings = checkConnectionFlags(connectionFlags);
  if (connectionFlags.station !== undefined) throw new UsageError('--station: not for simulate, which serves every station of --stations');
  const file = flags.profiles === undefined ? undefined : { path: flags.profiles, text: (await readNamed('--profiles', flags.profiles)).toString('utf8') };
  // Its EVSEs are fixed from here on, as a station's are (simulator/station.ts withEvses).
  const { stationSettings, ...rest } = parsed;
  const { config, profiles } = openStation(stationSettings, file, new Date());
  const service = { ...rest, station: config };
  const stations = stationsOn(service.stations, topicPairs(settings), profiles);

  let broker: { url: string; close(): Promise<void> } | undefined;
  if (service.embeddedPort !== undefined) {
    const { startEmbeddedBroker } = await import('../simulator/broker.js');
    broker = await startEmbeddedBroker(service.embeddedPort);
    output.note(`embedded MQTT broker listening on ${broker.url}`);
  }
  const timers = new Set<NodeJS.Timeout>();
  try {
    // On its own broker the service connects as a plain local client: the site's TLS and login do not apply.
    const connection = await resolveConnection(
      broker
        ? { ...connectionFlags, broker: broker.url, username: undefined, passwordFile: undefined, ca: undefined, cert: undefined, key: undefined, insecure: false, mqttVersion: '3.1.1' }
        : connectionFlags,
      broker ? {} : ctx.env,
      (message) => output.warn(message),
      broker ? undefined : settings,
    );
    showProfiles(output, profiles);
    if (service.stations !== undefined) output.note(`each of the ${service.stations} stations starts with these profiles`);
    // Said once, after what is served, in a sentence: a first line "... left out" read like an error. Worded without
    // "serving": scripts wait for the line that starts so to know the service is up.
    for (const pair of stations.skipped) {
      const [request, response] = topicFlags(pair.messages[0]!);
      output.note(`the stations do not answer ${pair.messages.map((message) => message.name).join(', ')}: its topics (${pair.requestTopic}) name no {station}; give ${request} and ${response} with {station} for that`);
    }
    const pairs = stations.served.map((pair) => `${pair.messages.map((message) => message.name).join(', ')} on ${pair.requestTopic}, answering on ${pair.responseTopic}`);
    const serving = `serving ${pairs.join('; ')}; Ctrl-C stops`;
    await serveOnBrokers(connection, ctx, {
      topic: stations.subscriptions,
      announce: (phase) => announcements(stations, service.itself, phase),
      qos: connection.qos,
      signal,
      log: (line) => output.debug(line),
      onMessage: serviceHandler(stations.route, service, ctx, timers),
      // Said only once subscribed: a script that waits for this line cannot send a request too early.
      onReady: () => output.note(serving),
    });
  } finally {
    for (const timer of timers) clearTimeout(timer);
    await broker?.close();
  }
  output.note('stopped');
}
