/**
 * The README's examples run as the README shows them (issue #33): every `scp` command of the getting-started and
 * command sections (up to "Many stations"), the built bin/scp against a fresh `scp simulate --embedded 0` (the
 * built-in station) per block, found through SCP_BROKER_URL as the README's default broker would be. A `console`
 * block's commands must print what follows them (times where no --clock fixes them stand for any time); an `sh`
 * block's `scp` lines must exit 0 (a `--watch` one is stopped with Ctrl-C after its first answer; `scp simulate` lines
 * are the simulator the test runs).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { SCP_BIN, cleanEnv, finished, runScp } from '../helpers/run.js';
import { startSimulator, type Simulator } from '../helpers/simulator.js';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

interface Block {
  kind: 'console' | 'sh';
  line: number;
  /** Each command with what a console block shows after it. */
  commands: Array<{ argv: string[]; text: string; shown: string[] }>;
}

/** The words of a command line as a shell splits them (single quotes only, as the README writes them). */
const words = (line: string) => line.match(/'[^']*'|\S+/g)!.map((word) => word.replace(/^'(.*)'$/, '$1'));

/** The console and sh blocks of the README before "## Many stations". */
function examples(): Block[] {
  const lines = README.slice(0, README.indexOf('\n## Many stations')).split('\n');
  const blocks: Block[] = [];
  let block: Block | undefined;
  let inOther = false;
  for (const [i, text] of lines.entries()) {
    if (block === undefined && !inOther && text.startsWith('```')) {
      const kind = text.slice(3).trim();
      if (kind === 'console' || kind === 'sh') block = { kind, line: i + 1, commands: [] };
      else inOther = true;
      continue;
    }
    if (text.startsWith('```')) {
      if (block) blocks.push(block);
      block = undefined;
      inOther = false;
      continue;
    }
    if (!block) continue;
    if (block.kind === 'console' && text.startsWith('$ scp ')) block.commands.push({ argv: words(text.slice(6)), text, shown: [] });
    else if (block.kind === 'console') block.commands.at(-1)?.shown.push(text);
    else if (text.startsWith('scp ') && !text.startsWith('scp simulate')) {
      // What a line runs: the scp command before its comment and before any pipe.
      const command = text.replace(/\s+#.*$/, '').split(' | ')[0]!;
      block.commands.push({ argv: words(command.slice(4)), text, shown: [] });
    }
  }
  return blocks.filter((one) => one.commands.length > 0);
}

/** Times a fixed --clock does not pin: any time, in the README and in the run alike; and what differs per run in
 * `scp doctor`'s lines: the local broker's port (the README shows the default one) and a round trip's milliseconds. */
const anyTime = (text: string) =>
  text
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, '<time>')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '<utc>')
    .replace(/mqtt:\/\/(localhost|127\.0\.0\.1):\d+/g, '<local broker>')
    .replace(/ in \d+ ms\b/g, ' in <n> ms');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scp-readme-'));
  // The file the README's `scp set --file profile.json` names: a TxProfile of the built-in station's transaction.
  const profile = { id: 90, stack_level: 4, charging_profile_purpose: 'TxProfile', charging_profile_kind: 'Relative', transaction_id: 'TX-E001', charging_schedule: [{ id: 1, charging_rate_unit: 'A', charging_schedule_period: [{ start_period: 0, limit: 16 }] }] };
  writeFileSync(join(dir, 'profile.json'), JSON.stringify(profile));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A --watch line: its first answer, then Ctrl-C; it ends with the last status's exit code. */
async function watched(argv: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [SCP_BIN, ...argv], { cwd: dir, env: cleanEnv(env) });
  child.stdin.end();
  const done = finished(child);
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGINT');
  return done;
}

describe("the README's examples, against scp simulate", () => {
  const blocks = examples();

  it('finds the examples: the opening one, doctor, set, schedule, offline --explain, status', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
    expect(blocks.flatMap((block) => block.commands.map(({ argv }) => argv[0]))).toEqual(expect.arrayContaining(['clear', 'doctor', 'set', 'schedule', 'status']));
  });

  for (const block of examples()) {
    it(`${block.kind} block at README line ${block.line}: ${block.commands.map(({ text }) => text.replace(/^\$ /, '')).join('; ').slice(0, 120)}`, async () => {
      let simulator: Simulator | undefined;
      try {
        simulator = await startSimulator(['simulate', '--embedded', '0']);
        const env = { SCP_BROKER_URL: simulator.url, TZ: 'UTC' };
        for (const { argv, text, shown } of block.commands) {
          if (argv.includes('--watch')) {
            const run = await watched(argv, env);
            expect([run.code, run.stdout.split('\n')[0]], text).toEqual([0, 'ready']);
            continue;
          }
          const run = await runScp(argv, env, '', dir);
          if (block.kind === 'sh') {
            expect(run.code, `${text}\n${run.stderr}`).toBe(0);
            continue;
          }
          const expected = shown.join('\n').replace(/\n*$/, '\n');
          const pinned = argv.includes('--clock');
          // A stream's time and rate differ per run, pinned clock or not.
          const output = `${run.stderr}${run.stdout}`.replace(/; \d+\.\d\d s, \d+ per second$/m, '; <s>, <n> per second');
          const wanted = expected.replace(/; \d+\.\d\d s, \d+ per second$/m, '; <s>, <n> per second');
          expect(pinned ? output : anyTime(output), text).toBe(pinned ? wanted : anyTime(wanted));
        }
      } finally {
        await simulator?.stop();
      }
    });
  }
});
