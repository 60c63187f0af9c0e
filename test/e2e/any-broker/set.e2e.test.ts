/**
 * `scp set` end to end: the built bin/scp as a child process against the broker under test (the embedded one, or
 * SCP_TEST_BROKER_URL), answered by a responder that says what the test wants, or by `scp simulate`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { brokerName, brokerUnderTest, type Broker } from '../../helpers/broker.js';
import { response, startResponder, startSpy, uniqueTopics, type Answer, type SeenRequest } from '../../helpers/responder.js';
import { finished, runScp, sleep, spawnScp } from '../../helpers/run.js';
import { startSimulator, type Simulator } from '../../helpers/simulator.js';

let broker: Broker;
let dir: string;
const running: Simulator[] = [];
beforeAll(async () => {
  broker = await brokerUnderTest();
  dir = mkdtempSync(join(tmpdir(), 'scp-set-'));
});
afterEach(async () => {
  for (const simulator of running.splice(0)) await simulator.stop('SIGKILL');
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

const answerWith = (data: Record<string, unknown>, extra: Record<string, unknown> = {}) => (request: SeenRequest): Answer[] => [
  response(request.envelope!.id, data, { name: 'set_charging_profile', ...extra }),
];

/** scp set against a responder on fresh topics. */
async function setWith(args: string[], answer: (request: SeenRequest) => Answer[] = answerWith({ status: 'accepted' }), stdin?: string) {
  const topics = uniqueTopics();
  const responder = await startResponder(broker.url, topics, answer);
  try {
    const child = spawnScp(['--broker', broker.url, ...topics.args, 'set', ...args]);
    const done = finished(child);
    child.stdin.end(stdin ?? '');
    return { ...(await done), seen: responder.seen };
  } finally {
    await responder.close();
  }
}

/** A simulator on the broker under test, on topics of its own, and scp bound to it. */
async function simulated(args: string[] = []) {
  const topics = uniqueTopics();
  const simulator = await startSimulator(['--broker', broker.url, ...topics.args, 'simulate', ...args]);
  running.push(simulator);
  const scp = (...scpArgs: string[]) => runScp(['--broker', broker.url, ...topics.args, ...scpArgs]);
  return { simulator, scp, topics };
}

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

const PROFILE = {
  id: 42,
  stack_level: 0,
  charging_profile_purpose: 'TxDefaultProfile',
  charging_profile_kind: 'Absolute',
  charging_schedule: [
    {
      id: 1,
      start_schedule: '2026-12-01T18:00:00Z',
      duration: 10800,
      charging_rate_unit: 'W',
      charging_schedule_period: [
        { start_period: 0, limit: 11000 },
        { start_period: 3600, limit: 7400, number_phases: 1 },
      ],
    },
  ],
};

