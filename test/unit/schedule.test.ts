/**
 * `scp schedule`'s registry entry and how a schedule reads: building the request from flags (one refusal per flag,
 * in its words), the answer's outcome, and the table and step chart (pure lines, coloured only by the chalk given).
 */
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { buildRequest, CHECK_ID, parseInputLine } from '../../src/messages/kind.js';
import { schedule, type ScheduleInput } from '../../src/messages/schedule/index.js';
import { scheduleLines, spokenDuration, spokenLimit } from '../../src/messages/schedule/render.js';
import { set } from '../../src/messages/set/index.js';
import { BUILT_IN_PROFILES } from '../../src/simulator/profiles.js';
import type { CompositeSchedule, GetCompositeScheduleResponse } from '../../src/core/generated/types.js';

const build = (input: ScheduleInput) => buildRequest(schedule, input, () => CHECK_ID).data;
const refusal = (input: ScheduleInput) => {
  try {
    build(input);
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
};

describe('the schedule request from flags', () => {
  it('names the EVSE, a day by default, and the unit only when asked', () => {
    expect(build({ evse: '3' })).toEqual({ evse_id: '3', duration: 86400 });
    expect(build({ evse: '0', duration: '90m', unit: 'W' })).toEqual({ evse_id: '0', duration: 5400, charging_rate_unit: 'W' });
    expect(build({ evse: 'GB*SEV*E1', duration: '3600' })).toEqual({ evse_id: 'GB*SEV*E1', duration: 3600 });
  });

  it('refuses each bad value with the flag and what is allowed', () => {
    expect(refusal({})).toBe('--evse: required (the EVSE, exactly as the station names it; 0 for the whole station)');
    expect(refusal({ evse: '3', duration: '0' })).toBe('--duration: "0" is not allowed; expected a whole number of seconds above 0, or 30m, 2h, 1d');
    expect(refusal({ evse: '3', duration: '2.5h' })).toMatch(/^--duration: "2.5h" is not allowed/);
    expect(refusal({ evse: '3', unit: 'kW' })).toBe('--unit: "kW" is not allowed; expected A or W');
    expect(refusal({ evse: '' })).toMatch(/^--evse: "" is not allowed/);
  });

  it('an input line is request data, checked by the schema', () => {
    expect(parseInputLine(schedule, '{"evse_id": "3", "duration": 60}')).toEqual({ kind: 'request', data: { evse_id: '3', duration: 60 } });
    expect(parseInputLine(schedule, '{"evse_id": "3", "duration": 0}').kind).toBe('invalid');
    expect(parseInputLine(schedule, '3')).toEqual({ kind: 'invalid', reason: 'expected a JSON object like {"evse_id": "3", "duration": 3600}' });
  });

  it('Accepted is the accepted outcome, Rejected the rejected one; a question asks no confirmation', () => {
    const answer = (status: 'Accepted' | 'Rejected'): GetCompositeScheduleResponse => ({ id: CHECK_ID, name: 'get_composite_schedule', type: 'response', data: { status } });
    expect(schedule.summarize(answer('Accepted'))).toEqual({ outcome: 'accepted', status: 'Accepted' });
    expect(schedule.summarize(answer('Rejected'))).toEqual({ outcome: 'rejected', status: 'Rejected' });
    expect(schedule.confirmation({ id: CHECK_ID, name: 'get_composite_schedule', type: 'request', data: { evse_id: '3', duration: 60 } })).toBeUndefined();
    expect(schedule.options.map((option) => option.flags)).not.toContain('-y, --yes');
  });
});

const SCHEDULE: CompositeSchedule = {
  evse_id: '3',
  duration: 7200,
  schedule_start: '2026-12-01T18:00:00Z',
  charging_rate_unit: 'A',
  charging_schedule_period: [
    { start_period: 0, limit: 32, number_of_phases_available: 3 },
    { start_period: 3600, limit: 8, number_of_phases_available: 1, phase_to_use: 2 },
  ],
};
const view = (options: Record<string, unknown>, level: 0 | 1 = 0, terminal = true, columns = 60) => ({ color: new Chalk({ level }), terminal, columns, options });

describe('how a schedule reads', () => {
  it('limits with their unit, W at or above 1000 as kW to 0.1; durations in words', () => {
    expect([spokenLimit(16, 'A'), spokenLimit(15.9, 'A'), spokenLimit(999, 'W'), spokenLimit(1000, 'W'), spokenLimit(7400, 'W'), spokenLimit(33120, 'W')]).toEqual([
      '16 A',
      '15.9 A',
      '999 W',
      '1.0 kW',
      '7.4 kW',
      '33.1 kW',
    ]);
    expect([spokenDuration(86400), spokenDuration(5400), spokenDuration(90061), spokenDuration(59)]).toEqual(['1d', '1h 30m', '1d 1h 1m 1s', '59s']);
  });

  it('rows with absolute local times, the phases and the phase to use; the chart on a terminal, fitted to its width', () => {
    process.env.TZ = 'UTC';
    const lines = scheduleLines(SCHEDULE, view({}));
    expect(lines.slice(0, 9)).toEqual([
      'EVSE      3',
      'start     2026-12-01 18:00:00 UTC (2026-12-01T18:00:00Z)',
      'duration  2h (7200 s)',
      'unit      A',
      '',
      'from                 to                   limit  phases',
      '2026-12-01 18:00:00  2026-12-01 19:00:00  32 A   3',
      '2026-12-01 19:00:00  2026-12-01 20:00:00  8 A    1 (phase 2)',
      '',
    ]);
    const chart = lines.slice(9);
    expect(chart).toHaveLength(10);
    for (const line of chart) expect(line.length, line).toBeLessThanOrEqual(60);
    // 32 A fills the top row for the first hour; 8 A is two rows of eight: the bottom two rows to the end.
    expect(chart[0]).toMatch(/^32 A ┤█+$/);
    // Each distinct limit named on the row its bars end in (#44: a step to 8 A had no label), 0 at the axis.
    expect(chart[6]).toMatch(/^ 8 A ┤█+$/);
    expect(chart[5]).toMatch(/^ {5}│█+$/);
    expect(chart[8]).toMatch(/^ 0 A └─+$/);
    expect(chart[9]).toMatch(/^ {6}18:00 +19:00 +20:00$/);
    expect(chart[6]!.length).toBe(chart[7]!.length);
    expect(chart[5]!.length).toBeLessThan(chart[6]!.length);
    expect(chart.join('\n')).not.toMatch(/\u001b/);
    expect(scheduleLines(SCHEDULE, view({}, 1)).join('\n')).toMatch(/\u001b\[36m/);
  });

  it('a window that crosses midnight dates its axis labels (#44); one within a day does not', () => {
    process.env.TZ = 'UTC';
    const day = { ...SCHEDULE, schedule_start: '2026-12-01T16:42:00Z', duration: 86400 };
    expect(scheduleLines(day, view({})).at(-1)).toMatch(/^ +12-01 16:42 +12-02 04:42 +12-02 16:42$/);
    const evening = { ...SCHEDULE, schedule_start: '2026-12-01T20:00:00Z', duration: 7200 };
    expect(scheduleLines(evening, view({})).at(-1)).toMatch(/^ +20:00 +21:00 +22:00$/);
    const late = { ...SCHEDULE, schedule_start: '2026-12-01T23:00:00Z', duration: 7200 };
    expect(scheduleLines(late, view({})).at(-1)).toMatch(/^ +12-01 23:00 +12-02 00:00 +12-02 01:00$/);
  });

  it('--no-chart on a terminal and a pipe without --chart leave it out; --chart draws it in a pipe', () => {
    expect(scheduleLines(SCHEDULE, view({ chart: false }))).toHaveLength(8);
    expect(scheduleLines(SCHEDULE, view({}, 0, false))).toHaveLength(8);
    expect(scheduleLines(SCHEDULE, view({ chart: true }, 0, false)).length).toBeGreaterThan(8);
  });

  it('a dip shorter than a column still shows: each column is the lowest limit in its slice', () => {
    const dip: CompositeSchedule = { ...SCHEDULE, duration: 86400, charging_schedule_period: [{ start_period: 0, limit: 32 }, { start_period: 40000, limit: 0 }, { start_period: 40060, limit: 32 }] };
    const top = scheduleLines(dip, view({}, 0, true, 60)).find((line) => line.includes('┤'))!;
    expect(top.replace(/^.*┤/, '')).toMatch(/^█+ █+$/);
  });
});

describe('the built-in station', () => {
  it('holds whole profiles that set\'s schema accepts, for the EVSEs clear selects on', () => {
    for (const profile of BUILT_IN_PROFILES) {
      const data = { ...(profile.evse_id === '0' ? {} : { evse_id: profile.evse_id }), charging_profile: profile.charging_profile! };
      const checked = set.checkRequestOnWire({ id: CHECK_ID, name: 'set_charging_profile', type: 'request', data });
      expect(checked.ok, JSON.stringify(checked)).toBe(true);
      expect([profile.charging_profile!.charging_profile_purpose, profile.charging_profile!.stack_level]).toEqual([profile.charging_profile_purpose, profile.stack_level]);
    }
  });
});
