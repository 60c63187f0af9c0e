/**
 * Many requests, one per line of `--input <file|->` (`scp clear --input ids.txt`), through the same request path as
 * one request: each line built (kind.ts parseInputLine) -> checked (the steps' refusals) -> delivered by a carrier
 * (correlator.ts over a session pool, or answers a step gives here) -> judged and recorded as a single request is
 * (core/result.ts) -> printed, in input order unless --unordered: exactly one record per request line, then a summary.
 * Memory stays bounded: lines are read only while fewer than --concurrency wait and fewer than `window` records are
 * unprinted, and printing waits for stdout to drain.
 */
import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { InterruptedError, UsageError, type Ending } from '../core/errors.js';
import type { StreamOutcome, StreamRecord } from '../core/outcome.js';
import { lineRecordOf, type Settled } from '../core/result.js';
import { parseConcurrency } from '../core/settings.js';
import { CHECK_ID, messageTopics, parseInputLine, requestEnvelope, type CommandOptions, type Envelope, type MessageKind } from '../messages/kind.js';
import { longFlag, refuseUnmet } from '../options.js';
import { printable } from '../output/plain.js';
import type { Output, StreamPrinter } from '../output/render.js';
import { showStreamSummary, streamPrinter } from '../output/stream.js';
import { unreadable } from '../connection/secrets.js';
import { checkConnectionFlags, resolveConnection, type ConnectionFlags } from '../connection/settings.js';
import { openFileStream } from '../transport/files.js';
import type { Carrier, LineRequest, Sink } from './carrier.js';
import type { RequestContext } from './context.js';
import { FEATURES } from './features.js';
import { Steps, judgeAnswer, type LocalAnswers } from './steps.js';

/** A message command's options with --input (absent where the command's own options make the lines). */
export type StreamOptions = CommandOptions & { input?: string; concurrency: string; unordered: boolean };

/** What says what to send, --dry-run and a feature for one request only make no sense beside --input: the requests
 * come from the lines. Where the options made the lines (`given`), only --dry-run and those features are refused. */
export function checkAlone(kind: MessageKind, options: CommandOptions, given?: readonly string[]): void {
  const single = new Set(['dryRun', ...FEATURES.filter((feature) => feature.single && !feature.global).map((feature) => feature.option)]);
  const conflicting = [
    ...kind.options.filter((spec) => given === undefined && spec.selects && options[spec.key] !== undefined),
    ...kind.options.filter((spec) => single.has(spec.key) && options[spec.key] === true),
  ];
  if (conflicting.length === 0) return;
  const flag = longFlag(conflicting[0]!);
  if (given === undefined) throw new UsageError(`--input: cannot be combined with ${flag}; the requests come from the input lines`);
  const made = kind.options.find((spec) => spec.selects && spec.repeatable)!;
  throw new UsageError(`${flag}: only for a single request; these options make ${given.length === 1 ? 'a stream of 1 request' : `${given.length} requests`} (one per ${longFlag(made)})`);
}

/** The input: the lines the options made, stdin for `-`, else the file, opened first so that a missing one is bad
 * usage before anything connects. */
