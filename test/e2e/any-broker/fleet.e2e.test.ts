/**
 * Many stations behind one broker, and several brokers: topics that name {station}, --station, a "station" key on
 * --input lines, answers told apart by their station's topic, `scp simulate --stations`, and --broker given more
 * than once (the first that accepts carries; a lost one hands over to the next; records name the broker). The built
 * bin/scp as child processes against the broker under test. The 3-node cluster run is test/cluster.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { brokerName, brokerUnderTest, startCuttingProxy, type Broker } from '../../helpers/broker.js';
import { testProtocolVersion } from '../../helpers/responder.js';
import { finished, runScp, sleep, spawnScp } from '../../helpers/run.js';
import { startSimulator, type Simulator } from '../../helpers/simulator.js';

let broker: Broker;
const running: Simulator[] = [];
const clients: MqttClient[] = [];
beforeAll(async () => {
  broker = await brokerUnderTest();
});
afterEach(async () => {
  for (const simulator of running.splice(0)) await simulator.stop('SIGKILL');
  for (const client of clients.splice(0)) await client.endAsync();
});
afterAll(async () => {
  await broker.close();
});

/** A broker URL as records name it: parsed, a password in it shown as ***. */
function shown(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

/** Templated topics under a prefix no other test uses, as scp flags. */
function fleetTopics() {
  const base = `scp-test/${randomBytes(6).toString('hex')}`;
  const requestTopic = `${base}/stations/{station}/ocpp/smart_charging`;
  const responseTopic = `${base}/stations/{station}/smart_charging/ocpp`;
  return { base, requestTopic, responseTopic, args: ['--request-topic', requestTopic, '--response-topic', responseTopic] };
}

interface Seen {
  station: string;
  envelope: { id: string; name: string; data: Record<string, unknown> };
}

/**
 * A service for every station at once: answers each request on `answerOn(station)`'s response topic (its own by
 * default), with `status`; records what it saw, by station.
 */
async function startFleetResponder(topics: ReturnType<typeof fleetTopics>, answerOn: (station: string) => string[] = (station) => [station]) {
  const client = await connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: testProtocolVersion() });
  clients.push(client);
  const seen: Seen[] = [];
  const prefix = `${topics.base}/stations/`;
  client.on('message', (topic, payload) => {
    const station = topic.slice(prefix.length).split('/')[0]!;
    const envelope = JSON.parse(payload.toString());
    seen.push({ station, envelope });
    for (const target of answerOn(station)) {
      const answer = { id: envelope.id, name: envelope.name, type: 'response', data: { status: 'accepted' } };
      client.publish(topics.responseTopic.replace('{station}', target), JSON.stringify(answer), { qos: 1 });
    }
  });
  await client.subscribeAsync(topics.requestTopic.replace('{station}', '+'), { qos: 1 });
  return seen;
}

