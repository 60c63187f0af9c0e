/**
 * A message command's --input <file|->, e.g. `scp clear --input ids.txt`: one request per input line over one MQTT connection, up to --concurrency in flight,
 * exactly one result per request line, in input order unless --unordered. Memory stays bounded: lines are read
 * only while fewer than `window` results are unprinted, and printing waits for stdout to drain.
 */
import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { ConnectionError, InterruptedError, UsageError, type Ending } from '../core/errors.js';
import type { RequestFlags } from './send.js';
import { longFlag, refuseUnmet } from '../options.js';
import { streamHeapFlags } from './stream-heap.js';
import { againstRequest, classifyAgainst, type Classified } from '../core/response.js';
import { printable } from '../output/plain.js';
import { REQUEST_FATE, type ResultRecord, type StreamOutcome, type Verdict } from '../core/outcome.js';
import { CHECK_ID, messageTopics, parseInputLine, requestEnvelope, topicFlags, type Envelope, type MessageKind, type Verifier } from '../messages/kind.js';

/** --verify in a stream: the message's verifier, the message its question is, and verify.ts (loaded only then). */
type Verify = { verifier: Verifier; kind: MessageKind; lib: typeof import('./verify.js') };
import type { Output, StreamPrinter, StreamRecord } from '../output/render.js';
import { showStreamSummary, streamPrinter } from '../output/stream.js';
import { checkConnectionFlags, resolveConnection, type ConnectionFlags } from '../connection.js';
import { parseConcurrency, redactUrl } from '../core/settings.js';
import { isTemplate, stationTopics, subscriptionOf } from '../core/fleet.js';
import type { Lane } from './lane.js';
import { Sessions } from './sessions.js';
import { openInput, type StreamContext, type StreamFlags } from './input.js';

export type { StreamContext, StreamFlags };

interface Waiting {
  index: number;
  line: number;
  input: string;
  request: Envelope<'request'>;
  /** Where it went: the next question of --verify goes the same way. */
  requestTopic: string;
  /**
   * --verify: the request was accepted (`answer`), and now the question (`asked`, of `kind`) waits in its place,
   * under the question's id.
   */
  follow?: { kind: MessageKind; asked: Envelope<'request'>; answer: Envelope<'response'> };
  /** The session it went out on. */
  lane: Lane;
  /** The broker it was published to, and (topics naming {station}) its station and the topic its answer must come on. */
  broker: string;
  station?: string;
  responseTopic?: string;
  started: number;
  /** When its --timeout runs out, once the broker has it (acked); see `deadlines`. */
  deadline: number;
  acked: boolean;
  settled: boolean;
}

/**
 * The timeouts of a stream, all of one length, in one queue with one timer: requests are acknowledged in about the
 * order they were sent, so the queue is in deadline order, and a timer per request (tens of thousands of timer
 * objects) is not needed. Settled requests are dropped when they reach the head.
 */
class Deadlines {
  private queue: Waiting[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly now: () => number,
    private readonly expire: (w: Waiting) => void,
  ) {}

  add(w: Waiting): void {
    this.queue.push(w);
    // Answered requests leave from the head as new ones come in, so the queue holds about what is in flight.
    this.drop();
    if (!this.timer) this.arm();
  }

  private drop(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.settled) this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  private arm(): void {
    this.drop();
    const first = this.queue[this.head];
    if (!first) {
      this.timer = undefined;
      return;
    }
    this.timer = setTimeout(() => this.sweep(), Math.max(0, first.deadline - this.now()));
  }

  private sweep(): void {
    const now = this.now();
    // Deadlines can be out of order by the spread of acknowledgement times; each is checked on its own.
    while (this.head < this.queue.length) {
      const w = this.queue[this.head]!;
      if (!w.settled && w.deadline > now) break;
      this.head++;
      if (!w.settled) this.expire(w);
    }
    this.arm();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
    this.head = 0;
  }
}

async function countLines(path: string): Promise<number | undefined> {
  let count = 0;
  try {
    for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) count++;
    }
  } catch {
    return undefined;
  }
  return count;
}

