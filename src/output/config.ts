/**
 * `scp config`'s results: the settings and where each came from, the config file's path, a valid file's summary,
 * and profile names. On stdout, one JSON object with --json.
 */
import type { Output } from './render.js';
import { printable } from './plain.js';

/** `scp config show`: each connection setting, its value (never a secret) and where it came from. */
export interface SettingsReport {
  config: { path: string; exists: boolean; named: string | null };
  profile: { name: string; from: string } | null;
  settings: Array<{ name: string; value: string | boolean | null; source: string }>;
}

export function showSettings(output: Output, report: SettingsReport): void {
  const { stdout } = output;
  if (output.json) {
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
  const lines = rows.map((row) => `${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padEnd(widths[1]!)}  ${output.colors.dim(row[2]!)}`.trimEnd());
  stdout.write(`${lines.map(printable).join('\n')}\n`);
}

/** `scp config path`: the path alone (for `$EDITOR "$(scp config path)"`), or a JSON object. */
export function showConfigPath(output: Output, path: string, exists: boolean, named: string | null): void {
  output.stdout.write(output.json ? `${JSON.stringify({ path, exists, named })}\n` : `${printable(path)}\n`);
  if (!output.json && !exists) output.note(`(no file there yet)`);
}

/** `scp config validate` on a valid file. */
export function showValid(output: Output, result: { path: string; profiles: string[]; default_profile: string | null }): void {
  if (output.json) {
    output.stdout.write(`${JSON.stringify({ valid: true, ...result })}\n`);
    return;
  }
  const profiles = result.profiles.length ? `profiles ${result.profiles.join(', ')}` : 'no profiles';
  const fallback = result.default_profile ? `; default ${result.default_profile}` : '';
  output.stdout.write(`${printable(`${result.path}: valid (${profiles}${fallback})`)}\n`);
}

/** One name per line, for shell completion and `xargs`. */
export function showNames(output: Output, names: readonly string[]): void {
  if (output.json) output.stdout.write(`${JSON.stringify(names)}\n`);
  else if (names.length) output.stdout.write(`${names.map(printable).join('\n')}\n`);
}
