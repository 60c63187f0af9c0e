/**
 * A message command's --input <file|->, e.g. `scp clear --input ids.txt`: one request per input line over one MQTT connection, up to --concurrency in flight,
 * exactly one result per request line, in input order unless --unordered. Memory stays bounded: lines are read
 * only while fewer than `window` results are unprinted, and printing waits for stdout to drain.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { ConnectionError, InterruptedError, UsageError, worstExitCode } from '../errors.js';
import type { RequestFlags } from './send.js';
import { longFlag } from '../options.js';
import { streamHeapFlags, type StreamOutcome } from '../core/stream.js';
import { classifyAgainst } from '../core/response.js';
import { REQUEST_FATE, type ResultRecord } from '../core/outcome.js';
import { parseInputLine, requestEnvelope, type Envelope, type MessageKind } from '../messages/kind.js';
import type { Output, StreamPrinter, StreamRecord } from '../output/render.js';
import { advising, firstAccepting, resolveConnection, unreadable, type CommandContext, type ConnectionFlags } from '../connection.js';
import { parseConcurrency, redactUrl } from '../core/settings.js';
import type { Session } from '../transport/mqtt.js';
import { isTemplate, stationTopics, subscriptionOf } from '../core/fleet.js';

export interface StreamFlags {
  input: string;
  concurrency: string;
  unordered: boolean;
}

export interface StreamContext extends CommandContext {
  stdin: NodeJS.ReadableStream;
}

interface Waiting {
  index: number;
  line: number;
  input: string;
  request: Envelope<'request'>;
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

/**
 * How many rounds over the brokers a lost connection is re-established in before the rest of the stream is given up
 * (3 tries for one broker; 3 per node of a cluster), and the pause before each round: the next node is tried at once.
 */
const RECONNECTS = 3;
const RECONNECT_DELAY_MS = 500;
/**
 * With several brokers (a cluster), how long to keep going round them after a loss: the surviving nodes of a cluster
 * may refuse or stall new sessions until they have elected new leaders for what the lost node led (NATS JetStream
 * took from under a second to ~25 s here, test/cluster), which would use up a count of tries in no time.
 */
const FAILOVER_WINDOW_MS = 60_000;

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
type OpenSession = typeof import('../transport/mqtt.js').openSession;

/**
 * One stream's requests in flight, over one session: what is waiting, what each line became, and the connection
 * (lost, reported, re-established). The driver (`runStream`) reads the lines and asks it for room.
 */
class RequestStream {
  readonly started = performance.now();
  readonly outcomes = new Map<StreamOutcome, number>();
  readonly printer: StreamPrinter;
  stopping: InterruptedError | undefined;
  private readonly waiting = new Map<string, Waiting>();
  private readonly deadlines: Deadlines;
  private done = 0;
  private wake: () => void = () => undefined;
  private session: Session | undefined;
  /** The broker of `session`: an index into the connection's brokers. */
  private brokerIndex = 0;
  private connectionError: ConnectionError | undefined;
  /** Where the topics name {station}: lines go to their station, answers are told apart by topic. */
  private readonly templated: boolean;
  /** A session was opened before: a reconnection takes a fresh client id (see Connection.newClientId). */
  private everConnected = false;
  /** The brokers as records name them (a password in a URL left out), worked out once, not per request. */
  private readonly brokerNames: readonly string[];
  private reconnected: (() => void) | undefined;

