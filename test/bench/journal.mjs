#!/usr/bin/env node
// npm run bench:journal [-- --runs N]
//
// The pace of a stream with --journal beside the same stream without one, in the same run (issue #41: within 1.3x):
// `scp clear --input -` of 20,000 and of 100,000 lines at the default concurrency against a Mosquitto with
// `set_tcp_nodelay true` on a free port (or the embedded broker) and a fast responder, the two interleaved, each
// pair a new journal. Wall time from spawn to exit (start-up included), CPU and peak RSS from /usr/bin/time; the
// ratios are of the medians. The journal's size per line is printed too.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { feed, median, mosquittoBin, printTable, scp, startAedes, startMosquitto, startResponder, timeOnce } from './lib.mjs';

const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const TARGET = 1.3;
const node = process.execPath;
const dir = mkdtempSync(join(tmpdir(), 'scp-bench-journal-'));
// Mosquitto's per-client queue limits (1000 queued, 20 in flight) would drop answers under this load.
const broker = mosquittoBin
  ? await startMosquitto('Mosquitto, set_tcp_nodelay true', true, 'max_queued_messages 0\nmax_inflight_messages 0\n')
  : await startAedes('embedded aedes, no-delay sockets');
const responder = await startResponder(broker.url);

try {
  const rows = [];
  const verdicts = [];
  for (const count of [20_000, 100_000]) {
    const without = [];
    const withJournal = [];
    let bytes = 0;
    for (let i = 0; i < runs; i++) {
      without.push(await timeOnce([node, scp, '--broker', broker.url, '--json', 'clear', '--input', '-'], 0, { stdin: feed(count) }));
      const journal = join(dir, `${count}-${i}.jsonl`);
      withJournal.push(await timeOnce([node, scp, '--broker', broker.url, '--journal', journal, '--json', 'clear', '--input', '-'], 0, { stdin: feed(count) }));
      bytes = statSync(journal).size;
      rmSync(journal);
    }
    const of = (results, key) => median(results.map((result) => result[key]));
    for (const [label, results] of [['without a journal', without], ['with --journal', withJournal]]) {
      rows.push([`${count.toLocaleString('en')} lines, ${label}`, of(results, 'ms').toFixed(0), Math.round((count * 1000) / of(results, 'ms')), ((of(results, 'cpu') * 1e6) / count).toFixed(1), (of(results, 'rss') / 1024).toFixed(1)]);
    }
    const ratio = of(withJournal, 'ms') / of(without, 'ms');
    verdicts.push(`${count.toLocaleString('en')} lines: time with / without a journal ${ratio.toFixed(2)} (target <= ${TARGET}), CPU ${(of(withJournal, 'cpu') / of(without, 'cpu')).toFixed(2)}, peak RSS ${(of(withJournal, 'rss') / of(without, 'rss')).toFixed(2)}; journal ${Math.round(bytes / count)} bytes a line`);
  }
  console.log(`Node ${process.version}, ${broker.name}, medians of ${runs} interleaved runs, ${new Date().toISOString().slice(0, 10)}`);
  printTable(['run', 'median ms', 'requests/s', 'CPU us/request', 'peak RSS MiB'], rows);
  console.log(`\n${verdicts.join('\n')}`);
} finally {
  await responder.endAsync();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
}