describe(`topics that name {station}, against the ${brokerName()}`, () => {
  it('--station fills the topics of one request; the answer comes back on that station\'s topic', async () => {
    const topics = fleetTopics();
    const seen = await startFleetResponder(topics);
    const run = await runScp(['--broker', broker.url, ...topics.args, '--station', 'GB-17', 'clear', '--id', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(seen.map((s) => s.station)).toEqual(['GB-17']);
    const record = JSON.parse(run.stdout);
    expect(record).toMatchObject({ outcome: 'accepted', station: 'GB-17', broker: shown(broker.url) });
    expect(Object.keys(record)).toEqual(['request', 'response', 'outcome', 'elapsed_ms', 'broker', 'station']);
  });

  it('an answer with our id on another station\'s topic is not ours: only the one on our station\'s topic counts', async () => {
    const topics = fleetTopics();
    // Every request is answered on station 2's topic, never on its own.
    await startFleetResponder(topics, () => ['2']);
    const wrong = await runScp(['--broker', broker.url, ...topics.args, '--station', '1', 'clear', '--id', '1', '--timeout', '1']);
    expect(wrong.code).toBe(3);
    // Answered first on station 2's topic, then on its own: the second is the answer.
    const topics2 = fleetTopics();
    await startFleetResponder(topics2, (station) => ['2', station]);
    const right = await runScp(['--broker', broker.url, ...topics2.args, '--station', '1', 'clear', '--id', '1', '--json', '--verbose']);
    expect(right.code).toBe(0);
  });

  it('refuses, before anything is sent: no --station for templated topics, --station without them, {station} not a whole level, one topic templated alone', async () => {
    const topics = fleetTopics();
    const seen = await startFleetResponder(topics);
    for (const [args, message] of [
      [[...topics.args, 'clear', '--id', '1'], `scp: --station: required, since the topics name {station} (${topics.requestTopic})`],
      [[...topics.args, 'clear', '--id', '1', '--dry-run'], `scp: --station: required, since the topics name {station} (${topics.requestTopic})`],
      [['--station', '1', 'clear', '--id', '1'], 'scp: --station: the topics do not name {station}; set --request-topic and --response-topic with it, e.g. stations/{station}/ocpp/smart_charging'],
      [[...topics.args, '--station', 'a/b', 'clear', '--id', '1'], 'scp: --station: "a/b" is not allowed; expected a station id of 1 to 128 characters without /, +, # or control characters'],
      [['--request-topic', 'x/st{station}/y', '--response-topic', 'x/{station}/z', '--station', '1', 'clear', '--id', '1'], 'scp: --request-topic: "x/st{station}/y" is not allowed; {station} must be one whole topic level, once, e.g. stations/{station}/ocpp/smart_charging'],
      [['--request-topic', topics.requestTopic, '--station', '1', 'clear', '--id', '1'], 'scp: --response-topic: must name {station} too, since --request-topic does (a request and its answer belong to one station)'],
    ] as const) {
      const run = await runScp(['--broker', broker.url, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr, args.join(' ')).toBe(`${message}\n`);
    }
    await sleep(50);
    expect(seen).toEqual([]);
  });

  it('--input: a "station" key on a line picks its station (--station for lines without one); one subscription serves all', async () => {
    const topics = fleetTopics();
    const seen = await startFleetResponder(topics);
    const lines = ['{"station": "1", "charging_profile_id": 1}', '{"station": "2", "charging_profile_id": 2}', '3', '{"station": 7, "charging_profile_id": 4}', '{"station": "a/b", "charging_profile_id": 5}'].join('\n');
    const child = spawnScp(['--broker', broker.url, ...topics.args, '--station', '9', 'clear', '--input', '-', '--json']);
    const done = finished(child);
    child.stdin.end(lines);
    const run = await done;
    const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records.map((r) => [r.line, r.outcome, r.station ?? null])).toEqual([
      [1, 'accepted', '1'],
      [2, 'accepted', '2'],
      [3, 'accepted', '9'],
      [4, 'invalid_input', null],
      [5, 'invalid_input', null],
    ]);
    expect(records[3].error).toBe('station: 7 is not allowed; expected a station id (a string)');
    expect(records[4].error).toMatch(/^station: "a\/b" is not allowed/);
    expect(seen.map((s) => [s.station, s.envelope.data])).toEqual([
      ['1', { charging_profile_id: 1 }],
      ['2', { charging_profile_id: 2 }],
      ['9', { charging_profile_id: 3 }],
    ]);
    expect(run.code).toBe(2);
  });

  it('--input: an answer on another station\'s topic does not settle a request; lines without a station and no --station are invalid input', async () => {
    const topics = fleetTopics();
    await startFleetResponder(topics, (station) => (station === '1' ? ['2'] : [station]));
    const child = spawnScp(['--broker', broker.url, ...topics.args, 'clear', '--input', '-', '--json', '--timeout', '1']);
    const done = finished(child);
    child.stdin.end('{"station": "1", "charging_profile_id": 1}\n{"station": "2", "charging_profile_id": 2}\n{"charging_profile_id": 3}\n');
    const run = await done;
    const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records.map((r) => r.outcome)).toEqual(['timeout', 'accepted', 'invalid_input']);
    expect(records[2].error).toBe(`station (or --station): required, since the topics name {station} (${topics.requestTopic})`);
  });
});

describe(`scp simulate --stations on the ${brokerName()}`, () => {
  it('serves stations 1..n, each with its own profiles, on the templated topics; others are ignored', async () => {
    const topics = fleetTopics();
    const simulator = await startSimulator(['--broker', broker.url, ...topics.args, 'simulate', '--stations', '3']);
    running.push(simulator);
    const scp = (station: string, ...args: string[]) => runScp(['--broker', broker.url, ...topics.args, '--station', station, ...args]);
    expect((await scp('1', 'clear', '--id', '1')).stdout).toBe('accepted\n');
    expect((await scp('1', 'clear', '--id', '1')).stdout).toBe('unknown\n');
    // Station 2 still has its profile 1: the stations do not share profiles.
    expect((await scp('2', 'clear', '--id', '1')).stdout).toBe('accepted\n');
    expect((await scp('3', 'schedule', '--evse', 'GB*SEV*E003', '--json')).code).toBe(0);
    expect((await scp('4', 'clear', '--id', '1', '--timeout', '0.5')).code).toBe(3);
    expect(simulator.stdout()).toMatch(/ station 2 [0-9a-f-]+ clear id=1: removed #1 -> accepted/);
    expect(simulator.stderr()).toMatch(/ignored a message on \S+\/stations\/4\/ocpp\/smart_charging: not a station this service serves/);
  });

  it('refuses --stations without templated topics, templated topics without --stations, and --station', async () => {
    const topics = fleetTopics();
    for (const [args, message] of [
      [['simulate', '--stations', '3'], /^scp: --stations: the topics do not name \{station\}/],
      [[...topics.args, 'simulate'], /^scp: --stations: required, since the topics name \{station\}/],
      [[...topics.args, '--station', '1', 'simulate', '--stations', '2'], /^scp: --station: not for simulate/],
      [[...topics.args, 'simulate', '--stations', '0'], /^scp: --stations: "0" is not allowed; expected an integer from 1 to 100000/],
    ] as const) {
      const run = await runScp(['--broker', broker.url, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr.split('\n').filter(Boolean), args.join(' ')).toEqual([expect.stringMatching(message)]);
    }
  });
});

describe(`several brokers (--broker more than once), the ${brokerName()} behind them`, () => {
  /** The broker under test's URL on another port (a proxy's), keeping any credentials in it. */
  const via = (port: number) => Object.assign(new URL(broker.url), { port: String(port) }).toString();

  it('one request: a broker that does not accept is passed over with a warning; the record names the one that carried it', async () => {
    const topics = fleetTopics();
    await startFleetResponder(topics);
    const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', '--broker', broker.url, '--connect-timeout', '1', ...topics.args, '--station', '5', 'clear', '--id', '1', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^scp: warning: cannot connect to mqtt:\/\/127\.0\.0\.1:1.*; trying /);
    expect(JSON.parse(run.stdout).broker).toBe(shown(broker.url));
    const none = await runScp(['--broker', 'mqtt://127.0.0.1:1', '--broker', 'mqtt://127.0.0.1:2', '--connect-timeout', '1', 'clear', '--id', '1']);
    expect(none.code).toBe(4);
  });

  it('a stream whose broker is lost goes on through the next: requests in flight reported, never resent, each record naming its broker', async () => {
    const [first, second] = [await startCuttingProxy(broker.port), await startCuttingProxy(broker.port)];
    const topics = fleetTopics();
    // The 10th request arrives and the first broker goes away before it is answered.
    const seen = await startCountingResponder(topics, (count) => {
      if (count !== 10) return 'answer';
      void first.close();
      return 'cut';
    });
    try {
      const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ station: String(1 + (i % 5)), charging_profile_id: i + 1 })).join('\n');
      const child = spawnScp(['--broker', via(first.port), '--broker', via(second.port), ...topics.args, 'clear', '--input', '-', '--json', '--concurrency', '4', '--timeout', '2']);
      const done = finished(child);
      child.stdin.end(lines);
      const run = await done;
      const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
      expect(records.map((r) => r.line)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      const lost = records.filter((r) => r.outcome === 'timeout');
      expect(lost.length).toBeGreaterThanOrEqual(1);
      for (const record of lost) expect(record.error).toMatch(/lost the connection .*may/);
      expect(records.slice(-10).every((r) => r.outcome === 'accepted' && r.broker === shown(via(second.port)))).toBe(true);
      expect(records[0].broker).toBe(shown(via(first.port)));
      expect(run.stderr).toMatch(/reconnected to \S+ after losing the connection to \S+ \(attempt 1\)/);
      expect(new Set(seen).size).toBe(seen.length);
      expect(run.code).toBe(3);
    } finally {
      await first.close().catch(() => undefined);
      await second.close();
    }
  });
});

/** A stream's records from its --json stdout. */
const recordsOf = (stdout: string) => stdout.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line));

