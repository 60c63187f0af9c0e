/**
 * `scp set --verify` end to end (issue #32): the built bin/scp against `scp simulate` (real clock, a station of its
 * own profiles, so the answer does not depend on the time of day) on the broker under test, or a responder that
 * answers the set and never the schedule. In force: exit 0; accepted but not in force: exit 1 with where; a
 * station-wide TxDefaultProfile refused before anything is sent; in --input streams, one record per line.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerName, brokerUnderTest, type Broker } from '../../helpers/broker.js';
import { response, startResponder, uniqueTopics } from '../../helpers/responder.js';
import { runScp } from '../../helpers/run.js';
import { startSimulator, type Simulator } from '../../helpers/simulator.js';

let broker: Broker;
let dir: string;
const running: Simulator[] = [];
beforeAll(async () => {
  broker = await brokerUnderTest();
  dir = mkdtempSync(join(tmpdir(), 'scp-verify-'));
});
afterEach(async () => {
  for (const simulator of running.splice(0)) await simulator.stop('SIGKILL');
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A whole profile a station holds, for --profiles, from a day ago for ever. */
const holding = (id: number, purpose: string, evse: string, limit: number, more: Record<string, unknown> = {}) => ({
  evse_id: evse,
  charging_profile: {
    id,
    stack_level: 0,
    charging_profile_purpose: purpose,
    charging_profile_kind: 'Absolute',
    charging_schedule: [{ id: 1, start_schedule: new Date(Date.now() - 86_400_000).toISOString(), charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit }] }],
    ...more,
  },
});

