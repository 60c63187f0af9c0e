/**
 * The only module that writes to stdout or stderr. Results go to stdout (one JSON object with --json), everything
 * else (warnings, errors, --verbose traffic) to stderr, so a pipeline only ever sees results.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { ResultRecord } from '../core/outcome.js';
import type { HeldProfile } from '../core/profile.js';
import type { Envelope } from '../core/message.js';
import type { ServiceLogEntry, Shown, StreamPrinter, StreamRecord } from './records.js';
import type { StreamOutcome } from '../core/stream.js';
import type { Spinner } from './spinner.js';
import { RecordPrinter } from './printer.js';
import { printable } from './plain.js';

export type { ServiceLogEntry, Shown, StreamPrinter, StreamRecord };

export interface OutputOptions {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
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


/** `scp config show`: each connection setting, its value (never a secret) and where it came from. */
export interface SettingsReport {
  config: { path: string; exists: boolean; named: string | null };
  profile: { name: string; from: string } | null;
  settings: Array<{ name: string; value: string | boolean | null; source: string }>;
}


/**
 * The --json line. An invalid answer is repeated as received, but one nested thousands deep cannot be serialised
 * again (JSON.stringify recurses); then it is left out, and the record says so, rather than the process crashing.
 */
function recordLine(record: ResultRecord | StreamRecord): string {
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify({ ...record, response: null, error: `${record.error ?? 'invalid response'} (the response is too deeply nested to repeat)` });
  }
}

export class Output {
  private readonly out: ChalkInstance;
  private readonly err: ChalkInstance;

  constructor(private readonly options: OutputOptions) {
    const { color, env } = options;
    this.out = new Chalk({ level: colorLevel(color, env, Boolean(options.stdout.isTTY)) });
    this.err = new Chalk({ level: colorLevel(color, env, Boolean(options.stderr.isTTY)) });
  }

  private spinner: Spinner | undefined;

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

  settings(report: SettingsReport): void {
    const { stdout } = this.options;
    if (this.options.json) {
      stdout.write(`${JSON.stringify(report)}\n`);
      return;
    }
    const { config, profile } = report;
    const rows = [
      ['config', `${config.path}${config.exists ? '' : ' (none there)'}`, config.named ?? ''],
      ['profile', profile ? profile.name : '(none)', profile ? profile.from : ''],
      ...report.settings.map(({ name, value, source }) => [name, value === null ? '(not set)' : String(value), source]),
    ];
    const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
    const lines = rows.map((row) => `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${this.out.dim(row[2]!)}`.trimEnd());
    stdout.write(`${lines.map(printable).join('\n')}\n`);
  }

  /** `scp config path`: the path alone (for `$EDITOR "$(scp config path)"`), or a JSON object. */
  configPath(path: string, exists: boolean, named: string | null): void {
    this.options.stdout.write(this.options.json ? `${JSON.stringify({ path, exists, named })}\n` : `${printable(path)}\n`);
    if (!this.options.json && !exists) this.note(`(no file there yet)`);
  }

  validated(result: { path: string; profiles: string[]; default_profile: string | null }): void {
    if (this.options.json) {
      this.options.stdout.write(`${JSON.stringify({ valid: true, ...result })}\n`);
      return;
    }
    const profiles = result.profiles.length ? `profiles ${result.profiles.join(', ')}` : 'no profiles';
    const fallback = result.default_profile ? `; default ${result.default_profile}` : '';
    this.options.stdout.write(`${printable(`${result.path}: valid (${profiles}${fallback})`)}\n`);
  }

  /** One name per line, for shell completion and `xargs`. */
  names(names: readonly string[]): void {
    if (this.options.json) this.options.stdout.write(`${JSON.stringify(names)}\n`);
    else if (names.length) this.options.stdout.write(`${names.map(printable).join('\n')}\n`);
  }

  /** What an interactive run is about to publish, and where, before it asks to confirm. */
  preview(request: Envelope<'request'>, topic: string, target: string): void {
    const shown = JSON.stringify(request, null, 2).split('\n').map((line) => `  ${printable(line)}`).join('\n');
    this.say(`scp: about to publish on ${printable(topic)} at ${printable(target)}:\n${shown}\n`);
  }

