/**
 * `scp doctor`: what must be right before a station is changed, checked in order over one connection: the broker
 * (reached, TLS and its certificate, the login, the MQTT version), then for each station the service
 * (service_status on the general topics), a round trip (get_composite_schedule on the Smart Charging topics) and the
 * station's clock (the composite's schedule_start against ours). Only questions are sent: nothing that changes a
 * station. Every station's requests are built and checked before anything connects, so bad input sends nothing.
 * The judgements are core/doctor.ts's; this finds what they judge.
 */
import { CheckFailedError, ConnectionError, InterruptedError, ScpError, TimeoutError, UsageError, type Ending } from '../core/errors.js';
import { brokerCheck, brokerFailed, clockCheck, roundTripCheck, serviceCheck, skipped, worstOf, type Check } from '../core/doctor.js';
import { publishedFate } from '../core/outcome.js';
import { classifyResponse, againstRequest } from '../core/response.js';
import type { Settled } from '../core/result.js';
import { SeenTally, silence } from '../core/silence.js';
import { redactUrl } from '../core/settings.js';
import { subscriptionOf, stationTopics } from '../core/fleet.js';
import type { DoctorOptions } from '../options.js';
import { MESSAGES } from '../messages/index.js';
import { awaitedAt, buildRequest, messageTopics, topicFlags, type Envelope, type MessageKind } from '../messages/kind.js';
import { showCheck, showDoctorSummary, showStation } from '../output/doctor.js';
import { advised } from '../connection/advice.js';
import { checkConnectionFlags, type Connection, type ConnectionFlags } from '../connection/settings.js';
import type { IncomingMessage } from '../transport/client.js';
import { firstAccepting } from '../transport/failover.js';
import { randomUUID } from '../transport/random.js';
import type { Session } from '../transport/session.js';
import { readNamedText } from './build.js';
import type { RequestContext } from './context.js';
import { connectionFor } from './online.js';

/** The composite's window: short, since only its arrival and its start are read, and a station computes it for each
 * of its seconds' periods. */
const WINDOW = '300';
/** Stations a fleet's doctor asks at once: a silent one costs --timeout, and the next ones need not wait for it. */
const AT_ONCE = 16;

type Kinds = { status: MessageKind; schedule: MessageKind };
type Settings = ReturnType<typeof checkConnectionFlags>;

/** One question of a station's checks: the request and where it goes and is answered. */
interface Question {
  kind: MessageKind;
  request: Envelope<'request'>;
  /** Where it goes and is answered; the broker is the one that took the connection (Answers.broker). */
  at: { requestTopic: string; responseTopic: string };
}

/** A station to check (none named: topics without {station}), its EVSE, and its two questions. */
interface Target {
  station?: string;
  evse: string;
  status: Question;
  schedule: Question;
}

async function kindOf(command: string): Promise<MessageKind> {
  return (await MESSAGES.find((message) => message.command === command)!.load()) as MessageKind;
}

function questionOf(kind: MessageKind, input: unknown, topics: { requestTopic: string; responseTopic: string }): Question {
  return { kind, request: buildRequest(kind, input, randomUUID), at: topics };
}

/** A station's questions, on its topics; `label` names where it came from in a refusal (--station, an input line). */
function targetFor(kinds: Kinds, settings: Settings, given: { station?: string; evse: string; label: string }): Target {
  const { station, evse, label } = given;
  const topicsOf = (kind: MessageKind) => stationTopics(messageTopics(kind, settings), station, label, topicFlags(kind));
  return {
    ...(station === undefined ? {} : { station }),
    evse,
    status: questionOf(kinds.status, { service: 'smart_charging' }, topicsOf(kinds.status)),
    schedule: questionOf(kinds.schedule, { evse, duration: WINDOW }, topicsOf(kinds.schedule)),
  };
}

/** A line of --input: a station id, or {"station": "17", "evse": "1"}; empty lines and # comments are passed over. */
function lineTarget(text: string, evse: string): { station: string; evse: string } | undefined {
  const line = text.trim();
  if (line === '' || line.startsWith('#')) return undefined;
  if (!line.startsWith('{')) return { station: line, evse };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new UsageError('not JSON; expected a station id, or a JSON object like {"station": "17", "evse": "1"}');
  }
  const { station, evse: own } = (parsed ?? {}) as { station?: unknown; evse?: unknown };
  if (typeof station !== 'string') throw new UsageError('station: required, a string (the station id its topics name)');
  if (own !== undefined && typeof own !== 'string') throw new UsageError('evse: a string (the EVSE as the station names it)');
  return { station, evse: own ?? evse };
}

