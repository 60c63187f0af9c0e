/**
 * The one writer of stdout and stderr. Results go to stdout (one JSON object with --json), everything else
 * (warnings, errors, --verbose traffic, the spinner and progress line) to stderr, so a pipeline only ever sees
 * results. What each concern prints is beside it: config.ts, result.ts, stream.ts, simulator.ts, through this.
 */
import type { ChalkInstance } from 'chalk';
import type { ServiceLogEntry, Showing, StreamPrinter, StreamRecord } from './records.js';
import type { Spinner } from './spinner.js';
import { PLAIN, printable } from './plain.js';
import type { OutStream } from './stdio.js';

export type { ServiceLogEntry, Showing, StreamPrinter, StreamRecord };

export interface OutputOptions {
  stdout: OutStream;
  stderr: OutStream;
  env: NodeJS.ProcessEnv;
  json: boolean;
  verbose: boolean;
  /** false for --no-color; undefined when the flag was not given. */
  color?: boolean;
}

/**
 * chalk does not read NO_COLOR (chalk#547) and colours by its own reading of the terminal, so the decision is ours:
 * --no-color > NO_COLOR > FORCE_COLOR > TERM=dumb > whether the stream is a terminal.
 */
export function colorLevel(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: boolean): 0 | 1 {
  if (flag === false) return 0;
  if (env.NO_COLOR) return 0;
  if (env.FORCE_COLOR !== undefined) return /^(0|false)$/i.test(env.FORCE_COLOR) ? 0 : 1;
  if (env.TERM === 'dumb') return 0;
  return isTTY ? 1 : 0;
}

const MAX_DEBUG_CHARS = 2000;

/**
 * The Output for these streams, with chalk loaded only where colour is allowed: scripts, pipes and log files (most
 * runs) never pay for evaluating it (#29).
 */
export async function openOutput(options: OutputOptions): Promise<Output> {
  const { color, env } = options;
  const levels = [colorLevel(color, env, Boolean(options.stdout.isTTY)), colorLevel(color, env, Boolean(options.stderr.isTTY))] as const;
  if (levels[0] === 0 && levels[1] === 0) return new Output(options, { out: PLAIN, err: PLAIN });
  const { Chalk } = await import('chalk');
  return new Output(options, { out: new Chalk({ level: levels[0] }), err: new Chalk({ level: levels[1] }) });
}

export class Output {
  private readonly out: ChalkInstance;
  private readonly err: ChalkInstance;

  /** `palettes`: the colours allowed on each stream (openOutput decides them). */
  constructor(
    private readonly options: OutputOptions,
    palettes: { out: ChalkInstance; err: ChalkInstance },
  ) {
    this.out = palettes.out;
    this.err = palettes.err;
  }

  private spinner: Spinner | undefined;

  /** Where results go, and whether as JSON: for the printers of each concern (config.ts, result.ts, stream.ts,
   * simulator.ts), which write through these. */
  get stdout(): OutputOptions['stdout'] {
    return this.options.stdout;
  }

  get json(): boolean {
    return this.options.json;
  }

  /** Colours for stdout, as allowed there. */
  get colors(): ChalkInstance {
    return this.out;
  }

  /** A line for stderr, clear of the spinner and the progress line. */
  line(text: string): void {
    this.say(text);
  }

  /** Every line on stderr goes through here, so that it never lands in the middle of the spinner's or progress line. */
  private say(line: string): void {
    this.spinner?.clear();
    this.clearProgress();
    this.options.stderr.write(line);
  }

  warn(message: string): void {
    this.say(`${this.err.yellow('scp: warning:')} ${message}\n`);
  }

  error(message: string): void {
    this.say(`${this.err.red('scp:')} ${printable(message)}\n`);
  }

  /** Progress a person wants to see (where a broker listens, what a service ignored): stderr, never stdout. */
  note(message: string): void {
    this.say(`scp: ${printable(message)}\n`);
  }

  /**
   * Shows (or moves on) the spinner: only when stderr is a terminal, and its module is loaded only then. `limitMs`
   * is the stage's timeout, shown beside the elapsed time.
   */
  async spin(text: string, limitMs?: number): Promise<void> {
    if (!this.options.stderr.isTTY) return;
    if (!this.spinner) {
      const { Spinner } = await import('./spinner.js');
      this.spinner ??= new Spinner(this.options.stderr);
    }
    this.spinner.stage(printable(text), limitMs);
  }

  stopSpinner(): void {
    this.spinner?.stop();
    this.spinner = undefined;
  }



  /** --verbose only; callers must never pass a secret (the transport redacts URLs, we never log passwords). */
  debug(message: string): void {
    if (!this.options.verbose) return;
    // A flood or a megabyte payload must not bury the terminal: long lines are cut, with their length said.
    const shown = message.length > MAX_DEBUG_CHARS ? `${message.slice(0, MAX_DEBUG_CHARS)}... (${message.length} characters)` : message;
    this.say(`${this.err.dim(`scp: ${printable(shown)}`)}\n`);
  }

  get verbose(): boolean {
    return this.options.verbose;
  }

  /** A progress line is drawn only for a person watching: stderr must be a terminal. */
  get showsProgress(): boolean {
    return Boolean(this.options.stderr.isTTY);
  }

  // -Infinity, not 0: performance.now() counts from the process's start, and a stream that has its first answer
  // within 100 ms of it (as one does since start-up got faster, #29) would otherwise never draw its first line.
  private lastProgress = Number.NEGATIVE_INFINITY;
  /** The progress line is on the terminal now, with the cursor at its end. */
  private progressShown = false;

  progress(done: number, total: number | undefined, elapsedMs: number): void {
    if (!this.showsProgress) return;
    const now = performance.now();
    if (now - this.lastProgress < 100 && done !== total) return;
    this.lastProgress = now;
    const rate = elapsedMs > 0 ? Math.round((done * 1000) / elapsedMs) : 0;
    this.options.stderr.write(`\r\u001b[Kscp: ${total !== undefined ? `${done}/${total}` : `${done}`} done, ${rate}/s`);
    this.progressShown = true;
  }

  /** Takes the progress line off the terminal so that the next line starts clean; the next progress() draws it again. */
  clearProgress(): void {
    if (!this.progressShown) return;
    this.options.stderr.write('\r\u001b[K');
    this.progressShown = false;
  }


  /** Text that is the result itself (a completion script): as is, on stdout. */
  text(text: string): void {
    this.options.stdout.write(text);
  }
}
