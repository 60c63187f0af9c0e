/**
 * `scp doctor`'s checklist on stdout: a line per check (`pass  broker      ...`), in colour where allowed; with --json
 * one object per check (name, status, detail, its figures, and the station for a fleet's). A fleet's stations each get
 * their lines under a heading, then one summary line (a summary object with --json).
 */
import type { Check, CheckStatus } from '../core/doctor.js';
import type { Output } from './render.js';
import { printable } from './plain.js';

const LABELS: Record<Check['name'], string> = { broker: 'broker', service: 'service', round_trip: 'round trip', clock: 'clock' };
const WIDTH = Math.max(...Object.values(LABELS).map((label) => label.length));

function statusWord(output: Output, status: CheckStatus): string {
  const colors = output.colors;
  const paint = { pass: colors.green, warn: colors.yellow, fail: colors.red, skip: colors.dim }[status];
  return paint(status.padEnd(4));
}

export function showCheck(output: Output, check: Check, station?: string): void {
  if (output.json) {
    output.stdout.write(`${JSON.stringify({ ...(station === undefined ? {} : { station }), name: check.name, status: check.status, detail: check.detail, ...check.figures })}\n`);
    return;
  }
  const indent = station === undefined ? '' : '  ';
  output.stdout.write(`${indent}${statusWord(output, check.status)}  ${LABELS[check.name].padEnd(WIDTH)}  ${printable(check.detail)}\n`);
}

/** A fleet's station: its heading, then its checks. */
export function showStation(output: Output, station: string, checks: readonly Check[]): void {
  if (!output.json) output.stdout.write(`station ${printable(station)}\n`);
  for (const check of checks) showCheck(output, check, station);
}

/** How many stations passed, warned (and passed otherwise) and failed. */
export function showDoctorSummary(output: Output, worst: readonly ('pass' | 'warn' | 'fail')[]): void {
  const count = (status: string) => worst.filter((one) => one === status).length;
  const summary = { stations: worst.length, pass: count('pass'), warn: count('warn'), fail: count('fail') };
  if (output.json) {
    output.stdout.write(`${JSON.stringify({ summary })}\n`);
    return;
  }
  output.stdout.write(`${summary.stations} station${summary.stations === 1 ? '' : 's'}: ${summary.pass} pass, ${summary.warn} warn, ${summary.fail} fail\n`);
}