  constructor(
    readonly kind: MessageKind,
    private readonly output: Output,
    readonly connection: Connection,
    private readonly concurrency: number,
    private readonly total: number | undefined,
    ordered: boolean,
  ) {
    this.printer = output.streamPrinter({ ordered, window: Math.max(4 * concurrency, 1024), kind });
    this.printer.onDrain(() => this.wake());
    this.templated = isTemplate(connection.requestTopic);
    this.brokerNames = connection.brokers.map(redactUrl);
    this.deadlines = new Deadlines(
      () => performance.now(),
      (w) => this.settle(w, 'timeout', null, `no matching response within ${connection.timeoutMs / 1000} s: ${REQUEST_FATE.published}`),
    );
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

  private settle(w: Waiting, outcome: StreamOutcome, response: ResultRecord['response'], error?: string): void {
    w.settled = true;
    this.waiting.delete(w.request.id);
    const elapsed = Math.round(performance.now() - w.started);
    const where = { broker: w.broker, ...(w.station === undefined ? {} : { station: w.station }) };
    this.finish(
      w.index,
      error === undefined
        ? { request: w.request, response, outcome, elapsed_ms: elapsed, ...where, line: w.line, input: w.input }
        : { request: w.request, response, outcome, error, elapsed_ms: elapsed, ...where, line: w.line, input: w.input },
    );
  }

  /** Room for one more request: fewer than `concurrency` waiting and the printer not too far behind. */
  room(): boolean {
    return this.waiting.size < this.concurrency && this.printer.pending < this.printer.window;
  }

  /** Resolves once `ready()` holds, or the stream is over; re-checked whenever something settles or drains. */
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
    const ours = (id: unknown) => {
      const w = typeof id === 'string' ? this.waiting.get(id) : undefined;
      return w !== undefined && (w.responseTopic === undefined || w.responseTopic === message.topic);
    };
    const classified = classifyAgainst(this.kind, message.payload, ours, { retained: message.retained });
    if (classified.kind === 'foreign') {
      if (this.output.verbose) this.output.debug(`ignored message on ${message.topic} (${classified.reason}): ${message.payload.toString('utf8')}`);
      return;
    }
    const id = classified.kind === 'answer' ? classified.response.id : (classified.envelope.id as string);
    const w = this.waiting.get(id)!;
    if (classified.kind === 'answer') this.settle(w, this.kind.summarize(classified.response).outcome, classified.response);
    else this.settle(w, 'invalid_response', classified.envelope, `invalid response: ${classified.problems.join('; ')}`);
  }

  /** A session on the broker at `index` (of the connection's brokers). */
  private connectTo(index: number, openSession: OpenSession, signal: AbortSignal): Promise<Session> {
    const { connection, output } = this;
    const clientId = this.session === undefined && this.everConnected && connection.newClientId ? connection.newClientId() : connection.connect.clientId;
    this.everConnected = true;
    return advising(openSession({ ...connection.connect, url: connection.brokers[index]!, clientId }, {
      // One subscription for every station's answers where the topics name {station}.
      responseTopic: this.templated ? subscriptionOf(connection.responseTopic) : connection.responseTopic,
      qos: connection.qos,
      ackTimeoutMs: connection.timeoutMs,
      onMessage: (message) => this.onMessage(message),
      signal,
      log: (line) => output.debug(line),
    }));
  }

  /** The first broker that accepts, in order; the last one's error if none does. */
  async open(openSession: OpenSession, signal: AbortSignal): Promise<void> {
    const session = await firstAccepting(
      this.connection.brokers,
      async (i) => {
        const opened = await this.connectTo(i, openSession, signal);
        this.brokerIndex = i;
        return opened;
      },
      (message) => this.output.warn(message),
    );
    this.session = session;
    this.watch(session, openSession, signal);
  }

  /** On a lost connection: every request in flight is reported (never resent: it may have been applied), then reconnect. */
  private watch(current: Session, openSession: OpenSession, signal: AbortSignal): void {
    current.lost.catch(async (err: ConnectionError) => {
      if (this.session !== current) return;
      this.session = undefined;
      for (const w of [...this.waiting.values()]) {
        this.settle(w, 'timeout', null, `${err.message}: ${w.acked ? REQUEST_FATE.published : REQUEST_FATE.publishing}`);
      }
      await current.close();
      const { brokers } = this.connection;
      const until = performance.now() + FAILOVER_WINDOW_MS;
      const more = (attempt: number) => attempt <= RECONNECTS * brokers.length || (brokers.length > 1 && performance.now() < until);
      for (let attempt = 1; more(attempt) && !this.over; attempt++) {
        // With one broker, a pause before each try; with a cluster, the next node at once, a pause before each round.
        if (brokers.length === 1 || attempt % brokers.length === 0) await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
        const index = (this.brokerIndex + attempt) % brokers.length;
        try {
          const fresh = await this.connectTo(index, openSession, signal);
          this.output.warn(
            brokers.length === 1
              ? `reconnected to the broker after losing the connection (attempt ${attempt})`
              : `reconnected to ${this.brokerNames[index]} after losing the connection to ${this.brokerNames[this.brokerIndex]} (attempt ${attempt})`,
          );
          this.brokerIndex = index;
          this.session = fresh;
          this.watch(fresh, openSession, signal);
          this.reconnected?.();
          return;
        } catch (retryErr) {
          this.connectionError = retryErr instanceof ConnectionError ? retryErr : err;
        }
      }
      this.connectionError ??= err;
      this.reconnected?.();
      this.wake();
    });
  }

  /** Between losing the connection and a new session (or giving up): sending waits for `untilConnected`. */
  get reconnecting(): boolean {
    return !this.session && !this.connectionError;
  }

