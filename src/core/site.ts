/**
 * What a site draws (#45, first step: the calculation): the composite schedules of several EVSEs, perhaps on several
 * stations, summed on absolute time into one schedule in W, and where that total exceeds the site's grid limit. Each
 * answer has its own schedule_start (stations answer a second or so apart), so the sum runs over the union of their
 * windows: an EVSE outside its own window adds nothing there (its answer says nothing about that time). A limit in A
 * is converted with its period's phases (3 where the answer gives none) and the supply voltage, as libocpp converts.
 * Pure.
 */
import type { CompositeSchedule } from './generated/types.js';

/** One summed stretch: from `start_period` (seconds from the sum's start), the total in W, each EVSE's part in W, and
 * whether the total is over the site's limit. */
export interface SumPeriod {
  start_period: number;
  limit: number;
  parts: number[];
  over: boolean;
}

export interface SiteSum {
  schedule_start: string;
  duration: number;
  unit: 'W';
  periods: SumPeriod[];
}

const DEFAULT_PHASES = 3;

/** A period's limit in W: as given, or A x volts x phases. */
function watts(schedule: CompositeSchedule, period: CompositeSchedule['charging_schedule_period'][number], volts: number): number {
  if (schedule.charging_rate_unit === 'W') return period.limit;
  return period.limit * volts * (period.number_of_phases_available ?? DEFAULT_PHASES);
}

/**
 * For steps starting at `starts` and moments `times`, both ascending: the index of the step in force at each moment
 * (-1 before the first). One walk over both, not a search per moment: a site of 20 EVSEs with 1,000 periods each has
 * 20,000 moments to look up in each of them (a search per moment took the sum 0.6 s and its picture 100 s).
 */
export function stepIndexes(starts: readonly number[], times: readonly number[]): number[] {
  const indexes: number[] = [];
  let i = -1;
  for (const time of times) {
    while (i + 1 < starts.length && starts[i + 1]! <= time) i++;
    indexes.push(i);
  }
  return indexes;
}

/** What one schedule asks at each of `times` (ms since the epoch, ascending), in W: 0 outside its window, and before
 * its first period's start that period's limit. Its periods are taken in the order of their starts, as OCPP orders
 * them. */
function wattsAt(schedule: CompositeSchedule, times: readonly number[], volts: number): number[] {
  const start = Date.parse(schedule.schedule_start);
  const periods = [...schedule.charging_schedule_period].sort((a, b) => a.start_period - b.start_period);
  const indexes = stepIndexes(periods.map((period) => start + period.start_period * 1000), times);
  return times.map((at, t) => {
    const offset = (at - start) / 1000;
    return offset < 0 || offset >= schedule.duration ? 0 : watts(schedule, periods[Math.max(0, indexes[t]!)]!, volts);
  });
}

/** Every moment (ms since the epoch) where any schedule's limit may change, in order. */
function boundaries(schedules: readonly CompositeSchedule[]): number[] {
  const times = new Set<number>();
  for (const schedule of schedules) {
    const start = Date.parse(schedule.schedule_start);
    times.add(start).add(start + schedule.duration * 1000);
    for (const period of schedule.charging_schedule_period) if (period.start_period < schedule.duration) times.add(start + period.start_period * 1000);
  }
  return [...times].sort((a, b) => a - b);
}

/** The schedules summed, in W, over the union of their windows; `siteLimitW` marks the periods over it. */
export function sumSchedules(schedules: readonly CompositeSchedule[], { volts = 230, siteLimitW }: { volts?: number; siteLimitW?: number } = {}): SiteSum {
  if (schedules.length === 0) throw new Error('sumSchedules: no schedule to sum');
  const times = boundaries(schedules);
  const start = times[0]!;
  const periods: SumPeriod[] = [];
  const starts = times.slice(0, -1);
  const columns = schedules.map((schedule) => wattsAt(schedule, starts, volts));
  for (const [t, at] of starts.entries()) {
    const parts = columns.map((column) => column[t]!);
    const limit = Math.round(parts.reduce((sum, part) => sum + part, 0) * 10) / 10;
    const over = siteLimitW !== undefined && limit > siteLimitW;
    const last = periods.at(-1);
    if (last && last.limit === limit && last.over === over && last.parts.every((part, i) => part === parts[i])) continue;
    periods.push({ start_period: (at - start) / 1000, limit, parts, over });
  }
  return { schedule_start: new Date(start).toISOString().replace(/\.000Z$/, 'Z'), duration: (times.at(-1)! - start) / 1000, unit: 'W', periods };
}
