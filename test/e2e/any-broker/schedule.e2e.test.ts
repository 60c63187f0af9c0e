/**
 * `scp schedule` end to end: the built bin/scp as a child process against the broker under test (the embedded one,
 * or SCP_TEST_BROKER_URL), answered by a responder that says what the test wants, or by `scp simulate` computing the
 * composite schedule from the profiles `scp set` installed.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerName, brokerUnderTest, type Broker } from '../../helpers/broker.js';
import { response, startResponder, startSpy, uniqueTopics, type Answer, type SeenRequest } from '../../helpers/responder.js';
import { finished, runScp, sleep, spawnScp } from '../../helpers/run.js';
import { startSimulator, type Simulator } from '../../helpers/simulator.js';

let broker: Broker;
const running: Simulator[] = [];
beforeAll(async () => {
  broker = await brokerUnderTest();
});
afterEach(async () => {
  for (const simulator of running.splice(0)) await simulator.stop('SIGKILL');
});
afterAll(async () => {
  await broker.close();
});

const SCHEDULE = {
  evse_id: '3',
  duration: 7200,
  schedule_start: '2026-12-01T18:00:00Z',
  charging_rate_unit: 'W',
  charging_schedule_period: [
    { start_period: 0, limit: 11000, number_of_phases_available: 3 },
    { start_period: 3600, limit: 690, number_of_phases_available: 1 },
  ],
};

const answerWith = (data: Record<string, unknown>) => (request: SeenRequest): Answer[] => [response(request.envelope!.id, data, { name: 'get_composite_schedule' })];

/** scp schedule against a responder on fresh topics; TZ=UTC unless the test says otherwise. */
async function scheduleWith(args: string[], answer = answerWith({ status: 'Accepted', schedule: SCHEDULE }), env: Record<string, string> = {}) {
  const topics = uniqueTopics();
  const responder = await startResponder(broker.url, topics, answer);
  try {
    const child = spawnScp(['--broker', broker.url, ...topics.args, 'schedule', ...args], { TZ: 'UTC', ...env });
    const done = finished(child);
    child.stdin.end();
    return { ...(await done), seen: responder.seen };
  } finally {
    await responder.close();
  }
}

const TABLE = [
  'Accepted',
  'EVSE      3',
  'start     2026-12-01 18:00:00 UTC (2026-12-01T18:00:00Z)',
  'duration  2h (7200 s)',
  'unit      W',
  '',
  'from                 to                   limit    phases',
  '2026-12-01 18:00:00  2026-12-01 19:00:00  11.0 kW  3',
  '2026-12-01 19:00:00  2026-12-01 20:00:00  690 W    1',
  '',
].join('\n');

