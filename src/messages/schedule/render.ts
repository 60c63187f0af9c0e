/**
 * A composite schedule as a person reads it: a header, one row per period with absolute times, and (on a terminal,
 * or with --chart) a step chart of the limit over the window. Pure: returns lines for render.ts to write; colour
 * comes from the chalk instance it is given, so nothing is coloured where colour is not allowed.
 */
import type { CompositeSchedule } from '../../core/generated/types.js';
import type { ResultView } from '../kind.js';
import { printable } from '../../output/plain.js';
import { clockTime, crossesMidnight, datedClock, localTime, zoneOf } from '../../output/time.js';
import type { Explanation, ProfileRef } from '../../core/explain.js';


/** 86400 -> `1d`, 5400 -> `1h 30m`. */
export function spokenDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) parts.push(`${Math.floor(rest / size)}${unit}`);
    rest %= size;
  }
  return parts.join(' ') || '0s';
}

/** The limit with its unit; W at or above 1000 as kW to 0.1. */
export function spokenLimit(limit: number, unit: 'A' | 'W'): string {
  if (unit === 'W' && limit >= 1000) return `${(limit / 1000).toFixed(1)} kW`;
  return `${limit} ${unit}`;
}

/** Period `i`'s start and end in local time: from its own start (seconds from `start`, ms since the epoch) to the
 * next one's, or the window's end. */
export function periodSpan(start: number, periods: readonly { start_period: number }[], i: number, duration: number): [string, string] {
  return [localTime(new Date(start + periods[i]!.start_period * 1000)), localTime(new Date(start + (periods[i + 1]?.start_period ?? duration) * 1000))];
}

/** Whether to draw the step chart: on a terminal unless --no-chart, elsewhere only with --chart. */
export const chartWanted = (view: Pick<ResultView, 'options' | 'terminal'>) => (view.options.chart === undefined ? view.terminal : view.options.chart === true);

/** Rows as columns padded to their widest cell. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

/** The header and one row per period. */
function periodTable(schedule: CompositeSchedule, view: ResultView): string[] {
  const start = Date.parse(schedule.schedule_start);
  const first = new Date(start);
  const periods = schedule.charging_schedule_period;
  const rows = periods.map((period, i) => [
    ...periodSpan(start, periods, i, schedule.duration),
    spokenLimit(period.limit, schedule.charging_rate_unit),
    period.number_of_phases_available === undefined ? '-' : `${period.number_of_phases_available}${period.phase_to_use === undefined ? '' : ` (phase ${period.phase_to_use})`}`,
  ]);
  const header = table([
    ['EVSE', printable(schedule.evse_id)],
    ['start', `${localTime(first)} ${zoneOf(first)} (${schedule.schedule_start})`],
    ['duration', `${spokenDuration(schedule.duration)} (${schedule.duration} s)`],
    ['unit', schedule.charging_rate_unit],
  ]);
  const [head, ...body] = table([['from', 'to', 'limit', 'phases'], ...rows]);
  return [...header, '', view.color.dim(head!), ...body];
}

const EIGHTHS = ' ▁▂▃▄▅▆▇█';
const CHART_ROWS = 8;

/** The lowest limit over each column's slice of the window, so that a dip is never hidden by the column it falls in;
 * or, where a line marks a limit not to pass (a site's), the highest, so that a peak over it is never hidden either. */
function columnLimits(schedule: CompositeSchedule, columns: number, pick: (a: number, b: number) => number = Math.min): number[] {
  const periods = schedule.charging_schedule_period;
  const values: number[] = [];
  let p = 0;
  for (let column = 0; column < columns; column++) {
    const from = (column * schedule.duration) / columns;
    const to = ((column + 1) * schedule.duration) / columns;
    while (p + 1 < periods.length && periods[p + 1]!.start_period <= from) p++;
    let picked = periods[p]!.limit;
    for (let q = p + 1; q < periods.length && periods[q]!.start_period < to; q++) picked = pick(picked, periods[q]!.limit);
    values.push(picked);
  }
  return values;
}

/** Time labels under the axis at the start, middle and end, where they fit; with the date when the window crosses a
 * local midnight (`04:42 ... 04:42` would not say which day). */
function timeAxis(schedule: CompositeSchedule, columns: number, indent: number): string {
  const start = Date.parse(schedule.schedule_start);
  const dated = crossesMidnight(start, schedule.duration);
  const label = (offset: number) => {
    const time = new Date(start + offset * 1000);
    return dated ? datedClock(time) : clockTime(time);
  };
  const line = Array.from({ length: columns + 1 }, () => ' ');
  for (const [at, offset] of [[0, 0], [Math.floor(columns / 2), schedule.duration / 2], [columns, schedule.duration]] as const) {
    const text = label(offset);
    const from = Math.min(Math.max(0, at - (at === 0 ? 0 : at === columns ? text.length : Math.floor(text.length / 2))), columns + 1 - text.length);
    if (line.slice(Math.max(0, from - 1), from + text.length + 1).some((c) => c !== ' ')) continue;
    for (const [i, c] of [...text].entries()) line[from + i] = c;
  }
  return `${' '.repeat(indent)}${line.join('').trimEnd()}`;
}

