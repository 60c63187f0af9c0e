/**
 * scp clear --input: many requests over one connection, exactly one result per request line. The built bin/scp as a
 * child process, input on its stdin or in a file, against the broker under test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerName, brokerUnderTest, startCuttingProxy, type Broker } from '../../helpers/broker.js';
import { response, startResponder, uniqueTopics, type Answer, type SeenRequest } from '../../helpers/responder.js';
import { finished, sleep, spawnScp, type RunResult } from '../../helpers/run.js';
import { rendered, scpCommand, startPty } from '../../helpers/pty.js';

let broker: Broker;
let dir: string;
beforeAll(async () => {
  broker = await brokerUnderTest();
  dir = mkdtempSync(join(tmpdir(), 'scp-stream-'));
});
afterAll(async () => {
  await broker.close();
  rmSync(dir, { recursive: true, force: true });
});

const ok = (request: SeenRequest) => [response(request.envelope!.id, { status: 'accepted' })];

/** Runs `scp clear --input -` with `input` on stdin, against a responder on fresh topics. */
async function stream(input: string, args: string[], answer: (request: SeenRequest) => Answer[] = ok, scpUrl?: string) {
  const topics = uniqueTopics();
  const responder = await startResponder(broker.url, topics, answer);
  try {
    const child = spawnScp(['--broker', scpUrl ?? broker.url, ...topics.args, 'clear', '--input', '-', ...args]);
    const done = finished(child);
    child.stdin.end(input);
    const run = await done;
    const records = args.includes('--json') ? run.stdout.trimEnd().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
    return { ...run, seen: responder.seen, records };
  } finally {
    await responder.close();
  }
}

