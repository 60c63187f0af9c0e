/**
 * Correlate, for a stream over MQTT: the requests waiting for their answers, by id; their deadlines; the answers
 * matched to them (by id, and on their own station's topic); and each one settled, through the one judgement of
 * core/result.ts, into its line's record. The session pool (transport/pool.ts) carries the requests and reports the
 * ids a lost session took; a step's follow-up question goes out on the same session and waits in the request's place.
 */
import { randomUUID } from 'node:crypto';
import { setFlagsFromString } from 'node:v8';
import { ConnectionError, InterruptedError, TimeoutError, UsageError } from '../core/errors.js';
import { isTemplate, stationTopics, subscriptionOf } from '../core/fleet.js';
import { REQUEST_FATE, publishedFate } from '../core/outcome.js';
import { SeenTally, streamSilence, type Seen } from '../core/silence.js';
import { againstRequest, classifyAgainst } from '../core/response.js';
import { lineRecordOf, resultOf, type Result, type Settled } from '../core/result.js';
import { redactUrl } from '../core/settings.js';
import { awaitedAt, requestEnvelope, topicFlags, type Envelope, type MessageKind } from '../messages/kind.js';
import type { Output } from '../output/render.js';
import { advising } from '../connection/advice.js';
import { clientIdFor, type Connection } from '../connection/settings.js';
import type { IncomingMessage } from '../transport/client.js';
import { ROUND_PAUSE_MS, sessionKeepsTrying } from '../transport/failover.js';
import { SessionPool, type SessionAt } from '../transport/pool.js';
import type { Carrier, LineRequest, Sink } from './carrier.js';
import { Deadlines } from './deadlines.js';
import type { FollowUp, Steps } from './steps.js';
import { streamHeapFlags } from './stream-heap.js';

type OpenSession = typeof import('../transport/session.js').openSession;

/** Where a line's request goes: its topics (its station's, where they name {station}). */
interface LineRoute {
  requestTopic: string;
  responseTopic: string;
  station?: string;
}

/** A request sent, until it settles. */
interface Waiting {
  line: LineRequest;
  /** Its topics: its station's, where they name {station}. */
  route: LineRoute;
  request: Envelope<'request'>;
  /** A step's follow-up question, waiting in the request's place under its own id once the request is answered. */
  follow?: { next: FollowUp; kind: MessageKind; asked: Envelope<'request'> };
  /** Where it was published: the broker, as records name it. */
  source: { broker: string } | undefined;
  started: number;
  /** When its --timeout runs out, once the broker has it (acked); see Deadlines. */
  deadline: number;
  acked: boolean;
  settled: boolean;
}

export class Correlator implements Carrier {
  private readonly waitingFor = new Map<string, Waiting>();
  private readonly deadlines: Deadlines<Waiting>;
  private readonly pool: SessionPool;
  /** Where the topics name {station}: lines go to their station, answers are told apart by topic. */
  private readonly templated: boolean;
  /** The brokers as records name them (a password in a URL left out), and a record's `source` for each, made once,
   * not per request. */
  private readonly brokerNames: readonly string[];
  private readonly sources: ReadonlyArray<{ broker: string }>;
  /** What a published request without an answer means for this message (core/outcome.ts publishedFate). */
  private readonly unanswered: string;
  /** What came on the response topic that answered nothing, and how many requests timed out: the afterword. */
  private readonly tally = new SeenTally();
  private timedOut = 0;

  private constructor(
    private readonly kind: MessageKind,
    private readonly connection: Connection,
    private readonly steps: Steps,
    private readonly sink: Sink,
    private readonly output: Output,
    signal: AbortSignal,
    openSession: OpenSession,
  ) {
    this.templated = isTemplate(connection.requestTopic);
    this.brokerNames = connection.brokers.map(redactUrl);
    this.sources = this.brokerNames.map((broker) => ({ broker }));
    this.unanswered = publishedFate(kind.changes);
    this.deadlines = new Deadlines(
      () => performance.now(),
      (w) => this.expire(w),
    );
    this.pool = new SessionPool({
      size: connection.connections,
      brokers: this.brokerNames,
      subscription: this.templated ? subscriptionOf(connection.responseTopic) : connection.responseTopic,
      open: (at) => this.openSession(openSession, at),
      keepTrying: sessionKeepsTrying(connection.brokers.length),
      pauseMs: ROUND_PAUSE_MS,
      lost: (ids, err) => this.lost(ids, err),
      changed: () => sink.wake(),
      warn: (message) => output.warn(message),
      signal,
    });
  }

