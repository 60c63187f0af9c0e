/**
 * scp and OpenSSH's scp: run through PATH the way a shell does, with a link to our launcher first (as
 * `npm install -g` or `npm link` make) and a stand-in `scp` later that prints its arguments and stdin and exits 7.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCP_BIN, sleep, type RunResult } from '../helpers/run.js';
import { countedRun as countedRunIn, makePathWorld, script, viaPath as viaPathIn, type PathWorld } from '../helpers/path.js';
import { FORMS_ENV, OPENSSH_FORMS, formsHandedOver, ownForms } from '../helpers/own-forms.js';
import { MESSAGES } from '../../src/messages/index.js';

/** The registry's commands, in its order: every list of commands a test expects starts with them. */
const MESSAGE_COMMANDS = MESSAGES.map((message) => message.command);

const SMART_CHARGING_BIN = fileURLToPath(new URL('../../bin/smart-charging.js', import.meta.url));
let world: PathWorld;
let ours: string;
let alsoOurs: string;
let other: string;
beforeAll(() => {
  world = makePathWorld();
  ours = join(world.dir, 'ours');
  alsoOurs = join(world.dir, 'also-ours');
  other = world.openssh;
  for (const d of [ours, alsoOurs]) mkdirSync(d);
  symlinkSync(SCP_BIN, join(ours, 'scp'));
  symlinkSync(SCP_BIN, join(alsoOurs, 'scp'));
  symlinkSync(SMART_CHARGING_BIN, join(ours, 'smart-charging'));
});
afterAll(() => world.remove());

const viaPath = (name: string, args: string[], path: string[], options?: { stdin?: string; env?: Record<string, string> }) =>
  viaPathIn(world, name, args, path, options);
const countedRun = (args: string[], path: string[], env?: Record<string, string>) => countedRunIn(world, 'scp', args, path, env);

const withOther = () => [ours, other];

describe('every form of every command stays ours (commands and short options read from the help)', () => {
  const run = (args: string[]) => viaPath('scp', args, withOther(), { env: FORMS_ENV }).done;

  it('never calls OpenSSH for a command bare, with -h, --help, or any short option its help lists', async () => {
    const { commands, forms } = await ownForms(run);
    // The help must list the commands at all, or there would be nothing to check.
    expect(commands).toEqual(expect.arrayContaining([...MESSAGE_COMMANDS, 'simulate', 'config', 'completion', 'help']));
    expect(forms.length).toBeGreaterThan(commands.length * 3);
    expect(await formsHandedOver(run, forms)).toEqual([]);
  }, 60_000);

  it.each(OPENSSH_FORMS.map((form) => [form]))('%j still reaches OpenSSH with exactly its arguments', async (form) => {
    const result = await run(form);
    expect(result.code).toBe(7);
    expect(result.stdout).toBe(form.map((a) => `arg:${a}\n`).join(''));
  });
});

describe('handing over to OpenSSH scp', () => {
  it('passes arguments (spaces and quotes intact), stdin and the exit code to the other scp', async () => {
    const run: RunResult = await viaPath('scp', ['-P', '2222', 'a file with spaces', `it's "quoted"`, 'host:/srv/'], withOther(), { stdin: 'from stdin\n' }).done;
    expect(run.stdout).toBe(`arg:-P\narg:2222\narg:a file with spaces\narg:it's "quoted"\narg:host:/srv/\nfrom stdin\n`);
    expect(run.code).toBe(7);
    expect(run.stderr).toBe('');
  });

  it.each([[['-r', 'dir', 'host:']], [['host:f', '.']], [['-v', 'f', 'host:']], [['--', 'f', 'host:']]])('hands over %j', async (args) => {
    const run = await viaPath('scp', args, withOther()).done;
    expect(run.code).toBe(7);
    expect(run.stdout).toBe(args.map((a) => `arg:${a}\n`).join(''));
  });

  it('forwards SIGTERM to the other scp and exits with its status', async () => {
    const { child, done } = viaPath('scp', ['-wait'], withOther());
    let seen = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (seen.includes('ready')) resolve();
      }),
    );
    child.kill('SIGTERM');
    const run = await done;
    expect(run.stdout).toMatch(/got TERM/);
    expect(run.code).toBe(9);
  });

  it('never hands over our own commands and options', async () => {
    for (const args of [
      ['clear', '--id', '1', '--dry-run'],
      ['--broker', 'mqtt://127.0.0.1:1', 'clear', '--id', '1', '--dry-run'],
      ['--json', 'clear', '--id', '1', '--dry-run'],
      ['--version'],
      ['-V'],
      ['--help'],
      ['help'],
    ]) {
      const run = await viaPath('scp', args, withOther()).done;
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stdout).not.toMatch(/^arg:/m);
    }
  });

  it('does not recurse when every scp in PATH is this tool: our error, exit 2, and a hint', async () => {
    const run = await viaPath('scp', ['-r', 'dir', 'host:'], [ours, alsoOurs]).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^scp: unknown option '-r'/m);
    expect(run.stderr).toMatch(/OpenSSH's scp \(which scp hands other arguments to\) was not found in PATH/);
  });

  it('does not hand over with SCP_NO_PASSTHROUGH=1', async () => {
    const run = await viaPath('scp', ['host:f', '.'], withOther(), { env: { SCP_NO_PASSTHROUGH: '1' } }).done;
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^scp: unknown command 'host:f'/m);
    expect(run.stderr).toMatch(/SCP_NO_PASSTHROUGH/);
  });

  it('smart-charging is the same tool and never hands over', async () => {
    const ok = await viaPath('smart-charging', ['clear', '--id', '1', '--dry-run', '--json'], withOther()).done;
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).data).toEqual({ charging_profile_id: 1 });
    const refused = await viaPath('smart-charging', ['-r', 'dir', 'host:'], withOther()).done;
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    await sleep(0);
  });
});