/** A line across the chart that the limit must not pass (a site's grid limit), with its label. */
export interface ChartLine {
  value: number;
  label: string;
}

/**
 * The step chart: eighth blocks for height, one column per slice of the window, fitted to the terminal's width. With
 * a `line` (the site's limit): drawn dashed across the columns that stay under it, and the columns that pass it red.
 */
export function chart(schedule: CompositeSchedule, view: Pick<ResultView, 'color' | 'columns'>, line?: ChartLine): string[] {
  const unit = schedule.charging_rate_unit;
  const limits = [...new Set(schedule.charging_schedule_period.map((period) => period.limit))].sort((a, b) => b - a);
  const top = Math.max(limits[0]!, line?.value ?? 0);
  const eighths = (limit: number) => (top > 0 ? Math.round((limit / top) * CHART_ROWS * 8) : 0);
  const rowOf = (limit: number) => CHART_ROWS - 1 - Math.floor((eighths(limit) - 1) / 8);
  // Each distinct limit is named on the row its bars end in (the highest, where two end in one row), and 0 at the
  // axis; the line is named at its right end, so that a peak in its row keeps its own label.
  const rowLabels = new Map<number, string>();
  for (const limit of limits) if (eighths(limit) > 0 && !rowLabels.has(rowOf(limit))) rowLabels.set(rowOf(limit), spokenLimit(limit, unit));
  const zero = spokenLimit(0, unit);
  const indent = Math.max(zero.length, ...[...rowLabels.values()].map((label) => label.length)) + 1;
  const columns = Math.max(10, Math.min(view.columns, 120) - indent - 2 - (line ? line.label.length + 1 : 0));
  const values = columnLimits(schedule, columns, line ? Math.max : Math.min);
  const levels = values.map(eighths);
  const lineRow = line && eighths(line.value) > 0 ? rowOf(line.value) : undefined;
  const lines: string[] = [];
  for (let row = 0; row < CHART_ROWS; row++) {
    const floor = (CHART_ROWS - 1 - row) * 8;
    // Runs of one colour, each coloured once: a cell at a time would be an escape sequence per character.
    const runs: Array<{ red: boolean; text: string }> = [];
    levels.forEach((level, i) => {
      let cell = EIGHTHS[Math.min(8, Math.max(0, level - floor))]!;
      const red = line !== undefined && (values[i]! > line.value || (row === lineRow && cell === ' '));
      if (row === lineRow && cell === ' ') cell = '╌';
      if (runs.at(-1)?.red === red) runs.at(-1)!.text += cell;
      else runs.push({ red, text: cell });
    });
    const cells = runs.map((run) => (run.red ? view.color.red(run.text) : view.color.cyan(run.text))).join('');
    const label = rowLabels.get(row) ?? '';
    const named = row === lineRow ? ` ${view.color.red(line!.label)}` : '';
    lines.push(`${label.padStart(indent - 1)} ${label ? '┤' : '│'}${cells}${named}`.trimEnd());
  }
  lines.push(`${zero.padStart(indent - 1)} └${'─'.repeat(columns)}`);
  lines.push(timeAxis(schedule, columns, indent + 1));
  return lines;
}

/** A profile as the explanation names it: `profile 4 (TxDefaultProfile, EVSE GB*SEV*E002, stack level 0)`. */
function profileName(profile: ProfileRef): string {
  const where = profile.evse_id === '0' ? 'the station' : `EVSE ${profile.evse_id}`;
  return printable(`profile ${profile.id} (${profile.charging_profile_purpose}, ${where}, stack level ${profile.stack_level})`);
}

/** --explain under the chart: what sets each period's limit, then each profile that sets none, and why. */
function explainLines(explain: Explanation, schedule: CompositeSchedule, view: ResultView): string[] {
  const start = Date.parse(schedule.schedule_start);
  const rows = explain.periods.map((period, i) => [
    ...periodSpan(start, explain.periods, i, schedule.duration),
    spokenLimit(period.limit, schedule.charging_rate_unit),
    period.profiles.length === 0 ? "the station's default: no profile limits" : period.profiles.map(profileName).join(', '),
  ]);
  const [head, ...body] = table([['from', 'to', 'limit', 'set by'], ...rows]);
  const lines = ['', view.color.bold('Why: what sets each period'), view.color.dim(head!), ...body];
  if (explain.unused.length === 0) return [...lines, '', 'Every profile the station holds sets a limit in this window.'];
  lines.push('', view.color.bold('Profiles that set no limit in this window'));
  for (const unused of explain.unused) {
    const by = unused.by?.length ? `: ${unused.by.map((profile) => `profile ${profile.id}`).join(', ')}` : '';
    lines.push(`${profileName(unused)}: ${printable(unused.reason)}${by}`);
  }
  return lines;
}

/**
 * What `scp schedule` prints under the status: the table, the chart on a terminal unless --no-chart (or with
 * --chart), and with --explain (offline) why.
 */
export function scheduleLines(schedule: CompositeSchedule, view: ResultView): string[] {
  const wanted = chartWanted(view);
  const explained = view.explain ? explainLines(view.explain as Explanation, schedule, view) : [];
  return [...periodTable(schedule, view), ...(wanted ? ['', ...chart(schedule, view)] : []), ...explained];
}
