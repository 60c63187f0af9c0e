/** What a site draws (#45): composite schedules summed on absolute time, in W (src/core/site.ts), the report of a run's
 * records (messages/schedule/sum.ts), its picture (output/svg.ts) and how a site over its limit weighs in the exit. */
import { describe, expect, it } from 'vitest';
import { stepIndexes, sumSchedules } from '../../src/core/site.js';
import type { CompositeSchedule } from '../../src/core/generated/types.js';
import type { StreamRecord } from '../../src/core/outcome.js';
import { InterruptedError, OverLimitError, exitStatus } from '../../src/core/errors.js';
import { siteReport, sumLines, sumRecord, sumSettings } from '../../src/messages/schedule/sum.js';
import { PLAIN } from '../../src/output/plain.js';
import { svgOf } from '../../src/output/svg.js';

const schedule = (start: string, duration: number, unit: 'A' | 'W', periods: Array<[number, number, (1 | 2 | 3)?]>): CompositeSchedule => ({
  evse_id: 'x',
  schedule_start: start,
  duration,
  charging_rate_unit: unit,
  charging_schedule_period: periods.map(([start_period, limit, phases]) => ({ start_period, limit, ...(phases === undefined ? {} : { number_of_phases_available: phases }) })) as CompositeSchedule['charging_schedule_period'],
});

