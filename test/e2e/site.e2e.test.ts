/**
 * What a site draws (#45): `scp schedule --sum` over repeated --evse and over --input lines on {station} topics, the
 * total in W on absolute time (answers in A converted with each period's phases and --supply-voltage), `--site-limit`
 * (marked, exit 1, a worse outcome still wins), `--json`'s last `{"sum": ...}` record, `--svg` read back as a picture
 * (rasterised with resvg, its pixels checked), `--offline --sum`, and bad usage that sends nothing. The built bin/scp
 * against a stand-in service with known answers on the embedded broker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync, type MqttClient } from 'mqtt';
import { Resvg } from '@resvg/resvg-js';
import { startEmbeddedBroker, type Broker } from '../helpers/broker.js';
import { testProtocolVersion } from '../helpers/responder.js';
import { runScp } from '../helpers/run.js';
import { PLOT_SPAN } from '../../src/output/svg.js';

type Period = [start: number, limit: number, phases?: 1 | 2 | 3];
/** The stand-in's answers, by station and EVSE: a schedule (its start, unit, periods), or a refusal. */
const KNOWN: Record<string, Record<string, { start: string; unit: 'A' | 'W'; periods: Period[] } | 'Rejected'>> = {
  north: {
    A: { start: '2026-12-01T18:00:00Z', unit: 'A', periods: [[0, 16], [1800, 10, 1]] },
    B: { start: '2026-12-01T18:00:00Z', unit: 'W', periods: [[0, 11000], [2400, 7400]] },
  },
  // A second later: stations answer a moment apart, and the sum is on absolute time.
  south: {
    A: { start: '2026-12-01T18:00:01Z', unit: 'A', periods: [[0, 20, 2], [1200, 32, 3]] },
    B: 'Rejected',
  },
};

