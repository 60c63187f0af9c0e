import { randomUUID } from 'node:crypto';
import { UsageError } from '../errors.js';
import { BUILT_IN_PROFILES, BUILT_IN_TRANSACTIONS, applyChanges, checkProfiles, handleRequest, type ServiceLogEntry } from '../simulator/dispatch.js';
import type { HeldProfile } from '../core/profile.js';
import { parseStationFlags, stationAt, type StationConfig } from '../simulator/station.js';
import { wholeNumber } from '../core/fields.js';
import { checkTemplates, fillTopic, stationOf, subscriptionOf } from '../core/fleet.js';
import type { StationModel } from '../core/composite.js';
import { ALL_MESSAGES } from '../messages/index.js';
import { set, storedProfile } from '../messages/set/index.js';
import { CHECK_ID, requestEnvelope } from '../messages/kind.js';
import type { SetChargingProfileRequestData } from '../core/generated/types.js';
import type { Envelope } from '../messages/kind.js';
import { parseMilliseconds, parsePort, parseRatio, redactUrl } from '../core/settings.js';
import type { SimulateOptions } from '../options.js';
import {
  FAILOVER_WINDOW_MS,
  ROUND_PAUSE_MS,
  clientIdFor,
  advising,
  checkConnectionFlags,
  firstAccepting,
  readNamed,
  resolveConnection,
  roundTheBrokers,
  type CommandContext,
  type Connection,
  type ConnectionFlags,
  type KeepTrying,
} from '../connection.js';
import { InterruptedError } from '../errors.js';
import type { ServeOptions, Service } from '../transport/mqtt.js';

/** simulate's own options, typed from the option table. */
export type SimulateFlags = SimulateOptions;

export interface SimulateContext extends CommandContext {
  random?: () => number;
  clock?: () => Date;
}

const DEFAULT_EMBEDDED_PORT = 1883;

/** The profiles the station starts with: --profiles, else the built-in station's (none for a station of --evses). */
async function loadProfiles(path: string | undefined, evses: string | undefined): Promise<HeldProfile[]> {
  if (path === undefined) return evses === undefined ? BUILT_IN_PROFILES.map((profile) => ({ ...profile })) : [];
  const text = (await readNamed('--profiles', path)).toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`--profiles: ${JSON.stringify(path)} is not JSON (${(err as Error).message})`);
  }
  const installed = Array.isArray(data) ? data.map((entry, i) => installedProfile(entry, i, path)) : [];
  // Every entry is checked in the simulator's shape; a set-shaped one by its projection, its whole profile kept.
  const checked = checkProfiles(Array.isArray(data) ? data.map((entry, i) => installed[i]?.project ?? entry) : data);
  if (!checked.ok) throw new UsageError(`--profiles: ${JSON.stringify(path)}: ${checked.problem}`);
  return checked.profiles.map((profile, i) => installed[i]?.stored ?? profile);
}

/**
 * A --profiles entry shaped like set's request data ({evse_id?, charging_profile}): the station's current state, so
 * checked against set's schema only (not the rules a new profile must pass). Other entries: undefined.
 */
function installedProfile(entry: unknown, index: number, path: string): { stored: HeldProfile; project: object } | undefined {
  if (entry === null || typeof entry !== 'object' || !('charging_profile' in entry)) return undefined;
  const checked = set.checkRequestOnWire(requestEnvelope(set, entry as SetChargingProfileRequestData, CHECK_ID));
  if (!checked.ok) {
    throw new UsageError(`--profiles: ${JSON.stringify(path)}: entry ${index + 1}: ${checked.problems.join('; ').replace(/\/data\//g, '')}`);
  }
  const stored = storedProfile(checked.value.data);
  const { charging_profile: _whole, ...project } = stored;
  return { stored, project };
}

/** Answers that are not ours to take: scp clear must ignore every one of them. */
function decoysFor(response: Envelope<'response'>): Array<string | Buffer> {
  return [
    JSON.stringify({ ...response, id: randomUUID(), data: { status: 'accepted' } }),
    // The same id under another message's name: an answer to someone else's request.
    JSON.stringify({ ...response, name: ALL_MESSAGES.find((message) => message.name !== response.name)!.name }),
    JSON.stringify({ ...response, type: 'request' }),
    'decoy: not JSON',
    Buffer.from([0xff, 0xfe, 0xfd]),
  ];
}

/**
 * The fault injection, where to listen and the station, each flag parsed once. The built-in profiles come with the
 * built-in station's transaction, unless --transaction says otherwise.
 */
function parseServiceFlags(flags: SimulateFlags) {
  const builtIn = flags.profiles === undefined && flags.transaction === undefined && flags.evses === undefined;
  const transaction = builtIn ? BUILT_IN_TRANSACTIONS.map(({ evse, id }) => `${evse}=${id}`) : flags.transaction;
  return {
    station: parseStationFlags({ ...flags, ...(transaction ? { transaction } : {}) }),
    stations: flags.stations === undefined ? undefined : wholeNumber('--stations', flags.stations, 1, 100_000),
    delayMs: parseMilliseconds('--delay', flags.delay),
    dropRatio: parseRatio('--drop', flags.drop),
    duplicate: flags.duplicate,
    answerDecoys: flags.answerDecoys,
    embeddedPort:
      flags.embedded === undefined || flags.embedded === false
        ? undefined
        : flags.embedded === true
          ? DEFAULT_EMBEDDED_PORT
          : parsePort('--embedded', flags.embedded),
  };
}