describe(`scp schedule against the ${brokerName()}`, () => {
  it('Accepted: exit 0; the request names the EVSE and a day; a header and a row per period, no chart and no escape codes in a pipe', async () => {
    const run = await scheduleWith(['--evse', '3']);
    expect([run.stdout, run.stderr, run.code]).toEqual([TABLE, '', 0]);
    expect(run.seen).toHaveLength(1);
    expect(run.seen[0]!.envelope).toMatchObject({ name: 'get_composite_schedule', type: 'request', data: { evse_id: '3', duration: 86400 } });
    expect(Object.keys(run.seen[0]!.envelope!.data)).toEqual(['evse_id', 'duration']);
  });

  it('--duration and --unit go into the request; times show in local time with the zone', async () => {
    const run = await scheduleWith(['--evse', '3', '--duration', '2h', '--unit', 'W'], undefined, { TZ: 'Asia/Kolkata' });
    expect(run.seen[0]!.envelope!.data).toEqual({ evse_id: '3', duration: 7200, charging_rate_unit: 'W' });
    expect(run.stdout).toMatch(/^start {5}2026-12-01 23:30:00 UTC\+05:30 \(2026-12-01T18:00:00Z\)$/m);
    expect(run.stdout).toMatch(/^2026-12-01 23:30:00  2026-12-02 00:30:00  11\.0 kW  3$/m);
  });

  it('--chart draws the step chart in a pipe too, without colour unless colour is forced', async () => {
    const plain = await scheduleWith(['--evse', '3', '--chart']);
    expect(plain.stdout).not.toMatch(/\u001b/);
    const chart = plain.stdout.slice(TABLE.length);
    expect(chart).toMatch(/^\n11\.0 kW ┤█+ *\n/);
    expect(chart).toMatch(/\n {4}0 W └─+\n {9}18:00 +19:00 +20:00\n$/);
    // 80 columns when stdout is not a terminal: the chart fits them.
    for (const line of chart.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    // The first hour at 11 kW fills the top row; the second (690 W) only the bottom eighths.
    const top = chart.split('\n')[1]!;
    expect(top.replace(/^.*┤/, '').trimEnd()).toMatch(/^█{30,40}$/);
    const coloured = await scheduleWith(['--evse', '3', '--chart'], undefined, { FORCE_COLOR: '1' });
    expect(coloured.stdout).toMatch(/\u001b\[36m█/);
  });

  it('--json prints the record with the full answer', async () => {
    const run = await scheduleWith(['--evse', '3', '--json', '--chart']);
    const record = JSON.parse(run.stdout);
    expect(Object.keys(record)).toEqual(['request', 'response', 'outcome', 'elapsed_ms', 'broker']);
    expect(record.outcome).toBe('accepted');
    expect(record.response.data).toEqual({ status: 'Accepted', schedule: SCHEDULE });
  });

  it('Rejected: exit 1, with the status_info shown', async () => {
    const run = await scheduleWith(['--evse', '9'], answerWith({ status: 'Rejected', status_info: { reason_code: 'InvalidValue', additional_info: 'EvseDoesNotExist' } }));
    expect([run.stdout, run.code]).toEqual(['Rejected\nreason_code: InvalidValue\nadditional_info: EvseDoesNotExist\n', 1]);
  });

  it('an answer that breaks the response schema: exit 5 (a lower-case status, a period without its limit)', async () => {
    const lower = await scheduleWith(['--evse', '3'], answerWith({ status: 'accepted', schedule: SCHEDULE }));
    expect(lower.code).toBe(5);
    expect(lower.stderr).toBe('scp: invalid response: /data/status: "accepted" must be one of Accepted, Rejected\n');
    const missing = { ...SCHEDULE, charging_schedule_period: [{ start_period: 0 }] };
    const broken = await scheduleWith(['--evse', '3'], answerWith({ status: 'Accepted', schedule: missing }));
    expect(broken.code).toBe(5);
    expect(broken.stderr).toMatch(/^scp: invalid response: \/data\/schedule\/charging_schedule_period\/0: missing field "limit"\n$/);
  });

  it('no answer: exit 3; an answer to set with our id is not ours', async () => {
    const run = await scheduleWith(['--evse', '3', '--timeout', '0.5'], (request) => [response(request.envelope!.id, { status: 'accepted' }, { name: 'set_charging_profile' })]);
    expect(run.code).toBe(3);
    // A question changes nothing: it went unanswered, and nothing is said to be applied.
    expect(run.stderr).toMatch(/^scp: no answer within 0\.5 s on \S+ at \S+: 1 other message came, none an answer to it \(the request was published and went unanswered\); /m);
  });

  it('no broker: exit 4', async () => {
    const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', '--connect-timeout', '1', 'schedule', '--evse', '3']);
    expect(run.code).toBe(4);
  });

  it('bad input: exit 2, one line naming the flag and what is allowed, nothing published', async () => {
    for (const [args, message] of [
      [['--evse', '3', '--duration', '0'], 'scp: --duration: "0" is not allowed; expected a whole number of seconds above 0, or 30m, 2h, 1d'],
      [['--evse', '3', '--duration', '1.5h'], 'scp: --duration: "1.5h" is not allowed; expected a whole number of seconds above 0, or 30m, 2h, 1d'],
      [['--evse', '3', '--unit', 'kW'], 'scp: --unit: "kW" is not allowed; expected A or W'],
      [['--evse', 'a b'], /^scp: --evse: "a b" is not allowed; expected a non-empty EVSE id/],
      [['--duration', '2h'], 'scp: nothing to ask: give --evse <evse_id> (0 for the whole station), or --input <file> (not asking, since stdin is not a terminal)'],
    ] as const) {
      const topics = uniqueTopics();
      const spy = await startSpy(broker.url, topics);
      try {
        const run = await runScp(['--broker', broker.url, ...topics.args, 'schedule', ...args]);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stderr.split('\n').filter(Boolean), args.join(' ')).toEqual([typeof message === 'string' ? message : expect.stringMatching(message)]);
        await sleep(50);
        expect(spy.seen, args.join(' ')).toHaveLength(0);
      } finally {
        await spy.close();
      }
    }
  });

  it('--dry-run prints the request and publishes nothing', async () => {
    const run = await runScp(['schedule', '--evse', '0', '--duration', '30m', '--dry-run', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'get_composite_schedule', type: 'request', data: { evse_id: '0', duration: 1800 } });
  });

  it('--input: one request data object per line, one result each', async () => {
    const lines = ['{"evse_id": "3", "duration": 60}', '{"evse_id": "3"}', '{"evse_id": "4", "duration": 60, "charging_rate_unit": "kW"}'].join('\n');
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics, answerWith({ status: 'Accepted', schedule: SCHEDULE }));
    try {
      const child = spawnScp(['--broker', broker.url, ...topics.args, 'schedule', '--input', '-', '--json']);
      const done = finished(child);
      child.stdin.end(lines);
      const run = await done;
      const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
      expect(records.map((r) => [r.line, r.outcome])).toEqual([
        [1, 'accepted'],
        [2, 'invalid_input'],
        [3, 'invalid_input'],
      ]);
      expect(responder.seen).toHaveLength(1);
      expect(run.code).toBe(2);
    } finally {
      await responder.close();
    }
  });
});

