/**
 * `scp journal`'s listing: a line per run (a JSON object with --json), oldest first, on stdout: when it started (local
 * time), who where, the command and its input, the broker, how many requests and their outcomes, and whether it
 * finished (or was interrupted).
 */
import type { RunSummary } from '../core/journal.js';
import type { Output } from './render.js';
import { printable } from './plain.js';
import { localTime } from './time.js';

function runLine(output: Output, run: RunSummary): string {
  const counts = Object.entries(run.outcomes).map(([outcome, n]) => `${n} ${outcome.replaceAll('_', ' ')}`).join(', ') || 'none';
  const command = `scp ${run.command}${run.input === undefined ? '' : ` --input ${run.input}`}`;
  // No end entry: killed (or still running); an interruption is said as such, since it stopped on purpose.
  const state = run.finished ? output.colors.green('finished') : output.colors.yellow(run.interrupted ? 'interrupted' : 'not finished');
  const taken = run.continued > 0 ? ` (taken up ${run.continued} time${run.continued === 1 ? '' : 's'})` : '';
  const fields = [localTime(new Date(run.started)), `${run.user}@${run.host}`, command, run.brokers.join(' '), `${run.lines} request${run.lines === 1 ? '' : 's'}: ${counts}`];
  return `${printable(fields.join('  '))}  ${state}${taken}  ${output.colors.dim(run.run)}`;
}

export function showJournal(output: Output, runs: readonly RunSummary[]): void {
  const { stdout } = output;
  if (output.json) {
    for (const run of runs) stdout.write(`${JSON.stringify(run)}\n`);
    return;
  }
  if (runs.length === 0) {
    output.note('no run to list');
    return;
  }
  stdout.write(`${runs.map((run) => runLine(output, run)).join('\n')}\n`);
}
