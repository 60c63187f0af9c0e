#!/usr/bin/env node
// The baseline of `npm run bench:batch`: the plain MQTT.js stream client a script author would write first, as in
// issue #8's "quick stand-in" (about 16,000 requests/s and 37 µs of CPU per request where the issue was filed). One
// connection, up to --concurrency requests in flight, answers matched by id, one JSON line per answer (in answer
// order, no validation, no timeouts). Timed in the same run as scp, it turns the absolute CPU target into a
// ratio that holds on any machine: 15 / 37 = 0.41 of this client's CPU per request.
//   node stand-in.mjs <broker url> <concurrency> < lines
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import mqtt from 'mqtt';

const [url, concurrency = '16'] = process.argv.slice(2);
const limit = Number(concurrency);
const client = await mqtt.connectAsync(url, { reconnectPeriod: 0 });
const waiting = new Map();
let wake;
client.on('message', (_topic, payload) => {
  const response = JSON.parse(payload.toString());
  const line = waiting.get(response.id);
  if (line === undefined) return;
  waiting.delete(response.id);
  process.stdout.write(`${JSON.stringify({ line, outcome: response.data.status, response })}\n`);
  wake?.();
});
await client.subscribeAsync('smart_charging/ocpp', { qos: 1 });
let lineNo = 0;
for await (const text of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  lineNo++;
  const id = randomUUID();
  waiting.set(id, lineNo);
  client.publish('ocpp/smart_charging', JSON.stringify({ id, name: 'clear_charging_profile', type: 'request', data: { charging_profile_id: Number(text) } }), { qos: 1 });
  while (waiting.size >= limit) await new Promise((resolve) => (wake = resolve));
}
while (waiting.size > 0) await new Promise((resolve) => (wake = resolve));
await client.endAsync();