/** A simulator with a fixed clock on the broker under test, on topics of its own, and scp bound to it. */
async function station(args: string[]) {
  const topics = uniqueTopics();
  const simulator = await startSimulator(['--broker', broker.url, ...topics.args, 'simulate', '--clock', '2026-12-01T18:00:00Z', ...args]);
  running.push(simulator);
  const scp = (...scpArgs: string[]) => runScp(['--broker', broker.url, ...topics.args, ...scpArgs], { TZ: 'UTC' });
  const periods = async (...scpArgs: string[]) => {
    const run = await scp('schedule', '--json', ...scpArgs);
    expect(run.code, run.stderr).toBe(0);
    const schedule = JSON.parse(run.stdout).response.data.schedule;
    return schedule.charging_schedule_period.map((p: { start_period: number; limit: number; number_of_phases_available?: number }) =>
      [p.start_period, p.limit, p.number_of_phases_available].filter((x) => x !== undefined),
    );
  };
  return { simulator, scp, periods };
}

describe(`scp schedule with scp simulate on the ${brokerName()}`, () => {
  it('computes the composite from what set installed and clear removed, on a reproducible station', async () => {
    const { scp, periods } = await station(['--evses', '2', '--transaction', '1=T1@2026-12-01T17:30:00Z', '--default-limit', '32A', '--default-limit', '22kW']);
    expect(await periods('--evse', '1', '--duration', '2h')).toEqual([[0, 32]]);
    expect(await periods('--evse', '1', '--duration', '2h', '--unit', 'W')).toEqual([[0, 22000]]);
    expect((await scp('set', '--evse', '1', '--id', '1', '--limit', '16A', '--start', '2026-12-01T00:00:00Z')).code).toBe(0);
    expect((await scp('set', '--evse', '1', '--id', '2', '--limit', '11kW', '--stack-level', '1', '--start', '2026-12-01T18:30:00Z', '--duration', '30m')).code).toBe(0);
    expect((await scp('set', '--evse', '1', '--id', '3', '--purpose', 'TxProfile', '--transaction', 'T1', '--limit', '10A', '--relative', '--duration', '1h')).code).toBe(0);
    expect((await scp('set', '--id', '4', '--purpose', 'ChargingStationMaxProfile', '--limit', '12A', '--start', '2026-12-01T19:15:00Z', '--duration', '15m')).code).toBe(0);
    // Tx (relative to 17:30) until 18:30; then TxDefault level 1 (11 kW = 15.9 A at 230 V x 3) until 19:00; then 16 A,
    // lowered to 12 A from 19:15 to 19:30 by the station's max profile.
    expect(await periods('--evse', '1', '--duration', '2h')).toEqual([[0, 10, 3], [1800, 15.9, 3], [3600, 16, 3], [4500, 12, 3], [5400, 16, 3]]);
    // The station: EVSE 1 plus EVSE 2 at the default (32 A), capped at 12 A while the max profile is in force; 3
    // phases, the most any EVSE counts (libocpp). From 18:30 A and W add up apart, as libocpp's
    // merge_profiles_by_summing_limits: 32 + 32 A, and 11,000 + 22,000 W = 47.8 A at 230 V x 3, the lower.
    expect(await periods('--evse', '0', '--duration', '2h')).toEqual([[0, 42, 3], [1800, 47.8, 3], [3600, 48, 3], [4500, 12, 3], [5400, 48, 3]]);
    expect((await scp('clear', '--id', '3')).code).toBe(0);
    expect(await periods('--evse', '1', '--duration', '1h')).toEqual([[0, 16, 3], [1800, 15.9, 3]]);
  });

  it('the table and chart a person sees, from the built-in station', async () => {
    const { scp } = await station([]);
    const run = await scp('schedule', '--evse', 'GB*SEV*E002', '--chart');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Accepted\nEVSE {6}GB\*SEV\*E002\n/);
    expect(run.stdout).toMatch(/^2026-12-01 18:00:00  2026-12-01 22:00:00  16 A {3}3$/m);
    expect(run.stdout).toMatch(/^2026-12-01 22:00:00  2026-12-02 06:00:00  32 A {3}3$/m);
    expect(run.stdout).toMatch(/32 A ┤ +█+/);
  });

  it('an unknown EVSE is Rejected: exit 1', async () => {
    const { scp, simulator } = await station(['--evses', '2']);
    const run = await scp('schedule', '--evse', '3');
    expect([run.stdout, run.code]).toEqual(['Rejected\nreason_code: InvalidValue\nadditional_info: EvseDoesNotExist\n', 1]);
    expect(simulator.stdout()).toMatch(/schedule evse_id=3 duration=86400: answered -> Rejected \(InvalidValue: EvseDoesNotExist\)/);
  });

  it('refuses bad station flags with one line naming the flag: exit 2', async () => {
    for (const [args, message] of [
      [['--evses', '0'], 'scp: --evses: "0" is not allowed; expected an integer from 1 to 10000'],
      [['--clock', 'noon'], /^scp: --clock: "noon" is not allowed; expected an ISO 8601 time with a zone/],
      [['--transaction', '1'], /^scp: --transaction: "1" is not allowed; expected <evse>=<transaction_id>\[@<ISO start>\]/],
      [['--evses', '2', '--transaction', '3=T'], 'scp: --transaction: "3=T": EVSE "3" is not one of the station\'s (1 to 2, from --evses)'],
      [['--transaction', '1=T', '--transaction', '1=U'], 'scp: --transaction: EVSE "1" is given twice; an EVSE has at most one active transaction'],
      [['--transaction', '1=T@soon'], /^scp: --transaction: "soon" is not allowed; expected an ISO 8601 time/],
      [['--supply-voltage', '-1'], 'scp: --supply-voltage: "-1" is not allowed; expected volts above 0, e.g. 230'],
      [['--default-limit', '32'], /^scp: --default-limit: "32" is not allowed; expected a number with its unit/],
      [['--default-limit', '32A', '--default-limit', '16A'], 'scp: --default-limit: "16A": a default in A is already given; give at most one in A and one in W'],
      [['--default-phases', '4'], 'scp: --default-phases: "4" is not allowed; expected an integer from 1 to 3'],
    ] as const) {
      const run = await runScp(['--broker', broker.url, 'simulate', ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.split('\n').filter(Boolean), args.join(' ')).toEqual([typeof message === 'string' ? message : expect.stringMatching(message)]);
    }
  });
});

