/**
 * The built package on the other Node lines operators run (#47: 22 and 24 LTS, from SCP_TEST_NODES, which
 * test/nodes/install.mjs prints): every command against a simulator run by that Node, what each kind of run
 * evaluates, and the code cache a run makes on the user's machine for a V8 the build's caches do not fit
 * (src/launch/user-cache.ts): made once, used after, and never a reason for a run to fail or say anything.
 * `npm run test:nodes`; CI gives it the binaries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { MQTT, PROMPTS, SPINNER, coverageDir } from '../helpers/evaluated.mjs';
import { SCP_BIN, cleanEnv, finished, type RunResult } from '../helpers/run.js';
import { startSimulator } from '../helpers/simulator.js';

const NODES = (process.env.SCP_TEST_NODES ?? '').split(':').filter(Boolean);
if (NODES.length === 0) throw new Error('SCP_TEST_NODES: required, the Node binaries to test on (node test/nodes/install.mjs prints them)');
const ROOT = new URL('../..', import.meta.url).pathname;

/** The user cache files below a cache home, relative to it. */
function cacheFiles(home: string): string[] {
  if (!existsSync(home)) return [];
  return (readdirSync(home, { recursive: true }) as string[]).filter((path) => statSync(join(home, path)).isFile()).sort();
}