describe(`scp set against the ${brokerName()}`, () => {
  it('accepted: exit 0; the request is the one the flags describe', async () => {
    const run = await setWith(['--evse', '3', '--id', '7', '--limit', '11kW']);
    expect([run.stdout, run.stderr, run.code]).toEqual(['accepted\n', '', 0]);
    expect(run.seen).toHaveLength(1);
    const sent = run.seen[0]!.envelope!;
    expect(sent.name).toBe('set_charging_profile');
    expect(sent.data).toMatchObject({ evse_id: '3', charging_profile: { id: 7, charging_profile_purpose: 'TxDefaultProfile', charging_schedule: [{ charging_rate_unit: 'W', charging_schedule_period: [{ start_period: 0, limit: 11000 }] }] } });
  });

  it('rejected: exit 1, with the status_info shown', async () => {
    const run = await setWith(['--evse', '3', '--id', '7', '--limit', '16A'], answerWith({ status: 'rejected', status_info: { reason_code: 'InvalidProfile', additional_info: 'no room' } }));
    expect([run.stdout, run.code]).toEqual(['rejected\nreason_code: InvalidProfile\nadditional_info: no room\n', 1]);
  });

  it('an answer that breaks the response schema (Accepted capitalised): exit 5', async () => {
    const run = await setWith(['--evse', '3', '--id', '7', '--limit', '16A'], answerWith({ status: 'Accepted' }));
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^scp: invalid response: \/data\/status: "Accepted" must be one of accepted, rejected\n$/);
  });

  it('no answer: exit 3; an answer to clear with our id is not ours', async () => {
    const run = await setWith(['--evse', '3', '--id', '7', '--limit', '16A', '--timeout', '0.5'], answerWith({ status: 'accepted' }, { name: 'clear_charging_profile' }));
    expect(run.code).toBe(3);
    // The answer to clear under our id is no answer to set: something answers, but not this request.
    expect(run.stderr).toMatch(/^scp: no answer within 0\.5 s on \S+ at \S+: 1 other message came, none an answer to it \(the request was published and may still be applied\); is a Smart Charging service/m);
  });

  it('no broker: exit 4', async () => {
    const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', '--connect-timeout', '1', 'set', '--id', '7', '--limit', '16A']);
    expect(run.code).toBe(4);
  });

  it('--json prints the record: request, response, outcome, elapsed_ms', async () => {
    const run = await setWith(['--evse', '3', '--id', '7', '--limit', '16A', '--json']);
    const record = JSON.parse(run.stdout);
    expect(Object.keys(record)).toEqual(['request', 'response', 'outcome', 'elapsed_ms', 'broker']);
    expect(record.outcome).toBe('accepted');
    expect(record.response.id).toBe(record.request.id);
  });

  it('--verbose shows the request going out and the answer coming in; -y is accepted (nothing to confirm in a script)', async () => {
    const run = await setWith(['--evse', '3', '--id', '7', '--limit', '16A', '--verbose', '-y']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/publishing to \S+: \{"id":"[^"]+","name":"set_charging_profile"/);
    expect(run.stderr).toMatch(/received on \S+: \{"id":"[^"]+","name":"set_charging_profile","type":"response"/);
  });

  it('bad input: exit 2, one line naming the flag or field, nothing published', async () => {
    for (const [args, message] of [
      [['--id', '7'], /^scp: --limit: required with --id/],
      [['--id', '7', '--limit', '11'], /^scp: --limit: "11" is not allowed/],
      [['--evse', '3', '--id', '7', '--limit', '16 A'], /^scp: --limit: "16 A" is not allowed; write the number and its unit together: 16A$/],
      [['--evse', '3', '--id', '7', '--limit', '16.55A'], /^scp: .*limit \(--limit\): 16\.55 has more than one decimal; OCPP 2\.0\.1 limits carry at most one \(16\.5 or 16\.6\)$/],
      [['--evse', '3', '--id', '7', '--limit', '7.45678kW'], /\(--limit\): 7456\.78 has more than one decimal; OCPP 2\.0\.1 limits carry at most one \(7456\.7 or 7456\.8\)$/],
      [['--evse', '3', '--file', 'decimals'], /^scp: charging_profile\.charging_schedule\[0\]\.charging_schedule_period\[1\]\.limit \(--limit\): 7400\.25 has more than one decimal/],
      [['--evse', '3', '--id', '7', '--limit', '16A', '--purpose', 'TxProfile'], /^scp: charging_profile\.transaction_id \(--transaction\): required for a TxProfile/],
      [['--id', '7', '--limit', '16A', '--purpose', 'ChargingStationExternalConstraints'], /cannot be set/],
      [['--evse', '3', '--id', '7', '--limit', '16A', '--purpose', 'ChargingStationMaxProfile'], /^scp: evse_id \(--evse\): not allowed for a ChargingStationMaxProfile/],
      [['--id', '7', '--limit', '16A', '--valid-from', '2026-12-02T00:00:00Z', '--valid-to', '2026-12-01T00:00:00Z'], /valid_to \(--valid-to\): .* is not after valid_from/],
      [['--id', '7', '--limit', '16A', '--relative', '--start', '2026-12-01T00:00:00Z'], /^scp: --relative: cannot be combined with --start/],
      [['--id', '7', '--limit', '16A', '--start', 'tonight'], /^scp: --start: "tonight" is not allowed/],
      [['--file', join(dir, 'missing.json')], /^scp: --file: ".*missing\.json": not found$/],
    ] as const) {
      const topics = uniqueTopics();
      const spy = await startSpy(broker.url, topics);
      const decimals = { ...PROFILE, charging_schedule: [{ ...PROFILE.charging_schedule[0]!, charging_schedule_period: [{ start_period: 0, limit: 11000 }, { start_period: 3600, limit: 7400.25 }] }] };
      try {
        const run = await runScp(['--broker', broker.url, ...topics.args, 'set', ...args.map((arg) => (arg === 'decimals' ? file('decimals.json', decimals) : arg))]);
        expect(run.code, args.join(' ')).toBe(2);
        expect(run.stderr.split('\n').filter(Boolean), args.join(' ')).toEqual([expect.stringMatching(message)]);
        await sleep(50);
        expect(spy.seen, args.join(' ')).toHaveLength(0);
      } finally {
        await spy.close();
      }
    }
  });

  it('nothing to set and no terminal: exit 2, saying which flags would do', async () => {
    const run = await runScp(['--broker', broker.url, 'set', '--evse', '3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^scp: --id: required/);
    const none = await runScp(['--broker', broker.url, 'set']);
    expect(none.stderr).toBe(
      'scp: nothing to set: give --id <n> and --limit <16A|7400W|7.4kW>, or --file <path>, or --input <file> (not asking, since stdin is not a terminal)\n',
    );
  });

  it('--dry-run prints the request and publishes nothing', async () => {
    const topics = uniqueTopics();
    const spy = await startSpy(broker.url, topics);
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, 'set', '--id', '7', '--limit', '7.4kW', '--start', '2026-12-01T18:00:00Z', '--dry-run', '--json']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).data).toEqual({
        charging_profile: {
          id: 7,
          stack_level: 0,
          charging_profile_purpose: 'TxDefaultProfile',
          charging_profile_kind: 'Absolute',
          charging_schedule: [{ id: 1, start_schedule: '2026-12-01T18:00:00Z', charging_rate_unit: 'W', charging_schedule_period: [{ start_period: 0, limit: 7400 }] }],
        },
      });
      await sleep(50);
      expect(spy.seen).toHaveLength(0);
    } finally {
      await spy.close();
    }
  });

  it('--file: a profile, or request data, from a path or stdin; --evse supplies or overrides evse_id', async () => {
    const bare = await setWith(['--file', file('bare.json', PROFILE), '--evse', 'GB*SEV*E1']);
    expect(bare.code).toBe(0);
    expect(bare.seen[0]!.envelope!.data).toEqual({ evse_id: 'GB*SEV*E1', charging_profile: PROFILE });
    const station = await setWith(['--file', '-'], undefined, JSON.stringify(PROFILE));
    expect(station.seen[0]!.envelope!.data).toEqual({ charging_profile: PROFILE });
    const whole = await setWith(['--file', file('data.json', { evse_id: '2', charging_profile: PROFILE }), '--evse', '5']);
    expect(whole.seen[0]!.envelope!.data).toEqual({ evse_id: '5', charging_profile: PROFILE });
  });

  it('--input: one request data object per line, one result each, the stream exit status', async () => {
    const tx = { ...PROFILE, id: 43, charging_profile_purpose: 'TxProfile' };
    const lines = [JSON.stringify({ evse_id: '3', charging_profile: PROFILE }), '7', JSON.stringify({ evse_id: '3', charging_profile: tx })].join('\n');
    const run = await setWith(['--input', '-', '--json'], undefined, lines);
    const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records.map((r) => [r.line, r.outcome])).toEqual([
      [1, 'accepted'],
      [2, 'invalid_input'],
      [3, 'invalid_input'],
    ]);
    expect(records[2].error).toBe('charging_profile.transaction_id: required for a TxProfile, which belongs to one transaction');
    expect(run.seen).toHaveLength(1);
    expect(run.code).toBe(2);
  });
});