  /** The simulator's starting profiles, so the user knows what there is to clear. */
  profiles(profiles: readonly HeldProfile[]): void {
    const rows = profiles.map((p) => [String(p.id), p.evse_id, p.charging_profile_purpose, String(p.stack_level)]);
    const table = [['id', 'evse_id', 'purpose', 'stack_level'], ...rows];
    const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
    const lines = table.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}`);
    this.options.stderr.write(`scp: ${profiles.length} charging profiles:\n${lines.map(printable).join('\n')}\n`);
  }

  /** One line per request the simulator handled: JSON with --json, else a short human line. */
  serviceLog(entry: ServiceLogEntry, kind: Shown): void {
    if (this.options.json) {
      this.options.stdout.write(`${JSON.stringify(entry)}\n`);
      return;
    }
    const ids = (list: number[]) => list.map((id) => `#${id}`).join(', ');
    const removed = entry.added?.length
      ? `installed ${ids(entry.added)}${entry.removed.length ? ` (replacing ${ids(entry.removed)})` : ''}`
      : entry.removed.length
        ? `removed ${ids(entry.removed)}`
        : kind.nothingDone;
    const info = entry.status_info ? ` (${[entry.status_info.reason_code, entry.status_info.additional_info].filter(Boolean).join(': ')})` : '';
    const how = [
      entry.delivery === 'dropped' ? 'answer dropped' : undefined,
      entry.delay_ms !== undefined ? `answered after ${entry.delay_ms} ms` : undefined,
      entry.duplicated ? 'answered twice' : undefined,
    ].filter(Boolean);
    const status = entry.status === 'accepted' ? this.out.green(entry.status) : this.out.yellow(entry.status);
    this.options.stdout.write(
      printable(`${entry.time} ${entry.station === undefined ? '' : `station ${entry.station} `}${entry.request_id} ${kind.command} ${entry.asked ? kind.describe(entry.asked) : 'an invalid request'}: ${removed} -> `) +
        status +
        printable(`${info}${how.length ? ` [${how.join(', ')}]` : ''}`) +
        '\n',
    );
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

  private lastProgress = 0;
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

  /** Counts per outcome, time and rate, on stderr, after a human-form stream. */
  streamSummary(outcomes: ReadonlyMap<string, number>, elapsedMs: number): void {
    if (this.options.json) return;
    const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
    const counts = [...outcomes].map(([outcome, n]) => `${n} ${outcome.replace('_', ' ')}`).join(', ') || 'nothing to do';
    const seconds = elapsedMs / 1000;
    this.say(`scp: ${total} requests: ${counts}; ${seconds.toFixed(2)} s, ${Math.round(total / Math.max(seconds, 0.001))} per second\n`);
  }

  /** The human line of one stream result: `line 3: id=7 -> accepted`. */
  private streamLine(record: StreamRecord, kind: Shown): string {
    if (this.options.json) return `${recordLine(record)}\n`;
    const what = record.request ? `${kind.describe(record.request.data)} -> ` : '';
    const status =
      record.outcome === 'accepted'
        ? this.out.green(record.outcome)
        : record.outcome === 'unknown' || record.outcome === 'rejected'
          ? this.out.yellow(record.outcome)
          : this.out.red(record.outcome.replace('_', ' '));
    // A response with no error is a schema-valid answer; an invalid one is told by its error.
    const info = record.error === undefined && record.response ? kind.summarize(record.response as Envelope<'response'>).info : undefined;
    const detail =
      record.error !== undefined
        ? `: ${record.error}`
        : info
          ? ` (${[info.reason_code, info.additional_info].filter((x) => x !== undefined).join(': ')})`
          : '';
    return `${printable(`line ${record.line}: ${what}`)}${status}${printable(detail)}\n`;
  }

  streamPrinter({ ordered, window, kind }: { ordered: boolean; window: number; kind: Shown }): StreamPrinter {
    const { stdout } = this.options;
    // Results on the terminal that shows the progress line would be written onto its end.
    const beforeWrite = () => {
      if (stdout.isTTY) this.clearProgress();
    };
    return new RecordPrinter(stdout, (record) => this.streamLine(record, kind), beforeWrite, ordered, window);
  }

  /** Text that is the result itself (a completion script): as is, on stdout. */
  text(text: string): void {
    this.options.stdout.write(text);
  }

  /** --dry-run: the envelope exactly as it would be published. */
  request(request: Envelope<'request'>): void {
    this.options.stdout.write(`${JSON.stringify(request, null, this.options.json ? undefined : 2)}\n`);
  }

  /** One request's result: the status and why, then what the message shows of an accepted answer (`options`: the command's). */
  result(record: ResultRecord, kind: Shown, options: Readonly<Record<string, unknown>> = {}): void {
    if (record.error !== undefined) this.error(record.error);
    if (this.options.json) {
      this.options.stdout.write(`${recordLine(record)}\n`);
      return;
    }
    // Only an answer the service gave is shown here; the rest said their error above.
    if (record.outcome !== 'accepted' && record.outcome !== 'unknown' && record.outcome !== 'rejected') return;
    const { status, info } = kind.summarize(record.response as Envelope<'response'>);
    const lines = [record.outcome === 'accepted' ? this.out.green.bold(status) : this.out.yellow.bold(status)];
    if (info?.reason_code !== undefined) lines.push(`reason_code: ${printable(info.reason_code)}`);
    if (info?.additional_info !== undefined) lines.push(`additional_info: ${printable(info.additional_info)}`);
    if (record.outcome === 'accepted' && kind.render) {
      const { stdout } = this.options;
      const columns = (stdout as { columns?: number }).columns ?? 80;
      lines.push(...kind.render(record.response as Envelope<'response'>, { color: this.out, terminal: Boolean(stdout.isTTY), columns, options }));
    }
    this.options.stdout.write(`${lines.join('\n')}\n`);
  }
}
