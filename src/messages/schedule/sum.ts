/**
 * What a site draws (`scp schedule --sum`, #45): a run's composite schedules added up on absolute time in W (the
 * calculation is core/site.ts), shown as one table (a column per answered EVSE, and the total), the total's chart with
 * the site's limit as a line, a `{"sum": ...}` record with --json, and (--svg) a picture that stacks the EVSEs. An
 * EVSE whose answer was not Accepted is missing from the sum, and the sum says it is incomplete. Also the picture of a
 * single answer (`scp schedule --evse 1 --svg`). Loaded only with --sum or --svg.
 */
import { UsageError } from '../../core/errors.js';
import { parseLimit, parseVolts } from '../../core/fields.js';
import type { CompositeSchedule, GetCompositeScheduleResponse } from '../../core/generated/types.js';
import type { ResultRecord, StreamOutcome, StreamRecord } from '../../core/outcome.js';
import { sumSchedules, type SiteSum } from '../../core/site.js';
import { printable } from '../../output/plain.js';
import { svgOf, type Picture } from '../../output/svg.js';
import { localTime, zoneOf } from '../../output/time.js';
import type { ResultView, Summer } from '../kind.js';
import { chart, chartWanted, periodSpan, spokenDuration, spokenLimit, table } from './render.js';

/** How the answers are added: volts to turn A into W, and the site's limit in W, if one was given. */
export interface SumSettings {
  volts: number;
  siteLimitW?: number;
}

/** An EVSE in the sum: where it is, and its answer. */
interface Column {
  station?: string;
  evse_id: string;
  schedule: CompositeSchedule;
}

/** An EVSE (or a line) left out of the sum, and why: its record's outcome. */
export interface Missing {
  line?: number;
  station?: string;
  evse_id: string;
  outcome: StreamOutcome;
}

/** A run's answers added up: the sum (none when no EVSE answered), who is in it, who is missing. */
export interface SiteReport {
  sum?: SiteSum;
  columns: readonly Column[];
  missing: readonly Missing[];
  siteLimitW?: number;
  /** The total passes the site's limit somewhere. */
  over: boolean;
}

/** A site limit in A is the connection's current per phase: W = A x volts x 3 phases. */
const SITE_PHASES = 3;

/** --site-limit and --supply-voltage, checked before anything is sent. */
export function sumSettings(options: Readonly<Record<string, unknown>>): SumSettings {
  const volts = parseVolts(String(options.supplyVoltage ?? '230'));
  if (options.siteLimit === undefined) return { volts };
  const { unit, limit } = parseLimit(String(options.siteLimit), '--site-limit');
  if (!(limit > 0)) throw new UsageError(`--site-limit: ${JSON.stringify(options.siteLimit)} is not allowed; expected a limit above 0, e.g. 40kW or 63A`);
  return { volts, siteLimitW: unit === 'W' ? limit : Math.round(limit * volts * SITE_PHASES * 10) / 10 };
}

/** The EVSE and station a record is about: its request's, else (a line never sent) what its input line names. */
function whereOf(record: ResultRecord | StreamRecord): { station?: string; evse_id: string } {
  const data = record.request?.data as { evse_id?: unknown } | undefined;
  let named: { station?: unknown; evse_id?: unknown } = {};
  if ('input' in record) {
    try {
      named = JSON.parse(record.input) as typeof named;
    } catch {
      named = {};
    }
  }
  const station = record.station ?? (typeof named?.station === 'string' ? named.station : undefined);
  const evse = data?.evse_id ?? named?.evse_id;
  return { ...(station === undefined ? {} : { station }), evse_id: typeof evse === 'string' ? evse : '?' };
}

/** The records of a run added up: every accepted answer's schedule in the sum, every other record missing. */
export function siteReport(records: readonly (ResultRecord | StreamRecord)[], settings: SumSettings): SiteReport {
  const columns: Column[] = [];
  const missing: Missing[] = [];
  for (const record of records) {
    const schedule = (record.response as GetCompositeScheduleResponse | null)?.data?.schedule;
    if (record.outcome === 'accepted' && schedule !== undefined) columns.push({ ...whereOf(record), schedule });
    else missing.push({ ...('line' in record ? { line: record.line } : {}), ...whereOf(record), outcome: record.outcome });
  }
  const options = { volts: settings.volts, ...(settings.siteLimitW === undefined ? {} : { siteLimitW: settings.siteLimitW }) };
  const sum = columns.length === 0 ? undefined : sumSchedules(columns.map((column) => column.schedule), options);
  return { ...(sum ? { sum } : {}), columns, missing, ...(settings.siteLimitW === undefined ? {} : { siteLimitW: settings.siteLimitW }), over: sum?.periods.some((period) => period.over) ?? false };
}

