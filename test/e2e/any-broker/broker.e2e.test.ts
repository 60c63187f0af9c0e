/**
 * Where brokers differ (MQTT 5, QoS 2, how a refused login looks), against the broker under test: what it supports
 * must work, and what it does not must end in a clear message, exit 4 and nothing sent. The runner declares what
 * the broker supports (brokerCapabilities), so each case runs one way or the other; none is skipped in silence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { brokerCapabilities, brokerName, brokerUnderTest, type Broker } from '../../helpers/broker.js';
import { startResponder, startSpy, uniqueTopics } from '../../helpers/responder.js';
import { runScp, sleep } from '../../helpers/run.js';

let broker: Broker;
const can = brokerCapabilities();
beforeAll(async () => {
  broker = await brokerUnderTest();
});
afterAll(() => broker.close());

/** Runs scp against a responder (or, when the request must not arrive, a spy) on fresh topics. */
async function run(args: string[], { expectRequest }: { expectRequest: boolean }) {
  const topics = uniqueTopics();
  const responder = expectRequest ? await startResponder(broker.url, topics) : await startSpy(broker.url, topics);
  try {
    const result = await runScp(['--broker', broker.url, ...topics.args, ...args, 'clear', '--id', '1', '--timeout', '5']);
    await sleep(expectRequest ? 0 : 200);
    return { ...result, seen: responder.seen.length };
  } finally {
    await responder.close();
  }
}

describe(`the ${brokerName()}: MQTT ${can.mqtt5 ? '3.1.1 and 5' : '3.1.1 only'}, QoS ${can.qos2 ? '1 and 2' : '1 only'}`, () => {
  if (can.mqtt5) {
    it('MQTT 5: clears', async () => {
      const result = await run(['--mqtt-version', '5'], { expectRequest: true });
      expect(result.stdout).toBe('accepted\n');
      expect(result.code).toBe(0);
    });
  } else {
    it('MQTT 5 unsupported: exit 4, says to use 3.1.1, nothing sent', async () => {
      const result = await run(['--mqtt-version', '5'], { expectRequest: false });
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^scp: .*\(the broker does not seem to support MQTT 5: try --mqtt-version 3\.1\.1\)\n$/);
      expect(result.seen).toBe(0);
    });
  }

  if (can.qos2) {
    it('QoS 2: clears', async () => {
      const result = await run(['--qos', '2'], { expectRequest: true });
      expect(result.stdout).toBe('accepted\n');
    });
  } else {
    it('QoS 2 unsupported (granted 1 for 2): exit 4 before publishing, says to use --qos 1', async () => {
      const result = await run(['--qos', '2'], { expectRequest: false });
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/granted QoS 1, not 2, for \S+: it does not support QoS 2; use --qos 1 \(nothing was sent\)\n$/);
      expect(result.seen).toBe(0);
    });
  }

  if (can.login) {
    it('a wrong password: exit 4 with the broker\'s reason and how to give a password, nothing sent', async () => {
      const wrong = new URL(broker.url);
      wrong.password = 'wrong';
      const topics = uniqueTopics();
      const spy = await startSpy(broker.url, topics);
      try {
        const result = await runScp(['--broker', wrong.toString(), ...topics.args, 'clear', '--id', '1']);
        expect(result.code).toBe(4);
        // RabbitMQ says 4 (bad user name or password), NATS 5 (not authorised): both are a refused login.
        expect(result.stderr).toMatch(/refused the connection: (Bad username or password \(code 4\)|Not authorized \(code 5\)) \(check --username, and the password given by SCP_PASSWORD or --password-file\)\n$/);
        expect(result.stderr).not.toContain('wrong');
        await sleep(200);
        expect(spy.seen).toHaveLength(0);
      } finally {
        await spy.close();
      }
    });
  } else {
    it('an anonymous broker: a user name and password it does not need do not get in the way', async () => {
      const result = await run(['--username', 'operator'], { expectRequest: true });
      expect(result.stdout).toBe('accepted\n');
    });
  }

  // TLS is offered by test/brokers/with-broker.mjs (RabbitMQ, NATS); Mosquitto's and aedes's TLS have tests of their
  // own (test/faults/matrix.test.ts, test/e2e/connection.e2e.test.ts).
  const tlsUrl = process.env.SCP_TEST_BROKER_TLS_URL;
  if (tlsUrl) {
    it('TLS: clears over mqtts:// with --ca, and without it fails with exit 4, saying to pass --ca', async () => {
      const ca = process.env.SCP_TEST_BROKER_CA!;
      const topics = uniqueTopics();
      const responder = await startResponder(tlsUrl, topics, undefined, { ca: readFileSync(ca) });
      try {
        const trusted = await runScp(['--broker', tlsUrl, '--ca', ca, ...topics.args, 'clear', '--id', '1']);
        expect(trusted.stdout).toBe('accepted\n');
        const untrusted = await runScp(['--broker', tlsUrl, ...topics.args, 'clear', '--id', '1']);
        expect(untrusted.code).toBe(4);
        expect(untrusted.stderr).toMatch(/^scp: TLS to mqtts:\/\/\S+ failed: .*\(pass --ca with the broker's CA certificate; --insecure skips the check\)\n$/);
        expect(responder.seen).toHaveLength(1);
      } finally {
        await responder.close();
      }
    });
  }
});