describe(`scp set with scp simulate on the ${brokerName()}`, () => {
  it('installs a profile that clear then removes; the log says what happened', async () => {
    const { simulator, scp } = await simulated(['--evses', '9']);
    expect((await scp('set', '--evse', '9', '--id', '70', '--limit', '11kW')).code).toBe(0);
    expect((await scp('clear', '--evse', '9')).stdout).toBe('accepted\n');
    expect((await scp('clear', '--id', '70')).code).toBe(1);
    expect(simulator.stdout()).toMatch(/set id=70 evse_id=9 TxDefaultProfile 11000 W: installed #70 -> accepted/);
    expect(simulator.stdout()).toMatch(/clear evse_id=9: removed #70 -> accepted/);
  });

  it('replaces a profile with the same id', async () => {
    const { simulator, scp } = await simulated(['--json', '--evses', '4']);
    await scp('set', '--evse', '3', '--id', '71', '--limit', '16A');
    await scp('set', '--evse', '4', '--id', '71', '--limit', '32A');
    const log = simulator.stdout().trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(log.map((entry) => [entry.added, entry.removed])).toEqual([
      [[71], []],
      [[71], [71]],
    ]);
    expect((await scp('clear', '--evse', '3')).code).toBe(1);
    expect((await scp('clear', '--evse', '4')).code).toBe(0);
  });

  it('rejects a request that breaks K01 from another client, with libocpp\'s reason code', async () => {
    const { simulator, topics } = await simulated();
    const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const answers: string[] = [];
    client.on('message', (_topic, payload) => answers.push(payload.toString()));
    await client.subscribeAsync(topics.responseTopic, { qos: 1 });
    const id = '0b0b0b0b-1111-4222-8333-444444444444';
    await client.publishAsync(topics.requestTopic, JSON.stringify({ id, name: 'set_charging_profile', type: 'request', data: { charging_profile: { ...PROFILE, charging_profile_purpose: 'TxProfile' } } }), { qos: 1 });
    for (let waited = 0; answers.length === 0 && waited < 5000; waited += 50) await sleep(50);
    await client.endAsync();
    expect(JSON.parse(answers[0]!)).toMatchObject({ id, data: { status: 'rejected', status_info: { reason_code: 'InvalidValue' } } });
    expect(simulator.stdout()).toMatch(/installed nothing -> rejected \(InvalidValue: TxProfileEvseIdNotGreaterThanZero: a TxProfile is for the EVSE of its transaction/);
  });

  it("the README's set examples are ones the built-in station accepts", async () => {
    const { scp } = await simulated();
    const profile = file('readme-profile.json', { id: 90, stack_level: 4, charging_profile_purpose: 'TxProfile', charging_profile_kind: 'Relative', transaction_id: 'TX-E001', charging_schedule: [{ id: 1, charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 16 }] }] });
    for (const args of [
      ['--evse', 'GB*SEV*E003', '--id', '70', '--limit', '11kW', '--stack-level', '3'],
      ['--evse', 'GB*SEV*E002', '--id', '80', '--limit', '16A', '--stack-level', '1', '--start', '2026-12-01T18:00:00Z', '--duration', '3h'],
      ['--id', '60', '--purpose', 'ChargingStationMaxProfile', '--stack-level', '1', '--limit', '40kW', '--recurring', 'daily', '--start', '2026-12-01T00:00:00Z'],
      ['--evse', 'GB*SEV*E001', '--file', profile],
    ]) {
      const run = await scp('set', ...args);
      expect(run.code, `${args.join(' ')}: ${run.stdout}${run.stderr}`).toBe(0);
    }
  });

  it('--profiles may hold entries shaped like set\'s request data: the station\'s state, schema-checked only', async () => {
    const path = file('state.json', [{ id: 1, evse_id: 'E1', charging_profile_purpose: 'TxProfile', stack_level: 0 }, { evse_id: 'E2', charging_profile: PROFILE }]);
    const { scp } = await simulated(['--profiles', path]);
    expect((await scp('clear', '--evse', 'E2')).stdout).toBe('accepted\n');
    const bad = await runScp(['--broker', broker.url, 'simulate', '--profiles', file('bad-state.json', [{ charging_profile: { ...PROFILE, stack_level: -1 } }])]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^scp: --profiles: ".*bad-state\.json": entry 1: charging_profile\.stack_level: -1 is not allowed; expected at least 0/);
  });
});

describe(`the station's K01 checks, as libocpp's, with scp simulate on the ${brokerName()}`, () => {
  // Each refusal an operator can meet with bin/scp (the rest, scp itself refuses before sending: the station's answer
  // to another client that sends them is tested below), against the built-in station: EVSEs GB*SEV*E001 to E003, TX-E001 on the first,
  // external constraints 7, a station maximum (6) at stack level 0, TxDefaultProfiles at levels 0 and 2.
  it.each([
    ['an EVSE the station does not have', ['--evse', '3', '--id', '70', '--limit', '11kW'], 'InvalidValue', 'EvseDoesNotExist'],
    ['the id of its external constraints', ['--evse', 'GB*SEV*E003', '--id', '7', '--limit', '11kW', '--stack-level', '3'], 'DuplicateProfile', 'ExistingChargingStationExternalConstraints'],
    ['a second station maximum at its stack level', ['--id', '60', '--purpose', 'ChargingStationMaxProfile', '--limit', '40kW'], 'DuplicateProfile', 'DuplicateProfileValidityPeriod'],
    ['a second TxDefaultProfile on an EVSE at its stack level', ['--evse', 'GB*SEV*E001', '--id', '70', '--limit', '11kW'], 'DuplicateProfile', 'DuplicateProfileValidityPeriod'],
    ['a station-wide TxDefaultProfile at the stack level of one on an EVSE', ['--id', '70', '--limit', '11kW', '--stack-level', '2', '--yes'], 'DuplicateProfile', 'DuplicateTxDefaultProfileFound'],
    ['a TxProfile for an EVSE without a transaction', ['--evse', 'GB*SEV*E002', '--id', '70', '--purpose', 'TxProfile', '--transaction', 'TX-E002', '--limit', '16A', '--stack-level', '2'], 'TxNotFound', 'TxProfileEvseHasNoActiveTransaction'],
    ["a TxProfile for another EVSE's transaction", ['--evse', 'GB*SEV*E001', '--id', '70', '--purpose', 'TxProfile', '--transaction', 'TX-9', '--limit', '16A', '--stack-level', '2'], 'TxNotFound', 'TxProfileTransactionNotOnEvse'],
    ['a TxProfile at the stack level of another of its transaction', ['--evse', 'GB*SEV*E001', '--id', '70', '--purpose', 'TxProfile', '--transaction', 'TX-E001', '--limit', '16A'], 'InvalidStackLevel', 'TxProfileConflictingStackLevel'],
    ['a Relative station maximum', ['--id', '60', '--purpose', 'ChargingStationMaxProfile', '--limit', '40kW', '--stack-level', '1', '--relative'], 'InvalidValue', 'ChargingStationMaxProfileCannotBeRelative'],
    ['a period with phase_to_use (the station does not switch phases)', ['--file', 'phase-to-use'], 'InvalidSchedule', 'ChargingSchedulePeriodPhaseToUseACPhaseSwitchingUnsupported'],
  ])('the station refuses %s: exit 1, libocpp\'s reason', async (_what, given, reason, result) => {
    const onePhase = { ...PROFILE, id: 71, stack_level: 3, charging_schedule: [{ ...PROFILE.charging_schedule[0]!, charging_schedule_period: [{ start_period: 0, limit: 3680, number_phases: 1, phase_to_use: 2 }] }] };
    const args = given.map((arg) => (arg === 'phase-to-use' ? file('phase-to-use.json', { evse_id: 'GB*SEV*E003', charging_profile: onePhase }) : arg));
    const { scp } = await simulated();
    const run = await scp('set', ...args, '--json');
    expect(run.code, run.stderr).toBe(1);
    const { status, status_info } = JSON.parse(run.stdout).response.data;
    expect([status, status_info.reason_code, status_info.additional_info.split(':')[0]]).toEqual(['rejected', reason, result]);
  });

  // What scp refuses before sending (exit 2), another client may still send: the station answers it as libocpp does.
  const period = (start_period: number, more: object = {}) => ({ start_period, limit: 16, ...more });
  const scheduled = (schedule: object, more: object = {}) => ({ ...PROFILE, id: 71, stack_level: 3, ...more, charging_schedule: [{ id: 1, charging_rate_unit: 'A', ...schedule }] });
  it.each([
    ['ChargingStationExternalConstraints', { ...PROFILE, id: 71, charging_profile_purpose: 'ChargingStationExternalConstraints' }, 'InvalidValue', 'ChargingStationExternalConstraintsInSetChargingProfileRequest'],
    ['a station maximum on an EVSE', { ...PROFILE, id: 71, stack_level: 1, charging_profile_purpose: 'ChargingStationMaxProfile' }, 'InvalidValue', 'ChargingStationMaxProfileEvseIdGreaterThanZero'],
    ['a TxProfile without its transaction', { ...PROFILE, id: 71, stack_level: 1, charging_profile_purpose: 'TxProfile' }, 'MissingParam', 'TxProfileMissingTransactionId'],
    ['phase_to_use on 3 phases', scheduled({ start_schedule: '2026-12-01T00:00:00Z', charging_schedule_period: [period(0, { number_phases: 3, phase_to_use: 1 })] }), 'InvalidSchedule', 'ChargingSchedulePeriodInvalidPhaseToUse'],
    ['a first period not at 0', scheduled({ start_schedule: '2026-12-01T00:00:00Z', charging_schedule_period: [period(60)] }), 'InvalidSchedule', 'ChargingProfileFirstStartScheduleIsNotZero'],
    ['periods out of order', scheduled({ start_schedule: '2026-12-01T00:00:00Z', charging_schedule_period: [period(0), period(600), period(300)] }), 'InvalidSchedule', 'ChargingSchedulePeriodsOutOfOrder'],
    ['an Absolute profile without start_schedule', scheduled({ charging_schedule_period: [period(0)] }), 'InvalidSchedule', 'ChargingProfileMissingRequiredStartSchedule'],
    ['a Relative profile with start_schedule', scheduled({ start_schedule: '2026-12-01T00:00:00Z', charging_schedule_period: [period(0)] }, { charging_profile_kind: 'Relative' }), 'InvalidSchedule', 'ChargingProfileExtraneousStartSchedule'],
  ])('the station refuses, from another client, %s: libocpp\'s reason', async (_what, profile, reason, result) => {
    const { topics } = await simulated();
    const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const answers: string[] = [];
    client.on('message', (_topic, payload) => answers.push(payload.toString()));
    await client.subscribeAsync(topics.responseTopic, { qos: 1 });
    const id = '0c0c0c0c-1111-4222-8333-444444444444';
    await client.publishAsync(topics.requestTopic, JSON.stringify({ id, name: 'set_charging_profile', type: 'request', data: { evse_id: 'GB*SEV*E003', charging_profile: profile } }), { qos: 1 });
    for (let waited = 0; answers.length === 0 && waited < 5000; waited += 50) await sleep(50);
    await client.endAsync();
    const { status, status_info } = JSON.parse(answers[0]!).data;
    expect([status, status_info.reason_code, status_info.additional_info.split(':')[0]]).toEqual(['rejected', reason, result]);
  });

});
