/**
 * The delayed-ACK stall (issue #43): a broker without TCP_NODELAY holds an answer behind any small packet of its to us
 * that our kernel has not yet acknowledged, so while a single request waits, scp acknowledges with a PINGREQ at the
 * PUBACK and after each PINGRESP, at growing gaps, and stops once the answer came or the gaps reach the delayed ACK.
 * How much time that saves is `npm run bench:single`'s (the rows beside a no-delay Mosquitto); here, that the pings
 * are sent, and that they are few. The embedded broker counts them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsync } from 'mqtt';
import { startEmbeddedBroker, type Broker } from '../helpers/broker.js';
import { response, uniqueTopics } from '../helpers/responder.js';
import { runScp } from '../helpers/run.js';

let broker: Broker;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(async () => broker.close());

/** Runs `scp clear --id 1` against a service that answers after `delayMs`, counting the pings scp sent meanwhile. */
async function pingsWhile(delayMs: number): Promise<{ pings: number; code: number | null }> {
  const topics = uniqueTopics();
  const service = await connectAsync(broker.url, { reconnectPeriod: 0 });
  service.on('message', (_topic, payload) => {
    const { id } = JSON.parse(payload.toString());
    setTimeout(() => service.publish(topics.responseTopic, JSON.stringify(response(id, { status: 'accepted' })), { qos: 1 }), delayMs);
  });
  await service.subscribeAsync(topics.requestTopic, { qos: 1 });
  let pings = 0;
  const count = (_packet: unknown, client: { id: string } | null) => {
    if (client?.id.startsWith('scp-')) pings++;
  };
  broker.aedes!.on('ping', count);
  try {
    const run = await runScp(['--broker', broker.url, ...topics.args, 'clear', '--id', '1']);
    return { pings, code: run.code };
  } finally {
    broker.aedes!.off('ping', count);
    await service.endAsync();
  }
}

describe('acknowledging while a single request waits', () => {
  it('pings again after each PINGRESP while the answer is late, at growing gaps', async () => {
    const { pings, code } = await pingsWhile(60);
    expect(code).toBe(0);
    // 1, 1.5, 2.25, ... ms after each PINGRESP: several within 60 ms.
    expect(pings).toBeGreaterThanOrEqual(4);
  });

  it('stops once the gaps reach the delayed ACK: a dozen pings at most, however late the answer', async () => {
    const { pings, code } = await pingsWhile(700);
    expect(code).toBe(0);
    expect(pings).toBeGreaterThanOrEqual(5);
    expect(pings).toBeLessThanOrEqual(12);
  });
});
