/**
 * `scp doctor` (#46): the built bin/scp against a healthy simulator, a broker no service serves, nothing listening,
 * a station clock behind ours, a busy service, a service of another API version, a slow one, a TLS broker (a
 * certificate close to expiry, one checked, one not), a fleet over one connection, and bad input. Each check passes,
 * warns and fails in a test of its own; nothing that changes a station is ever published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePki } from '../helpers/certs.js';
import { startEmbeddedBroker, type Broker } from '../helpers/broker.js';
import { startResponder, uniqueTopics } from '../helpers/responder.js';
import { runScp } from '../helpers/run.js';
import { startSimulator, type Simulator } from '../helpers/simulator.js';

const dir = mkdtempSync(join(tmpdir(), 'scp-doctor-'));
let broker: Broker;
const running: Simulator[] = [];
/** Every request published on the test's broker, by message name: what the doctor sent. */
const published: string[] = [];

beforeAll(async () => {
  broker = await startEmbeddedBroker();
  broker.aedes!.on('publish', (packet) => {
    try {
      const envelope = JSON.parse(packet.payload.toString());
      if (envelope.type === 'request') published.push(envelope.name);
    } catch {
      // not ours: broker heartbeats and the like
    }
  });
});
afterAll(async () => {
  for (const simulator of running) await simulator.stop();
  await broker.close();
});

/** A simulator on its own topics on the test's broker (`more`: its options), and scp bound to both. */
async function station(more: string[] = []) {
  const base = uniqueTopics().requestTopic.replace(/\/ocpp\/smart_charging$/, '');
  const topics = ['--request-topic', `${base}/ocpp/smart_charging`, '--response-topic', `${base}/smart_charging/ocpp`, '--status-request-topic', `${base}/cs/josev`, '--status-response-topic', `${base}/josev/cs`];
  running.push(await startSimulator(['--broker', broker.url, ...topics, 'simulate', ...more]));
  return { base, scp: (...args: string[]) => runScp(['--broker', broker.url, ...topics, ...args]) };
}

const lines = (stdout: string) => stdout.trimEnd().split('\n');
const records = (stdout: string) => lines(stdout).map((line) => JSON.parse(line));
const statuses = (stdout: string) => Object.fromEntries(records(stdout).map((record) => [record.name, record.status]));

