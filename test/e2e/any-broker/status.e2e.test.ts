/**
 * `scp status` end to end: the built bin/scp as a child process against the broker under test, asking on the
 * station's general topics (cs/josev, josev/cs, or fresh ones per test), answered by a responder that says what the
 * test wants, or by `scp simulate`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { brokerName, brokerUnderTest, type Broker } from '../../helpers/broker.js';
import { startResponder, startSpy, testProtocolVersion, type Answer, type SeenRequest } from '../../helpers/responder.js';
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

/** Fresh general topics, as scp's flags and as a responder's topics. */
function statusTopics(base = `scp-test/${randomBytes(6).toString('hex')}`) {
  const requestTopic = `${base}/cs/josev`;
  const responseTopic = `${base}/josev/cs`;
  return { requestTopic, responseTopic, args: ['--status-request-topic', requestTopic, '--status-response-topic', responseTopic] };
}

const READY = { service: 'smart_charging', status: 'ready', software_version: '0.5.0', api_version: '1.6.9' };
const answer = (id: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ id, name: 'service_status', type: 'response', data, ...extra });
const answerWith = (data: Record<string, unknown>) => (request: SeenRequest): Answer[] => (request.envelope ? [answer(request.envelope.id, data)] : []);

/** scp status against a responder on fresh general topics. */
async function statusWith(args: string[], respond = answerWith(READY)) {
  const topics = statusTopics();
  const responder = await startResponder(broker.url, topics, respond);
  try {
    const result = await runScp(['--broker', broker.url, ...topics.args, 'status', ...args]);
    return { ...result, seen: responder.seen };
  } finally {
    await responder.close();
  }
}

async function simulator(args: string[] = [], topics = statusTopics()) {
  const started = await startSimulator(['--broker', broker.url, ...topics.args, '--request-topic', `${topics.requestTopic}/sc`, '--response-topic', `${topics.responseTopic}/sc`, 'simulate', ...args]);
  running.push(started);
  return { simulator: started, topics };
}