/** A folder holding `scp` as a shell script with this body: the layout pnpm, volta, asdf and hand-made shims make. */
function shim(name: string, body: string): string {
  const folder = join(world.dir, name);
  mkdirSync(folder);
  script(join(folder, 'scp'), `#!/bin/sh\n${body}\n`);
  return folder;
}

describe('a hand-over can never loop', () => {
  it('skips a shell shim that names our launcher, and reaches OpenSSH with one node process', async () => {
    const shims = shim('shim-named', `exec node ${SCP_BIN} "$@"`);
    const { run, nodes } = await countedRun(['somefile', 'host:/tmp/'], [shims, other]);
    expect(run.stdout).toBe('arg:somefile\narg:host:/tmp/\n');
    expect(run.code).toBe(7);
    expect(nodes).toBe(1);
  });

  it('stops a shim it cannot recognise on the second step: exit 2, one line naming it, two node processes at most', async () => {
    const shims = shim('shim-hidden', 'exec node "$SCP_UNDER_TEST" "$@"');
    const { run, nodes } = await countedRun(['somefile', 'host:/tmp/'], [shims, other], { SCP_UNDER_TEST: SCP_BIN });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `scp: ${join(shims, 'scp')} runs this tool again, not OpenSSH's scp, so the hand-over stopped (nothing was run): ` +
        `set SCP_NO_PASSTHROUGH=1, call this tool as smart-charging, or put OpenSSH's scp ahead of ${shims} in PATH\n`,
    );
    expect(nodes).toBeLessThanOrEqual(2);
  });

  it('stops the loop with only such shims in PATH (no OpenSSH at all)', async () => {
    const shims = shim('shim-alone', 'exec node "$SCP_UNDER_TEST" "$@"');
    const { run, nodes } = await countedRun(['-r', 'dir', 'host:'], [shims], { SCP_UNDER_TEST: SCP_BIN });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/runs this tool again/);
    expect(nodes).toBeLessThanOrEqual(2);
  });

  it('the mark changes nothing for OpenSSH: it reaches the other scp, which runs as before', async () => {
    const { run, nodes } = await countedRun(['-3', 'a:f', 'b:f'], [ours, other]);
    expect(run.stdout).toBe('arg:-3\narg:a:f\narg:b:f\n');
    expect(run.code).toBe(7);
    expect(nodes).toBe(1);
  });
});

describe('typos with a long option stay ours', () => {
  it.each([
    [['clera', '--id', '1'], "unknown command 'clera' (did you mean clear?)"],
    [['clera', '--id', '1', '--broker', 'mqtt://127.0.0.1:1883'], "unknown command 'clera' (did you mean clear?)"],
    [['simulat', '--embedded', '0'], "unknown command 'simulat' (did you mean simulate?)"],
    [['clear', '--idd', '1'], "unknown option '--idd' (did you mean --id?)"],
  ])('%j: exit 2, one line with a suggestion, nothing handed over', async (args, message) => {
    const run = await viaPath('scp', args, withOther()).done;
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`scp: ${message}\n`);
  });

  it.each([[['clear', 'host:/tmp/']], [['config', 'show', 'host:']], [['-P', '2222', 'f', 'host:']], [['clera', '1']]])(
    '%j without a long option still reaches OpenSSH unchanged',
    async (args) => {
      const run = await viaPath('scp', args, withOther()).done;
      expect(run.code).toBe(7);
      expect(run.stdout).toBe(args.map((a) => `arg:${a}\n`).join(''));
    },
  );

  it('smart-charging names itself in its usage lines', async () => {
    for (const args of [['--help'], ['clear', '--help']]) {
      const run = await viaPath('smart-charging', args, withOther()).done;
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: smart-charging /);
    }
  });
});

describe('a typo of a command, and help for a word that is no command (issue #42)', () => {
  it('a lone word one edit from a command is ours: exit 2 with "did you mean"; with a second operand it is a copy', async () => {
    for (const [typo, meant] of [['stauts', 'status'], ['sceduhle', 'schedule'], ['claer', 'clear']] as const) {
      const run = await viaPath('scp', [typo], withOther()).done;
      expect([run.code, run.stdout, run.stderr], typo).toEqual([2, '', `scp: unknown command '${typo}' (did you mean ${meant}?)\n`]);
    }
    const copy = await viaPath('scp', ['stauts', 'host:'], withOther()).done;
    expect([copy.code, copy.stdout]).toEqual([7, 'arg:stauts\narg:host:\n']);
    const file = await viaPath('scp', ['notes.txt'], withOther()).done;
    expect([file.code, file.stdout]).toEqual([7, 'arg:notes.txt\n']);
  });

  it('scp help <command> shows its help; a word that is no command is one line, exit 2, with "did you mean" when one is near', async () => {
    const help = await viaPath('scp', ['help', 'status'], withOther()).done;
    expect([help.code, help.stdout.split('\n')[0]]).toEqual([0, 'Usage: scp status [options]']);
    const near = await viaPath('scp', ['help', 'sttaus'], withOther()).done;
    expect([near.code, near.stdout, near.stderr]).toEqual([2, '', 'scp: help: "sttaus" is not a command (did you mean status?)\n']);
    const far = await viaPath('scp', ['help', 'nonsense'], withOther()).done;
    expect([far.code, far.stdout, far.stderr]).toEqual([2, '', 'scp: help: "nonsense" is not a command\n']);
  });
});