describe('scp doctor', () => {
  it('a healthy station: every check passes, exit 0, one line each; --json gives the figures', async () => {
    const { scp } = await station();
    const run = await scp('doctor');
    expect(run.code, run.stderr).toBe(0);
    const [broker_, service, trip, clock] = lines(run.stdout);
    expect(broker_).toBe(`pass  broker      ${broker.url} reached; no TLS; connected without a user name; MQTT 3.1.1 accepted`);
    expect(service).toMatch(/^pass {2}service {5}smart_charging is ready \(software \S+, API 1\.6\.\d+\)$/);
    expect(trip).toMatch(/^pass {2}round trip {2}get_composite_schedule for EVSE 0 answered on \S+\/smart_charging\/ocpp in \d+ ms$/);
    expect(clock).toBe("pass  clock       the station's clock agrees with ours (within a second)");
    const json = await scp('doctor', '--json');
    const [b, s, r, c] = records(json.stdout);
    expect(b).toMatchObject({ name: 'broker', status: 'pass', tls: false, days_to_expiry: null, mqtt_version: '3.1.1', username: null });
    expect(s).toMatchObject({ name: 'service', status: 'pass', service_status: 'ready', api_version: expect.stringMatching(/^1\.6\./) });
    expect(r).toMatchObject({ name: 'round_trip', status: 'pass', evse_id: '0', ms: expect.any(Number) });
    expect(c).toMatchObject({ name: 'clock', status: 'pass', skew_s: expect.any(Number) });
    expect(Math.abs(c.skew_s)).toBeLessThan(1.5);
  });

  it('sends questions only: nothing that changes a station', async () => {
    const { scp } = await station();
    published.length = 0;
    expect((await scp('doctor')).code).toBe(0);
    expect(published.length).toBeGreaterThan(0);
    expect(new Set(published)).toEqual(new Set(['service_status', 'get_composite_schedule']));
  });

  it('a broker no service serves: the service and the round trip fail in silence words, the clock is skipped, exit 1', async () => {
    const topics = uniqueTopics();
    const run = await runScp(['--broker', broker.url, ...topics.args, '--status-request-topic', `${topics.requestTopic}/s`, '--status-response-topic', `${topics.responseTopic}/s`, '--timeout', '0.4', 'doctor']);
    expect(run.code).toBe(1);
    const [first, service, trip, clock] = lines(run.stdout);
    expect(first).toMatch(/^pass {2}broker/);
    expect(service).toBe(`fail  service     no answer within 0.4 s on ${topics.responseTopic}/s at ${broker.url}: nothing came on that topic (the request was published and went unanswered); is the station's service connected to this broker? Check --broker, --status-request-topic and --status-response-topic (or --station)`);
    expect(trip).toMatch(new RegExp(`^fail {2}round trip {2}no answer within 0\\.4 s on ${topics.responseTopic} at .*is a Smart Charging service connected to this broker\\?`));
    expect(clock).toBe("skip  clock       not checked: no composite schedule came to read the station's time from");
  });

  it('nothing listening: the broker fails with what to check, the rest is skipped, exit 4', async () => {
    const run = await runScp(['--broker', 'mqtt://127.0.0.1:1', 'doctor']);
    expect(run.code).toBe(4);
    expect(lines(run.stdout)).toEqual([
      'fail  broker      cannot connect to mqtt://127.0.0.1:1: connection refused (is a broker listening there?)',
      'skip  service     not checked: no broker took the connection',
      'skip  round trip  not checked: no broker took the connection',
      'skip  clock       not checked: no broker took the connection',
    ]);
  });

  it('a station clock minutes behind fails, seconds behind warns, and says by how much and which way', async () => {
    const behind = (seconds: number) => new Date(Date.now() - seconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const minutes = await (await station(['--clock', behind(180)])).scp('doctor');
    expect(minutes.code).toBe(1);
    expect(lines(minutes.stdout)[3]).toMatch(/^fail {2}clock {7}the station's clock is 3 min( [0-9]+ s)? behind ours: an Absolute profile whose start scp computes starts 3 min( [0-9]+ s)? off on the station; set its clock \(NTP\)$/);
    const seconds = await (await station(['--clock', behind(20)])).scp('doctor', '--json');
    expect(seconds.code).toBe(0);
    const clock = records(seconds.stdout)[3];
    expect(clock).toMatchObject({ name: 'clock', status: 'warn', detail: expect.stringMatching(/^the station's clock is 2\d s behind ours: /) });
    expect(clock.skew_s).toBeLessThan(-19);
  });

  it('a busy service fails, saying what to do', async () => {
    const run = await (await station(['--service-status', 'busy'])).scp('doctor');
    expect(run.code).toBe(1);
    expect(lines(run.stdout)[1]).toMatch(/^fail {2}service {5}smart_charging is busy \(software \S+, API \S+\): it is temporarily unavailable: try again shortly$/);
  });

  it('a service of an API version scp does not follow warns; exit 0', async () => {
    const topics = uniqueTopics();
    const status = { requestTopic: `${topics.requestTopic}/s`, responseTopic: `${topics.responseTopic}/s` };
    const service = await startResponder(broker.url, status, (request) => [{ id: request.envelope!.id, name: 'service_status', type: 'response', data: { service: 'smart_charging', status: 'ready', api_version: '2.0.0' } }]);
    const schedule = await startResponder(broker.url, topics, (request) => [
      { id: request.envelope!.id, name: 'get_composite_schedule', type: 'response', data: { status: 'Accepted', schedule: { evse_id: '0', duration: 300, schedule_start: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 32 }] } } },
    ]);
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, '--status-request-topic', status.requestTopic, '--status-response-topic', status.responseTopic, 'doctor', '--json']);
      expect(run.code, run.stderr).toBe(0);
      expect(records(run.stdout)[1]).toMatchObject({ status: 'warn', api_version: '2.0.0', detail: expect.stringMatching(/^smart_charging is ready \(API 2\.0\.0\); smart_charging speaks API version 2\.0\.0; scp's schemas follow 1\.5\.38 to 1\.6\.x/) });
    } finally {
      await service.close();
      await schedule.close();
    }
  });

  it('a round trip over a second warns; one the station refuses (an EVSE it does not have) warns and leaves the clock unread', async () => {
    const slow = await (await station(['--delay', '1100'])).scp('doctor', '--json');
    expect(slow.code, slow.stderr).toBe(0);
    expect(records(slow.stdout)[2]).toMatchObject({ name: 'round_trip', status: 'warn', detail: expect.stringMatching(/ in 1\d{3} ms: slow \(over 1 s\); scripts may need a longer --timeout$/) });
    const refused = await (await station()).scp('doctor', '--evse', 'NO-SUCH-EVSE');
    expect(refused.code).toBe(0);
    expect(lines(refused.stdout).slice(2)).toEqual([
      expect.stringMatching(/^warn {2}round trip {2}get_composite_schedule for EVSE NO-SUCH-EVSE answered on \S+ in \d+ ms, but Rejected \(InvalidValue: EvseDoesNotExist\): does the station have EVSE NO-SUCH-EVSE\? \(--evse; 0 is the whole station\)$/),
      "warn  clock       not checked: the answer has no schedule to read the station's time from; give an --evse the station has",
    ]);
  });

  it('bad input: one line naming the flag or the line, exit 2, nothing published', async () => {
    const { scp } = await station();
    published.length = 0;
    const evse = await scp('doctor', '--evse', 'GB SEV');
    expect([evse.code, lines(evse.stderr).length, evse.stderr]).toEqual([2, 1, expect.stringMatching(/^scp: --evse: /)]);
    const station_ = await scp('doctor', '--station', '7');
    expect([station_.code, station_.stderr]).toEqual([2, expect.stringMatching(/^scp: --station: the topics do not name \{station\}/)]);
    const input = await runScp(['--broker', broker.url, '--request-topic', 's/{station}/req', '--response-topic', 's/{station}/resp', '--status-request-topic', 's/{station}/cs', '--status-response-topic', 's/{station}/js', 'doctor', '--input', '-'], {}, '1\n{"station": 2}\n');
    expect([input.code, input.stderr]).toEqual([2, 'scp: --input line 2: station: required, a string (the station id its topics name)\n']);
    expect(published).toEqual([]);
  });
});

describe('scp doctor on a TLS broker', () => {
  let tls: Broker;
  let caFile: string;
  let topics: string[];
  beforeAll(async () => {
    const pki = await makePki({ serverDays: 10.5 });
    tls = await startEmbeddedBroker({ tls: pki.server });
    caFile = join(dir, 'ca.pem');
    writeFileSync(caFile, pki.ca);
    const base = uniqueTopics().requestTopic.replace(/\/ocpp\/smart_charging$/, '');
    topics = ['--request-topic', `${base}/ocpp`, '--response-topic', `${base}/sc`, '--status-request-topic', `${base}/cs`, '--status-response-topic', `${base}/js`];
    running.push(await startSimulator(['--broker', tls.url, '--ca', caFile, ...topics, 'simulate']));
  });
  afterAll(async () => tls.close());

  it('a certificate that expires within 30 days warns, with the days; the other checks still pass', async () => {
    const run = await runScp(['--broker', tls.url, '--ca', caFile, ...topics, 'doctor', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const [broker_, ...rest] = records(run.stdout);
    expect(broker_).toMatchObject({ name: 'broker', status: 'warn', tls: true, days_to_expiry: 10, detail: expect.stringMatching(/; TLS, the certificate of localhost expires in 10 days \(\S+\): renew it; /) });
    expect(rest.map((record) => record.status)).toEqual(['pass', 'pass', 'pass']);
  });

  it('--insecure: reached, but the certificate is not checked: a warning that says what to pass instead', async () => {
    const run = await runScp(['--broker', tls.url, '--insecure', ...topics, 'doctor']);
    expect(run.code, run.stderr).toBe(0);
    expect(lines(run.stdout)[0]).toMatch(/^warn {2}broker {6}mqtts:\/\/127\.0\.0\.1:\d+ reached; TLS, the certificate of localhost expires in 10 days \(\S+\), but not checked \(--insecure\): pass --ca with the broker's CA instead; /);
  });

  it('an untrusted certificate: the broker fails with the advice, exit 4', async () => {
    const run = await runScp(['--broker', tls.url, ...topics, 'doctor']);
    expect(run.code).toBe(4);
    expect(lines(run.stdout)[0]).toMatch(/^fail {2}broker {6}TLS to mqtts:\/\/127\.0\.0\.1:\d+ failed: .*certificate.*\(pass --ca with the broker's CA certificate; --insecure skips the check\)$/);
  });
});

describe('scp doctor across a fleet', () => {
  it('--input: a checklist per station over one connection, then how many passed, warned and failed', async () => {
    const topics = ['--request-topic', 'fleet-doc/{station}/ocpp', '--response-topic', 'fleet-doc/{station}/sc', '--status-request-topic', 'fleet-doc/{station}/cs', '--status-response-topic', 'fleet-doc/{station}/js'];
    running.push(await startSimulator(['--broker', broker.url, ...topics, 'simulate', '--stations', '3']));
    const run = await runScp(['--broker', broker.url, ...topics, '--timeout', '0.5', '--verbose', 'doctor', '--input', '-'], {}, '1\n# a comment\n{"station": "2", "evse": "0"}\n3\n9\n');
    expect(run.code).toBe(1);
    expect(run.stderr.match(/connecting to /g)).toHaveLength(1);
    const out = lines(run.stdout);
    expect(out[0]).toMatch(/^pass {2}broker/);
    expect(out.filter((line) => line.startsWith('station '))).toEqual(['station 1', 'station 2', 'station 3', 'station 9']);
    expect(out.slice(-4, -1).map((line) => line.slice(0, 18))).toEqual(['  fail  service   ', '  fail  round trip', '  skip  clock     ']);
    expect(out.at(-1)).toBe('4 stations: 3 pass, 0 warn, 1 fail');
    const json = await runScp(['--broker', broker.url, ...topics, '--timeout', '0.5', 'doctor', '--input', '-', '--json'], {}, '1\n2\n');
    expect(json.code).toBe(0);
    const all = records(json.stdout);
    expect(all.filter((record) => record.station === '2').map((record) => [record.name, record.status])).toEqual([['service', 'pass'], ['round_trip', 'pass'], ['clock', 'pass']]);
    expect(all.at(-1)).toEqual({ summary: { stations: 2, pass: 2, warn: 0, fail: 0 } });
    expect(statuses(json.stdout).broker).toBe('pass');
  });
});