/**
 * A service for every station that answers accepted, except that `onRequest` (given the running count from 1) may
 * return 'cut' to leave that request unanswered (the test cuts a connection there).
 */
async function startCountingResponder(topics: ReturnType<typeof fleetTopics>, onRequest: (count: number) => 'answer' | 'cut') {
  const client = await connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: testProtocolVersion() });
  clients.push(client);
  const seen: number[] = [];
  client.on('message', (topic, payload) => {
    const envelope = JSON.parse(payload.toString());
    seen.push(envelope.data.charging_profile_id);
    if (onRequest(seen.length) === 'cut') return;
    client.publish(topic.replace('ocpp/smart_charging', 'smart_charging/ocpp'), JSON.stringify({ id: envelope.id, name: envelope.name, type: 'response', data: { status: 'accepted' } }), { qos: 1 });
  });
  await client.subscribeAsync(topics.requestTopic.replace('{station}', '+'), { qos: 1 });
  return seen;
}

describe(`failover that holds (issue #34), the ${brokerName()} behind proxies`, () => {
  const via = (port: number) => Object.assign(new URL(broker.url), { port: String(port) }).toString();
  const lines = (count: number, stations = 5) => Array.from({ length: count }, (_, i) => JSON.stringify({ station: String(1 + (i % stations)), charging_profile_id: i + 1 })).join('\n');

  it('a reconnect attempt that fails before another succeeds leaves no stale error: a second loss is reconnected too', async () => {
    const proxy = await startCuttingProxy(broker.port);
    const topics = fleetTopics();
    // Requests 10 and 20 go unanswered and the connection is cut there; the second broker never accepts.
    const seen = await startCountingResponder(topics, (count) => {
      if (count !== 10 && count !== 20) return 'answer';
      proxy.cut();
      return 'cut';
    });
    try {
      const child = spawnScp(['--broker', via(proxy.port), '--broker', 'mqtt://127.0.0.1:1', '--connect-timeout', '1', ...topics.args, 'clear', '--input', '-', '--json', '--concurrency', '2', '--timeout', '2']);
      const done = finished(child);
      child.stdin.end(lines(40));
      const run = await done;
      const records = recordsOf(run.stdout);
      expect(records.map((r) => r.line)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      // Nothing is recorded as not sent: after each loss the stream waited for its session to come back.
      expect(records.filter((r) => r.outcome === 'error'), run.stderr).toEqual([]);
      expect(run.stderr.match(/reconnected to \S+ after losing the connection/g)?.length).toBe(2);
      expect(records.slice(-5).every((r) => r.outcome === 'accepted')).toBe(true);
      expect(new Set(seen).size).toBe(seen.length);
      expect(run.code).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it('a stream that ends while its session is reconnecting exits within a second of its last record', async () => {
    const proxy = await startCuttingProxy(broker.port);
    const topics = fleetTopics();
    // The last request's connection goes, and the broker with it; it is back a moment later (a session opened
    // after the end must not keep the process alive either).
    await startCountingResponder(topics, (count) => {
      if (count < 5) return 'answer';
      void proxy.refuse().then(() => sleep(300)).then(() => proxy.accept());
      return 'cut';
    });
    try {
      const child = spawnScp(['--broker', via(proxy.port), '--broker', 'mqtt://127.0.0.1:1', '--connect-timeout', '1', ...topics.args, 'clear', '--input', '-', '--json', '--timeout', '5', '--concurrency', '1']);
      let lastRecordAt = 0;
      child.stdout.on('data', () => (lastRecordAt = performance.now()));
      const done = finished(child);
      child.stdin.end(lines(5));
      const exited = await Promise.race([done, sleep(15_000).then(() => undefined)]);
      if (exited === undefined) child.kill('SIGKILL');
      expect(exited, 'still running 15 s later').toBeDefined();
      expect(recordsOf(exited!.stdout).map((r) => r.outcome)).toEqual(['accepted', 'accepted', 'accepted', 'accepted', 'timeout']);
      expect(performance.now() - lastRecordAt).toBeLessThan(1000);
      expect(exited!.code).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it('--connections 3: the stream goes over three sessions with one subscription between them, one record per line in order', async () => {
    const topics = fleetTopics();
    const seen = await startCountingResponder(topics, () => 'answer');
    // Where the broker is ours (aedes), it tells which client published each request: all three sessions did.
    const publishers = new Set<string>();
    const onPublish = (packet: { topic: string }, client: { id: string } | null) => {
      if (client && packet.topic.startsWith(topics.base)) publishers.add(client.id);
    };
    broker.aedes?.on('publish', onPublish);
    const run = await runScp(['--broker', broker.url, ...topics.args, '--connections', '3', '--verbose', 'clear', '--input', '-', '--json'], {}, lines(60, 9));
    expect(run.code, run.stderr).toBe(0);
    expect(recordsOf(run.stdout).map((r) => [r.line, r.outcome])).toEqual(Array.from({ length: 60 }, (_, i) => [i + 1, 'accepted']));
    const ids = new Set([...run.stderr.matchAll(/session \d: connecting to \S+ as (\S+)/g)].map((m) => m[1]));
    expect(ids.size).toBe(3);
    // One session subscribes, so each answer arrives once; the requests go out on all three.
    expect(run.stderr.match(/session \d: subscribed to /g)).toEqual(['session 1: subscribed to ']);
    expect(run.stderr).not.toMatch(/ignored message/);
    expect(seen.length).toBe(60);
    if (broker.aedes) {
      broker.aedes.off('publish', onPublish);
      expect([...publishers].filter((id) => ids.has(id)).length).toBe(3);
    }
  });

  it('--connections 3: a cut of every session is reported per request in flight; the sessions come back and carry the rest', async () => {
    const proxy = await startCuttingProxy(broker.port);
    const topics = fleetTopics();
    const seen = await startCountingResponder(topics, (count) => {
      if (count !== 30) return 'answer';
      proxy.cut();
      return 'cut';
    });
    try {
      const run = await runScp(['--broker', via(proxy.port), ...topics.args, '--connections', '3', 'clear', '--input', '-', '--json', '--timeout', '2', '--concurrency', '6'], {}, lines(120, 12));
      const records = recordsOf(run.stdout);
      expect(records.map((r) => r.line)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
      expect(records.filter((r) => r.outcome === 'error')).toEqual([]);
      expect(records.filter((r) => r.outcome === 'timeout').length).toBeGreaterThan(0);
      expect(records.slice(-10).every((r) => r.outcome === 'accepted')).toBe(true);
      expect(run.stderr).toMatch(/session \d reconnected to the broker/);
      expect(new Set(seen).size).toBe(seen.length);
      expect(run.code).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it('--connections 2 on a single pair of topics: when the session holding the subscription is lost, the other takes it over', async () => {
    // The first node takes one client and no more, so session 1 (the subscriber) is there and session 2 on the second.
    const [first, second] = [await startCuttingProxy(broker.port, { maxConnections: 1 }), await startCuttingProxy(broker.port)];
    const base = `scp-test/${randomBytes(4).toString('hex')}`;
    const topics = { requestTopic: `${base}/req`, responseTopic: `${base}/res` };
    const client = await connectAsync(broker.url, { reconnectPeriod: 0, protocolVersion: testProtocolVersion() });
    clients.push(client);
    let count = 0;
    client.on('message', (_topic, payload) => {
      const envelope = JSON.parse(payload.toString());
      // Request 20 goes unanswered, and the first node goes down for good.
      if (++count === 20) return void first.refuse();
      client.publish(topics.responseTopic, JSON.stringify({ id: envelope.id, name: envelope.name, type: 'response', data: { status: 'accepted' } }), { qos: 1 });
    });
    await client.subscribeAsync(topics.requestTopic, { qos: 1 });
    try {
      const args = ['--broker', via(first.port), '--broker', via(second.port), '--request-topic', topics.requestTopic, '--response-topic', topics.responseTopic];
      const input = Array.from({ length: 60 }, (_, i) => String(i + 1)).join('\n');
      const run = await runScp([...args, '--connections', '2', '--verbose', 'clear', '--input', '-', '--json', '--timeout', '2', '--concurrency', '4'], {}, input);
      const records = recordsOf(run.stdout);
      expect(records.map((r) => r.line)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
      expect(records.filter((r) => r.outcome === 'error')).toEqual([]);
      // Session 2 subscribed on the second node once session 1 was lost; session 1 came back there as a sender.
      expect(run.stderr).toMatch(/session 2: subscribed to /);
      expect(run.stderr).toMatch(/session 1 reconnected to \S+ after losing the connection to \S+ \(attempt 1\)/);
      expect(records.slice(-10).every((r) => r.outcome === 'accepted' && r.broker === shown(via(second.port)))).toBe(true);
      expect(run.code).toBe(3);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('--connections refuses what is not 1 to 64, naming the flag, before anything connects', async () => {
    for (const value of ['0', '65', 'two']) {
      const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', '--connections', value, 'clear', '--input', '-'], {}, '1\n');
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`scp: --connections: ${JSON.stringify(value)} is not allowed; expected an integer from 1 to 64\n`);
    }
  });

  it('scp simulate goes round its brokers when one is lost, keeping every station\'s profiles', async () => {
    const [first, second] = [await startCuttingProxy(broker.port), await startCuttingProxy(broker.port)];
    const topics = fleetTopics();
    try {
      const simulator = await startSimulator(['--broker', via(first.port), '--broker', via(second.port), ...topics.args, 'simulate', '--stations', '3']);
      running.push(simulator);
      const clear = (id: string) => runScp(['--broker', broker.url, ...topics.args, '--station', '2', 'clear', '--id', id]);
      expect((await clear('1')).code).toBe(0);
      await first.refuse();
      await expectEventually(() => /serving again on \S+ \(attempt 1 after losing \S+\)/.test(simulator.stderr()));
      expect(simulator.stderr()).toMatch(/^scp: warning: lost the connection to \S+; trying \S+, keeping every station's profiles$/m);
      // Station 2's profile 1 is still gone, its profile 2 still there: the state went over with it.
      expect((await clear('1')).code).toBe(1);
      expect((await clear('2')).code).toBe(0);
      expect(simulator.child.exitCode).toBeNull();
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('scp simulate with one broker reconnects to it, and exits 4 only once it has refused for --connect-timeout', async () => {
    const proxy = await startCuttingProxy(broker.port);
    const topics = fleetTopics();
    const simulator = await startSimulator(['--broker', via(proxy.port), '--connect-timeout', '1', ...topics.args, 'simulate', '--stations', '1']);
    running.push(simulator);
    // Lost, and back within the second: it serves again.
    await proxy.refuse();
    await sleep(300);
    await proxy.accept();
    await expectEventually(() => /serving again on /.test(simulator.stderr()));
    expect(simulator.stderr()).toMatch(/lost the connection to \S+; reconnecting, keeping every station's profiles/);
    // Lost for good: it goes on trying for --connect-timeout, then exits 4 with the last reason.
    const lostAt = performance.now();
    await proxy.refuse();
    const code = await new Promise<number | null>((resolve) => simulator.child.once('exit', resolve));
    expect(code).toBe(4);
    expect(performance.now() - lostAt).toBeGreaterThanOrEqual(1000);
    expect(performance.now() - lostAt).toBeLessThan(6000);
    expect(simulator.stderr()).toMatch(/^scp: cannot connect to \S+: connection refused/m);
  });
});

/** Polls until `check` holds, for up to 10 s. */
async function expectEventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await sleep(100);
  expect(check()).toBe(true);
}