type Connection = Awaited<ReturnType<typeof resolveConnection>>;
type OpenSession = typeof import('../transport/session.js').openSession;
type Topics = { requestTopic: string; responseTopic: string; station?: string };

/**
 * One stream's requests in flight, over its sessions (sessions.ts): what is waiting, what each line became, and its
 * timeouts. The driver (`runStream`) reads the lines and asks it for room and a session.
 */
class RequestStream {
  readonly started = performance.now();
  readonly outcomes = new Map<StreamOutcome, number>();
  readonly printer: StreamPrinter;
  stopping: InterruptedError | undefined;
  readonly sessions: Sessions;
  private readonly waiting = new Map<string, Waiting>();
  private readonly deadlines: Deadlines;
  private done = 0;
  private wake: () => void = () => undefined;
  /** Where the topics name {station}: lines go to their station, answers are told apart by topic. */
  private readonly templated: boolean;
  /** The brokers as records name them (a password in a URL left out), worked out once, not per request. */
  private readonly brokerNames: readonly string[];
  /** --verify: the message's verifier and the message its question is, loaded before the first line. */
  readonly verify: Verify | undefined;

  constructor(
    readonly kind: MessageKind,
    private readonly output: Output,
    readonly connection: Connection,
    private readonly concurrency: number,
    private readonly total: number | undefined,
    { ordered, connections, openSession, signal, verify }: { ordered: boolean; connections: number; openSession: OpenSession; signal: AbortSignal; verify?: Verify },
  ) {
    this.verify = verify;
    this.printer = streamPrinter(output, { ordered, window: Math.max(4 * concurrency, 1024), kind });
    this.printer.onDrain(() => this.wake());
    this.templated = isTemplate(connection.requestTopic);
    this.brokerNames = connection.brokers.map(redactUrl);
    this.deadlines = new Deadlines(
      () => performance.now(),
      (w) => this.settle(w, 'timeout', null, `no matching response within ${connection.timeoutMs / 1000} s: ${REQUEST_FATE.published}`),
    );
    this.sessions = new Sessions(connections, this.templated ? subscriptionOf(connection.responseTopic) : connection.responseTopic, {
      connection,
      brokerNames: this.brokerNames,
      openSession,
      onMessage: (message) => this.onMessage(message),
      lostOn: (lane, all, err) => this.lostOn(lane, all, err),
      changed: () => this.wake(),
      over: () => this.over,
      warn: (message) => output.warn(message),
      debug: (line) => output.debug(line),
      signal,
    });
  }

  /** Stopped by a signal, or nobody reads the results any more: read no further. */
  get over(): boolean {
    return this.stopping !== undefined || this.printer.closed;
  }

  finish(index: number, record: StreamRecord): void {
    this.outcomes.set(record.outcome, (this.outcomes.get(record.outcome) ?? 0) + 1);
    this.done++;
    this.printer.put(index, record);
    // A progress line only for a terminal: no clock read per request otherwise.
    if (this.output.showsProgress) this.output.progress(this.done, this.total, performance.now() - this.started);
    this.wake();
  }

  /** What an answer is worth a warning about (an API version scp does not follow), once per stream, not per line. */
  private readonly warned = new Set<string>();
  private warnOnce(response: Envelope<'response'>): void {
    for (const warning of this.kind.answerWarnings?.(response) ?? []) {
      if (this.warned.has(warning)) continue;
      this.warned.add(warning);
      // The words carry what the service sent (its version): escaped, as everything from the broker.
      this.output.warn(printable(warning));
    }
  }

