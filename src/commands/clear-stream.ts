/**
 * scp clear --input <file|->: one request per input line over one MQTT connection, up to --concurrency in flight,
 * exactly one result per request line, in input order unless --unordered. Memory stays bounded: lines are read
 * only while fewer than `window` results are unprinted, and printing waits for stdout to drain.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { setFlagsFromString } from 'node:v8';
import { ConnectionError, InterruptedError, worstExitCode } from '../errors.js';
import { streamHeapFlags, type StreamOutcome } from '../core/stream.js';
import { classifyAgainst } from '../core/response.js';
import type { ClearChargingProfileRequest, ClearChargingProfileRequestData } from '../core/generated/types.js';
import { REQUEST_FATE, type ResultRecord } from '../core/outcome.js';
import { clear } from '../messages/clear.js';
import { parseInputLine, requestEnvelope } from '../messages/kind.js';
import type { StreamRecord } from '../output/render.js';
import { resolveConnection, unreadable, type CommandContext, type ConnectionFlags } from './connection.js';
import { parseConcurrency } from '../core/settings.js';
import type { Session } from '../transport/mqtt.js';

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
  request: ClearChargingProfileRequest;
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

/** How many times a lost connection is re-established before the rest of the stream is given up. */
const RECONNECTS = 3;
const RECONNECT_DELAY_MS = 500;

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

