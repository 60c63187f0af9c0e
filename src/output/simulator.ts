/**
 * What `scp simulate` prints: its starting profiles (stderr), and one log line per request it handled (stdout; a
 * JSON object with --json).
 */
import type { HeldProfile } from '../core/profile.js';
import type { Output } from './render.js';
import type { ServiceLogEntry, Showing } from './records.js';
import { printable } from './plain.js';

/** The simulator's starting profiles, so the user knows what there is to clear. */
export function showProfiles(output: Output, profiles: readonly HeldProfile[]): void {
  const rows = profiles.map((p) => [String(p.id), p.evse_id, p.charging_profile_purpose, String(p.stack_level)]);
  const table = [['id', 'evse_id', 'purpose', 'stack_level'], ...rows];
  const widths = table[0]!.map((_, column) => Math.max(...table.map((row) => row[column]!.length)));
  const lines = table.map((row) => `  ${row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()}`);
  output.line(`scp: ${profiles.length} charging profiles:\n${lines.map(printable).join('\n')}\n`);
}

/** One line per request the simulator handled: JSON with --json, else a short human line. */
export function showServiceLog(output: Output, entry: ServiceLogEntry, kind: Showing): void {
  if (output.json) {
    output.stdout.write(`${JSON.stringify(entry)}\n`);
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
  const status = entry.status === 'accepted' ? output.colors.green(entry.status) : output.colors.yellow(entry.status);
  output.stdout.write(
    printable(`${entry.time} ${entry.station === undefined ? '' : `station ${entry.station} `}${entry.request_id} ${kind.command} ${entry.asked ? kind.describe(entry.asked) : 'an invalid request'}: ${removed} -> `) +
      status +
      printable(`${info}${how.length ? ` [${how.join(', ')}]` : ''}`) +
      '\n',
  );
}