/** The stations to check (the one of the flags, --station where the topics name {station}, or each line of --input),
 * and the two answer topics as the settings give them ({station} in them for a fleet). */
async function targetsOf(options: DoctorOptions, flags: ConnectionFlags, settings: Settings, kinds: Kinds, ctx: RequestContext): Promise<{ targets: Target[]; answerTopics: string[] }> {
  const answerTopics = [kinds.status, kinds.schedule].map((kind) => messageTopics(kind, settings).responseTopic);
  if (options.input === undefined) return { targets: [targetFor(kinds, settings, { station: flags.station, evse: options.evse, label: '--station' })], answerTopics };
  if (flags.station !== undefined) throw new UsageError('--station: cannot be combined with --input; the stations come from the input lines');
  const targets: Target[] = [];
  const lines = (await readNamedText('--input', options.input, () => ctx.terminal.stdin)).split(/\r?\n/);
  for (const [i, text] of lines.entries()) {
    const label = `--input line ${i + 1}`;
    try {
      const given = lineTarget(text, options.evse);
      if (given) targets.push(targetFor(kinds, settings, { ...given, label }));
    } catch (err) {
      throw err instanceof UsageError && !err.message.startsWith(label) ? new UsageError(`${label}: ${err.message}`) : err;
    }
  }
  if (targets.length === 0) throw new UsageError(`--input: ${JSON.stringify(options.input)} names no station`);
  return { targets, answerTopics };
}

/** A question in flight: what it makes of a message on the connection, and how it ends when the connection goes. */
type Waiting = { take: (message: IncomingMessage) => void; lose: (error: ScpError) => void };

/** The answers of the questions in flight, matched on the one connection by topic and id. */
class Answers {
  private readonly waiting = new Set<Waiting>();
  private lost: ScpError | undefined;
  /** The broker that took the connection, as silence words name it. */
  broker = '';

  constructor(private readonly timeoutMs: number, private readonly signal: AbortSignal) {}

  readonly onMessage = (message: IncomingMessage): void => {
    for (const one of this.waiting) one.take(message);
  };

  /** The connection went (watched once per session, not once per question): every question waiting, and any asked
   * after, ends with it. */
  readonly onLost = (error: ScpError): void => {
    this.lost = error;
    for (const one of [...this.waiting]) one.lose(error);
  };

  /** Publishes the question and resolves with how its wait ended, how long it took and when (our clock) it ended. */
  ask(session: Session, { kind, request, at }: Question): Promise<{ settled: Settled; ms: number; arrivedAt: number }> {
    return new Promise((resolve) => {
      const tally = new SeenTally();
      const started = performance.now();
      let timer: NodeJS.Timeout | undefined;
      const take = (message: IncomingMessage) => {
        if (message.topic !== at.responseTopic) return;
        const classified = classifyResponse(kind, message.payload, request.id, { retained: message.retained });
        if (classified.kind === 'foreign') tally.add(classified.about);
        else finish(againstRequest(classified, request, kind));
      };
      const abort = () => finish({ kind: 'failed', error: new InterruptedError('interrupted', this.signal.reason) });
      const waiting: Waiting = { take, lose: (error) => finish({ kind: 'failed', error }) };
      const finish = (settled: Settled) => {
        if (!this.waiting.delete(waiting)) return;
        clearTimeout(timer);
        this.signal.removeEventListener('abort', abort);
        resolve({ settled, ms: performance.now() - started, arrivedAt: Date.now() });
      };
      this.waiting.add(waiting);
      if (this.signal.aborted) return abort();
      if (this.lost !== undefined) return waiting.lose(this.lost);
      this.signal.addEventListener('abort', abort, { once: true });
      timer = setTimeout(() => finish({ kind: 'failed', error: new TimeoutError(silence(tally.seen, awaitedAt(kind, at, this.broker), this.timeoutMs / 1000, publishedFate(false))) }), this.timeoutMs);
      session.publish(at.requestTopic, JSON.stringify(request), (error) => error && finish({ kind: 'failed', error }));
    });
  }
}

/** One station's checks after the broker's: the service, then a round trip, then the clock its answer shows. */
async function stationChecks(session: Session, answers: Answers, target: Target): Promise<Check[]> {
  const status = await answers.ask(session, target.status);
  const warning = status.settled.kind === 'answer' ? target.status.kind.answerWarnings?.(status.settled.response)[0] : undefined;
  const service = serviceCheck(status.settled, warning);
  if (status.settled.kind === 'failed' && status.settled.error instanceof InterruptedError) return [service];
  const trip = await answers.ask(session, target.schedule);
  const roundTrip = roundTripCheck(trip.settled, trip.ms, { evse: target.evse, responseTopic: target.schedule.at.responseTopic });
  return [service, roundTrip, clockCheck(trip.settled, trip.arrivedAt)];
}