  private settle(w: Waiting, outcome: StreamOutcome, response: ResultRecord['response'], error?: string, verdict?: Verdict): void {
    w.settled = true;
    w.lane.inFlight--;
    this.waiting.delete(w.follow?.asked.id ?? w.request.id);
    // A verification that could not finish: the request's own answer stands, with why there is no verdict.
    if (w.follow && verdict === undefined) {
      verdict = this.verify!.lib.unverified(w.follow.asked, error ?? outcome);
      error = this.verify!.lib.notVerified(error ?? outcome);
      response = w.follow.answer;
    }
    const elapsed = Math.round(performance.now() - w.started);
    const where = { broker: w.broker, ...(w.station === undefined ? {} : { station: w.station }) };
    // Fields in the documented order: error right after the outcome.
    const record: StreamRecord = { request: w.request, response, outcome, ...(error === undefined ? {} : { error }), elapsed_ms: elapsed, ...where, line: w.line, input: w.input };
    this.finish(w.index, verdict === undefined ? record : { ...record, verify: verdict });
  }

  /** --verify: the accepted request's question goes out the same way, and waits in its place; undefined: nothing to ask. */
  private follow(w: Waiting, answer: Envelope<'response'>): void {
    const { verifier, kind, lib } = this.verify!;
    const asked = lib.questionOf(verifier, kind, w.request, randomUUID);
    if (asked === undefined) return this.settle(w, 'not_in_force', answer, undefined, lib.OVER);
    if (!w.lane.session) return this.settle(w, 'error', answer, lib.notVerified(this.sessions.unsendable()), lib.unverified(asked, 'not sent'));
    this.waiting.delete(w.request.id);
    w.follow = { kind, asked, answer };
    w.acked = false;
    this.waiting.set(asked.id, w);
    this.publish(w, asked);
  }

  /** The question's answer: the verdict on the request, its own answer kept as the record's response. */
  private verified(w: Waiting, classified: Exclude<Classified, { kind: 'foreign' }>): void {
    const { answer } = w.follow!;
    if (classified.kind !== 'answer') return this.settle(w, 'invalid_response', answer, `invalid composite schedule: ${classified.problems.join('; ')}`);
    const { verdict, outcome } = this.verify!.lib.judged(this.verify!.verifier, w.request, w.follow!.asked, classified.response);
    this.settle(w, outcome, answer, undefined, verdict);
  }

  /** Room for one more request: fewer than `concurrency` waiting and the printer not too far behind. */
  room(): boolean {
    return this.waiting.size < this.concurrency && this.printer.pending < this.printer.window;
  }

