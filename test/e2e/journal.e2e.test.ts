/**
 * --journal, --resume, --retry-failed and `scp journal` (issue #41), the built bin/scp against the broker under test
 * and a responder that counts, on the broker's side, every request it receives: what the journal holds and when it is
 * written, runs killed with SIGKILL and taken up again without a line sent twice, a torn journal, two writers, the
 * refusals, and the listing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerUnderTest, type Broker } from '../helpers/broker.js';
import { response, startResponder, uniqueTopics, type Responder, type SeenRequest } from '../helpers/responder.js';
import { finished, runScp, spawnScp } from '../helpers/run.js';
import { startSimulator } from '../helpers/simulator.js';

let broker: Broker;
let dir: string;
beforeAll(async () => {
  broker = await brokerUnderTest();
  dir = mkdtempSync(join(tmpdir(), 'scp-journal-'));
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
/** A new file in the test's folder, with `text` when given. */
function file(name: string, text?: string): string {
  const path = join(dir, `${files++}-${name}`);
  if (text !== undefined) writeFileSync(path, text);
  return path;
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `${from + i}\n`).join('');
const entries = (path: string) => readFileSync(path, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
const records = (stdout: string) => stdout.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line));

/** A responder on fresh topics that counts every request by its profile id and answers with `status(id, times)`. */
async function countingService(status: (id: number, times: number) => string = () => 'accepted') {
  const topics = uniqueTopics();
  const counts = new Map<number, number>();
  const responder: Responder = await startResponder(broker.url, topics, (request: SeenRequest) => {
    const id = request.envelope?.data.charging_profile_id as number;
    const times = (counts.get(id) ?? 0) + 1;
    counts.set(id, times);
    return [response(request.envelope!.id, { status: status(id, times) })];
  });
  return { topics, counts, responder, args: ['--broker', broker.url, ...topics.args] };
}