/** The first broker that takes the connection, subscribed to the stations' answer topics; or why none did. Many
 * stations: the settings' topics with a wildcard for {station}, once, rather than two subscriptions per station. */
async function openDoctorSession(connection: Connection, subscriptions: readonly string[], answers: Answers, ctx: RequestContext): Promise<{ session: Session; url: string } | { error: ConnectionError }> {
  const { openSession } = await import('../transport/session.js');
  const sessionOptions = { responseTopic: undefined, qos: connection.qos, ackTimeoutMs: connection.timeoutMs, onMessage: answers.onMessage, signal: ctx.signal, log: (line: string) => ctx.output.debug(line) };
  try {
    let url = connection.connect.url;
    const session = await firstAccepting(
      connection.brokers,
      (i) => openSession({ ...connection.connect, url: (url = connection.brokers[i]!) }, sessionOptions),
      (message) => ctx.output.warn(message),
    );
    answers.broker = redactUrl(url);
    session.lost.catch(answers.onLost);
    try {
      await session.subscribe(subscriptions);
    } catch (err) {
      await session.close();
      throw err;
    }
    return { session, url };
  } catch (err) {
    if (err instanceof ConnectionError) return { error: advised(err) };
    throw err;
  }
}

/** What was found of the broker, once the session is open. */
function brokerFound(connect: Connection['connect'], session: Session): Check {
  const url = new URL(connect.url);
  const username = connect.username ?? (url.username ? decodeURIComponent(url.username) : undefined);
  return brokerCheck({
    broker: redactUrl(connect.url),
    tls: url.protocol === 'mqtts:' || url.protocol === 'wss:',
    ...(session.certificate === undefined ? {} : { certificate: session.certificate }),
    insecure: connect.insecure,
    ...(username === undefined ? {} : { username }),
    mqttVersion: connect.protocolVersion === 5 ? '5' : '3.1.1',
    now: Date.now(),
  });
}

/** Each station's checks, AT_ONCE at a time, shown in input order as soon as those before them are. */
async function checkStations(session: Session, answers: Answers, targets: readonly Target[], show: (target: Target, checks: Check[]) => void): Promise<Check[][]> {
  const done: (Check[] | undefined)[] = [];
  let shown = 0;
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      done[i] = await stationChecks(session, answers, targets[i]!);
      for (; done[shown] !== undefined; shown++) show(targets[shown]!, done[shown]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(AT_ONCE, targets.length) }, worker));
  return done as Check[][];
}

export async function runDoctor(options: DoctorOptions, flags: ConnectionFlags, ctx: RequestContext): Promise<Ending> {
  const { output } = ctx;
  const kinds = { status: await kindOf('status'), schedule: await kindOf('schedule') };
  const settings = checkConnectionFlags(flags);
  const { targets, answerTopics } = await targetsOf(options, flags, settings, kinds, ctx);
  const fleet = options.input !== undefined;
  const connection = await connectionFor(flags, settings, ctx);
  const answers = new Answers(connection.timeoutMs, ctx.signal);
  const perStation = [...new Set(targets.flatMap((target) => [target.status.at.responseTopic, target.schedule.at.responseTopic]))];
  const opened = await openDoctorSession(connection, fleet ? [...new Set(answerTopics.map(subscriptionOf))] : perStation, answers, ctx);
  if ('error' in opened) {
    showCheck(output, brokerFailed(redactUrl(connection.connect.url), opened.error.message));
    for (const name of ['service', 'round_trip', 'clock'] as const) showCheck(output, skipped(name, 'no broker took the connection'));
    return { error: opened.error };
  }
  const { session } = opened;
  const connected = { ...connection.connect, url: opened.url };
  try {
    const broker = brokerFound(connected, session);
    showCheck(output, broker);
    const results = await checkStations(session, answers, targets, (target, checks) => (fleet ? showStation(output, target.station!, checks) : checks.forEach((one) => showCheck(output, one))));
    if (fleet) showDoctorSummary(output, results.map(worstOf));
    return endingOf([broker, ...results.flat()], ctx.signal);
  } finally {
    await session.close();
  }
}

/** Interrupted: 130 (143); a check failed: 1; else 0, warnings and all. */
function endingOf(checks: readonly Check[], signal: AbortSignal): Ending {
  if (signal.aborted) return { error: new InterruptedError('interrupted', signal.reason) };
  const failed = checks.filter((one) => one.status === 'fail').length;
  return failed === 0 ? {} : { error: new CheckFailedError(`${failed} check${failed === 1 ? '' : 's'} failed`) };
}
