/**
 * `scp simulate` and `scp clear` as two real processes on one broker: the simulator's own embedded broker, or the
 * broker under test (SCP_TEST_BROKER_URL, else an embedded aedes started by the test).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { connectAsync, type IClientPublishOptions } from 'mqtt';
import { brokerName, brokerUnderTest, type Broker } from '../../helpers/broker.js';
import { startSimulator, type Simulator } from '../../helpers/simulator.js';
import { runScp, sleep } from '../../helpers/run.js';
import { uniqueTopics } from '../../helpers/responder.js';

let dir: string;
let broker: Broker;
const running: Simulator[] = [];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'scp-sim-'));
  broker = await brokerUnderTest();
});
afterEach(async () => {
  for (const simulator of running.splice(0)) await simulator.stop('SIGKILL');
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

async function simulate(args: string[] = [], env: Record<string, string> = {}) {
  const simulator = await startSimulator(args, env);
  running.push(simulator);
  return simulator;
}

/** A simulator on the broker under test, on topics of its own; returns it and a `clear` bound to it. */
async function onBroker(args: string[] = []) {
  const topics = uniqueTopics();
  const simulator = await simulate(['--broker', broker.url, ...topics.args, 'simulate', ...args]);
  const clear = (...clearArgs: string[]) => runScp(['--broker', broker.url, ...topics.args, 'clear', ...clearArgs]);
  return { simulator, clear, topics };
}

const file = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

describe('scp simulate --embedded', () => {
  it('answers accepted the first time and unknown the second', async () => {
    const simulator = await simulate(['simulate', '--embedded', '0']);
    const first = await runScp(['--broker', simulator.url, 'clear', '--id', '1']);
    const second = await runScp(['--broker', simulator.url, 'clear', '--id', '1']);
    expect([first.stdout, first.code]).toEqual(['accepted\n', 0]);
    expect([second.stdout, second.code]).toEqual(['unknown\n', 1]);
  });

  it('says on stderr where it listens and prints the built-in profiles', async () => {
    const simulator = await simulate(['simulate', '--embedded', '0']);
    expect(simulator.stderr()).toMatch(/embedded MQTT broker listening on mqtt:\/\/127\.0\.0\.1:\d+/);
    expect(simulator.stderr()).toMatch(/7 charging profiles:/);
    for (const purpose of ['ChargingStationExternalConstraints', 'ChargingStationMaxProfile', 'TxDefaultProfile', 'TxProfile']) {
      expect(simulator.stderr()).toContain(purpose);
    }
    expect(simulator.stdout()).toBe('');
  });

  it('listens on 1883 by default, and says so when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const run = await runScp(['simulate', '--embedded', String(port)]);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(new RegExp(`cannot start the embedded broker on 127\\.0\\.0\\.1:${port}: EADDRINUSE \\(another broker already listens there`));
    } finally {
      blocker.close();
    }
    const help = await runScp(['simulate', '--help']);
    expect(help.stdout).toMatch(/default port 1883/);
  });

  it('stops cleanly on Ctrl-C and on SIGTERM, exit 0, and its port closes', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const simulator = await simulate(['simulate', '--embedded', '0']);
      const result = await simulator.stop(signal);
      expect(result.code).toBe(0);
      expect(result.stderr).toMatch(/stopped/);
      const refused = await runScp(['--broker', simulator.url, 'clear', '--id', '1']);
      expect(refused.code).toBe(4);
    }
  });

  it('logs one line per request on stdout: time, request id, what was asked, what was removed, the answer', async () => {
    const simulator = await simulate(['simulate', '--embedded', '0']);
    const run = await runScp(['--broker', simulator.url, 'clear', '--purpose', 'TxProfile', '--json']);
    const { request } = JSON.parse(run.stdout);
    await sleep(100);
    expect(simulator.stdout().trimEnd().split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\S+Z ${request.id} clear purpose=TxProfile: removed #1, #3 -> accepted$`)),
    ]);
  });

  it('--json logs one JSON object per request', async () => {
    const simulator = await simulate(['--json', 'simulate', '--embedded', '0']);
    await runScp(['--broker', simulator.url, 'clear', '--evse', 'GB*SEV*E001']);
    await runScp(['--broker', simulator.url, 'clear', '--evse', 'GB*SEV*E001']);
    await sleep(100);
    const lines = simulator.stdout().trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(lines).toEqual([
      expect.objectContaining({ asked: { charging_profile_criteria: { evse_id: 'GB*SEV*E001' } }, removed: [1, 2], status: 'accepted', delivery: 'answered' }),
      expect.objectContaining({ removed: [], status: 'unknown', delivery: 'answered' }),
    ]);
    expect(lines[0].request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(lines[0].time)).not.toBeNaN();
  });
});

