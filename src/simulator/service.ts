/**
 * The stand-in Smart Charging service, without its connection: the flags that shape it (faults, stations, the
 * embedded broker's port), the stations it serves and how a request topic finds one, and what it does with each
 * request (the registry entry's decision, the log line, the answer: late, lost, twice or behind decoys).
 * commands/simulate.ts connects it to its brokers.
 */
import { randomUUID } from 'node:crypto';
import { UsageError } from '../core/errors.js';
import type { HeldProfile } from '../core/profile.js';
import type { StationModel } from '../core/composite.js';
import type { Envelope } from '../core/message.js';
import { checkTemplates, fillTopic, stationOf, subscriptionOf } from '../core/fleet.js';
import { parseSimulate, type SimulateOptions } from '../options.js';
import type { Output } from '../output/render.js';
import { showServiceLog } from '../output/simulator.js';
import { ALL_MESSAGES } from '../messages/all.js';
import { messageTopics, type Announcement, type ServedMessage, type SimulatedService, type TopicSetting } from '../messages/kind.js';
import { VERSION } from '../core/version.js';
import { applyChanges, handleRequest, type ServiceLogEntry } from './dispatch.js';
import { stationAt, type StationConfig, type StationSettings } from './station.js';

/** What the service needs of the world: where it logs, and (for tests) its dice and its clock. */
export interface ServiceContext {
  output: Output;
  random?: () => number;
  clock?: () => Date;
}

const DEFAULT_EMBEDDED_PORT = 1883;

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

/** The fault injection, where to listen and the station's settings (profiles/openStation makes the station), each flag parsed once. */
export function parseServiceFlags(flags: SimulateOptions) {
  const settings = parseSimulate(flags);
  return {
    stationSettings: settings satisfies StationSettings,
    stations: settings.stations,
    delayMs: settings.delay,
    dropRatio: settings.drop,
    duplicate: flags.duplicate,
    answerDecoys: flags.answerDecoys,
    itself: { status: settings.serviceStatus, softwareVersion: VERSION } satisfies SimulatedService,
    embeddedPort: settings.embedded === undefined || settings.embedded === false ? undefined : settings.embedded === true ? DEFAULT_EMBEDDED_PORT : settings.embedded,
  };
}

/** The service once its station is opened (profiles.ts openStation): the station's settings become the station. */
export type ServiceSettings = Omit<ReturnType<typeof parseServiceFlags>, 'stationSettings'> & { station: StationConfig };

type Reply = (topic: string, payload: string | Buffer) => void;

/** The station's now, for its schedules and its log: --clock fixes it (a reproducible station), else the real clock. */
function simulatedClock(station: StationConfig, ctx: ServiceContext): () => Date {
  const fixed = station.clock;
  if (fixed) return () => new Date(fixed);
  return ctx.clock ?? (() => new Date());
}

/** One station the service serves: its name (with --stations) and its profiles. */
interface ServedStation {
  name?: string;
  profiles: HeldProfile[];
}

/** A pair of topics the service serves, and the messages that travel on it (service_status has a pair of its own). */
export interface TopicPair {
  requestTopic: string;
  responseTopic: string;
  messages: ServedMessage[];
}

/** Where a station answers what came on `pair`: the pair's answer topic, its own with --stations. */
const answerTopic = (pair: TopicPair, station: ServedStation): string => (station.name === undefined ? pair.responseTopic : fillTopic(pair.responseTopic, station.name));

/** Where a request on `topic` is for: the station, and the pair it came on (its messages, its answer topic). */
export type Route = (topic: string) => { station: ServedStation; pair: TopicPair; responseTopic: string } | undefined;

/** What a request does to the station's profiles, and the answer (none: the station stays silent); a refused request changes nothing. */
function apply(handling: Exclude<ReturnType<typeof handleRequest>, { kind: 'ignore' }>, station: ServedStation, model: () => StationModel, itself: SimulatedService) {
  if (handling.kind === 'refuse') return { response: handling.response, removed: [] as HeldProfile[], added: [] as HeldProfile[] };
  const { profiles } = station;
  const { response, removed, added = [] } = handling.message.decide(profiles, handling.request, model, itself);
  applyChanges(profiles, removed, added);
  return { response, removed, added };
}

/**
 * What the service does with each message on its request topics: which station it is for (`route`), which registry
 * entry it is, what that does to the station's profiles, the log line, and the answer (late, lost, twice or behind
 * decoys, as the flags say). Timers it starts are kept in `timers`, so that stopping cancels answers not yet sent.
 */