/** The last record of `--json --sum`: the total over time, the limit, who is missing. */
export function sumRecord(report: SiteReport): { sum: object } {
  const { sum } = report;
  return {
    sum: {
      unit: 'W',
      schedule_start: sum?.schedule_start ?? null,
      duration: sum?.duration ?? 0,
      site_limit: report.siteLimitW ?? null,
      periods: (sum?.periods ?? []).map(({ start_period, limit, over }) => ({ start_period, limit, over })),
      missing: report.missing,
    },
  };
}

const columnName = (column: { station?: string; evse_id: string }) => (column.station === undefined ? column.evse_id : `${column.station}/${column.evse_id}`);
const spokenWhere = (where: { line?: number; station?: string; evse_id: string }) =>
  [where.line === undefined ? undefined : `line ${where.line}`, where.station === undefined ? undefined : `station ${where.station}`, `EVSE ${where.evse_id}`].filter(Boolean).join(', ');
const kilowatts = (watts: number) => spokenLimit(watts, 'W');

/** How far the total passes the site's limit (`in 2 periods, by up to 4.2 kW`); undefined: it never does. */
function overWords(report: SiteReport): string | undefined {
  const overs = report.sum?.periods.filter((period) => period.over) ?? [];
  if (overs.length === 0) return undefined;
  const worst = Math.max(...overs.map((period) => period.limit - report.siteLimitW!));
  return `in ${overs.length} period${overs.length === 1 ? '' : 's'}, by up to ${kilowatts(Math.round(worst * 10) / 10)}`;
}

/** The header over the table: who is in the sum, the window, the unit, the limit and how the total stands to it. */
function header(report: SiteReport, sum: SiteSum, volts: number, view: Pick<ResultView, 'color'>): string[] {
  const first = new Date(Date.parse(sum.schedule_start));
  const stations = new Set(report.columns.map((column) => column.station).filter((station) => station !== undefined));
  const rows = [
    ['site', `${report.columns.length} EVSE${report.columns.length === 1 ? '' : 's'}${stations.size > 0 ? ` on ${stations.size} station${stations.size === 1 ? '' : 's'}` : ''}`],
    ['start', `${localTime(first)} ${zoneOf(first)} (${sum.schedule_start})`],
    ['duration', `${spokenDuration(sum.duration)} (${sum.duration} s)`],
    ['unit', `W (an answer in A: x ${volts} V x the period's phases, 3 where none)`],
  ];
  if (report.siteLimitW !== undefined) rows.push(['site limit', `${kilowatts(report.siteLimitW)}: ${report.over ? `over ${overWords(report)}` : 'never over'}`]);
  const lines = table(rows).map(printable);
  if (report.over) lines[lines.length - 1] = view.color.red.bold(lines.at(-1)!);
  return lines;
}

/** Who is missing, and that the total is incomplete without them. */
function missingLines(report: SiteReport, view: Pick<ResultView, 'color'>): string[] {
  if (report.missing.length === 0) return [];
  const who = report.missing.map((where) => `${spokenWhere(where)}: ${where.outcome.replaceAll('_', ' ')}`);
  return [view.color.yellow(printable(`missing: ${who.join('; ')}; the total is incomplete`))];
}

/**
 * The table: from, to, a column per EVSE, the total and how far it is over. On a terminal too narrow for every EVSE's
 * column, the EVSEs' columns are left out (said under the table): a wrapped table is unreadable, and the total is what
 * is asked; a pipe or a file gets them all, as --json does.
 */
function sumTable(report: SiteReport, sum: SiteSum, view: ResultView): string[] {
  const start = Date.parse(sum.schedule_start);
  const rows = (parts: boolean) =>
    sum.periods.map((period, i) => [
      ...periodSpan(start, sum.periods, i, sum.duration),
      ...(parts ? period.parts.map(kilowatts) : []),
      kilowatts(period.limit),
      period.over ? `over by ${kilowatts(Math.round((period.limit - report.siteLimitW!) * 10) / 10)}` : '',
    ]);
  const total = report.missing.length === 0 ? 'total' : 'total (incomplete)';
  const laid = (parts: boolean) => table([['from', 'to', ...(parts ? report.columns.map(columnName) : []), total, ''], ...rows(parts)].map((row) => row.map(printable)));
  let lines = laid(true);
  let note: string[] = [];
  if (view.terminal && report.columns.length > 1 && Math.max(...lines.map((line) => line.length)) > view.columns) {
    lines = laid(false);
    note = [view.color.dim(`(${report.columns.length} EVSE columns left out to fit the terminal: a pipe or --json has them)`)];
  }
  const [head, ...body] = lines;
  return [view.color.dim(head!), ...body.map((line, i) => (sum.periods[i]!.over ? view.color.red(line) : line)), ...note];
}