  /** MQTT.js loaded, the stream's heap settings, and the pool opened: a stream fails only if no session could open. */
  static async open(kind: MessageKind, connection: Connection, steps: Steps, sink: Sink, ctx: { output: Output; signal: AbortSignal; env: NodeJS.ProcessEnv }): Promise<Correlator> {
    const { openSession } = await import('../transport/session.js');
    for (const flag of streamHeapFlags([...process.execArgv, ...(ctx.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)])) setFlagsFromString(flag);
    const correlator = new Correlator(kind, connection, steps, sink, ctx.output, ctx.signal, openSession);
    await correlator.pool.open();
    return correlator;
  }

  /** A session of the pool: its client id, its log lines, answers to `onMessage`, advice on failure. */
  private openSession(openSession: OpenSession, at: SessionAt) {
    const { connection, output } = this;
    const sessions = connection.connections;
    return advising(
      openSession(
        { ...connection.connect, url: connection.brokers[at.broker]!, clientId: clientIdFor(connection, at.session, at.again || at.session !== 1) },
        {
          responseTopic: at.subscription,
          qos: connection.qos,
          ackTimeoutMs: connection.timeoutMs,
          onMessage: (message) => this.onMessage(message),
          signal: at.signal,
          log: (line) => output.debug(sessions > 1 ? `session ${at.session}: ${line}` : line),
        },
      ),
    );
  }

  get waiting(): number {
    return this.waitingFor.size;
  }

  ready(): boolean {
    return this.pool.ready();
  }

  /** Where a line goes: its station's topics (the line names its station, or --station does for every line); the
   * same for every line that names none, worked out once. */
  private route(station: string | undefined): LineRoute {
    const { connection } = this;
    if (station === undefined && this.everyLine !== undefined) return this.everyLine;
    const route = stationTopics(connection, station ?? connection.station, station === undefined ? 'station (or --station)' : 'station', topicFlags(this.kind));
    if (station === undefined) this.everyLine = route;
    return route;
  }

  /** The route of a line that names no station, once one has gone. */
  private everyLine: LineRoute | undefined;

  /** Sends a line's request on the pool, or records why it could not be sent (every session gave up); a station the
   * topics cannot take is the line's own problem. */
  send(line: LineRequest): string | undefined {
    let route: LineRoute;
    try {
      route = this.route(line.station);
    } catch (err) {
      if (err instanceof UsageError) return err.message;
      throw err;
    }
    const request = requestEnvelope(this.kind, line.data, randomUUID());
    const w: Waiting = { line, route, request, source: undefined, started: performance.now(), deadline: 0, acked: false, settled: false };
    // Waiting before it is published: its acknowledgement finds it.
    this.waitingFor.set(request.id, w);
    const broker = this.pool.send(request.id, route.requestTopic, JSON.stringify(request), this.acked(w, request.id), this.steps.publishes ? (at) => this.publishing(request, line, route, at) : undefined);
    if (broker === undefined) {
      this.waitingFor.delete(request.id);
      this.sink.finish(line.index, lineRecordOf(null, resultOf(this.kind, this.notSent(), 'line'), { elapsedMs: 0, source: {} }, line));
      return undefined;
    }
    w.source = this.sources[broker];
    return undefined;
  }

  /** The steps that write as requests go are told where this one goes, before it is published. */
  private publishing(request: Envelope<'request'>, line: LineRequest, route: LineRoute, broker: number): void {
    this.steps.publishing(request, { broker: this.brokerNames[broker]!, ...(route.station === undefined ? {} : { station: route.station }), line: line.line, input: line.input });
  }

  /** Once the broker has a request (or a follow-up), its timeout starts; one no longer waited for starts none, which
   * would keep the process alive. A failed publish means the connection went: the pool reports it with the rest. */
  private acked(w: Waiting, id: string) {
    return (error?: Error) => {
      if (error || this.waitingFor.get(id) !== w) return;
      w.acked = true;
      w.deadline = performance.now() + this.connection.timeoutMs;
      this.deadlines.add(w);
    };
  }

