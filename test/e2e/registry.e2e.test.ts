// Every message of the registry (src/messages/index.ts) is everywhere a command list used to be kept by hand
// (issue #28): `scp --help` and its examples, the completion scripts, the launcher's words, simulate's description and
// what it serves, the code-cache training and the start-up bench (both run the entry's `samples`, which this test
// runs too). A message left out of any of them fails here, by name.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_MESSAGES } from '../../src/messages/all.js';
import { MESSAGES } from '../../src/messages/index.js';
import { runScp } from '../helpers/run.js';
import { startSimulator, type Simulator } from '../helpers/simulator.js';

const NOBODY = 'mqtt://127.0.0.1:1';
let simulator: Simulator;
let rootHelp: string;
let completions: string[];

beforeAll(async () => {
  simulator = await startSimulator(['simulate', '--embedded', '0']);
  rootHelp = (await runScp(['--help'])).stdout;
  completions = await Promise.all(['bash', 'zsh', 'fish'].map(async (shell) => (await runScp(['completion', shell])).stdout));
});
afterAll(async () => {
  await simulator?.stop();
});

describe('the registry (messages/index.ts) and what the simulator serves (messages/all.ts)', () => {
  it('are the same messages in the same order, each served as the entry its face loads', async () => {
    expect(ALL_MESSAGES.map((message) => message.command)).toEqual(MESSAGES.map((face) => face.command));
    for (const face of MESSAGES) {
      const entry = await face.load();
      const served = ALL_MESSAGES.find((message) => message.command === face.command)!;
      expect(served.name).toBe(entry.name);
      expect(served.options).toBe(face.options);
      expect(typeof served.decide).toBe('function');
    }
  });

  it('a message offers --offline exactly when its entry can answer offline, with the station the simulator serves', async () => {
    for (const face of MESSAGES) {
      const entry = await face.load();
      const offers = face.options.some((spec) => spec.key === 'offline');
      expect(entry.offline !== undefined, face.command).toBe(offers);
      if (entry.offline) expect((await entry.offline()).decide).toBe(ALL_MESSAGES.find((message) => message.command === face.command)!.decide);
    }
  });
});

describe.each(ALL_MESSAGES.map((message) => [message.command, message] as const))('the registry\'s %s', (command, message) => {
  it('is a command of scp --help, with its summary, an example and its exit outcomes', () => {
    expect(rootHelp).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    expect(rootHelp.replace(/\s+/g, ' ')).toContain(message.summary.slice(0, 30));
    expect(rootHelp).toMatch(new RegExp(`^  scp ${command} `, 'm'));
    expect(rootHelp).toContain(`${command}: ${message.outcomes.other}`);
  });

  it('is completed by every shell\'s completion script', () => {
    for (const script of completions) expect(script).toContain(command);
  });

  it('is in the launcher\'s words, so none of its forms goes to OpenSSH', () => {
    expect(readFileSync(new URL('../../dist/launch.cjs', import.meta.url), 'utf8')).toMatch(new RegExp(`\\b${command}:\\{word:`));
  });

  it('is served by scp simulate, and named in its description', async () => {
    expect(simulator.stderr()).toMatch(new RegExp(`serving [^\\n]*\\b${message.name}\\b`));
    expect((await runScp(['simulate', '--help'])).stdout.replace(/\s+/g, ' ')).toMatch(new RegExp(`answers [a-z, ]*\\b${command}\\b`));
  });

  it('runs its samples: the bad one refused (exit 2, one line naming a flag, no connection tried), the others dry and for real', async () => {
    const bad = await runScp(['--broker', NOBODY, command, ...message.samples.bad]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/--[a-z]/);
    for (const args of message.samples.send) {
      const dry = await runScp(['--broker', NOBODY, command, ...args, '--dry-run', '--json']);
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout)).toMatchObject({ name: message.name, type: 'request' });
      const sent = await runScp(['--broker', simulator.url, command, ...args, '--json']);
      expect(sent.code, sent.stderr).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ outcome: 'accepted', request: { name: message.name } });
    }
  });
});