describe('scp simulate --embedded speaks MQTT 3.1.1 and MQTT 5 on one port', () => {
  // Ids as scp makes them: the request schema wants a UUID.
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const request = (id: string, profileId: number) =>
    JSON.stringify({ id, name: 'clear_charging_profile', type: 'request', data: { charging_profile_id: profileId } });

  /** A plain MQTT.js client of the given version: subscribes to the answers, sends one request, resolves with its answer. */
  async function ask(url: string, protocolVersion: 4 | 5, id: string, profileId: number, publish: IClientPublishOptions['properties'] = {}) {
    const client = await connectAsync(url, { protocolVersion, reconnectPeriod: 0, connectTimeout: 5000 });
    try {
      await client.subscribeAsync('smart_charging/ocpp', { qos: 1 });
      const answer = new Promise<{ topic: string; envelope: { id: string; data: { status: string } } }>((resolve) =>
        client.on('message', (topic, payload) => {
          const envelope = JSON.parse(payload.toString());
          if (envelope.id === id) resolve({ topic, envelope });
        }),
      );
      await client.publishAsync('ocpp/smart_charging', request(id, profileId), { qos: 1, properties: publish });
      return await answer;
    } finally {
      await client.endAsync();
    }
  }

  it('simulate --help says which MQTT versions --embedded speaks, with a mosquitto_rr example', async () => {
    const help = await runScp(['simulate', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--embedded \[port\]\s+also run an MQTT broker \(MQTT 3\.1\.1 and 5\)/);
    expect(help.stdout).toMatch(/^  mosquitto_rr -h 127\.0\.0\.1 -p 1883 -t ocpp\/smart_charging -e smart_charging\/ocpp/m);
  });

  it('answers an MQTT.js v5 client whose request carries a response topic and correlation data, on the documented topic', async () => {
    const simulator = await simulate(['simulate', '--embedded', '0']);
    const properties = { responseTopic: 'somewhere/else', correlationData: Buffer.from('c0ffee', 'hex'), userProperties: { from: 'test' } };
    const { topic, envelope } = await ask(simulator.url, 5, uuid(1), 1, properties);
    expect(topic).toBe('smart_charging/ocpp');
    expect(envelope.data.status).toBe('accepted');
  });

  it('scp clear --mqtt-version 5 and --mqtt-version 3.1.1 both get their answers', async () => {
    // Started under MQTT 5 as an operator might: no warning that the broker speaks less.
    const simulator = await simulate(['--mqtt-version', '5', 'simulate', '--embedded', '0']);
    expect(simulator.stderr()).not.toMatch(/warning/);
    const v5 = await runScp(['--broker', simulator.url, '--mqtt-version', '5', 'clear', '--id', '1']);
    const v311 = await runScp(['--broker', simulator.url, '--mqtt-version', '3.1.1', 'clear', '--id', '2']);
    expect([v5.stdout, v5.stderr, v5.code]).toEqual(['accepted\n', '', 0]);
    expect([v311.stdout, v311.stderr, v311.code]).toEqual(['accepted\n', '', 0]);
  });

  it('mosquitto_rr with its default options (MQTT 5, response topic and correlation data) gets the answer', async () => {
    const simulator = await simulate(['simulate', '--embedded', '0']);
    const port = new URL(simulator.url).port;
    const body = request(uuid(21), 1);
    const rr = await new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) =>
      execFile('mosquitto_rr', ['-h', '127.0.0.1', '-p', port, '-t', 'ocpp/smart_charging', '-e', 'smart_charging/ocpp', '-m', body, '-W', '10'], (err, stdout, stderr) =>
        resolve({ code: err ? ((err as NodeJS.ErrnoException).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(rr.code, rr.code === 'ENOENT' ? 'mosquitto_rr is not installed (Debian package mosquitto-clients)' : rr.stderr).toBe(0);
    expect(JSON.parse(rr.stdout)).toEqual({
      id: uuid(21),
      name: 'clear_charging_profile',
      type: 'response',
      data: { status: 'accepted' },
    });
  });

  it('serves 3.1.1 and 5 clients at the same time, each its own answer', async () => {
    const simulator = await simulate(['simulate', '--embedded', '0']);
    const asked = await Promise.all([
      ask(simulator.url, 4, uuid(11), 1),
      ask(simulator.url, 5, uuid(12), 2),
      ask(simulator.url, 4, uuid(13), 99),
      ask(simulator.url, 5, uuid(14), 98, { correlationData: Buffer.from('x') }),
      runScp(['--broker', simulator.url, '--mqtt-version', '5', 'clear', '--id', '3']),
      runScp(['--broker', simulator.url, '--mqtt-version', '3.1.1', 'clear', '--id', '4']),
    ]);
    expect(asked.slice(0, 4).map((a) => 'envelope' in a && [a.envelope.id, a.envelope.data.status])).toEqual([
      [uuid(11), 'accepted'],
      [uuid(12), 'accepted'],
      [uuid(13), 'unknown'],
      [uuid(14), 'unknown'],
    ]);
    expect(asked.slice(4).map((a) => 'code' in a && [a.stdout, a.code])).toEqual([
      ['accepted\n', 0],
      ['accepted\n', 0],
    ]);
  });
});

describe(`scp simulate on the ${brokerName()}`, () => {
  it('serves scp clear as two processes on one broker', async () => {
    const { clear } = await onBroker();
    expect((await clear('--id', '3')).stdout).toBe('accepted\n');
    expect((await clear('--id', '3')).stdout).toBe('unknown\n');
  });

  it('never clears ChargingStationExternalConstraints (K10.FR.06)', async () => {
    const { clear } = await onBroker();
    const run = await clear('--purpose', 'ChargingStationExternalConstraints');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^unknown\nreason_code: NotAllowed\n/);
    expect((await clear('--id', '7')).code).toBe(1);
  });

  it('treats EVSE "0" as the station, exactly', async () => {
    const { clear } = await onBroker();
    expect((await clear('--evse', '0', '--purpose', 'ChargingStationMaxProfile')).code).toBe(0);
    expect((await clear('--evse', '0', '--purpose', 'ChargingStationMaxProfile')).code).toBe(1);
  });

  it('ANDs criteria: a stack level that no TxProfile of that EVSE has clears nothing', async () => {
    const { clear } = await onBroker();
    expect((await clear('--evse', 'GB*SEV*E002', '--purpose', 'TxProfile', '--stack-level', '0')).code).toBe(1);
    expect((await clear('--evse', 'GB*SEV*E002', '--purpose', 'TxProfile', '--stack-level', '1')).code).toBe(0);
  });

  it('answers a request that fails the schema with unknown and what was wrong', async () => {
    const { topics } = await onBroker();
    const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    try {
      const answer = new Promise<string>((resolve) => client.on('message', (_t, payload) => resolve(payload.toString())));
      await client.subscribeAsync(topics.responseTopic, { qos: 1 });
      const id = '5a0aa109-21a1-4f2f-bdbd-6cdf139e7bb1';
      await client.publishAsync(topics.requestTopic, JSON.stringify({ id, name: 'clear_charging_profile', type: 'request', data: { charging_profile_id: 'one' } }), { qos: 1 });
      expect(JSON.parse(await answer)).toEqual({
        id,
        name: 'clear_charging_profile',
        type: 'response',
        data: { status: 'unknown', status_info: { reason_code: 'InvalidRequest', additional_info: '/data/charging_profile_id: must be integer' } },
      });
    } finally {
      await client.endAsync();
    }
  });

  it('ignores and logs a message that is not JSON or not a clear request, and keeps serving', async () => {
    const { simulator, topics, clear } = await onBroker();
    const client = await connectAsync(broker.url, { reconnectPeriod: 0 });
    await client.publishAsync(topics.requestTopic, 'hello', { qos: 1 });
    await client.publishAsync(topics.requestTopic, JSON.stringify({ id: 'x', name: 'get_base_report', type: 'request', data: {} }), { qos: 1 });
    await client.endAsync();
    expect((await clear('--id', '1')).code).toBe(0);
    expect(simulator.stderr()).toMatch(/ignored a message on \S+: not UTF-8 JSON/);
    expect(simulator.stderr()).toMatch(/ignored a message on \S+: not a clear_charging_profile, set_charging_profile or get_composite_schedule request \(name "get_base_report"/);
  });

  it('exits 4 when its broker is not there', async () => {
    const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', 'simulate']);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/cannot connect to mqtt:\/\/127\.0\.0\.1:1: connection refused/);
  });
});

describe('--profiles', () => {
  it('starts with the profiles of a file', async () => {
    const profiles = file('profiles.json', [{ id: 70, evse_id: 'NL*ABC*E7', charging_profile_purpose: 'TxDefaultProfile', stack_level: 3 }]);
    const simulator = await simulate(['simulate', '--embedded', '0', '--profiles', profiles]);
    expect(simulator.stderr()).toMatch(/1 charging profiles:[\s\S]*70\s+NL\*ABC\*E7\s+TxDefaultProfile\s+3/);
    expect((await runScp(['--broker', simulator.url, 'clear', '--id', '1'])).code).toBe(1);
    expect((await runScp(['--broker', simulator.url, 'clear', '--evse', 'NL*ABC*E7', '--stack-level', '3'])).code).toBe(0);
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.json'), /^scp: --profiles: ".*nope\.json": not found$/],
    ['a file that is not JSON', () => file('bad.json', '[{"id": 1,'), /^scp: --profiles: ".*bad\.json" is not valid JSON at line 1, column 11 \(found the end of the text\)$/],
    ['an object instead of an array', () => file('obj.json', { id: 1 }), /: expected a JSON array of profiles$/],
    [
      'a bad purpose',
      () => file('purpose.json', [{ id: 1, evse_id: 'E1', charging_profile_purpose: 'TxProfile', stack_level: 0 }, { id: 2, evse_id: 'E1', charging_profile_purpose: 'Max', stack_level: 0 }]),
      /: entry 2 \(id 2\): charging_profile_purpose: "Max" must be one of ChargingStationExternalConstraints, ChargingStationMaxProfile, TxDefaultProfile, TxProfile$/,
    ],
    ['a missing field', () => file('missing.json', [{ id: 4, evse_id: 'E1', charging_profile_purpose: 'TxProfile' }]), /: entry 1 \(id 4\): missing field "stack_level"$/],
    ['a duplicate id', () => file('dup.json', [{ id: 4, evse_id: 'E1', charging_profile_purpose: 'TxProfile', stack_level: 0 }, { id: 4, evse_id: 'E2', charging_profile_purpose: 'TxProfile', stack_level: 0 }]), /: entry 2: id 4 is already used by entry 1$/],
  ])('refuses %s with exit 2, naming the entry and field', async (_what, path, message) => {
    const run = await runScp(['simulate', '--embedded', '0', '--profiles', path()]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(message)]);
  });


  it('refuses a limit of more than one decimal, which no OCPP limit has: exit 2 naming the entry and the field', async () => {
    const entry = { evse_id: '1', charging_profile: { id: 1, stack_level: 0, charging_profile_purpose: 'TxDefaultProfile', charging_profile_kind: 'Absolute', charging_schedule: [{ id: 1, start_schedule: '2026-12-01T00:00:00Z', charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 16.55 }] }] } };
    const path = file('decimals.json', [entry]);
    const run = await runScp(['simulate', '--embedded', '0', '--profiles', path]);
    expect([run.stderr, run.code]).toEqual([`scp: --profiles: ${JSON.stringify(path)}: entry 1: charging_profile.charging_schedule[0].charging_schedule_period[0].limit: 16.55 has more than one decimal; OCPP 2.0.1 limits carry at most one (16.5 or 16.6)\n`, 2]);
  });
});

describe('--profiles as a station holds them', () => {
  // A whole profile as --profiles holds it (shaped like set's request data).
  const whole = (id: number, purpose: string, evse: string | undefined, more: Record<string, unknown> = {}) => ({
    ...(evse === undefined ? {} : { evse_id: evse }),
    charging_profile: {
      id,
      stack_level: 0,
      charging_profile_purpose: purpose,
      charging_profile_kind: 'Absolute',
      charging_schedule: [{ id: 1, start_schedule: '2026-12-01T00:00:00Z', charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 16 }] }],
      ...more,
    },
  });
  const selector = (id: number, purpose: string, evse: string) => ({ id, evse_id: evse, charging_profile_purpose: purpose, stack_level: 0 });

  it.each([
    ['a TxProfile on an EVSE without a transaction', [whole(1, 'TxProfile', '1', { transaction_id: 'T1' })], [], 'entry 1 (id 1): a station refuses it: TxProfileEvseHasNoActiveTransaction (EVSE 1 has no active transaction)'],
    ['a TxProfile of another transaction', [whole(1, 'TxProfile', '1', { transaction_id: 'T9' })], ['--transaction', '1=T1'], 'entry 1 (id 1): a station refuses it: TxProfileTransactionNotOnEvse (transaction T9 is not the one on EVSE 1 (T1))'],
    ['a TxProfile without its transaction_id', [whole(1, 'TxProfile', '1')], ['--transaction', '1=T1'], 'entry 1 (id 1): a station refuses it: TxProfileMissingTransactionId (a TxProfile needs transaction_id)'],
    ['a ChargingStationMaxProfile on an EVSE', [whole(1, 'TxDefaultProfile', '1'), whole(2, 'ChargingStationMaxProfile', '1')], [], 'entry 2 (id 2): a station refuses it: ChargingStationMaxProfileEvseIdGreaterThanZero (a ChargingStationMaxProfile is for the whole station, not EVSE 1)'],
    ['a Relative ChargingStationMaxProfile', [{ charging_profile: { ...whole(3, 'ChargingStationMaxProfile', undefined).charging_profile, charging_profile_kind: 'Relative', charging_schedule: [{ id: 1, charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 16 }] }] } }], [], 'entry 1 (id 3): a station refuses it: ChargingStationMaxProfileCannotBeRelative (a ChargingStationMaxProfile cannot be Relative)'],
    ['two TxDefaultProfiles at one stack level on one EVSE', [whole(1, 'TxDefaultProfile', '1'), whole(2, 'TxDefaultProfile', '1')], [], 'entry 2 (id 2): a station refuses it: DuplicateProfileValidityPeriod (profile 1 is a TxDefaultProfile on the same EVSE at stack level 0 in force at the same time)'],
    ['a TxDefaultProfile at one stack level both station-wide and on an EVSE', [whole(1, 'TxDefaultProfile', '1'), whole(2, 'TxDefaultProfile', '0')], [], 'entry 2 (id 2): a station refuses it: DuplicateTxDefaultProfileFound (profile 1 is a TxDefaultProfile at stack level 0 on an EVSE)'],
    ['a profile whose first period does not start at 0', [{ evse_id: '1', charging_profile: { ...whole(1, 'TxDefaultProfile', '1').charging_profile, charging_schedule: [{ id: 1, start_schedule: '2026-12-01T00:00:00Z', charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 60, limit: 16 }] }] } }], [], 'entry 1 (id 1): a station refuses it: ChargingProfileFirstStartScheduleIsNotZero (charging_schedule[0].charging_schedule_period[0]: the first period starts at 60, not 0)'],
    ['an EVSE the station does not have (--evses)', [whole(1, 'TxDefaultProfile', '3')], ['--evses', '2'], 'entry 1 (id 1): a station refuses it: EvseDoesNotExist (the station has no EVSE 3)'],
    ['an entry of only a selector: a ChargingStationMaxProfile on an EVSE', [selector(1, 'ChargingStationMaxProfile', '2')], [], 'entry 1 (id 1): a station refuses it: ChargingStationMaxProfileEvseIdGreaterThanZero (a ChargingStationMaxProfile is for the whole station, not EVSE 2)'],
    ['an entry of only a selector: a TxProfile for the station', [selector(1, 'TxProfile', '0')], [], 'entry 1 (id 1): a station refuses it: TxProfileEvseIdNotGreaterThanZero (a TxProfile is for the EVSE of its transaction: give evse_id)'],
  ])('refuses %s as a station would (libocpp\'s checks): exit 2 naming the entry and the rule', async (_what, entries, flags, message) => {
    const path = file('refused.json', entries);
    const run = await runScp(['simulate', '--embedded', '0', '--profiles', path, ...flags]);
    expect([run.stderr, run.code]).toEqual([`scp: --profiles: ${JSON.stringify(path)}: ${message}\n`, 2]);
  });

  it('starts with what a station holds: external constraints, a TxProfile of its transaction, one profile per stack level', async () => {
    const path = file('held.json', [
      whole(1, 'ChargingStationExternalConstraints', '0'),
      whole(2, 'TxProfile', '1', { transaction_id: 'T1' }),
      whole(3, 'TxDefaultProfile', '1'),
      whole(4, 'TxDefaultProfile', '1', { stack_level: 1 }),
      whole(5, 'TxDefaultProfile', '2'),
      selector(6, 'TxProfile', '2'),
    ]);
    const simulator = await simulate(['simulate', '--embedded', '0', '--profiles', path, '--transaction', '1=T1']);
    expect(simulator.stderr()).toMatch(/6 charging profiles:/);
    expect((await runScp(['--broker', simulator.url, 'clear', '--id', '6'])).code).toBe(0);
  });
});