export function serviceHandler(route: Route, service: ServiceSettings, ctx: ServiceContext, timers: Set<NodeJS.Timeout>) {
  const { output } = ctx;
  const random = ctx.random ?? Math.random;
  const clock = simulatedClock(service.station, ctx);
  const startedAt = clock();
  return ({ topic, payload }: { topic: string; payload: Buffer }, reply: Reply) => {
    const found = route(topic);
    if (!found) return output.note(`ignored a message on ${topic}: not a station this service serves`);
    const { station, pair, responseTopic } = found;
    const handling = handleRequest(payload, pair.messages);
    if (handling.kind === 'ignore') return output.note(`ignored a message on ${topic}: ${handling.reason}`);
    const { response, removed, added } = apply(handling, station, () => stationAt(service.station, station.profiles, clock(), startedAt), service.itself);
    // A question for something this station does not run (another Josev service) gets no answer, as on a real one.
    if (response === undefined) return output.note(`no answer to ${handling.message.name} on ${topic}: ${handling.kind === 'serve' ? handling.message.describe(handling.request.data) : 'an invalid request'}, which this station does not run`);
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
    showServiceLog(output, entry, handling.message);
    if (dropped) return;
    const answer = () => {
      if (service.answerDecoys) for (const decoy of decoysFor(response)) reply(responseTopic, decoy);
      const body = JSON.stringify(response);
      reply(responseTopic, body);
      if (service.duplicate) reply(responseTopic, body);
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
 * The pairs of topics the service serves, from the connection settings: each message on its own pair (the Smart
 * Charging one, and the station's general one for service_status). Two pairs may not share a request topic with
 * different answer topics: a request's answer would go to one of them only.
 */
export function topicPairs(settings: Readonly<Record<TopicSetting, string>>): TopicPair[] {
  const pairs: TopicPair[] = [];
  for (const message of ALL_MESSAGES) {
    const { requestTopic, responseTopic } = messageTopics(message, settings);
    const same = pairs.find((pair) => pair.requestTopic === requestTopic);
    if (same && same.responseTopic !== responseTopic) {
      throw new UsageError(`${message.name}: asked on ${requestTopic}, like ${same.messages[0]!.name}, but answered on ${responseTopic}, not ${same.responseTopic}: give both pairs of topics the same answer topic, or different request topics`);
    }
    if (same) same.messages.push(message);
    else pairs.push({ requestTopic, responseTopic, messages: [message] });
  }
  return pairs;
}

/**
 * The stations served and how a request topic finds its station and pair: one station on the configured topics, or
 * with --stations "1".."n" on topics that name {station}, each with a copy of the starting profiles. With --stations,
 * a pair whose topics name no {station} (the station's general topics left at cs/josev) is not served: every
 * station would answer on it at once (`skipped` names them, for a note).
 */
export function stationsOn(count: number | undefined, pairs: readonly TopicPair[], profiles: readonly HeldProfile[]) {
  const templated = pairs.map((pair) => checkTemplates(pair.requestTopic, pair.responseTopic));
  if (count === undefined) {
    const first = pairs.find((_, i) => templated[i]);
    if (first) throw new UsageError(`--stations: required, since the topics name {station} (${first.requestTopic}): how many stations to serve`);
    const only: ServedStation = { profiles: [...profiles] };
    const route: Route = (topic) => {
      const pair = pairs.find((one) => one.requestTopic === topic);
      return pair && { station: only, pair, responseTopic: answerTopic(pair, only) };
    };
    return { subscriptions: pairs.map((pair) => pair.requestTopic), route, stations: [only], served: [...pairs], skipped: [] as TopicPair[] };
  }
  const served = pairs.filter((_, i) => templated[i]);
  if (served.length === 0) throw new UsageError('--stations: the topics do not name {station}; set --request-topic and --response-topic with it, e.g. stations/{station}/ocpp/smart_charging');
  const stations = new Map<string, ServedStation>();
  for (let i = 1; i <= count; i++) stations.set(String(i), { name: String(i), profiles: [...profiles] });
  const route: Route = (topic) => {
    for (const pair of served) {
      const name = stationOf(pair.requestTopic, topic);
      const station = name === undefined ? undefined : stations.get(name);
      if (station) return { station, pair, responseTopic: answerTopic(pair, station) };
    }
    return undefined;
  };
  return { subscriptions: served.map((pair) => subscriptionOf(pair.requestTopic)), route, stations: [...stations.values()], served, skipped: pairs.filter((_, i) => !templated[i]) };
}

/** What the service publishes unasked as it starts or stops (service_status updates), for every station it serves. */
export function announcements(
  { stations, served }: Pick<ReturnType<typeof stationsOn>, 'stations' | 'served'>,
  itself: SimulatedService,
  phase: 'start' | 'stop',
): Array<{ topic: string; payload: string }> {
  const out: Array<{ topic: string; payload: string }> = [];
  for (const pair of served) {
    for (const message of pair.messages) {
      for (const station of stations) {
        const update: Announcement | undefined = message.announce?.(phase, itself);
        if (update) out.push({ topic: answerTopic(pair, station), payload: JSON.stringify(update) });
      }
    }
  }
  return out;
}