type Reply = (topic: string, payload: string | Buffer) => void;

/** The station's now, for its schedules and its log: --clock fixes it (a reproducible station), else the real clock. */
function simulatedClock(station: StationConfig, ctx: SimulateContext): () => Date {
  const fixed = station.clock;
  if (fixed) return () => new Date(fixed);
  return ctx.clock ?? (() => new Date());
}

/** One station the service serves: its profiles, and the topic its answers go to (with --stations, its own). */
interface ServedStation {
  name?: string;
  profiles: HeldProfile[];
  responseTopic: string;
}

/** What a request does to the station's profiles, and the answer; a refused request changes nothing. */
function apply(handling: Exclude<ReturnType<typeof handleRequest>, { kind: 'ignore' }>, station: ServedStation, model: () => StationModel) {
  if (handling.kind === 'refuse') return { response: handling.response, removed: [] as HeldProfile[], added: [] as HeldProfile[] };
  const { profiles } = station;
  const { response, removed, added = [] } = handling.message.decide(profiles, handling.request, model);
  applyChanges(profiles, removed, added);
  return { response, removed, added };
}

/**
 * What the service does with each message on its request topics: which station it is for (`route`), which registry
 * entry it is, what that does to the station's profiles, the log line, and the answer (late, lost, twice or behind
 * decoys, as the flags say). Timers it starts are kept in `timers`, so that stopping cancels answers not yet sent.
 */
function serviceHandler(route: (topic: string) => ServedStation | undefined, service: ReturnType<typeof parseServiceFlags>, ctx: SimulateContext, timers: Set<NodeJS.Timeout>) {
  const { output } = ctx;
  const random = ctx.random ?? Math.random;
  const clock = simulatedClock(service.station, ctx);
  const startedAt = clock();
  return ({ topic, payload }: { topic: string; payload: Buffer }, reply: Reply) => {
    const station = route(topic);
    if (!station) return output.note(`ignored a message on ${topic}: not a station this service serves`);
    const handling = handleRequest(payload, ALL_MESSAGES);
    if (handling.kind === 'ignore') return output.note(`ignored a message on ${topic}: ${handling.reason}`);
    const { response, removed, added } = apply(handling, station, () => stationAt(service.station, station.profiles, clock(), startedAt));
    const { status, info } = handling.message.summarize(response);
    const dropped = service.dropRatio > 0 && random() < service.dropRatio;
    const entry: ServiceLogEntry = {
      time: clock().toISOString(),
      ...(station.name === undefined ? {} : { station: station.name }),
      request_id: response.id,
      asked: handling.kind === 'serve' ? handling.request.data : null,
      removed: removed.map((profile) => profile.id),
      ...(added.length ? { added: added.map((profile) => profile.id) } : {}),
      status,
      ...(info ? { status_info: info } : {}),
      delivery: dropped ? 'dropped' : 'answered',
      ...(service.delayMs > 0 && !dropped ? { delay_ms: service.delayMs } : {}),
      ...(service.duplicate && !dropped ? { duplicated: true } : {}),
    };
    output.serviceLog(entry, handling.message);
    if (dropped) return;
    const answer = () => {
      if (service.answerDecoys) for (const decoy of decoysFor(response)) reply(station.responseTopic, decoy);
      const body = JSON.stringify(response);
      reply(station.responseTopic, body);
      if (service.duplicate) reply(station.responseTopic, body);
    };
    if (service.delayMs === 0) return answer();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, service.delayMs);
    timers.add(timer);
  };
}

/**
 * The stations served and how a request topic finds its station: one on the configured topics, or with --stations
 * "1".."n" on topics that name {station}, each with a copy of the starting profiles.
 */
function stationsOn(count: number | undefined, topics: { requestTopic: string; responseTopic: string }, profiles: readonly HeldProfile[]) {
  const templated = checkTemplates(topics.requestTopic, topics.responseTopic);
  if (count === undefined) {
    if (templated) throw new UsageError(`--stations: required, since the topics name {station} (${topics.requestTopic}): how many stations to serve`);
    const only: ServedStation = { profiles: [...profiles], responseTopic: topics.responseTopic };
    return { subscription: topics.requestTopic, route: () => only };
  }
  if (!templated) throw new UsageError('--stations: the topics do not name {station}; set --request-topic and --response-topic with it, e.g. stations/{station}/ocpp/smart_charging');
  const served = new Map<string, ServedStation>();
  for (let i = 1; i <= count; i++) {
    const name = String(i);
    served.set(name, { name, profiles: [...profiles], responseTopic: fillTopic(topics.responseTopic, name) });
  }
  const route = (topic: string) => {
    const name = stationOf(topics.requestTopic, topic);
    return name === undefined ? undefined : served.get(name);
  };
  return { subscription: subscriptionOf(topics.requestTopic), route };
}