describe('--journal: what it holds, and when', () => {
  it('a run entry, a send entry before each request is published, a record entry once made, an end entry', async () => {
    const service = await countingService();
    const journal = file('journal.jsonl');
    // The service reads the journal when each request reaches it: its send entry must be there already.
    const onFile: boolean[] = [];
    service.responder.client.on('message', (_topic, payload) => onFile.push(readFileSync(journal, 'utf8').includes(JSON.parse(payload.toString()).id)));
    try {
      const single = await runScp([...service.args, '--journal', journal, 'clear', '--id', '5']);
      const stream = await runScp([...service.args, '--journal', journal, 'clear', '--input', '-'], {}, '6\nnot a line\n7\n');
      expect([single.code, stream.code]).toEqual([0, 2]);
      expect(onFile).toEqual([true, true, true]);
      const all = entries(journal);
      const [first, second] = [...new Set(all.map((entry) => entry.run))].map((run) => all.filter((entry) => entry.run === run));
      expect(first!.map((entry) => entry.type)).toEqual(['run', 'send', 'record', 'end']);
      expect(first![0]).toMatchObject({ v: 1, command: 'clear', brokers: [expect.stringMatching(/^mqtt:\/\//)], user: expect.any(String), host: expect.any(String) });
      expect(first![1]).toMatchObject({ request: { data: { charging_profile_id: 5 } }, broker: expect.any(String), time: expect.any(String), user: expect.any(String), host: expect.any(String) });
      expect(first![2].record).toMatchObject({ outcome: 'accepted', response: { data: { status: 'accepted' } } });
      // Each entry in time order: a run never starts after its first request.
      for (const run of [first!, second!]) expect(run.map((entry) => entry.time)).toEqual(run.map((entry) => entry.time).sort());
      expect(second![0]).toMatchObject({ type: 'run', input: '-' });
      expect(second!.filter((entry) => entry.type === 'send').map((entry) => [entry.line, entry.input])).toEqual([[1, '6'], [3, '7']]);
      // The line that was no request has a record, and no send entry: it was never sent.
      expect(second!.filter((entry) => entry.type === 'record').map((entry) => [entry.line, entry.record.outcome]).sort()).toEqual([[1, 'accepted'], [2, 'invalid_input'], [3, 'accepted']]);
      expect(second!.at(-1)).toMatchObject({ type: 'end', outcomes: { accepted: 2, invalid_input: 1 } });
    } finally {
      await service.responder.close();
    }
  });

  it('never writes a password, and a dry run writes nothing', async () => {
    const service = await countingService();
    const journal = file('secret.jsonl');
    const url = new URL(broker.url);
    try {
      const run = await runScp(['--broker', `mqtt://ops:s3cr3t-pw@${url.host}`, ...service.topics.args, '--username', 'ops', '--journal', journal, 'clear', '--id', '1'], { SCP_PASSWORD: 's3cr3t-pw' });
      expect(run.code).toBe(0);
      expect(readFileSync(journal, 'utf8')).not.toContain('s3cr3t-pw');
      const dry = file('dry.jsonl');
      expect((await runScp(['--journal', dry, 'clear', '--id', '1', '--dry-run'])).code).toBe(0);
      expect(() => readFileSync(dry)).toThrow();
    } finally {
      await service.responder.close();
    }
  });

  it('an offline schedule publishes nothing and so writes nothing; --resume of one is refused', async () => {
    const journal = join(dir, 'offline.jsonl');
    const line = '{"evse_id": "GB*SEV*E001", "duration": 60}\n';
    expect((await runScp(['--journal', journal, 'schedule', '--evse', 'GB*SEV*E001', '--offline'])).code).toBe(0);
    expect((await runScp(['--journal', journal, 'schedule', '--offline', '--input', '-'], {}, line)).code).toBe(0);
    expect(existsSync(journal)).toBe(false);
    expect(await runScp(['--journal', journal, 'schedule', '--offline', '--input', '-', '--resume'], {}, line)).toMatchObject({
      code: 2,
      stderr: 'scp: --resume: only for requests that are sent (here the answers are computed, and a journal keeps nothing)\n',
    });
  });
});

describe('--resume after SIGKILL, twice', () => {
  /** Resolves once the child has printed `count` records (or ended). */
  const printed = (child: ReturnType<typeof spawnScp>, count: number) =>
    new Promise<void>((resolve) => {
      let lines = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        for (const byte of chunk) if (byte === 10 && ++lines === count) resolve();
      });
      child.once('close', () => resolve());
    });

  it('20,000 lines killed at random points twice, then taken up: no line published twice, one record per line', { timeout: 120_000 }, async () => {
    const service = await countingService();
    const input = file('ids.txt', ids(1, 20_000));
    const journal = file('killed.jsonl');
    const args = [...service.args, '--journal', journal, 'clear', '--input', input, '--json'];
    const killedAt: number[] = [];
    try {
      for (const resume of [[], ['--resume']]) {
        const child = spawnScp([...args, ...resume]);
        const done = finished(child);
        const at = 500 + Math.floor(Math.random() * 7000);
        killedAt.push(at);
        await printed(child, at);
        child.kill('SIGKILL');
        await done;
      }
      const last = await runScp([...args, '--resume']);
      const seen = `killed after ${killedAt.join(' and ')} records`;
      const all = records(last.stdout);
      expect(all.map((record) => record.line), seen).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
      // On the broker's side: no profile id was published twice.
      expect([...service.counts.values()].filter((times) => times > 1), seen).toEqual([]);
      for (const record of all) {
        const id = Number(record.input);
        if (record.outcome === 'accepted') expect(service.counts.get(id), seen).toBe(1);
        else expect([record.outcome, record.resumed, record.error], seen).toEqual(['timeout', true, 'published before the interruption; its answer is unknown']);
      }
      expect(all.some((record) => record.resumed), seen).toBe(true);
      expect(all.some((record) => !record.resumed), seen).toBe(true);
      // The lines the killed runs published and had no answer for: the last run sent none of them again.
      const written = readFileSync(journal, 'utf8').split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line)];
        } catch {
          return [];
        }
      });
      const killed = written.slice(0, written.findLastIndex((entry) => entry.type === 'continue'));
      const answered = new Set(killed.filter((entry) => entry.type === 'record').map((entry) => entry.line));
      const unanswered = killed.filter((entry) => entry.type === 'send' && !answered.has(entry.line)).map((entry) => entry.line);
      expect(unanswered.length, seen).toBeGreaterThan(0);
      for (const line of unanswered) expect([all[line - 1].outcome, all[line - 1].resumed], `${seen}: line ${line}`).toEqual(['timeout', true]);
      expect(written.slice(written.findLastIndex((entry) => entry.type === 'continue')).filter((entry) => entry.type === 'send' && unanswered.includes(entry.line)), seen).toEqual([]);
      expect(last.code, seen).toBe(all.every((record) => record.outcome === 'accepted') ? 0 : 3);
    } finally {
      await service.responder.close();
    }
  });
});