async function openInput(path: string | readonly string[], stdin: () => NodeJS.ReadableStream): Promise<NodeJS.ReadableStream> {
  if (typeof path !== 'string') return Readable.from(path.map((line) => `${line}\n`));
  if (path === '-') return stdin();
  return openFileStream(path).catch((err: unknown) => {
    throw unreadable('--input', path, err);
  });
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

/** The reader's side of a stream: what each line became, the printer, and who waits for room. */
class Stream implements Sink {
  readonly started = performance.now();
  readonly outcomes = new Map<StreamOutcome, number>();
  readonly printer: StreamPrinter;
  stopping: InterruptedError | undefined;
  private done = 0;
  private wakeUp: () => void = () => undefined;
  private readonly warned = new Set<string>();

  constructor(
    private readonly kind: MessageKind,
    private readonly output: Output,
    private readonly steps: Steps,
    readonly concurrency: number,
    ordered: boolean,
    private readonly total: number | undefined,
  ) {
    this.printer = streamPrinter(output, { ordered, window: Math.max(4 * concurrency, 1024), kind });
    this.printer.onDrain(() => this.wake());
  }

  /** Stopped by a signal, or nobody reads the records any more: read no further. */
  get over(): boolean {
    return this.stopping !== undefined || this.printer.closed;
  }

  finish(index: number, record: StreamRecord): void {
    this.steps.recorded(record);
    this.outcomes.set(record.outcome, (this.outcomes.get(record.outcome) ?? 0) + 1);
    this.done++;
    this.printer.put(index, record);
    // A progress line only for a terminal: no clock read per request otherwise.
    if (this.output.showsProgress) this.output.progress(this.done, this.total, performance.now() - this.started);
    this.wake();
  }

  wake(): void {
    this.wakeUp();
  }

  warnOnce(response: Envelope<'response'>): void {
    for (const warning of this.kind.answerWarnings?.(response) ?? []) {
      if (this.warned.has(warning)) continue;
      this.warned.add(warning);
      // The words carry what the service sent (its version): escaped, as everything from the broker.
      this.output.warn(printable(warning));
    }
  }

  /** Resolves once `ready()` holds, or the stream is over; re-checked whenever something settles, drains or connects. */
  until(ready: () => boolean): Promise<void> {
    if (ready() || this.over) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeUp = () => {
        if (ready() || this.over) {
          this.wakeUp = () => undefined;
          resolve();
        }
      };
    });
  }
}

/** A record for a line that was not a request that can go (invalid input). */
const invalidLine = (from: { line: number; input: string }, reason: string) =>
  lineRecordOf(null, { outcome: 'invalid_input', response: null, error: new UsageError(reason) }, { elapsedMs: 0, source: {} }, from);

/** Reads the lines and hands each on, waiting for room first; returns when the input ends or the stream is over. */
async function readLines(stream: Stream, carrier: Carrier, kind: MessageKind, steps: Steps, lines: AsyncIterable<string>): Promise<void> {
  let next = 0; // index of the next record: one per request line, in input order
  let line = 0;
  // Room: fewer than --concurrency waiting, and the printer not too far behind.
  const room = () => carrier.waiting < stream.concurrency && stream.printer.pending < stream.printer.window;
  for await (const input of lines) {
    line++;
    if (stream.over) break;
    const parsed = parseInputLine(kind, input);
    if (parsed.kind === 'skip') continue;
    // Room first, for every line: an invalid line's record waits in the printer behind a slow answer like any
    // other, so without this a long run of bad lines after a slow request would all be held in memory.
    // Awaited only when there is something to wait for: an await per line is a promise per line.
    if (!room()) await stream.until(room);
    if (stream.over) break;
    const index = next++;
    // A line whose record a step has already (an earlier run's) is printed again, not sent.
    const replayed = steps.replay(line, input);
    if (replayed !== undefined) {
      stream.finish(index, replayed);
      continue;
    }
    // A line that is no request, or one a step cannot work with, is refused as the line's own problem.
    const refusal = parsed.kind === 'invalid' ? parsed.reason : steps.refuses ? steps.refuse(requestEnvelope(kind, parsed.data, CHECK_ID)) : undefined;
    if (parsed.kind === 'invalid' || refusal !== undefined) {
      stream.finish(index, invalidLine({ line, input }, refusal!));
      continue;
    }
    // Awaited only while no session receives the answers (reconnecting).
    if (!carrier.ready()) await stream.until(() => carrier.ready());
    if (stream.over) break;
    const request: LineRequest = { index, line, input, data: parsed.data, station: parsed.station };
    const sent = carrier.send(request);
    const problem = typeof sent === 'object' ? await sent : sent;
    if (problem !== undefined) stream.finish(index, invalidLine({ line, input }, problem));
  }
}

/**
 * Answers a step gives here, line by line in turn: nothing connects. A step's follow-up question is answered here
 * too.
 */