/** What `scp schedule --sum` prints after the answers' lines: header, table, the chart where wanted. */
export function sumLines(report: SiteReport, settings: SumSettings, view: ResultView): string[] {
  const { sum } = report;
  if (sum === undefined) return [view.color.yellow('no EVSE answered Accepted: nothing to sum'), ...missingLines(report, view)];
  const wanted = chartWanted(view);
  const summed: CompositeSchedule = { evse_id: 'total', schedule_start: sum.schedule_start, duration: sum.duration, charging_rate_unit: 'W', charging_schedule_period: sum.periods.map(({ start_period, limit }) => ({ start_period, limit })) as CompositeSchedule['charging_schedule_period'] };
  const line = report.siteLimitW === undefined ? undefined : { value: report.siteLimitW, label: `limit ${kilowatts(report.siteLimitW)}` };
  return [...header(report, sum, settings.volts, view), ...missingLines(report, view), '', ...sumTable(report, sum, view), ...(wanted ? ['', ...chart(summed, view, line)] : [])];
}

/** The picture of the sum: the EVSEs stacked, the limit as a line, the stretches over it shaded. */
export function sumPicture(report: SiteReport): Picture | undefined {
  const { sum } = report;
  if (sum === undefined) return undefined;
  const over: Array<[number, number]> = [];
  sum.periods.forEach((period, i) => {
    if (period.over) over.push([period.start_period, sum.periods[i + 1]?.start_period ?? sum.duration]);
  });
  const incomplete = report.missing.length === 0 ? '' : ` (incomplete: ${report.missing.length} missing)`;
  const notes = [
    ...(report.siteLimitW === undefined ? [] : [`site limit ${kilowatts(report.siteLimitW)}: ${report.over ? `over ${overWords(report)}` : 'never over'}`]),
    ...(report.missing.length === 0 ? [] : [`missing: ${report.missing.map((where) => `${spokenWhere(where)} (${where.outcome.replaceAll('_', ' ')})`).join('; ')}`]),
  ];
  return {
    title: `What the site draws: ${report.columns.length} EVSE${report.columns.length === 1 ? '' : 's'}${incomplete}`,
    notes,
    start: Date.parse(sum.schedule_start),
    duration: sum.duration,
    unit: 'W',
    series: report.columns.map((column, i) => ({ label: spokenWhere(column), steps: sum.periods.map((period) => [period.start_period, period.parts[i]!] as const) })),
    ...(report.siteLimitW === undefined ? {} : { limit: { value: report.siteLimitW, label: `site limit ${kilowatts(report.siteLimitW)}` } }),
    over,
  };
}

/** The picture of one answer: its limit over the window, in its own unit. */
export function schedulePicture(schedule: CompositeSchedule): Picture {
  return {
    title: `Composite schedule of EVSE ${schedule.evse_id}`,
    start: Date.parse(schedule.schedule_start),
    duration: schedule.duration,
    unit: schedule.charging_rate_unit,
    series: [{ label: `EVSE ${schedule.evse_id}`, steps: schedule.charging_schedule_period.map((period) => [period.start_period, period.limit] as const) }],
  };
}

/** The SVG of a single answer's record (`scp schedule --svg`); undefined: the record holds no schedule. */
export function recordPicture(record: ResultRecord | StreamRecord): string | undefined {
  const schedule = (record.response as GetCompositeScheduleResponse | null)?.data?.schedule;
  return record.outcome === 'accepted' && schedule !== undefined ? svgOf(schedulePicture(schedule)) : undefined;
}

/** The registry's --sum and --svg for get_composite_schedule (kind.ts Summer). */
export const scheduleSummer: Summer<SumSettings> = {
  settings: sumSettings,
  sum: (records, settings) => {
    const report = siteReport(records, settings);
    const picture = sumPicture(report);
    return {
      lines: (view) => sumLines(report, settings, view),
      record: sumRecord(report),
      ...(picture ? { svg: svgOf(picture) } : {}),
      ...(report.over ? { over: `the site's total passes --site-limit ${kilowatts(report.siteLimitW!)} ${overWords(report)}` } : {}),
    };
  },
  picture: recordPicture,
};
