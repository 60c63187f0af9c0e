/**
 * A stream's results (`--input`): one line per input line, in order unless --unordered (a record with --json),
 * written by the printer as stdout drains; then counts, time and rate on stderr.
 */
import type { Output } from './render.js';
import type { Envelope } from '../core/message.js';
import type { Showing, StreamPrinter, StreamRecord } from './records.js';
import { RecordPrinter } from './printer.js';
import { printable } from './plain.js';
import { recordLine } from './result.js';

/** Counts per outcome, time and rate, on stderr, after a human-form stream. */
export function showStreamSummary(output: Output, outcomes: ReadonlyMap<string, number>, elapsedMs: number): void {
  if (output.json) return;
  const total = [...outcomes.values()].reduce((a, b) => a + b, 0);
  const counts = [...outcomes].map(([outcome, n]) => `${n} ${outcome.replaceAll('_', ' ')}`).join(', ') || 'nothing to do';
  const seconds = elapsedMs / 1000;
  output.line(`scp: ${total} request${total === 1 ? '' : 's'}: ${counts}; ${seconds.toFixed(2)} s, ${Math.round(total / Math.max(seconds, 0.001))} per second\n`);
}

/** The human line of one stream result: `line 3: id=7 -> accepted`. */
function streamLine(output: Output, record: StreamRecord, kind: Showing): string {
  if (output.json) return `${recordLine(record)}\n`;
  const what = record.request ? `${kind.describe(record.request.data)} -> ` : '';
  const status =
    record.outcome === 'accepted'
      ? output.colors.green(record.outcome)
      : record.outcome === 'unknown' || record.outcome === 'rejected' || record.outcome === 'not_in_force'
        ? output.colors.yellow(record.outcome.replaceAll('_', ' '))
        : output.colors.red(record.outcome.replaceAll('_', ' '));
  // A response with no error is a schema-valid answer; an invalid one is told by its error.
  const info = record.error === undefined && record.response ? kind.summarize(record.response as Envelope<'response'>).info : undefined;
  const detail =
    record.error !== undefined
      ? `: ${record.error}`
      : info
        ? ` (${[info.reason_code, info.additional_info].filter((x) => x !== undefined).join(': ')})`
        : record.verify?.reason !== undefined
          ? ` (${record.verify.reason})`
          : '';
  // A record printed again from the journal says so: it was not sent in this run.
  return `${printable(`line ${record.line}: ${what}`)}${status}${printable(detail)}${record.resumed ? ' (resumed)' : ''}\n`;
}

export function streamPrinter(output: Output, { ordered, window, kind }: { ordered: boolean; window: number; kind: Showing }): StreamPrinter {
  const { stdout } = output;
  // Results on the terminal that shows the progress line would be written onto its end.
  const beforeWrite = () => {
    if (stdout.isTTY) output.clearProgress();
  };
  return new RecordPrinter(stdout, (record) => streamLine(output, record, kind), beforeWrite, ordered, window);
}