function answeredHere(kind: MessageKind, answers: LocalAnswers, steps: Steps, sink: Sink): Carrier {
  const ask = async (asked: MessageKind, request: Envelope<'request'>): Promise<Settled> => ({ kind: 'answer', response: answers.answer(asked, request).response });
  return {
    waiting: 0,
    ready: () => true,
    send: async (line) => {
      const refusal = answers.refuseLine(line.station);
      if (refusal !== undefined) return refusal;
      const started = performance.now();
      const request = requestEnvelope(kind, line.data, randomUUID());
      const { response, source } = answers.answer(kind, request);
      sink.warnOnce(response);
      const { result, extra } = await judgeAnswer(kind, request, { kind: 'answer', response }, 'line', steps, ask);
      sink.finish(line.index, lineRecordOf(request, result, { elapsedMs: performance.now() - started, source, ...(extra ? { extra } : {}) }, line));
      return undefined;
    },
    stop: () => undefined,
    close: async () => undefined,
  };
}

/**
 * A stream: one request per line of --input, or per line `given` (a message's own options that make several
 * requests, kind.ts `linesOf`), printed as they come, then what steps add (`report`) and the summary.
 */
export async function runMany(kind: MessageKind, options: StreamOptions, flags: ConnectionFlags, ctx: RequestContext, given?: readonly string[]): Promise<Ending> {
  const { output, signal } = ctx;
  checkAlone(kind, options, options.input === undefined ? given : undefined);
  refuseUnmet(kind.options, options);
  const steps = await Steps.open(FEATURES, { kind, options, flags, output, env: ctx.env, signal, many: true });
  const concurrency = parseConcurrency(options.concurrency);
  const here = steps.answers;
  // Online, the message's own topics (service_status: the station's general ones) in the Smart Charging pair's place.
  const connection = here ? undefined : await resolveConnection(flags, ctx.env, (message) => output.warn(message), messageTopics(kind, checkConnectionFlags(flags)));
  const input = await steps.reading(await openInput(given ?? options.input!, () => ctx.terminal.stdin));
  const total = !output.showsProgress ? undefined : given ? given.length : options.input !== '-' ? await countLines(options.input!) : undefined;
  const stream = new Stream(kind, output, steps, concurrency, !options.unordered, total);
  here?.begin();
  // The carrier: a step that answers here, else the correlator over a session pool (loaded only then, with MQTT.js).
  const carrier = here ? answeredHere(kind, here, steps, stream) : await (await import('./correlator.js')).Correlator.open(kind, connection!, steps, stream, ctx);
  const lines = createInterface({ input, crlfDelay: Infinity });
  const onAbort = () => {
    stream.stopping = new InterruptedError('interrupted', signal.reason);
    stream.wake();
    lines.close();
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await readLines(stream, carrier, kind, steps, lines);
    // Every request sent gets its answer, its timeout, or its share of a lost connection; a stop settles the rest.
    await stream.until(() => carrier.waiting === 0);
    if (stream.stopping) carrier.stop(stream.stopping);
    steps.ended({ outcomes: stream.outcomes, interrupted: stream.stopping !== undefined });
  } finally {
    // Stopped early (Ctrl-C, or nobody reads stdout any more): stop reading too, or an open stdin keeps us alive.
    if (stream.over) (input as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
    signal.removeEventListener('abort', onAbort);
    await carrier.close();
    await steps.close();
    await stream.printer.end();
    output.clearProgress();
  }
  // What steps add after every record (a site's sum): only over a whole run that someone still reads.
  const findings = stream.printer.closed || stream.stopping ? [] : await steps.report({ outcomes: stream.outcomes, interrupted: false });
  if (!stream.printer.closed) showStreamSummary(output, stream.outcomes, performance.now() - stream.started);
  const afterword = carrier.afterword?.();
  if (afterword !== undefined) output.note(afterword);
  return { outcomes: stream.outcomes.keys(), error: stream.stopping, findings };
}
