/** Bugs, secrets, QoS, TLS host names and signals: the guarantees that hold whatever the broker does. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerUnderTest, startEmbeddedBroker, startPrivateMosquitto, startSilentServer, type Broker } from '../helpers/broker.js';
import { makePki } from '../helpers/certs.js';
import { startResponder, startSpy, uniqueTopics } from '../helpers/responder.js';
import { SCP_BIN, cleanEnv, finished, runScp, spawnScp, stderrMatches } from '../helpers/run.js';

let broker: Broker;
let dir: string;
beforeAll(async () => {
  broker = await brokerUnderTest();
  dir = mkdtempSync(join(tmpdir(), 'scp-safety-'));
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a bug in scp', () => {
  const hook = fileURLToPath(new URL('../helpers/crash-hook.mjs', import.meta.url));
  const crash = (mode: string, args: string[]) =>
    finished(spawn(process.execPath, ['--import', hook, SCP_BIN, ...args], { env: cleanEnv({ SCP_TEST_CRASH: mode }) }));

  it('exits 70 with one line and a hint to rerun with --verbose, never 1', async () => {
    const run = await crash('sync', ['clear', '--id', '1', '--dry-run']);
    expect(run.code).toBe(70);
    expect(run.stderr).toBe(
      'scp: internal error (a bug in scp, please report it): TypeError: randomUUID exploded; rerun with --verbose for the stack\n',
    );
  });

  it('shows the stack with --verbose', async () => {
    const run = await crash('sync', ['--verbose', 'clear', '--id', '1', '--dry-run']);
    expect(run.code).toBe(70);
    expect(run.stderr).toMatch(/^scp: internal error .*randomUUID exploded\nTypeError: randomUUID exploded\n\s+at /);
  });

  it('exits 70 on an uncaught exception too', async () => {
    const topics = uniqueTopics();
    const run = await crash('uncaught', ['--broker', broker.url, ...topics.args, 'clear', '--id', '1', '--timeout', '5']);
    expect(run.code).toBe(70);
    expect(run.stderr).toMatch(/^scp: internal error \(a bug in scp, please report it\): RangeError: a timer exploded; rerun with --verbose/m);
  });
});

describe('secrets', () => {
  it('hides a password given in a broker URL from ps and /proc/<pid>/cmdline', async () => {
    const topics = uniqueTopics();
    const url = new URL(broker.url);
    url.username = 'op';
    url.password = 'ps-secret-77';
    const child = spawnScp(['--broker', url.toString(), ...topics.args, '--verbose', 'clear', '--id', '1', '--timeout', '5']);
    const waiting = stderrMatches(child, /published to/);
    const done = finished(child);
    await waiting;
    const cmdline = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
    child.kill('SIGINT');
    await done;
    expect(cmdline).toContain('mqtt://op:***@');
    expect(cmdline).not.toContain('ps-secret-77');
  });

  it('warns when the password file can be read by others, and not when it is 0600', async () => {
    const file = join(dir, 'pw');
    writeFileSync(file, 'pw-secret-88\n');
    chmodSync(file, 0o644);
    const open = await runScp(['--broker', broker.url, '--username', 'op', '--password-file', file, '--timeout', '0.3', '--json', 'clear', '--id', '1']);
    expect(open.stderr).toMatch(/^scp: warning: --password-file: ".*pw" can be read by others \(mode 644\); chmod 600 it$/m);
    chmodSync(file, 0o600);
    const closed = await runScp(['--broker', broker.url, '--username', 'op', '--password-file', file, '--timeout', '0.3', '--json', 'clear', '--id', '1']);
    expect(closed.stderr).not.toMatch(/warning/);
    for (const run of [open, closed]) expect(run.stdout + run.stderr).not.toContain('pw-secret-88');
  });

  it('keeps SCP_PASSWORD out of stdout, stderr, --verbose and --json, in success and in failure', async () => {
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics);
    try {
      for (const extra of [[], ['--timeout', '0.3', '--request-topic', 'nobody/listens']]) {
        const run = await runScp(['--broker', broker.url, ...topics.args, '--username', 'op', '--verbose', '--json', ...extra, 'clear', '--id', '1'], {
          SCP_PASSWORD: 'env-secret-99',
        });
        expect(run.stdout + run.stderr).not.toContain('env-secret-99');
      }
    } finally {
      await responder.close();
    }
  });
});

describe('QoS', () => {
  it('refuses --qos 0 for requests, and anything but 1 or 2, publishing nothing', async () => {
    const topics = uniqueTopics();
    const spy = await startSpy(broker.url, topics);
    try {
      const zero = await runScp(['--broker', broker.url, ...topics.args, '--qos', '0', 'clear', '--id', '1']);
      expect(zero.code).toBe(2);
      expect(zero.stderr).toBe('scp: --qos: 0 is not allowed for requests: a QoS 0 request can be lost unseen; use 1 or 2\n');
      const three = await runScp(['--broker', broker.url, ...topics.args, 'clear', '--id', '1'], { SCP_QOS: '3' });
      expect(three.stderr).toBe('scp: --qos: "3" is not allowed; expected 1 or 2\n');
      expect(spy.seen).toHaveLength(0);
    } finally {
      await spy.close();
    }
  });

  it('completes a clear at QoS 2 (the PUBREC/PUBREL/PUBCOMP handshake) with --qos 2', async () => {
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics);
    try {
      const run = await runScp(['--broker', broker.url, ...topics.args, '--qos', '2', 'clear', '--id', '1']);
      expect(run.stdout).toBe('accepted\n');
      expect(responder.seen[0]!.retain).toBe(false);
    } finally {
      await responder.close();
    }
  });

  it('publishes at QoS 2 as seen by the broker itself', async () => {
    const embedded = await startEmbeddedBroker();
    const qos: number[] = [];
    embedded.aedes!.on('publish', (packet, client) => {
      if (client?.id.startsWith('scp-')) qos.push(packet.qos);
    });
    try {
      await runScp(['--broker', embedded.url, '--qos', '2', '--timeout', '0.3', 'clear', '--id', '1']);
      await runScp(['--broker', embedded.url, '--timeout', '0.3', 'clear', '--id', '1']);
      expect(qos).toEqual([2, 1]);
    } finally {
      await embedded.close();
    }
  });
});

describe('TLS against Mosquitto', () => {
  it('verifies a Mosquitto TLS listener with --ca, and refuses it without (exit 4, no stack trace)', async () => {
    const pki = await makePki();
    const mosquitto = await startPrivateMosquitto((confDir) => {
      // Started as root, Mosquitto reads its certificates after dropping to its own user.
      chmodSync(confDir, 0o755);
      for (const [name, text] of [['ca.pem', pki.ca], ['server.pem', pki.server.cert], ['server.key', pki.server.key]] as const) {
        writeFileSync(join(confDir, name), text, { mode: 0o644 });
      }
      return `cafile ${join(confDir, 'ca.pem')}\ncertfile ${join(confDir, 'server.pem')}\nkeyfile ${join(confDir, 'server.key')}\n`;
    });
    const url = mosquitto.url.replace('mqtt://', 'mqtts://');
    try {
      const trusted = await runScp(['--broker', url, '--ca', join(mosquitto.dir, 'ca.pem'), '--timeout', '0.3', '--json', 'clear', '--id', '1']);
      // Connected, subscribed, published: only the (absent) service's answer is missing.
      expect(trusted.code, trusted.stderr).toBe(3);
      const untrusted = await runScp(['--broker', url, 'clear', '--id', '1']);
      expect(untrusted.code).toBe(4);
      expect(untrusted.stderr).toMatch(/^scp: TLS to mqtts:\/\/127\.0\.0\.1:\d+\/? failed: .*certificate.*--ca/m);
      expect(untrusted.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await mosquitto.close();
    }
  });
});

describe('TLS host names', () => {
  it('refuses a server certificate made out for another host, with exit 4 and no stack trace', async () => {
    const pki = await makePki({ serverNames: ['broker.other.example'] });
    const tlsBroker = await startEmbeddedBroker({ tls: pki.server });
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, pki.ca);
    try {
      const run = await runScp(['--broker', tlsBroker.url, '--ca', ca, 'clear', '--id', '1']);
      expect(run.code).toBe(4);
      expect(run.stderr).toMatch(/^scp: TLS to mqtts:\/\/127\.0\.0\.1:\d+\/? failed: .*(altnames|Hostname|IP)/m);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    } finally {
      await tlsBroker.close();
    }
  });
});

describe('signals while connecting', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('%s during connect exits %i, saying nothing was sent', async (signal, code) => {
    const silent = await startSilentServer();
    try {
      const child = spawnScp(['--broker', silent.url, '--connect-timeout', '30', '--verbose', 'clear', '--id', '1']);
      const connecting = stderrMatches(child, /connecting to/);
      const done = finished(child);
      await connecting;
      child.kill(signal);
      const run = await done;
      expect(run.code).toBe(code);
      expect(run.stderr).toMatch(/^scp: interrupted: nothing was sent$/m);
    } finally {
      await silent.close();
    }
  });
});