export async function runClearStream(flags: StreamFlags, connectionFlags: ConnectionFlags, ctx: StreamContext): Promise<number> {
  const { output, signal } = ctx;
  const concurrency = parseConcurrency(flags.concurrency);
  const connection = await resolveConnection(connectionFlags, ctx.env, (message) => output.warn(message));
  let input: NodeJS.ReadableStream;
  if (flags.input === '-') {
    input = ctx.stdin;
  } else {
    // Open first, so that a missing file is bad usage (exit 2) before anything connects.
    const handle = await fs.open(flags.input).catch((err: unknown) => {
      throw unreadable('--input', flags.input, err);
    });
    input = handle.createReadStream();
  }
  const total = flags.input !== '-' && output.showsProgress ? await countLines(flags.input) : undefined;

  const { openSession } = await import('../transport/mqtt.js');
  for (const flag of streamHeapFlags([...process.execArgv, ...(ctx.env.NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean)])) setFlagsFromString(flag);
  const started = performance.now();
  const outcomes = new Map<StreamOutcome, number>();
  const waiting = new Map<string, Waiting>();
  const printer = output.streamPrinter({ ordered: !flags.unordered, window: Math.max(4 * concurrency, 1024), kind: clear });
  let next = 0; // index of the next record: one per request line, in input order
  let done = 0;
  let stopping: InterruptedError | undefined;

  const finish = (index: number, record: StreamRecord) => {
    outcomes.set(record.outcome, (outcomes.get(record.outcome) ?? 0) + 1);
    done++;
    printer.put(index, record);
    // A progress line only for a terminal: no clock read per request otherwise.
    if (output.showsProgress) output.progress(done, total, performance.now() - started);
    wake();
  };
  const settle = (w: Waiting, outcome: StreamOutcome, response: ResultRecord['response'], error?: string) => {
    w.settled = true;
    waiting.delete(w.request.id);
    const elapsed = Math.round(performance.now() - w.started);
    finish(
      w.index,
      error === undefined
        ? { request: w.request, response, outcome, elapsed_ms: elapsed, line: w.line, input: w.input }
        : { request: w.request, response, outcome, error, elapsed_ms: elapsed, line: w.line, input: w.input },
    );
  };
  const deadlines = new Deadlines(
    () => performance.now(),
    (w) => settle(w, 'timeout', null, `no matching response within ${connection.timeoutMs / 1000} s: ${REQUEST_FATE.published}`),
  );

  // Room for one more request: fewer than `concurrency` waiting and the printer not too far behind.
  let wake: () => void = () => undefined;
  const room = () => waiting.size < concurrency && printer.pending < printer.window;
  const untilRoom = () =>
    room()
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          wake = () => {
            if (room() || stopping || printer.closed) {
              wake = () => undefined;
              resolve();
            }
          };
        });
  printer.onDrain(() => wake());

  const onMessage = (message: { payload: Buffer; retained: boolean; topic: string }) => {
    const classified = classifyAgainst(clear, message.payload, (id) => typeof id === 'string' && waiting.has(id), { retained: message.retained });
    if (classified.kind === 'foreign') {
      if (output.verbose) output.debug(`ignored message on ${message.topic} (${classified.reason}): ${message.payload.toString('utf8')}`);
      return;
    }
    const id = classified.kind === 'answer' ? classified.response.id : (classified.envelope.id as string);
    const w = waiting.get(id)!;
    if (classified.kind === 'answer') settle(w, clear.summarize(classified.response).outcome, classified.response);
    else settle(w, 'invalid_response', classified.envelope, `invalid response: ${classified.problems.join('; ')}`);
  };

  const connect = () =>
    openSession(connection.connect, {
      responseTopic: connection.responseTopic,
      qos: connection.qos,
      ackTimeoutMs: connection.timeoutMs,
      onMessage,
      signal,
      log: (line) => output.debug(line),
    });

  let session: Session | undefined = await connect();
  let connectionError: ConnectionError | undefined;

  /** On a lost connection: every request in flight is reported (never resent: it may have been applied), then reconnect. */
  const watch = (current: Session) => {
    current.lost.catch(async (err: ConnectionError) => {
      if (session !== current) return;
      session = undefined;
      for (const w of [...waiting.values()]) {
        settle(w, 'timeout', null, `${err.message}: ${w.acked ? REQUEST_FATE.published : REQUEST_FATE.publishing}`);
      }
      await current.close();
      for (let attempt = 1; attempt <= RECONNECTS && !stopping && !printer.closed; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, RECONNECT_DELAY_MS));
        try {
          const fresh = await connect();
          output.warn(`reconnected to the broker after losing the connection (attempt ${attempt})`);
          session = fresh;
          watch(fresh);
          reconnected?.();
          return;
        } catch (retryErr) {
          connectionError = retryErr instanceof ConnectionError ? retryErr : err;
        }
      }
      connectionError ??= err;
      reconnected?.();
      wake();
    });
  };
  let reconnected: (() => void) | undefined;
  const untilConnected = () =>
    session || connectionError
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          reconnected = () => {
            reconnected = undefined;
            resolve();
          };
        });
  watch(session);

  const send = (index: number, line: number, text: string, data: ClearChargingProfileRequestData) => {
    const request = requestEnvelope(clear, data, randomUUID());
    const w: Waiting = { index, line, input: text, request, started: performance.now(), deadline: 0, acked: false, settled: false };
    waiting.set(request.id, w);
    session!.publish(connection.requestTopic, JSON.stringify(request), (error) => {
      // A failed publish means the connection went; `watch` reports it with the rest. One that is no longer waited
      // for (answered already, or the stream is over) must not start a timeout that keeps the process alive.
      if (error || waiting.get(request.id) !== w) return;
      w.acked = true;
      w.deadline = performance.now() + connection.timeoutMs;
      deadlines.add(w);
    });
  };

  const lines = createInterface({ input, crlfDelay: Infinity });
  const onAbort = () => {
    stopping = new InterruptedError('interrupted', signal.reason);
    lines.close();
    wake();
    reconnected?.();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  let lineNo = 0;
  try {
    for await (const text of lines) {
      lineNo++;
      if (stopping || printer.closed) break;
      const parsed = parseInputLine(clear, text);
      if (parsed.kind === 'skip') continue;
      // Room first, for every line: an invalid line's record waits in the printer behind a slow answer like any
      // other, so without this a long run of bad lines after a slow request would all be held in memory.
      // Awaited only when there is something to wait for: an await per line is a promise per line.
      if (!room()) await untilRoom();
      if (stopping || printer.closed) break;
      const index = next++;
      if (parsed.kind === 'invalid') {
        finish(index, { request: null, response: null, outcome: 'invalid_input', error: parsed.reason, elapsed_ms: 0, line: lineNo, input: text });
        continue;
      }
      if (!session && !connectionError) await untilConnected();
      if (stopping || printer.closed) break;
      if (!session) {
        finish(index, {
          request: null,
          response: null,
          outcome: 'error',
          error: `not sent: ${connectionError?.message ?? 'no connection to the broker'}`,
          elapsed_ms: 0,
          line: lineNo,
          input: text,
        });
        continue;
      }
      send(index, lineNo, text, parsed.data);
    }
    // Every request sent gets its answer, its timeout, or its share of a lost connection.
    while (waiting.size > 0 && !stopping && !printer.closed) {
      await new Promise<void>((resolve) => {
        wake = () => {
          if (waiting.size === 0 || stopping || printer.closed) resolve();
        };
      });
    }
    if (stopping) {
      for (const w of [...waiting.values()]) settle(w, 'error', null, `${stopping.message}: ${REQUEST_FATE.published}`);
    }
  } finally {
    // Stopped early (Ctrl-C, or nobody reads stdout any more): stop reading too, or an open stdin keeps us alive.
    if (stopping || printer.closed) (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    signal.removeEventListener('abort', onAbort);
    // Forget what is still waiting (only when nobody reads the results any more): a PUBACK that arrives while we
    // close must not start a timeout that keeps the process alive.
    deadlines.clear();
    waiting.clear();
    const current = session;
    session = undefined;
    await current?.close();
    await printer.end();
    output.clearProgress();
  }

  if (!printer.closed) output.streamSummary(outcomes, performance.now() - started);
  if (stopping) return stopping.exitCode;
  return worstExitCode(outcomes.keys());
}