describe('fault injection', () => {
  it('--delay answers late: a shorter --timeout gives up (exit 3), a longer one gets the answer', async () => {
    const { clear, simulator } = await onBroker(['--delay', '800']);
    expect((await clear('--id', '1', '--timeout', '0.3')).code).toBe(3);
    // The first request was applied even though its answer came too late: the second finds nothing.
    const late = await clear('--id', '1', '--timeout', '5');
    expect([late.stdout, late.code]).toEqual(['unknown\n', 1]);
    expect(late.ms).toBeGreaterThanOrEqual(800);
    expect(simulator.stdout()).toMatch(/answered after 800 ms/);
  });

  it('--drop 1 applies every request and answers none; --drop 0 answers all', async () => {
    const dropping = await onBroker(['--drop', '1', '--json']);
    const run = await dropping.clear('--id', '2', '--timeout', '0.5', '--json');
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).error).toMatch(/may still be applied/);
    await sleep(100);
    expect(JSON.parse(dropping.simulator.stdout())).toMatchObject({ removed: [2], delivery: 'dropped' });

    const answering = await onBroker(['--drop', '0']);
    expect((await answering.clear('--id', '2')).code).toBe(0);
  });

  it('--duplicate answers twice, and scp clear reports once', async () => {
    const { clear, topics } = await onBroker(['--duplicate']);
    const watcher = await connectAsync(broker.url, { reconnectPeriod: 0 });
    const answers: string[] = [];
    watcher.on('message', (_t, payload) => answers.push(payload.toString()));
    await watcher.subscribeAsync(topics.responseTopic, { qos: 1 });
    try {
      const run = await clear('--id', '1', '--json');
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
      expect(JSON.parse(run.stdout).outcome).toBe('accepted');
      await sleep(200);
      expect(answers).toHaveLength(2);
      expect(answers[0]).toBe(answers[1]);
    } finally {
      await watcher.endAsync();
    }
  });

  it('--answer-decoys publishes foreign answers and garbage first, and scp clear still takes only its own', async () => {
    const { clear } = await onBroker(['--answer-decoys']);
    // The decoys say "accepted" under other ids; the real answer to clearing a missing profile is "unknown".
    const run = await clear('--id', '404', '--verbose');
    expect([run.stdout, run.code]).toEqual(['unknown\n', 1]);
    expect(run.stderr).toMatch(/ignored .*is not ours/);
    expect(run.stderr).toMatch(/ignored .*name "set_charging_profile"/);
    expect(run.stderr).toMatch(/ignored .*payload is not JSON/);
    expect(run.stderr).toMatch(/ignored .*payload is not UTF-8/);
  });

  it.each([
    [['--delay', '-1'], /^scp: --delay: "-1" is not allowed; expected whole milliseconds/],
    [['--delay', '1.5'], /^scp: --delay: "1\.5" is not allowed/],
    [['--drop', '2'], /^scp: --drop: "2" is not allowed; expected a number from 0 \(never\) to 1 \(always\)$/],
    [['--embedded', '70000'], /^scp: --embedded: "70000" is not allowed; expected a port from 0 to 65535/],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await runScp(['simulate', ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd()).toMatch(message);
  });
});

describe('npm run demo', () => {
  it('clears profile 1 through the embedded broker: accepted, then unknown, exit 0', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const demo = fileURLToPath(new URL('../../../dist/demo.js', import.meta.url));
    const child = spawn(process.execPath, [demo], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(stdout).toMatch(/clear --id 1\n[^\n]*\n?accepted\n[\s\S]*clear --id 1\n[^\n]*\n?unknown\n/);
    expect(code).toBe(0);
  });
});
