/**
 * Connecting: TLS (certificates made by the test), logins, brokers that are absent, mute or MQTT 3 only, and the
 * subscribe-before-publish order. Each test starts the broker it needs, so these run the same on any machine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makePki, type Pki } from '../helpers/certs.js';
import { startEmbeddedBroker, startLoginBroker, startMosquitto, startSilentServer, startWebSocketBroker, type Broker } from '../helpers/broker.js';
import { startResponder, uniqueTopics } from '../helpers/responder.js';
import { runScp } from '../helpers/run.js';

let dir: string;
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o600 });
  return path;
};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scp-conn-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `scp clear --id 1` against `broker` with a responder beside it (the responder connects with `responderUrl`). */
async function clearOn(broker: Broker, args: string[], env: Record<string, string> = {}, responderOptions = {}) {
  const topics = uniqueTopics();
  const responder = await startResponder(broker.url, topics, undefined, responderOptions).catch(() => undefined);
  try {
    return await runScp(['--broker', broker.url, ...topics.args, ...args, 'clear', '--id', '1'], env);
  } finally {
    await responder?.close();
  }
}

describe('TLS', () => {
  let pki: Pki;
  let tlsBroker: Broker;
  let mutualBroker: Broker;
  beforeAll(async () => {
    pki = await makePki();
    tlsBroker = await startEmbeddedBroker({ tls: pki.server });
    mutualBroker = await startEmbeddedBroker({
      tls: { ...pki.server, ca: [pki.ca], requestCert: true, rejectUnauthorized: true },
    });
  });
  afterAll(async () => {
    await tlsBroker.close();
    await mutualBroker.close();
  });

  it('connects over mqtts:// when --ca names the broker\'s CA', async () => {
    const topics = uniqueTopics();
    const { connectAsync } = await import('mqtt');
    const responderClient = await connectAsync(tlsBroker.url, { ca: pki.ca, reconnectPeriod: 0 });
    responderClient.on('message', (_topic, payload) => {
      const { id } = JSON.parse(payload.toString());
      responderClient.publish(topics.responseTopic, JSON.stringify({ id, name: 'clear_charging_profile', type: 'response', data: { status: 'accepted' } }), { qos: 1 });
    });
    await responderClient.subscribeAsync(topics.requestTopic, { qos: 1 });
    try {
      const run = await runScp(['--broker', tlsBroker.url, ...topics.args, '--ca', file('ca.pem', pki.ca), 'clear', '--id', '1']);
      expect(run.stdout).toBe('accepted\n');
      expect(run.code).toBe(0);
    } finally {
      await responderClient.endAsync();
    }
  });

  it('refuses an untrusted certificate with exit 4 and says how to fix it', async () => {
    const run = await clearOn(tlsBroker, []);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^scp: TLS to mqtts:\/\/127\.0\.0\.1:\d+\/? failed: .*certificate.*--ca.*--insecure/m);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('--insecure skips the check, with a warning', async () => {
    const run = await clearOn(tlsBroker, ['--insecure', '--timeout', '0.5']);
    expect(run.stderr).toMatch(/warning: --insecure: the broker's TLS certificate is not checked/);
    // Connected: it got as far as waiting for an answer (no responder could join without trusting the cert).
    expect(run.code).toBe(3);
  });

  it('SCP_INSECURE=1 does the same, and SCP_INSECURE=0 does not', async () => {
    expect((await clearOn(tlsBroker, ['--timeout', '0.5'], { SCP_INSECURE: '1' })).code).toBe(3);
    expect((await clearOn(tlsBroker, ['--timeout', '0.5'], { SCP_INSECURE: '0' })).code).toBe(4);
  });

  it('presents a client certificate from --cert and --key', async () => {
    const ca = file('ca.pem', pki.ca);
    const withCert = await clearOn(mutualBroker, ['--ca', ca, '--cert', file('client.pem', pki.client.cert), '--key', file('client.key', pki.client.key), '--timeout', '0.5']);
    expect(withCert.code).toBe(3); // connected and waited
    const without = await clearOn(mutualBroker, ['--ca', ca, '--timeout', '0.5']);
    expect(without.code).toBe(4);
  });

  it('refuses --cert without --key', async () => {
    const run = await clearOn(mutualBroker, ['--cert', file('client.pem', pki.client.cert)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('scp: --cert and --key: give both or neither\n');
  });
});

describe('WebSocket', () => {
  it('clears through a ws:// broker', async () => {
    const broker = await startWebSocketBroker();
    try {
      const run = await clearOn(broker, []);
      expect(run.stdout).toBe('accepted\n');
      expect(run.code).toBe(0);
    } finally {
      await broker.close();
    }
  });
});

describe('logins', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startLoginBroker('operator', 'right horse battery');
  });
  afterAll(() => broker.close());

  async function clearAs(args: string[], env: Record<string, string> = {}) {
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url.replace('mqtt://', 'mqtt://operator:right%20horse%20battery@'), topics);
    try {
      return { ...(await runScp(['--broker', broker.url, ...topics.args, ...args, 'clear', '--id', '1'], env)), responder };
    } finally {
      await responder.close();
    }
  }

  it('logs in with --username and SCP_PASSWORD', async () => {
    const run = await clearAs(['--username', 'operator'], { SCP_PASSWORD: 'right horse battery' });
    expect(run.stdout).toBe('accepted\n');
  });

  it('logs in with --password-file, which beats SCP_PASSWORD', async () => {
    const run = await clearAs(['--username', 'operator', '--password-file', file('pw', 'right horse battery\n')], {
      SCP_PASSWORD: 'wrong',
    });
    expect(run.stdout).toBe('accepted\n');
  });

  it('takes the user name from SCP_USERNAME', async () => {
    const run = await clearAs([], { SCP_USERNAME: 'operator', SCP_PASSWORD: 'right horse battery' });
    expect(run.stdout).toBe('accepted\n');
  });

  it('exits 4 with the broker\'s reason on a wrong password, and never shows it', async () => {
    const run = await clearAs(['--username', 'operator', '--verbose'], { SCP_PASSWORD: 'wrong-pass-99' });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/refused the connection: Bad username or password \(code 4\) \(check --username, and the password given by SCP_PASSWORD or --password-file\)/);
    expect(run.stdout + run.stderr).not.toMatch(/wrong-pass-99/);
  });

  it('refuses a password without a user name under MQTT 3.1.1, before connecting', async () => {
    const run = await clearAs([], { SCP_PASSWORD: 'right horse battery' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^scp: --username: required when a password is given/);
    expect(run.responder.seen).toHaveLength(0);
  });
});