describe('stepIndexes', () => {
  it('gives the step in force at each moment, -1 before the first, in one walk over both lists', () => {
    expect(stepIndexes([0, 10, 20], [-1, 0, 5, 10, 19, 20, 99])).toEqual([-1, 0, 0, 1, 1, 2, 2]);
    expect(stepIndexes([], [0, 1])).toEqual([-1, -1]);
  });
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

describe('the site report (messages/schedule/sum.ts)', () => {
  const record = (over: Partial<StreamRecord>): StreamRecord => ({ request: null, response: null, outcome: 'accepted', elapsed_ms: 1, line: 1, input: '', ...over });
  const answered = (evse: string, station: string, line: number) =>
    record({
      line,
      station,
      request: { id: 'x', name: 'get_composite_schedule', type: 'request', data: { evse_id: evse, duration: 60 } },
      response: { id: 'x', name: 'get_composite_schedule', type: 'response', data: { status: 'Accepted', schedule: schedule('2026-12-01T18:00:00Z', 60, 'A', [[0, 10]]) } },
    });

  it('sums the accepted answers and lists every other record as missing, naming a line that was never sent by what it says', () => {
    const report = siteReport(
      [answered('1', 'north', 1), record({ line: 2, outcome: 'invalid_input', input: '{"station": "south", "evse_id": "9", "duration": -1}' }), record({ line: 3, outcome: 'timeout', station: 'east', request: { id: 'y', name: 'get_composite_schedule', type: 'request', data: { evse_id: '4', duration: 60 } } })],
      { volts: 230, siteLimitW: 5000 },
    );
    expect(report.sum?.periods).toEqual([{ start_period: 0, limit: 6900, parts: [6900], over: true }]);
    expect(report.over).toBe(true);
    expect(report.missing).toEqual([
      { line: 2, station: 'south', evse_id: '9', outcome: 'invalid_input' },
      { line: 3, station: 'east', evse_id: '4', outcome: 'timeout' },
    ]);
  });

  it('with no answer to sum, the record says so: no start, no periods, everyone missing', () => {
    const report = siteReport([record({ outcome: 'rejected', input: 'not json' })], { volts: 230 });
    expect(sumRecord(report)).toEqual({ sum: { unit: 'W', schedule_start: null, duration: 0, site_limit: null, periods: [], missing: [{ line: 1, evse_id: '?', outcome: 'rejected' }] } });
  });

  it('--site-limit takes any unit --limit takes; A is per phase of a three-phase connection', () => {
    expect(sumSettings({ siteLimit: '40kW' })).toEqual({ volts: 230, siteLimitW: 40000 });
    expect(sumSettings({ siteLimit: '63a', supplyVoltage: '240' })).toEqual({ volts: 240, siteLimitW: 63 * 240 * 3 });
    expect(() => sumSettings({ siteLimit: '40' })).toThrow(/^--site-limit: "40" is not allowed/);
  });
});

describe('the SVG picture (output/svg.ts)', () => {
  it('escapes what a station names, so that an EVSE id cannot break the file or add to it', () => {
    const svg = svgOf({ title: 'EVSE <script>&"', start: Date.parse('2026-12-01T18:00:00Z'), duration: 3600, unit: 'W', series: [{ label: 'a</text><x>', steps: [[0, 1000]] }] });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('</text><x>');
    expect(svg).toContain('EVSE &#60;script&#62;&#38;&#34;');
    // Every element opened is closed: a well-formed file, as a browser needs it.
    const opened = [...svg.matchAll(/<(\w+)[^>]*?(\/?)>/g)].filter((m) => m[2] !== '/').map((m) => m[1]);
    const closed = [...svg.matchAll(/<\/(\w+)>/g)].map((m) => m[1]);
    expect(opened.sort()).toEqual(closed.sort());
  });

  it('draws nothing below zero and grows to fit the legend of many EVSEs', () => {
    const series = Array.from({ length: 30 }, (_, i) => ({ label: `station ${i}, EVSE GB*SEV*E00${i}`, steps: [[0, 1000]] as Array<readonly [number, number]> }));
    const few = svgOf({ title: 't', start: 0, duration: 60, unit: 'W', series: series.slice(0, 2) });
    const many = svgOf({ title: 't', start: 0, duration: 60, unit: 'W', series });
    const height = (svg: string) => Number(/height="(\d+)"/.exec(svg)![1]);
    expect(height(many)).toBeGreaterThan(height(few) + 5 * 20);
  });
});

describe('exit status with a finding', () => {
  it('weighs a finding as its code, beside the outcomes: the worst wins, an error still decides alone', () => {
    const over = new OverLimitError('over');
    expect(exitStatus({ outcomes: ['accepted'], findings: [over] })).toBe(1);
    expect(exitStatus({ outcomes: ['accepted', 'timeout'], findings: [over] })).toBe(3);
    expect(exitStatus({ outcomes: ['accepted'], findings: [] })).toBe(0);
    expect(exitStatus({ outcomes: ['accepted'], error: new InterruptedError('x', 'SIGINT'), findings: [over] })).toBe(130);
  });
});

describe('the sum\'s table (messages/schedule/sum.ts sumLines)', () => {
  const wide = Array.from({ length: 8 }, (_, i) => ({
    request: { id: `${i}`, name: 'get_composite_schedule', type: 'request', data: { evse_id: `GB*SEV*E00${i}`, duration: 60 } },
    response: { id: `${i}`, name: 'get_composite_schedule', type: 'response', data: { status: 'Accepted', schedule: schedule('2026-12-01T18:00:00Z', 60, 'W', [[0, 1000 * (i + 1)]]) } },
    outcome: 'accepted',
    elapsed_ms: 1,
    line: i + 1,
    input: '',
  })) as StreamRecord[];
  const view = (terminal: boolean, columns: number) => ({ color: PLAIN, terminal, columns, options: { chart: false } });

  it('on a terminal too narrow for every EVSE, leaves their columns out and says so; a pipe gets them all', () => {
    const report = siteReport(wide, { volts: 230 });
    const narrow = sumLines(report, { volts: 230 }, view(true, 80));
    expect(narrow.find((line) => line.startsWith('from'))!.split(/\s{2,}/)).toEqual(['from', 'to', 'total']);
    expect(narrow.at(-1)).toBe('(8 EVSE columns left out to fit the terminal: a pipe or --json has them)');
    expect(Math.max(...narrow.map((line) => line.length))).toBeLessThanOrEqual(80);
    const piped = sumLines(report, { volts: 230 }, view(false, 80));
    expect(piped.find((line) => line.startsWith('from'))!.split(/\s{2,}/)).toHaveLength(11);
    const roomy = sumLines(report, { volts: 230 }, view(true, 200));
    expect(roomy.find((line) => line.startsWith('from'))!.split(/\s{2,}/)).toHaveLength(11);
  });
});