describe(`scp status against ${brokerName()} at ${process.env.SCP_TEST_BROKER_URL ?? 'an embedded broker'}`, () => {
  it('asks the Smart Charging service on the general topics and prints its status and versions: ready, exit 0', async () => {
    const run = await statusWith([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('ready\nservice: smart_charging\nsoftware_version: 0.5.0\napi_version: 1.6.9\n');
    expect(run.stderr).toBe('');
    expect(run.seen).toHaveLength(1);
    expect(run.seen[0]!.qos).toBe(1);
    expect(run.seen[0]!.envelope).toEqual({ id: expect.any(String), name: 'service_status', type: 'request', data: { service: 'smart_charging' } });
  });

  it('--json prints one record like the other commands', async () => {
    const run = await statusWith(['--json']);
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout);
    expect(record).toMatchObject({ outcome: 'accepted', request: { name: 'service_status', data: { service: 'smart_charging' } }, response: { type: 'response', data: READY } });
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('--service asks another service', async () => {
    const run = await statusWith(['--service', 'ocpp'], answerWith({ ...READY, service: 'ocpp' }));
    expect(run.code).toBe(0);
    expect(run.seen[0]!.envelope!.data).toEqual({ service: 'ocpp' });
  });

  it('refuses a service outside the list: exit 2, one line with the allowed values, nothing published', async () => {
    const topics = statusTopics();
    const spy = await startSpy(broker.url, topics);
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, 'status', '--service', 'charging']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe('scp: --service: "charging" is not allowed; expected one of slac, iso15118, ocpp, gridcode, smart_charging\n');
      await sleep(200);
      expect(spy.seen).toEqual([]);
    } finally {
      await spy.close();
    }
  });

  it('ignores updates, other ids, other names and garbage while it waits, and takes its own answer', async () => {
    const run = await statusWith(['--json'], (request) =>
      request.envelope
        ? [
            { id: randomUUID(), name: 'service_status', type: 'update', data: { ...READY, status: 'busy' } },
            { id: request.envelope.id, name: 'service_status', type: 'update', data: { ...READY, status: 'error' } },
            answer(randomUUID(), { ...READY, status: 'error' }),
            { id: request.envelope.id, name: 'cp_status', type: 'response', data: { status: 'error' } },
            { id: randomUUID(), name: 'meter_values', type: 'update', data: { energy: 1 } },
            'garbage, not JSON',
            Buffer.from([0xff, 0xfe]),
            answer(request.envelope.id, READY),
          ]
        : [],
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).response.data.status).toBe('ready');
  });

  it.each([
    ['starting', 1],
    ['stopping', 1],
    ['error', 1],
    ['busy', 1],
  ])('answered %s: exit %d, the status shown', async (status, code) => {
    const run = await statusWith([], answerWith({ ...READY, status }));
    expect(run.code).toBe(code);
    expect(run.stdout.split('\n')[0]).toBe(status);
  });

  it.each([
    ['no status', { service: 'smart_charging' }],
    ['no service', { status: 'ready' }],
    ['a status outside the lowercase enum', { service: 'smart_charging', status: 'Ready' }],
    ['another service than asked', { service: 'ocpp', status: 'ready' }],
  ])('an invalid answer (%s): exit 5', async (_what, data) => {
    const run = await statusWith([], answerWith(data));
    expect(run.code).toBe(5);
    expect(run.stderr).toMatch(/^scp: invalid response: /);
  });

  it('no answer: exit 3', async () => {
    const run = await statusWith(['--timeout', '0.5'], () => []);
    expect(run.code).toBe(3);
  });

  it('broker unreachable: exit 4', async () => {
    const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', 'status']);
    expect(run.code).toBe(4);
  });

  it('says on stderr when the service speaks an API version its schemas do not follow, and still succeeds', async () => {
    const run = await statusWith([], answerWith({ ...READY, api_version: '2.0.1' }));
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("scp: warning: smart_charging speaks API version 2.0.1; scp's schemas follow 1.5.38 to 1.6.x, so its answers may be read wrongly\n");
    const known = await statusWith([], answerWith({ ...READY, api_version: '1.5.38' }));
    expect(known.stderr).toBe('');
  });

  it('in an --input stream, says it once however many answers report the other API version', async () => {
    const topics = statusTopics();
    const responder = await startResponder(broker.url, topics, answerWith({ ...READY, api_version: '2.0.1' }));
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, 'status', '--input', '-', '--json'], {}, 'smart_charging\nsmart_charging\nsmart_charging\n');
      expect(run.code).toBe(0);
      expect(run.stdout.trim().split('\n')).toHaveLength(3);
      expect(run.stderr.match(/API version 2\.0\.1/g)).toHaveLength(1);
    } finally {
      await responder.close();
    }
  });

  it('takes its topics from a config profile (status_request_topic, status_response_topic)', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const topics = statusTopics();
    const responder = await startResponder(broker.url, topics, answerWith(READY));
    try {
      const file = join(mkdtempSync(join(tmpdir(), 'scp-status-')), 'config.json');
      writeFileSync(file, JSON.stringify({ default_profile: 'site', profiles: { site: { broker: broker.url, status_request_topic: topics.requestTopic, status_response_topic: topics.responseTopic } } }));
      const run = await runScp(['--config', file, 'status']);
      expect(run.code).toBe(0);
      expect(responder.seen).toHaveLength(1);
    } finally {
      await responder.close();
    }
  });
});