describe('a torn journal, and two writers', () => {
  it('a last line cut short is skipped with a warning naming the journal, never fatal, and the next run starts on a line of its own', async () => {
    const service = await countingService();
    const journal = file('torn.jsonl');
    try {
      expect((await runScp([...service.args, '--journal', journal, 'clear', '--input', '-'], {}, ids(1, 3))).code).toBe(0);
      appendFileSync(journal, '{"v":1,"run":"cut","type":"rec');
      const listed = await runScp(['--journal', journal, 'journal', '--json']);
      expect(listed.code).toBe(0);
      expect(listed.stderr).toBe(`scp: warning: journal ${JSON.stringify(journal)}: line 9 skipped: cut short (no newline at its end): written as scp was killed?\n`);
      expect(records(listed.stdout).map((run) => run.lines)).toEqual([3]);
      const resumed = await runScp([...service.args, '--journal', journal, 'clear', '--input', '-', '--resume', '--json'], {}, ids(1, 4));
      expect(resumed.code).toBe(0);
      expect(resumed.stderr).toMatch(/line 9 skipped: cut short/);
      expect(records(resumed.stdout).map((record) => [record.line, record.resumed ?? false])).toEqual([[1, true], [2, true], [3, true], [4, false]]);
      // The torn line stays a line of its own; every entry after it is whole.
      const lines = readFileSync(journal, 'utf8').split('\n');
      expect(lines[8]).toBe('{"v":1,"run":"cut","type":"rec');
      for (const line of lines.slice(9).filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
      expect(service.counts.get(4)).toBe(1);
      // Many lines that are no entries: the first three named, the rest counted, the runs still listed.
      appendFileSync(journal, 'garbage\n'.repeat(500));
      const buried = await runScp(['--journal', journal, 'journal', '--json']);
      expect(buried.code).toBe(0);
      expect(buried.stderr.split('\n').map((line) => line.replace(/^scp: warning: journal ".*?": /, ''))).toEqual([
        'line 9 skipped: not a whole JSON line (cut short by a kill mid-write?)',
        ...[1, 2].map((i) => `line ${lines.length - 1 + i} skipped: not a whole JSON line (cut short by a kill mid-write?)`),
        '498 more lines skipped (no journal entries)',
        '',
      ]);
      expect(records(buried.stdout).map((run) => run.lines)).toEqual([4]);
    } finally {
      await service.responder.close();
    }
  });

  it('two runs writing one journal at once interleave whole lines: both are listed whole', { timeout: 60_000 }, async () => {
    const service = await countingService();
    const journal = file('shared.jsonl');
    try {
      const runs = await Promise.all([ids(1, 3000), ids(3001, 6000)].map((input) => runScp([...service.args, '--journal', journal, 'clear', '--input', '-'], {}, input)));
      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      for (const line of readFileSync(journal, 'utf8').trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
      const listed = records((await runScp(['--journal', journal, 'journal', '--json'])).stdout);
      expect(listed.map((run) => [run.lines, run.outcomes, run.finished])).toEqual([
        [3000, { accepted: 3000 }, true],
        [3000, { accepted: 3000 }, true],
      ]);
    } finally {
      await service.responder.close();
    }
  });
});

describe('--retry-failed, and what is refused', () => {
  it('--retry-failed sends again the lines whose record is not accepted; the accepted are printed from the journal', async () => {
    // The service says unknown to every third id the first time, accepted after.
    const service = await countingService((id, times) => (id % 3 === 0 && times === 1 ? 'unknown' : 'accepted'));
    const journal = file('retry.jsonl');
    const args = [...service.args, '--journal', journal, 'clear', '--input', '-', '--json'];
    try {
      expect((await runScp(args, {}, ids(1, 9))).code).toBe(1);
      const retried = await runScp([...args, '--retry-failed'], {}, ids(1, 9));
      expect(retried.code).toBe(0);
      expect(records(retried.stdout).map((record) => [record.line, record.outcome, record.resumed ?? false])).toEqual(
        Array.from({ length: 9 }, (_, i) => [i + 1, 'accepted', (i + 1) % 3 !== 0]),
      );
      expect([...service.counts].filter(([, times]) => times > 1).map(([id]) => id)).toEqual([3, 6, 9]);
      const [run] = records((await runScp(['--journal', journal, 'journal', '--json'])).stdout);
      expect(run).toMatchObject({ lines: 9, outcomes: { accepted: 9 }, continued: 1, finished: true });
    } finally {
      await service.responder.close();
    }
  });

  it('refuses, with exit 2 and nothing sent: no --journal, no --input, both flags, no run to take up, a changed or missing line, a journal it cannot open', async () => {
    const service = await countingService();
    const journal = file('refusals.jsonl');
    const base = [...service.args, '--journal', journal];
    try {
      expect((await runScp([...base, 'clear', '--input', '-'], {}, ids(1, 5))).code).toBe(0);
      const sent = service.counts.size;
      const refused = async (args: string[], input?: string) => {
        const run = await runScp(args, {}, input);
        return [run.code, run.stderr.trimEnd()];
      };
      expect(await refused([...service.args, 'clear', '--input', '-', '--resume'], ids(1, 5))).toEqual([2, "scp: --resume: needs --journal <file>, the journal of the run to take up (or SCP_JOURNAL, or a profile's journal)"]);
      expect(await refused([...base, 'clear', '--id', '1', '--resume'])).toEqual([2, 'scp: --resume: only with --input']);
      expect((await refused([...base, 'clear', '--input', '-', '--resume', '--retry-failed'], ids(1, 5)))[0]).toBe(2);
      expect(await refused([...base, 'set', '--input', '-', '--resume'], '{}\n')).toEqual([2, `scp: --resume: ${JSON.stringify(journal)} has no run of scp set --input to take up`]);
      expect(await refused([...base, 'clear', '--input', '-', '--resume'], '1\n2\n33\n4\n5\n')).toEqual([2, 'scp: --resume: line 3 of stdin is not what the run had there ("3", now "33"): nothing was sent']);
      expect(await refused([...base, 'clear', '--input', '-', '--resume'], ids(1, 4))).toEqual([2, 'scp: --resume: stdin has 4 lines, but the run had line 5: nothing was sent']);
      expect(await refused([...service.args, '--journal', dir, 'clear', '--id', '1'])).toEqual([2, `scp: --journal: cannot open ${JSON.stringify(dir)} to append to it (EISDIR)`]);
      // Someone's other file (--journal ids.txt, a slip for --input) is never written to, resumed from or listed.
      const other = file('ids.txt', ids(1, 5));
      const notJournal = `${JSON.stringify(other)} is not a journal (its first line is no journal entry): give a new file, or one scp wrote`;
      expect(await refused([...service.args, '--journal', other, 'clear', '--id', '1'])).toEqual([2, `scp: --journal: ${notJournal}`]);
      expect(await refused([...service.args, '--journal', other, 'clear', '--input', '-', '--resume'], ids(1, 5))).toEqual([2, `scp: --journal: ${notJournal}`]);
      expect(await refused(['--journal', other, 'journal'])).toEqual([2, `scp: --journal: ${notJournal}`]);
      expect(readFileSync(other, 'utf8')).toBe(ids(1, 5));
      expect(service.counts.size).toBe(sent);
      expect([...service.counts.values()].every((times) => times === 1)).toBe(true);
    } finally {
      await service.responder.close();
    }
  });
});

describe('scp journal', () => {
  it('lists each run, oldest first, and narrows to a station, an EVSE, an outcome or a time', async () => {
    const service = await countingService((id) => (id === 2 ? 'unknown' : 'accepted'));
    const journal = file('listed.jsonl');
    const base = [...service.args, '--journal', journal, 'clear'];
    try {
      await runScp([...base, '--input', '-'], {}, ids(1, 3));
      await runScp([...base, '--input', '-'], {}, '{"charging_profile_criteria": {"evse_id": "E7"}}\n');
      const all = await runScp(['--journal', journal, 'journal']);
      expect(all.code).toBe(0);
      expect(all.stdout).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}\S+@\S+ {2}scp clear --input - {2}mqtt:\/\/\S+ {2}3 requests: 2 accepted, 1 unknown {2}finished {2}[0-9a-f-]{36}\n/);
      const json = async (...filters: string[]) => records((await runScp(['--journal', journal, 'journal', '--json', ...filters])).stdout).map((run) => [run.lines, run.outcomes]);
      expect(await json()).toEqual([[3, { accepted: 2, unknown: 1 }], [1, { accepted: 1 }]]);
      expect(await json('--outcome', 'unknown')).toEqual([[1, { unknown: 1 }]]);
      expect(await json('--evse', 'E7')).toEqual([[1, { accepted: 1 }]]);
      expect(await json('--since', '2999-01-01T00:00:00Z')).toEqual([]);
      // As an operator says it: how long ago, or a day alone (from local midnight).
      expect(await json('--since', '1h')).toEqual([[3, { accepted: 2, unknown: 1 }], [1, { accepted: 1 }]]);
      expect(await json('--since', '2999-01-01')).toEqual([]);
      expect(await json('--since', '2000-01-01')).toHaveLength(2);
      expect(await runScp(['--journal', journal, 'journal', '--since', 'yesterday'])).toMatchObject({
        code: 2,
        stderr: 'scp: --since: "yesterday" is not allowed; expected a time with a zone (2026-12-01T18:00:00Z), a day (2026-12-01, from local midnight) or how long ago (30m, 2h, 7d)\n',
      });
      expect((await runScp(['--journal', journal, 'journal', '--outcome', 'fine'])).code).toBe(2);
      expect(await runScp(['journal'])).toMatchObject({ code: 2, stderr: "scp: --journal: required: the journal to list (or set SCP_JOURNAL, or a profile's journal)\n" });
    } finally {
      await service.responder.close();
    }
  });

  it('says a run stopped with Ctrl-C was interrupted, and one killed is not finished', async () => {
    const service = await countingService();
    const journal = file('stopped.jsonl');
    try {
      for (const signal of ['SIGINT', 'SIGKILL'] as const) {
        // stdin left open: the stream waits for more lines until the signal comes.
        const child = spawnScp([...service.args, '--journal', journal, 'clear', '--input', '-', '--json']);
        const done = finished(child);
        const answered = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        child.stdin.write(ids(1, 2));
        await answered;
        child.kill(signal);
        await done;
      }
      const listed = await runScp(['--journal', journal, 'journal']);
      expect(listed.stdout.split('\n').map((line) => / {2}(finished|interrupted|not finished) {2}/.exec(line)?.[1])).toEqual(['interrupted', 'not finished', undefined]);
      const json = records((await runScp(['--journal', journal, 'journal', '--json'])).stdout);
      expect(json.map((run) => [run.finished, run.interrupted])).toEqual([[false, true], [false, false]]);
    } finally {
      await service.responder.close();
    }
  });

  it('--station keeps the requests to that station, where the topics name {station}', async () => {
    const base = `scp-test/${Math.random().toString(16).slice(2)}/{station}`;
    const topics = ['--request-topic', `${base}/ocpp/smart_charging`, '--response-topic', `${base}/smart_charging/ocpp`];
    const simulator = await startSimulator(['--broker', broker.url, ...topics, 'simulate', '--stations', '3']);
    const journal = file('stations.jsonl');
    try {
      const lines = ['1', '2', '3'].map((station) => JSON.stringify({ station, charging_profile_id: 1 })).join('\n');
      const run = await runScp(['--broker', broker.url, ...topics, '--journal', journal, 'clear', '--input', '-'], {}, `${lines}\n`);
      expect(run.code).toBe(0);
      expect(entries(journal).filter((entry) => entry.type === 'send').map((entry) => entry.station)).toEqual(['1', '2', '3']);
      const listed = records((await runScp(['--journal', journal, 'journal', '--json', '--station', '2'])).stdout);
      expect(listed.map((one) => [one.lines, one.outcomes])).toEqual([[1, { accepted: 1 }]]);
      expect((await runScp(['--journal', journal, 'journal', '--json', '--station', '9'])).stdout).toBe('');
    } finally {
      await simulator.stop();
    }
  });

  it("a site profile's journal, relative to the config file, and SCP_JOURNAL", async () => {
    const service = await countingService();
    const site = join(dir, 'site');
    mkdirSync(site);
    const config = join(site, 'config.json');
    writeFileSync(config, JSON.stringify({ default_profile: 'a', profiles: { a: { broker: broker.url, journal: 'a.jsonl' } } }));
    try {
      expect((await runScp(['--config', config, ...service.topics.args, 'clear', '--id', '1'])).code).toBe(0);
      expect(entries(join(site, 'a.jsonl')).map((entry) => entry.type)).toEqual(['run', 'send', 'record', 'end']);
      const fromEnv = file('env.jsonl');
      expect((await runScp([...service.args, 'clear', '--id', '2'], { SCP_JOURNAL: fromEnv })).code).toBe(0);
      expect(entries(fromEnv)).toHaveLength(4);
    } finally {
      await service.responder.close();
    }
  });
});
