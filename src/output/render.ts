/**
 * The only module that writes to stdout or stderr. Results go to stdout (one JSON object with --json), everything
 * else (warnings, errors, --verbose traffic) to stderr, so a pipeline only ever sees results.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { ClearChargingProfileRequest, ClearChargingProfileResponse } from '../core/generated/types.js';
import type { ClearRecord } from '../core/outcome.js';
import { describeAsked, type ChargingProfile, type ServiceLogEntry } from '../core/simulator.js';

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

/** Text from the broker or the service is shown escaped: a control character must not drive the terminal. */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const MAX_DEBUG_CHARS = 2000;

/**
 * The --json line. An invalid answer is repeated as received, but one nested thousands deep cannot be serialised
 * again (JSON.stringify recurses); then it is left out, and the record says so, rather than the process crashing.
 */
function recordLine(record: ClearRecord): string {
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

  warn(message: string): void {
    this.options.stderr.write(`${this.err.yellow('scp: warning:')} ${message}\n`);
  }

  error(message: string): void {
    this.options.stderr.write(`${this.err.red('scp:')} ${printable(message)}\n`);
  }

  /** Progress a person wants to see (where a broker listens, what a service ignored): stderr, never stdout. */
  note(message: string): void {
    this.options.stderr.write(`scp: ${printable(message)}\n`);
  }

  /** The simulator's starting profiles, so the user knows what there is to clear. */
  profiles(profiles: readonly ChargingProfile[]): void {
    const rows = profiles.map((p) => [String(p.id), p.evse_id, p.charging_profile_purpose, String(p.stack_level)]);
    const table = [['id', 'evse_id', 'purpose', 'stack_level'], ...rows];
    const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
    const lines = table.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}`);
    this.options.stderr.write(`scp: ${profiles.length} charging profiles:\n${lines.map(printable).join('\n')}\n`);
  }

  /** One line per request the simulator handled: JSON with --json, else a short human line. */
  serviceLog(entry: ServiceLogEntry): void {
    if (this.options.json) {
      this.options.stdout.write(`${JSON.stringify(entry)}\n`);
      return;
    }
    const removed = entry.removed.length ? `removed ${entry.removed.map((id) => `#${id}`).join(', ')}` : 'removed nothing';
    const info = entry.status_info ? ` (${[entry.status_info.reason_code, entry.status_info.additional_info].filter(Boolean).join(': ')})` : '';
    const how = [
      entry.delivery === 'dropped' ? 'answer dropped' : undefined,
      entry.delay_ms !== undefined ? `answered after ${entry.delay_ms} ms` : undefined,
      entry.duplicated ? 'answered twice' : undefined,
    ].filter(Boolean);
    const status = entry.status === 'accepted' ? this.out.green(entry.status) : this.out.yellow(entry.status);
    this.options.stdout.write(
      printable(`${entry.time} ${entry.request_id} clear ${describeAsked(entry.asked)}: ${removed} -> `) +
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
    this.options.stderr.write(`${this.err.dim(`scp: ${printable(shown)}`)}\n`);
  }

  /** --dry-run: the envelope exactly as it would be published. */
  request(request: ClearChargingProfileRequest): void {
    this.options.stdout.write(`${JSON.stringify(request, null, this.options.json ? undefined : 2)}\n`);
  }

  result(record: ClearRecord): void {
    if (record.error !== undefined) this.error(record.error);
    if (this.options.json) {
      this.options.stdout.write(`${recordLine(record)}\n`);
      return;
    }
    if (record.outcome !== 'accepted' && record.outcome !== 'unknown') return;
    const { status, status_info: info } = (record.response as ClearChargingProfileResponse).data;
    const lines = [status === 'accepted' ? this.out.green.bold(status) : this.out.yellow.bold(status)];
    if (info?.reason_code !== undefined) lines.push(`reason_code: ${printable(info.reason_code)}`);
    if (info?.additional_info !== undefined) lines.push(`additional_info: ${printable(info.additional_info)}`);
    this.options.stdout.write(`${lines.join('\n')}\n`);
  }
}
