/**
 * When no answer comes, say why (issue #42): what scp saw on the response topic while it waited (nothing, answers to
 * other requests, messages it could not read) and what to check, for a single request and once for a stream; and a
 * connection that fails, in words: an HTTP server, the TLS listener given plain MQTT, a plain port given TLS, a name
 * that does not resolve. The built bin/scp against brokers and servers the test starts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makePki } from '../helpers/certs.js';
import { startEmbeddedBroker, type Broker } from '../helpers/broker.js';
import { response, startResponder, uniqueTopics, type Answer, type SeenRequest } from '../helpers/responder.js';
import { runScp } from '../helpers/run.js';

let broker: Broker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(async () => broker.close());

/** Runs scp on fresh topics with a service that answers what `answer` says (nothing: no service at all). */
async function withService(args: string[], answer?: (request: SeenRequest) => Answer[], stdin?: string) {
  const topics = uniqueTopics();
  const responder = answer ? await startResponder(broker.url, topics, answer) : undefined;
  try {
    return { ...(await runScp(['--broker', broker.url, ...topics.args, '--timeout', '0.4', ...args], {}, stdin)), topics };
  } finally {
    await responder?.close();
  }
}

describe('no answer within --timeout', () => {
  it('nothing came: names the topic and the broker (never its password), what came, and what to check', async () => {
    const url = new URL(broker.url);
    const topics = uniqueTopics();
    const run = await runScp(['--broker', `mqtt://ops:pw-secret@${url.host}`, '--username', 'ops', ...topics.args, '--timeout', '0.4', 'clear', '--id', '1'], { SCP_PASSWORD: 'pw-secret' });
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `scp: no answer within 0.4 s on ${topics.responseTopic} at mqtt://ops:***@${url.host}: nothing came on that topic (the request was published and may still be applied); is a Smart Charging service connected to this broker? Check --broker, --request-topic and --response-topic (or --station); scp status asks whether the service is up\n`,
    );
  });

  it('answers to other requests and a message that is not JSON came: says how many, and that the service answers others', async () => {
    const run = await withService(['clear', '--id', '1', '--json'], (request) => [response('someone-else', { status: 'accepted' }), response(`${request.envelope!.id}-not`, { status: 'accepted' }), 'not json']);
    const record = JSON.parse(run.stdout);
    expect([run.code, record.outcome, record.seen]).toEqual([3, 'timeout', { other_answers: 2, unreadable: 1, other: 0 }]);
    expect(record.error).toMatch(/: 2 answers to other requests and 1 message scp could not read \(not JSON\) came, none an answer to it \(the request was published and may still be applied\); something answers on \S+, but not this request/);
  });

  it('a question (schedule, status) went unanswered: nothing is said to be applied', async () => {
    const schedule = await withService(['schedule', '--evse', '1']);
    expect(schedule.stderr).toMatch(/^scp: no answer within 0\.4 s on \S+ at \S+: nothing came on that topic \(the request was published and went unanswered\); /);
    const topics = uniqueTopics();
    const status = await runScp(['--broker', broker.url, '--status-request-topic', topics.requestTopic, '--status-response-topic', topics.responseTopic, '--timeout', '0.4', 'status']);
    expect([status.code, status.stderr]).toEqual([3, `scp: no answer within 0.4 s on ${topics.responseTopic} at ${broker.url}: nothing came on that topic (the request was published and went unanswered); is the station's service connected to this broker? Check --broker, --status-request-topic and --status-response-topic (or --station)\n`]);
  });

  it('a stream says it once, after its summary, and each timed-out record carries what was seen', async () => {
    const run = await withService(['clear', '--input', '-', '--json'], undefined, '1\n2\n3\n');
    const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
    expect(records.map((record) => [record.outcome, record.seen])).toEqual(Array.from({ length: 3 }, () => ['timeout', { other_answers: 0, unreadable: 0, other: 0 }]));
    expect(run.stderr.split('\n').filter((line) => line.includes('got no answer'))).toEqual([
      `scp: 3 requests got no answer within 0.4 s on ${run.topics.responseTopic} at ${broker.url}: nothing came on that topic (the request was published and may still be applied); is a Smart Charging service connected to this broker? Check --broker, --request-topic and --response-topic (or --station); scp status asks whether the service is up`,
    ]);
  });
});

describe('a connection that fails, in words (no library text)', () => {
  let http: Server;
  let httpPort: number;
  beforeAll(async () => {
    http = createServer((_request, reply) => reply.end('hello'));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    httpPort = (http.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

  const clearAt = (url: string) => runScp(['--broker', url, '--connect-timeout', '2', 'clear', '--id', '1']);

  it('an HTTP server: it is not an MQTT broker, it answered HTTP', async () => {
    expect(await clearAt(`mqtt://127.0.0.1:${httpPort}`)).toMatchObject({
      code: 4,
      stderr: `scp: cannot connect to mqtt://127.0.0.1:${httpPort}: the other end is not an MQTT broker: it answered HTTP ("HTTP/1.1 400 Bad Request"); is this the broker's MQTT port? (MQTT over WebSocket is ws:// or wss://)\n`,
    });
  });

  it('plain MQTT to the TLS listener: use mqtts://; TLS to a plain port: use mqtt://', async () => {
    const tls = await startEmbeddedBroker({ tls: (await makePki()).server });
    try {
      const plain = await clearAt(tls.url.replace('mqtts:', 'mqtt:'));
      expect(plain.code).toBe(4);
      expect(plain.stderr).toMatch(/^scp: cannot connect to mqtt:\/\/127\.0\.0\.1:\d+: .*(a TLS listener\? then use mqtts:\/\/|speaks TLS on this port: use mqtts:\/\/)/);
    } finally {
      await tls.close();
    }
    const secure = await clearAt(broker.url.replace('mqtt:', 'mqtts:'));
    expect([secure.code, secure.stderr]).toEqual([4, `scp: TLS to ${broker.url.replace('mqtt:', 'mqtts:')} failed: the other end does not speak TLS there (a plain MQTT port? then use mqtt://)\n`]);
  });

  it('a name that does not resolve, and nothing listening', async () => {
    const unknown = await clearAt('mqtt://no-such-broker.invalid:1883');
    expect([unknown.code, unknown.stderr]).toEqual([4, 'scp: cannot connect to mqtt://no-such-broker.invalid:1883: host not found (the name "no-such-broker.invalid" does not resolve; check --broker)\n']);
    const closed = await clearAt('mqtt://127.0.0.1:1');
    expect([closed.code, closed.stderr]).toEqual([4, 'scp: cannot connect to mqtt://127.0.0.1:1: connection refused (is a broker listening there?)\n']);
  });
});
