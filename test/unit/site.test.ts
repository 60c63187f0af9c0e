/** What a site draws (src/core/site.ts, #45's first step): composite schedules summed on absolute time, in W. */
import { describe, expect, it } from 'vitest';
import { sumSchedules } from '../../src/core/site.js';
import type { CompositeSchedule } from '../../src/core/generated/types.js';

const schedule = (start: string, duration: number, unit: 'A' | 'W', periods: Array<[number, number, (1 | 2 | 3)?]>): CompositeSchedule => ({
  evse_id: 'x',
  schedule_start: start,
  duration,
  charging_rate_unit: unit,
  charging_schedule_period: periods.map(([start_period, limit, phases]) => ({ start_period, limit, ...(phases === undefined ? {} : { number_of_phases_available: phases }) })) as CompositeSchedule['charging_schedule_period'],
});

describe('sumSchedules', () => {
  it('adds A and W alike, in W: A x volts x the period\'s phases (3 where none is given)', () => {
    const sum = sumSchedules([schedule('2026-12-01T18:00:00Z', 3600, 'A', [[0, 16], [1800, 10, 1]]), schedule('2026-12-01T18:00:00Z', 3600, 'W', [[0, 11000]])]);
    expect(sum).toEqual({
      schedule_start: '2026-12-01T18:00:00Z',
      duration: 3600,
      unit: 'W',
      periods: [
        { start_period: 0, limit: 16 * 230 * 3 + 11000, parts: [11040, 11000], over: false },
        { start_period: 1800, limit: 2300 + 11000, parts: [2300, 11000], over: false },
      ],
    });
  });

  it('aligns answers on absolute time, over the union of their windows (an EVSE adds nothing outside its own)', () => {
    const sum = sumSchedules([schedule('2026-12-01T18:00:00Z', 60, 'W', [[0, 1000]]), schedule('2026-12-01T18:00:01Z', 60, 'W', [[0, 2000], [30, 500]])]);
    expect(sum.duration).toBe(61);
    expect(sum.periods.map(({ start_period, limit }) => [start_period, limit])).toEqual([
      [0, 1000],
      [1, 3000],
      [31, 1500],
      [60, 500],
    ]);
  });

  it('marks where the total is over the site limit, and only there', () => {
    const sum = sumSchedules([schedule('2026-12-01T18:00:00Z', 7200, 'A', [[0, 32], [3600, 16]]), schedule('2026-12-01T18:00:00Z', 7200, 'A', [[0, 32]])], { siteLimitW: 40000, volts: 230 });
    expect(sum.periods.map(({ limit, over }) => [limit, over])).toEqual([
      [44160, true],
      [33120, false],
    ]);
  });

  it('uses the supply voltage given', () => {
    expect(sumSchedules([schedule('2026-12-01T18:00:00Z', 60, 'A', [[0, 10, 1]])], { volts: 240 }).periods[0]!.limit).toBe(2400);
  });
});
