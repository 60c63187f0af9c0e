#!/usr/bin/env node
// npm run bench:embedded
//
// The embedded broker of `scp simulate --embedded`: aedes 2.0.0-beta.1 (MQTT 3.1.1 and 5, what it runs now) side by
// side with aedes 1.2.0 (3.1.1 only, what it ran before), each in this process on a no-delay loopback socket as
// src/simulator/broker.ts sets them up, with the same fast responder. Interleaved single round trips
// (`scp clear --id 1`, MQTT 3.1.1 and 5 where the broker speaks it) and five interleaved streams of 20,000
// requests at --concurrency 256, as medians and as ratios new / old. The broker's CPU is this process's, so the stream also
// reports it per request (with the responder's, which runs here too and is the same for both).
import { median, printTable, scp, startAedes, startResponder, timeOnce } from './lib.mjs';

const RUNS = 15;
const STREAM = 20_000;
const STREAM_RUNS = 5;
const node = process.execPath;
const brokers = [await startAedes('aedes 1.2.0 (before)', 'aedes-v1'), await startAedes('aedes 2.0.0-beta.1 (now)', 'aedes')];
const responders = await Promise.all(brokers.map((broker) => startResponder(broker.url)));

function feed(count) {
  return (stdin) => {
    let text = '';
    for (let i = 1; i <= count; i++) text += `${i}\n`;
    stdin.end(text);
  };
}

/** The broker's own CPU while `run` goes on: this process's user + system time, in seconds. */
async function withBrokerCpu(run) {
  const before = process.cpuUsage();
  const result = await run();
  const used = process.cpuUsage(before);
  return { ...result, brokerCpu: (used.user + used.system) / 1e6 };
}

try {
  const single = brokers.map(() => ({ v311: [], v5: [] }));
  for (let i = 0; i < RUNS; i++) {
    for (const [b, broker] of brokers.entries()) {
      single[b].v311.push((await timeOnce([node, scp, '--broker', broker.url, 'clear', '--id', '1'], 0)).ms);
      if (b === 1) single[b].v5.push((await timeOnce([node, scp, '--broker', broker.url, '--mqtt-version', '5', 'clear', '--id', '1'], 0)).ms);
    }
  }
  // Interleaved, and the median of each: one stream of each varied by a third from run to run here.
  const runs = brokers.map(() => []);
  for (let i = 0; i < STREAM_RUNS; i++) {
    for (const [b, broker] of brokers.entries()) {
      runs[b].push(await withBrokerCpu(() => timeOnce([node, scp, '--broker', broker.url, '--json', 'clear', '--input', '-', '--concurrency', '256'], 0, { stdin: feed(STREAM) })));
    }
  }
  const streams = runs.map((list) => ({ ms: median(list.map((r) => r.ms)), brokerCpu: median(list.map((r) => r.brokerCpu)) }));
  console.log(`Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, ${RUNS} interleaved single runs each, medians of ${STREAM_RUNS} interleaved streams of ${STREAM}`);
  const rows = brokers.map((broker, b) => [
    broker.name,
    median(single[b].v311).toFixed(1),
    single[b].v5.length ? median(single[b].v5).toFixed(1) : 'refused',
    Math.round((STREAM * 1000) / streams[b].ms),
    ((streams[b].brokerCpu * 1e6) / STREAM).toFixed(1),
  ]);
  printTable(['embedded broker', 'round trip 3.1.1 ms', 'round trip 5 ms', 'stream requests/s', 'broker + responder CPU us/request'], rows);
  console.log(`\nround trip (3.1.1), now / before: ${(median(single[1].v311) / median(single[0].v311)).toFixed(2)}`);
  console.log(`stream rate, now / before: ${(streams[0].ms / streams[1].ms).toFixed(2)}`);
  console.log(`broker + responder CPU per request, now / before: ${(streams[1].brokerCpu / streams[0].brokerCpu).toFixed(2)}`);
} finally {
  await Promise.all(responders.map((responder) => responder.endAsync()));
  for (const broker of brokers) await broker.stop();
}
