/**
 * The package as an operator gets it: `npm pack`ed from this build, then installed globally by npm into a
 * temporary prefix, globally by pnpm into a temporary PNPM_HOME, and run once by npx, each found through PATH the
 * way a shell finds it, with a stand-in for OpenSSH's scp later in PATH. Needs the npm registry for aedes (the one
 * run-time dependency); npm's own cache serves it when it holds it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, finished } from '../helpers/run.js';
import { countedRun, makePathWorld, viaPath, type PathWorld } from '../helpers/path.js';
import { startSimulator } from '../helpers/simulator.js';
import { FORMS_ENV, OPENSSH_FORMS, formsHandedOver, ownForms } from '../helpers/own-forms.js';
import { MESSAGES } from '../../src/messages/index.js';

/** The registry's commands, in its order: every list of commands a test expects starts with them. */
const MESSAGE_COMMANDS = MESSAGES.map((message) => message.command);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PNPM = join(ROOT, 'node_modules', '.bin', 'pnpm');
const INSTALL_TIMEOUT = 180_000;
let world: PathWorld;
let tarball: string;

/** Runs a package manager with the machine's PATH (npm lives beside node) and waits; throws with its output on failure. */
function manage(command: string, args: string[], env: Record<string, string> = {}, cwd = world.dir): string {
  try {
    return execFileSync(command, args, { cwd, env: cleanEnv(env), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: INSTALL_TIMEOUT });
  } catch (err) {
    const { stdout = '', stderr = '' } = err as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`);
  }
}

beforeAll(() => {
  world = makePathWorld('scp-install-');
  // The build `npm test` just made: packing must not build again behind the tests' back.
  const [packed] = JSON.parse(manage('npm', ['pack', ROOT, '--ignore-scripts', '--json', '--pack-destination', world.dir])) as { filename: string }[];
  tarball = join(world.dir, packed!.filename);
}, INSTALL_TIMEOUT);
afterAll(() => world?.remove());

describe('the packed package', () => {
  it('is named smart-charging and ships the licence, the launchers, the bundle and the schemas', () => {
    expect(tarball).toMatch(/\/smart-charging-\d+\.\d+\.\d+\.tgz$/);
    const files = manage('tar', ['-tzf', tarball]).split('\n').filter(Boolean).sort();
    expect(files).toEqual(expect.arrayContaining(['package/LICENSE', 'package/bin/scp.js', 'package/bin/smart-charging.js', 'package/dist/scp.cjs', 'package/dist/launch.cjs']));
    expect(files.filter((f) => f.startsWith('package/src/') || f.startsWith('package/test/') || f.endsWith('demo.js'))).toEqual([]);
  });
});

describe('the repository', () => {
  it('leaves no dependency install script unreviewed, so the README\'s npm ci prints no warning (allowScripts)', () => {
    expect(manage('npm', ['install-scripts', 'ls'], {}, ROOT)).toBe('No packages with unreviewed install scripts.\n');
  });
});

describe('npm install -g of the tarball into a temporary prefix', () => {
  let bin: string;
  beforeAll(() => {
    const prefix = join(world.dir, 'npm-global');
    manage('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball]);
    bin = join(prefix, 'bin');
  }, INSTALL_TIMEOUT);

  it('runs a round trip under both names: smart-charging simulates, scp clears', async () => {
    const installed = (args: string[], env: Record<string, string>) =>
      spawn(join(bin, 'smart-charging'), args, { env: cleanEnv({ ...env, PATH: `${bin}:${world.tools}` }) });
    // The default profiles include id 1 (as the demo shows).
    const simulator = await startSimulator(['simulate', '--embedded', '0'], {}, installed);
    try {
      const run = await viaPath(world, 'scp', ['clear', '--id', '1', '--broker', simulator.url], [bin, world.openssh]).done;
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe('accepted\n');
      expect(run.code).toBe(0);
    } finally {
      await simulator.stop();
    }
  });

  it('hands OpenSSH invocations over with one node process, and says smart-charging in its usage', async () => {
    const { run, nodes } = await countedRun(world, 'scp', ['-r', 'dir', 'host:'], [bin, world.openssh]);
    expect(run.stdout).toBe('arg:-r\narg:dir\narg:host:\n');
    expect(run.code).toBe(7);
    expect(nodes).toBe(1);
    const help = await viaPath(world, 'smart-charging', ['--help'], [bin]).done;
    expect(help.stdout).toMatch(/^Usage: smart-charging \[options\] \[command\]/);
  });

  it('keeps every form of every command its help lists, and hands OpenSSH its own forms unchanged', async () => {
    const run = (args: string[]) => viaPath(world, 'scp', args, [bin, world.openssh], { env: FORMS_ENV }).done;
    const { commands, forms } = await ownForms(run);
    expect(commands).toEqual(expect.arrayContaining([...MESSAGE_COMMANDS, 'simulate', 'config', 'completion', 'help']));
    expect(await formsHandedOver(run, forms)).toEqual([]);
    for (const form of OPENSSH_FORMS) expect((await run(form)).stdout, form.join(' ')).toBe(form.map((a) => `arg:${a}\n`).join(''));
  }, 60_000);
});

describe('pnpm add -g of the tarball into a temporary PNPM_HOME (a shell-script shim first in PATH)', () => {
  let home: string;
  beforeAll(() => {
    home = join(world.dir, 'pnpm-home');
    manage(PNPM, ['add', '-g', '--store-dir', join(world.dir, 'pnpm-store'), tarball], {
      PNPM_HOME: home,
      PATH: `${home}:${process.env.PATH}`,
      XDG_DATA_HOME: join(world.dir, 'xdg-data'),
      XDG_CACHE_HOME: join(world.dir, 'xdg-cache'),
    });
  }, INSTALL_TIMEOUT);

  it('runs our commands through the shim', async () => {
    const run = await viaPath(world, 'scp', ['clear', '--id', '1', '--dry-run', '--json'], [home, world.openssh]).done;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).data).toEqual({ charging_profile_id: 1 });
  });

  it('sees that the shim is ours and hands OpenSSH invocations past it, with one node process', async () => {
    const { run, nodes } = await countedRun(world, 'scp', ['somefile', 'host:/tmp/'], [home, world.openssh]);
    expect(run.stdout).toBe('arg:somefile\narg:host:/tmp/\n');
    expect(run.code).toBe(7);
    expect(nodes).toBe(1);
  });

  it('never loops when the shim is the only scp', async () => {
    const { run, nodes } = await countedRun(world, 'scp', ['somefile', 'host:/tmp/'], [home]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/OpenSSH's scp \(which scp hands other arguments to\) was not found in PATH/);
    expect(nodes).toBe(1);
  });
});

describe('npm install of the tarball into a project, as a user adds it (issue #33)', () => {
  it('prints no warning (the package has no install script of its own) and runs under both names', () => {
    const project = join(world.dir, 'project');
    manage('mkdir', ['-p', project]);
    manage('npm', ['init', '-y'], {}, project);
    const output = execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', tarball], {
      cwd: project,
      env: cleanEnv({}),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: INSTALL_TIMEOUT,
    });
    expect(output).not.toMatch(/warn/i);
    const { version } = JSON.parse(manage('cat', [join(ROOT, 'package.json')])) as { version: string };
    for (const name of ['scp', 'smart-charging']) expect(manage(join(project, 'node_modules', '.bin', name), ['--version'], {}, project), name).toBe(`${version}\n`);
  }, INSTALL_TIMEOUT);

  it('the tarball\'s package.json has no lifecycle script an install would run', () => {
    const manifest = JSON.parse(manage('tar', ['-xzOf', tarball, 'package/package.json'])) as { scripts?: Record<string, string> };
    for (const script of ['preinstall', 'install', 'postinstall', 'prepare']) expect(manifest.scripts?.[script], script).toBeUndefined();
  });
});

describe('npx', () => {
  it('npx --package <absolute tarball> runs either name (the form the README shows; a bare absolute path is taken for a command)', async () => {
    for (const name of ['smart-charging', 'scp']) {
      const child = spawn('npx', ['--yes', '--package', tarball, name, '--version'], {
        cwd: world.dir,
        env: cleanEnv({ npm_config_cache: join(world.dir, 'npx-cache'), npm_config_update_notifier: 'false' }),
      });
      child.stdin.end();
      const run = await finished(child);
      expect([run.code, run.stdout], name).toEqual([0, expect.stringMatching(/^\d+\.\d+\.\d+\n$/)]);
    }
  }, INSTALL_TIMEOUT);

  it('npx --yes <tarball> runs smart-charging, the bin named like the package', async () => {
    // ./ as a user types it: npx takes an absolute path to a file for a command to run, not a package.
    const child = spawn('npx', ['--yes', `./${basename(tarball)}`, 'clear', '--id', '1', '--dry-run'], {
      cwd: world.dir,
      env: cleanEnv({ npm_config_cache: join(world.dir, 'npx-cache'), npm_config_update_notifier: 'false' }),
    });
    child.stdin.end();
    const run = await finished(child);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ name: 'clear_charging_profile', type: 'request', data: { charging_profile_id: 1 } });
  }, INSTALL_TIMEOUT);
});
