/**
 * The fast paths (help, version, dry run, bad input) must not pay for MQTT.js, and no flag run for the prompts or
 * the spinner. The CLI is one bundle with a code cache, so "loaded" means "its module ran": V8's coverage of the
 * run says which module initialisers were called (test/helpers/evaluated.mjs).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { SCP_BIN, cleanEnv } from '../helpers/run.js';
import { KEY, scpCommand, startPty } from '../helpers/pty.js';
import { MQTT, PROMPTS, SPINNER, coverageDir } from '../helpers/evaluated.mjs';
import { MESSAGES } from '../../src/messages/index.js';
import { startSimulator } from '../helpers/simulator.js';

function evaluatedBy(args: string[], env: Record<string, string> = {}): string[] {
  const coverage = coverageDir();
  try {
    spawnSync(process.execPath, [SCP_BIN, ...args], { env: cleanEnv({ NODE_V8_COVERAGE: coverage.dir, ...env }), encoding: 'utf8' });
    return [...coverage.evaluated()];
  } finally {
    coverage.done();
  }
}

describe('--version', () => {
  it("prints package.json's version, from the launcher and from the CLI alike", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    for (const args of [['--version'], ['-V'], ['--version', '--no-color']]) {
      const run = spawnSync(process.execPath, [SCP_BIN, ...args], { env: cleanEnv(), encoding: 'utf8' });
      expect(run.stdout, args.join(' ')).toBe(`${version}\n`);
      expect(run.status).toBe(0);
    }
  });
});

describe('lazy loading', () => {
  it('scp --version and -V are answered by the launcher: nothing of the CLI runs', () => {
    for (const args of [['--version'], ['-V']]) expect(evaluatedBy(args), args[0]).toEqual([]);
    // The check can see the CLI run: the same version with another option does load it.
    expect(evaluatedBy(['--version', '--no-color'])).toContain('src/core/errors.ts');
  });

  for (const args of [['--help'], ['clear', '--id', '1', '--dry-run'], ['clear', '--id', 'x']]) {
    it(`scp ${args.join(' ')} runs neither MQTT.js nor the prompts nor the spinner`, () => {
      const ran = evaluatedBy(args);
      expect(ran).toContain('src/core/errors.ts');
      expect(ran.filter((name) => MQTT(name) || PROMPTS(name) || SPINNER(name))).toEqual([]);
    });
  }

  it('a real clear does run MQTT.js (the check above can see it), but neither the prompts nor the spinner', () => {
    const ran = evaluatedBy(['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '1']);
    expect(ran).toContain('src/transport/client.ts');
    expect(ran).toContain('src/transport/exchange.ts');
    // One request: no stream session or pool, no listener.
    expect(ran).not.toContain('src/transport/session.ts');
    expect(ran).not.toContain('src/transport/pool.ts');
    expect(ran).not.toContain('src/transport/listener.ts');
    expect(ran).toContain('node_modules/mqtt/build/lib/client.js');
    expect(ran.filter((name) => PROMPTS(name) || SPINNER(name))).toEqual([]);
  });

  it('an interactive clear on a terminal runs the prompts (the check above can see them)', async () => {
    const coverage = coverageDir();
    try {
      const pty = startPty(scpCommand(['clear']), { NODE_V8_COVERAGE: coverage.dir });
      await pty.waitFor(/What to clear\?/);
      pty.type(KEY.ctrlC);
      expect(await pty.exited).toBe(130);
      const ran = [...coverage.evaluated()];
      expect(ran).toContain('src/messages/prompts.ts');
      expect(ran.some((name) => name.startsWith('node_modules/@inquirer/core/'))).toBe(true);
      expect(ran.filter(MQTT)).toEqual([]);
    } finally {
      coverage.done();
    }
  });

  it('the CLI is compiled from a code cache the build made, not from source: one per message command, one per dry run of a message, and the root one for the rest', () => {
    const dist = new URL('../../dist/', import.meta.url).pathname;
    const names = readdirSync(dist)
      .map((file) => /^scp\.(.+)\.cache$/.exec(file)?.[1])
      .filter((name) => name !== undefined)
      .sort();
    const commands = MESSAGES.map(({ command }) => command);
    expect(names).toEqual(['root', ...commands, ...commands.map((command) => `${command}-dry-run`)].sort());
    for (const name of names) {
      const run = spawnSync(process.execPath, ['-e', `const l = require('./dist/launch.cjs'); process.stdout.write(l.loadBundle(l.CLI_BUNDLE, '${name}').cache)`], {
        cwd: new URL('../..', import.meta.url).pathname,
        encoding: 'utf8',
      });
      expect(run.stdout, name).toBe('used');
    }
  });
});

describe('the code cache on the Node the build made its caches with', () => {
  it("uses the build's, and writes none of its own under the user's cache folder (that is for another V8's)", () => {
    const home = mkdtempSync(join(tmpdir(), 'scp-home-'));
    try {
      const run = spawnSync(process.execPath, [SCP_BIN, 'clear', '--id', '1', '--dry-run'], { env: cleanEnv({ HOME: home, XDG_CACHE_HOME: undefined }), encoding: 'utf8' });
      expect([run.status, run.stderr]).toEqual([0, '']);
      expect(readdirSync(home)).toEqual([]);
      const probe = spawnSync(process.execPath, ['-e', "const l = require('./dist/launch.cjs'); process.stdout.write(l.loadCompiled(l.CLI_BUNDLE, 'clear-dry-run').cache)"], {
        cwd: new URL('../..', import.meta.url).pathname,
        env: cleanEnv({ HOME: home }),
        encoding: 'utf8',
      });
      expect(probe.stdout).toBe('used');
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

/** The Node built-in modules a run of scp loaded (its stdout and stderr are pipes, as in a script). */
function builtinsOf(args: string[], env: Record<string, string> = {}): { loaded: string[]; stdout: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), 'scp-builtins-'));
  try {
    const file = join(dir, 'modules');
    const hook = new URL('../helpers/builtins.cjs', import.meta.url).pathname;
    const run = spawnSync(process.execPath, ['-r', hook, SCP_BIN, ...args], { env: cleanEnv({ SCP_TEST_BUILTINS: file, ...env }), encoding: 'utf8' });
    return { loaded: readFileSync(file, 'utf8').split('\n'), stdout: run.stdout, status: run.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const STREAMS = ['NativeModule stream', 'NativeModule net', 'NativeModule internal/fs/streams', 'NativeModule readline'];

describe('the help bundle', () => {
  // Every form the launcher hands it (launch/cache.ts asksHelpOnly), and the same with one more option, which the
  // whole CLI answers: the same text and exit status, from the other bundle.
  const commands = [...MESSAGES.map(({ command }) => command), 'simulate', 'doctor', 'journal', 'config', 'completion'];
  const forms = [['--help'], ['-h'], ['help'], ...commands.flatMap((command) => [[command, '--help'], ['help', command]])];
  for (const form of forms) {
    it(`scp ${form.join(' ')} runs the help bundle alone, and prints what the whole CLI prints`, () => {
      const coverage = coverageDir();
      try {
        const run = spawnSync(process.execPath, [SCP_BIN, ...form], { env: cleanEnv({ NODE_V8_COVERAGE: coverage.dir }), encoding: 'utf8' });
        expect(coverage.bundles()).toEqual(['help.cjs']);
        const whole = spawnSync(process.execPath, [SCP_BIN, ...form, '--no-color'], { env: cleanEnv(), encoding: 'utf8' });
        expect(run.status).toBe(0);
        expect(run.stderr).toBe('');
        expect([run.stdout, run.status]).toEqual([whole.stdout, whole.status]);
      } finally {
        coverage.done();
      }
    });
  }

  it('anything more is the whole CLI', () => {
    const coverage = coverageDir();
    try {
      spawnSync(process.execPath, [SCP_BIN, 'clear', '--id', '1', '--help'], { env: cleanEnv({ NODE_V8_COVERAGE: coverage.dir }), encoding: 'utf8' });
      expect(coverage.bundles()).toEqual(['scp.cjs']);
    } finally {
      coverage.done();
    }
  });

  it('is compiled from its own code cache', () => {
    const run = spawnSync(process.execPath, ['-e', "const l = require('./dist/launch.cjs'); process.stdout.write(l.loadBundle(l.HELP_BUNDLE, 'root').cache)"], {
      cwd: new URL('../..', import.meta.url).pathname,
      encoding: 'utf8',
    });
    expect(run.stdout).toBe('used');
  });
});

describe('what Node itself loads for a run', () => {
  // Creating process.stdin, process.stdout or process.stderr loads Node's streams (and net, for a pipe): help and
  // dry runs write with write(2) instead (output/stdio.ts) and never make stdin; so does the launcher's --version.
  for (const args of [['--version'], ['--help'], ['clear', '--help'], ...MESSAGES.map(({ command, samples }) => [command, ...samples.send[0]!, '--dry-run'])]) {
    it(`scp ${args.join(' ')} makes none of Node's stdio streams, and still prints`, () => {
      const run = builtinsOf(args);
      expect(run.status).toBe(0);
      expect(run.stdout.length).toBeGreaterThan(0);
      expect(run.loaded.filter((name) => STREAMS.includes(name))).toEqual([]);
    });
  }

  it('a round trip does load them (the check above can see them)', () => {
    const run = builtinsOf(['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '1']);
    expect(run.status).toBe(4);
    expect(run.loaded).toEqual(expect.arrayContaining(['NativeModule stream', 'NativeModule net']));
  });
});

describe('colour and topic aliases cost nothing where they are not used', () => {
  it('chalk runs only where colour is allowed', () => {
    const piped = evaluatedBy(['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '1']);
    expect(piped).toContain('src/output/render.ts');
    expect(piped.filter((name) => name.startsWith('node_modules/chalk/'))).toEqual([]);
    const coloured = evaluatedBy(['clear', '--id', 'x'], { FORCE_COLOR: '1' });
    expect(coloured).toContain('node_modules/chalk/source/index.js');
  });

  it("MQTT.js's lru-cache (for topic aliases, which scp never asks for) is not evaluated by a round trip", () => {
    const ran = evaluatedBy(['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '1']);
    expect(ran).toContain('node_modules/mqtt/build/lib/topic-alias-send.js');
    expect(ran.filter((name) => name.startsWith('node_modules/lru-cache/'))).toEqual([]);
  });
});

describe('a reader that goes away', () => {
  // The reader exits before scp writes: scp's write(2) gets EPIPE, which is not an error (`scp --help | head -1`).
  for (const args of ['--help', "clear --id 1 --dry-run"]) {
    it(`scp ${args} into a closed pipe ends quietly with 0`, () => {
      const run = spawnSync('sh', ['-c', `(sleep 0.3; "${process.execPath}" "${SCP_BIN}" ${args}; echo "exit $?" >&2) | true`], { env: cleanEnv(), encoding: 'utf8' });
      expect(run.stderr).toBe('exit 0\n');
    });
  }
});

/** The modules of a message folder that ran, by folder: `{ clear: ['face.ts', 'index.ts'] }`. */
function messageModules(ran: string[]): Record<string, string[]> {
  const byFolder: Record<string, string[]> = {};
  for (const name of ran) {
    const match = /^src\/messages\/([^/]+)\/(.+)$/.exec(name);
    if (match) (byFolder[match[1]!] ??= []).push(match[2]!);
  }
  for (const files of Object.values(byFolder)) files.sort();
  return byFolder;
}

const COMPOSITE = 'src/core/composite.ts';

/** What a command for `command` may evaluate of the messages: every face (for its options and help), its own entry
 * (and what the entry uses, such as schedule's renderer), nothing of another message, never a station's side. */
function expectOwnMessageOnly(ran: string[], command: string): void {
  const byFolder = messageModules(ran);
  for (const { command: other } of MESSAGES) {
    if (other !== command) expect(byFolder[other], `${command}: ${other}`).toEqual(['face.ts']);
  }
  expect(byFolder[command], command).toContain('index.ts');
  expect(byFolder[command], command).not.toContain('station.ts');
}

describe('loading by command (issue #29): a command evaluates its own message, and only when it runs', () => {
  const faces = Object.fromEntries(MESSAGES.map((face) => [face.command, ['face.ts']]));

  it('scp --help evaluates every message\'s face and nothing else of any message, no MQTT, no prompts', () => {
    const ran = evaluatedBy(['--help']);
    expect(messageModules(ran)).toEqual(faces);
    expect(ran.filter((name) => MQTT(name) || PROMPTS(name) || name === COMPOSITE)).toEqual([]);
  });

  for (const { command, samples } of MESSAGES) {
    it(`scp ${command} --dry-run evaluates ${command}'s entry alone, no MQTT, no prompts, no composite calculation`, () => {
      const ran = evaluatedBy([command, ...samples.send[0]!, '--dry-run']);
      expectOwnMessageOnly(ran, command);
      expect(ran.filter((name) => MQTT(name) || PROMPTS(name) || name === COMPOSITE)).toEqual([]);
    });
  }

  it('scp schedule --offline computes with the station\'s side and the calculation, and evaluates neither MQTT.js nor the stream, even with a broker given', () => {
    const ran = evaluatedBy(['--broker', 'mqtt://127.0.0.1:1', 'schedule', '--offline', '--evse', 'GB*SEV*E001']);
    expect(ran).toContain(COMPOSITE);
    expect(messageModules(ran).schedule).toContain('station.ts');
    expect(ran.filter((name) => MQTT(name) || PROMPTS(name) || SPINNER(name) || name === 'src/transport/failover.ts' || name === 'src/pipeline/many.ts')).toEqual([]);
  });

  it('a real round trip of each message evaluates its own entry and MQTT, nothing of another message, not the station\'s side and not the composite calculation', async () => {
    const simulator = await startSimulator(['simulate', '--embedded', '0']);
    try {
      for (const { command, samples } of MESSAGES) {
        const ran = evaluatedBy(['--broker', simulator.url, command, ...samples.send[0]!]);
        expectOwnMessageOnly(ran, command);
        expect(ran, command).toContain('src/transport/exchange.ts');
        expect(ran.filter((name) => name === COMPOSITE || PROMPTS(name) || SPINNER(name)), command).toEqual([]);
      }
    } finally {
      await simulator.stop();
    }
  });
});