describe(`the composite as libocpp computes it, with scp simulate on the ${brokerName()}`, () => {
  it('follows libocpp on phases and units: A and W apart, converted with the period\'s phases; evse 0 counts phases', async () => {
    // libocpp's MixingCurrentAndPower_16A_1P (test_composite_schedule.cpp), through set and schedule: a 1-phase 16 A
    // station maximum over a W TxDefaultProfile (3 phases, K01.FR.49) stepping down every 300 s, on a 1-EVSE station.
    const { scp, periods } = await station(['--evses', '1']);
    const dir = mkdtempSync(join(tmpdir(), 'scp-composite-'));
    try {
      const file = join(dir, 'tx-default-w.json');
      const steps = [12420, 8280, 6210, 4140, 2070].map((limit, i) => ({ start_period: 300 * i, limit }));
      const profile = { id: 25, stack_level: 0, charging_profile_purpose: 'TxDefaultProfile', charging_profile_kind: 'Relative', charging_schedule: [{ id: 0, duration: 3600, charging_rate_unit: 'W', charging_schedule_period: steps }] };
      writeFileSync(file, JSON.stringify({ evse_id: '1', charging_profile: profile }));
      expect((await scp('set', '--file', file)).code).toBe(0);
      // (a) evse 0 of a 1-EVSE station reports the EVSE's phase count, as libocpp does.
      expect(await periods('--evse', '0', '--duration', '1h')).toEqual([[0, 18, 3], [300, 12, 3], [600, 9, 3], [900, 6, 3], [1200, 3, 3]]);
      expect((await scp('set', '--id', '24', '--purpose', 'ChargingStationMaxProfile', '--limit', '16A', '--phases', '1', '--start', '2026-12-01T18:00:00Z')).code).toBe(0);
      // (b) 12,420 W on 1 phase is 54 A, so the 16 A bound holds until 2,070 W = 9 A; scp used to give 16, 12, 9, 6, 3.
      expect(await periods('--evse', '1', '--duration', '1h')).toEqual([[0, 16, 1], [1200, 9, 1]]);
      expect(await periods('--evse', '0', '--duration', '1h')).toEqual([[0, 16, 1], [1200, 9, 1]]);
      // Asked in W: 16 A x 230 V x 1 phase = 3,680 W, then the profile's own 2,070 W.
      expect(await periods('--evse', '1', '--duration', '1h', '--unit', 'W')).toEqual([[0, 3680, 1], [1200, 2070, 1]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

});