/**
 * Before the simulator gives up after a loss: every broker has refused the connection, in a row, for
 * --connect-timeout, and with several brokers (a cluster) the failover window has passed, as for a stream: the
 * surviving nodes of a NATS cluster refused new sessions for seconds while electing leaders for what the lost node
 * led. A broker that accepts the connection but refuses the subscription is still there and does not count.
 */
const simulatorKeepsTrying =
  (brokers: number, connectTimeoutMs: number): KeepTrying =>
  (_attempt, failingSince, now, lostAt) =>
    (brokers > 1 && now - lostAt < FAILOVER_WINDOW_MS) || failingSince.some((since) => since === undefined || now - since < connectTimeoutMs);
/** While going round, a word on stderr at most this often (every failed attempt with --verbose). */
const STILL_TRYING_EVERY_MS = 10_000;

/**
 * Serves until Ctrl-C or SIGTERM, on the first broker that accepts (exit 4 if none does). When the connection is lost
 * it goes round its brokers as a stream's sessions do, saying so on stderr, with every station's profiles kept, and
 * gives up (exit 4) only when every broker has refused for --connect-timeout in a row and, with several brokers, the
 * failover window (FAILOVER_WINDOW_MS, 60 s from the loss) has passed: a simulator that died with a cluster node
 * would make a fleet rehearsal pointless.
 */
async function serveOnBrokers(connection: Connection, ctx: SimulateContext, options: ServeOptions & { onReady: () => void }): Promise<void> {
  const { output, signal } = ctx;
  const { openService } = await import('../transport/mqtt.js');
  const { brokers } = connection;
  let fresh = false;
  const open = (index: number) => {
    const clientId = clientIdFor(connection, 1, fresh);
    fresh = true;
    return advising(openService({ ...connection.connect, url: brokers[index]!, clientId }, options));
  };
  try {
    let at = await firstAccepting(brokers, async (index) => ({ service: await open(index), index }), (message) => output.warn(message));
    options.onReady();
    for (;;) {
      const lost = await untilLost(at.service, signal);
      await at.service.close();
      if (lost === undefined) return;
      const from = at.index;
      output.warn(`${lost.message}; ${brokers.length > 1 ? `trying ${redactUrl(brokers[(from + 1) % brokers.length]!)}` : 'reconnecting'}, keeping every station's profiles`);
      let saidAt = performance.now();
      const next = await roundTheBrokers(brokers, from, open, {
        keepTrying: simulatorKeepsTrying(brokers.length, connection.connect.connectTimeoutMs),
        delayMs: ROUND_PAUSE_MS,
        stop: signal,
        onFailure: (err) => {
          if (performance.now() - saidAt < STILL_TRYING_EVERY_MS) return output.debug(`${(err as Error).message}`);
          saidAt = performance.now();
          output.warn(`still trying its brokers: ${(err as Error).message}`);
        },
      });
      at = { service: next.value, index: next.index };
      output.note(`serving again on ${redactUrl(brokers[next.index]!)} (attempt ${next.attempt} after losing ${redactUrl(brokers[from]!)})`);
    }
  } catch (err) {
    // Being told to stop is how a service ends normally.
    if (!(err instanceof InterruptedError)) throw err;
  }
}

/** Resolves with the error that ended the connection, or undefined once `signal` aborts. */
function untilLost(service: Service, signal: AbortSignal): Promise<Error | undefined> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(undefined);
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    service.lost.catch((err: Error) => {
      signal.removeEventListener('abort', onAbort);
      resolve(err);
    });
  });
}

/**
 * scp simulate: a Smart Charging service stand-in that keeps a set of profiles in memory and answers every message
 * of the registry as an OCPP 2.0.1 station would (messages/), optionally on a broker of its own.
 * Runs until Ctrl-C or SIGTERM.
 */
export async function runSimulate(flags: SimulateFlags, connectionFlags: ConnectionFlags, ctx: SimulateContext): Promise<void> {
  const { output, signal } = ctx;
  const service = parseServiceFlags(flags);
  const settings = checkConnectionFlags(connectionFlags);
  if (connectionFlags.station !== undefined) throw new UsageError('--station: not for simulate, which serves every station of --stations');
  const profiles = await loadProfiles(flags.profiles, flags.evses);
  const stations = stationsOn(service.stations, settings, profiles);

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
    output.profiles(profiles);
    if (service.stations !== undefined) output.note(`each of the ${service.stations} stations starts with these profiles`);
    const serving = `serving ${ALL_MESSAGES.map((message) => message.name).join(', ')} on ${connection.requestTopic}, answering on ${connection.responseTopic}; Ctrl-C stops`;
    await serveOnBrokers(connection, ctx, {
      topic: stations.subscription,
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
