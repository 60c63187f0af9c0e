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

/** What one schedule asks at absolute second `at` (ms since the epoch), in W; 0 outside its window. */
function wattsAt(schedule: CompositeSchedule, at: number, volts: number): number {
  const offset = (at - Date.parse(schedule.schedule_start)) / 1000;
  if (offset < 0 || offset >= schedule.duration) return 0;
  const periods = schedule.charging_schedule_period;
  let current = periods[0]!;
  for (const period of periods) if (period.start_period <= offset) current = period;
  return watts(schedule, current, volts);
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
  for (const at of times.slice(0, -1)) {
    const parts = schedules.map((schedule) => wattsAt(schedule, at, volts));
    const limit = Math.round(parts.reduce((sum, part) => sum + part, 0) * 10) / 10;
    const over = siteLimitW !== undefined && limit > siteLimitW;
    const last = periods.at(-1);
    if (last && last.limit === limit && last.over === over && last.parts.every((part, i) => part === parts[i])) continue;
    periods.push({ start_period: (at - start) / 1000, limit, parts, over });
  }
  return { schedule_start: new Date(start).toISOString().replace(/\.000Z$/, 'Z'), duration: (times.at(-1)! - start) / 1000, unit: 'W', periods };
}