describe(`scp clear --input against the ${brokerName()}`, () => {
  it('accounts for every request line exactly once, with mixed valid, invalid and unanswered lines', async () => {
    const input = ['1', '# a comment', '', '2', 'three', '{"charging_profile_criteria":{"evse_id":"GB*SEV*1"}}', '99', '{"charging_profile_id":-4}', '5'].join('\n');
    // 99 is never answered.
    const run = await stream(input, ['--json', '--timeout', '0.5'], (r) => (r.envelope!.data.charging_profile_id === 99 ? [] : ok(r)));
    expect(run.records.map((r) => [r.line, r.input, r.outcome])).toEqual([
      [1, '1', 'accepted'],
      [4, '2', 'accepted'],
      [5, 'three', 'invalid_input'],
      [6, '{"charging_profile_criteria":{"evse_id":"GB*SEV*1"}}', 'accepted'],
      [7, '99', 'timeout'],
      [8, '{"charging_profile_id":-4}', 'invalid_input'],
      [9, '5', 'accepted'],
    ]);
    // Invalid lines are never sent; each valid one is sent once.
    expect(run.seen).toHaveLength(5);
    expect(run.records[2].error).toMatch(/expected a profile id/);
    expect(run.records[5].error).toBe('charging_profile_id: -4 is not allowed; expected at least 0');
    expect(run.records[4]).toMatchObject({ response: null, error: expect.stringMatching(/may still be applied/) });
    for (const record of run.records.filter((r) => r.outcome === 'accepted')) expect(record.response.id).toBe(record.request.id);
    // The most severe outcome wins: timeout (3) over invalid input (2).
    expect(run.code).toBe(3);
  });

  it('exits 0 when every line was accepted, and prints a human line each plus a summary', async () => {
    const run = await stream('1\n2\n3\n', []);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('line 1: id=1 -> accepted\nline 2: id=2 -> accepted\nline 3: id=3 -> accepted\n');
    expect(run.stderr).toMatch(/^scp: 3 requests: 3 accepted; [\d.]+ s, \d+ per second\n$/);
  });

  it('exits 1 when the worst outcome is unknown, 2 when it is invalid input', async () => {
    expect((await stream('1\n2\n', ['--json'], (r) => [response(r.envelope!.id, { status: 'unknown' })])).code).toBe(1);
    expect((await stream('1\nx\n', ['--json'])).code).toBe(2);
  });

  it('exits 5 when an answer is invalid, the most severe of all', async () => {
    const run = await stream('1\n2\n', ['--json', '--timeout', '0.5'], (r) =>
      r.envelope!.data.charging_profile_id === 1 ? [response(r.envelope!.id, { status: 'bogus' })] : [],
    );
    expect(run.records.map((r) => r.outcome)).toEqual(['invalid_response', 'timeout']);
    expect(run.code).toBe(5);
  });

  it('matches answers that come in reverse order, and prints in input order', async () => {
    const topics = uniqueTopics();
    const held: SeenRequest[] = [];
    const responder = await startResponder(broker.url, topics, (request) => {
      held.push(request);
      if (held.length === 5) {
        // Answer all five, last first.
        for (const r of [...held].reverse()) responder.client.publish(topics.responseTopic, JSON.stringify(response(r.envelope!.id, { status: 'accepted' })), { qos: 1 });
      }
      return [];
    });
    try {
      for (const [args, order] of [
        [[], [1, 2, 3, 4, 5]],
        [['--unordered'], [5, 4, 3, 2, 1]],
      ] as const) {
        held.length = 0;
        const child = spawnScp(['--broker', broker.url, ...topics.args, '--json', 'clear', '--input', '-', ...args]);
        const done = finished(child);
        child.stdin.end('1\n2\n3\n4\n5\n');
        const run = await done;
        const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
        expect(records.map((r) => r.line)).toEqual(order);
        expect(records.every((r) => r.outcome === 'accepted' && r.response.id === r.request.id)).toBe(true);
      }
    } finally {
      await responder.close();
    }
  });

  it('keeps --concurrency requests in flight at most', async () => {
    const topics = uniqueTopics();
    let inFlight = 0;
    let most = 0;
    const responder = await startResponder(broker.url, topics, (request) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        responder.client.publish(topics.responseTopic, JSON.stringify(response(request.envelope!.id, { status: 'accepted' })), { qos: 1 });
      }, 30);
      return [];
    });
    try {
      const child = spawnScp(['--broker', broker.url, ...topics.args, '--json', 'clear', '--input', '-', '--concurrency', '3']);
      const done = finished(child);
      child.stdin.end(Array.from({ length: 20 }, (_, i) => String(i + 1)).join('\n'));
      const run = await done;
      expect(run.code).toBe(0);
      expect(run.stdout.trimEnd().split('\n')).toHaveLength(20);
      expect(most).toBe(3);
    } finally {
      await responder.close();
    }
  });

  it('keeps 64 in flight by default, a window that does not stall on a broker without TCP_NODELAY (see bench:batch)', async () => {
    const topics = uniqueTopics();
    // Answers nothing: what arrives is what scp sends before waiting for an answer.
    const spy = await startResponder(broker.url, topics, () => []);
    try {
      const child = spawnScp(['--broker', broker.url, ...topics.args, '--json', 'clear', '--input', '-', '--timeout', '30']);
      const done = finished(child);
      child.stdin.end(Array.from({ length: 200 }, (_, i) => String(i + 1)).join('\n'));
      for (let waited = 0; spy.seen.length < 64 && waited < 10_000; waited += 50) await sleep(50);
      await sleep(300);
      expect(spy.seen).toHaveLength(64);
      child.kill('SIGINT');
      expect((await done).code).toBe(130);
    } finally {
      await spy.close();
    }
  });

  it('stops reading behind a slow answer, bad lines included: the input is not held in memory', async () => {
    const topics = uniqueTopics();
    // Line 1 is never answered (it times out after 3 s); 200,000 bad lines follow, which need no broker at all.
    const responder = await startResponder(broker.url, topics, () => []);
    try {
      const child = spawnScp(['--broker', broker.url, ...topics.args, 'clear', '--input', '-', '--json', '--timeout', '3']);
      const done = finished(child);
      const bad = 'x\n'.repeat(200_000);
      let accepted = false;
      child.stdin.write(`1\n${bad}`, () => (accepted = true));
      // Their records wait in order behind line 1, so scp must stop reading after its window (1024 records) plus what
      // the pipe and its stream buffer hold: far less than 400 KB.
      await sleep(1500);
      expect(accepted).toBe(false);
      expect(child.stdout.readableLength).toBe(0);
      child.stdin.end();
      const run = await done;
      const lines = run.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(200_001);
      expect(JSON.parse(lines[0]!)).toMatchObject({ line: 1, outcome: 'timeout' });
      expect(JSON.parse(lines.at(-1)!)).toMatchObject({ line: 200_001, outcome: 'invalid_input' });
      expect(run.code).toBe(3);
    } finally {
      await responder.close();
    }
  });

  it('reads a file given to --input', async () => {
    const file = join(dir, 'ids.txt');
    writeFileSync(file, '7\n8\n');
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics);
    try {
      const run = await finished(spawnScp(['--broker', broker.url, ...topics.args, 'clear', '--input', file]));
      expect(run.stdout).toBe('line 1: id=7 -> accepted\nline 2: id=8 -> accepted\n');
    } finally {
      await responder.close();
    }
  });

  it('shows a progress line on a terminal, done / total for a file and done and rate for stdin, and prints nothing over it', async () => {
    const file = join(dir, 'progress.txt');
    writeFileSync(file, '1\n2\n3\n');
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics);
    const summary = /^scp: (\d) requests: \1 accepted; [\d.]+ s, \d+ per second$/;
    try {
      const args = ['--broker', broker.url, ...topics.args, 'clear', '--input'];
      // Results and progress on one terminal, as when an operator runs it by hand.
      const fromFile = startPty(scpCommand([...args, file]));
      expect(await fromFile.exited).toBe(0);
      expect(fromFile.raw()).toMatch(/scp: 3\/3 done, \d+\/s/);
      const lines = rendered(fromFile.raw());
      expect(lines.slice(0, 3)).toEqual(['line 1: id=1 -> accepted', 'line 2: id=2 -> accepted', 'line 3: id=3 -> accepted']);
      expect(lines.slice(3)).toEqual([expect.stringMatching(summary)]);

      const fromStdin = startPty(`printf '4\\n5\\n' | ${scpCommand([...args, '-'])} > /dev/null`);
      expect(await fromStdin.exited).toBe(0);
      expect(fromStdin.raw()).toMatch(/scp: [12] done, \d+\/s/);
      expect(fromStdin.raw()).not.toMatch(/\d\/\d done/);
      expect(rendered(fromStdin.raw())).toEqual([expect.stringMatching(summary)]);
    } finally {
      await responder.close();
    }
  });

  it('reports requests in flight when the connection is cut as timeout, reconnects, goes on, and resends nothing', async () => {
    const proxy = await startCuttingProxy(broker.port);
    let cut = false;
    try {
      const input = Array.from({ length: 30 }, (_, i) => String(i + 1)).join('\n');
      const run = await stream(
        input,
        ['--json', '--timeout', '2', '--concurrency', '4'],
        (request) => {
          // Request 10 arrives and the line goes dead before any answer to it.
          if (request.envelope!.data.charging_profile_id === 10 && !cut) {
            cut = true;
            proxy.cut();
            return [];
          }
          return ok(request);
        },
        // The broker's URL with the proxy's port: a broker with a login keeps its credentials.
        Object.assign(new URL(broker.url), { port: String(proxy.port) }).toString(),
      );
      expect(run.records.map((r) => r.line)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      const lost = run.records.filter((r) => r.outcome === 'timeout');
      expect(lost.length).toBeGreaterThanOrEqual(1);
      for (const record of lost) expect(record.error).toMatch(/lost the connection/);
      expect(run.records.slice(-5).every((r) => r.outcome === 'accepted')).toBe(true);
      expect(run.stderr).toMatch(/reconnected to the broker/);
      // Never resent: each profile id reached the service at most once.
      const ids = run.seen.map((r) => r.envelope!.data.charging_profile_id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(run.code).toBe(3);
    } finally {
      await proxy.close();
    }
  });

  it('ends quietly when the reader of stdout goes away (| head)', async () => {
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics);
    try {
      const child = spawnScp(['--broker', broker.url, ...topics.args, '--json', 'clear', '--input', '-']);
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      // Our writer may outlive scp's stdin: that EPIPE is ours, not scp's.
      child.stdin.on('error', () => undefined);
      const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
      // A long input that keeps coming, and a reader that takes three lines and leaves.
      const writer = setInterval(() => child.stdin.write(`${Array.from({ length: 200 }, (_, i) => i + 1).join('\n')}\n`), 5);
      let lines = 0;
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (chunk: Buffer) => {
          lines += chunk.toString().split('\n').length - 1;
          if (lines >= 3) {
            child.stdout.destroy();
            resolve();
          }
        });
      });
      const started = performance.now();
      const code = await Promise.race([exited, sleep(10_000).then(() => 'still running')]);
      clearInterval(writer);
      child.stdin.destroy();
      if (code === 'still running') child.kill('SIGKILL');
      expect(code, stderr.split('\n').filter((l) => !/ignored|received|published/.test(l)).slice(-8).join('\n')).not.toBe('still running');
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(stderr).not.toMatch(/EPIPE|internal error|\n\s+at /);
    } finally {
      await responder.close();
    }
  });

  it('on Ctrl-C prints a record for every line already read, then exits 130', async () => {
    const topics = uniqueTopics();
    const responder = await startResponder(broker.url, topics, () => []);
    try {
      const child = spawnScp(['--broker', broker.url, ...topics.args, '--json', '--timeout', '30', 'clear', '--input', '-']);
      const done = finished(child);
      child.stdin.write('1\n2\nnot-a-line\n');
      // stdin stays open: scp is waiting for answers and for more input.
      while (responder.seen.length < 2) await sleep(20);
      child.kill('SIGINT');
      const run: RunResult = await done;
      const records = run.stdout.trimEnd().split('\n').map((line) => JSON.parse(line));
      expect(records.map((r) => [r.line, r.outcome])).toEqual([
        [1, 'error'],
        [2, 'error'],
        [3, 'invalid_input'],
      ]);
      expect(records[0].error).toMatch(/interrupted: the request was published and may still be applied/);
      expect(run.code).toBe(130);
    } finally {
      await responder.close();
    }
  });

  it.each([
    [['--input', '/nonexistent/ids.txt'], /^scp: --input: "\/nonexistent\/ids\.txt": not found$/],
    [['--input', '-', '--id', '3'], /^scp: --input: cannot be combined with --id; the requests come from the input lines$/],
    [['--input', '-', '--concurrency', '0'], /^scp: --concurrency: "0" is not allowed; expected an integer from 1 to 65535$/],
  ])('refuses %j with exit 2', async (args, message) => {
    const run = await finished(spawnScp(['--broker', broker.url, 'clear', ...args]));
    expect(run.code).toBe(2);
    expect(run.stderr.trimEnd()).toMatch(message);
  });
});
