/**
 * `scp clear` end to end: the built bin/scp as a child process, a real broker over TCP, a responder that answers
 * as the service would. Runs against the embedded broker, or against SCP_TEST_BROKER_URL when it is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { brokerName, brokerUnderTest, type Broker } from '../../helpers/broker.js';
import { response, startResponder, startSpy, uniqueTopics, type Answer, type SeenRequest } from '../../helpers/responder.js';
import { finished, runScp, sleep, spawnScp, stderrMatches } from '../../helpers/run.js';
import { checkClearRequest } from '../../../src/messages/clear/index.js';

let broker: Broker;
let dir: string;
beforeAll(async () => {
  broker = await brokerUnderTest();
  dir = mkdtempSync(join(tmpdir(), 'scp-e2e-'));
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a responder on fresh topics and runs scp against it. */
async function clearWith(args: string[], answer?: (request: SeenRequest) => Answer[], env: Record<string, string> = {}) {
  const topics = uniqueTopics();
  const responder = await startResponder(broker.url, topics, answer);
  try {
    const result = await runScp(['--broker', broker.url, ...topics.args, ...args], env);
    return { ...result, seen: responder.seen };
  } finally {
    await responder.close();
  }
}

const idOf = (request: SeenRequest) => request.envelope!.id;

describe(`scp clear against the ${brokerName()}`, () => {
  it('prints accepted and exits 0 when the service clears the profile', async () => {
    const run = await clearWith(['clear', '--id', '1']);
    expect(run.stdout).toBe('accepted\n');
    expect(run.code).toBe(0);
    expect(run.seen).toHaveLength(1);
  });

  it('publishes one schema-valid request at QoS 1, not retained, with a fresh UUID each time', async () => {
    const first = await clearWith(['clear', '--evse', 'GB*SEV*123', '--purpose', 'TxProfile', '--stack-level', '2']);
    const second = await clearWith(['clear', '--evse', 'GB*SEV*123', '--purpose', 'TxProfile', '--stack-level', '2']);
    const [a] = first.seen;
    const [b] = second.seen;
    expect(checkClearRequest(a!.envelope).ok).toBe(true);
    expect(a!.envelope!.data).toEqual({
      charging_profile_criteria: { evse_id: 'GB*SEV*123', charging_profile_purpose: 'TxProfile', stack_level: 2 },
    });
    expect(a!.qos).toBe(1);
    expect(a!.retain).toBe(false);
    expect(idOf(a!)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(idOf(a!)).not.toBe(idOf(b!));
  });

  it('prints unknown with status_info and exits 1 when nothing matched', async () => {
    const run = await clearWith(['clear', '--id', '404'], (request) => [
      response(idOf(request), {
        status: 'unknown',
        status_info: { reason_code: 'NotFound', additional_info: 'no profile 404' },
      }),
    ]);
    expect(run.stdout).toBe('unknown\nreason_code: NotFound\nadditional_info: no profile 404\n');
    expect(run.code).toBe(1);
  });

  it('--json prints exactly one object with request, response, outcome and elapsed_ms', async () => {
    const run = await clearWith(['clear', '--id', '7', '--json']);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(Object.keys(record)).toEqual(['request', 'response', 'outcome', 'elapsed_ms', 'broker']);
    expect(record.request).toEqual(run.seen[0]!.envelope);
    expect(record.response).toEqual(response(record.request.id, { status: 'accepted' }));
    expect(record.outcome).toBe('accepted');
    expect(record.elapsed_ms).toBeTypeOf('number');
    expect(run.code).toBe(0);
  });

  it('ignores other ids, other names, other types, non-JSON and non-UTF-8, and takes its own answer', async () => {
    const run = await clearWith(['clear', '--id', '1', '--verbose'], (request) => {
      const id = idOf(request);
      return [
        response('2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1', { status: 'unknown' }),
        { ...response(id, { status: 'unknown' }), name: 'set_charging_profile' },
        { ...response(id, { status: 'unknown' }), type: 'request' },
        'not json at all',
        Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
        '[1,2,3]',
        response(id, { status: 'accepted' }),
      ];
    });
    expect(run.stdout).toBe('accepted\n');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/ignored .*id "2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1" is not ours/);
    expect(run.stderr).toMatch(/ignored .*name "set_charging_profile" is not clear_charging_profile/);
    expect(run.stderr).toMatch(/ignored .*type "request" is not response/);
    expect(run.stderr).toMatch(/ignored .*payload is not JSON/);
    expect(run.stderr).toMatch(/ignored .*payload is not UTF-8/);
    expect(run.stderr).toMatch(/ignored .*payload is not a JSON object/);
  });

  it('does not take a decoy with a foreign id as its answer, even when it is the only message', async () => {
    const run = await clearWith(['clear', '--id', '1', '--timeout', '1', '--json'], () => [
      response('2b0aa109-21a1-4f2f-bdbd-6cdf139e7bb1', { status: 'accepted' }),
    ]);
    expect(run.code).toBe(3);
    expect(JSON.parse(run.stdout).outcome).toBe('timeout');
  });

  it('reports the first answer once when the service answers twice', async () => {
    const run = await clearWith(['clear', '--id', '1', '--json'], (request) => [
      response(idOf(request), { status: 'accepted' }),
      response(idOf(request), { status: 'unknown' }),
    ]);
    expect(run.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(run.stdout).outcome).toBe('accepted');
    expect(run.code).toBe(0);
  });

  it('exits 5 and names the problem when an answer with our id breaks the schema', async () => {
    const run = await clearWith(['clear', '--id', '1'], (request) => [
      response(idOf(request), { status: 'Accepted', extra: true }),
    ]);
    expect(run.code).toBe(5);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^scp: invalid response: .*\/data.*unexpected field "extra"/m);
    expect(run.stderr).toMatch(/\/data\/status: "Accepted" must be one of accepted, unknown/);
  });

  it('--json reports invalid_response with the offending envelope', async () => {
    const run = await clearWith(['clear', '--id', '1', '--json'], (request) => [
      { id: idOf(request), name: 'clear_charging_profile', type: 'response', data: {} },
    ]);
    const record = JSON.parse(run.stdout);
    expect(record.outcome).toBe('invalid_response');
    expect(record.response).toEqual({ id: record.request.id, name: 'clear_charging_profile', type: 'response', data: {} });
    expect(record.error).toMatch(/missing field "status"/);
    expect(run.code).toBe(5);
  });

  it('exits 3 after --timeout when no service answers, saying the request may still be applied', async () => {
    const run = await clearWith(['clear', '--id', '1', '--timeout', '0.5'], () => []);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^scp: no answer within 0\.5 s on \S+ at mqtt:\/\/\S+: nothing came on that topic \(the request was published and may still be applied\); is a Smart Charging service connected to this broker\? Check --broker, --request-topic and --response-topic \(or --station\); scp status asks whether the service is up\n$/);
    expect(run.seen).toHaveLength(1);
    // It exits on its own, promptly: no timer or socket keeps it alive after the timeout.
    expect(run.ms).toBeLessThan(5000);
  });

  it('--json on timeout prints the request, a null response and the error', async () => {
    const run = await clearWith(['clear', '--id', '1', '--timeout', '0.5', '--json'], () => []);
    const record = JSON.parse(run.stdout);
    expect(record).toMatchObject({ response: null, outcome: 'timeout' });
    expect(record.request.id).toBe(run.seen[0]!.envelope!.id);
    expect(record.error).toMatch(/may still be applied/);
    // What came on the response topic while it waited: nothing.
    expect(record.seen).toEqual({ other_answers: 0, unreadable: 0, other: 0 });
  });

  it('ignores a retained message already sitting on the response topic', async () => {
    const topics = uniqueTopics();
    const publisher = await connectAsync(broker.url, { reconnectPeriod: 0 });
    await publisher.publishAsync(topics.responseTopic, JSON.stringify(response('00000000-0000-4000-8000-000000000000', { status: 'accepted' })), { qos: 1, retain: true });
    const responder = await startResponder(broker.url, topics, () => []);
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, 'clear', '--id', '1', '--timeout', '0.5', '--verbose']);
      expect(run.code).toBe(3);
      expect(run.stderr).toMatch(/ignored .*retained message/);
    } finally {
      await publisher.publishAsync(topics.responseTopic, '', { qos: 1, retain: true });
      await publisher.endAsync();
      await responder.close();
    }
  });

  it('uses ocpp/smart_charging and smart_charging/ocpp when no topics are given', async () => {
    const responder = await startResponder(broker.url, { requestTopic: 'ocpp/smart_charging', responseTopic: 'smart_charging/ocpp' });
    try {
      const run = await runScp(['--broker', broker.url, 'clear', '--id', '1', '--json']);
      expect(run.code).toBe(0);
      const record = JSON.parse(run.stdout);
      expect(responder.seen.map((r) => r.envelope?.id)).toContain(record.request.id);
    } finally {
      await responder.close();
    }
  });

  it('escapes control characters the service puts in status_info', async () => {
    const run = await clearWith(['clear', '--id', '1'], (request) => [
      response(idOf(request), { status: 'unknown', status_info: { reason_code: 'X\u001b[2J' } }),
    ]);
    expect(run.stdout).toBe('unknown\nreason_code: X\\u001b[2J\n');
  });

  it('exits 130 on Ctrl-C while waiting, after disconnecting, and says the request may still be applied', async () => {
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics, () => []);
    try {
      const child = spawnScp(['--broker', broker.url, ...topics.args, 'clear', '--id', '1', '--timeout', '30', '--verbose']);
      const published = stderrMatches(child, /published to/);
      const done = finished(child);
      await published;
      child.kill('SIGINT');
      const run = await done;
      expect(run.code).toBe(130);
      expect(run.stderr).toMatch(/interrupted: the request was published and may still be applied/);
      expect(run.stderr).toMatch(/disconnected/);
      expect(run.ms).toBeLessThan(5000);
    } finally {
      await responder.close();
    }
  });

  it('exits 143 on SIGTERM while waiting', async () => {
    const topics = uniqueTopics();
    const child = spawnScp(['--broker', broker.url, ...topics.args, 'clear', '--id', '1', '--timeout', '30', '--verbose']);
    const published = stderrMatches(child, /published to/);
    const done = finished(child);
    await published;
    child.kill('SIGTERM');
    expect((await done).code).toBe(143);
  });

  describe('flags and environment', () => {
    it('takes the broker, topics and timeout from SCP_* variables', async () => {
      const topics = uniqueTopics();
      const responder = await startResponder(broker.url, topics);
      try {
        const run = await runScp(['clear', '--id', '1'], {
          SCP_BROKER_URL: broker.url,
          SCP_REQUEST_TOPIC: topics.requestTopic,
          SCP_RESPONSE_TOPIC: topics.responseTopic,
        });
        expect(run.stdout).toBe('accepted\n');
        expect(responder.seen).toHaveLength(1);
      } finally {
        await responder.close();
      }
    });

    it('lets a flag beat its environment variable', async () => {
      const run = await clearWith(['clear', '--id', '1'], undefined, {
        SCP_BROKER_URL: 'mqtt://127.0.0.1:1',
        SCP_REQUEST_TOPIC: 'nobody/listens/here',
      });
      expect(run.code).toBe(0);
      expect(run.seen).toHaveLength(1);
    });

    it('SCP_TIMEOUT sets the wait and --timeout overrides it', async () => {
      const fromEnv = await clearWith(['clear', '--id', '1'], () => [], { SCP_TIMEOUT: '0.3' });
      expect(fromEnv.code).toBe(3);
      expect(fromEnv.stderr).toMatch(/within 0\.3 s/);
      const fromFlag = await clearWith(['clear', '--id', '1', '--timeout', '0.4'], () => [], { SCP_TIMEOUT: '0.3' });
      expect(fromFlag.stderr).toMatch(/within 0\.4 s/);
    });

    it('a bad SCP_TIMEOUT is refused like a bad flag', async () => {
      const run = await clearWith(['clear', '--id', '1'], undefined, { SCP_TIMEOUT: 'soon' });
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('scp: --timeout: "soon" is not allowed; expected a positive number of seconds up to 2147483\n');
      expect(run.seen).toHaveLength(0);
    });
  });

  describe('bad input: one line naming the flag, exit 2, nothing published', () => {
    const unreadable = () => join(dir, 'missing-password-file');
    const cases: Array<[string, () => string[], RegExp]> = [
      ['a non-integer --id', () => ['clear', '--id', '1.5'], /^scp: --id: "1\.5" is not allowed; expected an integer from 0 to 2147483647$/],
      ['a negative --id', () => ['clear', '--id', '-1'], /^scp: --id: -1 is not allowed; expected an integer from 0 to 2147483647$/],
      ['an --id beyond 32 bits', () => ['clear', '--id', '2147483648'], /^scp: --id: 2147483648 is not allowed/],
      ['a non-integer --stack-level', () => ['clear', '--stack-level', 'two'], /^scp: --stack-level: "two" is not allowed; expected an integer/],
      ['a negative --stack-level', () => ['clear', '--stack-level', '-3'], /^scp: --stack-level: -3 is not allowed/],
      ['an unknown --purpose', () => ['clear', '--purpose', 'txprofile'], /^scp: --purpose: "txprofile" is not allowed; expected one of ChargingStationExternalConstraints, ChargingStationMaxProfile, TxDefaultProfile, TxProfile \(did you mean TxProfile\?\)$/],
      ['an empty --evse', () => ['clear', '--evse', ''], /^scp: --evse: "" is not allowed; expected a non-empty EVSE id/],
      ['an --evse with a space', () => ['clear', '--evse', 'GB SEV'], /^scp: --evse: "GB SEV" is not allowed/],
      ['--id with criteria', () => ['clear', '--id', '1', '--purpose', 'TxProfile'], /^scp: --id cannot be combined with --evse, --purpose or --stack-level/],
      ['no selector (stdin is not a terminal, so no questions)', () => ['clear'], /^scp: nothing to clear: give --id <n>, or any of --evse <evse_id>, --purpose <purpose>, --stack-level <n>, or --input <file> \(not asking, since stdin is not a terminal\)$/],
      ['a zero --timeout', () => ['clear', '--id', '1', '--timeout', '0'], /^scp: --timeout: "0" is not allowed; expected a positive number of seconds/],
      ['a negative --timeout', () => ['clear', '--id', '1', '--timeout=-2'], /^scp: --timeout: "-2" is not allowed/],
      ['a text --timeout', () => ['clear', '--id', '1', '--timeout', 'ten'], /^scp: --timeout: "ten" is not allowed/],
      ['an unknown --mqtt-version', () => ['clear', '--id', '1', '--mqtt-version', '4'], /^scp: --mqtt-version: "4" is not supported; use 3\.1\.1 or 5$/],
      ['an unreadable --password-file', () => ['--username', 'u', '--password-file', unreadable(), 'clear', '--id', '1'], /^scp: --password-file: ".*missing-password-file": not found$/],
      ['an unreadable --ca', () => ['--ca', unreadable(), 'clear', '--id', '1'], /^scp: --ca: ".*": not found$/],
      ['a password on the command line', () => ['--password', 'hunter2', 'clear', '--id', '1'], /^scp: --password: not accepted.*SCP_PASSWORD or use --password-file$/],
      ['an unknown option', () => ['clear', '--id', '1', '--colour'], /^scp: unknown option '--colour'/],
      ['a request topic with a wildcard', () => ['clear', '--id', '1', '--request-topic', 'ocpp/#'], /^scp: --request-topic: "ocpp\/#" is not allowed/],
    ];
    for (const [what, args, message] of cases) {
      it(`refuses ${what}`, async () => {
        const topics = uniqueTopics();
        const spy = await startSpy(broker.url, topics);
        try {
          const run = await runScp(['--broker', broker.url, ...topics.args, ...args()]);
          expect(run.code).toBe(2);
          expect(run.stdout).toBe('');
          const lines = run.stderr.trimEnd().split('\n');
          expect(lines[0]).toMatch(message);
          expect(lines.filter((line) => line.startsWith('scp:'))).toHaveLength(1);
          await sleep(100);
          expect(spy.seen).toHaveLength(0);
        } finally {
          await spy.close();
        }
      });
    }

    it('refuses a malformed --broker URL', async () => {
      const run = await runScp(['--broker', 'mqtt//no-scheme', 'clear', '--id', '1']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('scp: --broker: "mqtt//no-scheme" is not a URL; expected e.g. mqtt://host:1883\n');
    });

    it('refuses a --broker with an unsupported scheme', async () => {
      const run = await runScp(['--broker', 'http://127.0.0.1:1883', 'clear', '--id', '1']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('scp: --broker: scheme "http" is not supported; use one of mqtt, mqtts, ws, wss\n');
    });

    it('warns about ChargingStationExternalConstraints but still sends it (K10.FR.06)', async () => {
      const run = await clearWith(['clear', '--purpose', 'ChargingStationExternalConstraints'], (request) => [
        response(idOf(request), { status: 'unknown' }),
      ]);
      expect(run.stderr).toMatch(/warning: OCPP 2\.0\.1 K10\.FR\.06 forbids clearing ChargingStationExternalConstraints/);
      expect(run.seen[0]!.envelope!.data).toEqual({
        charging_profile_criteria: { charging_profile_purpose: 'ChargingStationExternalConstraints' },
      });
      expect(run.code).toBe(1);
    });
  });

  describe('--dry-run', () => {
    it('prints the valid request and connects to nothing', async () => {
      const topics = uniqueTopics();
      const spy = await startSpy(broker.url, topics);
      try {
        const run = await runScp(['--broker', broker.url, ...topics.args, 'clear', '--evse', 'GB*SEV*123', '--dry-run']);
        expect(run.code).toBe(0);
        const request = JSON.parse(run.stdout);
        expect(checkClearRequest(request).ok).toBe(true);
        expect(request.data).toEqual({ charging_profile_criteria: { evse_id: 'GB*SEV*123' } });
        await sleep(100);
        expect(spy.seen).toHaveLength(0);
      } finally {
        await spy.close();
      }
    });

    it('needs no broker at all', async () => {
      const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '3', '--dry-run']);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).data).toEqual({ charging_profile_id: 3 });
    });
  });

  describe('colour', () => {
    const accepted = async (args: string[], env: Record<string, string>) => (await clearWith(['clear', '--id', '1', ...args], undefined, env)).stdout;
    it('is off when stdout is not a terminal', async () => {
      expect(await accepted([], {})).toBe('accepted\n');
    });
    it('is on with FORCE_COLOR', async () => {
      expect(await accepted([], { FORCE_COLOR: '1' })).toMatch(/\u001b\[[0-9;]*maccepted/);
    });
    it('is off with NO_COLOR, even with FORCE_COLOR', async () => {
      expect(await accepted([], { FORCE_COLOR: '1', NO_COLOR: '1' })).toBe('accepted\n');
    });
    it('is off with --no-color, even with FORCE_COLOR', async () => {
      expect(await accepted(['--no-color'], { FORCE_COLOR: '1' })).toBe('accepted\n');
    });
  });

  describe('secrets', () => {
    it('never prints the password, whether from SCP_PASSWORD, a file or the URL, even with --verbose', async () => {
      const file = join(dir, 'password');
      writeFileSync(file, 'file-secret-42\n');
      chmodSync(file, 0o600);
      const url = new URL(broker.url);
      url.username = 'operator';
      url.password = 'url-secret-42';
      for (const [args, env] of [
        [['--username', 'operator'], { SCP_PASSWORD: 'env-secret-42' }],
        [['--username', 'operator', '--password-file', file], {}],
        [['--broker', url.toString()], {}],
        [['--broker', url.toString().replace(String(url.port), '1')], {}],
      ] as Array<[string[], Record<string, string>]>) {
        const run = await clearWith([...args, 'clear', '--id', '1', '--verbose', '--json', '--timeout', '0.5'], undefined, env);
        expect(run.stdout + run.stderr).not.toMatch(/secret-42/);
      }
    });
  });
});
