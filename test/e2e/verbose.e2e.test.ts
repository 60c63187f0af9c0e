/**
 * `--verbose` tells the exchange in the order it happened on the wire. Under load a real broker's PUBACK and the
 * service's answer can reach us in one TCP read; MQTT.js then handles the answer before the publish's promise
 * settles. A real broker does that only by chance, so this one is a scripted MQTT peer on a real socket that always
 * does it: CONNACK, SUBACK, then the PUBACK and the answer in a single write. The client (the built bin/scp with
 * MQTT.js) is the real one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import { runScp } from '../helpers/run.js';

let server: Server;
let url: string;
const sockets = new Set<Socket>();

beforeAll(async () => {
  server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const send = (...packets: mqttPacket.Packet[]) => socket.write(Buffer.concat(packets.map((p) => mqttPacket.generate(p))));
    parser.on('packet', (packet) => {
      if (packet.cmd === 'connect') send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
      if (packet.cmd === 'subscribe') send({ cmd: 'suback', messageId: packet.messageId, granted: packet.subscriptions.map((s) => s.qos) });
      if (packet.cmd === 'pingreq') send({ cmd: 'pingresp' });
      if (packet.cmd === 'disconnect') socket.end();
      if (packet.cmd === 'publish') {
        const { id } = JSON.parse(packet.payload.toString()) as { id: string };
        const answer = JSON.stringify({ id, name: 'clear_charging_profile', type: 'response', data: { status: 'accepted' } });
        // The wire order is right (PUBACK first), but both arrive in one read.
        send(
          { cmd: 'puback', messageId: packet.messageId },
          { cmd: 'publish', topic: 'smart_charging/ocpp', payload: answer, qos: 0, dup: false, retain: false },
        );
      }
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `mqtt://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('--verbose', () => {
  it('logs the publish before the answer, even when the PUBACK and the answer arrive in one read', async () => {
    for (let i = 0; i < 5; i++) {
      const run = await runScp(['--broker', url, '--mqtt-version', '3.1.1', '--verbose', 'clear', '--id', '1']);
      expect(run.stdout).toBe('accepted\n');
      const lines = run.stderr.split('\n');
      const publishing = lines.findIndex((line) => /publishing to ocpp\/smart_charging: \{/.test(line));
      const received = lines.findIndex((line) => /received on smart_charging\/ocpp/.test(line));
      expect(publishing, run.stderr).toBeGreaterThanOrEqual(0);
      expect(received, run.stderr).toBeGreaterThan(publishing);
      // Nothing about the publish comes after the answer.
      expect(lines.slice(received).filter((line) => /publish/.test(line)), run.stderr).toEqual([]);
    }
  });
});