describe('brokers that cannot serve us', () => {
  it('exits 4 within a few seconds when nothing listens', async () => {
    const silent = await startSilentServer();
    const port = silent.port;
    await silent.close(); // the port is now closed: connection refused
    const run = await runScp(['--broker', `mqtt://127.0.0.1:${port}`, 'clear', '--id', '1']);
    expect(run.code).toBe(4);
    expect(run.stderr).toBe(`scp: cannot connect to mqtt://127.0.0.1:${port}: connection refused (is a broker listening there?)\n`);
    expect(run.ms).toBeLessThan(4000);
  });

  it('exits 4 after --connect-timeout when the broker accepts TCP but never answers CONNECT', async () => {
    const silent = await startSilentServer();
    try {
      const run = await runScp(['--broker', silent.url, '--connect-timeout', '0.5', 'clear', '--id', '1']);
      expect(run.code).toBe(4);
      expect(run.stderr).toBe(`scp: cannot connect to ${silent.url}: no answer from the broker within 0.5 s: the other end took the connection but said nothing (is this the broker's MQTT port? a broker under load: raise --connect-timeout)\n`);
      expect(run.ms).toBeLessThan(4000);
    } finally {
      await silent.close();
    }
  });

  it('exits 4 with a clear message when the broker does not speak MQTT 5 (aedes 1.2)', async () => {
    const aedes = await startEmbeddedBroker({ mqtt311Only: true });
    try {
      const run = await runScp(['--broker', aedes.url, '--mqtt-version', '5', '--connect-timeout', '2', 'clear', '--id', '1']);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^scp: .*(Unsupported Protocol Version|Unacceptable protocol version|closed)/im);
    } finally {
      await aedes.close();
    }
  });

  it('exits 4 when the broker refuses the subscription', async () => {
    const broker = await startEmbeddedBroker({
      aedes: { authorizeSubscribe: (_client, _subscription, done) => done(null, null) },
    });
    try {
      const run = await runScp(['--broker', broker.url, 'clear', '--id', '1']);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/refused the subscription to smart_charging\/ocpp/);
    } finally {
      await broker.close();
    }
  });
});

describe('losing the broker', () => {
  it('exits 4 at once when the connection drops while waiting, saying the request may still be applied', async () => {
    const broker = await startEmbeddedBroker();
    const topics = uniqueTopics();
    // The "service" takes the request and then the whole broker goes away.
    const responder = await startResponder(broker.url, topics, () => {
      setTimeout(() => void broker.close(), 50);
      return [];
    });
    const run = await runScp(['--broker', broker.url, ...topics.args, 'clear', '--id', '1', '--timeout', '30']);
    await responder.close().catch(() => undefined);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^scp: lost the connection to mqtt:\/\/127\.0\.0\.1:\d+\/?: the request was published and may still be applied$/m);
    expect(run.ms).toBeLessThan(5000);
  });
});

describe('order of operations', () => {
  it('subscribes to the response topic, and has SUBACK, before it publishes the request', async () => {
    const broker = await startEmbeddedBroker();
    const events: string[] = [];
    broker.aedes!.on('subscribe', (subscriptions, client) => {
      if (client?.id.startsWith('scp-')) events.push(`subscribe ${subscriptions.map((s) => s.topic).join(',')}`);
    });
    broker.aedes!.on('publish', (packet, client) => {
      if (client?.id.startsWith('scp-')) events.push(`publish ${packet.topic}`);
    });
    // The responder answers the instant the request lands: a client that listened late would miss it.
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics);
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, 'clear', '--id', '1']);
      expect(run.stdout).toBe('accepted\n');
      expect(events).toEqual([`subscribe ${topics.responseTopic}`, `publish ${topics.requestTopic}`]);
    } finally {
      await responder.close();
      await broker.close();
    }
  });
});

describe('MQTT 5 (against Mosquitto)', () => {
  let mosquitto: Broker;
  beforeAll(async () => {
    mosquitto = await startMosquitto();
  });
  afterAll(() => mosquitto.close());

  it('clears over MQTT 5 with --mqtt-version 5', async () => {
    const run = await clearOn(mosquitto, ['--mqtt-version', '5'], {}, { protocolVersion: 5 });
    expect(run.stdout).toBe('accepted\n');
    expect(run.code).toBe(0);
  });

  it('takes the version from SCP_MQTT_VERSION', async () => {
    const run = await clearOn(mosquitto, ['--verbose'], { SCP_MQTT_VERSION: '5' });
    expect(run.stderr).toMatch(/\(MQTT 5\)/);
    expect(run.code).toBe(0);
  });

  it('allows a password without a user name under MQTT 5', async () => {
    const run = await clearOn(mosquitto, ['--mqtt-version', '5', '--timeout', '2'], { SCP_PASSWORD: 'x' });
    expect(run.code).not.toBe(2);
  });
});