  /** Resolves once `ready()` holds, or the stream is over; re-checked whenever something settles, drains or connects. */
  until(ready: () => boolean): Promise<void> {
    if (ready() || this.over) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wake = () => {
        if (ready() || this.over) {
          this.wake = () => undefined;
          resolve();
        }
      };
    });
  }

  private onMessage(message: { payload: Buffer; retained: boolean; topic: string }): void {
    // Our id is ours only on its station's topic: another station's answer with a copied id is someone else's.
    // The message a waiting request is: the stream's, or --verify's question.
    const messageOf = (id: unknown) => {
      const w = typeof id === 'string' ? this.waiting.get(id) : undefined;
      return w !== undefined && (w.responseTopic === undefined || w.responseTopic === message.topic) ? (w.follow?.kind ?? this.kind) : undefined;
    };
    const found = classifyAgainst(message.payload, messageOf, { retained: message.retained });
    if (found.kind === 'foreign') {
      if (this.output.verbose) this.output.debug(`ignored message on ${message.topic} (${found.reason}): ${message.payload.toString('utf8')}`);
      return;
    }
    const id = found.kind === 'answer' ? found.response.id : (found.envelope.id as string);
    const w = this.waiting.get(id)!;
    if (w.follow) return this.verified(w, againstRequest(found, w.follow.asked, w.follow.kind));
    const classified = againstRequest(found, w.request, this.kind);
    if (classified.kind !== 'answer') return this.settle(w, 'invalid_response', classified.envelope, `invalid response: ${classified.problems.join('; ')}`);
    this.warnOnce(classified.response);
    const outcome = this.kind.summarize(classified.response).outcome;
    if (this.verify && outcome === 'accepted') this.follow(w, classified.response);
    else this.settle(w, outcome, classified.response);
  }

  /** Waits until a session receives the answers; undefined when every session has given up or the stream is over. */
  async prepare(): Promise<Lane | undefined> {
    await this.until(() => this.sessions.ready());
    return this.over ? undefined : this.sessions.laneFor();
  }

  /** What every session's loss settles: what it had in flight, or (`all`: it held the subscription) everything. */
  private lostOn(lane: Lane, all: boolean, err: ConnectionError): void {
    for (const w of [...this.waiting.values()]) {
      if (all || w.lane === lane) this.settle(w, 'timeout', null, `${err.message}: ${w.acked ? REQUEST_FATE.published : REQUEST_FATE.publishing}`);
    }
  }

  /**
   * Sends one request line's data to its topics (its station's, where the topics name {station}) on `lane`, or
   * records why it could not be sent (no lane: the connection is gone for good, or the station's topic refused).
   */
  send(index: number, line: number, text: string, data: object, topics: Topics, lane: Lane | undefined): void {
    if (!lane?.session) {
      const error = `not sent: ${this.sessions.unsendable()}`;
      this.finish(index, { request: null, response: null, outcome: 'error', error, elapsed_ms: 0, line, input: text });
      return;
    }
    const request = requestEnvelope(this.kind, data, randomUUID());
    const w: Waiting = {
      index,
      line,
      input: text,
      request,
      requestTopic: topics.requestTopic,
      lane,
      broker: this.brokerNames[lane.brokerIndex]!,
      ...(topics.station === undefined ? {} : { station: topics.station, responseTopic: topics.responseTopic }),
      started: performance.now(),
      deadline: 0,
      acked: false,
      settled: false,
    };
    this.waiting.set(request.id, w);
    lane.inFlight++;
    this.publish(w, request);
  }

  /** Publishes a waiting request (or --verify's question) on its lane; its timeout starts once the broker has it. */
  private publish(w: Waiting, request: Envelope<'request'>): void {
    w.lane.session!.publish(w.requestTopic, JSON.stringify(request), (error) => {
      // A failed publish means the connection went; the lane reports it with the rest. One that is no longer waited
      // for (answered already, or the stream is over) must not start a timeout that keeps the process alive.
      if (error || this.waiting.get(request.id) !== w) return;
      w.acked = true;
      w.deadline = performance.now() + this.connection.timeoutMs;
      this.deadlines.add(w);
    });
  }

  /** Every request sent gets its answer, its timeout, or its share of a lost connection; a stop settles the rest. */
  async drain(): Promise<void> {
    await this.until(() => this.waiting.size === 0);
    if (this.stopping) {
      for (const w of [...this.waiting.values()]) this.settle(w, 'error', null, `${this.stopping.message}: ${REQUEST_FATE.published}`);
    }
  }

  stop(reason: unknown): void {
    this.stopping = new InterruptedError('interrupted', reason);
    this.wake();
  }

  async close(): Promise<void> {
    // Forget what is still waiting (only when nobody reads the results any more): a PUBACK that arrives while we
    // close must not start a timeout that keeps the process alive. Closing a lane stops its reconnecting too.
    this.deadlines.clear();
    this.waiting.clear();
    await this.sessions.close();
    await this.printer.end();
    this.output.clearProgress();
  }
}

