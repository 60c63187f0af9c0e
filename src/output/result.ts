/**
 * One request's result on stdout: the status and why, and what the message shows of an accepted answer (a record with
 * --json); the request itself for --dry-run, and before a confirmation (stderr).
 */
import type { Envelope } from '../core/message.js';
import type { ResultRecord, Verdict } from '../core/outcome.js';
import { localTime } from './time.js';
import type { Output } from './render.js';
import type { ResultView, Showing, StreamRecord } from './records.js';
import { printable } from './plain.js';

/**
 * The --json line. An invalid answer is repeated as received, but one nested thousands deep cannot be serialised
 * again (JSON.stringify recurses); then it is left out, and the record says so, rather than the process crashing.
 */
export function recordLine(record: ResultRecord | StreamRecord): string {
  try {
    return JSON.stringify(record);
  } catch {
    return JSON.stringify({ ...record, response: null, error: `${record.error ?? 'invalid response'} (the response is too deeply nested to repeat)` });
  }
}

/** What an interactive run is about to send, in one line (message, what, station, topic, broker), before it asks to confirm. */
export function showPreview(output: Output, request: Envelope<'request'>, what: string, where: { topic: string; target: string; station?: string }): void {
  const station = where.station === undefined ? '' : ` to station ${where.station}`;
  output.line(`scp: about to send ${request.name} (${printable(what)})${printable(station)} on ${printable(where.topic)} at ${printable(where.target)}\n`);
  // The envelope itself only for those who asked to see what goes on the wire.
  if (output.verbose) output.line(`${JSON.stringify(request, null, 2).split('\n').map((line) => `  ${printable(line)}`).join('\n')}\n`);
}

/** --dry-run: the envelope exactly as it would be published. */
export function showRequest(output: Output, request: Envelope<'request'>): void {
  output.stdout.write(`${JSON.stringify(request, null, output.json ? undefined : 2)}\n`);
}

/** One request's result: the status and why, then what the message shows of an accepted answer (`options`: the command's). */
export function showResult(output: Output, record: ResultRecord, kind: Showing, options: Readonly<Record<string, unknown>> = {}): void {
  if (record.error !== undefined) output.error(record.error);
  // Only an answer the service gave is shown as one; the rest said their error above.
  const answered = record.outcome === 'accepted' || record.outcome === 'not_in_force' || record.outcome === 'unknown' || record.outcome === 'rejected';
  const response = record.response as Envelope<'response'>;
  if (answered) for (const warning of kind.answerWarnings?.(response) ?? []) output.warn(printable(warning));
  if (output.json) {
    output.stdout.write(`${recordLine(record)}\n`);
    return;
  }
  if (!answered) return;
  const { status, info } = kind.summarize(response);
  const lines = [record.outcome === 'accepted' ? output.colors.green.bold(status) : output.colors.yellow.bold(status)];
  if (info?.reason_code !== undefined) lines.push(`reason_code: ${printable(info.reason_code)}`);
  if (info?.additional_info !== undefined) lines.push(`additional_info: ${printable(info.additional_info)}`);
  lines.push(...(kind.answerLines?.(response) ?? []).map(printable));
  if (record.verify) lines.push(...verdictLines(record.verify, output.colors));
  if (record.outcome === 'accepted' && kind.render) {
    const view = { ...resultView(output, options), ...(record.explain ? { explain: record.explain } : {}) };
    lines.push(...kind.render(record.response as Envelope<'response'>, view));
  }
  output.stdout.write(`${lines.join('\n')}\n`);
}

/** How stdout shows an answer: its colours, whether it is a terminal and how wide, and the command's options. */
function resultView(output: Output, options: Readonly<Record<string, unknown>>): ResultView {
  const { stdout } = output;
  return { color: output.colors, terminal: Boolean(stdout.isTTY), columns: (stdout as { columns?: number }).columns ?? 80, options };
}

/**
 * What a stream adds after its records (a site's sum): its lines, set apart by a blank line, or its one record with
 * --json (the last line of the output, so that `tail -n 1` finds it).
 */
export function showAfterRecords(output: Output, shown: { lines(view: ResultView): string[]; record: object }, options: Readonly<Record<string, unknown>>): void {
  if (output.json) {
    output.stdout.write(`${JSON.stringify(shown.record)}\n`);
    return;
  }
  output.stdout.write(`\n${shown.lines(resultView(output, options)).join('\n')}\n`);
}

/** --verify's verdict under the status: in force, or where something else limits, in local time. */
function verdictLines(verdict: Verdict, colors: Output['colors']): string[] {
  if (verdict.in_force) return [`${colors.green('in force')}: the composite schedule is the profile's wherever it applies`];
  const lines = [`${colors.yellow('not in force')}: ${printable(verdict.reason ?? '')}`];
  const from = Date.parse(verdict.from ?? '');
  const at = (offset: number) => localTime(new Date(from + offset * 1000));
  for (const d of verdict.differences) lines.push(printable(`  ${at(d.start_period)} to ${at(d.end_period)}: ${d.limit} ${verdict.unit}, not ${d.expected} ${verdict.unit}`));
  return lines;
}

/**
 * One piece of news --watch shows (a service_status update): the time it came, the status, what the answer lines
 * say; with --json the message as received, with the time (and station) beside it, one object per line.
 */
export function showNews(output: Output, envelope: unknown, response: Envelope<'response'>, kind: Showing, station?: string): void {
  const received = new Date().toISOString();
  if (output.json) {
    output.stdout.write(`${JSON.stringify({ received, ...(station === undefined ? {} : { station }), message: envelope })}\n`);
    return;
  }
  const { outcome, status } = kind.summarize(response);
  const word = outcome === 'accepted' ? output.colors.green(status) : output.colors.yellow(status);
  const details = (kind.answerLines?.(response) ?? []).join(', ');
  const where = station === undefined ? '' : `station ${station}: `;
  const what = (envelope as { type?: unknown }).type === 'update' ? 'update' : 'answer';
  output.stdout.write(`${printable(`${received} ${where}${what}: `)}${word}${printable(details ? ` (${details})` : '')}\n`);
}