/** A simulator with two EVSEs and the profiles given, on topics of its own; `scp` bound to it. */
async function station(profiles: object[], more: string[] = []) {
  const path = join(dir, `profiles-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(profiles));
  const topics = uniqueTopics();
  const simulator = await startSimulator(['--broker', broker.url, ...topics.args, 'simulate', '--evses', '2', '--profiles', path, ...more]);
  running.push(simulator);
  const scp = (...args: string[]) => runScp(['--broker', broker.url, ...topics.args, ...args], { TZ: 'UTC' });
  return Object.assign(scp, { topicArgs: topics.args });
}

describe(`scp set --verify against the ${brokerName()}`, () => {
  it('in force: exit 0, the composite schedule asked in the profile\'s unit over its window', async () => {
    const scp = await station([]);
    const run = await scp('set', '--evse', '1', '--id', '70', '--limit', '11kW', '--duration', '2h', '--verify', '--json');
    expect(run.code, run.stderr).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record.outcome).toBe('accepted');
    expect(record.verify).toMatchObject({ in_force: true, differences: [], unit: 'W' });
    expect(record.verify.request.data).toEqual({ evse_id: '1', duration: expect.any(Number), charging_rate_unit: 'W' });
    expect(record.verify.request.data.duration).toBeGreaterThan(7190);
    // The station starts its window at its own whole second: when that second is one past ours, the window outlasts
    // the profile by a second, where the station's default shows; that second is not the profile's and not compared.
    const [first, ...after] = record.verify.response.data.schedule.charging_schedule_period;
    expect(first).toEqual({ start_period: 0, limit: 11000, number_of_phases_available: 3 });
    expect(after.filter((period: { start_period: number }) => period.start_period < record.verify.request.data.duration - 1)).toEqual([]);
    const human = await scp('set', '--evse', '2', '--id', '71', '--limit', '16A', '--verify');
    expect([human.code, human.stdout]).toEqual([0, "accepted\nin force: the composite schedule is the profile's wherever it applies\n"]);
  });

  it('accepted, not in force: exit 1, where the station maximum limits it, and the record says not_in_force', async () => {
    const scp = await station([holding(1, 'ChargingStationMaxProfile', '0', 10)]);
    const run = await scp('set', '--evse', '1', '--id', '70', '--limit', '16A', '--duration', '1h', '--verify');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^accepted\nnot in force: something else limits the EVSE where the profile applies\n {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d to \d{4}-\d\d-\d\d \d\d:\d\d:\d\d: 10 A, not 16 A\n$/);
    const json = await scp('set', '--evse', '1', '--id', '70', '--limit', '16A', '--duration', '1h', '--verify', '--json');
    const record = JSON.parse(json.stdout);
    expect([json.code, record.outcome, record.response.data.status]).toEqual([1, 'not_in_force', 'accepted']);
    expect(record.verify.differences).toEqual([{ start_period: 0, end_period: expect.any(Number), limit: 10, expected: 16 }]);
  });

  it('a TxDefaultProfile under the transaction\'s TxProfile is not in force; the TxProfile itself is', async () => {
    const scp = await station([holding(1, 'TxProfile', '1', 32, { transaction_id: 'T1' })], ['--transaction', '1=T1']);
    expect((await scp('set', '--evse', '1', '--id', '70', '--limit', '16A', '--stack-level', '5', '--verify')).code).toBe(1);
    expect((await scp('set', '--evse', '1', '--id', '71', '--purpose', 'TxProfile', '--transaction', 'T1', '--limit', '20A', '--stack-level', '1', '--verify')).code).toBe(0);
  });

  it('a station-wide TxDefaultProfile is refused before anything is sent: exit 2, give --evse', async () => {
    const scp = await station([]);
    const run = await scp('set', '--id', '70', '--limit', '16A', '--verify');
    expect([run.code, run.stdout, run.stderr]).toEqual([2, '', "scp: --verify: give --evse: a station-wide TxDefaultProfile applies to each EVSE, and the station's own composite schedule is their sum\n"]);
  });

});

describe(`scp set --verify in streams, and when no verdict comes, against the ${brokerName()}`, () => {
  it('--input: each accepted line verified in its record, a line it cannot check refused as invalid input', async () => {
    const scp = await station([holding(1, 'ChargingStationMaxProfile', '0', 10)]);
    const line = (id: number, evse: string | undefined, limit: number) =>
      JSON.stringify({ ...(evse ? { evse_id: evse } : {}), charging_profile: { ...holding(id, 'TxDefaultProfile', '1', limit, { stack_level: id }).charging_profile, charging_schedule: [{ id: 1, charging_rate_unit: 'A', duration: 3600, start_schedule: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), charging_schedule_period: [{ start_period: 0, limit }] }] } });
    const input = [line(70, '1', 8), line(71, '2', 16), line(72, undefined, 16)].join('\n');
    const run = await runScp(['--broker', broker.url, ...scp.topicArgs, 'set', '--verify', '--input', '-', '--json'], {}, `${input}\n`);
    const records = run.stdout.trimEnd().split('\n').map((text) => JSON.parse(text));
    expect(records.map((r) => [r.line, r.outcome, r.verify?.in_force ?? null])).toEqual([
      [1, 'accepted', true],
      [2, 'not_in_force', false],
      [3, 'invalid_input', null],
    ]);
    expect(records[1].verify.differences).toEqual([{ start_period: 0, end_period: expect.any(Number), limit: 10, expected: 16 }]);
    expect(records[1].response.data.status).toBe('accepted');
    expect(records[2].error).toMatch(/^--verify: give --evse/);
    expect(run.code).toBe(2);
    const human = await runScp(['--broker', broker.url, ...scp.topicArgs, 'set', '--verify', '--input', '-'], {}, `${line(73, '2', 16)}\n`);
    expect([human.code, human.stdout]).toEqual([1, 'line 1: id=73 evse_id=2 TxDefaultProfile 16 A -> not in force (something else limits the EVSE where the profile applies)\n']);
  });

  it('no composite schedule in time: exit 3, saying the profile was accepted but not verified', async () => {
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics, (request) =>
      request.envelope?.name === 'set_charging_profile' ? [response(request.envelope.id, { status: 'accepted' }, { name: 'set_charging_profile' })] : [],
    );
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, 'set', '--evse', '1', '--id', '70', '--limit', '16A', '--verify', '--timeout', '0.5']);
      expect([run.code, run.stderr]).toEqual([3, 'scp: the request was accepted, but not verified: no composite schedule came before --timeout\n']);
      expect(responder.seen.map((seen) => seen.envelope?.name)).toEqual(['set_charging_profile', 'get_composite_schedule']);
      // The same in a stream: the line's record keeps the station's accepted, says why there is no verdict.
      const line = JSON.stringify({ evse_id: '1', charging_profile: holding(70, 'TxDefaultProfile', '1', 16).charging_profile });
      const stream = await runScp(['--broker', broker.url, ...topics.args, 'set', '--verify', '--input', '-', '--json', '--timeout', '0.5'], {}, `${line}\n`);
      const record = JSON.parse(stream.stdout);
      expect([stream.code, record.outcome, record.response.data.status, record.verify.in_force]).toEqual([3, 'timeout', 'accepted', false]);
      // One wording for both: the judgement of a follow-up's answer is one function (pipeline/features/verify.ts).
      expect(record.error).toBe('the request was accepted, but not verified: no composite schedule came before --timeout');
      expect(record.verify.request.name).toBe('get_composite_schedule');
    } finally {
      await responder.close();
    }
  });
});