describe('scp status against scp simulate', () => {
  it('the simulator answers for its Smart Charging service: ready, its software version, the API version it follows', async () => {
    const { topics } = await simulator();
    const run = await runScp(['--broker', broker.url, ...topics.args, 'status', '--json']);
    expect(run.code).toBe(0);
    const { version } = JSON.parse((await import('node:fs')).readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    expect(JSON.parse(run.stdout).response.data).toEqual({ service: 'smart_charging', status: 'ready', software_version: version, api_version: '1.6.9' });
  });

  it('stays silent about services it does not run: exit 3', async () => {
    const { topics } = await simulator();
    const run = await runScp(['--broker', broker.url, ...topics.args, 'status', '--service', 'iso15118', '--timeout', '0.5']);
    expect(run.code).toBe(3);
  });

  it('--service-status busy rehearses a service that is not ready: exit 1', async () => {
    const { topics } = await simulator(['--service-status', 'busy']);
    const run = await runScp(['--broker', broker.url, ...topics.args, 'status']);
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')[0]).toBe('busy');
    const bad = await runScp(['simulate', '--service-status', 'Busy']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('scp: --service-status: "Busy" is not allowed; expected one of ready, starting, stopping, error, busy (did you mean busy?)\n');
  });

  it('publishes an update when it starts and when it stops', async () => {
    const topics = statusTopics();
    const listener = await connectAsync(broker.url, { protocolVersion: testProtocolVersion(), reconnectPeriod: 0, clientId: `listener-${randomBytes(6).toString('hex')}` });
    const seen: Array<Record<string, unknown>> = [];
    listener.on('message', (_topic, payload) => seen.push(JSON.parse(payload.toString('utf8'))));
    await listener.subscribeAsync(topics.responseTopic, { qos: 1 });
    try {
      const { simulator: started } = await simulator([], topics);
      await expectEventually(() => seen.length === 1);
      expect(seen[0]).toMatchObject({ name: 'service_status', type: 'update', data: { service: 'smart_charging', status: 'ready' } });
      expect((await started.stop('SIGTERM')).code).toBe(0);
      await expectEventually(() => seen.length === 2);
      expect(seen[1]).toMatchObject({ name: 'service_status', type: 'update', data: { service: 'smart_charging', status: 'stopping' } });
      expect(seen[1]!.id).not.toBe(seen[0]!.id);
    } finally {
      await listener.endAsync();
    }
  });

  it('--watch prints the answer, then each update as it comes, until SIGINT; the exit status is the last status seen', async () => {
    const { topics } = await simulator();
    const watch = spawnScp(['--broker', broker.url, ...topics.args, 'status', '--watch', '--json']);
    const done = finished(watch);
    let out = '';
    watch.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await expectEventually(() => out.split('\n').length > 1);
    expect(JSON.parse(out.split('\n')[0]!)).toMatchObject({ outcome: 'accepted' });
    // Someone else's question is news too; then an update that the service is busy.
    const publisher = await connectAsync(broker.url, { protocolVersion: testProtocolVersion(), reconnectPeriod: 0 });
    try {
      await publisher.publishAsync(topics.responseTopic, JSON.stringify({ id: randomUUID(), name: 'service_status', type: 'update', data: { ...READY, status: 'busy' } }), { qos: 1 });
      await publisher.publishAsync(topics.responseTopic, JSON.stringify({ id: randomUUID(), name: 'service_status', type: 'update', data: { ...READY, service: 'ocpp' } }), { qos: 1 });
      await publisher.publishAsync(topics.responseTopic, 'not JSON', { qos: 1 });
    } finally {
      await publisher.endAsync();
    }
    await expectEventually(() => out.trim().split('\n').length === 2);
    await sleep(200);
    watch.kill('SIGINT');
    const result = await done;
    const lines = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ received: expect.any(String), message: { type: 'update', data: { service: 'smart_charging', status: 'busy' } } });
    expect(result.code).toBe(1);
  });

  it('--watch is refused with --dry-run and with --input: exit 2', async () => {
    expect((await runScp(['status', '--watch', '--dry-run'])).stderr).toBe('scp: --watch: cannot be combined with --dry-run, which sends nothing to watch the answer of\n');
    const many = await runScp(['status', '--watch', '--input', '-'], {}, 'smart_charging\n');
    expect(many.code).toBe(2);
    expect(many.stderr).toBe('scp: --input: cannot be combined with --watch; the requests come from the input lines\n');
  });

  it('across a fleet: one record per station from --input lines, with the topics naming {station}', async () => {
    const base = `scp-test/${randomBytes(6).toString('hex')}`;
    const topics = statusTopics(`${base}/stations/{station}`);
    const started = await startSimulator([
      '--broker', broker.url, ...topics.args,
      '--request-topic', `${base}/stations/{station}/ocpp/smart_charging`, '--response-topic', `${base}/stations/{station}/smart_charging/ocpp`,
      'simulate', '--stations', '3',
    ]);
    running.push(started);
    const lines = '{"station": "1", "service": "smart_charging"}\n{"station": "2", "service": "smart_charging"}\n{"station": "3", "service": "ocpp"}\n';
    const run = await runScp(['--broker', broker.url, ...topics.args, '--timeout', '1', 'status', '--input', '-', '--json'], {}, lines);
    const records = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(records.map((record) => [record.station, record.outcome])).toEqual([['1', 'accepted'], ['2', 'accepted'], ['3', 'timeout']]);
    expect(run.code).toBe(3);
    const one = await runScp(['--broker', broker.url, ...topics.args, '--station', '2', 'status']);
    expect(one.code).toBe(0);
  });

  it('refuses status topics where only one names {station}: exit 2, naming the flags', async () => {
    const run = await runScp(['--status-request-topic', 'stations/{station}/cs/josev', 'status', '--station', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('scp: --status-response-topic: must name {station} too, since --status-request-topic does (a request and its answer belong to one station)\n');
  });
});

async function expectEventually(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}
