/**
 * `scp status --watch` across a broker restart (issue #42): one line on stderr when the connection is lost, one when
 * the watch is back, the news after it shown; and exit 4 with a line only when no broker takes it back. A private
 * Mosquitto the test stops and starts again on the same port, the simulator answering (it reconnects too).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { connectAsync } from 'mqtt';
import { startPrivateMosquitto, type Mosquitto } from '../helpers/broker.js';
import { finished, spawnScp, stderrMatches } from '../helpers/run.js';
import { startSimulator } from '../helpers/simulator.js';

let mosquitto: Mosquitto;
beforeAll(async () => {
  mosquitto = await startPrivateMosquitto();
});
afterAll(async () => mosquitto.close());

const READY = { service: 'smart_charging', status: 'ready', software_version: '1.0.0', api_version: '1.6.9' };

/** Resolves once the child has written `count` more lines to stdout. */
const lines = (child: ReturnType<typeof spawnScp>, count: number) =>
  new Promise<void>((resolve) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.split('\n').length > count) resolve();
    });
  });

describe('scp status --watch across a broker restart', () => {
  it('says when the connection is lost and when it watches again, then shows what comes; Ctrl-C ends it with the last status', { timeout: 30_000 }, async () => {
    // Both wait up to 5 s for the broker to come back: it does, in well under that.
    const simulator = await startSimulator(['--broker', mosquitto.url, '--connect-timeout', '5', 'simulate']);
    const watch = spawnScp(['--broker', mosquitto.url, '--connect-timeout', '5', 'status', '--watch', '--json']);
    const done = finished(watch);
    try {
      await lines(watch, 1);
      const lost = stderrMatches(watch, /lost the connection to mqtt:\/\/127\.0\.0\.1:\d+; watching again once a broker takes it back \(what is said meanwhile is missed\)\n/);
      await mosquitto.stop();
      await lost;
      const back = stderrMatches(watch, /scp: watching again on mqtt:\/\/127\.0\.0\.1:\d+ \(attempt \d+\)\n/);
      await mosquitto.start();
      await back;
      const news = lines(watch, 1);
      const publisher = await connectAsync(mosquitto.url, { reconnectPeriod: 0 });
      await publisher.publishAsync('josev/cs', JSON.stringify({ id: randomUUID(), name: 'service_status', type: 'update', data: { ...READY, status: 'busy' } }), { qos: 1 });
      await publisher.endAsync();
      await news;
      watch.kill('SIGINT');
      const result = await done;
      const shown = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
      expect(shown[1]).toMatchObject({ message: { type: 'update', data: { status: 'busy' } } });
      expect(result.code).toBe(1);
    } finally {
      if (watch.exitCode === null) watch.kill('SIGKILL');
      await simulator.stop();
    }
  });

  it('no broker takes it back: exit 4, and a line that says so', { timeout: 30_000 }, async () => {
    const simulator = await startSimulator(['--broker', mosquitto.url, 'simulate']);
    const watch = spawnScp(['--broker', mosquitto.url, '--connect-timeout', '1', 'status', '--watch']);
    const done = finished(watch);
    try {
      await lines(watch, 1);
      await simulator.stop();
      await mosquitto.stop();
      const result = await done;
      expect(result.code).toBe(4);
      expect(result.stderr).toMatch(/^scp: warning: lost the connection to mqtt:\/\/127\.0\.0\.1:\d+; watching again once a broker takes it back/m);
      expect(result.stderr).toMatch(/^scp: no broker took the watch back: cannot connect to mqtt:\/\/127\.0\.0\.1:\d+: connection refused \(is a broker listening there\?\)$/m);
    } finally {
      await mosquitto.start();
    }
  });
});