let broker: Broker;
let client: MqttClient;
let dir: string;
const base = `scp-test/${randomBytes(6).toString('hex')}`;
const requestTopic = `${base}/{station}/ocpp/smart_charging`;
const responseTopic = `${base}/{station}/smart_charging/ocpp`;
const fleet = ['--request-topic', requestTopic, '--response-topic', responseTopic];
/** One station's fixed topics (no {station}): --evse repeated asks one station. */
const northOnly = ['--request-topic', requestTopic.replace('{station}', 'north'), '--response-topic', responseTopic.replace('{station}', 'north')];
const seen: Array<{ station: string; evse_id: string }> = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scp-site-'));
  broker = await startEmbeddedBroker();
  client = await connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: testProtocolVersion() });
  client.on('message', (topic, payload) => {
    const station = topic.slice(base.length + 1).split('/')[0]!;
    const request = JSON.parse(payload.toString()) as { id: string; data: { evse_id: string; duration: number } };
    seen.push({ station, evse_id: request.data.evse_id });
    const known = KNOWN[station]?.[request.data.evse_id];
    // A station that is not known stays silent (a timeout).
    if (known === undefined) return;
    const data =
      known === 'Rejected'
        ? { status: 'Rejected', status_info: { reason_code: 'InvalidValue', additional_info: 'EvseDoesNotExist' } }
        : {
            status: 'Accepted',
            schedule: {
              evse_id: request.data.evse_id,
              schedule_start: known.start,
              duration: request.data.duration,
              charging_rate_unit: known.unit,
              charging_schedule_period: known.periods.map(([start_period, limit, phases]) => ({ start_period, limit, ...(phases ? { number_of_phases_available: phases } : {}) })),
            },
          };
    client.publish(responseTopic.replace('{station}', station), JSON.stringify({ id: request.id, name: 'get_composite_schedule', type: 'response', data }), { qos: 1 });
  });
  await client.subscribeAsync(requestTopic.replace('{station}', '+'), { qos: 1 });
});
afterAll(async () => {
  await client.endAsync();
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

const scp = (args: string[]) => runScp(['--broker', broker.url, ...args], { TZ: 'UTC' });
function inputFile(lines: object[]): string {
  const path = join(dir, `site-${randomBytes(4).toString('hex')}.jsonl`);
  writeFileSync(path, lines.map((line) => JSON.stringify(line)).join('\n') + '\n');
  return path;
}
const SITE = [
  { station: 'north', evse_id: 'A', duration: 3600 },
  { station: 'north', evse_id: 'B', duration: 3600 },
  { station: 'south', evse_id: 'A', duration: 3600 },
  { station: 'south', evse_id: 'B', duration: 3600 },
];
const lastRecord = (stdout: string) => JSON.parse(stdout.trim().split('\n').at(-1)!);

// Sums worked out by hand, in W, from 18:00:00: north A 16 A x 230 V x 3 = 11040 then 10 A x 230 x 1 = 2300 (from
// 1800 s); north B 11000 then 7400 (from 2400 s); south A (from 1 s) 20 A x 230 x 2 = 9200, then 32 A x 230 x 3 =
// 22080 (from 1201 s), to 3601 s.
const PERIODS = [
  { start_period: 0, limit: 22040, over: false },
  { start_period: 1, limit: 31240, over: false },
  { start_period: 1201, limit: 44120, over: true },
  { start_period: 1800, limit: 35380, over: false },
  { start_period: 2400, limit: 31780, over: false },
  { start_period: 3600, limit: 22080, over: false },
];

describe('scp schedule --sum over --input lines on two stations', () => {
  it('--json: the answers\' records, then one sum record in W on absolute time, with the rejected EVSE missing', async () => {
    const run = await scp([...fleet, 'schedule', '--input', inputFile(SITE), '--sum', '--site-limit', '40kW', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.slice(0, 4).map((record) => [record.station, record.outcome])).toEqual([
      ['north', 'accepted'],
      ['north', 'accepted'],
      ['south', 'accepted'],
      ['south', 'rejected'],
    ]);
    expect(lines[4]).toEqual({
      sum: {
        unit: 'W',
        schedule_start: '2026-12-01T18:00:00Z',
        duration: 3601,
        site_limit: 40000,
        periods: PERIODS,
        missing: [{ line: 4, station: 'south', evse_id: 'B', outcome: 'rejected' }],
      },
    });
    expect(run.stderr).toContain("scp: the site's total passes --site-limit 40.0 kW in 1 period, by up to 4.1 kW");
  });

  it('text: a column per answered EVSE and the total (incomplete), the period over the limit marked', async () => {
    const run = await scp([...fleet, 'schedule', '--input', inputFile(SITE), '--sum', '--site-limit', '40kW', '--no-chart']);
    expect(run.code, run.stderr).toBe(1);
    const table = run.stdout.slice(run.stdout.indexOf('\nsite '));
    expect(table).toContain('site        3 EVSEs on 2 stations');
    expect(table).toContain('site limit  40.0 kW: over in 1 period, by up to 4.1 kW');
    expect(table).toContain('missing: line 4, station south, EVSE B: rejected; the total is incomplete');
    const rows = table.slice(table.indexOf('from ')).trim().split('\n');
    expect(rows[0]!.split(/\s{2,}/)).toEqual(['from', 'to', 'north/A', 'north/B', 'south/A', 'total (incomplete)']);
    expect(rows.slice(1).map((row) => row.split(/\s{2,}/).slice(2))).toEqual([
      ['11.0 kW', '11.0 kW', '0 W', '22.0 kW'],
      ['11.0 kW', '11.0 kW', '9.2 kW', '31.2 kW'],
      ['11.0 kW', '11.0 kW', '22.1 kW', '44.1 kW', 'over by 4.1 kW'],
      ['2.3 kW', '11.0 kW', '22.1 kW', '35.4 kW'],
      ['2.3 kW', '7.4 kW', '22.1 kW', '31.8 kW'],
      ['0 W', '0 W', '22.1 kW', '22.1 kW'],
    ]);
    expect(rows[1]!.slice(0, 40)).toBe('2026-12-01 18:00:00  2026-12-01 18:00:01');
  });

  it('exits 0 when every EVSE answered and the total stays under the limit; --supply-voltage converts A', async () => {
    const three = SITE.slice(0, 3);
    const under = await scp([...fleet, 'schedule', '--input', inputFile(three), '--sum', '--site-limit', '45kW', '--json']);
    expect(under.code, under.stderr).toBe(0);
    expect(lastRecord(under.stdout).sum.periods.map((p: { over: boolean }) => p.over)).not.toContain(true);
    const over = await scp([...fleet, 'schedule', '--input', inputFile(three), '--sum', '--site-limit', '63A', '--json']);
    // 63 A x 230 V x 3 phases = 43470 W: the 44120 W period is over.
    expect(over.code, over.stderr).toBe(1);
    expect(lastRecord(over.stdout).sum).toMatchObject({ site_limit: 43470, missing: [] });
    const volts = await scp([...fleet, 'schedule', '--input', inputFile([SITE[0]!]), '--sum', '--supply-voltage', '240', '--json']);
    expect(lastRecord(volts.stdout).sum.periods.map((p: { limit: number }) => p.limit)).toEqual([16 * 240 * 3, 10 * 240]);
  });

  it('a worse outcome than the limit wins the exit status: an unanswered station is still 3', async () => {
    const path = inputFile([...SITE.slice(0, 3), { station: 'silent', evse_id: 'A', duration: 3600 }]);
    const run = await scp([...fleet, '--timeout', '1', 'schedule', '--input', path, '--sum', '--site-limit', '40kW', '--json']);
    expect(run.code, run.stderr).toBe(3);
    expect(lastRecord(run.stdout).sum.missing).toEqual([{ line: 4, station: 'silent', evse_id: 'A', outcome: 'timeout' }]);
  });
});

describe('scp schedule --evse repeated', () => {
  it('one request per --evse, the same --duration, and their sum', async () => {
    const before = seen.length;
    const run = await scp([...northOnly, 'schedule', '--evse', 'A', '--evse', 'B', '--duration', '1h', '--sum', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(seen.slice(before)).toEqual([
      { station: 'north', evse_id: 'A' },
      { station: 'north', evse_id: 'B' },
    ]);
    const records = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(records.slice(0, 2).map((record) => record.request.data)).toEqual([
      { evse_id: 'A', duration: 3600 },
      { evse_id: 'B', duration: 3600 },
    ]);
    expect(records[2].sum).toEqual({
      unit: 'W',
      schedule_start: '2026-12-01T18:00:00Z',
      duration: 3600,
      site_limit: null,
      periods: [
        { start_period: 0, limit: 22040, over: false },
        { start_period: 1800, limit: 13300, over: false },
        { start_period: 2400, limit: 9700, over: false },
      ],
      missing: [],
    });
  });

  it('without --sum, several --evse are several requests, one record each', async () => {
    const run = await scp([...northOnly, 'schedule', '--evse', 'A', '--evse', 'B', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n').map((line) => JSON.parse(line).request.data.evse_id)).toEqual(['A', 'B']);
  });

  it('the terminal chart of a sum draws the total with the limit as a line, the columns over it apart', async () => {
    const run = await scp([...northOnly, 'schedule', '--evse', 'A', '--evse', 'B', '--sum', '--site-limit', '15kW', '--chart', '--duration', '1h']);
    expect(run.code, run.stderr).toBe(1);
    const chart = run.stdout.slice(run.stdout.lastIndexOf('\n', run.stdout.indexOf('┤')) + 1).split('\n');
    // The peak (22.04 kW for the first half hour) names the top row; the limit is named at the right end of its own,
    // drawn dashed where the total stays under it (from 18:30, 13.3 kW then 9.7 kW).
    expect(chart[0]).toMatch(/^22\.0 kW ┤█+$/);
    expect(chart[2]).toMatch(/^ +│█{28,32}╌{28,32} limit 15\.0 kW$/);
    // In colour: the columns over the limit red, the rest cyan, the dashes red.
    const forced = await runScp(['--broker', broker.url, ...northOnly, 'schedule', '--evse', 'A', '--evse', 'B', '--sum', '--site-limit', '15kW', '--chart', '--duration', '1h'], { TZ: 'UTC', FORCE_COLOR: '1' });
    const rows = forced.stdout.split('\n');
    expect(rows.find((line) => line.includes('limit 15.0 kW'))).toMatch(/│\u001b\[31m█{28,32}╌{28,32}\u001b\[39m \u001b\[31mlimit 15\.0 kW\u001b\[39m$/);
    expect(rows.find((line) => line.includes('9.7 kW ┤'))).toMatch(/┤\u001b\[31m█{28,32}\u001b\[39m\u001b\[36m█+▄+\u001b\[39m$/);
  });
});

/** The picture's pixels: the colour at (x, y) as #rrggbb. */
function pixels(svg: string) {
  const image = new Resvg(svg, { font: { loadSystemFonts: true } }).render();
  const at = (x: number, y: number) => {
    const i = (Math.round(y) * image.width + Math.round(x)) * 4;
    return `#${[...image.pixels.subarray(i, i + 3)].map((c) => c.toString(16).padStart(2, '0')).join('')}`;
  };
  return { width: image.width, height: image.height, at };
}

/** From the bottom of the plot up, at x: the runs of one colour, with their heights. */
function stackAt(picture: ReturnType<typeof pixels>, x: number, bottom: number): Array<{ color: string; height: number }> {
  const runs: Array<{ color: string; height: number }> = [];
  for (let y = bottom - 1; y > 0; y--) {
    const color = picture.at(x, y);
    if (runs.at(-1)?.color === color) runs.at(-1)!.height++;
    else runs.push({ color, height: 1 });
  }
  return runs;
}

describe('scp schedule --svg', () => {
  const BLUE = '#4e79a7';
  const ORANGE = '#f28e2b';
  const GREEN = '#59a14f';
  const RED = '#d62728';

  it('--sum: the EVSEs stacked in their colours at their heights, the limit a red line where the total passes it, and a legend', async () => {
    const file = join(dir, 'site.svg');
    const run = await scp([...fleet, 'schedule', '--input', inputFile(SITE), '--sum', '--site-limit', '40kW', '--svg', file]);
    expect(run.code, run.stderr).toBe(1);
    const svg = readFileSync(file, 'utf8');
    for (const words of ['station north, EVSE A', 'station north, EVSE B', 'station south, EVSE A', 'site limit 40.0 kW', 'missing: line 4, station south, EVSE B (rejected)', 'local time (UTC)', '18:00', '40 kW']) {
      expect(svg).toContain(words);
    }
    const picture = pixels(svg);
    const x = (seconds: number) => PLOT_SPAN.left + (seconds / 3601) * (PLOT_SPAN.right - PLOT_SPAN.left);
    // At 1500 s (the period over the limit): the three EVSEs bottom to top, 11040 : 11000 : 22080 W.
    const column = x(1500);
    let bottom = picture.height - 1;
    while (picture.at(column, bottom) !== BLUE) bottom--;
    const stack = stackAt(picture, column, bottom + 1);
    expect(stack.slice(0, 3).map((run) => run.color)).toEqual([BLUE, ORANGE, GREEN]);
    const [blue, orange, green] = stack.map((run) => run.height);
    expect(orange! / blue!).toBeCloseTo(11000 / 11040, 1);
    expect(green! / blue!).toBeCloseTo(22080 / 11040, 1);
    // The limit line crosses the green bar where the total is over it: at 40000 / 44120 of the stack's height.
    const stackHeight = blue! + orange! + green!;
    let line = -1;
    for (let dx = 0; dx < 14 && line < 0; dx++) for (let y = bottom - stackHeight; y <= bottom; y++) if (picture.at(column + dx, y) === RED) line = bottom + 1 - y;
    expect(line / stackHeight).toBeCloseTo(40000 / 44120, 1);
    // Above the stack: shaded red where the total is over, white where it is not (at 2000 s).
    expect(picture.at(column, bottom - stackHeight - 10)).not.toBe('#ffffff');
    expect(picture.at(x(2000), bottom - stackHeight - 10)).toBe('#ffffff');
  });

  it('--sum with no answer to add up: says so, draws nothing, and the record has no start and no periods', async () => {
    const file = join(dir, 'nothing.svg');
    const run = await scp([...fleet, 'schedule', '--input', inputFile([SITE[3]!]), '--sum', '--svg', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('no EVSE answered Accepted: nothing to sum\nmissing: line 1, station south, EVSE B: rejected; the total is incomplete');
    expect(run.stderr).toContain('scp: warning: --svg: no EVSE answered Accepted: no picture was drawn');
    expect(existsSync(file)).toBe(false);
  });

  it('a single answer: its limit over the window, in its unit', async () => {
    const file = join(dir, 'one.svg');
    const run = await scp([...northOnly, 'schedule', '--evse', 'A', '--duration', '1h', '--svg', file]);
    expect(run.code, run.stderr).toBe(0);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toContain('Composite schedule of EVSE A');
    expect(svg).toMatch(/>15 A<\/text>/);
    const picture = pixels(svg);
    const x = (seconds: number) => PLOT_SPAN.left + (seconds / 3600) * (PLOT_SPAN.right - PLOT_SPAN.left);
    let bottom = picture.height - 1;
    while (picture.at(x(900), bottom) !== BLUE) bottom--;
    const first = stackAt(picture, x(900), bottom + 1)[0]!;
    const second = stackAt(picture, x(2700), bottom + 1)[0]!;
    expect(second.height / first.height).toBeCloseTo(10 / 16, 1);
  });

  it('--offline: one computed answer drawn, and nothing at all drawn for a refusal', async () => {
    const file = join(dir, 'offline-one.svg');
    const run = await runScp(['schedule', '--offline', '--clock', '2026-12-01T18:00:00Z', '--evse', 'GB*SEV*E002', '--svg', file], { TZ: 'UTC' });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toContain('Composite schedule of EVSE GB*SEV*E002');
    const refused = join(dir, 'refused.svg');
    const none = await runScp(['schedule', '--offline', '--evse', 'nowhere', '--svg', refused]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('scp: warning: --svg: no schedule in the answer: no picture was drawn');
    expect(existsSync(refused)).toBe(false);
  });

  it('--offline --sum over the built-in station\'s EVSEs, planned before anything is sent', async () => {
    const file = join(dir, 'offline.svg');
    const run = await runScp(['schedule', '--offline', '--clock', '2026-12-01T18:00:00Z', '--evse', 'GB*SEV*E001', '--evse', 'GB*SEV*E002', '--duration', '2h', '--sum', '--site-limit', '30kW', '--svg', file, '--json'], { TZ: 'UTC' });
    expect(run.code, run.stderr).toBe(1);
    const records = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(records.slice(0, 2).map((record) => [record.offline, record.outcome])).toEqual([
      [true, 'accepted'],
      [true, 'accepted'],
    ]);
    const parts = records.slice(0, 2).map((record) => record.response.data.schedule);
    const watts = (schedule: { charging_rate_unit: string; charging_schedule_period: Array<{ limit: number; number_of_phases_available?: number }> }) =>
      schedule.charging_rate_unit === 'W' ? schedule.charging_schedule_period[0]!.limit : schedule.charging_schedule_period[0]!.limit * 230 * (schedule.charging_schedule_period[0]!.number_of_phases_available ?? 3);
    expect(records[2].sum.schedule_start).toBe('2026-12-01T18:00:00Z');
    expect(records[2].sum.periods[0].limit).toBe(watts(parts[0]) + watts(parts[1]));
    expect(existsSync(file)).toBe(true);
  });
});

describe("the README's picture", () => {
  it('is what its command draws today (the SVG beside it byte for byte, the PNG rendered from it)', async () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const line = /^\$ scp (schedule --offline .* --svg site\.svg)$/m.exec(readme)![1]!;
    const argv = line.match(/'[^']*'|\S+/g)!.map((word) => word.replace(/^'(.*)'$/, '$1'));
    const run = await runScp(argv, { TZ: 'UTC' }, undefined, dir);
    expect(run.code, run.stderr).toBe(1);
    const drawn = readFileSync(join(dir, 'site.svg'), 'utf8');
    expect(drawn).toBe(readFileSync(new URL('../../.github/readme/site.svg', import.meta.url), 'utf8'));
    expect(readme).toContain('](.github/readme/site.png)');
    const png = readFileSync(new URL('../../.github/readme/site.png', import.meta.url));
    const rendered = new Resvg(drawn).render();
    // A PNG's width and height are bytes 16 to 24 of its header.
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([rendered.width, rendered.height]);
  });
});

describe('bad usage: one line naming the flag, exit 2, nothing sent', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['a site limit without a unit', ['--evse', 'A', '--evse', 'B', '--sum', '--site-limit', '40'], /^scp: --site-limit: "40" is not allowed; expected a number with its unit/],
    ['a site limit of nothing', ['--evse', 'A', '--sum', '--site-limit', '0kW'], /^scp: --site-limit: "0kW" is not allowed; expected a limit above 0/],
    ['--site-limit without --sum', ['--evse', 'A', '--site-limit', '40kW'], /^scp: --site-limit: only with --sum/],
    ['--supply-voltage online without --sum', ['--evse', 'A', '--supply-voltage', '240'], /^scp: --supply-voltage: only with --offline or --sum/],
    ['--sum with nothing to add up', ['--sum'], /^scp: --sum: give the EVSEs to add up/],
    ['--svg where its folder does not exist', ['--evse', 'A', '--svg', '/nonexistent/scp/site.svg'], /^scp: --svg: "\/nonexistent\/scp\/site.svg": cannot be written \(its folder does not exist\)/],
    ['--svg to stdout', ['--evse', 'A', '--svg', '-'], /^scp: --svg: "-" is not allowed; give the picture a file of its own/],
    ['--svg over several requests without --sum', ['--evse', 'A', '--evse', 'B', '--svg', 'x.svg'], /^scp: --svg: one picture per run/],
    ['--dry-run with several --evse', ['--evse', 'A', '--evse', 'B', '--dry-run'], /^scp: --dry-run: only for a single request; these options make 2 requests \(one per --evse\)/],
    ['a bad EVSE among several', ['--evse', 'A', '--evse', '', '--sum'], /^scp: --evse: /],
  ];
  it.each(cases)('%s', async (_name, args, message) => {
    const before = seen.length;
    const run = await scp([...northOnly, 'schedule', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    expect(seen.length).toBe(before);
  });
});