for (const node of NODES) {
  const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim();
  const run = (args: string[], env: Record<string, string | undefined> = {}, stdin = ''): Promise<RunResult> => {
    const child = spawn(node, [SCP_BIN, ...args], { env: cleanEnv(env) });
    const done = finished(child);
    child.stdin.end(stdin);
    return done;
  };
  /** What the launcher compiles `name` from on this Node, with `env`: used, rejected or missing. The probe exits 2,
   * so that it makes no cache itself (only a run that ends in 0 or 1 does). */
  const cacheState = (name: string, env: Record<string, string>) =>
    spawnSync(node, ['-e', `const l = require('./dist/launch.cjs'); process.stdout.write(l.loadCompiled(l.CLI_BUNDLE, '${name}').cache); process.exitCode = 2`], { cwd: ROOT, env: cleanEnv(env), encoding: 'utf8' }).stdout;

  describe(`Node ${version}`, () => {
    let dir: string;
    let cacheHome: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'scp-nodes-'));
      cacheHome = join(dir, 'cache');
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('every command works against a simulator this Node runs', async () => {
      const env = { XDG_CACHE_HOME: cacheHome };
      const child = spawn(node, [SCP_BIN, 'simulate', '--embedded', '0'], { env: cleanEnv(env) });
      const simulator = await startSimulator([], env, () => child);
      try {
        const at = ['--broker', simulator.url];
        const expectations: Array<[string[], number, RegExp]> = [
          [['--version'], 0, /^\d+\.\d+\.\d+\n$/],
          [['--help'], 0, /Usage: scp/],
          [['clear', '--id', '1'], 0, /^accepted\n$/],
          [['clear', '--id', '1'], 1, /^unknown\n$/],
          [['set', '--evse', 'GB*SEV*E002', '--id', '70', '--limit', '11kW', '--stack-level', '1'], 0, /^accepted\n$/],
          [['schedule', '--evse', 'GB*SEV*E002', '--duration', '1h'], 0, /^Accepted\n/],
          [['schedule', '--offline', '--evse', 'GB*SEV*E001'], 0, /^Accepted\n/],
          [['status'], 0, /^ready\n/],
          [['doctor'], 0, /^pass {2}broker/],
          [['clear', '--input', '-'], 1, /^line 1: id=2 -> accepted\nline 2: id=2 -> unknown\n$/],
          [['config', 'show'], 0, /broker/],
          [['completion', 'bash'], 0, /complete/],
        ];
        for (const [args, code, stdout] of expectations) {
          const result = await run(args[0] === 'schedule' && args[1] === '--offline' ? args : [...at, ...args], env, args.includes('--input') ? '2\n2\n' : '');
          expect([result.code, result.stdout], `${args.join(' ')}\n${result.stderr}`).toEqual([code, expect.stringMatching(stdout)]);
        }
        const journal = join(dir, 'journal.jsonl');
        expect((await run([...at, '--journal', journal, 'clear', '--id', '99'], env)).code).toBe(1);
        expect((await run(['--journal', journal, 'journal'], env)).stdout).toMatch(/scp clear/);
      } finally {
        await simulator.stop();
      }
    });

    it('help and a dry run evaluate neither MQTT.js nor the prompts nor the spinner; a round trip no prompts and no spinner', () => {
      const evaluated = (args: string[]) => {
        const coverage = coverageDir();
        try {
          spawnSync(node, [SCP_BIN, ...args], { env: cleanEnv({ NODE_V8_COVERAGE: coverage.dir, XDG_CACHE_HOME: cacheHome }) });
          return [...coverage.evaluated()];
        } finally {
          coverage.done();
        }
      };
      for (const args of [['--help'], ['clear', '--id', '1', '--dry-run'], ['set', '--evse', '1', '--id', '2', '--limit', '16A', '--dry-run']]) {
        const ran = evaluated(args);
        expect(ran, args.join(' ')).toContain('src/core/errors.ts');
        expect(ran.filter((name) => MQTT(name) || PROMPTS(name) || SPINNER(name)), args.join(' ')).toEqual([]);
      }
      // Nor Node's streams, with the code cache made here (its check must not load node:crypto, which loads them).
      const hook = new URL('../helpers/builtins.cjs', import.meta.url).pathname;
      const list = join(dir, 'builtins');
      for (let i = 0; i < 2; i++) spawnSync(node, ['-r', hook, SCP_BIN, 'clear', '--id', '1', '--dry-run'], { env: cleanEnv({ SCP_TEST_BUILTINS: list, XDG_CACHE_HOME: cacheHome }) });
      expect(cacheState('clear-dry-run', { XDG_CACHE_HOME: cacheHome })).toBe('used');
      expect(readFileSync(list, 'utf8').split('\n').filter((name) => /NativeModule (stream|crypto|net)$/.test(name))).toEqual([]);
      const trip = evaluated(['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '1']);
      expect(trip).toContain('src/transport/client.ts');
      expect(trip.filter((name) => PROMPTS(name) || SPINNER(name))).toEqual([]);
    });

    describe('the code cache made on this machine', () => {
      const fresh = () => {
        const home = mkdtempSync(join(dir, 'home-'));
        return { home, env: { HOME: home, XDG_CACHE_HOME: undefined } as Record<string, string | undefined> };
      };
      const dryRun = ['clear', '--id', '1', '--dry-run'];

      it('the first run makes it under ~/.cache/scp (nothing else is written), the next runs start from it', async () => {
        const { home, env } = fresh();
        expect(cacheState('clear-dry-run', { HOME: home })).toBe('missing');
        const first = await run(dryRun, env);
        expect([first.code, first.stderr]).toEqual([0, '']);
        const files = cacheFiles(home);
        expect(files).toEqual([expect.stringMatching(/^\.cache\/scp\/scp-[0-9a-f]{16}\/v8-[^/]+\/clear-dry-run\.cache$/)]);
        expect(cacheState('clear-dry-run', { HOME: home })).toBe('used');
        // A run that ends in bad usage makes none: a typo's path is not the one people run.
        expect((await run(['clear', '--id', 'x'], env)).code).toBe(2);
        expect(cacheFiles(home)).toEqual(files);
      });

      it('XDG_CACHE_HOME is where it goes when set; SCP_NO_CACHE=1 turns it off', async () => {
        const { home } = fresh();
        const xdg = join(home, 'xdg');
        expect((await run(dryRun, { HOME: home, XDG_CACHE_HOME: xdg })).code).toBe(0);
        expect(cacheFiles(xdg)).toHaveLength(1);
        const off = fresh();
        expect((await run(dryRun, { ...off.env, SCP_NO_CACHE: '1' })).code).toBe(0);
        expect(cacheFiles(off.home)).toEqual([]);
      });

      it('a corrupt or truncated cache is compiled around in silence, and made again', async () => {
        const { home, env } = fresh();
        await run(dryRun, env);
        const path = join(home, cacheFiles(home)[0]!);
        const whole = readFileSync(path);
        for (const damaged of [Buffer.concat([whole.subarray(0, 4000), Buffer.from([whole[4000]! ^ 0xff]), whole.subarray(4001)]), whole.subarray(0, whole.length >> 1), Buffer.from('garbage')]) {
          writeFileSync(path, damaged);
          const result = await run(dryRun, env);
          expect([result.code, result.stderr, result.stdout]).toEqual([0, '', expect.stringContaining('"clear_charging_profile"')]);
          expect(readFileSync(path).equals(damaged)).toBe(false);
          expect(cacheState('clear-dry-run', { HOME: home })).toBe('used');
        }
      });

      it('no home, a home where no folder can be made, or a full disk: the run goes on and says nothing', async () => {
        const none = await run(dryRun, { HOME: undefined, XDG_CACHE_HOME: undefined });
        expect([none.code, none.stderr]).toEqual([0, '']);
        const file = join(dir, 'not-a-folder');
        writeFileSync(file, '');
        const blocked = await run(dryRun, { XDG_CACHE_HOME: join(file, 'cache') });
        expect([blocked.code, blocked.stderr]).toEqual([0, '']);
        // A full disk: a 64 KiB tmpfs (the machine's CI runs as root), smaller than any cache.
        const full = mkdtempSync(join(dir, 'full-'));
        execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
        try {
          const result = await run(dryRun, { XDG_CACHE_HOME: full });
          expect([result.code, result.stderr]).toEqual([0, '']);
          // Nothing left behind: no cache, no half-written file.
          expect(cacheFiles(full)).toEqual([]);
        } finally {
          execFileSync('umount', [full]);
        }
      });

      it('two first runs at once each leave a whole cache', async () => {
        const { home, env } = fresh();
        const results = await Promise.all([run(dryRun, env), run(dryRun, env), run(dryRun, env)]);
        expect(results.map((result) => [result.code, result.stderr])).toEqual([[0, ''], [0, ''], [0, '']]);
        expect(cacheFiles(home).map((path) => relative('.cache/scp', path))).toEqual([expect.stringMatching(/clear-dry-run\.cache$/)]);
        expect(cacheState('clear-dry-run', { HOME: home })).toBe('used');
      });
    });
  });
}