  private onMessage(message: IncomingMessage): void {
    // Our id is ours only on its station's topic: another station's answer with a copied id is someone else's.
    // The message a waiting request is: the stream's, or a follow-up question's.
    const messageOf = (id: unknown) => {
      const w = typeof id === 'string' ? this.waitingFor.get(id) : undefined;
      return w !== undefined && (w.route.station === undefined || w.route.responseTopic === message.topic) ? (w.follow?.kind ?? this.kind) : undefined;
    };
    const found = classifyAgainst(message.payload, messageOf, { retained: message.retained });
    if (found.kind === 'foreign') {
      this.tally.add(found.about);
      if (this.output.verbose) this.output.debug(`ignored message on ${message.topic} (${found.reason}): ${message.payload.toString('utf8')}`);
      return;
    }
    const id = found.kind === 'answer' ? found.response.id : (found.envelope.id as string);
    const w = this.waitingFor.get(id)!;
    if (w.follow) return this.settle(w, againstRequest(found, w.follow.asked, w.follow.kind));
    const decided = againstRequest(found, w.request, this.kind);
    if (decided.kind === 'answer') this.sink.warnOnce(decided.response);
    const result = resultOf(this.kind, decided, 'line');
    const next = this.steps.followUp(w.request, result);
    if (next === undefined) return this.finish(w, result);
    this.followUp(w, next);
  }

  /** A step's follow-up: its question goes out on the request's session and waits in its place (or is judged at once). */
  private followUp(w: Waiting, next: FollowUp): void {
    if (next.question === undefined) {
      const judged = next.judge(undefined, 'line');
      return this.finish(w, judged.result, judged.extra);
    }
    const { kind, request: asked } = next.question;
    const from = w.request.id;
    w.follow = { next, kind, asked };
    w.acked = false;
    this.waitingFor.delete(from);
    this.waitingFor.set(asked.id, w);
    const broker = this.pool.sendAfter(from, asked.id, w.route.requestTopic, JSON.stringify(asked), this.acked(w, asked.id));
    if (broker === undefined) {
      // The request's session is gone: it is done, and the question was never sent.
      this.pool.done(from);
      this.settle(w, this.notSent());
    }
  }

  /** A wait ended: the request's result (or its follow-up's judgement), into the line's record; `seen`: what had come
   * on the response topic when it timed out. */
  private settle(w: Waiting, settled: Settled, seen?: Seen): void {
    if (!w.follow) return this.finish(w, resultOf(this.kind, settled, 'line'), undefined, seen);
    const judged = w.follow.next.judge(settled, 'line');
    this.finish(w, judged.result, judged.extra, seen);
  }

  private finish(w: Waiting, result: Result, extra?: Readonly<Record<string, unknown>>, seen?: Seen): void {
    w.settled = true;
    const id = w.follow?.asked.id ?? w.request.id;
    this.waitingFor.delete(id);
    this.pool.done(id);
    const source = seen === undefined ? w.source! : { ...w.source!, seen };
    const context = { elapsedMs: performance.now() - w.started, source, ...(w.route.station === undefined ? {} : { station: w.route.station }), ...(extra ? { extra } : {}) };
    this.sink.finish(w.line.index, lineRecordOf(w.request, result, context, w.line));
  }

  /** No answer before its --timeout: the line's record says what had come on the response topic by then. */
  private expire(w: Waiting): void {
    this.timedOut++;
    const error = new TimeoutError(`no matching response within ${this.connection.timeoutMs / 1000} s: ${this.unanswered}`);
    this.settle(w, { kind: 'failed', error }, { ...this.tally.seen });
  }

  /** What a lost session took: each request gets no answer; it is never resent (it may have been applied). */
  private lost(ids: readonly string[], err: ConnectionError): void {
    for (const id of ids) {
      const w = this.waitingFor.get(id);
      if (w === undefined || w.settled) continue;
      this.settle(w, { kind: 'failed', error: err.with({ fate: `: ${w.acked ? this.unanswered : REQUEST_FATE.publishing}` }) });
    }
  }

  stop(error: InterruptedError): void {
    for (const w of [...this.waitingFor.values()]) {
      this.settle(w, { kind: 'failed', error: new InterruptedError(`${error.message}: ${this.unanswered}`, error.signal) });
    }
  }

  afterword(): string | undefined {
    if (this.timedOut === 0) return undefined;
    const { connection } = this;
    return streamSilence(this.timedOut, this.tally.seen, awaitedAt(this.kind, connection, this.brokerNames.join(' or ')), connection.timeoutMs / 1000, this.unanswered);
  }

  /** Why a request (or a follow-up) could not be sent: every session gave up. */
  private notSent(): Settled {
    return { kind: 'failed', error: new ConnectionError(`not sent: ${this.pool.unsendable()}`) };
  }

  /** Forgets what still waits (only when nobody reads the records any more): a PUBACK that arrives while the pool
   * closes must not start a timeout that keeps the process alive. Closing the pool stops its reconnecting too. */
  async close(): Promise<void> {
    this.deadlines.clear();
    this.waitingFor.clear();
    await this.pool.close();
  }
}