  /** Resolves once a session is up again, or reconnecting has been given up (or the stream stopped). */
  untilConnected(): Promise<void> {
    if (!this.reconnecting) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.reconnected = () => {
        this.reconnected = undefined;
        resolve();
      };
    });
  }

  /**
   * Sends one request line's data to its topics (its station's, where the topics name {station}), or records why it
   * could not be sent (the connection is gone for good).
   */
  send(index: number, line: number, text: string, data: object, topics: { requestTopic: string; responseTopic: string; station?: string }): void {
    if (!this.session) {
      const error = `not sent: ${this.connectionError?.message ?? 'no connection to the broker'}`;
      this.finish(index, { request: null, response: null, outcome: 'error', error, elapsed_ms: 0, line, input: text });
      return;
    }
    const request = requestEnvelope(this.kind, data, randomUUID());
    const w: Waiting = {
      index,
      line,
      input: text,
      request,
      broker: this.brokerNames[this.brokerIndex]!,
      ...(topics.station === undefined ? {} : { station: topics.station, responseTopic: topics.responseTopic }),
      started: performance.now(),
      deadline: 0,
      acked: false,
      settled: false,
    };
    this.waiting.set(request.id, w);
    this.session.publish(topics.requestTopic, JSON.stringify(request), (error) => {
      // A failed publish means the connection went; `watch` reports it with the rest. One that is no longer waited
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
    this.reconnected?.();
  }

  async close(): Promise<void> {
    // Forget what is still waiting (only when nobody reads the results any more): a PUBACK that arrives while we
    // close must not start a timeout that keeps the process alive.
    this.deadlines.clear();
    this.waiting.clear();
    const current = this.session;
    this.session = undefined;
    await current?.close();
    await this.printer.end();
    this.output.clearProgress();
  }
}

/** The input: stdin for `-`, else the file, opened first so that a missing one is bad usage before anything connects. */
async function openInput(path: string, stdin: NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
  if (path === '-') return stdin;
  const handle = await fs.open(path).catch((err: unknown) => {
    throw unreadable('--input', path, err);
  });
  return handle.createReadStream();
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
    if (parsed.kind === 'invalid') {
      stream.finish(index, { request: null, response: null, outcome: 'invalid_input', error: parsed.reason, elapsed_ms: 0, line: lineNo, input: text });
      continue;
    }
    // A line names its station, or --station does for every line; refused as the line's own problem.
    let topics;
    try {
      topics = stationTopics(stream.connection, parsed.station ?? stream.connection.station, parsed.station === undefined ? 'station (or --station)' : 'station');
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      stream.finish(index, { request: null, response: null, outcome: 'invalid_input', error: err.message, elapsed_ms: 0, line: lineNo, input: text });
      continue;
    }
    // Awaited only while reconnecting: a promise per line is what this loop avoids.
    if (stream.reconnecting) await stream.untilConnected();
    if (stream.over) break;
    stream.send(index, lineNo, text, parsed.data, topics);
  }
}

/** What says what to send, and --dry-run, make no sense beside --input: the requests come from the lines. */
function checkAlone(kind: MessageKind, flags: StreamFlags & RequestFlags): void {
  const conflicting = [...kind.options.filter((spec) => spec.selects && flags[spec.key] !== undefined), ...(flags.dryRun ? kind.options.filter((spec) => spec.key === 'dryRun') : [])];
  if (conflicting.length > 0) {
    throw new UsageError(`--input: cannot be combined with ${longFlag(conflicting[0]!)}; the requests come from the input lines`);
  }
}

export async function runStream(kind: MessageKind, flags: StreamFlags & RequestFlags, connectionFlags: ConnectionFlags, ctx: StreamContext): Promise<number> {
  const { output, signal } = ctx;
  checkAlone(kind, flags);
  const concurrency = parseConcurrency(flags.concurrency);
  const connection = await resolveConnection(connectionFlags, ctx.env, (message) => output.warn(message));
  const input = await openInput(flags.input, ctx.stdin);
  const total = flags.input !== '-' && output.showsProgress ? await countLines(flags.input) : undefined;

  const { openSession } = await import('../transport/mqtt.js');
  for (const flag of streamHeapFlags([...process.execArgv, ...(ctx.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)])) setFlagsFromString(flag);
  const stream = new RequestStream(kind, output, connection, concurrency, total, !flags.unordered);
  await stream.open(openSession, signal);
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

  if (!stream.printer.closed) output.streamSummary(stream.outcomes, performance.now() - stream.started);
  if (stream.stopping) return stream.stopping.exitCode;
  return worstExitCode(stream.outcomes.keys());
}
