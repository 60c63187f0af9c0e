/**
 * The config file and site profiles, end to end: the built bin/scp, real files, real brokers. The layering rules
 * themselves are unit-tested in test/unit/config.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker, startLoginBroker, type Broker } from '../helpers/broker.js';
import { startResponder, startSpy, uniqueTopics } from '../helpers/responder.js';
import { SCP_BIN, runScp, sleep } from '../helpers/run.js';
import { KEY, scpCommand, startPty } from '../helpers/pty.js';
import { MESSAGES } from '../../src/messages/index.js';

/** The registry's commands, in its order: every list of commands a test expects starts with them. */
const MESSAGE_COMMANDS = MESSAGES.map((message) => message.command);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'scp-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let count = 0;
/** Writes a config (mode 600 unless told) in a fresh folder and returns its path. */
function configFile(content: unknown, { mode = 0o600, name = 'config.json' } = {}): string {
  const folder = join(dir, `c${++count}`);
  mkdirSync(folder, { recursive: true });
  const path = join(folder, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  chmodSync(path, mode);
  return path;
}

function secret(path: string, text: string, mode = 0o600): string {
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}


/**
 * zsh and fish are optional on a developer's machine: their completion tests skip there, the reason in the test's
 * name. CI has them (.ci/run installs them and sets SCP_TEST_SHELLS=required), where a missing one fails instead.
 */
const hasShell = (shell: string) => spawnSync(shell, ['-c', 'exit 0']).error === undefined;
const SHELL_HINT = (shell: string) => ` (Debian package ${shell}; .ci/run installs it)`;
const skipShell = (shell: string) => process.env.SCP_TEST_SHELLS !== 'required' && !hasShell(shell);
const shellNote = (shell: string) => (skipShell(shell) ? ` [skipped: ${shell} is not installed${SHELL_HINT(shell)}]` : '');
for (const shell of ['zsh', 'fish']) if (skipShell(shell)) console.warn(`skipping the ${shell} completion test: ${shell} is not installed${SHELL_HINT(shell)}`);

describe('where the config file is', () => {
  it('$XDG_CONFIG_HOME/scp/config.json, else ~/.config/scp/config.json; --config beats SCP_CONFIG', async () => {
    expect((await runScp(['config', 'path'], { XDG_CONFIG_HOME: '/xdg' })).stdout).toBe('/xdg/scp/config.json\n');
    expect((await runScp(['config', 'path'], { XDG_CONFIG_HOME: undefined, HOME: '/home/op' })).stdout).toBe('/home/op/.config/scp/config.json\n');
    expect((await runScp(['config', 'path'], { XDG_CONFIG_HOME: 'relative', HOME: '/home/op' })).stdout).toBe('/home/op/.config/scp/config.json\n');
    expect((await runScp(['config', 'path'], { SCP_CONFIG: '/env/c.json' })).stdout).toBe('/env/c.json\n');
    expect((await runScp(['--config', '/flag/c.json', 'config', 'path'], { SCP_CONFIG: '/env/c.json' })).stdout).toBe('/flag/c.json\n');
    const json = JSON.parse((await runScp(['--json', 'config', 'path'], { SCP_CONFIG: '/env/c.json' })).stdout);
    expect(json).toEqual({ path: '/env/c.json', exists: false, named: 'SCP_CONFIG' });
  });

  it('is read from XDG_CONFIG_HOME', async () => {
    const xdg = join(dir, 'xdg');
    mkdirSync(join(xdg, 'scp'), { recursive: true });
    secret(join(xdg, 'scp', 'config.json'), JSON.stringify({ default_profile: 'lab', profiles: { lab: { request_topic: 'from/xdg' } } }));
    const shown = JSON.parse((await runScp(['--json', 'config', 'show'], { XDG_CONFIG_HOME: xdg })).stdout);
    expect(shown.settings.find((s: { name: string }) => s.name === 'request_topic')).toEqual({ name: 'request_topic', value: 'from/xdg', source: 'profile' });
  });

  it('a missing file is fine unless --config or SCP_CONFIG named it', async () => {
    expect((await runScp(['clear', '--id', '1', '--dry-run'], { XDG_CONFIG_HOME: join(dir, 'none') })).code).toBe(0);
    const named = await runScp(['--config', join(dir, 'missing.json'), 'clear', '--id', '1', '--dry-run']);
    expect(named.code).toBe(2);
    expect(named.stderr).toBe(`scp: --config: "${join(dir, 'missing.json')}": not found\n`);
    const fromEnv = await runScp(['clear', '--id', '1', '--dry-run'], { SCP_CONFIG: join(dir, 'missing.json') });
    expect(fromEnv.stderr).toBe(`scp: SCP_CONFIG: "${join(dir, 'missing.json')}": not found\n`);
  });
});

describe('config show: every effective setting and where it came from, never a secret', () => {
  it('reports flag, env, profile and default, and hides passwords', async () => {
    const path = configFile({
      profiles: {
        'site-a': { broker: 'mqtts://a.example:8883', username: 'op', password_file: 'a.pw', request_topic: 'a/req', timeout: 4, client_id_prefix: 'site-a-' },
      },
    });
    secret(join(path, '..', 'a.pw'), 'first secret\n');
    const run = await runScp(['--config', path, '--profile', 'site-a', '--timeout', '9', '--json', 'config', 'show'], {
      SCP_RESPONSE_TOPIC: 'env/res',
    });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    const setting = (name: string) => report.settings.find((s: { name: string }) => s.name === name);
    expect(report.profile).toEqual({ name: 'site-a', from: '--profile' });
    expect(setting('broker')).toEqual({ name: 'broker', value: 'mqtts://a.example:8883', source: 'profile' });
    expect(setting('username')).toEqual({ name: 'username', value: 'op', source: 'profile' });
    expect(setting('password')).toEqual({ name: 'password', value: `(secret) read from password_file ${join(path, '..', 'a.pw')}`, source: 'profile' });
    expect(setting('request_topic').source).toBe('profile');
    expect(setting('response_topic')).toEqual({ name: 'response_topic', value: 'env/res', source: 'env' });
    expect(setting('timeout')).toEqual({ name: 'timeout', value: '9', source: 'flag' });
    expect(setting('qos')).toEqual({ name: 'qos', value: '1', source: 'default' });
    expect(setting('client_id').value).toMatch(/^site-a-<random>, e\.g\. site-a-[0-9a-f]{16}$/);
    expect(run.stdout + run.stderr).not.toContain('first secret');

    const human = await runScp(['--config', path, '--profile', 'site-a', 'config', 'show'], { SCP_PASSWORD: 'second secret' });
    expect(human.stdout).toMatch(/^password +\(secret\) from SCP_PASSWORD +env$/m);
    expect(human.stdout).toMatch(/^broker +mqtts:\/\/a\.example:8883 +profile$/m);
    expect(human.stdout + human.stderr).not.toMatch(/first secret|second secret/);

    const inUrl = await runScp(['--config', path, '--broker', 'mqtt://u:third%20secret@h:1883', 'config', 'show']);
    expect(inUrl.stdout).toMatch(/^broker +mqtt:\/\/u:\*\*\*@h:1883 +flag$/m);
    expect(inUrl.stdout).not.toContain('third');
  });

  it('SCP_PROFILE picks a profile; default_profile otherwise', async () => {
    const path = configFile({ default_profile: 'a', profiles: { a: { request_topic: 'a/req' }, b: { request_topic: 'b/req' } } });
    const byDefault = JSON.parse((await runScp(['--config', path, '--json', 'config', 'show'])).stdout);
    expect(byDefault.profile).toEqual({ name: 'a', from: 'default_profile' });
    const byEnv = JSON.parse((await runScp(['--config', path, '--json', 'config', 'show'], { SCP_PROFILE: 'b' })).stdout);
    expect(byEnv.profile).toEqual({ name: 'b', from: 'SCP_PROFILE' });
    const byFlag = JSON.parse((await runScp(['--config', path, '--profile', 'a', '--json', 'config', 'show'], { SCP_PROFILE: 'b' })).stdout);
    expect(byFlag.profile.name).toBe('a');
  });
});

describe('bad config input: one line, exit 2, nothing sent', () => {
  let broker: Broker;
  beforeAll(async () => {
    broker = await startEmbeddedBroker();
  });
  afterAll(() => broker.close());

  const cases: Array<[string, () => { args: string[]; env?: Record<string, string> }, RegExp]> = [
    ['a file that is not JSON', () => ({ args: ['--config', configFile('{\n  "profiles": {,\n}')] }), /^scp: config \S+: not valid JSON at line 2, column 16 \(/],
    ['an unknown key', () => ({ args: ['--config', configFile({ profiles: { lab: { host: 'x' } } })] }), /^scp: config \S+: profiles\.lab: unknown key "host"( \(did you mean [a-z_]+\?\))?; allowed: broker, brokers, username, password_file, password_env, ca, cert, key, insecure, client_id_prefix, mqtt_version, request_topic, response_topic, status_request_topic, status_response_topic, qos, connections, timeout, connect_timeout, journal$/],
    ['a literal password', () => ({ args: ['--config', configFile({ profiles: { lab: { password: 'pw' } } })] }), /^scp: config \S+: profiles\.lab: "password" is not allowed.*password_file.*password_env/],
    ['a wrong type', () => ({ args: ['--config', configFile({ profiles: { lab: { timeout: '10' } } })] }), /^scp: config \S+: profiles\.lab\.timeout: "10" is a string; write the number without quotes: 10$/],
    ['an unknown profile', () => ({ args: ['--config', configFile({ profiles: { lab: {}, prod: {} } }), '--profile', 'staging'] }), /^scp: --profile: no profile "staging" in \S+; profiles: lab, prod$/],
    ['an unknown SCP_PROFILE', () => ({ args: ['--config', configFile({ profiles: { lab: {} } })], env: { SCP_PROFILE: 'x' } }), /^scp: SCP_PROFILE: no profile "x" in \S+; profiles: lab$/],
    ['an unreadable password_file', () => ({ args: ['--config', configFile({ default_profile: 'lab', profiles: { lab: { username: 'u', password_file: 'nope.pw' } } })] }), /^scp: profiles\.lab\.password_file: "\S+\/nope\.pw": not found$/],
    ['an unset password_env', () => ({ args: ['--config', configFile({ default_profile: 'lab', profiles: { lab: { username: 'u', password_env: 'SCP_TEST_UNSET_PW' } } })] }), /^scp: profiles\.lab\.password_env: SCP_TEST_UNSET_PW is not set in the environment$/],
  ];
  for (const [what, setup, message] of cases) {
    it(`refuses ${what}`, async () => {
      const topics = uniqueTopics();
      const spy = await startSpy(broker.url, topics);
      try {
        const { args, env } = setup();
        const run = await runScp([...args, '--broker', broker.url, ...topics.args, 'clear', '--id', '1'], env);
        expect(run.code).toBe(2);
        expect(run.stdout).toBe('');
        expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
        expect(run.stderr.trimEnd()).toMatch(message);
        await sleep(100);
        expect(spy.seen).toHaveLength(0);
      } finally {
        await spy.close();
      }
    });
  }

  it('config validate: exit 0 for a valid file, 2 with the same one line for each bad one', async () => {
    const good = configFile({ default_profile: 'lab', profiles: { lab: { broker: 'mqtt://lab:1883' }, prod: {} } });
    const ok = await runScp(['--config', good, 'config', 'validate']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(`${good}: valid (profiles lab, prod; default lab)\n`);
    const bad = await runScp(['--config', configFile({ profiles: { lab: { brokr: 'x' } } }), 'config', 'validate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^scp: config \S+: profiles\.lab: unknown key "brokr"/);
    const missingFile = await runScp(['--config', configFile({ profiles: { lab: { ca: 'missing-ca.pem' } } }), 'config', 'validate']);
    expect(missingFile.code).toBe(2);
    expect(missingFile.stderr).toMatch(/profiles\.lab\.ca: "\S+missing-ca\.pem": not found/);
    const none = await runScp(['config', 'validate'], { XDG_CONFIG_HOME: join(dir, 'none') });
    expect(none.code).toBe(0);
  });

  it('says nothing of who can read a config file, which holds no secret, on any command', async () => {
    const path = configFile({ default_profile: 'lab', profiles: { lab: { broker: broker.url } } }, { mode: 0o644 });
    for (const args of [['clear', '--id', '1', '--dry-run'], ['config', 'show'], ['config', 'validate']]) {
      const run = await runScp(['--config', path, ...args]);
      expect(run.code, args.join(' ')).toBe(0);
      expect(run.stderr, args.join(' ')).toBe('');
    }
    const clear = await runScp(['--config', path, 'clear', '--id', '1', '--timeout', '0.2']);
    expect(clear.stderr).not.toMatch(/warning/);
  });

  it('warns about what holds a secret: the password file and the TLS key of the profile in use, when they are read', async () => {
    const path = configFile(
      { default_profile: 'lab', profiles: { lab: { username: 'u', password_file: 'pw' }, other: { username: 'v', password_file: 'other-pw' } } },
      { mode: 0o644 },
    );
    secret(join(path, '..', 'pw'), 'x', 0o640);
    secret(join(path, '..', 'other-pw'), 'y', 0o644);
    const run = await runScp(['--config', path, '--broker', broker.url, 'clear', '--id', '1', '--timeout', '0.2']);
    expect(run.stderr).toContain(`scp: warning: profiles.lab.password_file: "${join(path, '..', 'pw')}" can be read by others (mode 640); chmod 600 it`);
    expect(run.stderr).not.toContain('other-pw');
    expect(run.stderr).not.toContain('warning: config:');
    const key = secret(join(path, '..', 'client.key'), 'not really a key', 0o644);
    const cert = secret(join(path, '..', 'client.pem'), 'not really a cert', 0o644);
    const tls = await runScp(['--broker', broker.url, '--cert', cert, '--key', key, 'clear', '--id', '1', '--timeout', '0.2']);
    expect(tls.stderr).toContain(`scp: warning: --key: "${key}" can be read by others (mode 644); chmod 600 it`);
    expect(tls.stderr).not.toContain('--cert:');
  });
});

describe('scp config validate', () => {
  it('config validate reports every problem, one line each, saying where (issue #33); other commands refuse with the first few', async () => {
    const path = configFile({
      default_profile: 'nope',
      profiles: { a: { broker: 'http://x', qos: 0, password_file: 'absent-pw', timeout: -1 }, b: { cert: 'absent.pem' }, c: { colour: 1 } },
    });
    const run = await runScp(['--config', path, 'config', 'validate']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const at = `scp: config ${path}: `;
    expect(run.stderr.trimEnd().split('\n').sort()).toEqual(
      [
        `${at}profiles.c: unknown key "colour"; allowed: ${'broker, brokers, username, password_file, password_env, ca, cert, key, insecure, client_id_prefix, mqtt_version, request_topic, response_topic, status_request_topic, status_response_topic, qos, connections, timeout, connect_timeout, journal'}`,
        `${at}profiles.a.qos: 0 is not allowed; expected 1 or 2`,
        `${at}profiles.a.timeout: -1 is not allowed; expected a number of seconds above 0`,
        `${at}profiles.a.broker: scheme "http" is not supported; use one of mqtt, mqtts, ws, wss`,
        `${at}profiles.b.cert: give cert and key together, or neither`,
        `${at}default_profile: no profile "nope"; profiles: a, b, c`,
        `${at}profiles.a.password_file: "${join(path, '..', 'absent-pw')}": not found`,
        `${at}profiles.b.cert: "${join(path, '..', 'absent.pem')}": not found`,
      ].sort(),
    );
    const clear = await runScp(['--config', path, 'clear', '--id', '1', '--dry-run']);
    expect(clear.code).toBe(2);
    expect(clear.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(clear.stderr).toMatch(/; and \d+ more\n$/);
  });
});

describe('two sites by name alone', () => {
  let siteA: Broker;
  let siteB: Broker;
  beforeAll(async () => {
    siteA = await startLoginBroker('op-a', 'alpha secret');
    siteB = await startLoginBroker('op-b', 'bravo secret');
  });
  afterAll(async () => {
    await siteA.close();
    await siteB.close();
  });

  it('clears on site A or site B with URL and credentials only from the profile', async () => {
    const topicsA = uniqueTopics();
    const topicsB = uniqueTopics();
    const path = configFile({
      default_profile: 'site-a',
      profiles: {
        'site-a': { broker: siteA.url, username: 'op-a', password_file: 'a.pw', request_topic: topicsA.requestTopic, response_topic: topicsA.responseTopic },
        'site-b': { broker: siteB.url, username: 'op-b', password_env: 'SITE_B_PASSWORD', request_topic: topicsB.requestTopic, response_topic: topicsB.responseTopic, mqtt_version: '3.1.1', timeout: 5 },
      },
    });
    secret(join(path, '..', 'a.pw'), 'alpha secret\n');
    const a = await startResponder(siteA.url.replace('mqtt://', 'mqtt://op-a:alpha%20secret@'), topicsA);
    const b = await startResponder(siteB.url.replace('mqtt://', 'mqtt://op-b:bravo%20secret@'), topicsB);
    try {
      const env = { SCP_CONFIG: path, SITE_B_PASSWORD: 'bravo secret' };
      const onA = await runScp(['--profile', 'site-a', 'clear', '--id', '1'], env);
      expect(onA.stderr).toBe('');
      expect(onA.stdout).toBe('accepted\n');
      expect(a.seen).toHaveLength(1);
      const onB = await runScp(['--profile', 'site-b', 'clear', '--evse', 'GB*SEV*123', '--purpose', 'TxProfile'], env);
      expect(onB.stdout).toBe('accepted\n');
      expect(b.seen).toHaveLength(1);
      expect(b.seen[0]!.envelope!.data).toEqual({ charging_profile_criteria: { evse_id: 'GB*SEV*123', charging_profile_purpose: 'TxProfile' } });
      const byDefault = await runScp(['clear', '--id', '2'], env);
      expect(byDefault.code).toBe(0);
      expect(a.seen).toHaveLength(2);
      // A flag still beats the profile: the wrong password from the environment is refused by site B.
      const overridden = await runScp(['--profile', 'site-b', 'clear', '--id', '3'], { ...env, SCP_PASSWORD: 'wrong' });
      expect(overridden.code).toBe(4);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('the interactive confirmation names the profile and the broker', async () => {
    const path = configFile({ profiles: { 'site-b': { broker: siteB.url, username: 'op-b', password_env: 'SITE_B_PASSWORD' } } });
    const pty = startPty(scpCommand(['--config', path, '--profile', 'site-b', 'clear']), { SITE_B_PASSWORD: 'bravo secret' });
    await pty.waitFor(/What to clear\?/);
    pty.type(KEY.enter);
    await pty.waitFor(/Charging profile id:/);
    pty.type('5' + KEY.enter);
    await pty.waitFor(new RegExp(`about to send clear_charging_profile \\(id=5\\) on ocpp/smart_charging at ${siteB.url.replace(/[.]/g, '\\.')} \\(profile site-b\\)`));
    pty.type(KEY.ctrlC);
    expect(await pty.exited).toBe(130);
  });
});

describe('scp completion', () => {
  const complete = (script: string, line: string[], env: Record<string, string> = {}, cwd?: string) => {
    const bin = join(dir, 'bin');
    mkdirSync(bin, { recursive: true });
    try {
      symlinkSync(SCP_BIN, join(bin, 'scp'));
    } catch {
      // already there
    }
    const words = line.map((w) => `'${w}'`).join(' ');
    const run = spawnSync(
      'bash',
      ['-c', `source /dev/stdin <<'EOF'\n${script}\nEOF\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _scp; printf '%s\\n' "\${COMPREPLY[@]}"`],
      { env: { PATH: `${bin}:${process.env.PATH}`, HOME: dir, SCP_NO_PASSTHROUGH: '1', XDG_CONFIG_HOME: join(dir, 'none'), ...env }, encoding: 'utf8', cwd },
    );
    return run.stdout.split('\n').filter(Boolean);
  };

  it('bash: commands, options, the four purposes and the profile names of the config file', async () => {
    const script = (await runScp(['completion', 'bash'])).stdout;
    expect(spawnSync('bash', ['-n'], { input: script }).status).toBe(0);
    expect(complete(script, ['scp', ''])).toEqual(expect.arrayContaining(['clear', 'simulate', 'config', 'completion', '--profile', '--broker']));
    expect(complete(script, ['scp', 'clear', '--p'])).toEqual(expect.arrayContaining(['--purpose', '--profile', '--password-file']));
    expect(complete(script, ['scp', 'clear', '--purpose', ''])).toEqual(['ChargingStationExternalConstraints', 'ChargingStationMaxProfile', 'TxDefaultProfile', 'TxProfile']);
    expect(complete(script, ['scp', 'clear', '--purpose', 'Tx'])).toEqual(['TxDefaultProfile', 'TxProfile']);
    expect(complete(script, ['scp', 'config', ''])).toEqual(expect.arrayContaining(['path', 'show', 'validate', 'profiles']));
    const path = configFile({ profiles: { 'site-a': {}, 'site-b': {}, lab: {} } });
    expect(complete(script, ['scp', '--profile', 's'], { SCP_CONFIG: path })).toEqual(['site-a', 'site-b']);
    // Not ours: left to file completion for OpenSSH's scp.
    expect(complete(script, ['scp', 'host:'])).toEqual([]);
  });

  it('bash: a first word completes to the commands it starts, beside the files that do; no command, no words of ours', async () => {
    const script = (await runScp(['completion', 'bash'])).stdout;
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'clips.txt'), '');
    writeFileSync(join(cwd, 'somefile'), '');
    expect(complete(script, ['scp', 'cl'], {}, cwd)).toEqual(['clear', 'clips.txt']);
    expect(complete(script, ['scp', 'sim'], {}, cwd)).toEqual(['simulate']);
    expect(complete(script, ['scp', 'co'], {}, cwd)).toEqual(['config', 'completion']);
    // Every message command of the registry, with its own options.
    expect(complete(script, ['scp', 's'], {}, cwd)).toEqual(['set', 'schedule', 'status', 'simulate', 'somefile']);
    expect(complete(script, ['scp', 'set', '--li'], {}, cwd)).toEqual(['--limit']);
    expect(complete(script, ['scp', 'set', '--recurring', ''], {}, cwd)).toEqual(['daily', 'weekly']);
    expect(complete(script, ['scp', 'schedule', '--unit', ''], {}, cwd)).toEqual(['A', 'W']);
    // Nothing of ours starts so: the shell's own file completion (complete -o default) takes over.
    expect(complete(script, ['scp', 'so'], {}, cwd)).toEqual([]);
  });

  it.skipIf(skipShell('zsh'))(`zsh: a first word offers the commands and the files (zsh keeps those that match)${shellNote('zsh')}`, async () => {
    const script = (await runScp(['completion', 'zsh'])).stdout;
    // Node's stdin for a child is a socket, which `source /dev/stdin` cannot open: the script goes in a file.
    const file = join(dir, '_scp');
    writeFileSync(file, script);
    const zsh = spawnSync('zsh', ['-f', '-c', `compadd() { [[ $1 == -- ]] && shift; print -l -- "$@" }; _files() { print FILES }; words=(scp cl); CURRENT=2; source ${file}`], {
      encoding: 'utf8',
    });
    expect(zsh.error, `zsh is not installed${SHELL_HINT('zsh')}`).toBeUndefined();
    expect(zsh.stdout.split('\n').filter(Boolean)).toEqual([...MESSAGE_COMMANDS, 'simulate', 'doctor', 'journal', 'config', 'completion', 'FILES']);
  });

  it.skipIf(skipShell('fish'))(`fish: a first word completes to the commands it starts, and to files${shellNote('fish')}`, async () => {
    const script = (await runScp(['completion', 'fish'])).stdout;
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(cwd, 'clips.txt'), '');
    writeFileSync(join(cwd, 'somefile'), '');
    // Only our completions: fish ships its own for OpenSSH's scp, which ours replaces once installed.
    const file = join(dir, 'scp.fish');
    writeFileSync(file, script);
    const words = (line: string) => {
      const fish = spawnSync('fish', ['--no-config', '-c', `set fish_complete_path /nonexistent; source ${file}; complete -C '${line}'`], { cwd, encoding: 'utf8' });
      expect(fish.error, `fish is not installed${SHELL_HINT('fish')}`).toBeUndefined();
      return fish.stdout.split('\n').filter(Boolean).map((row) => row.split('\t')[0]);
    };
    expect(words('scp cl')).toEqual(['clear', 'clips.txt']);
    expect(words('scp sim')).toEqual(['simulate']);
    expect(words('scp so')).toEqual(['somefile']);
    expect(words('scp clear --pur')).toEqual(['--purpose']);
  });

  it('zsh and fish scripts cover the same commands, purposes and profile lookup; an unknown shell is bad usage', async () => {
    for (const shell of ['zsh', 'fish']) {
      const run = await runScp(['completion', shell]);
      expect(run.code).toBe(0);
      for (const word of ['clear', 'simulate', 'config', 'TxProfile', 'ChargingStationMaxProfile', 'scp config profiles', 'purpose', 'profile']) {
        expect(run.stdout).toContain(word);
      }
    }
    const bad = await runScp(['completion', 'tcsh']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('scp: completion: "tcsh" is not supported; use bash, zsh, fish\n');
  });

  it('config profiles lists the names one per line', async () => {
    const path = configFile({ profiles: { b: {}, a: {} } });
    expect((await runScp(['--config', path, 'config', 'profiles'])).stdout).toBe('b\na\n');
  });
});