/** Reads the lines and hands each on, waiting for room first; returns when the input ends or the stream is over. */
async function readLines(stream: RequestStream, lines: AsyncIterable<string>): Promise<void> {
  let next = 0; // index of the next record: one per request line, in input order
  let lineNo = 0;
  for await (const text of lines) {
    lineNo++;
    if (stream.over) break;
    const parsed = parseInputLine(stream.kind, text);
    if (parsed.kind === 'skip') continue;
    // Room first, for every line: an invalid line's record waits in the printer behind a slow answer like any
    // other, so without this a long run of bad lines after a slow request would all be held in memory.
    // Awaited only when there is something to wait for: an await per line is a promise per line.
    if (!stream.room()) await stream.until(() => stream.room());
    if (stream.over) break;
    const index = next++;
    // A line --verify could not check is refused as the line's own problem (a station-wide TxDefaultProfile).
    const refusal = parsed.kind === 'invalid' ? parsed.reason : stream.verify?.verifier.refuse(requestEnvelope(stream.kind, parsed.data, CHECK_ID));
    if (parsed.kind === 'invalid' || refusal !== undefined) {
      stream.finish(index, { request: null, response: null, outcome: 'invalid_input', error: refusal!, elapsed_ms: 0, line: lineNo, input: text });
      continue;
    }
    // A line names its station, or --station does for every line; refused as the line's own problem.
    let topics;
    try {
      topics = stationTopics(stream.connection, parsed.station ?? stream.connection.station, parsed.station === undefined ? 'station (or --station)' : 'station', topicFlags(stream.kind));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      stream.finish(index, { request: null, response: null, outcome: 'invalid_input', error: err.message, elapsed_ms: 0, line: lineNo, input: text });
      continue;
    }
    // Awaited only while no session receives the answers (reconnecting): a promise per line is what this loop avoids.
    const lane = stream.sessions.laneFor() ?? (await stream.prepare());
    if (stream.over) break;
    stream.send(index, lineNo, text, parsed.data, topics, lane);
  }
}

/** What says what to send, and --dry-run, make no sense beside --input: the requests come from the lines. */
export function checkAlone(kind: MessageKind, flags: StreamFlags & RequestFlags): void {
  // --dry-run and --watch are about one request: not for many.
  const single = (key: 'dryRun' | 'watch') => ((flags as Record<string, unknown>)[key] ? kind.options.filter((spec) => spec.key === key) : []);
  const conflicting = [...kind.options.filter((spec) => spec.selects && flags[spec.key] !== undefined), ...single('dryRun'), ...single('watch')];
  if (conflicting.length > 0) {
    throw new UsageError(`--input: cannot be combined with ${longFlag(conflicting[0]!)}; the requests come from the input lines`);
  }
}

export async function runStream(kind: MessageKind, flags: StreamFlags & RequestFlags, connectionFlags: ConnectionFlags, ctx: StreamContext): Promise<Ending> {
  const { output, signal } = ctx;
  checkAlone(kind, flags);
  refuseUnmet(kind.options, flags);
  if (flags.offline) return (await import('./offline-stream.js')).runOfflineStream(kind, flags, ctx);
  const concurrency = parseConcurrency(flags.concurrency);
  // The message's own topics (service_status: the station's general ones) in the Smart Charging pair's place.
  const connection = await resolveConnection(connectionFlags, ctx.env, (message) => output.warn(message), messageTopics(kind, checkConnectionFlags(connectionFlags)));
  const input = await openInput(flags.input, ctx.stdin);
  const total = flags.input !== '-' && output.showsProgress ? await countLines(flags.input) : undefined;

  const { openSession } = await import('../transport/session.js');
  for (const flag of streamHeapFlags([...process.execArgv, ...(ctx.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)])) setFlagsFromString(flag);
  const verifier = flags.verify ? await kind.verify?.() : undefined;
  const verify = verifier ? { verifier, kind: await verifier.asks(), lib: await import('./verify.js') } : undefined;
  const stream = new RequestStream(kind, output, connection, concurrency, total, { ordered: !flags.unordered, connections: connection.connections, openSession, signal, ...(verify ? { verify } : {}) });
  await stream.sessions.open();
  const lines = createInterface({ input, crlfDelay: Infinity });
  const onAbort = () => {
    stream.stop(signal.reason);
    lines.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await readLines(stream, lines);
    await stream.drain();
  } finally {
    // Stopped early (Ctrl-C, or nobody reads stdout any more): stop reading too, or an open stdin keeps us alive.
    if (stream.over) (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    signal.removeEventListener('abort', onAbort);
    await stream.close();
  }

  if (!stream.printer.closed) showStreamSummary(output, stream.outcomes, performance.now() - stream.started);
  return { outcomes: stream.outcomes.keys(), error: stream.stopping };
}
