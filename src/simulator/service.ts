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
import { BUILT_IN_TRANSACTIONS, applyChanges, handleRequest, type ServiceLogEntry } from './dispatch.js';
import { stationAt, stationConfig, type StationConfig } from './station.js';

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

/**
 * The fault injection, where to listen and the station, each flag parsed once. The built-in profiles come with the
 * built-in station's transaction, unless --transaction says otherwise.
 */
export function parseServiceFlags(flags: SimulateOptions) {
  const settings = parseSimulate(flags);
  const builtIn = flags.profiles === undefined && flags.transaction === undefined && flags.evses === undefined;
  const transaction = builtIn ? BUILT_IN_TRANSACTIONS.map(({ evse, id }) => ({ raw: `${evse}=${id}`, evse, id })) : settings.transaction;
  return {
    station: stationConfig({ ...settings, transaction }),
    stations: settings.stations,
    delayMs: settings.delay,
    dropRatio: settings.drop,
    duplicate: flags.duplicate,
    answerDecoys: flags.answerDecoys,
    embeddedPort: settings.embedded === undefined || settings.embedded === false ? undefined : settings.embedded === true ? DEFAULT_EMBEDDED_PORT : settings.embedded,
  };
}

type Reply = (topic: string, payload: string | Buffer) => void;

/** The station's now, for its schedules and its log: --clock fixes it (a reproducible station), else the real clock. */
function simulatedClock(station: StationConfig, ctx: ServiceContext): () => Date {
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
export function serviceHandler(route: (topic: string) => ServedStation | undefined, service: ReturnType<typeof parseServiceFlags>, ctx: ServiceContext, timers: Set<NodeJS.Timeout>) {
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
    showServiceLog(output, entry, handling.message);
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
export function stationsOn(count: number | undefined, topics: { requestTopic: string; responseTopic: string }, profiles: readonly HeldProfile[]) {
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

